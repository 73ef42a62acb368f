/**
 * Worker thread that owns one large file's analysis (issue 14): it reads or encodes the file,
 * runs the pipeline, sends the host only the summary (scalars, length-N arrays, problems, line
 * tables), and then answers the queries of hovers and the panel — a row, a block, a table, an
 * export — until the host terminates it (document closed, file re-analysed, cancelled). A worker
 * may instead hold the NumPy viewer's decoded arrays (viewerArrays.ts) and answer its blocks.
 */
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { lineIndexOf } from '../core/load';
import { runPipeline, type PipelineResult } from '../core/pipeline';
import type { LineTables } from '../core/lineIndex';
import { summarizeResult } from '../core/resultSummary';
import { TensorStore, type QueryAnswer } from '../core/tensorQuery';
import { isExportedAnalysis, looksLikeTensorFile, NOT_A_TENSOR_FILE } from './tensorFileCheck';
import { ViewerArrays } from './viewerArrays';
import { NOT_THE_DOCUMENT, replayEdits, type EditedFile, type TextEdit } from './editLog';
import { archiveRoleMatch } from './archiveRoles';
import { analyzeLogitFile } from '../node/logitFileAnalysis';
import { streamedProblemAnalysis } from '../node/streamedProblem';
import type { PartsStop } from '../core/summaryStream';
import { siblingReader } from '../core/classNames';
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { PartThreadPool, rowTextOnPool, runPartWorker } from '../node/partThreads';
import { WARM_PARTS_PER_THREAD, type PartJob } from '../node/summaryParts';
import { runFillWorker } from '../node/valueFill';
import { useNativeByteSearch } from '../node/nativeByteSearch';
import { useNativeInflate } from '../node/nativeInflate';
import type { WorkerInput, WorkerRead, WorkerRequest, WorkerResponse } from './workerProtocol';

let store: TensorStore | null = null;
let viewer: ViewerArrays | null = null;
/** An archive's bytes, read for its role match and kept for the analysis that follows. */
let kept: Uint8Array | null = null;
/**
 * The bytes of this worker's analysis when they are a document's text (not a file read from
 * disk): the next version is made from them and the edits since ('editText'), so typing needs
 * neither the text from the host nor the file, which a save may be rewriting. Up to
 * KEPT_TEXT_BYTES: beyond, the copy would cost more memory than the edits path is worth.
 */
let documentBytes: Uint8Array | null = null;
const KEPT_TEXT_BYTES = 64 << 20;

/** The slices of a document's text sent ahead of its 'analyze'. */
let textParts: string[] = [];

function readInput(input: WorkerInput, fileName: string): Uint8Array {
  if ('kept' in input) {
    if (!kept) throw new Error('no bytes kept in this worker');
    return kept;
  }
  if ('textParts' in input) {
    const text = textParts.join('');
    textParts = [];
    return new TextEncoder().encode(text);
  }
  const bytes =
    'edited' in input
      ? editedFileBytes(input.edited)
      : 'editedBytes' in input
        ? input.editedBytes
        : 'text' in input
          ? new TextEncoder().encode(input.text)
          : 'path' in input
            ? readFileSync(input.path)
            : input.bytes;
  // Made here, the file or its edited text has not been looked at yet (the host checks bytes and text itself).
  if (('path' in input || 'edited' in input || 'editedBytes' in input) && !looksLikeTensorFile(fileName, bytes))
    throw new Error(NOT_A_TENSOR_FILE);
  return bytes;
}

/** A document's text rebuilt from its saved file and the edits since; NOT_THE_DOCUMENT if the file changed. */
function editedFileBytes({ file, edits, units }: EditedFile): Uint8Array {
  const stat = statSync(file.path, { throwIfNoEntry: false });
  if (stat?.size !== file.byteLength || stat.mtimeMs !== file.mtimeMs) throw new Error(NOT_THE_DOCUMENT);
  const bytes = readFileSync(file.path);
  if (bytes.length !== file.byteLength) throw new Error(NOT_THE_DOCUMENT);
  return withEdits(bytes, edits, units);
}

/** UTF-8 text with `edits` made on it, of `units` UTF-16 units; NOT_THE_DOCUMENT if they do not fit it. */
function withEdits(bytes: Uint8Array, edits: TextEdit[], units: number): Uint8Array {
  const text = replayEdits(new TextDecoder().decode(bytes), edits, units);
  if (text === null) throw new Error(NOT_THE_DOCUMENT);
  return new TextEncoder().encode(text);
}

