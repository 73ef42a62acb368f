import { basename, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { analyze, rowsDerivable, type Analysis } from '../core/analysis';
import type { Dataset, LoadResult } from '../core/dataset';
import type { Problem } from '../core/problems';
import type { PartsStop } from '../core/summaryStream';
import type { ReadSibling } from '../core/classNames';
import { checkDatasetGradients } from '../core/datasetCheck';
import { formatLocation, LineIndex } from '../core/lineIndex';
import { formatOf, isBinaryFormat, loadTensorFile } from '../core/load';
import { ROLE_NAMES, type RoleAssignment, type RoleName } from '../core/npzRoles';
import type { Reduction } from '../core/losses';
import { summarizeClassification } from '../core/lossSummary';
import { analysisReport, classificationRows } from '../core/analysisReport';
import { analyzeNetwork } from '../core/network';
import { networkReport } from '../core/networkReport';
import { runCommand } from './runCommand';
import { parseTolerances, userCheckCommand } from './checkCommand';
import { stateDictOutput } from './stateDictOut';
import { LOSS_FLAG_OPTIONS, LOSS_FLAGS_USAGE, lossChoiceFromFlags } from './lossFlags';
import { analysisBytes, analysisChunks, checkOut, writeOut, writeOutChunks, type OutIo, type ReportOptions } from './out';
import { classificationTable, renderTable } from './table';
import { siblingByteLimit } from '../core/limits';
import { escapeControls, escapeJsonOutput } from '../core/safeText';
import { UnreadableFileError } from './readRegular';
import { networkCheckCommand } from './networkCheckOut';
import { streamedSummary, type ChunkFile } from './streamSummary';
import { partsFor, partsFormat, type PartJob, type PartResult } from '../node/summaryParts';
import { rowTextOnPool, type PoolJob } from '../node/partThreads';
import type { RowTextRunner } from '../core/rowTextBlock';
import { streamedTable } from './streamTable';
import { streamedLogits } from './streamedLogits';
import { jacobianCommand, jacobianSourceOf, streamedJacobianSource } from './jacobianCommand';
import { availableParallelism } from 'node:os';
import { streamedBinary } from './binaryStream';
import { fileLineIndex, streamedProblem, type GaveUp } from '../node/streamedProblem';
import { writeJson } from '../core/jsonChunks';

export interface CliIo extends OutIo {
  /** Reads a regular file of at most `maxBytes` (checked before reading); throws otherwise. */
  readFile(path: string, maxBytes?: number): Uint8Array;
  fileSize(path: string): number;
  out(text: string): void;
  err(text: string): void;
  /** Opens a regular file for reading in chunks (analyze --summary streams through it); null: read it whole. */
  openFile?(path: string): ChunkFile | null;
  /** Runs the parts of a large CSV or JSON (or blocks of JSON rows to format) on this many threads (else one after another here). */
  runParts?(jobs: PoolJob[], threads: number): PartResult[];
  /** runParts in two halves (PartThreadPool.start): the jobs start now, the function returned waits for them. */
  startParts?(jobs: PoolJob[], threads: number): () => PartResult[];
  /** Starts the threads a run on this many threads will use, so they boot while this thread plans (PartThreadPool.prestart). */
  prestartParts?(threads: number): void;
}

const USAGE = `usage:
  gradient-lens analyze FILE [--json] [--summary] [--reduction mean|sum] [--out OUT]
                       [--vanishing-threshold R] [--exploding-threshold G]
  gradient-lens jacobian FILE --sample I [--json] [--out OUT]
  gradient-lens check FILE [--rtol R] [--atol A]
                       the file's own derivatives (dinputs, jacobian, dweights…) against the
                       exact values (|given − exact| ≤ A + R·|exact|, defaults 1e-5 and 1e-8);
                       without them, a finite-difference check of every analytic gradient
  gradient-lens run DIR [--json]      a training run (DIR or DIR/run.jsonl): per step, the loss
                                      recomputed from the logged tensors, the logged loss and
                                      every parameter's gradient and weight norms
FILE is .json, .csv, .npy, .npz, .safetensors or .pt/.pth (formats: see README).
  --threads N        a large CSV or JSON logits file is read on N threads (default: the available
                     cores for a file of 128 MB or more, else 1); the same output for every N
  --out OUT          write the analysis (or the Jacobian) to OUT; its extension gives the format:
                     .json, .csv (one row per sample), .npz (every array) or .npy (the gradient);
                     never the input file. Stdout then stays quiet unless --json is given.
  --role ROLE=ARRAY  which .npz/.safetensors/.pt array plays a role when the names are ambiguous
                     (e.g. --role logits=preds); roles: logits, probabilities, predictions,
                     labels, targets, classes, log_probabilities.
  --vanishing-threshold R   networks: flag a layer when ‖∂L/∂W‖/‖W‖ < R (default 1e-6)
  --exploding-threshold G   networks: flag a layer when ‖∂L/∂W‖ > G (default 1e3)
${LOSS_FLAGS_USAGE}
Class names are read from classes.txt or labels.txt beside FILE when FILE has none; a .npy takes
its labels from X_labels.npy, labels.npy or targets.npy beside it.`;

export function runCli(argv: string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        summary: { type: 'boolean', default: false },
        sample: { type: 'string' },
        reduction: { type: 'string', default: 'mean' },
        out: { type: 'string' },
        role: { type: 'string', multiple: true },
        'vanishing-threshold': { type: 'string' },
        'exploding-threshold': { type: 'string' },
        rtol: { type: 'string' },
        atol: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        threads: { type: 'string' },
        ...LOSS_FLAG_OPTIONS,
      },
    });
  } catch (error) {
    io.err(`gradient-lens: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, file] = positionals;
  if (values.help || !command) {
    io.out(USAGE + '\n');
    return command || values.help ? 0 : 2;
  }
  if (!['analyze', 'jacobian', 'check', 'run'].includes(command) || !file) {
    io.err(`gradient-lens: ${file ? `unknown command "${command}"` : 'missing FILE'}\n${USAGE}\n`);
    return 2;
  }
  if (values.reduction !== 'mean' && values.reduction !== 'sum') {
    io.err(`gradient-lens: --reduction must be mean or sum, not "${values.reduction}"\n`);
    return 2;
  }
  const size = fileSizeOf(file, io);
  const threads = values.threads === undefined ? threadsForSize(size) : Number(values.threads);
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) {
    io.err(`gradient-lens: --threads must be a whole number from 1 to 256, not "${values.threads}"\n`);
    return 2;
  }
  // A CSV or JSON cut into two parts or more is read on these threads.
  if (command !== 'run' && partsFormat(file) && partsFor(threads)(size) > 1) io.prestartParts?.(threads);
  const thresholds = parseThresholds(values['vanishing-threshold'], values['exploding-threshold']);
  if (typeof thresholds === 'string') {
    io.err(`gradient-lens: ${thresholds}\n`);
    return 2;
  }
  if (command === 'run') return runCommand(file, values.json, { reduction: values.reduction, ...thresholds }, io);
  const tolerances = parseTolerances(values.rtol, values.atol);
  if (typeof tolerances === 'string') {
    io.err(`gradient-lens: ${tolerances}\n`);
    return 2;
  }
  const roleChoice = parseRoles(values.role ?? []);
  if (typeof roleChoice === 'string') {
    io.err(`gradient-lens: ${roleChoice}\n`);
    return 2;
  }
  const lossOverride = lossChoiceFromFlags(values);
  if (typeof lossOverride === 'string') {
    io.err(`gradient-lens: ${lossOverride}\n`);
    return 2;
  }
  let outFormat = null;
  if (values.out !== undefined) {
    if (command === 'check') {
      io.err('gradient-lens: --out works with analyze and jacobian\n');
      return 2;
    }
    const checked = checkOut(values.out, file, io);
    if ('error' in checked) {
      io.err(`gradient-lens: ${checked.error}\n`);
      return 2;
    }
    outFormat = checked.format;
  }
  const readSibling = (name: string): Uint8Array | null => {
    try {
      // Checked before reading: a FIFO or /dev/zero named classes.txt must not hang the CLI.
      return io.readFile(join(dirname(file), name), siblingByteLimit(name));
    } catch {
      return null;
    }
  };
  // A parse error is looked for a chunk at a time (reportStreamedProblem) once a road
  // that holds no N × K array has given up, before the parts reader below keeps every logit.
  let summaryOrTableGaveUp = false;
  let roadStop: GaveUp | undefined;
  // Where a road's parts stopped (or read past labels out of range or rows of another width): the problem is looked for from there.
  const gaveUp = (stop: PartsStop) => (roadStop = stop);
  if (command === 'analyze' && values.summary && !values.out && !values.role?.length && !lossOverride && io.openFile) {
    // Bounded memory: a logits file in the simple layout is summarised a chunk at a time (issue 22).
    const report = streamedSummary(
      file,
      io.openFile,
      readSibling,
      values.reduction as Reduction,
      { count: threads, runParts: io.runParts && ((jobs: PartJob[]) => io.runParts!(jobs, threads)) },
      (stream) => (roadStop = stream),
    );
    if (report) return (io.out(values.json ? escapeJsonOutput(JSON.stringify(report)) + '\n' : renderTable(file, report)), 0);
    summaryOrTableGaveUp = true;
  }
  if (command === 'analyze' && (values.summary || !values.json) && !values.out && !values.role?.length && !lossOverride && io.openFile) {
    // A binary logits file read a block of rows at a time, without copies (issue 22).
    const report = streamedBinary(file, io.openFile, readSibling, values.reduction as Reduction, values.summary);
    if (report) return (io.out(values.json ? escapeJsonOutput(JSON.stringify(report)) + '\n' : renderTable(file, report)), 0);
  }
  if (command === 'analyze' && !values.summary && !values.json && !values.out && !values.role?.length && !lossOverride && io.openFile) {
    // The table of a large logits file: read in parts, only the rows it shows read back (issue 22).
    const table = streamedTable(file, readSibling, values.reduction as Reduction, {
      count: threads,
      runParts: io.runParts && ((jobs: PartJob[]) => io.runParts!(jobs, threads)),
      gaveUp,
    });
    if (table !== null) return (io.out(table), 0);
    summaryOrTableGaveUp = true;
  }
  if (summaryOrTableGaveUp && reportStreamedProblem(file, io.openFile!, io, readSibling, roadStop)) return 1;
  if (command === 'jacobian' && !values.role?.length && !lossOverride && io.openFile) {
    // One sample's Jacobian of a large logits file: read in parts, only that row read back (issue 22).
    const source = streamedJacobianSource(file, readSibling, values.reduction as Reduction, {
      count: threads,
      runParts: io.runParts && ((jobs: PartJob[]) => io.runParts!(jobs, threads)),
      gaveUp,
    });
    const out = outFormat ? { path: values.out!, format: outFormat } : null;
    if (source) return jacobianCommand(file, source, values.sample, values.json, io, values.out === undefined || values.json, out);
  }
  const reduction = values.reduction as Reduction;
  // Every other command needs every row. A logits file in the simple layout is read in parts on
  // threads, each part keeping its rows' logits (the full reader's dataset, bit for bit: issue 22);
  // anything else, or any message, is the full reader's.
  const streamed =
    command !== 'jacobian' && !values.role?.length && !lossOverride && io.openFile
      ? streamedLogits(file, readSibling, reduction, {
          count: threads,
          runParts: io.runParts && ((jobs: PartJob[]) => io.runParts!(jobs, threads)),
          valuesNow: true,
          gaveUp,
        })
      : null;
  let dataset: Dataset;
  let userGradients: { bytes: Uint8Array; loaded: LoadResult } | null = null;
  if (streamed) dataset = streamed.dataset;
  else {
    // A file the streaming reader stopped in: the full reader's message, without the full reader.
    if (!summaryOrTableGaveUp && io.openFile && reportStreamedProblem(file, io.openFile, io, readSibling, roadStop)) return 1;
    let bytes: Uint8Array;
    try {
      bytes = io.readFile(file);
    } catch (error) {
      const reason =
        error instanceof UnreadableFileError
          ? error.message
          : `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
      io.err(`${file}: ${reason}\n`);
      return 1;
    }
    // The bytes are read for this load alone: a .npy's float64 may stay where they were read.
    const loaded = loadTensorFile(bytes, file, {
      readSibling,
      roleChoice,
      loss: lossOverride && { override: lossOverride },
      bytesHandedOver: true,
    });
    const stateDict = command === 'analyze' ? stateDictOutput(file, bytes, loaded, values.json) : null;
    if (stateDict !== null) return (io.out(stateDict), 0);
    if (reportProblems(file, bytes, loaded, io)) return 1;
    dataset = loaded.dataset!;
    if (loaded.userGradients?.tensors.length) userGradients = { bytes, loaded };
  }
  const options: ReportOptions = { reduction, ...thresholds };

  if (command === 'jacobian') {
    const out = outFormat ? { path: values.out!, format: outFormat } : null;
    return jacobianCommand(file, jacobianSourceOf(dataset), values.sample, values.json, io, values.out === undefined || values.json, out);
  }
  if (command === 'check' && userGradients) {
    return userCheckCommand(
      file,
      userGradients.bytes,
      dataset,
      userGradients.loaded.userGradients!,
      reduction,
      tolerances,
      values.json,
      io,
    );
  }
  if (command === 'check' && dataset.task === 'network') return networkCheckCommand(dataset, reduction, io, values.json);
  if (command === 'check') return checkCommand(dataset, reduction, io, values.json);
  // The parts reader's analysis is the one rowsOnDemand gives (no p or ∂L/∂z held, the same bits): not made again.
  const rowWise = streamed && rowsCanBeDerived(dataset) ? streamed.analysis : null;
  const rowText = rowTextOnThreads(dataset, io, values.threads === undefined ? null : threads);
  if (outFormat) {
    // One analysis for both, each written a piece at a time: a large analysis is more JSON than one string holds (issue 22).
    // Every format is written a row at a time: p and ∂L/∂z of logits need not be held (see reportOf).
    const rowsOnDemand = rowsCanBeDerived(dataset);
    const analysis = dataset.task === 'network' ? null : (rowsOnDemand && rowWise) || analyze(dataset, { reduction, rowsOnDemand });
    if (values.json) writeJson(reportOf(dataset, options, values.summary, true, analysis, rowText), (t) => io.out(t));
    const chunks = analysisChunks(dataset, analysis, outFormat, options, basename(file), rowText);
    if (chunks) return finishOutChunks(values.out!, chunks, io);
    return finishOut(values.out!, () => analysisBytes(dataset, analysis, outFormat, options, basename(file)), io);
  }
  if (values.json) writeJson(reportOf(dataset, options, values.summary, true, rowWise, rowText), (t) => io.out(t));
  else io.out(renderTable(file, values.summary ? reportOf(dataset, options, true) : tableReport(dataset, options)));
  return 0;
}

