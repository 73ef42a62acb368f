/**
 * l1_loss, smooth_l1_loss and huber_loss, elementwise over N × D: forward (per-sample loss = mean
 * over the D outputs of torch's reduction="none") beside backward, with torch's choice at each
 * kink: sign(0) = 0 for L1 (−1 for smooth_l1 with β = 0, as torch's backward gives); at |ŷ − y| = β (δ) both branches meet, value and slope. MSE is
 * meanSquaredError in ../losses.ts.
 */
import { meanSquaredError, type LossResult, type Reduction } from '../losses';
import type { LossSpec } from './spec';
import { reduceElementwise } from './elementwiseReduction';

/** One output's term and its derivative w.r.t. ŷ, for d = ŷ − y. */
type Elementwise = (d: number) => [loss: number, slope: number];

/** Torch's mean or sum over all N × D terms (reduceElementwise), with the term's slope as ∂L/∂ŷ. */
function elementwise(yHat: Float64Array, y: Float64Array, n: number, d: number, reduction: Reduction, term: Elementwise): LossResult {
  const gradient = new Float64Array(n * d);
  const r = reduceElementwise(n, d, reduction, (at, _j, scale) => {
    const [loss, slope] = term(yHat[at] - y[at]);
    gradient[at] = slope * scale;
    return loss;
  });
  return { ...r, gradient };
}

/** d², slope 2d: torch's mse_loss term, for its reduction="sum" (the mean is meanSquaredError's). */
const squareTerm: Elementwise = (d) => [d * d, 2 * d];

/** |d|, slope sign(d) with sign(0) = 0 (torch's subgradient). */
export const l1Term: Elementwise = (d) => [Math.abs(d), d > 0 ? 1 : d < 0 ? -1 : 0];

/**
 * 0.5 d²/β for |d| < β, |d| − 0.5β otherwise. β = 0 is |d|, with torch's backward at d = 0:
 * its first test, d ≤ −β, holds there, so the slope is −1 (L1's own is 0).
 */
export function smoothL1Term(beta: number): Elementwise {
  if (beta === 0) return (d) => [Math.abs(d), d > 0 ? 1 : -1];
  return (d) => {
    const a = Math.abs(d);
    return a < beta ? [(0.5 * d * d) / beta, d / beta] : [a - 0.5 * beta, d > 0 ? 1 : -1];
  };
}

/** 0.5 d² for |d| < δ (torch: ≤ gives the same value), δ(|d| − 0.5δ) otherwise; slope clipped to ±δ. */
export function huberTerm(delta: number): Elementwise {
  return (d) => {
    const a = Math.abs(d);
    return a < delta ? [0.5 * d * d, d] : [delta * (a - 0.5 * delta), d > 0 ? delta : -delta];
  };
}

export function regressionLoss(
  yHat: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
  spec: LossSpec,
  reduction: Reduction,
): LossResult {
  switch (spec.name) {
    case 'l1':
      return elementwise(yHat, y, n, d, reduction, l1Term);
    case 'smooth_l1':
      return elementwise(yHat, y, n, d, reduction, smoothL1Term(spec.beta ?? 1));
    case 'huber':
      return elementwise(yHat, y, n, d, reduction, huberTerm(spec.delta ?? 1));
    default:
      // A named mse: torch's mean is meanSquaredError's (the default's), its sum is over all N × D terms.
      return reduction === 'sum' ? elementwise(yHat, y, n, d, reduction, squareTerm) : meanSquaredError(yHat, y, n, d, reduction);
  }
}
