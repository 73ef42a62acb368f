/**
 * `analyze FILE --summary` in bounded memory (issue 22): a CSV or JSON logits file in the simple
 * layout is read a chunk at a time (src/core/summaryStream.ts) and never held whole. Returns the
 * report the full path would print, or null when the file is anything else (or has any problem):
 * the caller then runs the full reader, so every message and position comes from one place.
 */
import { cleanSiblingClassNames, ownOrSiblingClassNames, siblingReader, type ReadSibling } from '../core/classNames';
import type { ClassesEntry } from '../core/jsonClasses';
import type { Reduction } from '../core/losses';
import { primeTextReaders } from '../core/readerPrimer';
import type { PartsStop, ReadPastStop } from '../core/summaryStream';
import type { SummedInput } from '../core/summaryRows';
import { feedChunks, type ChunkFile } from '../node/chunkFile';
import { lossFunctionOf } from '../core/loss/describe';
import { RegressionCsvStream } from '../core/regressionStream';
import { pairedArraysSummary } from '../node/pairedJsonArrays';
import { planJsonFile, recordsLayout } from '../node/recordParts';
import { NotingRead, type GaveUp } from '../node/streamedProblem';
import {
  firstRowsOf,
  jsonTail,
  partsFor,
  partsStopOf,
  partsFormat,
  planCsvParts,
  readPastStopOf,
  runPlan,
  summarizePart,
  type PartJob,
  type PartPlan,
  type PartResult,
  type PartsFormat,
} from '../node/summaryParts';

export { openChunkFile, type ChunkFile } from '../node/chunkFile';

/** How many threads read a large CSV, and how their parts are run (worker threads in the CLI). */
export interface ThreadOptions {
  count: number;
  /** Runs the jobs on `count` threads; without it they run one after another here (tests). */
  runParts?: (jobs: PartJob[]) => PartResult[];
  /** Smallest part, in bytes (tests make it small). */
  minPartBytes?: number;
}

/**
 * `gaveUp`: called with the one-thread read when the file has problems (it noted labels out of
 * range and rows of another width, or stopped where a parse error is: streamedProblem lists them
 * from it), or with where the parts stopped at a CSV line or in a JSON row, or what they read past
 * (then no one-thread read reads the file again).
 */
export function streamedSummary(
  file: string,
  open: (path: string) => ChunkFile | null,
  readSibling: ReadSibling,
  reduction: Reduction,
  threads: ThreadOptions = { count: 1 },
  gaveUp?: (stop: GaveUp) => void,
): Record<string, unknown> | null {
  const format = partsFormat(file);
  if (!format) return null;
  const f = open(file);
  if (!f) return null;
  try {
    primeTextReaders(f.size);
    let figures: Figures | null = null;
    let stopped: PartsStop | null = null;
    // One thread too: a CSV (one of labels written as names is read as one part: NotingRead takes
    // numbers only), JSON records and a DataFrame's columns are read as parts only.
    const records = recordsLayout(f, format);
    figures = inParts(file, f, format, records, reduction, threads, readSibling, (stop) => (stopped = stop));
    if (stopped) return (gaveUp?.(stopped), null);
    // Any problem in records is the full reader's to report.
    if (!figures && records) return null;
    if (!figures && format !== 'json') {
      const regression = regressionSummary(f, format === 'tsv', reduction);
      if (regression) return regression;
    }
    // A JSON's labels from its tail, looked for once: the one-thread read below takes them.
    const tail = !figures && format === 'json' ? jsonTail(f) : undefined;
    if (!figures && format === 'json' && !tail) {
      // Two arrays of the same length, read in step: logits (or probabilities) and targets, or a
      // regression's. Not when labels end the file (the object of logits and labels: read below).
      const paired = pairedArraysSummary(f, reduction);
      if (paired?.task === 'regression') return regressionReport(paired, reduction);
      if (paired) figures = paired;
    }
    if (!figures) {
      // One thread: a read that notes labels out of range and rows of another width, so a file
      // with problems is not read again to list them.
      const read = new NotingRead(f, format, true, tail);
      const summer = read.read();
      if (!summer) {
        // A file of log-probabilities: the full reader's messages (nll's own checks and warnings).
        if (read.stream.rowsInput !== 'log_probabilities') gaveUp?.(read);
        return null;
      }
      figures = { k: summer.k, n: summer.n, ...summer.result(reduction), classes: read.classes, input: summer.input };
    }
    const { k, n, loss, accuracy } = figures;
    const classes = ownOrSiblingClassNames(k, figures.classes, siblingReader({ readSibling }));
    if (classes.problems.length > 0) return null;
    // The same keys in the same order as the full path's summary report (commands.ts reportOf).
    const { input } = figures;
    const report: Record<string, unknown> = { task: 'classification', input, n, k, reduction };
    // Log-probabilities' loss is nll, named as the full path's report names a loss (analysisReport).
    if (input === 'log_probabilities') report.lossFunction = lossFunctionOf({ task: 'classification', lossSpec: { name: 'nll' } });
    Object.assign(report, { loss, accuracy });
    if (classes.names) report.classes = classes.names;
    return report;
  } finally {
    f.close();
  }
}

