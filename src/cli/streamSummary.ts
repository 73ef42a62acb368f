/**
 * `analyze FILE --summary` in bounded memory (issue 22): a CSV or JSON logits file in the simple
 * layout is read a chunk at a time (src/core/summaryStream.ts) and never held whole. Returns the
 * report the full path would print, or null when the file is anything else (or has any problem):
 * the caller then runs the full reader, so every message and position comes from one place.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { siblingClassNames, siblingReader, type ReadSibling } from '../core/classNames';
import { formatOf } from '../core/load';
import type { Reduction } from '../core/losses';
import { CsvSummaryStream, JsonSummaryStream, labelsFromTail, type SummaryStream } from '../core/summaryStream';

/** A regular file opened for reading, or null (the full reader then says why it cannot be read). */
export interface ChunkFile {
  size: number;
  /** Reads up to `length` bytes at file offset `position` into `into` at `at`; 0 at the end. */
  read(into: Uint8Array, at: number, length: number, position: number): number;
  close(): void;
}

const CHUNK = 4 << 20;
/** Labels read from a JSON file's end: beyond this the full reader runs. */
const MAX_TAIL = 64 << 20;

/** Opens `path` as readRegularFile does (non-blocking, a regular file of at most maxBytes), else null. */
export function openChunkFile(path: string, maxBytes: number): ChunkFile | null {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return null;
  }
  const s = fstatSync(fd);
  if (!s.isFile() || s.size > maxBytes) {
    closeSync(fd);
    return null;
  }
  return {
    size: s.size,
    read: (into, at, length, position) => readSync(fd, into, at, length, position),
    close: () => closeSync(fd),
  };
}

export function streamedSummary(
  file: string,
  open: (path: string) => ChunkFile | null,
  readSibling: ReadSibling,
  reduction: Reduction,
): Record<string, unknown> | null {
  const format = formatOf(file);
  if ((format !== 'csv' && format !== 'json') || /\.tsv$/i.test(file)) return null;
  const f = open(file);
  if (!f) return null;
  try {
    let stream: SummaryStream;
    if (format === 'csv') stream = new CsvSummaryStream();
    else {
      const tail = jsonTail(f);
      stream = new JsonSummaryStream(tail);
    }
    const summer = run(f, stream);
    if (!summer) return null;
    const classes = siblingClassNames(summer.k, siblingReader({ readSibling }));
    if (classes.problems.length > 0) return null;
    const { loss, accuracy } = summer.result(reduction);
    // The same keys in the same order as the full path's summary report (commands.ts reportOf).
    const report: Record<string, unknown> = {
      task: 'classification',
      input: 'logits',
      n: summer.n,
      k: summer.k,
      reduction,
      loss,
      accuracy,
    };
    if (classes.names) report.classes = classes.names;
    return report;
  } finally {
    f.close();
  }
}

function run(f: ChunkFile, stream: SummaryStream) {
  let buf = new Uint8Array(2 * CHUNK);
  let carry = 0;
  let position = 0;
  for (;;) {
    if (buf.length - carry < CHUNK) {
      const bigger = new Uint8Array(carry + 2 * CHUNK);
      bigger.set(buf.subarray(0, carry));
      buf = bigger;
    }
    const got = position < f.size ? f.read(buf, carry, Math.min(CHUNK, f.size - position), position) : 0;
    position += got;
    const valid = carry + got;
    const last = got === 0 || position >= f.size;
    const used = stream.feed(buf.subarray(0, valid), last, position - valid);
    if (used < 0) return null;
    if (last || stream.done) break;
    buf.copyWithin(0, used, valid);
    carry = valid - used;
  }
  return stream.finish();
}

/** The labels at the end of a JSON file (`…, "labels": […]}`), or null. */
function jsonTail(f: ChunkFile): { labels: Int32Array; keyAt: number } | null {
  for (let size = 1 << 20; ; size *= 4) {
    const length = Math.min(size, f.size, MAX_TAIL);
    const tail = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = f.read(tail, got, length - got, f.size - length + got);
      if (n === 0) return null;
      got += n;
    }
    const found = labelsFromTail(tail, f.size - length);
    if (found !== 'more') return found;
    if (length === f.size || length === MAX_TAIL) return null;
  }
}
