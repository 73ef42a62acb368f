/**
 * A binary logits file (.npy / .safetensors of float logits with class-index labels) analysed a
 * block of rows at a time (issue 22): the rows arrive in a reused block (the file's own bytes when
 * they are aligned little-endian float64) and nothing n × k is ever allocated. What the CLI's
 * summary and table print comes out the same bits as the full path's: every per-sample loss and
 * prediction goes through `summarizeClassification`, the losses are summed in file order, and the
 * ‖∂L/∂z‖ rows the table shows come from the loss kernel itself.
 *
 * Anything the full reader would report or decide differently makes `add` return false (the caller
 * then runs the full reader, whose messages are the reference): a non-finite logit, a loss that
 * overflows (logitLossIsFinite in buildDataset.ts), or every row a probability distribution (the .npy
 * reader then takes the array for probabilities, numpyRoles.ts inputRoleByContent).
 */
import { softmaxCrossEntropyLabelsGradient, type Reduction } from './losses';
import { DEFAULT_SUM_TOLERANCE } from './buildDataset';
import { labelledLogits } from './dataset';
import { summarizeClassification } from './lossSummary';

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
  /** logitLossIsFinite's running total of the per-row bounds. */
  private boundTotal = 0;
  private readonly logK: number;

  constructor(
    readonly rows: number,
    readonly k: number,
    readonly labels: Int32Array,
    readonly reduction: Reduction,
    readonly gradientRows = 0,
  ) {
    this.losses = new Float64Array(rows);
    this.predicted = new Int32Array(rows);
    this.logK = Math.log(k);
  }

  /** The next `count` rows, row-major in `block`; false when the full reader would decide otherwise. */
  add(block: Float64Array, count: number): boolean {
    const { k, n: at, labels } = this;
    if (at + count > this.rows) return false;
    for (let i = 0; i < count; i++) {
      const base = i * k;
      const label = labels[at + i];
      if (!(label >= 0 && label < k)) return false;
      let max = -Infinity;
      let s = 0;
      let distribution = this.allDistributions;
      for (let j = base; j < base + k; j++) {
        const v = block[j];
        // v − v is 0 for finite v only: one test for NaN and ±∞.
        if (v - v !== 0) return false;
        if (v > max) max = v;
        if (distribution) {
          if (!(v >= 0 && v <= 1)) distribution = false;
          s += v;
        }
      }
      if (distribution && Math.abs(s - 1) > DEFAULT_SUM_TOLERANCE) distribution = false;
      this.allDistributions = distribution;
      const bound = 0 + (max - block[base + label]) + this.logK;
      this.boundTotal += bound;
      if (!Number.isFinite(bound) || !Number.isFinite(this.boundTotal)) return false;
    }
    const values = block.length === count * k ? block : block.subarray(0, count * k);
    const rowLabels = labels.subarray(at, at + count);
    const s = summarizeClassification(labelledLogits(values, rowLabels, count, k));
    this.losses.set(s.losses, at);
    this.predicted.set(s.predicted, at);
    for (let i = 0; i < count; i++) if (s.predicted[i] === rowLabels[i]) this.hits++;
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

  /** True when every row so far was a probability distribution (the .npy reader would say probabilities). */
  get probabilityLike(): boolean {
    return this.allDistributions && this.n > 0;
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
