/**
 * cross_entropy with PyTorch's options, nll_loss and kl_div: forward (per-sample losses, torch's
 * reduction="none") beside backward (∂ of the reduced loss w.r.t. the file's tensor). The default
 * case (no weight, no smoothing, nothing ignored) stays with the fused kernels of ../losses.ts.
 */
import type { ClassTargets } from '../dataset';
import type { Reduction } from '../losses';
import { DEFAULT_IGNORE_INDEX, type LossSpec } from './spec';

export interface ClassLossResult {
  loss: number;
  losses: Float64Array;
  /** ∂L/∂(the file's tensor): logits for cross_entropy, log-probabilities for nll and kl_div. */
  gradient: Float64Array;
  /** softmax(z), or exp(log p) for the log-probability losses. */
  probabilities: Float64Array;
}

/** log_softmax of row i into lp, softmax into p (exp of lp, so both agree to the last bit). */
function logSoftmaxRow(z: Float64Array, base: number, k: number, lp: Float64Array, p: Float64Array): void {
  let max = -Infinity;
  for (let j = base; j < base + k; j++) if (z[j] > max) max = z[j];
  let sum = 0;
  for (let j = base; j < base + k; j++) sum += Math.exp(z[j] - max);
  const lse = max + Math.log(sum);
  for (let j = base; j < base + k; j++) {
    lp[j] = z[j] - lse;
    p[j] = Math.exp(lp[j]);
  }
}

/**
 * The denominator of torch's mean for class-index targets: Σ of w[label] over the samples not
 * ignored (their count without weights). 0 when every sample is ignored (torch then gives NaN).
 */
export function labelWeightSum(labels: Int32Array, weight: readonly number[] | undefined, ignoreIndex: number): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) if (labels[i] !== ignoreIndex) total += weight ? weight[labels[i]] : 1;
  return total;
}

/**
 * F.cross_entropy(z, target, weight, ignore_index, label_smoothing=ε). With class indices y:
 * L_i = (1−ε) w_y (−log p_y) + ε/K Σ_k w_k (−log p_k), 0 for an ignored sample; the mean divides
 * by Σ w_y over the samples not ignored. With soft targets t: t' = (1−ε) t + ε/K,
 * L_i = −Σ_k w_k t'_k log p_k, the mean divides by N. Either way L_i = −Σ_k c_k log p_k for some
 * c ≥ 0, so ∂L_i/∂z_j = p_j Σ_k c_k − c_j.
 */
export function crossEntropyWithOptions(
  z: Float64Array,
  { labels, targets }: ClassTargets,
  n: number,
  k: number,
  spec: LossSpec,
  reduction: Reduction,
): ClassLossResult {
  const w = spec.weight;
  const eps = spec.label_smoothing ?? 0;
  const ignore = spec.ignore_index ?? DEFAULT_IGNORE_INDEX;
  const lp = new Float64Array(n * k);
  const p = new Float64Array(n * k);
  const gradient = new Float64Array(n * k);
  const losses = new Float64Array(n);
  const denominator = labels ? labelWeightSum(labels, w, ignore) : n;
  const scale = reduction === 'mean' ? 1 / denominator : 1;
  const c = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    if (labels && labels[i] === ignore) continue; // loss 0, gradient 0, as torch
    logSoftmaxRow(z, base, k, lp, p);
    let cSum = 0;
    for (let j = 0; j < k; j++) {
      const wj = w ? w[j] : 1;
      c[j] = labels
        ? (1 - eps) * (j === labels[i] ? 1 : 0) * (w ? w[labels[i]] : 1) + (eps / k) * wj
        : wj * ((1 - eps) * targets[base + j] + eps / k);
      cSum += c[j];
    }
    let loss = 0;
    for (let j = 0; j < k; j++) {
      if (c[j] !== 0) loss -= c[j] * lp[base + j];
      gradient[base + j] = (p[base + j] * cSum - c[j]) * scale;
    }
    losses[i] = loss;
    total += loss;
  }
  // An ignored sample's probabilities are still shown.
  if (labels) for (let i = 0; i < n; i++) if (labels[i] === ignore) logSoftmaxRow(z, i * k, k, lp, p);
  return { loss: total * scale, losses, gradient, probabilities: p };
}

/** F.nll_loss(lp, y, weight, ignore_index): L_i = −w_y lp_y; ∂L/∂lp = −w_y/Σw at the label, 0 elsewhere. */
export function nllLoss(lp: Float64Array, labels: Int32Array, n: number, k: number, spec: LossSpec, reduction: Reduction): ClassLossResult {
  const w = spec.weight;
  const ignore = spec.ignore_index ?? DEFAULT_IGNORE_INDEX;
  const scale = reduction === 'mean' ? 1 / labelWeightSum(labels, w, ignore) : 1;
  const gradient = new Float64Array(n * k);
  const losses = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (y === ignore) continue;
    const wy = w ? w[y] : 1;
    const loss = 0 - wy * lp[i * k + y];
    losses[i] = loss;
    total += loss;
    gradient[i * k + y] = -wy * scale;
  }
  return { loss: total * scale, losses, gradient, probabilities: expOf(lp) };
}

/**
 * F.kl_div(lp, t, reduction="batchmean"): L_i = Σ_k t_k (log t_k − lp_k), with 0·log 0 = 0
 * (torch's xlogy), the mean over the N samples; ∂L/∂lp = −t/N.
 */
export function klDivLoss(lp: Float64Array, t: Float64Array, n: number, k: number, reduction: Reduction): ClassLossResult {
  const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  const gradient = new Float64Array(n * k);
  const losses = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let loss = 0;
    for (let j = i * k; j < i * k + k; j++) {
      const tj = t[j];
      loss += (tj > 0 ? tj * Math.log(tj) : 0) - tj * lp[j];
      gradient[j] = -tj * scale;
    }
    losses[i] = loss;
    total += loss;
  }
  return { loss: total * scale, losses, gradient, probabilities: expOf(lp) };
}

function expOf(a: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = Math.exp(a[i]);
  return out;
}

/**
 * ∂L/∂z behind lp = log_softmax(z), from g = ∂L/∂lp and p = softmax(z) = exp(lp):
 * ∂L/∂z_j = g_j − p_j Σ_k g_k (the chain rule through log_softmax's Jacobian I − 1pᵀ).
 */
export function logitGradientThroughLogSoftmax(g: Float64Array, p: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = i * k; j < i * k + k; j++) sum += g[j];
    for (let j = i * k; j < i * k + k; j++) out[j] = g[j] - p[j] * sum;
  }
  return out;
}
