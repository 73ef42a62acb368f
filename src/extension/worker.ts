/**
 * Worker thread: runs the pipeline on a large file so the extension host (shared by every
 * extension) never waits on parsing. It also does the host's other whole-file work: encoding an
 * open document's text to UTF-8 (or reading a local file) and scanning the bytes for line starts. Results are plain data;
 * typed arrays, the bytes included, are transferred back, not copied.
 */
import { readFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { LineIndex, type LineTables } from '../core/lineIndex';
import { runPipeline, type PipelineOptions } from '../core/pipeline';
import { withoutDerived, type TransferResult } from '../core/transferForm';
import { looksLikeTensorFile, NOT_A_TENSOR_FILE } from './tensorFileCheck';

export interface WorkerRequest {
  id: number;
  /** The file's bytes, an open document's text to encode here, or a local file to read here. */
  input: { bytes: Uint8Array } | { text: string } | { path: string };
  fileName: string;
  options: PipelineOptions;
}

export interface WorkerResult {
  /** Without what the host can derive (src/core/transferForm.ts): restoreDerived puts it back. */
  result: TransferResult;
  bytes: Uint8Array;
  lines: LineTables;
}

export type WorkerResponse = ({ id: number } & WorkerResult) | { id: number; error: string };

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    const input = request.input;
    const bytes = 'text' in input ? new TextEncoder().encode(input.text) : 'path' in input ? readFileSync(input.path) : input.bytes;
    // Read here, the file has not been looked at yet (the host checks bytes and text itself).
    if ('path' in input && !looksLikeTensorFile(request.fileName, bytes)) throw new Error(NOT_A_TENSOR_FILE);
    // ∂L/∂z of logits is left out of the transfer form, so it is not computed here either.
    const result = runPipeline(bytes, request.fileName, { ...request.options, withoutLogitGradient: true });
    const lines = new LineIndex(bytes).tables;
    const response: WorkerResponse = { id: request.id, result: withoutDerived(result), bytes, lines };
    parentPort!.postMessage(response, transferables(response));
  } catch (error) {
    parentPort!.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) } satisfies WorkerResponse);
  }
});

/** Every distinct ArrayBuffer in the result, so they move instead of being copied. */
function transferables(value: unknown, found = new Set<ArrayBuffer>()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
  } else if (Array.isArray(value)) value.forEach((v) => transferables(v, found));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => transferables(v, found));
  return [...found];
}