function finishOut(out: string, bytes: () => Uint8Array, io: CliIo): number {
  const data = bytes();
  const failed = writeOut(out, data, io);
  if (failed) {
    io.err(`gradient-lens: ${failed}\n`);
    return 1;
  }
  io.err(`wrote ${out} (${data.length} bytes)\n`);
  return 0;
}

function finishOutChunks(out: string, chunks: Iterable<Uint8Array>, io: CliIo): number {
  const written = writeOutChunks(out, chunks, io);
  if (typeof written === 'string') {
    io.err(`gradient-lens: ${written}\n`);
    return 1;
  }
  io.err(`wrote ${out} (${written} bytes)\n`);
  return 0;
}

/**
 * Threads for a file when --threads is not given. A CLI process starts its threads cold: each
 * costs about 0.1–0.2 s to start and warm up, so below about 100 MB a second thread made the
 * whole process no faster (87 MB CSV) or slower (97 MB JSON: 0.73 vs 0.66 s), while at 190–400 MB
 * it gained 1.15–1.45× (by hand, 2026-12-03, `analyze --summary`, idle 2-core machine).
 */
export const THREADS_FROM_BYTES = 128 << 20;

export function defaultThreads(file: string, io: Pick<CliIo, 'fileSize'>): number {
  return threadsForSize(fileSizeOf(file, io));
}

