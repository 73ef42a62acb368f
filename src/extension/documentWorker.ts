/**
 * One worker thread per large file: it analyses the file and then holds the analysis, answering
 * queries until disposed (the document closed, the file analysed again) or cancelled. Terminating
 * is the only way to stop a parse mid-loop, and frees everything the file took at once.
 */
import { Worker, type MessagePort } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { PipelineOptions } from '../core/pipeline';
import type { RoleMatch } from '../core/npzRoles';
import type { QueryAnswer, TensorQuery } from '../core/tensorQuery';
import type { ExportQuery, TensorData } from './tensorData';
import type { ViewerBlock, ViewerOutline, ViewerSlice, ViewerSource } from './viewerArrays';
import type { TextEdit } from './editLog';
import type { WorkerInput, WorkerRequest, WorkerResponse } from './workerProtocol';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
  }
}

export type Analyzed = Extract<WorkerResponse, { type: 'analyzed' }>;

/** UTF-16 units of a document's text per message to the worker (1 MB of ASCII). */
const TEXT_SLICE = 1 << 20;

type Waiter = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };

export class DocumentWorker implements TensorData {
  readonly where = 'worker';
  private readonly worker: Worker;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiter>();
  private closed: Error | null = null;

  /** `partPorts`: ports to the host's part threads (partThreadHost.ts), handed to the worker. */
  constructor(script: string, partPorts: MessagePort[] = []) {
    this.worker = new Worker(script, partPorts.length ? { workerData: { partPorts }, transferList: partPorts } : {});
    this.worker.on('message', (message: WorkerResponse) => {
      const waiter = this.waiting.get(message.id);
      this.waiting.delete(message.id);
      waiter?.resolve(message);
    });
    this.worker.on('error', (error) => this.close(error));
    this.worker.on('exit', (code) => this.close(new Error(`analysis worker exited with code ${code}`)));
  }

  /** Bytes are transferred (the caller's array is emptied); text is copied; a path is read there. */
  async analyze(
    input: WorkerInput,
    fileName: string,
    options: PipelineOptions,
    token?: vscode.CancellationToken,
    threads = 0,
  ): Promise<Analyzed> {
    const subscription = token?.onCancellationRequested(() => this.close(new CancelledError()));
    try {
      if ('text' in input && input.text.length > TEXT_SLICE) input = await this.sendText(input.text);
      const bytes = 'bytes' in input ? input.bytes : 'editedBytes' in input ? input.editedBytes : null;
      const transfer = bytes ? [bytes.buffer as ArrayBuffer] : [];
      const response = await this.send({ id: 0, type: 'analyze', input, fileName, options, threads }, transfer);
      if (response.type !== 'analyzed') throw new Error('the analysis worker answered out of turn');
      return response;
    } finally {
      subscription?.dispose();
    }
  }

  /**
   * A large text goes a slice per message, a turn of the event loop apart: one message of 10 MB
   * held the host for 40–760 ms (V8 copies the string while the host waits); a slice, a few ms.
   */
  private async sendText(text: string): Promise<WorkerInput> {
    for (let at = 0; at < text.length; at += TEXT_SLICE) {
      if (this.closed) throw this.closed;
      this.worker.postMessage({ id: 0, type: 'textPart', text: text.slice(at, at + TEXT_SLICE) } satisfies WorkerRequest);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { textParts: true };
  }

  /** How an archive's arrays could be read; the worker keeps the bytes for `analyze({ kept: true }, …)`. */
  async roleMatch(input: WorkerInput, fileName: string, sumTolerance?: number, maxArchiveBytes?: number): Promise<RoleMatch | null> {
    const transfer = 'bytes' in input ? [input.bytes.buffer as ArrayBuffer] : [];
    const response = await this.send({ id: 0, type: 'roleMatch', input, fileName, sumTolerance, maxArchiveBytes }, transfer);
    if (response.type !== 'roles') throw new Error('the analysis worker answered out of turn');
    return response.match;
  }

  /**
   * The document text this worker analysed, with `edits` made on it (a later version, editLog.ts),
   * in UTF-8: transferred from the worker, not copied, and transferred on to the next one.
   */
  async editedText(edits: TextEdit[], units: number): Promise<Uint8Array> {
    const response = await this.send({ id: 0, type: 'editText', edits, units });
    if (response.type !== 'text') throw new Error('the analysis worker answered out of turn');
    return response.bytes;
  }

  async query(query: TensorQuery): Promise<QueryAnswer> {
    const response = await this.send({ id: 0, type: 'query', query });
    if (response.type !== 'answer' || typeof response.answer === 'number') throw new Error('the analysis worker answered out of turn');
    return response.answer;
  }

  async exportTo(query: ExportQuery, target: vscode.Uri): Promise<void> {
    if (target.scheme === 'file') {
      await this.send({ id: 0, type: 'query', query, path: target.fsPath });
      return;
    }
    await vscode.workspace.fs.writeFile(target, (await this.query(query)) as Uint8Array);
  }

  /** The NumPy viewer's arrays, decoded and kept in this worker; the outline comes back. */
  async openViewer(source: ViewerSource): Promise<ViewerOutline> {
    return (await this.viewer(
      { id: 0, type: 'openViewer', source },
      'bytes' in source.input ? [source.input.bytes.buffer as ArrayBuffer] : [],
    )) as ViewerOutline;
  }

  async viewerRows(request: Extract<WorkerRequest, { type: 'viewerRows' }>['request']): Promise<ViewerBlock> {
    return (await this.viewer({ id: 0, type: 'viewerRows', request })) as ViewerBlock;
  }

  async viewerSlice(request: Extract<WorkerRequest, { type: 'viewerSlice' }>['request']): Promise<ViewerSlice> {
    return (await this.viewer({ id: 0, type: 'viewerSlice', request })) as ViewerSlice;
  }

  private async viewer(request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<ViewerOutline | ViewerBlock | ViewerSlice> {
    const response = await this.send(request, transfer);
    if (response.type !== 'viewer') throw new Error('the worker answered out of turn');
    return response.answer;
  }

  private send(request: WorkerRequest, transfer: ArrayBuffer[] = []): Promise<WorkerResponse> {
    if (this.closed) return Promise.reject(this.closed);
    const id = this.nextId++;
    return new Promise<WorkerResponse>((resolve, reject) => {
      this.waiting.set(id, {
        resolve: (r) => (r.type === 'error' ? reject(new Error(r.error)) : resolve(r)),
        reject,
      });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }

  /** False once the thread exited, failed, or was disposed or cancelled. */
  get alive(): boolean {
    return this.closed === null;
  }

  private close(error: Error): void {
    if (this.closed) return;
    this.closed = error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    void this.worker.terminate();
  }

  dispose(): void {
    this.close(new CancelledError());
  }
}
