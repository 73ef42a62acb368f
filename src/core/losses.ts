/**
 * Losses with their gradients beside them. Each returns per-sample losses and the gradient of the
 * reduced loss (mean over samples by default, or sum) with respect to the tensor the file gives.
 */

import { expRowInto } from './softmax';

export type Reduction = 'mean' | 'sum';

/** Probabilities are clipped to [ε, 1 − ε] before the log, as Keras does, so log(0) never happens. */
export const PROBABILITY_EPSILON = 1e-7;

export interface LossResult {
  loss: number;
  losses: Float64Array;
  /** ∂L/∂input, same shape as the input. */
  gradient: Float64Array;
}

export interface SoftmaxCrossEntropyResult extends LossResult {
  probabilities: Float64Array;
}

/** softmaxCrossEntropy's forward half: what is left when ∂L/∂z is not asked for. */
export interface SoftmaxCrossEntropyForward {
  loss: number;
  losses: Float64Array;
  probabilities: Float64Array;
}

/**
 * Softmax + categorical cross-entropy from logits, fused as in PyTorch's `cross_entropy`:
 * L_i = −Σ_k y_ik log softmax(z_i)_k, and ∂L/∂z_i = (p_i Σ_k y_ik − y_i) / N, which is the
 * familiar (p − y)/N when targets sum to one.
 */
export function softmaxCrossEntropy(
  z: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
  reduction: Reduction = 'mean',
): SoftmaxCrossEntropyResult {
  const gradient = new Float64Array(n * k);
  return { ...softmaxCrossEntropyInto(z, y, n, k, reduction, gradient), gradient };
}

/**
 * softmaxCrossEntropy writing ∂L/∂z into `gradient`, or skipping it when `gradient` is null (the
 * extension's worker does: logitGradientFromProbabilities gives the same bits later, if asked).
 */
export function softmaxCrossEntropyInto(
  z: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
  reduction: Reduction,
  gradient: Float64Array | null,
): SoftmaxCrossEntropyForward {
  const p = new Float64Array(n * k);
  return { ...denseTargetRows(z, y, n, k, reduction, p, gradient), probabilities: p };
}

/**
 * Loss and ∂L/∂z without keeping the probabilities: what torch's `cross_entropy` + `backward()`
 * or TensorFlow's `valueAndGrad` return, for callers that need no p (the network head, the
 * finite-difference check). p is staged in the gradient's own array, so one n × k array is
 * written instead of two; the loss and gradient are softmaxCrossEntropy's bits. `gradient` may be
 * a caller's array to reuse.
 */
export function softmaxCrossEntropyGradient(
  z: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
  reduction: Reduction = 'mean',
  gradient = new Float64Array(n * k),
): LossResult {
  return { ...denseTargetRows(z, y, n, k, reduction, gradient, gradient), gradient };
}

/**
 * softmaxCrossEntropy for one-hot targets given as class indices (each in 0…k−1): the same bits
 * as softmaxCrossEntropy(z, oneHot(labels), n, k), without reading, or needing, the dense n × k
 * targets: with Σy = 1 the gradient is p·scale except (p − 1)·scale at the label, and the loss
 * is 0 − (z_label − log Σ e^z).
 */
export function softmaxCrossEntropyLabels(
  z: Float64Array,
  labels: Int32Array,
  n: number,
  k: number,
  reduction: Reduction = 'mean',
): SoftmaxCrossEntropyResult {
  const gradient = new Float64Array(n * k);
  return { ...softmaxCrossEntropyLabelsInto(z, labels, n, k, reduction, gradient), gradient };
}

/** softmaxCrossEntropyLabels writing ∂L/∂z into `gradient`, or skipping it when null. */
export function softmaxCrossEntropyLabelsInto(
  z: Float64Array,
  labels: Int32Array,
  n: number,
  k: number,
  reduction: Reduction,
  gradient: Float64Array | null,
): SoftmaxCrossEntropyForward {
  const p = new Float64Array(n * k);
  return { ...labelRows(z, labels, n, k, reduction, p, gradient), probabilities: p };
}

