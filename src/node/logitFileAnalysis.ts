/**
 * The extension worker's fast path for a large logits file from disk (issue 14): a CSV or JSON in
 * the simple layout (the streaming summary's, src/core/summaryStream.ts; of logits, or of
 * probabilities, each row checked as the full reader checks it) is read in parts on
 * worker threads into shared length-N arrays (each row's span, loss, prediction, p), with no copy
 * of the file and no JSON tree; the N × K logits are read afterwards (valueFill.ts). The result
 * is the full pipeline's, bit for bit (the same per-row summary, the losses added in file order,
 * the same warnings); anything else, or any problem, returns null and the full reader runs, so
 * every message and position stays its own.
 */
import type { ClassificationAnalysis } from '../core/analysis';
import { cleanSiblingClassNames, ownOrSiblingClassNames, siblingReader } from '../core/classNames';
import type { ClassificationData } from '../core/dataset';
import type { LineTables } from '../core/lineIndex';
import { joinLineStretches, type LineStretch } from '../core/lineTableBuilder';
import { DEFAULT_SUM_TOLERANCE } from '../core/buildDataset';
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { PROBABILITY_EPSILON } from '../core/losses';
import type { PipelineOptions, PipelineResult } from '../core/pipeline';
import { primeTextReaders } from '../core/readerPrimer';
import { rowArrays, type RowTarget } from '../core/summaryRows';
import type { PartsStop } from '../core/summaryStream';
import { dataWarnings } from '../core/warnings';
import { openChunkFile, type ChunkFile } from './chunkFile';
import { FilledValues } from './valueFill';
import {
  lineStretch,
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
} from './summaryParts';
import { planJsonFile, recordsLayout } from './recordParts';
import { pairedClassificationRows } from './pairedJsonArrays';

export interface LogitFileAnalysis {
  /** The dataset's `values` are empty until `logits` fills them: call fillHere or startThreads. */
  result: PipelineResult;
  logits: FilledValues;
  /** The file's line tables (null when PartRunner.lineTables is false). */
  lines: LineTables | null;
  byteLength: number;
}

export interface PartRunner {
  /** Threads to read on (the parts are at least minPartBytes each). */
  count: number;
  /** Runs the jobs on threads; without it they run one after another here. */
  runParts?: (jobs: PartJob[]) => PartResult[];
  minPartBytes?: number;
  /** Parts per thread (1: threads that all start cold; more when some are warm, see partThreads.ts). */
  partsPerThread?: number;
  /**
   * Parts go to warm threads kept elsewhere and this thread only waits for them (the extension's
   * file worker, partThreads.ts): its readers are not primed when the file has parts, 5 ms saved.
   */
  waitsOnly?: boolean;
  /**
   * Keep the logits as the parts are read (a command that needs every row at once: the CLI's
   * `--json`, `--out`, `check`), rather than reading them again afterwards (valueFill.ts).
   */
  valuesNow?: boolean;
  /** Build the file's line tables (default true: the editor's positions); the CLI needs none. */
  lineTables?: boolean;
  /**
   * Told where the parts stopped at a CSV line or in a JSON row, or that they read the whole file
   * and its only faults they found are ones they read past, labels out of range or rows of another
   * width (the answer is then null):
   * streamedProblem starts from this instead of reading the file from its start.
   */
  gaveUp?: (stop: PartsStop) => void;
}

export function analyzeLogitFile(
  path: string,
  fileName: string,
  options: PipelineOptions,
  threads: PartRunner,
  maxBytes = DEFAULT_MAX_FILE_BYTES,
): LogitFileAnalysis | null {
  const format = partsFormat(fileName);
  if (!format) return null;
  // A loss named outside the file, or a choice of roles, is the full pipeline's to apply.
  const loss = options.loss;
  if (loss?.override || (loss?.fallback !== undefined && loss.fallback !== '') || options.roleChoice) return null;
  const f = openChunkFile(path, maxBytes);
  if (!f) return null;
  try {
    return analyzeOpen(path, f, format, options, threads);
  } finally {
    f.close();
  }
}

