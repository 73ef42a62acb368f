/** Runs the pipeline in a worker thread; a cancellation terminates the worker at once. */
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { PipelineOptions } from '../core/pipeline';
import type { WorkerRequest, WorkerResponse, WorkerResult } from './worker';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export class WorkerPool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: WorkerResult) => void; reject: (e: Error) => void }>();

  constructor(private readonly script: string) {}

  /**
   * Bytes are transferred to the worker (the caller's array is emptied) and come back with the
   * result; text is copied, and encoded there; a path is read there.
   */
  run(input: WorkerRequest['input'], fileName: string, options: PipelineOptions, token?: vscode.CancellationToken): Promise<WorkerResult> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<WorkerResult>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const subscription = token?.onCancellationRequested(() => {
        // Terminating is the only way to stop a parse mid-loop; the next request starts a new worker.
        this.reset(new CancelledError());
      });
      const settle = () => subscription?.dispose();
      this.waiting.set(id, {
        resolve: (r) => (settle(), resolve(r)),
        reject: (e) => (settle(), reject(e)),
      });
      const request: WorkerRequest = { id, input, fileName, options };
      worker.postMessage(request, 'bytes' in input ? [input.bytes.buffer as ArrayBuffer] : []);
    });
  }

  private ensure(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script);
    worker.on('message', (message: WorkerResponse) => {
      const waiter = this.waiting.get(message.id);
      if (!waiter) return;
      this.waiting.delete(message.id);
      if ('error' in message) waiter.reject(new Error(message.error));
      else waiter.resolve(message);
    });
    worker.on('error', (error) => this.reset(error));
    worker.on('exit', (code) => {
      if (this.worker === worker) this.reset(new Error(`analysis worker exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }

  private reset(error: Error): void {
    const worker = this.worker;
    this.worker = null;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    void worker?.terminate();
  }

  dispose(): void {
    this.reset(new CancelledError());
  }
}
