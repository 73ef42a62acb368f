/**
 * Loss and ∂L/∂z of class-index targets with the rows split over threads (issue 22): the logits,
 * labels, gradient and per-row losses live in SharedArrayBuffers, each worker computes its rows
 * with labelRowRange, this thread computes the first part meanwhile and then waits on each
 * worker's flag (Atomics.wait: the callers are synchronous). The per-row losses are summed here in
 * row order, so the loss and every ∂L/∂z are the same bits for any number of threads as
 * softmaxCrossEntropyLabelsGradient gives (the single-threaded reference).
 */
import { isMainThread, Worker, workerData, parentPort } from 'node:worker_threads';
import { labelRowRange } from '../core/losses';
import type { Reduction } from '../core/losses';

interface Job {
  z: Float64Array;
  labels: Int32Array;
  gradient: Float64Array;
  losses: Float64Array;
  k: number;
  scale: number;
  from: number;
  to: number;
}

const IDLE = 0;
const DONE = 1;
const FAILED = 2;

/** Rows per thread below which a part is not worth a thread. */
const MIN_PART_ELEMENTS = 1 << 16;

export class LossPool {
  private readonly workers: { worker: Worker; flag: Int32Array }[] = [];

  /** `script` runs runLossPoolWorker() when started as a worker (the CLI bundle, or src/node/lossPoolWorker.ts). */
  constructor(
    script: string,
    readonly threads: number,
  ) {
    for (let t = 1; t < threads; t++) {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const worker = new Worker(script, { workerData: { gradientLensLossPool: true, flag } });
      worker.unref();
      this.workers.push({ worker, flag });
    }
  }

  /** Shared-memory arrays the workers can see, for the inputs and outputs of `run`. */
  static shared(length: number): Float64Array {
    return new Float64Array(new SharedArrayBuffer(length * 8));
  }

  /**
   * Loss (per-row losses summed in row order, then scaled) with ∂L/∂z in `gradient` and each row's
   * loss in `losses`. With threads, z, labels, gradient and losses must be SharedArrayBuffer views.
   */
  run(
    z: Float64Array,
    labels: Int32Array,
    n: number,
    k: number,
    reduction: Reduction,
    gradient: Float64Array,
    losses: Float64Array,
  ): number {
    const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
    const parts = Math.max(1, Math.min(this.threads, Math.floor((n * k) / MIN_PART_ELEMENTS), n));
    const cut = (p: number) => Math.round((n * p) / parts);
    const sent: { flag: Int32Array; job: Job }[] = [];
    for (let p = 1; p < parts; p++) {
      const { worker, flag } = this.workers[p - 1];
      const job: Job = { z, labels, gradient, losses, k, scale, from: cut(p), to: cut(p + 1) };
      Atomics.store(flag, 0, IDLE);
      worker.postMessage(job);
      sent.push({ flag, job });
    }
    labelRowRange(z, labels, k, scale, 0, cut(1), gradient, gradient, losses);
    for (const { flag, job } of sent) {
      // A worker that never answers (it could not start: 60 s) is no reason to hang.
      const started = Date.now();
      while (Atomics.load(flag, 0) === IDLE && Date.now() - started < 60_000) Atomics.wait(flag, 0, IDLE, 1000);
      // A worker that failed: its rows are computed here, with the same result.
      if (Atomics.load(flag, 0) !== DONE) labelRowRange(z, labels, k, scale, job.from, job.to, gradient, gradient, losses);
    }
    let total = 0;
    for (let i = 0; i < n; i++) total += losses[i];
    return total * scale;
  }

  close(): Promise<number[]> {
    return Promise.all(this.workers.map(({ worker }) => worker.terminate()));
  }
}

/** In a worker started by LossPool: serves its jobs and returns true; elsewhere false. */
export function runLossPoolWorker(): boolean {
  if (isMainThread || !workerData?.gradientLensLossPool || !parentPort) return false;
  const flag = workerData.flag as Int32Array;
  parentPort.on('message', (job: Job) => {
    let state = DONE;
    try {
      labelRowRange(job.z, job.labels, job.k, job.scale, job.from, job.to, job.gradient, job.gradient, job.losses);
    } catch {
      state = FAILED;
    }
    Atomics.store(flag, 0, state);
    Atomics.notify(flag, 0);
  });
  return true;
}
