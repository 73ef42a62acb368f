/**
 * `analyze --summary --threads N` on a CSV logits file (issue 22): the rows after the header are
 * split at newlines into N parts of about equal bytes, each part is summarised by its own thread
 * (summarizePart), and the parts' per-row losses are added here in file order, so the loss is the
 * same bits for every N. A part that is not in the simple layout fails the whole stream, and the
 * single-threaded full reader then reports the problem.
 */
import { CsvSummaryStream, JsonSummaryStream } from '../core/summaryStream';
import { feedChunks, type ChunkFile } from './chunkFile';

export interface PartJob {
  path: string;
  /** File offsets of the part: start follows a newline; end follows one, or is the file's end. */
  start: number;
  end: number;
  k: number;
  final: boolean;
  /** A JSON file's part: its first row's index, whether it starts at the "logits" array's first row, and the labels. */
  json?: { firstRow: number; first: boolean; labels: Int32Array; keyAt: number };
}

export interface PartResult {
  ok: boolean;
  hits: number;
  losses: Float64Array;
  bounds: Float64Array;
}

/** No part smaller than this: a thread's start-up (about 30 ms) must pay for itself. */
export const MIN_PART_BYTES = 8 << 20;

export function summarizePart(job: PartJob, open: (path: string) => ChunkFile | null): PartResult {
  const failed: PartResult = { ok: false, hits: 0, losses: new Float64Array(0), bounds: new Float64Array(0) };
  const f = open(job.path);
  if (!f) return failed;
  try {
    const { json } = job;
    const stream = json
      ? new JsonSummaryStream(
          { labels: json.labels, keyAt: json.keyAt },
          { k: job.k, firstRow: json.firstRow, first: json.first, final: job.final },
        )
      : new CsvSummaryStream({ k: job.k, final: job.final });
    if (!feedChunks(f, job.start, job.end, (bytes, last, offset) => stream.feed(bytes, last, offset))) return failed;
    const summer = stream.finish();
    if (!summer?.kept) return failed;
    return { ok: true, hits: summer.hits, losses: Float64Array.from(summer.kept.losses), bounds: Float64Array.from(summer.kept.bounds) };
  } finally {
    f.close();
  }
}

/**
 * Where to cut [rowsStart, size) into at most `parts` parts: each cut just after a newline, so no
 * row is split (the simple layout has no quoted newlines; if a cut lands in one, its part fails).
 */
export function csvCuts(f: ChunkFile, rowsStart: number, parts: number): number[] {
  const cuts = [rowsStart];
  const window = new Uint8Array(64 << 10);
  for (let i = 1; i < parts; i++) {
    let at = Math.max(cuts[cuts.length - 1], rowsStart + Math.floor(((f.size - rowsStart) * i) / parts));
    for (;;) {
      const got = at < f.size ? f.read(window, 0, Math.min(window.length, f.size - at), at) : 0;
      if (got === 0) return cuts.concat(f.size);
      const nl = window.subarray(0, got).indexOf(10);
      if (nl >= 0) {
        at += nl + 1;
        break;
      }
      at += got;
    }
    if (at >= f.size) break;
    if (at > cuts[cuts.length - 1]) cuts.push(at);
  }
  return cuts.concat(f.size);
}

/**
 * Where to cut a JSON file's "logits" array, [rowsStart, end), into at most `parts` parts (issue
 * 22): a structural pre-scan that counts each row's closing ']' (the simple layout's rows hold
 * numbers only; a string or a nested array in them fails its part, and the file is then read on
 * one thread). Each cut is just after a row's ']'; `rows[i]` is the index of the first row after
 * cut i. Rows are counted in 4 MB windows with indexOf, no parsing.
 */
export function jsonCuts(f: ChunkFile, rowsStart: number, end: number, parts: number): { cuts: number[]; rows: number[] } {
  const targets: number[] = [];
  for (let i = 1; i < parts; i++) targets.push(rowsStart + Math.floor(((end - rowsStart) * i) / parts));
  const cuts = [rowsStart];
  const rows = [0];
  const window = new Uint8Array(4 << 20);
  let count = 0;
  let next = 0;
  for (let at = rowsStart; at < end && next < targets.length;) {
    const got = f.read(window, 0, Math.min(window.length, end - at), at);
    if (got === 0) break;
    for (let i = window.subarray(0, got).indexOf(93); i >= 0 && i < got; i = window.indexOf(93, i + 1)) {
      count++;
      if (next < targets.length && at + i >= targets[next]) {
        cuts.push(at + i + 1);
        rows.push(count);
        next++;
        while (next < targets.length && targets[next] <= at + i) next++;
      }
    }
    at += got;
  }
  return { cuts, rows };
}
