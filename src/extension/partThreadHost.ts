/**
 * The threads that read the parts of a large logits file (src/node/partThreads.ts), kept by the
 * extension host for its whole life rather than started by each file's worker: a file's worker is
 * new for every analysis (it holds that analysis only), and a new thread runs cold for its first
 * few hundred milliseconds, so no analysis would ever find warm threads. Kept here, every large
 * file read from disk after the first (another export, a training run's step, a file reopened)
 * finds them warm. Started on first use, one per core (a file's worker, new and cold,
 * waits for them rather than reading parts itself); each new file worker gets its own port to every
 * one of them.
 */
import { availableParallelism } from 'node:os';
import { Worker, type MessagePort } from 'node:worker_threads';
import { connectPartThread } from '../node/partThreads';

export class PartThreadHost {
  private threads: Worker[] | null = null;

  constructor(private readonly script: string) {}

  /** Ports to the threads, started on first use, for one file worker (transferred to it). */
  connect(): MessagePort[] {
    if (!this.threads) {
      this.threads = [];
      for (let i = 0; i < availableParallelism(); i++) {
        try {
          const worker = new Worker(this.script, { workerData: { gradientLensPartPool: true } });
          // One that dies is dropped: its ports close, and the file workers read its parts themselves.
          worker.on('error', () => {}).on('exit', () => this.drop(worker));
          worker.unref();
          this.threads.push(worker);
        } catch {
          break;
        }
      }
    }
    return this.threads.map(connectPartThread);
  }

  private drop(worker: Worker): void {
    const at = this.threads?.indexOf(worker) ?? -1;
    if (at >= 0) this.threads!.splice(at, 1);
  }

  dispose(): void {
    for (const worker of this.threads?.splice(0) ?? []) void worker.terminate();
  }
}
