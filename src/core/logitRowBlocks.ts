/**
 * A binary logits file (.npy / .safetensors of float logits with class-index labels, or with
 * one-hot or soft target rows beside them) analysed a block of rows at a time (issue 22): the rows arrive in a reused block (the file's own bytes when
 * they are aligned little-endian float64) and nothing n × k is ever allocated. What the CLI's
 * summary and table print comes out the same bits as the full path's: every per-sample loss and
 * prediction goes through `summarizeClassification`, the losses are summed in file order, and the
 * ‖∂L/∂z‖ rows the table shows come from the loss kernel itself.
 *
 * Anything the full reader would report or decide differently makes `add` return false (the caller
 * then runs the full reader, whose messages are the reference): a non-finite logit, a loss that
 * overflows (logitLossIsFinite in buildDataset.ts), or every row a probability distribution (the .npy
 * reader then takes the array for probabilities, numpyRoles.ts inputRoleByContent).
 *
 * Rows of probabilities (an array named so, or a .npy whose rows are all distributions) go the same
 * way with input 'probabilities': every row must be a distribution, as the full reader checks it.
 */
import { softmaxCrossEntropyGradient, softmaxCrossEntropyLabelsGradient, type Reduction } from './losses';
import { DEFAULT_SUM_TOLERANCE } from './buildDataset';
import type { ClassTargets } from './dataset';
import { derivedLogitGradientRow, gradientScale } from './derivedRows';
import { summarizeClassification } from './lossSummary';
import { isFiniteDistribution, targetRowBound } from './summaryRows';

/**
 * What the rows are: logits; probabilities (an array named so); or, for a .npy, what its content
 * says (numpyRoles.ts: every row a distribution makes it probabilities). The first block decides
 * that here; a later row that would undo the decision makes `add` return false.
 */
export type RowsInput = 'logits' | 'probabilities' | 'by content';

export class LogitRowBlocks {
  /** Per-sample losses and predictions, in file order. */
  readonly losses: Float64Array;
  readonly predicted: Int32Array;
  /** ∂L/∂z of the first `gradientRows` samples (what the table shows), row by row. */
  readonly gradients: Float64Array[] = [];
  /** Rows added so far. */
  n = 0;
  hits = 0;
  /** False once a row is not a distribution (values in [0, 1] summing to 1 ± tolerance). */
  private allDistributions = true;
  /** What the rows are read as, once decided. */
  private as: 'logits' | 'probabilities' | null;
  /** logitLossIsFinite's running total of the per-row bounds. */
  private boundTotal = 0;
  private readonly logK: number;

  /**
   * `labels`: each sample's class index; null when each block comes with its rows of targets
   * (one-hot or soft, `add`'s `targets`) instead.
   */
  constructor(
    readonly rows: number,
    readonly k: number,
    readonly labels: Int32Array | null,
    readonly reduction: Reduction,
    readonly gradientRows = 0,
    input: RowsInput = 'logits',
  ) {
    this.losses = new Float64Array(rows);
    this.predicted = new Int32Array(rows);
    this.logK = Math.log(k);
    this.as = input === 'by content' ? null : input;
  }

  /** What the rows were read as: 'logits' or 'probabilities'. */
  get input(): 'logits' | 'probabilities' {
    return this.as ?? 'logits';
  }

