/**
 * Plain-object views of analyses, shaped for JSON output (the CLI's contract): matrices as nested
 * arrays of numbers, in the shape of the file's own tensors.
 */
import type { Analysis } from './analysis';
import { lossFunctionOf } from './loss/describe';

export function toRows(data: Float64Array, rows: number, cols: number): number[][] {
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(data.subarray(i * cols, (i + 1) * cols));
  return out;
}

/**
 * toRows(data, rows, cols) as JSON.stringify sees it (toJSON), held as the typed array itself: the CLI's
 * JSON writer (src/core/jsonChunks.ts) writes it a row at a time, never n × k numbers as JS arrays (issue 22).
 */
export class RowsForJson {
  constructor(
    readonly data: Float64Array,
    readonly rows: number,
    readonly cols: number,
  ) {}

  toJSON(): number[][] {
    return toRows(this.data, this.rows, this.cols);
  }
}

/** With `forJson`, the n × k matrices are RowsForJson (the same JSON); else nested arrays, for the table. */
export function analysisReport(a: Analysis, summaryOnly = false, forJson = false): Record<string, unknown> {
  const rowsOf = forJson ? (d: Float64Array, r: number, c: number): unknown => new RowsForJson(d, r, c) : toRows;
  if (a.task === 'classification') {
    const base = { task: a.task, input: a.input, n: a.n, k: a.k, reduction: a.reduction, lossFunction: lossFunctionOf(a), loss: a.loss };
    if (summaryOnly) return { ...base, accuracy: accuracy(a.predicted, a.actual) };
    return {
      ...base,
      losses: Array.from(a.losses),
      probabilities: rowsOf(a.probabilities, a.n, a.k),
      gradient: rowsOf(a.gradient, a.n, a.k),
      logitGradient: rowsOf(a.logitGradient, a.n, a.k),
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

export function accuracy(predicted: Int32Array, actual: Int32Array): number {
  let hits = 0;
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) hits++;
  return predicted.length ? hits / predicted.length : 0;
}
