/**
 * `analyze FILE --summary` in bounded memory (issue 22): a CSV or JSON logits file in the simple
 * layout is read a chunk at a time (src/core/summaryStream.ts) and never held whole. Returns the
 * report the full path would print, or null when the file is anything else (or has any problem):
 * the caller then runs the full reader, so every message and position comes from one place.
 */
import { siblingClassNames, siblingReader, type ReadSibling } from '../core/classNames';
import { formatOf } from '../core/load';
import type { Reduction } from '../core/losses';
import { CsvSummaryStream, headerWidth, JsonSummaryStream, labelsFromTail, type SummaryStream } from '../core/summaryStream';
import { feedChunks, type ChunkFile } from './chunkFile';
import { csvCuts, jsonCuts, MIN_PART_BYTES, summarizePart, type PartJob, type PartResult } from './summaryParts';

export { openChunkFile, type ChunkFile } from './chunkFile';

/** How many threads read a large CSV, and how their parts are run (worker threads in the CLI). */
export interface ThreadOptions {
  count: number;
  /** Runs the jobs, each on its own thread; without it they run one after another here (tests). */
  runParts?: (jobs: PartJob[]) => PartResult[];
  /** Smallest part, in bytes (tests make it small). */
  minPartBytes?: number;
}

/** Labels read from a JSON file's end: beyond this the full reader runs. */
const MAX_TAIL = 64 << 20;

export function streamedSummary(
  file: string,
  open: (path: string) => ChunkFile | null,
  readSibling: ReadSibling,
  reduction: Reduction,
  threads: ThreadOptions = { count: 1 },
): Record<string, unknown> | null {
  const format = formatOf(file);
  if ((format !== 'csv' && format !== 'json') || /\.tsv$/i.test(file)) return null;
  const f = open(file);
  if (!f) return null;
  try {
    let figures: { k: number; n: number; loss: number; accuracy: number } | null = null;
    if (format === 'csv' && threads.count > 1) figures = inParts(file, f, reduction, threads);
    if (format === 'json' && threads.count > 1) figures = jsonInParts(file, f, reduction, threads);
    if (!figures) {
      let stream: SummaryStream;
      if (format === 'csv') stream = new CsvSummaryStream();
      else {
        const tail = jsonTail(f);
        stream = new JsonSummaryStream(tail);
      }
      const summer = run(f, stream);
      if (!summer) return null;
      figures = { k: summer.k, n: summer.n, ...summer.result(reduction) };
    }
    const { k, n, loss, accuracy } = figures;
    const classes = siblingClassNames(k, siblingReader({ readSibling }));
    if (classes.problems.length > 0) return null;
    // The same keys in the same order as the full path's summary report (commands.ts reportOf).
    const report: Record<string, unknown> = {
      task: 'classification',
      input: 'logits',
      n,
      k,
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
  const complete = feedChunks(
    f,
    0,
    f.size,
    (bytes, last, offset) => stream.feed(bytes, last, offset),
    () => stream.done,
  );
  return complete ? stream.finish() : null;
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

/**
 * A CSV read by several threads: null when it is too small to split, or when any part is not in
 * the simple layout (the caller then reads it on one thread, or falls back to the full reader).
 * The per-row losses and bounds are added in file order: the same sums, bit for bit, as one thread.
 */
function inParts(
  file: string,
  f: ChunkFile,
  reduction: Reduction,
  threads: ThreadOptions,
): { k: number; n: number; loss: number; accuracy: number } | null {
  const head = new Uint8Array(Math.min(f.size, 1 << 20));
  const got = f.read(head, 0, head.length, 0);
  const nl = head.subarray(0, got).indexOf(10);
  if (nl < 0) return null;
  const k = headerWidth(head, nl > 0 && head[nl - 1] === 13 ? nl - 1 : nl);
  if (k < 2) return null;
  const parts = Math.min(threads.count, Math.floor((f.size - nl - 1) / (threads.minPartBytes ?? MIN_PART_BYTES)));
  if (parts < 2) return null;
  const cuts = csvCuts(f, nl + 1, parts);
  const jobs: PartJob[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) jobs.push({ path: file, start: cuts[i], end: cuts[i + 1], k, final: i + 2 === cuts.length });
  return addUp(threads.runParts ? threads.runParts(jobs) : jobs.map((job) => summarizePart(job, openSame(f))), k, reduction);
}

/** The parts' figures added in file order: the same sums, bit for bit, as one thread; null when a part failed. */
function addUp(results: PartResult[], k: number, reduction: Reduction): { k: number; n: number; loss: number; accuracy: number } | null {
  let total = 0;
  let boundTotal = 0;
  let hits = 0;
  let n = 0;
  for (const r of results) {
    if (!r.ok) return null;
    for (let i = 0; i < r.losses.length; i++) {
      boundTotal += r.bounds[i];
      if (!Number.isFinite(boundTotal)) return null;
      total += r.losses[i];
    }
    hits += r.hits;
    n += r.losses.length;
  }
  const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  return { k, n, loss: total * scale, accuracy: n ? hits / n : 0 };
}

/**
 * A JSON file in the simple layout read by several threads: its "logits" rows are cut by a
 * structural pre-scan (jsonCuts) and each part is parsed by its own thread; null when it is too
 * small to split or any part is not in the simple layout (then one thread reads it, or the full
 * reader reports the problem, with its own line and column).
 */
function jsonInParts(
  file: string,
  f: ChunkFile,
  reduction: Reduction,
  threads: ThreadOptions,
): { k: number; n: number; loss: number; accuracy: number } | null {
  const tail = jsonTail(f);
  if (!tail) return null;
  const head = new Uint8Array(Math.min(f.size, 1 << 16));
  const got = f.read(head, 0, head.length, 0);
  let text = '';
  for (let i = 0; i < got; i++) text += String.fromCharCode(head[i]);
  const m = /^[ \t\r\n]*\{[ \t\r\n]*"logits"[ \t\r\n]*:[ \t\r\n]*\[/.exec(text);
  if (!m) return null;
  const rowsStart = m[0].length;
  // K from the first row: its commas (a row that is not K plain numbers fails its part anyway).
  const open = text.indexOf('[', rowsStart);
  const close = text.indexOf(']', open);
  if (open < 0 || close < 0) return null;
  const k = text.slice(open, close).split(',').length;
  const parts = Math.min(threads.count, Math.floor((tail.keyAt - rowsStart) / (threads.minPartBytes ?? MIN_PART_BYTES)));
  if (k < 2 || parts < 2) return null;
  const { cuts, rows } = jsonCuts(f, rowsStart, tail.keyAt, parts);
  const jobs: PartJob[] = cuts.map((start, i) => ({
    path: file,
    start,
    end: i + 1 < cuts.length ? cuts[i + 1] : f.size,
    k,
    final: i + 1 === cuts.length,
    json: { firstRow: rows[i], first: i === 0, labels: tail.labels, keyAt: tail.keyAt },
  }));
  const results = threads.runParts ? threads.runParts(jobs) : jobs.map((job) => summarizePart(job, openSame(f)));
  // Each part must have read the rows the pre-scan counted for it, or the labels were not its own.
  for (let i = 0; i + 1 < results.length; i++) if (results[i].ok && results[i].losses.length !== rows[i + 1] - rows[i]) return null;
  return addUp(results, k, reduction);
}

/** The open file again, for a part read on this thread (closing it is the caller's). */
function openSame(f: ChunkFile): (path: string) => ChunkFile {
  return () => ({ ...f, close: () => {} });
}
