/**
 * Plain-object views of analyses, shaped for JSON output (the CLI's contract): matrices as nested
 * arrays of numbers, in the shape of the file's own tensors.
 */
import type { Analysis, ClassificationAnalysis } from './analysis';
import { targetRowInto, type ClassificationData, type Dataset } from './dataset';
import { derivedLogitGradientRow, derivedProbabilityGradientRow, derivedProbabilityRow, gradientScale } from './derivedRows';
import { rowTextSpec, type RowTextRunner, type RowTextSpec } from './rowTextBlock';
import { lossFunctionOf } from './loss/describe';

export function toRows(data: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(data.subarray(i * cols, (i + 1) * cols));
  return out;
}

/**
 * An n × k matrix as JSON.stringify sees it (toJSON: nested arrays), held as its rows' source: the
 * CLI's JSON writer (src/core/jsonChunks.ts) writes it a row at a time, never n × k numbers as JS
 * arrays (issue 22). Its rows come from a typed array (`of`) or are derived one at a time.
 */
export class RowsForJson {
  /** Blocks of rows formatted elsewhere (on threads): the JSON writer asks for them in order. */
  blocks: RowBlocks | null = null;

  constructor(
    readonly rows: number,
    readonly cols: number,
    /** Writes row i into `out` (length cols) and returns it. */
    readonly rowInto: (i: number, out: Float64Array) => Float64Array,
  ) {}

  static of(data: Float64Array, rows: number, cols: number): RowsForJson {
    return new RowsForJson(rows, cols, (i, out) => (out.set(data.subarray(i * cols, (i + 1) * cols)), out));
  }

  toJSON(): number[][] {
    const out = new Float64Array(this.cols);
    return Array.from({ length: this.rows }, (_, i) => Array.from(this.rowInto(i, out)));
  }
}

/** A RowsForJson's rows as text blocks: what the JSON writer would write for them, commas between rows. */
export interface RowBlocks {
  /**
   * Starts formatting rows [from, to) of each range; the function returned gives their texts in
   * order, null where the writer must write the rows itself.
   */
  start(ranges: { from: number; to: number }[], nonFiniteString: boolean): () => (string | null)[];
}

/**
 * With `forJson`, the n × k matrices are RowsForJson (the same JSON); else nested arrays, for the
 * table. An analysis made with rowsOnDemand (no p or ∂L/∂z held) needs its dataset, and `forJson`:
 * its rows are derived as they are written.
 */
export function analysisReport(
  a: Analysis,
  summaryOnly = false,
  forJson = false,
  dataset?: Dataset,
  rowText?: RowTextRunner,
): Record<string, unknown> {
  const rowsOf = forJson ? (d: Float64Array, r: number, c: number): unknown => RowsForJson.of(d, r, c) : toRows;
  if (a.task === 'classification') {
    const base = { task: a.task, input: a.input, n: a.n, k: a.k, reduction: a.reduction, lossFunction: lossFunctionOf(a), loss: a.loss };
    if (summaryOnly) return { ...base, accuracy: accuracy(a.predicted, a.actual) };
    const rows = forJson ? classificationRows(a, dataset, rowText) : null;
    return {
      ...base,
      losses: Array.from(a.losses),
      probabilities: rows ? rows.probabilities : toRows(a.probabilities, a.n, a.k),
      gradient: rows ? rows.gradient : toRows(a.gradient, a.n, a.k),
      logitGradient: rows ? rows.logitGradient : toRows(a.logitGradient, a.n, a.k),
      predicted: Array.from(a.predicted),
    };
  }
  const base = { task: a.task, n: a.n, d: a.d, reduction: a.reduction, lossFunction: lossFunctionOf(a), loss: a.loss };
  if (summaryOnly) return base;
  return {
    ...base,
    losses: Array.from(a.losses),
    gradient: a.shape.length === 1 ? Array.from(a.gradient) : rowsOf(a.gradient, a.n, a.d),
  };
}

/** The n × k matrices of a classification analysis as rows, for the writers that take them a row at a time. */
export interface ClassificationRows {
  probabilities: RowsForJson;
  /** ∂L/∂(the file's tensor). */
  gradient: RowsForJson;
  logitGradient: RowsForJson;
  /** The target each row is scored against (one-hot for a class index). */
  targets: RowsForJson;
  /** Where p and ∂L/∂z are derived from, when the analysis holds neither (logits and class indices); else null. */
  derivedFrom: ClassificationData | null;
}

/**
 * The rows the analysis holds, and those it does not (rowsOnDemand: p and ∂L/∂z of logits, ∂L/∂p
 * and ∂L/∂z of probabilities) derived from `dataset` one at a time, the same bits
 * (src/core/derivedRows.ts); the targets always a row at a time, never a dense n × k one-hot
 * matrix. With `rowText`, the derived rows of logits can also be had as text blocks formatted by
 * it (the CLI's threads).
 */
export function classificationRows(a: ClassificationAnalysis, dataset?: Dataset, rowText?: RowTextRunner): ClassificationRows {
  const { n, k } = a;
  const source = (): ClassificationData => {
    if (dataset?.task !== 'classification') throw new Error('rows of an analysis made with rowsOnDemand need its dataset');
    return dataset;
  };
  const scale = gradientScale(a.reduction, n);
  const probabilities = a.probabilities
    ? RowsForJson.of(a.probabilities, n, k)
    : new RowsForJson(n, k, (i, out) => derivedProbabilityRow(source().values, k, i, out));
  let logitGradient: RowsForJson;
  if (a.logitGradient) logitGradient = RowsForJson.of(a.logitGradient, n, k);
  else {
    const p = new Float64Array(k);
    logitGradient = new RowsForJson(n, k, (i, out) => derivedLogitGradientRow(source(), k, scale, i, probabilities.rowInto(i, p), out));
  }
  const derivedFrom = !a.probabilities && !a.logitGradient && dataset?.task === 'classification' && dataset.labels ? dataset : null;
  if (rowText && derivedFrom) {
    const blocksOf = (field: RowTextSpec['field']): RowBlocks => ({
      start: (ranges, nonFiniteString) => rowText(ranges.map((range) => rowTextSpec(derivedFrom, a, field, range, nonFiniteString))),
    });
    probabilities.blocks = blocksOf('probabilities');
    logitGradient.blocks = blocksOf('logitGradient');
  }
  let gradient = logitGradient; // logits: ∂L/∂z is the gradient
  if (a.gradient) gradient = RowsForJson.of(a.gradient, n, k);
  else if (a.input === 'probabilities') {
    const p = new Float64Array(k);
    gradient = new RowsForJson(n, k, (i, out) => derivedProbabilityGradientRow(source(), k, scale, i, probabilities.rowInto(i, p), out));
  }
  const targets = new RowsForJson(n, k, (i, out) => targetRowInto(a, i, k, out));
  return { probabilities, gradient, logitGradient, targets, derivedFrom };
}

export function accuracy(predicted: Int32Array, actual: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) hits++;
  return predicted.length ? hits / predicted.length : 0;
}
