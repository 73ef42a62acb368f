/**
 * Where a file's N × K arrays live and how the host asks for parts of them: in a worker thread
 * for a large file (documentWorker.ts), in the host itself for a small one. Both answer the same
 * queries with the same core function (TensorStore), so what a view shows does not depend on where
 * the data is.
 */
import * as vscode from 'vscode';
import type { PipelineResult } from '../core/pipeline';
import { TensorStore, type QueryAnswer, type TensorQuery } from '../core/tensorQuery';

export type ExportQuery = Extract<TensorQuery, { kind: 'export' }>;

export interface TensorData {
  readonly where: 'host' | 'worker';
  query(query: TensorQuery): Promise<QueryAnswer>;
  /** An export written to `target` (by the worker itself for a local file: its bytes skip the host). */
  exportTo(query: ExportQuery, target: vscode.Uri): Promise<void>;
  dispose(): void;
}

export class LocalTensorData implements TensorData {
  readonly where = 'host';
  private readonly store: TensorStore;

  constructor(result: PipelineResult) {
    this.store = new TensorStore(result);
  }

  get gradientScale(): number | undefined {
    return this.store.gradientScale();
  }

  async query(query: TensorQuery): Promise<QueryAnswer> {
    return this.store.answer(query);
  }

  async exportTo(query: ExportQuery, target: vscode.Uri): Promise<void> {
    await vscode.workspace.fs.writeFile(target, this.store.answer(query) as Uint8Array);
  }

  dispose(): void {}
}
