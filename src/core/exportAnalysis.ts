/**
 * An analysis written out for other tools: JSON, CSV (one row per sample), NumPy `.npz` (every
 * array) or `.npy` (one array), and the softmax Jacobian of one sample. Pure: returns text or bytes;
 * where they go (a file the user chose, never the data file) is the caller's business.
 */
import type { Analysis, ClassificationAnalysis } from './analysis';
import { concatBytes } from './concatBytes';
import type { Dataset, NetworkData } from './dataset';
import type { NetworkAnalysis } from './network';
import { networkReport } from './networkReport';
import { npyEntryParts, writeNpy, type ArrayEntry, type MatrixRows } from './npy';
import { npzChunks, writeNpz, type NpzEntry } from './npz';
import { accuracy, analysisReport, classificationRows, toRows } from './analysisReport';
import { safetensorsChunks, writeSafetensors } from './safetensors';
import { DEFAULT_CHUNK_CHARS, jsonFileChunks } from './jsonChunks';
import { NumberRow } from './numberRow';
import { rowBlocksInOrder, rowTextSpec, type RowRange, type RowTextRunner } from './rowTextBlock';
import { softmaxJacobian } from './softmax';
import { neutraliseFormula } from './csvSafe';

export type ExportFormat = 'json' | 'csv' | 'npy' | 'npz' | 'safetensors';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv', 'npy', 'npz', 'safetensors'];

/** The one array a `.npy` export holds. */
export type NpyQuantity = 'gradient' | 'logitGradient' | 'losses' | 'probabilities';

export interface ExportContext {
  /** The data file's name, recorded in JSON exports. */
  fileName?: string;
  classes?: string[] | null;
  /** For `.npy`: which array (default: the gradient w.r.t. the file's own tensor). */
  npy?: NpyQuantity;
  /** For `.npz`: deflate the members like np.savez_compressed. */
  compress?: boolean;
}

/** The format a path asks for by its extension, or null. */
export function formatFromPath(path: string): ExportFormat | null {
  const m = /\.([A-Za-z]+)$/.exec(path);
  const ext = m?.[1].toLowerCase();
  return (EXPORT_FORMATS as readonly string[]).includes(ext ?? '') ? (ext as ExportFormat) : null;
}

const encoder = new TextEncoder();

/** An analysis (classification or regression) in `format`, as the bytes of a file. */
export function exportAnalysis(a: Analysis, format: ExportFormat, ctx: ExportContext = {}): Uint8Array {
  switch (format) {
    case 'json':
      return encoder.encode(analysisToJson(a, ctx));
    case 'csv':
      return encoder.encode(analysisToCsv(a, ctx));
    case 'npz':
      return analysisToNpz(a, ctx);
    case 'safetensors':
      return asSafetensors(analysisArrays(a), ctx);
    case 'npy':
      return analysisToNpy(a, ctx.npy ?? 'gradient');
  }
}

/**
 * exportAnalysis's bytes in pieces, for a file written a piece at a time (the extension's worker):
 * a large analysis's JSON or CSV is more text than one V8 string holds (issue 22). Joined, the
 * pieces are exportAnalysis's bytes; the binary formats are one piece.
 */
export function* exportAnalysisChunks(
  a: Analysis,
  format: ExportFormat,
  ctx: ExportContext = {},
  /** For JSON and CSV of an analysis made with rowsOnDemand: its rows are derived from the dataset as they are written. */
  dataset?: Dataset,
  /** And formatted in blocks by this (the CLI's threads). */
  rowText?: RowTextRunner,
): Generator<Uint8Array, void, undefined> {
  if (format === 'json') yield* jsonFileChunks(analysisJsonReport(a, ctx, dataset, rowText), 'string');
  else if (format === 'csv') yield* lineChunks(analysisCsvLines(a, ctx, dataset, rowText));
  else if (format === 'npz') yield* npzChunks(analysisArrays(a, dataset), { compress: ctx.compress });
  else if (format === 'safetensors') yield* safetensorsChunks(analysisArrays(a, dataset), safetensorsMetadata(ctx));
  else yield* analysisNpyChunks(a, ctx.npy ?? 'gradient', dataset);
}