function analyzeOpen(
  path: string,
  f: ChunkFile,
  format: PartsFormat,
  options: PipelineOptions,
  threads: PartRunner,
): LogitFileAnalysis | null {
  const parts = partsFor(threads.count, threads.minPartBytes, threads.partsPerThread);
  // A thread that only waits reads no part: no primer. (The file's size stands in for its rows'
  // bytes here, so a file near the cut may be primed for nothing, or read unprimed: the same result.)
  if (!(threads.waitsOnly && threads.runParts && parts(f.size) > 1)) primeTextReaders(f.size);
  // Probabilities only where the parts check them as the full reader would (its default tolerance and ε).
  const probabilities = readsProbabilities(options);
  // A CSV's labels written as names are numbered by the class names beside the file, when the full reader takes them without a word.
  const cleanNames = (k: number) => cleanSiblingClassNames(k, siblingReader({ siblings: options.siblings ?? {} }));
  // The plan's row counts on the threads too, when there are threads: one pass over the file fewer
  // here (a JSON's beside its first part: runPlan; a CSV's before, as they give N).
  const plan =
    format === 'json' || format === 'jsonl'
      ? planJsonFile(path, f, parts, recordsLayout(f, format), { countOn: threads.runParts, probabilities, classNames: cleanNames })
      : planCsvParts(path, f, parts, { countOn: threads.runParts, tsv: format === 'tsv', probabilities, classNames: cleanNames });
  // The object of logits and targets, its two arrays read in step on this thread.
  if (!plan && format === 'json') return pairedAnalysis(path, f, options, threads, probabilities);
  if (!plan || plan.n === 0) return null;
  const { n, k } = plan;
  // One-hot or soft targets in place of labels (a CSV's target_0…, a record's "target"): the parts keep them.
  const targetKey = plan.records?.targets;
  const withTargets = plan.targets || targetKey !== undefined;
  const classes = ownOrSiblingClassNames(k, plan.classes, siblingReader({ siblings: options.siblings ?? {} }));
  if (classes.problems.length > 0) return null;
  const shared = (bytes: number) => new SharedArrayBuffer(bytes);
  // The logits are not touched here (a fresh page costs a fault): FilledValues reads them afterwards.
  const values = new Float64Array(shared(8 * n * k));
  // A record's label, or a label written as a name, has its own span (a CSV's number's is its row's).
  const labelApart = plan.records || plan.labelNames || plan.columnsFrame;
  const arrays = {
    ...rowArrays(n, shared),
    ...(labelApart && { labelSpans: new Float64Array(shared(16 * n)) }),
    ...(withTargets && { targets: new Float64Array(shared(8 * n * k)) }),
  };
  // A DataFrame's record or column holds its logits under keys: the parts keep them (FilledValues reads arrays and CSV rows).
  const frameLabel = plan.records?.columns?.labelKey ?? plan.columnsFrame?.labelKey;
  const keepValues = threads.valuesNow || frameLabel !== undefined;
  const kept = keepValues ? { values } : {};
  const withLines = threads.lineTables !== false;
  // A JSON part after the first learns its first row from the counts (runPlan): 0 until then.
  const jobs = plan.jobs.map((job, i): PartJob => ({
    ...job,
    target: { firstRow: plan.firstRows[i] ?? 0, ...arrays, ...kept } satisfies RowTarget,
    ...(withLines ? {} : { skipLines: true }),
  }));
  const run = threads.runParts && jobs.length > 1 ? threads.runParts : undefined;
  const ran = runPlan(plan, jobs, run, (job) => summarizePart(job, () => sameFile(f)));
  if (!ran) return null;
  const { results, rows, firstRows } = ran;
  // Each part read whole has the rows the plan counted (labels out of range and rows of another width, if any, read past).
  if (results.some((r, i) => r.labels && (r.rows !== rows[i] || (withLines && !r.lines)))) return null;
  if (!results.every((r) => r.labels)) {
    // Where the parts stopped: streamedProblem looks for the full reader's message there. The line
    // tables of the parts read whole are kept; only the others' bytes are scanned again (a part of
    // the file, where the whole file took 1.1–1.4 s a GB).
    const stop = partsStopOf(results, plan, format, (i, count) => arrays.bounds.subarray(firstRows[i], firstRows[i] + count));
    if (!stop) return null;
    const linesOf = (r: PartResult, i: number) => r.lines ?? lineStretch(f, jobs[i].start, jobs[i].end, false);
    const lines = withLines ? joinLineStretches([headLines(f, plan), ...results.map(linesOf)], f.size) : null;
    threads.gaveUp?.(lines ? { ...stop, lines } : stop);
    return null;
  }
  // The sums of the one-thread reader, in file order: the same bits for every number of parts.
  let total = 0;
  let boundTotal = 0;
  for (let i = 0; i < n; i++) {
    boundTotal += arrays.bounds[i];
    total += arrays.losses[i];
  }
  if (!Number.isFinite(boundTotal)) return null;
  const lines = withLines ? joinLineStretches([headLines(f, plan), ...results.map((r) => r.lines!)], f.size) : null;
  const readPast = readPastStopOf(results, firstRows, plan, lines ?? undefined);
  if (readPast) return (threads.gaveUp?.(readPast), null);
  // A CSV's label first is read past as its unnamed columns are (a whole number).
  const before = (plan.leading ?? 0) + (plan.labelFirst ? 1 : 0);
  const logits = new FilledValues(path, k, values, arrays.spans, fillStretches(firstRows, rows, threads.count), before, plan.delimiter);
  if (keepValues) logits.markFilled();
  // (The worker's plans take no log-probabilities: their analysis is nll's, the full pipeline's.)
  const input: FastRead['input'] = plan.input === 'probabilities' ? 'probabilities' : 'logits';
  const labelSpans = {
    role: labelRole(format, frameLabel, targetKey !== undefined, plan.targets ? k : 0),
    spans: plan.tail ? plan.tail.spans : (arrays.labelSpans ?? arrays.spans),
  };
  const read = { input, n, k, total, classes: classes.names, withTargets, labelSpans };
  return { result: openResult(read, values, arrays, options), logits, lines, byteLength: f.size };
}

