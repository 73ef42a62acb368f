/**
 * The full reader's message for a large CSV logits file, found without holding the file (issue
 * 22). The full reader (parseCsv) holds the whole file and every value: a 1.13 GB CSV with one bad
 * cell took 14–29 s and 1.9–2.7 GB before it said where. Its parse errors depend only on the bytes
 * up to the bad cell, so when the streaming reader of the simple layout stops at a data line, the
 * full reader's parse of the header and that one line (csvLineError) throws the error the whole
 * file would. Anything else (a problem the full reader finds only after the parse, a line the
 * streaming reader does not take but the full reader does) returns null: the caller runs the full
 * reader.
 */
import { csvLineError } from '../core/csv';
import { notTextProblem } from '../core/fileSignature';
import { LineIndex, type LineTables } from '../core/lineIndex';
import { joinLineStretches } from '../core/lineTableBuilder';
import type { PipelineResult } from '../core/pipeline';
import { InputError } from '../core/problems';
import { CsvSummaryStream } from '../core/summaryStream';
import { indexOfByte } from '../core/byteSearch';
import { feedChunks, openChunkFile, READ_CHUNK_BYTES, type ChunkFile } from './chunkFile';
import { lineStretch, partsFormat } from './summaryParts';

/** parseCsv's first check reads this much of the file (notTextProblem). */
const SIGNATURE_BYTES = 8192;
/** A longer line is left to the full reader. */
const MAX_LINE_BYTES = 64 << 20;

/** The error parseCsv would throw for the whole file, with file offsets; null when it cannot be found so. */
export function streamedCsvProblem(f: ChunkFile, fileName: string): InputError | null {
  if (partsFormat(fileName) !== 'csv') return null;
  const notText = notTextProblem(readAt(f, 0, Math.min(f.size, SIGNATURE_BYTES)), 'CSV');
  if (notText) return notText;
  const stream = new CsvSummaryStream();
  const complete = feedChunks(f, 0, f.size, (bytes, last, offset) => stream.feed(bytes, last, offset));
  stream.release();
  const failure = stream.failure;
  if (complete || !failure) return null;
  const head = readAt(f, 0, failure.rowsStart);
  const line = lineAt(f, failure.offset);
  const error = line && csvLineError(head, line, failure.row);
  if (!error || error.start < head.length) return null;
  const shift = failure.offset - head.length;
  return new InputError(error.message, error.start + shift, error.end + shift, error.code);
}

/**
 * The extension worker's analysis of a CSV file from disk that the full reader would refuse with
 * a parse error: the full pipeline's result (that one problem) and the file's line tables, read a
 * chunk at a time. Null when the problem cannot be found so (the full reader then runs).
 */
export function csvProblemAnalysis(
  path: string,
  fileName: string,
  maxBytes: number,
): { result: PipelineResult; lines: LineTables; byteLength: number } | null {
  const f = partsFormat(fileName) === 'csv' ? openChunkFile(path, maxBytes) : null;
  if (!f) return null;
  try {
    const error = streamedCsvProblem(f, fileName);
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

function readAt(f: ChunkFile, position: number, length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let at = 0; at < length;) {
    const got = f.read(bytes, at, length - at, position + at);
    if (got === 0) return bytes.subarray(0, at);
    at += got;
  }
  return bytes;
}

/** The line at `offset` with its '\n' (or to the end of the file); null past MAX_LINE_BYTES. */
function lineAt(f: ChunkFile, offset: number): Uint8Array | null {
  for (let length = READ_CHUNK_BYTES; ; length *= 2) {
    const bytes = readAt(f, offset, Math.min(length, f.size - offset));
    const nl = indexOfByte(bytes, 10);
    if (nl >= 0) return bytes.subarray(0, nl + 1);
    if (offset + bytes.length >= f.size) return bytes;
    if (length >= MAX_LINE_BYTES) return null;
  }
}
