/**
 * The questions a view or a hover asks of an analysis, and their answers: a sample's row, a block
 * of a matrix, a column statistic, a whole table as text. The answering side (`TensorStore`) holds
 * the full analysis — in the worker thread for a large file, in the host for a small one — and
 * only what was asked for crosses a thread or process boundary (issue 14: the worker owns the data).
 */
import type { ClassificationAnalysis, RegressionAnalysis } from './analysis';
import { concatBytes } from './concatBytes';
import { exportAnalysisChunks, exportSampleJacobian, type ExportFormat, type NpyQuantity } from './exportAnalysis';
import { targetRowInto, type ClassificationData, type RegressionData } from './dataset';
import { effectiveTargets } from './loss/effectiveTargets';
import { checkDatasetGradients, type NamedCheck } from './datasetCheck';
import { datasetFiniteDifferences } from './datasetFiniteDifferences';
import { derivedLogitGradientRow, derivedProbabilityGradientRow, derivedProbabilityRow, gradientScale } from './derivedRows';
import type { FiniteDifferenceTensor } from './networkFiniteDifferences';
import type { Reduction } from './losses';
import type { PipelineResult } from './pipeline';
import type { RowTextRunner } from './rowTextBlock';
import { tableText, type TextTable } from './tableText';

/** The N × K matrices of a classification analysis a view can ask blocks of. */
export type MatrixField = 'logitGradient' | 'probabilities' | 'targets' | 'values';
export const MATRIX_FIELDS: readonly MatrixField[] = ['logitGradient', 'probabilities', 'targets', 'values'];

export type TensorQuery =
  /** One sample: p, y, ∂L/∂z, ∂L/∂(input) for classification; ŷ, y, ∂L/∂ŷ for regression. */
  | { kind: 'row'; index: number }
  /** Rows [r0, r1) of a matrix, restricted to `cols` (all columns when null), row-major. */
  | { kind: 'block'; field: MatrixField; r0: number; r1: number; cols: number[] | null }
  /** max over the batch of |value| per column (K numbers): what the focus strip and columns need. */
  | { kind: 'columnMaxAbs'; field: MatrixField }
  /** The first rows of a matrix, up to `maxCells` cells, as CSV or JSON text for Copy / Export. */
  | { kind: 'table'; field: MatrixField; format: 'csv' | 'json'; maxCells: number; name: string; classes: string[] | null }
  /** Finite differences against the analytic gradients (gradientLens.compareFiniteDifferences), with every entry when the file is small. */
  | { kind: 'gradientCheck'; reduction: Reduction }
  /** The whole analysis (or one sample's Jacobian) in an export format, as bytes. */
  | { kind: 'export'; jacobianOf: number | null; format: ExportFormat; npy?: NpyQuantity; fileName: string; classes: string[] | null };

export interface ClassificationRow {
  task: 'classification';
  index: number;
  p: Float64Array;
  /** The file's target (a label as its one-hot row). */
  y: Float64Array;
  /** The target as the loss pulls towards it: `y`, or for a named loss its smoothed / weighted / ignored form. */
  yLoss: Float64Array;
  /** ∂L/∂z of the reduced loss. */
  dLdz: Float64Array;
  /** ∂L/∂(the file's own tensor): ∂L/∂z for logits, ∂L/∂p for probabilities. */
  dLdInput: Float64Array;
}

export interface RegressionRow {
  task: 'regression';
  index: number;
  yHat: Float64Array;
  y: Float64Array;
  gradient: Float64Array;
}

export type SampleRow = ClassificationRow | RegressionRow;

export interface MatrixBlock {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** The check's summaries, and for a small classification or regression file every entry of its input tensor. */
export interface GradientCheckAnswer {
  checks: NamedCheck[];
  perEntry: FiniteDifferenceTensor | null;
}

export type QueryAnswer = SampleRow | MatrixBlock | Float64Array | string | Uint8Array | GradientCheckAnswer;

export class QueryError extends Error {}

/** Cells a single block answer may hold: 2²⁴ doubles = 128 MB, the largest a view asks for. */
export const MAX_BLOCK_CELLS = 1 << 24;

/**
 * Answers queries from one full analysis. ∂L/∂z of a logits file analysed without it (the worker
 * skips the N × K pass nobody may look at) is computed per row, on demand, from p and the target.
 */
export class TensorStore {
  private effective: { targets: Float64Array; scale: number } | null | undefined;
  /** A row of p, for ∂L/∂z rows derived on demand. */
  private pRow: Float64Array | undefined;