/**
 * Lines, each with its newline, as UTF-8 pieces of about `chunkChars` characters. Small pieces on
 * purpose, as the JSON writer's: a longer text is flattened and encoded into fresh large-object
 * pages, whose first touch dominates on these VMs (132 MB of CSV text: 0.6–0.9 s in 1 MB pieces,
 * 51–62 ms in 64 KB pieces).
 */
export function* lineChunks(lines: Iterable<string>, chunkChars = DEFAULT_CHUNK_CHARS): Generator<Uint8Array, void, undefined> {
  let text = '';
  for (const line of lines) {
    text += line + '\n';
    if (text.length >= chunkChars) {
      yield encoder.encode(text);
      text = '';
    }
  }
  if (text) yield encoder.encode(text);
}

// ---- JSON ---------------------------------------------------------------------------------------

/**
 * The CLI's `--json` report plus what a reader needs to use it on its own: the source file, the
 * class names, targets, true and predicted classes, p of the true class.
 */
export function analysisToJson(a: Analysis, ctx: ExportContext = {}): string {
  return JSON.stringify(analysisJsonReport(a, ctx), finite) + '\n';
}

/** The object analysisToJson writes (the CLI writes it a piece at a time, with `finite`). */
export function analysisJsonReport(
  a: Analysis,
  ctx: ExportContext = {},
  dataset?: Dataset,
  rowText?: RowTextRunner,
): Record<string, unknown> {
  // Matrices as RowsForJson: JSON.stringify writes them as nested arrays, the CLI a row at a time.
  const report: Record<string, unknown> = { source: ctx.fileName ?? null, ...analysisReport(a, false, true, dataset, rowText) };
  if (a.task === 'classification') {
    Object.assign(report, {
      classes: ctx.classes ?? null,
      accuracy: accuracy(a.predicted, a.actual),
      actual: Array.from(a.actual),
      pTrue: Array.from(a.pTrue),
      targets: classificationRows(a, dataset).targets,
    });
  }
  return report;
}

/** JSON has no NaN or infinity: write them as strings rather than as a silent null. */
function finite(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return value;
}

// ---- CSV ----------------------------------------------------------------------------------------

/**
 * One row per sample. Classification: sample, label, predicted, loss, p_<class>…, grad_<class>…
 * (the gradient of the batch loss w.r.t. the file's own tensor), and for probabilities input also
 * logit_grad_<class>… = (p − y)/N. Regression: sample, loss, grad_<output>….
 * Numbers are written in their shortest exact form, so reading them back gives the same float64.
 */
export function analysisToCsv(a: Analysis, ctx: ExportContext = {}): string {
  return Array.from(analysisCsvLines(a, ctx)).join('\n') + '\n';
}

/**
 * The lines of analysisToCsv, without their newlines, a line at a time or (rows formatted by
 * `rowText`, the CLI's threads) a block of lines joined by newlines; the CLI writes them a piece at a time.
 */
export function* analysisCsvLines(
  a: Analysis,
  ctx: ExportContext = {},
  dataset?: Dataset,
  rowText?: RowTextRunner,
): Generator<string, void, undefined> {
  if (a.task === 'classification') {
    const names = columnNames(a.k, ctx.classes);
    const header = ['sample', 'label', 'predicted', 'loss', ...names.map((c) => `p_${c}`), ...names.map((c) => `grad_${c}`)];
    const extra = a.input === 'probabilities';
    if (extra) header.push(...names.map((c) => `logit_grad_${c}`));
    yield header.map(csvCell).join(',');
    const rows = classificationRows(a, dataset);
    const values = new Float64Array(a.k);
    const lines = function* (from: number, to: number): Generator<string, void, undefined> {
      for (let i = from; i < to; i++) {
        const row: string[] = [String(i), String(a.actual[i]), String(a.predicted[i]), num(a.losses[i])];
        pushRow(row, rows.probabilities.rowInto(i, values), 0, a.k);
        pushRow(row, rows.gradient.rowInto(i, values), 0, a.k);
        if (extra) pushRow(row, rows.logitGradient.rowInto(i, values), 0, a.k);
        yield row.join(',');
      }
    };
    const source = rows.derivedFrom;
    if (!rowText || !source || a.k === 0) return yield* lines(0, a.n);
    // Blocks of lines formatted on threads (a block's lines joined by newlines), in order.
    const perBlock = Math.max(1, Math.floor(DEFAULT_CHUNK_CHARS / (2 * a.k * 24 + 64)));
    const start = (ranges: RowRange[]) =>
      rowText(
        ranges.map((range) => ({
          ...rowTextSpec(source, a, 'csvLines', range, false),
          csv: {
            actual: a.actual.slice(range.from, range.to),
            predicted: a.predicted.slice(range.from, range.to),
            losses: a.losses.slice(range.from, range.to),
          },
        })),
      );
    for (const block of rowBlocksInOrder(a.n, perBlock, start)) {
      if (block.text === null) yield* lines(block.from, block.to);
      else yield block.text;
    }
  } else {
    const names = a.d === 1 && a.shape.length === 1 ? [''] : Array.from({ length: a.d }, (_, j) => `_${j}`);
    yield ['sample', 'loss', ...names.map((c) => `grad${c}`)].join(',');
    for (let i = 0; i < a.n; i++) {
      const row = [String(i), num(a.losses[i])];
      pushRow(row, a.gradient, i, a.d);
      yield row.join(',');
    }
  }
}