function threadsForSize(size: number): number {
  return size >= THREADS_FROM_BYTES ? availableParallelism() : 1;
}

/** The file's size, or 0 when it cannot be read (the command reports that). */
function fileSizeOf(file: string, io: Pick<CliIo, 'fileSize'>): number {
  try {
    return io.fileSize(file);
  } catch {
    return 0;
  }
}

/** The network health thresholds given on the command line: positive numbers, or a message. */
function parseThresholds(
  vanishing: string | undefined,
  exploding: string | undefined,
): { vanishingThreshold?: number; explodingThreshold?: number } | string {
  const out: { vanishingThreshold?: number; explodingThreshold?: number } = {};
  for (const [flag, text, key] of [
    ['--vanishing-threshold', vanishing, 'vanishingThreshold'],
    ['--exploding-threshold', exploding, 'explodingThreshold'],
  ] as const) {
    if (text === undefined) continue;
    const value = text.trim() === '' ? NaN : Number(text);
    if (!Number.isFinite(value) || value <= 0) return `${flag} must be a positive number such as 1e-6, not "${text}"`;
    out[key] = value;
  }
  return out;
}

/** `--role logits=preds --role labels=y` → { logits: 'preds', labels: 'y' }, or a message. */
function parseRoles(specs: string[]): RoleAssignment | string {
  const out: RoleAssignment = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const role = spec.slice(0, eq).trim();
    if (eq < 0 || !(ROLE_NAMES as readonly string[]).includes(role) || spec.slice(eq + 1) === '') {
      return `--role must be ROLE=ARRAY with ROLE one of ${ROLE_NAMES.join(', ')}, not "${spec}"`;
    }
    out[role as RoleName] = spec.slice(eq + 1);
  }
  return out;
}

