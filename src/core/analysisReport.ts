/**
 * Plain-object views of analyses, shaped for JSON output (the CLI's contract): matrices as nested
 * arrays of numbers, in the shape of the file's own tensors.
 */
import type { Analysis, ClassificationAnalysis } from './analysis';
import type { ClassificationData, Dataset } from './dataset';
import { derivedLogitGradientRow, derivedProbabilityRow } from './derivedRows';
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

/**
 * With `forJson`, the n × k matrices are RowsForJson (the same JSON); else nested arrays, for the
 * table. An analysis made with rowsOnDemand (no p or ∂L/∂z held) needs its dataset, and `forJson`:
 * its rows are derived as they are written.
 */
export function analysisReport(a: Analysis, summaryOnly = false, forJson = false, dataset?: Dataset): Record<string, unknown> {
  const rowsOf = forJson ? (d: Float64Array, r: number, c: number): unknown => RowsForJson.of(d, r, c) : toRows;
  if (a.task === 'classification') {
    const base = { task: a.task, input: a.input, n: a.n, k: a.k, reduction: a.reduction, lossFunction: lossFunctionOf(a), loss: a.loss };
    if (summaryOnly) return { ...base, accuracy: accuracy(a.predicted, a.actual) };
    const derived = !a.probabilities && forJson && dataset?.task === 'classification' ? derivedRows(dataset, a) : null;
    return {
      ...base,
      losses: Array.from(a.losses),
      probabilities: derived ? derived.probabilities : rowsOf(a.probabilities, a.n, a.k),
      gradient: derived ? derived.logitGradient : rowsOf(a.gradient, a.n, a.k),
      logitGradient: derived ? derived.logitGradient : rowsOf(a.logitGradient, a.n, a.k),
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

/** p and ∂L/∂z (which is the gradient too: the input is logits) of a rowsOnDemand analysis, a row at a time. */
function derivedRows(dataset: ClassificationData, a: ClassificationAnalysis): { probabilities: RowsForJson; logitGradient: RowsForJson } {
  const p = new Float64Array(a.k);
  return {
    probabilities: new RowsForJson(a.n, a.k, (i, out) => derivedProbabilityRow(dataset, i, out)),
    logitGradient: new RowsForJson(a.n, a.k, (i, out) => derivedLogitGradientRow(dataset, a, i, derivedProbabilityRow(dataset, i, p), out)),
  };
}

export function accuracy(predicted: Int32Array, actual: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) hits++;
  return predicted.length ? hits / predicted.length : 0;
}
