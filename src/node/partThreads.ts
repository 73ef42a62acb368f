/**
 * The parts of a large logits file read on worker threads, waited for synchronously (the CLI is
 * synchronous, and so is the extension worker's analysis). Every thread, this one included, takes
 * the next unread part from a shared counter: a worker that starts late (or never) leaves its part
 * to this thread instead of holding up the end. Each worker posts `[index, result]` on its own
 * port and raises a shared flag when there is nothing left to take; this thread then takes the
 * messages with receiveMessageOnPort. A part no worker answered for is read here, with the same
 * result. Workers run the same script as the caller, which calls runPartWorker first.
 */
import { MessageChannel, MessagePort, Worker, isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { openChunkFile } from './chunkFile';
import { summarizePart, type PartJob, type PartResult } from './summaryParts';

const open = (path: string) => openChunkFile(path, DEFAULT_MAX_FILE_BYTES);
const NOT_STARTED = 0;
const FINISHED = 1;
const RUNNING = 3;
const FAILED: PartResult = { ok: false, hits: 0, losses: new Float64Array(0), bounds: new Float64Array(0) };

interface PartWorkerData {
  gradientLensParts: PartJob[];
  next: Int32Array;
  flag: Int32Array;
  port: MessagePort;
}

/** Reads `jobs` on `threads` threads (this one and threads − 1 workers); the results in job order. */
export function runPartsOnThreads(script: string, jobs: PartJob[], threads: number): PartResult[] {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const workers = Array.from({ length: Math.max(0, Math.min(threads, jobs.length) - 1) }, () => {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    let worker: Worker | undefined;
    try {
      const data: PartWorkerData = { gradientLensParts: jobs, next, flag, port: port2 };
      worker = new Worker(script, { workerData: data, transferList: [port2] });
      // A thread that cannot start or dies leaves its parts unanswered: they are read here.
      worker.on('error', () => {}).unref();
    } catch {
      Atomics.store(flag, 0, FINISHED); // no thread to be had: this one reads its share
    }
    return { port: port1, flag, worker };
  });
  const results: (PartResult | undefined)[] = new Array(jobs.length);
  for (let i; (i = Atomics.add(next, 0, 1)) < jobs.length;) results[i] = summarizePart(jobs[i], open);
  for (const { port, flag, worker } of workers) {
    // Every part is taken. A worker that has not started would find none left: it is stopped. One
    // that is reading a part is waited for, but never for ever: after 10 minutes (it died) its
    // part is read here.
    if (Atomics.load(flag, 0) === NOT_STARTED) {
      void worker?.terminate();
      port.close();
      continue;
    }
    const waited = Date.now();
    while (Atomics.load(flag, 0) === RUNNING && Date.now() - waited < 600_000) Atomics.wait(flag, 0, RUNNING, 1000);
    for (let message; (message = receiveMessageOnPort(port));) {
      const [index, result] = message.message as [number, PartResult];
      results[index] = result;
    }
    port.close();
  }
  return jobs.map((job, i) => results[i] ?? summarizePart(job, open));
}

/** In a worker started by runPartsOnThreads: reads parts until none are left and returns true; elsewhere false. */
export function runPartWorker(): boolean {
  if (isMainThread || !workerData?.gradientLensParts) return false;
  const { gradientLensParts: jobs, next, flag, port } = workerData as PartWorkerData;
  // RUNNING before the first part is taken: this thread's parts are then always waited for.
  Atomics.store(flag, 0, RUNNING);
  for (let i; (i = Atomics.add(next, 0, 1)) < jobs.length;) {
    let result = FAILED;
    try {
      result = summarizePart(jobs[i], open);
    } catch {
      result = FAILED;
    }
    // A failed part is not answered: it is read again on the calling thread, which reports it.
    if (result.ok) port.postMessage([i, result], [result.losses.buffer as ArrayBuffer, result.bounds.buffer as ArrayBuffer]);
  }
  port.close();
  Atomics.store(flag, 0, FINISHED);
  Atomics.notify(flag, 0);
  return true;
}
