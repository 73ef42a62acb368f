/**
 * The sigmoid losses of multi-label heads, elementwise over N × K outputs: forward (per-sample
 * loss = mean over the K outputs of torch's reduction="none") beside backward. The reduced loss is
 * the mean over all N·K terms (or Σ_i of the per-sample losses for "sum").
 */
import type { Reduction } from '../losses';
import type { LossSpec } from './spec';
import { reduceElementwise } from './elementwiseReduction';

export interface BinaryLossResult {
  loss: number;
  losses: Float64Array;
  /** ∂L/∂(the file's tensor). */
  gradient: Float64Array;
  /** σ(z) for logits, the probabilities themselves otherwise. */
  probabilities: Float64Array;
  /** ∂L/∂z behind the sigmoid: (σ(z) − t)·w·scale without pos_weight. */
  logitGradient: Float64Array;
}

/** σ(x) without overflow for large |x|. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** pos_weight given as one value or K values, broadcast over the last dimension as torch does. */
function perOutput(values: readonly number[] | undefined, j: number): number {
  if (!values) return 1;
  return values.length === 1 ? values[0] : values[j];
}

/**
 * F.binary_cross_entropy_with_logits(x, t, weight, pos_weight), torch's stable form:
 * ℓ = w[(1 − t)x + (1 + (q − 1)t)(log(1 + e^−|x|) + max(−x, 0))] with q = pos_weight, which is
 * −w[q t log σ(x) + (1 − t) log(1 − σ(x))] without exp overflowing for |x| of 1e3;
 * ∂ℓ/∂x = w[(1 − t) − (1 + (q − 1)t) σ(−x)] (= w(σ(x) − t) when q = 1).
 */
export function bceWithLogits(
  x: Float64Array,
  t: Float64Array,
  n: number,
  k: number,
  spec: LossSpec,
  reduction: Reduction,
): BinaryLossResult {
  const gradient = new Float64Array(n * k);
  const probabilities = new Float64Array(n * k);
  // "sum" is torch's: all N × K terms (reduceElementwise).
  const r = reduceElementwise(n, k, reduction, (at, j, scale) => {
    const xv = x[at];
    const tv = t[at];
    const w = perOutput(spec.weight, j);
    const lw = 1 + (perOutput(spec.pos_weight, j) - 1) * tv;
    gradient[at] = w * (1 - tv - lw * sigmoid(-xv)) * scale;
    probabilities[at] = sigmoid(xv);
    return w * ((1 - tv) * xv + lw * (Math.log1p(Math.exp(-Math.abs(xv))) + Math.max(-xv, 0)));
  });
  return { ...r, gradient, probabilities, logitGradient: gradient };
}

/** torch's bound on log p and log(1 − p) in binary_cross_entropy, so p = 0 or 1 gives 100, not ∞. */
export const BCE_LOG_CLAMP = -100;
/** torch's floor on p(1 − p) in binary_cross_entropy's backward: 1e-12 as a float32, even in float64. */
export const BCE_BACKWARD_EPSILON = Math.fround(1e-12);

/**
 * F.binary_cross_entropy(p, t, weight): ℓ = −w[t max(log p, −100) + (1 − t) max(log(1 − p), −100)].
 * The gradient is torch's own backward formula, w(p − t)/max(p(1 − p), 1e-12 rounded to float32), which is what
 * autograd returns (the clamp of the log is not differentiated).
 */
export function binaryCrossEntropy(
  p: Float64Array,
  t: Float64Array,
  n: number,
  k: number,
  spec: LossSpec,
  reduction: Reduction,
): BinaryLossResult {
  const gradient = new Float64Array(n * k);
  const logitGradient = new Float64Array(n * k);
  const r = reduceElementwise(n, k, reduction, (at, j, scale) => {
    const pv = p[at];
    const tv = t[at];
    const w = perOutput(spec.weight, j);
    const logP = Math.max(Math.log(pv), BCE_LOG_CLAMP);
    const log1mP = Math.max(Math.log1p(-pv), BCE_LOG_CLAMP);
    gradient[at] = ((w * (pv - tv)) / Math.max((1 - pv) * pv, BCE_BACKWARD_EPSILON)) * scale;
    logitGradient[at] = w * (pv - tv) * scale;
    return -w * (tv * logP + (1 - tv) * log1mP);
  });
  return { ...r, gradient, probabilities: p, logitGradient };
}
