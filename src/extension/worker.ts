/**
 * Worker thread: runs the pipeline on a large file so the extension host (shared by every
 * extension) never waits on parsing. Results are plain data; typed arrays are transferred.
 */
import { parentPort } from 'node:worker_threads';
import { runPipeline, type PipelineOptions, type PipelineResult } from '../core/pipeline';

export interface WorkerRequest {
  id: number;
  bytes: Uint8Array;
  fileName: string;
  options: PipelineOptions;
}

export type WorkerResponse = { id: number; result: PipelineResult } | { id: number; error: string };

parentPort?.on('message', (request: WorkerRequest) => {
  try {
    const result = runPipeline(request.bytes, request.fileName, request.options);
    parentPort!.postMessage({ id: request.id, result } satisfies WorkerResponse, transferables(result));
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
