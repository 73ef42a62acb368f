/** Runs the pipeline in a worker thread; a cancellation terminates the worker at once. */
import { Worker } from 'node:worker_threads';
import type * as vscode from 'vscode';
import type { PipelineOptions, PipelineResult } from '../core/pipeline';
import type { WorkerResponse } from './worker';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export class WorkerPool {
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (r: PipelineResult) => void; reject: (e: Error) => void }>();

  constructor(private readonly script: string) {}

  run(bytes: Uint8Array, fileName: string, options: PipelineOptions, token?: vscode.CancellationToken): Promise<PipelineResult> {
    const worker = this.ensure();
    const id = this.nextId++;
    return new Promise<PipelineResult>((resolve, reject) => {
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
      worker.postMessage({ id, bytes, fileName, options }, [bytes.buffer as ArrayBuffer]);
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
      else waiter.resolve(message.result);
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