/**
 * The report of `dataset`, from `analysis` when the caller has it (else analysed here). With
 * `forJson`, matrices the JSON writer streams (src/core/analysisReport.ts RowsForJson): the same JSON.
 */
export function reportOf(
  dataset: Dataset,
  options: ReportOptions,
  summary: boolean,
  forJson = false,
  analysis: Analysis | null = null,
  rowText?: RowTextRunner,
): Record<string, unknown> {
  const { reduction } = options;
  if (dataset.task === 'network') return networkReport(dataset, analyzeNetwork(dataset, options), summary);
  if (summary && dataset.task === 'classification' && !dataset.loss) {
    // Loss and accuracy only: no n × k probabilities or gradient to hold (the same numbers).
    const s = summarizeClassification(dataset, { reduction });
    const report: Record<string, unknown> = {
      task: 'classification',
      input: dataset.input,
      n: dataset.n,
      k: dataset.k,
      reduction,
      loss: s.loss,
      accuracy: s.accuracy,
    };
    if (dataset.classes) report.classes = dataset.classes;
    return report;
  }
  const rowsOnDemand = forJson && rowsCanBeDerived(dataset);
  const report = analysisReport(analysis ?? analyze(dataset, { reduction, rowsOnDemand }), summary, forJson, dataset, rowText);
  if (dataset.task === 'classification' && dataset.classes) report.classes = dataset.classes;
  return report;
}

