/**
 * The parts of a large logits file read on worker threads, waited for synchronously (the CLI is
 * synchronous, and so is the extension worker's analysis). A new thread starts cold (about 90 ms
 * to start, then slow until V8 has compiled the hot loops again for its isolate), so threads are
 * kept: a PartThreadPool either starts its own (the CLI: one run per process) or is given ports
 * to threads that outlive it (the extension: the host keeps a few, src/extension/partThreadHost.ts,
 * and connects each file's worker to them, so a file analysed again finds them warm).
 *
 * In a run every thread, this one included, takes the next unread part from a shared counter: a
 * thread that is still starting (or never starts) leaves its part to this thread instead of
 * holding up the end, and a warm thread takes more parts than a cold one. Each pool thread posts
 * `[index, result]` on the run's port and raises a shared flag when there is nothing left to take;
 * this thread then takes the messages with receiveMessageOnPort. A part no thread answered for is
 * read here, with the same result. Pool threads run the caller's script, which calls
 * runPartWorker first. The CLI also hands them blocks of rows to format as JSON or CSV text
 * (src/core/rowTextBlock.ts), a window at a time (`start`).
 */
import { MessageChannel, MessagePort, Worker, isMainThread, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { rowTextBlock, type RowTextRunner, type RowTextSpec } from '../core/rowTextBlock';
import { primeTextReaders } from '../core/readerPrimer';
import { openChunkFile } from './chunkFile';
import { summarizePart, type PartJob, type PartResult } from './summaryParts';

const open = (path: string) => openChunkFile(path, DEFAULT_MAX_FILE_BYTES);

/** A pool thread's job: a part of a file to read, or (the CLI's JSON output) a block of rows to format. */
export type PoolJob = PartJob | { rowText: RowTextSpec };

/** Runs one job here: the same result on any thread. */
export function runPoolJob(job: PoolJob): PartResult {
  if ('rowText' in job)
    return { ok: true, hits: 0, losses: new Float64Array(0), bounds: new Float64Array(0), text: rowTextBlock(job.rowText) };
  return summarizePart(job, open);
}

/** A RowTextRunner on a pool: `start` hands the jobs to its threads (PartThreadPool.start, or the CLI's io). */
export function rowTextOnPool(start: (jobs: PoolJob[]) => () => PartResult[]): RowTextRunner {
  return (specs) => {
    const finish = start(specs.map((rowText) => ({ rowText })));
    return () => finish().map((r) => r.text ?? null);
  };
}

const WAITING = 0;
const FINISHED = 1;
const RUNNING = 3;
/** How long a new file worker waits for the warm part threads to begin before it reads parts itself. */
const WAIT_FOR_POOL_MS = 2000;
const FAILED: PartResult = { ok: false, hits: 0, losses: new Float64Array(0), bounds: new Float64Array(0) };

/** One run's parts, as a pool thread receives them. */
interface PartBatch {
  jobs: PoolJob[];
  next: Int32Array;
  /** Threads that have begun the batch (the caller may wait for the first). */
  started: Int32Array;
  flag: Int32Array;
  port: MessagePort;
}

/** Where a run's batch is posted: a thread this pool started, or a port to one it was given. */
interface PoolThread {
  post(batch: PartBatch): void;
  alive: boolean;
  stop(): void;
}

export class PartThreadPool {
  private readonly threads: PoolThread[] = [];
  private readonly script: string | null;

  /** `source`: the script to start threads with, or ports to threads started elsewhere (see connectPartThread). */
  constructor(source: string | MessagePort[]) {
    if (typeof source === 'string') this.script = source;
    else {
      this.script = null;
      for (const port of source) {
        const thread: PoolThread = {
          post: (batch) => port.postMessage(batch, [batch.port]),
          alive: true,
          stop: () => port.close(),
        };
        port.on('close', () => (thread.alive = false)).unref();
        this.threads.push(thread);
      }
    }
  }

  /**
   * Reads `jobs` on `threads` threads; the results in job order. With threads it starts itself
   * (all new, all cold), this thread is one of them and threads − 1 are the pool's. With threads
   * given as ports (kept warm elsewhere), `threads` of those read, and this thread, new and cold,
   * only waits: it reads parts itself only if none of them has begun within WAIT_FOR_POOL_MS
   * (all busy with another file, or gone).
   */
  run(jobs: PoolJob[], threads: number): PartResult[] {
    return this.start(jobs, threads)();
  }

  /**
   * run() in two halves: the jobs are handed to the threads now, and the returned function reads
   * this thread's share, waits for the others and gives the results. Between the two this thread
   * is free (the CLI writes the text of the blocks before while the threads format these).
   */
  start(jobs: PoolJob[], threads: number): () => PartResult[] {
    const readsHere = this.script !== null;
    const helpers = this.helpers(Math.max(0, Math.min(readsHere ? threads - 1 : threads, jobs.length)));
    const next = new Int32Array(new SharedArrayBuffer(4));
    const started = new Int32Array(new SharedArrayBuffer(4));
    const runs = helpers.map((thread) => {
      const { port1, port2 } = new MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(4));
      try {
        thread.post({ jobs, next, started, flag, port: port2 });
      } catch {
        Atomics.store(flag, 0, FINISHED); // it cannot take the batch: the others, or this thread, read its share
      }
      return { port: port1, flag };
    });
    return () => this.finish(jobs, runs, next, started, readsHere);
  }

  private finish(
    jobs: PoolJob[],
    runs: { port: MessagePort; flag: Int32Array }[],
    next: Int32Array,
    started: Int32Array,
    readsHere: boolean,
  ): PartResult[] {
    const results: (PartResult | undefined)[] = new Array(jobs.length);
    const readHere = () => {
      for (let i; (i = Atomics.add(next, 0, 1)) < jobs.length;) results[i] = runPoolJob(jobs[i]);
    };
    if (readsHere || runs.length === 0) readHere();
    else if (Atomics.wait(started, 0, 0, WAIT_FOR_POOL_MS) === 'timed-out' && Atomics.load(started, 0) === 0) readHere();
    // Wait for every thread that is reading (one that has not begun will find no part left once
    // they are all taken), but never for ever: after 10 minutes (it died) its parts are read here.
    const waited = Date.now();
    for (let running; (running = runs.find(({ flag }) => Atomics.load(flag, 0) === RUNNING)) && Date.now() - waited < 600_000;) {
      Atomics.wait(running.flag, 0, RUNNING, 1000);
    }
    for (const { port } of runs) {
      for (let message; (message = receiveMessageOnPort(port));) {
        const [index, result] = message.message as [number, PartResult];
        results[index] = result;
      }
      port.close();
    }
    return jobs.map((job, i) => results[i] ?? runPoolJob(job));
  }

  /**
   * Starts the threads a later run on `threads` threads will use, so that they boot (about 90 ms)
   * while this thread plans the parts. Only a pool with a script starts threads.
   */
  prestart(threads: number): void {
    if (this.script) this.helpers(Math.max(0, threads - 1));
  }

  /** Threads started or connected, and not known to have died. */
  get size(): number {
    return this.threads.filter((thread) => thread.alive).length;
  }

  /** Stops the threads this pool started (or lets go of the ports it was given). */
  close(): void {
    for (const thread of this.threads.splice(0)) thread.stop();
  }

  /** Up to `count` live threads, started as needed when the pool has a script (one that died is replaced). */
  private helpers(count: number): PoolThread[] {
    for (let i = this.threads.length - 1; i >= 0; i--) if (!this.threads[i].alive) this.threads.splice(i, 1);
    while (this.script && this.threads.length < count) {
      const thread = startPartThread(this.script);
      if (!thread) break; // no thread to be had: this thread reads the parts
      this.threads.push(thread);
    }
    return this.threads.slice(0, count);
  }
}