  constructor(
    private readonly result: PipelineResult,
    /** Makes rows [r0, r1) of the logits present before they are read (logits filled after the analysis, src/node/valueFill.ts). */
    private readonly ensureRows?: (r0: number, r1: number) => void,
    /** Formats an export's derived rows in blocks (the worker's part threads); without it, here. */
    private readonly rowText?: RowTextRunner,
  ) {}

  answer(query: TensorQuery): QueryAnswer {
    const { dataset, analysis } = this.result;
    if (this.ensureRows && dataset?.task === 'classification') {
      const n = dataset.n;
      if (query.kind === 'row') this.ensureRows(query.index, query.index + 1);
      else if (query.kind === 'block') this.ensureRows(Math.max(0, query.r0), Math.min(n, query.r1));
      else this.ensureRows(0, n);
    }
    if (query.kind === 'gradientCheck') {
      if (!dataset) throw new QueryError('this file has no data to check');
      const perEntry = dataset.task === 'network' ? null : datasetFiniteDifferences(dataset, query.reduction);
      return { checks: perEntry ? [perEntry.check] : checkDatasetGradients(dataset, query.reduction), perEntry };
    }
    if (query.kind === 'export') {
      const pieces = [...this.exportPieces(query)];
      return pieces.length === 1 ? pieces[0] : concatBytes(pieces);
    }
    if (query.kind === 'row') {
      if (dataset?.task === 'classification' && analysis?.task === 'classification') return this.classificationRow(analysis, query.index);
      if (dataset?.task === 'regression' && analysis?.task === 'regression') return regressionRow(dataset, analysis, query.index);
      throw new QueryError('this file has no per-sample rows');
    }
    if (dataset?.task !== 'classification' || analysis?.task !== 'classification') throw new QueryError('this file has no class matrix');
    const { n, k } = analysis;
    if (query.kind === 'columnMaxAbs') {
      const out = new Float64Array(k);
      const row = new Float64Array(k);
      for (let i = 0; i < n; i++) {
        this.rowOf(query.field, i, row);
        for (let j = 0; j < k; j++) {
          const a = Math.abs(row[j]);
          if (a > out[j]) out[j] = a;
        }
      }
      return out;
    }
    if (query.kind === 'block') {
      const r0 = Math.max(0, Math.min(n, query.r0));
      const r1 = Math.max(r0, Math.min(n, query.r1));
      const cols = query.cols;
      if (cols && cols.some((c) => !Number.isInteger(c) || c < 0 || c >= k)) throw new QueryError(`a column is outside 0…${k - 1}`);
      const width = cols ? cols.length : k;
      if ((r1 - r0) * width > MAX_BLOCK_CELLS) throw new QueryError(`a block of ${r1 - r0} × ${width} cells is too large to send`);
      const data = new Float64Array((r1 - r0) * width);
      const row = new Float64Array(k);
      for (let i = r0; i < r1; i++) {
        this.rowOf(query.field, i, row);
        const base = (i - r0) * width;
        if (cols) for (let c = 0; c < width; c++) data[base + c] = row[cols[c]];
        else data.set(row, base);
      }
      return { rows: r1 - r0, cols: width, data };
    }
    const rows = Math.min(n, Math.max(1, Math.floor(query.maxCells / Math.max(1, k))));
    const row = new Float64Array(k);
    const table: TextTable = {
      name: query.name,
      columns: ['sample', ...Array.from({ length: k }, (_, j) => query.classes?.[j] ?? String(j))],
      rowCount: rows,
      row: (i) => (this.rowOf(query.field, i, row), [i, ...row]),
      note: rows < n ? `First ${rows} of ${n} samples.` : undefined,
    };
    return tableText(table, query.format);
  }

  /**
   * An export's bytes in pieces (a file written a piece at a time: a large analysis's JSON or CSV
   * is more text than one string holds); joined, they are `answer(query)`.
   */
  *exportPieces(query: Extract<TensorQuery, { kind: 'export' }>): Generator<Uint8Array, void, undefined> {
    const { dataset } = this.result;
    const ctx = { fileName: query.fileName, compress: true, npy: query.npy, classes: query.classes };
    if (query.jacobianOf !== null) {
      // One sample's p is all a Jacobian needs: that row, not the whole analysis materialised.
      const a = this.result.analysis;
      if (a?.task !== 'classification') throw new QueryError('the softmax Jacobian needs logits or probabilities');
      const i = query.jacobianOf;
      if (!Number.isInteger(i) || i < 0 || i >= a.n) throw new QueryError(`sample must be a whole number from 0 to ${a.n - 1}, not ${i}`);
      this.ensureRows?.(i, i + 1);
      const p = new Float64Array(a.k);
      this.rowOf('probabilities', i, p);
      yield exportSampleJacobian(p, i, query.format, ctx);
      return;
    }
    if (this.ensureRows && dataset?.task === 'classification') this.ensureRows(0, dataset.n);
    // Every format takes its rows one at a time, derived where the analysis holds none.
    const analysis = this.result.analysis;
    if (!analysis) throw new QueryError('this file has no analysis to export');
    yield* exportAnalysisChunks(analysis, query.format, ctx, dataset ?? undefined, this.rowText);
  }

