/**
 * The full reader's message for a large CSV or JSON logits file, found without holding the file
 * (issue 22). The full reader holds the whole file and every value: a 1.13 GB CSV with one bad
 * cell took 14–29 s and 1.9–2.7 GB before it said where. Its parse errors depend only on the bytes
 * up to the bad value, so when the streaming reader of the simple layout stops at a CSV line or
 * inside a JSON row, the full reader's parse of the file's head and that one line or row
 * (csvLineError, jsonRowError) throws the error the whole file would. Anything else (a problem the
 * full reader finds only after the parse, a line the streaming reader does not take but the full
 * reader does) returns null: the caller runs the full reader.
 */
import { csvLineError } from '../core/csv';
import { jsonRowError } from '../core/json';
import { notTextProblem } from '../core/fileSignature';
import { LineIndex, type LineTables } from '../core/lineIndex';
import { joinLineStretches } from '../core/lineTableBuilder';
import type { PipelineResult } from '../core/pipeline';
import { InputError } from '../core/problems';
import { CsvSummaryStream, JsonSummaryStream, type SummaryStream } from '../core/summaryStream';
import { indexOfByte } from '../core/byteSearch';
import { feedChunks, openChunkFile, readAt, READ_CHUNK_BYTES, type ChunkFile } from './chunkFile';
import { jsonTail, lineStretch, partsFormat } from './summaryParts';

/** The full readers' first check reads this much of the file (notTextProblem). */
const SIGNATURE_BYTES = 8192;
/** A longer line or row is left to the full reader. */
const MAX_LINE_BYTES = 64 << 20;

/**
 * The error the full reader would throw for the whole file, with file offsets; null when it cannot
 * be found so. `signature`: also the full reader's first check, that the file's start is text
 * (false: null for such a file, whose reader decides first whether it is a tensor file at all).
 * `gaveUp`: a stream of the whole file that gave up already (the summary's), whose stopping place
 * is taken instead of reading the file again.
 */
export function streamedProblem(f: ChunkFile, fileName: string, signature = true, gaveUp?: SummaryStream): InputError | null {
  const format = partsFormat(fileName);
  if (!format) return null;
  const notText = notTextProblem(readAt(f, 0, Math.min(f.size, SIGNATURE_BYTES)), format === 'csv' ? 'CSV' : 'JSON');
  if (notText) return signature ? notText : null;
  return format === 'csv' ? csvProblem(f, gaveUp) : jsonProblem(f, gaveUp);
}

function csvProblem(f: ChunkFile, gaveUp?: SummaryStream): InputError | null {
  const failure = gaveUp instanceof CsvSummaryStream ? gaveUp.failure : stoppedAt(f, new CsvSummaryStream());
  if (!failure) return null;
  const line = bytesThrough(f, failure.offset, 10);
  return line && shifted(readAt(f, 0, failure.rowsStart), failure.offset, (head) => csvLineError(head, line, failure.row));
}

function jsonProblem(f: ChunkFile, gaveUp?: SummaryStream): InputError | null {
  const failure = gaveUp instanceof JsonSummaryStream ? gaveUp.failure : stoppedAt(f, new JsonSummaryStream(jsonTail(f)));
  if (!failure) return null;
  const row = bytesThrough(f, failure.offset, 93);
  return row && shifted(readAt(f, 0, failure.rowsStart), failure.offset, (head) => jsonRowError(head, row));
}

/** `stream` run over the whole file: where it stopped in a row, or null (it read the file, or stopped elsewhere). */
function stoppedAt<S extends CsvSummaryStream | JsonSummaryStream>(f: ChunkFile, stream: S): S['failure'] {
  const complete = feedChunks(
    f,
    0,
    f.size,
    (bytes, last, offset) => stream.feed(bytes, last, offset),
    () => stream.done,
  );
  stream.release();
  return complete ? null : stream.failure;
}

/** The error found in head + what follows it, moved to the file's offsets (that part starts at `offset`). */
function shifted(head: Uint8Array, offset: number, find: (head: Uint8Array) => InputError | null): InputError | null {
  const error = find(head);
  if (!error || error.start < head.length) return null;
  const shift = offset - head.length;
  return new InputError(error.message, error.start + shift, error.end + shift, error.code);
}

/**
 * The extension worker's analysis of a CSV or JSON file from disk that the full reader would
 * refuse with a parse error in a row: the full pipeline's result (that one problem) and the file's
 * line tables, read a chunk at a time. Null when the problem cannot be found so (the full reader
 * runs). The streaming reader got to a row, past the header or the "logits" key the worker's
 * tensor-file check looks for, so that check would pass; a file that is not text at its start is
 * left to it (signature false).
 */
export function streamedProblemAnalysis(
  path: string,
  fileName: string,
  maxBytes: number,
): { result: PipelineResult; lines: LineTables; byteLength: number } | null {
  const f = partsFormat(fileName) ? openChunkFile(path, maxBytes) : null;
  if (!f) return null;
  try {
    const error = streamedProblem(f, fileName, false);
    if (!error) return null;
    // What runPipeline returns when loadTensorFile reports an InputError.
    const result: PipelineResult = { dataset: null, analysis: null, network: null, problems: [error.toProblem()] };
    return { result, lines: joinLineStretches([lineStretch(f, 0, f.size, false)], f.size), byteLength: f.size };
  } finally {
    f.close();
  }
}

/**
 * The CLI's FILE:LINE:COL for an offset of a file it does not hold: the line tables up to the
 * offset, read a chunk at a time, and the bytes of its line read again when it has non-ASCII text.
 */
export function fileLineIndex(f: ChunkFile, upTo: number): LineIndex {
  const end = Math.min(f.size, upTo + 1);
  const window = { length: f.size, subarray: (start: number, stop: number) => readAt(f, start, Math.max(0, stop - start)) };
  return new LineIndex(window, joinLineStretches([lineStretch(f, 0, end, false)], end));
}

/** The file from `offset` through the first `byte` at or after it (or to the file's end); null past MAX_LINE_BYTES. */
function bytesThrough(f: ChunkFile, offset: number, byte: number): Uint8Array | null {
  for (let length = READ_CHUNK_BYTES; ; length *= 2) {
    const bytes = readAt(f, offset, Math.min(length, f.size - offset));
    const at = indexOfByte(bytes, byte);
    if (at >= 0) return bytes.subarray(0, at + 1);
    if (offset + bytes.length >= f.size) return bytes;
    if (length >= MAX_LINE_BYTES) return null;
  }
}