function startPartThread(script: string): PoolThread | null {
  let worker: Worker;
  try {
    worker = new Worker(script, { workerData: { gradientLensPartPool: true } });
  } catch {
    return null;
  }
  const thread: PoolThread = { post: (batch) => worker.postMessage(batch, [batch.port]), alive: true, stop: () => void worker.terminate() };
  // A thread that cannot start or dies leaves its parts unanswered: they are read here.
  worker.on('error', () => (thread.alive = false)).on('exit', () => (thread.alive = false));
  worker.unref();
  return thread;
}

/** A thread (a Worker of the script that calls runPartWorker) and a new port to it, for another thread's pool. */
export function connectPartThread(worker: Worker): MessagePort {
  const { port1, port2 } = new MessageChannel();
  worker.postMessage({ connect: port2 }, [port2]);
  return port1;
}

/** In a pool thread: reads the parts of each batch it is sent, and returns true; elsewhere false. */
export function runPartWorker(): boolean {
  if (isMainThread || !workerData?.gradientLensPartPool || !parentPort) return false;
  primeTextReaders(); // while the caller plans its parts
  // A batch, or a port to take batches on (another thread's pool: connectPartThread).
  parentPort.on('message', (message: PartBatch | { connect: MessagePort }) => {
    if ('connect' in message) message.connect.on('message', readBatch);
    else readBatch(message);
  });
  return true;
}

function readBatch({ jobs, next, started, flag, port }: PartBatch): void {
  // RUNNING before the first part is taken: this thread's parts are then always waited for.
  if (Atomics.compareExchange(flag, 0, WAITING, RUNNING) !== WAITING) return;
  Atomics.add(started, 0, 1);
  Atomics.notify(started, 0);
  for (let i; (i = Atomics.add(next, 0, 1)) < jobs.length;) {
    let result = FAILED;
    try {
      result = runPoolJob(jobs[i]);
    } catch {
      result = FAILED;
    }
    // A part that failed here for any reason but its bytes is not answered: it is read again on
    // the calling thread. One its bytes failed is (read again, it would fail again: a 1 GB CSV cut
    // short was read 1.5 times so on two threads).
    if (result.ok || result.refused)
      port.postMessage([i, result], [result.losses.buffer as ArrayBuffer, result.bounds.buffer as ArrayBuffer]);
  }
  port.close();
  Atomics.store(flag, 0, FINISHED);
  Atomics.notify(flag, 0);
}