/**
 * The report the table prints. A classification is analysed with rows on demand where they can be
 * derived, and only the ∂L/∂z rows it shows are made (classificationTable); 10⁴ × 10³ float64
 * logits in a .pt: 3.4 s and 746 MB before, with every matrix made into nested arrays.
 */
function tableReport(dataset: Dataset, options: ReportOptions): Record<string, unknown> {
  if (dataset.task !== 'classification') return reportOf(dataset, options, false);
  const a = analyze(dataset, { reduction: options.reduction, rowsOnDemand: rowsCanBeDerived(dataset) });
  if (a.task !== 'classification') throw new Error('a classification dataset gave another analysis');
  const gradient = classificationRows(a, dataset).logitGradient;
  return classificationTable(a, (i) => gradient.rowInto(i, new Float64Array(a.k)), dataset.classes);
}

/**
 * Whether p and ∂L/∂z (and ∂L/∂p) can be derived a row at a time as they are written (logits or
 * probabilities with class indices, no named loss) instead of held: 160 MB and about 0.5 s of
 * fresh pages for 10⁴ × 10³ (src/core/derivedRows.ts).
 */
function rowsCanBeDerived(dataset: Dataset): boolean {
  return dataset.task === 'classification' && rowsDerivable(dataset);
}

/** From this many numbers in a matrix, its JSON rows are formatted on threads (about 0.15 s of JSON.stringify on one). */
const ROW_TEXT_THREADS_FROM = 1_500_000;