  /**
   * The next `count` rows, row-major in `block` (and their targets' rows in `targets`, when there
   * are no labels); false when the full reader would decide otherwise. Each label in range or each
   * target row a distribution (checkDistributionRows); each probability row a distribution, or each
   * logit finite and the loss's bound finite, alone and added up (logitLossIsFinite: max − z_label
   * + log K, or Σ_y≠0 y·(max − z) + Σy·log K with targets).
   */
  add(block: Float64Array, count: number, targets?: Float64Array): boolean {
    const { k, n: at, labels } = this;
    if (at + count > this.rows || !labels !== !!targets) return false;
    if (this.as === null) this.as = everyRowADistribution(block, count, k) ? 'probabilities' : 'logits';
    for (let i = 0; i < count; i++) {
      const base = i * k;
      const label = labels ? labels[at + i] : 0;
      if (targets ? !isFiniteDistribution(targets, base, k) : !(label >= 0 && label < k)) return false;
      if (this.as === 'probabilities') {
        if (!isFiniteDistribution(block, base, k)) return false;
        continue;
      }
      const max = this.finiteRowMax(block, base);
      if (Number.isNaN(max)) return false;
      const bound = targets ? targetRowBound(block, targets, base, k, max, this.logK) : 0 + (max - block[base + label]) + this.logK;
      this.boundTotal += bound;
      if (!Number.isFinite(bound) || !Number.isFinite(this.boundTotal)) return false;
    }
    const values = block.length === count * k ? block : block.subarray(0, count * k);
    const rowTargets: ClassTargets = targets
      ? { labels: null, targets: targets.subarray(0, count * k) }
      : { labels: labels!.subarray(at, at + count), targets: null };
    const s = summarizeClassification({
      task: 'classification',
      input: this.input,
      n: count,
      k,
      values,
      ...rowTargets,
      classes: null,
      spans: [],
    });
    this.losses.set(s.losses, at);
    this.predicted.set(s.predicted, at);
    for (let i = 0; i < count; i++) if (s.predicted[i] === s.actual[i]) this.hits++;
    this.keepGradients(values, rowTargets, Math.min(count, this.gradientRows - at));
    this.n += count;
    return true;
  }

  /**
   * ∂L/∂z of the first `wanted` rows (the rows the table shows). Of logits: the loss kernel's with
   * 'sum', whose scale is 1 (x · 1 = x exactly), × the whole file's scale after: the full path's
   * bits. Of probabilities: (p − y)·scale, as the full path derives it.
   */
  private keepGradients(values: Float64Array, t: ClassTargets, wanted: number): void {
    if (wanted <= 0) return;
    const { k } = this;
    const scale = this.scale();
    if (this.as === 'probabilities') {
      for (let i = 0; i < wanted; i++)
        this.gradients.push(derivedLogitGradientRow(t, k, scale, i, values.slice(i * k, (i + 1) * k), new Float64Array(k)));
      return;
    }
    const z = values.subarray(0, wanted * k);
    const g = t.labels
      ? softmaxCrossEntropyLabelsGradient(z, t.labels.subarray(0, wanted), wanted, k, 'sum').gradient
      : softmaxCrossEntropyGradient(z, t.targets.subarray(0, wanted * k), wanted, k, 'sum').gradient;
    for (let i = 0; i < wanted; i++) this.gradients.push(g.slice(i * k, (i + 1) * k).map((v) => v * scale));
  }

  /**
   * The largest logit of the row at `base`, NaN when one is not finite; notes whether every row so
   * far is a distribution (probabilityLike).
   */
  private finiteRowMax(block: Float64Array, base: number): number {
    let max = -Infinity;
    let s = 0;
    let distribution = this.allDistributions;
    for (let j = base; j < base + this.k; j++) {
      const v = block[j];
      // v − v is 0 for finite v only: one test for NaN and ±∞.
      if (v - v !== 0) return NaN;
      if (v > max) max = v;
      if (distribution) {
        if (!(v >= 0 && v <= 1)) distribution = false;
        s += v;
      }
    }
    if (distribution && Math.abs(s - 1) > DEFAULT_SUM_TOLERANCE) distribution = false;
    this.allDistributions = distribution;
    return max;
  }

  /** True when rows read as logits were every one a probability distribution (the .npy reader would say probabilities). */
  get probabilityLike(): boolean {
    return this.as === 'logits' && this.allDistributions && this.n > 0;
  }

  private scale(): number {
    return gradientScale(this.reduction, this.rows);
  }

  /** The loss (per-sample losses summed in file order, then scaled) and the accuracy. */
  result(): { loss: number; accuracy: number } {
    let total = 0;
    for (let i = 0; i < this.n; i++) total += this.losses[i];
    return { loss: total * this.scale(), accuracy: this.n ? this.hits / this.n : 0 };
  }
}

/** Whether each of the block's rows is a distribution (numpyRoles.ts distributionRows). */
function everyRowADistribution(block: Float64Array, count: number, k: number): boolean {
  for (let i = 0; i < count; i++) if (!isFiniteDistribution(block, i * k, k)) return false;
  return count > 0;
}