// This script also runs the reading threads of a large logits file (PartThreadPool and
// FilledValues below).
let partPool: PartThreadPool | undefined;
useNativeByteSearch();
useNativeInflate();
if (!runPartWorker() && !runFillWorker()) parentPort?.on('message', answer);

function answer(request: WorkerRequest): void {
  if (request.type === 'textPart') {
    textParts.push(request.text);
    return;
  }
  try {
    if (request.type === 'roleMatch') {
      kept = readInput(request.input, request.fileName);
      const match = archiveRoleMatch(kept, request.fileName, request.sumTolerance, { maxBytes: request.maxArchiveBytes });
      parentPort!.postMessage({ id: request.id, type: 'roles', match } satisfies WorkerResponse);
      return;
    }
    if (request.type === 'analyze') {
      let partsStop: PartsStop | undefined;
      if (analyzeOnThreads(request, (stop) => (partsStop = stop)) || answerStreamedProblem(request, partsStop)) return;
      const bytes = readInput(request.input, request.fileName);
      kept = null;
      const document = !('path' in request.input || 'kept' in request.input);
      documentBytes = document && bytes.length <= KEPT_TEXT_BYTES ? bytes : null;
      // ∂L/∂z of logits is computed per row when asked for (TensorStore), not for all N × K here.
      // The bytes are this analysis's alone (nothing here changes or sends them): a .npy's float64 may stay in them.
      const result = runPipeline(bytes, request.fileName, { ...request.options, rowsOnDemand: true, bytesHandedOver: true });
      answerAnalyzed(request.id, new TensorStore(result), result, lineIndexOf(bytes, request.fileName).tables, bytes.length, 'whole');
      return;
    }
    if (request.type === 'editText') {
      if (!documentBytes) throw new Error('no document text in this worker');
      const bytes = withEdits(documentBytes, request.edits, request.units);
      parentPort!.postMessage({ id: request.id, type: 'text', bytes } satisfies WorkerResponse, [bytes.buffer as ArrayBuffer]);
      return;
    }
    if (request.type === 'openViewer' || request.type === 'viewerRows' || request.type === 'viewerSlice') {
      if (request.type === 'openViewer') viewer = ViewerArrays.open(request.source);
      if (!viewer) throw new Error('no arrays in this worker');
      const answer =
        request.type === 'openViewer'
          ? viewer.outline()
          : request.type === 'viewerRows'
            ? viewer.rows(request.request)
            : viewer.slice(request.request);
      parentPort!.postMessage({ id: request.id, type: 'viewer', answer } satisfies WorkerResponse);
      return;
    }
    if (!store) throw new Error('no analysis in this worker');
    if (request.path && request.query.kind === 'export') {
      // An export goes from here to the chosen file a piece at a time (a large analysis's JSON is
      // more than one string holds); only its size goes back.
      const written = writePieces(request.path, store.exportPieces(request.query));
      parentPort!.postMessage({ id: request.id, type: 'answer', answer: written } satisfies WorkerResponse);
      return;
    }
    const answer = store.answer(request.query);
    if (request.path && answer instanceof Uint8Array) {
      // An export goes from here to the chosen file; only its size goes back.
      writeFileSync(request.path, answer);
      parentPort!.postMessage({ id: request.id, type: 'answer', answer: answer.length } satisfies WorkerResponse);
      return;
    }
    parentPort!.postMessage({ id: request.id, type: 'answer', answer } satisfies WorkerResponse, transferables(answer));
  } catch (error) {
    parentPort!.postMessage({
      id: request.id,
      type: 'error',
      error: error instanceof Error ? error.message : String(error),
    } satisfies WorkerResponse);
  }
}

/** Below this the logits are read before the analysis is answered: a thread would not pay for itself. */
const FILL_ON_THREADS_BYTES = 16 << 20;

/**
 * A CSV or JSON logits file from disk in the simple layout: read in parts on threads into shared
 * arrays, with the full pipeline's result (src/node/logitFileAnalysis.ts). False for anything else.
 */
