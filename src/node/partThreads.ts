/**
 * The parts of `analyze --summary --threads N` on worker threads, waited for synchronously (the
 * CLI is synchronous): each worker runs summarizePart, posts its result on its own port and then
 * raises a shared flag; this thread reads the first part itself meanwhile, then waits on each flag
 * (Atomics.wait) and takes the message with receiveMessageOnPort. Workers run this same script.
 */
import { MessageChannel, MessagePort, Worker, isMainThread, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { openChunkFile } from './chunkFile';
import { summarizePart, type PartJob, type PartResult } from './summaryParts';

const open = (path: string) => openChunkFile(path, DEFAULT_MAX_FILE_BYTES);
const RUNNING = 3;
const DONE = 1;
const FAILED: PartResult = { ok: false, hits: 0, losses: new Float64Array(0), bounds: new Float64Array(0) };

export function runPartsOnThreads(script: string, jobs: PartJob[]): PartResult[] {
  const started = jobs.slice(1).map((job) => {
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(4));
    try {
      new Worker(script, { workerData: { gradientLensPart: job, port: port2, flag }, transferList: [port2] }).unref();
    } catch {
      Atomics.store(flag, 0, 2); // no thread to be had: the part is read here
    }
    return { port: port1, flag, created: Date.now() };
  });
  const results = [summarizePart(jobs[0], open)];
  started.forEach(({ port, flag, created }, i) => {
    // A worker that never starts (30 s) or never finishes (10 min more: it died) is no reason to
    // hang: its part is read here instead, with the same result.
    const waited = Date.now();
    for (let state; (state = Atomics.load(flag, 0)) === 0 || state === RUNNING;) {
      if (state === 0 ? Date.now() - created > 30_000 : Date.now() - waited > 600_000) break;
      Atomics.wait(flag, 0, state, 1000);
    }
    const message = Atomics.load(flag, 0) === DONE ? receiveMessageOnPort(port) : undefined;
    port.close();
    results.push(message ? (message.message as PartResult) : summarizePart(jobs[i + 1], open));
  });
  return results;
}

/** In a worker started by runPartsOnThreads: runs its part and returns true; elsewhere false. */
export function runPartWorker(): boolean {
  if (isMainThread || !workerData?.gradientLensPart) return false;
  const { gradientLensPart: job, port, flag } = workerData as { gradientLensPart: PartJob; port: MessagePort; flag: Int32Array };
  Atomics.store(flag, 0, RUNNING);
  let result = FAILED;
  try {
    result = summarizePart(job, open);
  } catch {
    result = FAILED;
  }
  port.postMessage(result, result.ok ? [result.losses.buffer as ArrayBuffer, result.bounds.buffer as ArrayBuffer] : []);
  port.close();
  Atomics.store(flag, 0, result.ok ? DONE : 2);
  Atomics.notify(flag, 0);
  return true;
}
