/** Messages between the extension host and a document's analysis worker (worker.ts). */
import type { LineTables } from '../core/lineIndex';
import type { PipelineOptions } from '../core/pipeline';
import type { ResultSummary } from '../core/resultSummary';
import type { QueryAnswer, TensorQuery } from '../core/tensorQuery';

export type WorkerInput = { bytes: Uint8Array } | { text: string } | { path: string };

export type WorkerRequest =
  | { id: number; type: 'analyze'; input: WorkerInput; fileName: string; options: PipelineOptions }
  /** With `path`, an answer in bytes (an export) is written there by the worker. */
  | { id: number; type: 'query'; query: TensorQuery; path?: string };

export type WorkerResponse =
  | {
      id: number;
      type: 'analyzed';
      summary: ResultSummary;
      gradientScale: number | undefined;
      lines: LineTables;
      byteLength: number;
    }
  | { id: number; type: 'answer'; answer: QueryAnswer | number }
  | { id: number; type: 'error'; error: string };