  private classificationRow(analysis: ClassificationAnalysis, i: number): ClassificationRow {
    const { n, k } = analysis;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new QueryError(`sample ${i} is outside 0…${n - 1}`);
    const p = new Float64Array(k);
    this.rowOf('probabilities', i, p);
    const y = new Float64Array(k);
    const dLdz = new Float64Array(k);
    targetRowInto(this.result.dataset as ClassificationData, i, k, y);
    let yLoss = y;
    if (this.effectiveTargets()) this.rowOf('targets', i, (yLoss = new Float64Array(k)));
    this.rowOf('logitGradient', i, dLdz);
    const dLdInput = analysis.gradient ? analysis.gradient.slice(i * k, (i + 1) * k) : this.derivedInputGradient(analysis, i, p, dLdz);
    return { task: 'classification', index: i, p, y, yLoss, dLdz, dLdInput };
  }

  /** ∂L/∂(the file's tensor) of sample i, under rowsOnDemand: ∂L/∂z for logits, ∂L/∂p for probabilities. */
  private derivedInputGradient(analysis: ClassificationAnalysis, i: number, p: Float64Array, dLdz: Float64Array): Float64Array {
    if (analysis.input !== 'probabilities') return dLdz.slice();
    const scale = gradientScale(analysis.reduction, analysis.n);
    return derivedProbabilityGradientRow(this.result.dataset as ClassificationData, analysis.k, scale, i, p, new Float64Array(analysis.k));
  }

  /** Row i of a matrix into `out` (length K). */
  private rowOf(field: MatrixField, i: number, out: Float64Array): void {
    const dataset = this.result.dataset as ClassificationData;
    const analysis = this.result.analysis as ClassificationAnalysis;
    const { k } = analysis;
    const at = i * k;
    switch (field) {
      case 'values':
        out.set(dataset.values.subarray(at, at + k));
        return;
      case 'probabilities':
        if (analysis.probabilities) out.set(analysis.probabilities.subarray(at, at + k));
        else derivedProbabilityRow(dataset.values, k, i, out); // rowsOnDemand: the logits' row, as the analysis rounds it
        return;
      case 'targets': {
        const effective = this.effectiveTargets();
        if (effective) out.set(effective.targets.subarray(at, at + k));
        else targetRowInto(dataset, i, k, out);
        return;
      }
      case 'logitGradient': {
        if (analysis.logitGradient) {
          out.set(analysis.logitGradient.subarray(at, at + k));
          return;
        }
        const p = (this.pRow ??= new Float64Array(k));
        this.rowOf('probabilities', i, p);
        derivedLogitGradientRow(dataset, k, gradientScale(analysis.reduction, analysis.n), i, p, out);
        return;
      }
    }
  }

  /** A named loss's target as it pulls (smoothed, weighted, 0 when ignored), computed once. */
  private effectiveTargets(): { targets: Float64Array; scale: number } | null {
    if (this.effective !== undefined) return this.effective;
    const dataset = this.result.dataset as ClassificationData;
    const analysis = this.result.analysis as ClassificationAnalysis;
    this.effective = analysis.lossSpec ? effectiveTargets(dataset, analysis, analysis.lossSpec) : null;
    return this.effective;
  }

  /** What the batch ∂L/∂z scales p·Σy − y by, when a named loss makes it other than 1/N. */
  gradientScale(): number | undefined {
    const analysis = this.result.analysis;
    if (analysis?.task !== 'classification' || !analysis.lossSpec) return undefined;
    return this.effectiveTargets()?.scale;
  }
}

function regressionRow(dataset: RegressionData, analysis: RegressionAnalysis, i: number): RegressionRow {
  const { n, d } = analysis;
  if (!Number.isInteger(i) || i < 0 || i >= n) throw new QueryError(`sample ${i} is outside 0…${n - 1}`);
  const at = i * d;
  return {
    task: 'regression',
    index: i,
    yHat: dataset.predictions.slice(at, at + d),
    y: dataset.targets.slice(at, at + d),
    gradient: analysis.gradient.slice(at, at + d),
  };
}