function analyzeOnThreads(request: Extract<WorkerRequest, { type: 'analyze' }>, gaveUp: (stop: PartsStop) => void): boolean {
  if (!('path' in request.input)) return false;
  const count = request.threads || availableParallelism();
  // The host's part threads (partThreadHost.ts) outlive this worker, so every large file after the
  // first finds them warm: they take the parts, WARM_PARTS_PER_THREAD a thread, while this new,
  // cold thread waits.
  const ports = (workerData as { partPorts?: MessagePort[] } | null)?.partPorts;
  const pool = () => (partPool ??= new PartThreadPool(ports?.length ? ports : __filename));
  const runParts = count > 1 ? (jobs: PartJob[]) => pool().run(jobs, count) : undefined;
  const fast = analyzeLogitFile(
    request.input.path,
    request.fileName,
    request.options,
    { count, runParts, partsPerThread: ports?.length ? WARM_PARTS_PER_THREAD : 1, waitsOnly: count > 1 && !!ports?.length, gaveUp },
    request.options.maxArchiveBytes,
  );
  if (!fast) return false;
  kept = null;
  // An export as JSON or CSV formats its rows on the same threads (the logits are in shared memory).
  const rowText = count > 1 ? rowTextOnPool((jobs) => pool().start(jobs, count)) : undefined;
  const held = new TensorStore(fast.result, (r0, r1) => fast.logits.ensureRows(r0, r1), rowText);
  // The line tables are built: lineTables is not turned off here.
  answerAnalyzed(request.id, held, fast.result, fast.lines!, fast.byteLength, 'in parts');
  // The logits are read into memory after the summary has gone (on threads for a large file, whose
  // start took 2–7 ms before it): a query is taken only once this returns, and finds them filling.
  if (fast.byteLength >= FILL_ON_THREADS_BYTES) fast.logits.startThreads(__filename);
  else fast.logits.fillHere();
  return true;
}

/**
 * A CSV or JSON file from disk that the fast path stopped in: the full reader's problems (a parse
 * error, a cut-short end, labels out of range, ragged rows) found a chunk at a time (src/node/streamedProblem.ts),
 * not by holding the file and every value (1.9 GB for a 1.13 GB CSV). False when there are none
 * to find so. `partsStop`: where the fast path's parts stopped, or that they read the whole file
 * past labels out of range or rows of another width (listed from them): the problem is looked for from there.
 */
function answerStreamedProblem(request: Extract<WorkerRequest, { type: 'analyze' }>, partsStop?: PartsStop): boolean {
  // Our own export is never analysed (readInput's check), whatever it holds.
  if (!('path' in request.input) || isExportedAnalysis(request.fileName)) return false;
  const found = streamedProblemAnalysis(
    request.input.path,
    request.fileName,
    request.options.maxArchiveBytes ?? DEFAULT_MAX_FILE_BYTES,
    siblingReader({ siblings: request.options.siblings ?? {} }),
    partsStop,
  );
  if (!found) return false;
  kept = null;
  documentBytes = null;
  answerAnalyzed(request.id, new TensorStore(found.result), found.result, found.lines, found.byteLength, 'for its problems');
  return true;
}

/** Keeps `held` as this worker's analysis (queries read it until the worker is disposed) and sends the host its summary. */
function answerAnalyzed(
  id: number,
  held: TensorStore,
  result: PipelineResult,
  lines: LineTables,
  byteLength: number,
  read: WorkerRead,
): void {
  store = held;
  const summary = summarizeResult(result);
  parentPort!.postMessage({
    id,
    type: 'analyzed',
    summary,
    gradientScale: held.gradientScale(),
    lines,
    byteLength,
    read,
  } satisfies WorkerResponse);
}

/** Writes the pieces to `path` (created or truncated); the bytes written. */
function writePieces(path: string, pieces: Iterable<Uint8Array>): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const piece of pieces) {
      for (let at = 0; at < piece.length;) at += writeSync(fd, piece, at);
      written += piece.length;
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

/** The answer's buffers move to the host instead of being copied (each answer is freshly made). */
function transferables(answer: QueryAnswer): ArrayBuffer[] {
  const views = ArrayBuffer.isView(answer)
    ? [answer]
    : typeof answer === 'object'
      ? Object.values(answer).filter((v) => ArrayBuffer.isView(v))
      : [];
  return [...new Set(views.map((v) => (v as ArrayBufferView).buffer as ArrayBuffer))];
}
