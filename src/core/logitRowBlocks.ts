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
import { labelledLogits, type ClassificationData } from './dataset';
import { derivedLogitGradientRow } from './derivedRows';
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
   * are no labels); false when the full reader would decide otherwise.
   */
  add(block: Float64Array, count: number, targets?: Float64Array): boolean {
    const { k, n: at, labels } = this;
    if (at + count > this.rows || !labels !== !!targets) return false;
    if (this.as === null) this.as = everyRowADistribution(block, count, k) ? 'probabilities' : 'logits';
    if (targets) return this.addWithTargets(block, count, targets);
    if (this.as === 'probabilities') return this.addProbabilities(block, count, labels!);
    for (let i = 0; i < count; i++) {
      const base = i * k;
      const label = labels![at + i];
      if (!(label >= 0 && label < k)) return false;
      const max = this.finiteRowMax(block, base);
      if (Number.isNaN(max)) return false;
      const bound = 0 + (max - block[base + label]) + this.logK;
      this.boundTotal += bound;
      if (!Number.isFinite(bound) || !Number.isFinite(this.boundTotal)) return false;
    }
    const values = block.length === count * k ? block : block.subarray(0, count * k);
    const rowLabels = labels!.subarray(at, at + count);
    this.summarize(labelledLogits(values, rowLabels, count, k));
    const wanted = Math.min(count, this.gradientRows - at);
    if (wanted > 0) {
      // With 'sum' the kernel's scale is 1 (x · 1 = x exactly); × the whole file's scale after is
      // the full path's p·scale and (p − 1)·scale, bit for bit.
      const g = softmaxCrossEntropyLabelsGradient(values.subarray(0, wanted * k), rowLabels.subarray(0, wanted), wanted, k, 'sum').gradient;
      const scale = this.scale();
      for (let i = 0; i < wanted; i++) this.gradients.push(g.slice(i * k, (i + 1) * k).map((v) => v * scale));
    }
    this.n += count;
    return true;
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

  /**
   * Rows of probabilities: each a distribution (else the full reader reports it, or, for a .npy,
   * takes the array for logits), each label in range; ∂L/∂z = (p − y)·scale of the rows the table shows.
   */
  private addProbabilities(block: Float64Array, count: number, labels: Int32Array): boolean {
    const { k, n: at } = this;
    for (let i = 0; i < count; i++) {
      const label = labels[at + i];
      if (!(label >= 0 && label < k) || !isFiniteDistribution(block, i * k, k)) return false;
    }
    const values = block.length === count * k ? block : block.subarray(0, count * k);
    const rowLabels = labels.subarray(at, at + count);
    this.summarize(labelledLogits(values, rowLabels, count, k));
    const targets = { labels: rowLabels, targets: null };
    for (let i = 0; i < Math.min(count, this.gradientRows - at); i++)
      this.gradients.push(derivedLogitGradientRow(targets, k, this.scale(), i, values.slice(i * k, (i + 1) * k), new Float64Array(k)));
    this.n += count;
    return true;
  }

  /**
   * Rows with their one-hot or soft targets: each target row a distribution, as the full reader
   * checks it (checkDistributionRows), each logit finite and the loss's bound finite
   * (logitLossIsFinite: Σ_y≠0 y·(max − z) + Σy·log K); or each probability row a distribution.
   * ∂L/∂z of the rows the table shows: the kernel's with 'sum' × the file's scale, or (p − y)·scale.
   */
  private addWithTargets(block: Float64Array, count: number, targets: Float64Array): boolean {
    const { k } = this;
    for (let i = 0; i < count; i++) {
      const base = i * k;
      if (!isFiniteDistribution(targets, base, k)) return false;
      if (this.as === 'probabilities') {
        if (!isFiniteDistribution(block, base, k)) return false;
        continue;
      }
      const max = this.finiteRowMax(block, base);
      if (Number.isNaN(max)) return false;
      const bound = targetRowBound(block, targets, base, k, max, this.logK);
      this.boundTotal += bound;
      if (!Number.isFinite(bound) || !Number.isFinite(this.boundTotal)) return false;
    }
    const values = block.subarray(0, count * k);
    const rowTargets = targets.subarray(0, count * k);
    this.summarize({
      task: 'classification',
      input: this.input,
      n: count,
      k,
      values,
      labels: null,
      targets: rowTargets,
      classes: null,
      spans: [],
    });
    const wanted = Math.min(count, this.gradientRows - this.n);
    const scale = this.scale();
    if (wanted > 0 && this.as === 'logits') {
      const g = softmaxCrossEntropyGradient(values.subarray(0, wanted * k), rowTargets.subarray(0, wanted * k), wanted, k, 'sum').gradient;
      for (let i = 0; i < wanted; i++) this.gradients.push(g.slice(i * k, (i + 1) * k).map((v) => v * scale));
    } else
      for (let i = 0; i < wanted; i++)
        this.gradients.push(
          derivedLogitGradientRow(
            { labels: null, targets: rowTargets },
            k,
            scale,
            i,
            values.slice(i * k, (i + 1) * k),
            new Float64Array(k),
          ),
        );
    this.n += count;
    return true;
  }

  /** Each row's loss and prediction, as summarizeClassification gives them for the whole file. */
  private summarize(rows: ClassificationData): void {
    const s = summarizeClassification({ ...rows, input: this.input });
    this.losses.set(s.losses, this.n);
    this.predicted.set(s.predicted, this.n);
    for (let i = 0; i < rows.n; i++) if (s.predicted[i] === s.actual[i]) this.hits++;
  }

  /** True when rows read as logits were every one a probability distribution (the .npy reader would say probabilities). */
  get probabilityLike(): boolean {
    return this.as === 'logits' && this.allDistributions && this.n > 0;
  }

  private scale(): number {
    return this.reduction === 'mean' && this.rows > 0 ? 1 / this.rows : 1;
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