/**
 * The object of logits (or probabilities) and one-hot or soft targets (pairedJsonArrays.ts), read
 * on this thread into the shared arrays the parts fill for other layouts; null when it is not one.
 */
function pairedAnalysis(
  path: string,
  f: ChunkFile,
  options: PipelineOptions,
  threads: PartRunner,
  probabilities: boolean,
): LogitFileAnalysis | null {
  const shared = (bytes: number) => new SharedArrayBuffer(bytes);
  const made: { arrays?: RowTarget & Required<Pick<RowTarget, 'values' | 'targets' | 'labelSpans'>> } = {};
  const read = pairedClassificationRows(
    f,
    (n, k) =>
      (made.arrays = {
        firstRow: 0,
        ...rowArrays(n, shared),
        labelSpans: new Float64Array(shared(16 * n)),
        values: new Float64Array(shared(8 * n * k)),
        targets: new Float64Array(shared(8 * n * k)),
      }),
    { probabilities },
  );
  const kept = made.arrays;
  if (!read || !kept) return null;
  const { n, k } = read;
  const classes = ownOrSiblingClassNames(k, read.classes, siblingReader({ siblings: options.siblings ?? {} }));
  if (classes.problems.length > 0) return null;
  const lines = threads.lineTables !== false ? joinLineStretches([lineStretch(f, 0, f.size, false)], f.size) : null;
  // Every row was read with its values: nothing to fill afterwards.
  const logits = new FilledValues(path, k, kept.values, kept.spans, [{ firstRow: 0, rows: n }], 0);
  logits.markFilled();
  const labelSpans = { role: 'targets', spans: kept.labelSpans };
  const result = openResult({ ...read, classes: classes.names, withTargets: true, labelSpans }, kept.values, kept, options);
  return { result, logits, lines, byteLength: f.size };
}

/** What a fast read found, for openResult: the rows' kind and sizes, the losses' sum in file order, the class names, where the labels (or targets) are. */
interface FastRead {
  input: 'logits' | 'probabilities';
  n: number;
  k: number;
  total: number;
  classes: string[] | null;
  withTargets: boolean;
  /** The full reader's name for the labels' (or targets') spans, and the spans. */
  labelSpans: { role: string; spans: Float64Array };
}