/** softmaxCrossEntropyGradient for class indices: the same bits as softmaxCrossEntropyLabels' loss and gradient. */
export function softmaxCrossEntropyLabelsGradient(
  z: Float64Array,
  labels: Int32Array,
  n: number,
  k: number,
  reduction: Reduction = 'mean',
  gradient = new Float64Array(n * k),
): LossResult {
  return { ...labelRows(z, labels, n, k, reduction, gradient, gradient), gradient };
}

// The two row loops behind the functions above, one per kind of target. Three passes over each
// row, the row staying in cache between them: 1. max and min z (and Σy); 2. e = exp(z − max)
// into p, and Σe (expRowInto); 3. the loss, p = e/Σe and ∂L/∂z. The arithmetic and its order
// are the textbook ones, so every form gives the same bits. `p` and `gradient` may be one array
// (the …Gradient forms): each p_j is read before ∂L/∂z_j overwrites it. The row scan is written
// out in each loop rather than shared: a helper returning max and min measured 2–9 % slower.

function denseTargetRows(
  z: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
  reduction: Reduction,
  p: Float64Array,
  gradient: Float64Array | null,
): { loss: number; losses: Float64Array } {
  const losses = new Float64Array(n);
  const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    const end = base + k;
    let max = -Infinity;
    let min = Infinity;
    let ySum = 0;
    for (let j = base; j < end; j++) {
      const v = z[j];
      if (v > max) max = v;
      if (v < min) min = v;
      const yj = y[j];
      if (yj !== 0) ySum += yj;
    }
    const sum = expRowInto(z, base, end, min, max, p, base);
    const logSum = Math.log(sum) + max;
    const inv = 1 / sum;
    let loss = 0;
    if (gradient === p) {
      // p is the gradient's array: e/Σe goes straight into ∂L/∂z, one store an element.
      for (let j = base; j < end; j++) {
        const yj = y[j];
        if (yj !== 0) loss -= yj * (z[j] - logSum);
        p[j] = (p[j] * inv * ySum - yj) * scale;
      }
    } else {
      for (let j = base; j < end; j++) {
        const yj = y[j];
        if (yj !== 0) loss -= yj * (z[j] - logSum);
        p[j] *= inv;
      }
      if (gradient) for (let j = base; j < end; j++) gradient[j] = (p[j] * ySum - y[j]) * scale;
    }
    losses[i] = loss;
    total += loss;
  }
  return { loss: total * scale, losses };
}

function labelRows(
  z: Float64Array,
  labels: Int32Array,
  n: number,
  k: number,
  reduction: Reduction,
  p: Float64Array,
  gradient: Float64Array | null,
): { loss: number; losses: Float64Array } {
  const losses = new Float64Array(n);
  const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  labelRowRange(z, labels, k, scale, 0, n, p, gradient, losses);
  let total = 0;
  for (let i = 0; i < n; i++) total += losses[i];
  return { loss: total * scale, losses };
}

/**
 * The one row loop of softmax cross-entropy with class indices, over rows [from, to) with the
 * whole batch's scale: p into `p`, ∂L/∂z into `gradient` (straight into p's array when they are
 * the same), each row's loss into `losses`. labelRows runs it over a batch, the thread pool
 * (src/node/lossPool.ts) over a part, with the same bits either way.
 */
export function labelRowRange(
  z: Float64Array,
  labels: Int32Array,
  k: number,
  scale: number,
  from: number,
  to: number,
  p: Float64Array,
  gradient: Float64Array | null,
  losses: Float64Array,
): void {
  for (let i = from; i < to; i++) {
    const base = i * k;
    const end = base + k;
    let max = -Infinity;
    let min = Infinity;
    for (let j = base; j < end; j++) {
      const v = z[j];
      if (v > max) max = v;
      if (v < min) min = v;
    }
    const sum = expRowInto(z, base, end, min, max, p, base);
    const logSum = Math.log(sum) + max;
    const inv = 1 / sum;
    const t = base + labels[i];
    const pt = p[t] * inv;
    if (gradient === p) {
      for (let j = base; j < end; j++) p[j] = p[j] * inv * scale; // straight into ∂L/∂z
    } else if (gradient) {
      for (let j = base; j < end; j++) {
        const pj = p[j] * inv;
        p[j] = pj;
        gradient[j] = pj * scale;
      }
    } else {
      for (let j = base; j < end; j++) p[j] *= inv;
    }
    if (gradient) gradient[t] = (pt - 1) * scale;
    losses[i] = 0 - (z[t] - logSum); // 0 − x, not −x: +0 when p = 1, as the dense form gives
  }
}