/** Row i of a row-major matrix as one more CSV cell run: its K numbers joined by commas. */
function pushRow(row: string[], data: Float64Array, i: number, k: number): void {
  if (k > 0) row.push(joinedNumbers(data, i * k, k));
}

const csvRow = new NumberRow();

/**
 * data[from, from + count) joined by commas, each as num() writes it. JSON.stringify writes a finite
 * number as String() does and is about 2.5× faster on a row of them (measured: a 447 MB CSV export
 * spent 4.8 s in String()); a row holding NaN or ±Infinity, which JSON writes as null, is written a
 * cell at a time.
 */
function joinedNumbers(data: Float64Array, from: number, count: number): string {
  if (csvRow.load(data, from, count)) return csvRow.json().slice(1, -1);
  return Array.from(data.subarray(from, from + count), num).join(',');
}

/** Class names usable in a header: the file's names, or 0…K−1; duplicates get their index. */
export function columnNames(k: number, classes: string[] | null | undefined): string[] {
  if (!classes || classes.length !== k) return Array.from({ length: k }, (_, j) => String(j));
  const seen = new Set<string>();
  return classes.map((c, j) => {
    const name = seen.has(c) ? `${c}_${j}` : c;
    seen.add(name);
    return name;
  });
}

export function csvCell(text: string): string {
  text = neutraliseFormula(text); // text cells only: numbers are written by num()
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function num(v: number): string {
  return String(v);
}

// ---- NumPy --------------------------------------------------------------------------------------

/** Every array of the analysis, under snake_case names, as an .npz NumPy reads with np.load. */
export function analysisToNpz(a: Analysis, ctx: ExportContext = {}): Uint8Array {
  return writeNpz(analysisArrays(a), { compress: ctx.compress });
}

/** The same arrays as the .npz, as a .safetensors file (F64 / I32), the source file in its metadata. */
function asSafetensors(arrays: Record<string, NpzEntry>, ctx: ExportContext): Uint8Array {
  return writeSafetensors(arrays, safetensorsMetadata(ctx));
}

function safetensorsMetadata(ctx: ExportContext): Record<string, string> {
  return ctx.fileName ? { source: ctx.fileName, written_by: 'gradient-lens' } : { written_by: 'gradient-lens' };
}

/**
 * The N × K matrices of a classification analysis: those it holds as they are, and those it does
 * not (one-hot targets of class indices; p and ∂L/∂z of an analysis made with rowsOnDemand, from
 * `dataset`) given a row at a time, written without being held (issue 22: 10⁴ × 10³ logits' p,
 * ∂L/∂z and targets were 240 MB made only to be written).
 */
function classificationMatrices(
  a: ClassificationAnalysis,
  dataset?: Dataset,
): Record<'probabilities' | 'targets' | 'gradient' | 'logitGradient', ArrayEntry> {
  const m = [a.n, a.k];
  const rows = classificationRows(a, dataset);
  const matrix = (held: Float64Array | null, given: MatrixRows): ArrayEntry =>
    held ? { data: held, shape: m } : { rows: given, shape: m };
  return {
    probabilities: matrix(a.probabilities, rows.probabilities),
    targets: matrix(a.targets, rows.targets),
    gradient: matrix(a.gradient, rows.gradient),
    logitGradient: matrix(a.logitGradient, rows.logitGradient),
  };
}

/** The analysis's arrays under their .npz names. */
function analysisArrays(a: Analysis, dataset?: Dataset): Record<string, NpzEntry> {
  const arrays: Record<string, NpzEntry> = { loss: { data: Float64Array.of(a.loss), shape: [] }, losses: { data: a.losses, shape: [a.n] } };
  if (a.task === 'classification') {
    const matrices = classificationMatrices(a, dataset);
    Object.assign(arrays, {
      probabilities: matrices.probabilities,
      targets: matrices.targets,
      gradient: matrices.gradient,
      logit_gradient: matrices.logitGradient,
      predicted: { data: a.predicted, shape: [a.n] },
      labels: { data: a.actual, shape: [a.n] },
      p_true: { data: a.pTrue, shape: [a.n] },
    });
  } else {
    arrays.gradient = { data: a.gradient, shape: a.shape };
  }
  return arrays;
}

/** One array of the analysis as a .npy file. */
export function analysisToNpy(a: Analysis, what: NpyQuantity = 'gradient'): Uint8Array {
  return concatBytes(analysisNpyChunks(a, what));
}

/** analysisToNpy's bytes in pieces: a matrix the analysis does not hold (rowsOnDemand) is made a block of rows at a time. */
export function* analysisNpyChunks(a: Analysis, what: NpyQuantity = 'gradient', dataset?: Dataset): Generator<Uint8Array, void, undefined> {
  if (what === 'losses') return yield writeNpy(a.losses, [a.n]);
  if (a.task === 'regression') {
    if (what !== 'gradient') throw new RangeError(`a regression analysis has no ${what}; export "gradient" or "losses"`);
    return yield writeNpy(a.gradient, a.shape);
  }
  const { header, body } = npyEntryParts(classificationMatrices(a, dataset)[what]);
  yield header;
  yield* body();
}

// ---- the softmax Jacobian of one sample ---------------------------------------------------------

/** J = diag(p) − p pᵀ of sample `sample`: K × K, row j = ∂p_j/∂z. */
export function sampleJacobian(a: ClassificationAnalysis, sample: number): Float64Array {
  if (!Number.isInteger(sample) || sample < 0 || sample >= a.n)
    throw new RangeError(`sample must be a whole number from 0 to ${a.n - 1}, not ${sample}`);
  return softmaxJacobian(a.probabilities.subarray(sample * a.k, (sample + 1) * a.k));
}

/**
 * The Jacobian of one sample. JSON: {source, sample, classes, probabilities, jacobian}; CSV: a
 * K × K table whose rows are p_j and columns z_k; .npy: the K × K matrix; .npz: jacobian and
 * probabilities.
 */
export function exportJacobian(a: ClassificationAnalysis, sample: number, format: ExportFormat, ctx: ExportContext = {}): Uint8Array {
  sampleJacobian(a, sample); // checks the sample
  return exportSampleJacobian(a.probabilities.slice(sample * a.k, (sample + 1) * a.k), sample, format, ctx);
}

/** exportJacobian from the sample's probabilities alone (a large file's row read on demand). */
export function exportSampleJacobian(p: Float64Array, sample: number, format: ExportFormat, ctx: ExportContext = {}): Uint8Array {
  const J = softmaxJacobian(p);
  const k = p.length;
  switch (format) {
    case 'json':
      return encoder.encode(
        JSON.stringify(
          { source: ctx.fileName ?? null, sample, classes: ctx.classes ?? null, probabilities: Array.from(p), jacobian: toRows(J, k, k) },
          finite,
        ) + '\n',
      );
    case 'csv': {
      const names = columnNames(k, ctx.classes);
      const lines = [['dp/dz', ...names.map((c) => `z_${c}`)].map(csvCell).join(',')];
      for (let j = 0; j < k; j++) {
        const row = [csvCell(`p_${names[j]}`)];
        pushRow(row, J, j, k);
        lines.push(row.join(','));
      }
      return encoder.encode(lines.join('\n') + '\n');
    }
    case 'npy':
      return writeNpy(J, [k, k]);
    case 'npz':
      return writeNpz({ jacobian: { data: J, shape: [k, k] }, probabilities: { data: p, shape: [k] } }, { compress: ctx.compress });
    case 'safetensors':
      return asSafetensors({ jacobian: { data: J, shape: [k, k] }, probabilities: { data: p, shape: [k] } }, ctx);
  }
}

// ---- networks -----------------------------------------------------------------------------------

/**
 * A network's analysis. JSON: the CLI's network report; CSV: sample, loss, (predicted,) out_<j>…;
 * .npz: loss, losses, output, grad_inputs and grad_weights_<l> / grad_bias_<l> per layer; .npy: the
 * per-sample losses.
 */
export function exportNetwork(data: NetworkData, a: NetworkAnalysis, format: ExportFormat, ctx: ExportContext = {}): Uint8Array {
  const last = data.layers[data.layers.length - 1];
  const outputs = last.outputs;
  switch (format) {
    case 'json':
      return encoder.encode(JSON.stringify(networkJsonReport(data, a, ctx), finite) + '\n');
    case 'csv': {
      const names = columnNames(outputs, a.head === 'cross-entropy' ? (ctx.classes ?? data.classes) : null);
      const header = ['sample', 'loss', ...(a.predicted ? ['predicted'] : []), ...names.map((c) => `out_${c}`)];
      const lines = [header.map(csvCell).join(',')];
      for (let i = 0; i < a.n; i++) {
        const row = [String(i), num(a.losses[i])];
        if (a.predicted) row.push(String(a.predicted[i]));
        pushRow(row, a.output, i, outputs);
        lines.push(row.join(','));
      }
      return encoder.encode(lines.join('\n') + '\n');
    }
    case 'npy':
      return writeNpy(a.losses, [a.n]);
    case 'npz':
    case 'safetensors': {
      const arrays: Record<string, NpzEntry> = {
        loss: { data: Float64Array.of(a.loss), shape: [] },
        losses: { data: a.losses, shape: [a.n] },
        output: { data: a.output, shape: [a.n, outputs] },
        grad_inputs: { data: a.gradInputs, shape: [a.n, data.layers[0].inputs] },
      };
      if (a.predicted) arrays.predicted = { data: a.predicted, shape: [a.n] };
      data.layers.forEach((layer, l) => {
        arrays[`grad_weights_${l}`] = { data: a.layers[l].gradWeights, shape: [layer.outputs, layer.inputs] };
        arrays[`grad_bias_${l}`] = { data: a.layers[l].gradBias, shape: [layer.outputs] };
      });
      return format === 'safetensors' ? asSafetensors(arrays, ctx) : writeNpz(arrays, { compress: ctx.compress });
    }
  }
}

/** The object a network's JSON export writes. */
export function networkJsonReport(data: NetworkData, a: NetworkAnalysis, ctx: ExportContext = {}): Record<string, unknown> {
  return { source: ctx.fileName ?? null, ...networkReport(data, a) };
}

// ---- copying a selection ------------------------------------------------------------------------

export interface CopySelection {
  /** First row and one past the last (clamped to the matrix). */
  rows: [number, number];
  cols: [number, number];
  /** Names for a header row / first column; omitted when not given. */
  rowNames?: readonly string[];
  colNames?: readonly string[];
}

/**
 * A block of a row-major matrix as tab-separated text (what spreadsheets paste), numbers in their
 * shortest exact form. With names, a header row and a first column label the block.
 */
export function selectionToText(data: ArrayLike<number>, cols: number, selection: CopySelection): string {
  const rowsTotal = cols > 0 ? Math.floor(data.length / cols) : 0;
  const [r0, r1] = clampRange(selection.rows, rowsTotal);
  const [c0, c1] = clampRange(selection.cols, cols);
  const clean = (s: string) => s.replace(/[\t\r\n]+/g, ' ');
  const lines: string[] = [];
  if (selection.colNames) {
    const header: string[] = [];
    if (selection.rowNames) header.push('');
    for (let j = c0; j < c1; j++) header.push(clean(selection.colNames[j] ?? String(j)));
    lines.push(header.join('\t'));
  }
  for (let i = r0; i < r1; i++) {
    const row: string[] = [];
    if (selection.rowNames) row.push(clean(selection.rowNames[i] ?? String(i)));
    for (let j = c0; j < c1; j++) row.push(num(data[i * cols + j]));
    lines.push(row.join('\t'));
  }
  return lines.join('\n');
}

function clampRange([from, to]: [number, number], size: number): [number, number] {
  const a = Math.max(0, Math.min(size, Math.floor(from)));
  const b = Math.max(a, Math.min(size, Math.floor(to)));
  return [a, b];
}