/** The full pipeline's result for rows read into `arrays` (the N × K logits in `values`): its dataset, its analysis with rows on demand, its warnings. */
function openResult(read: FastRead, values: Float64Array, arrays: Omit<RowTarget, 'firstRow'>, options: PipelineOptions): PipelineResult {
  const { input, n, k } = read;
  // Each sample's class: its label, or (with targets) the targets' largest, as summarizeClassification gives it.
  const actual = arrays.labels;
  const targets = read.withTargets ? { labels: null, targets: arrays.targets! } : { labels: actual, targets: null };
  const dataset: ClassificationData = {
    task: 'classification',
    input,
    n,
    k,
    values,
    ...targets,
    classes: read.classes,
    spans: [{ role: input, spans: arrays.spans }, read.labelSpans],
  };
  const reduction = options.reduction ?? 'mean';
  const none = null as unknown as Float64Array;
  const analysis: ClassificationAnalysis = {
    task: 'classification',
    input,
    n,
    k,
    reduction,
    loss: read.total * (reduction === 'mean' ? 1 / n : 1),
    losses: arrays.losses,
    // The rows analysis.ts's rowsOnDemand holds: probabilities are the file's values (filled below).
    probabilities: input === 'probabilities' ? values : none,
    gradient: none,
    logitGradient: none,
    ...targets,
    predicted: arrays.predicted,
    actual,
    pTrue: arrays.pTrue,
    pPredicted: arrays.pPredicted,
  };
  const problems = options.warnings === false ? [] : dataWarnings(dataset, analysis, options.warnings ?? {});
  return { dataset, analysis, network: null, problems, userCheck: null };
}

/**
 * The name the full reader gives the labels' (or targets') spans: a DataFrame's label column, a
 * JSON's "labels", records' "targets" (under "target" or "targets"), a CSV's label column or its
 * `targetColumns` target_0…target_{K−1}.
 */
function labelRole(format: PartsFormat, frameLabel: string | undefined, recordTargets: boolean, targetColumns: number): string {
  if (frameLabel !== undefined) return `column "${frameLabel.trim()}"`;
  if (recordTargets) return 'targets';
  if (format === 'json' || format === 'jsonl') return 'labels';
  return targetColumns > 0 ? `columns target_0…target_${targetColumns - 1}` : 'column "label"';
}

/**
 * Whether a file of probabilities (prob_0…, "probabilities") is read here: only with the full
 * reader's default sum tolerance (each part's check, summaryRows.ts) and ε (the loss's clip, and
 * analysis.ts's rowsOnDemand).
 */
function readsProbabilities(options: PipelineOptions): boolean {
  return (
    (options.sumTolerance ?? DEFAULT_SUM_TOLERANCE) === DEFAULT_SUM_TOLERANCE &&
    (options.epsilon ?? PROBABILITY_EPSILON) === PROBABILITY_EPSILON
  );
}

/** The parts' rows joined into one stretch per thread for FilledValues (it starts a thread per stretch). */
function fillStretches(firstRows: number[], rows: number[], threads: number): { firstRow: number; rows: number }[] {
  const count = Math.max(1, Math.min(threads, rows.length));
  return Array.from({ length: count }, (_, g) => {
    const from = Math.floor((g * rows.length) / count);
    const to = Math.floor(((g + 1) * rows.length) / count);
    return { firstRow: firstRows[from], rows: rows.slice(from, to).reduce((a, b) => a + b, 0) };
  });
}

/** The lines before the rows: ASCII, as the reader took them, unless a "classes" entry or a byte order mark is there. */
function headLines(f: ChunkFile, plan: PartPlan): LineStretch {
  return lineStretch(f, 0, plan.rowsStart, !plan.bom && (!plan.classes || plan.classes.keyAt > plan.rowsStart));
}

/** The open file again, for a part read on this thread (closing it is the caller's). */
function sameFile(f: ChunkFile): ChunkFile {
  return { ...f, close: () => {} };
}