/**
 * Cross-entropy on given probabilities: L_i = −Σ_k y_ik log clip(p_ik), and
 * ∂L/∂p = −y / (clip(p) · N) where p is inside the clip range, 0 where the clip holds it
 * (clip's own derivative), matching autograd through `clamp`.
 */
export function probabilityCrossEntropy(
  p: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
  reduction: Reduction = 'mean',
  epsilon = PROBABILITY_EPSILON,
): LossResult {
  const gradient = new Float64Array(n * k);
  const losses = new Float64Array(n);
  const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  const lo = epsilon;
  const hi = 1 - epsilon;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let loss = 0;
    for (let j = 0; j < k; j++) {
      const yj = y[base + j];
      if (yj === 0) continue;
      const pj = p[base + j];
      const clipped = pj < lo ? lo : pj > hi ? hi : pj;
      loss -= yj * Math.log(clipped);
      gradient[base + j] = probabilityGradientEntry(pj, yj, scale, lo, hi);
    }
    losses[i] = loss;
    total += loss;
  }
  return { loss: total * scale, losses, gradient };
}

/**
 * One entry of ∂L/∂p of cross-entropy on probabilities clipped to [lo, hi]: −y/p·scale, and 0
 * where y is 0 or the clip holds p (the loss does not move with p there). The batch above and the
 * rows derived on demand (derivedRows.ts) both write it, the same bits.
 */
export function probabilityGradientEntry(pj: number, yj: number, scale: number, lo: number, hi: number): number {
  if (yj === 0) return 0;
  return pj < lo || pj > hi ? 0 : (-yj / pj) * scale;
}

/**
 * Mean squared error, ŷ and y of n × d: L_i = mean_d (ŷ − y)², L = mean_i L_i, and
 * ∂L/∂ŷ = 2(ŷ − y) / (N·D) (for sum reduction over samples: 2(ŷ − y)/D).
 */
export function meanSquaredError(yHat: Float64Array, y: Float64Array, n: number, d: number, reduction: Reduction = 'mean'): LossResult {
  const gradient = new Float64Array(n * d);
  const losses = new Float64Array(n);
  const sampleScale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  const gradScale = (2 / d) * sampleScale;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < d; j++) {
      const diff = yHat[i * d + j] - y[i * d + j];
      sum += diff * diff;
      gradient[i * d + j] = diff * gradScale;
    }
    losses[i] = sum / d;
    total += losses[i];
  }
  return { loss: total * sampleScale, losses, gradient };
}

/**
 * One row of ∂L/∂z = (p·Σy − y)·scale, which is (p − y)/N for a target summing to one: the one
 * function behind every ∂L/∂z the hover, the views and the CLI show from p and a target row.
 * `out` may be `y` itself.
 */
export function logitGradientRowInto(p: ArrayLike<number>, y: ArrayLike<number>, scale: number, out: Float64Array): Float64Array {
  const k = out.length;
  let ySum = 0;
  for (let j = 0; j < k; j++) ySum += y[j];
  for (let j = 0; j < k; j++) out[j] = (p[j] * ySum - y[j]) * scale;
  return out;
}

/** p − y scaled like the loss: the gradient with respect to the logits behind given probabilities. */
export function logitGradientFromProbabilities(
  p: Float64Array,
  y: Float64Array,
  n: number,
  k: number,
  reduction: Reduction = 'mean',
): Float64Array {
  const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++)
    logitGradientRowInto(p.subarray(i * k, (i + 1) * k), y.subarray(i * k, (i + 1) * k), scale, out.subarray(i * k, (i + 1) * k));
  return out;
}