/**
 * Formats blocks of derived JSON rows on threads: `--threads N`, or without it one per core for
 * matrices of ROW_TEXT_THREADS_FROM numbers or more (a thread's 0.1–0.2 s start is paid back many
 * times by 3 × 10⁷ numbers, whatever the file's size). Only for logits and labels in shared memory
 * (the parts reader's): the threads read them where they are.
 */
function rowTextOnThreads(dataset: Dataset, io: CliIo, threads: number | null): RowTextRunner | undefined {
  // Only logits' rows are formatted on threads (rowTextBlock derives p and ∂L/∂z from them).
  if (!io.startParts || !rowsCanBeDerived(dataset) || dataset.task !== 'classification' || dataset.input !== 'logits') return undefined;
  const count = threads ?? availableParallelism();
  if (count < 2 || (threads === null && dataset.n * dataset.k < ROW_TEXT_THREADS_FROM)) return undefined;
  if (!(dataset.values.buffer instanceof SharedArrayBuffer) || !(dataset.labels?.buffer instanceof SharedArrayBuffer)) return undefined;
  return rowTextOnPool((jobs) => io.startParts!(jobs, count));
}

/** Prints every problem as FILE:LINE:COL: message; true when any is an error. */
function reportProblems(file: string, bytes: Uint8Array, loaded: LoadResult, io: CliIo): boolean {
  if (loaded.problems.length === 0) return false;
  // NumPy files have no lines: their problems name the array (and the file) instead.
  const binary = isBinaryFormat(formatOf(file));
  printProblems(file, binary ? null : new LineIndex(bytes), loaded.problems, io);
  return loaded.dataset === null;
}

/**
 * A large CSV or JSON file's parse error (or cut-short end, labels out of range, ragged rows) found a chunk at a time
 * (src/node/streamedProblem.ts), printed as reportProblems prints the full reader's; false when
 * there is none to find so. `gaveUp`: the summary's one-thread stream, which stopped where the problem is.
 */
function reportStreamedProblem(
  file: string,
  open: (path: string) => ChunkFile | null,
  io: CliIo,
  readSibling: ReadSibling,
  gaveUp?: GaveUp,
): boolean {
  const f = partsFormat(file) ? open(file) : null;
  if (!f) return false;
  try {
    const problems = streamedProblem(f, file, { gaveUp, readSibling });
    if (!problems) return false;
    printProblems(file, fileLineIndex(f, Math.max(...problems.map((p) => p.start))), problems, io);
    return true;
  } finally {
    f.close();
  }
}

function printProblems(file: string, index: LineIndex | null, problems: Problem[], io: CliIo): void {
  const binary = index === null;
  const base = `${basename(file)}: `;
  for (const p of problems) {
    const where = index ? formatLocation(file, index, p.start) : file;
    const message = binary && p.message.startsWith(base) ? p.message.slice(base.length) : p.message;
    // File text (cells, dtypes, member names) may hold ESC or a newline: one visible line per problem.
    io.err(escapeControls(`${where}: ${p.severity === 'warning' ? 'warning: ' : ''}${message}`, true) + '\n');
  }
}

function checkCommand(dataset: Dataset, reduction: Reduction, io: CliIo, json: boolean): number {
  const checks = checkDatasetGradients(dataset, reduction);
  if (json) io.out(escapeJsonOutput(JSON.stringify(checks)) + '\n');
  else {
    for (const c of checks) {
      const kink = dataset.task === 'network' ? 'a ReLU kink' : dataset.loss ? `a kink of ${dataset.loss.name}` : 'the clip boundary';
      const skipped = c.skipped ? `, ${c.skipped} skipped at ${kink}` : '';
      io.out(
        `${c.passed ? 'ok  ' : 'FAIL'} ${escapeControls(c.name, true)}: ${c.checked} coordinates${skipped}; worst relative error ${c.maxRelativeError.toExponential(2)}, worst absolute ${c.maxAbsoluteError.toExponential(2)} (analytic ${c.analytic.toExponential(6)} vs finite difference ${c.numeric.toExponential(6)})\n`,
      );
    }
  }
  return checks.every((c) => c.passed) ? 0 : 1;
}