/**
 * A CSV or JSON file in the simple layout read by several threads: a CSV cut at newlines, a JSON's
 * "logits" rows by a structural pre-scan (jsonCuts) whose counts run beside the first part
 * (runPlan); null when it is too small to split or any part is not in the simple layout (the
 * caller then reads it on one thread, or the full reader reports the problem, with its own line
 * and column). The per-row losses and bounds are added in file order: the same sums, bit for bit,
 * as one thread.
 */
function inParts(
  file: string,
  f: ChunkFile,
  format: PartsFormat,
  records: { lines: boolean } | null,
  reduction: Reduction,
  threads: ThreadOptions,
  readSibling: ReadSibling,
  onStop: (stop: PartsStop) => void,
): Figures | null {
  const parts = partsFor(threads.count, threads.minPartBytes);
  const classNames = (k: number) => cleanSiblingClassNames(k, siblingReader({ readSibling }));
  const plan =
    format === 'json' || format === 'jsonl'
      ? planJsonFile(file, f, parts, records, { countOn: threads.runParts, probabilities: true, logProbabilities: true, classNames })
      : planCsvParts(file, f, parts, { countRows: false, tsv: format === 'tsv', probabilities: true, logProbabilities: true, classNames });
  if (!plan || (plan.jobs.length < 2 && !plan.labelNames && !plan.records && !plan.columnsFrame)) return null;
  const ran = runPlan(plan, plan.jobs, plan.jobs.length > 1 ? threads.runParts : undefined, (job) => summarizePart(job, openSame(f)));
  if (!ran) return null;
  const { results, rows } = ran;
  // Each part must have read the rows the pre-scan counted for it, or the labels were not its own
  // (a CSV's rows are not counted: each carries its own label).
  for (let i = 0; i + 1 < rows.length; i++) if (results[i].labels && results[i].losses.length !== rows[i]) return null;
  const stop = partsStopOf(results, plan, format, (i) => results[i].stop?.bounds ?? results[i].bounds) ?? readPastStop(results, plan);
  // A file of log-probabilities with a problem: the full reader's messages (nll's own checks and warnings).
  if (stop && plan.input !== 'log_probabilities') onStop(stop);
  const figures = stop ? null : addUp(results, plan.k, reduction);
  return figures && { ...figures, classes: plan.classes, input: plan.input ?? 'logits' };
}

/** What the summary reports, and the file's own "classes" entry (a JSON's) when it has one. */
interface Figures {
  k: number;
  n: number;
  loss: number;
  accuracy: number;
  classes?: ClassesEntry | null;
  /** What the rows were: logits, probabilities (a CSV's prob_0…, a JSON's "probabilities") or log-probabilities (logprob_0…, "log_probabilities"). */
  input: SummedInput;
}

/** The labels out of range and rows of another width the parts read past, when they are all the parts refused and the rows' bounds add up finite in file order. */
function readPastStop(results: PartResult[], plan: PartPlan): ReadPastStop | null {
  let bounds = 0;
  for (const r of results) for (const b of r.bounds) bounds += b;
  return Number.isFinite(bounds) ? readPastStopOf(results, firstRowsOf(results.map((r) => r.losses.length)), plan) : null;
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
 * A regression CSV's summary report (prediction…, target… only), read a chunk at a time on this
 * thread (src/core/regressionStream.ts); null for any other file, or one with a problem.
 */
function regressionSummary(f: ChunkFile, tsv: boolean, reduction: Reduction): Record<string, unknown> | null {
  const stream = new RegressionCsvStream(tsv);
  if (!feedChunks(f, 0, f.size, (bytes, last, offset) => stream.feed(bytes, last, offset))) return null;
  const figures = stream.result(reduction);
  return figures && regressionReport(figures, reduction);
}

/** A regression's summary report: the same keys in the same order as the full path's (analysisReport). */
function regressionReport(figures: { n: number; d: number; loss: number }, reduction: Reduction): Record<string, unknown> {
  return {
    task: 'regression',
    n: figures.n,
    d: figures.d,
    reduction,
    lossFunction: lossFunctionOf({ task: 'regression' }),
    loss: figures.loss,
  };
}

/** The open file again, for a part read on this thread (closing it is the caller's). */
function openSame(f: ChunkFile): (path: string) => ChunkFile {
  return () => ({ ...f, close: () => {} });
}
