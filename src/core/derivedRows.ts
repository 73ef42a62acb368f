/**
 * Rows of p and ∂L/∂z derived from the logits, for an analysis made with `rowsOnDemand` (logits and
 * class-index labels, no named loss), which holds no N × K matrices: the same bits the full analysis
 * holds (softmaxRowInto is the loss loop's softmax; (p − y)·scale is its gradient). The extension's
 * store answers the panel's rows with them, and `analyze --json` writes its matrices from them a row
 * at a time (issue 22: two fresh N × K arrays cost 160 MB and about 0.5 s of page faults for 10⁴ × 10³).
 * For probabilities and class indices the analysis holds p (the file's own values) and derives
 * ∂L/∂p and ∂L/∂z a row at a time.
 */
import { targetRowInto, type ClassTargets } from './dataset';
import { logitGradientRowInto, PROBABILITY_EPSILON, probabilityGradientEntry } from './losses';
import { softmaxRowInto } from './softmax';

/** Row i of p = softmax(z) of the n × k logits `values` into `out` (length k). */
export function derivedProbabilityRow(values: Float64Array, k: number, i: number, out: Float64Array): Float64Array {
  return softmaxRowInto(values, i * k, k, out);
}

/** Row i of ∂L/∂z = (p − y)·scale into `out` (length k), from row i of p and the targets. */
export function derivedLogitGradientRow(
  targets: ClassTargets,
  k: number,
  scale: number,
  i: number,
  p: Float64Array,
  out: Float64Array,
): Float64Array {
  targetRowInto(targets, i, k, out);
  return logitGradientRowInto(p, out, scale, out);
}

/**
 * Row i of ∂L/∂p = −y/p·scale into `out` (length k), as probabilityCrossEntropy writes it: 0 where
 * y is 0, and where p lies outside [ε, 1 − ε] (the loss clips p there, so it does not move with p).
 */
export function derivedProbabilityGradientRow(
  targets: ClassTargets,
  k: number,
  scale: number,
  i: number,
  p: Float64Array,
  out: Float64Array,
  epsilon = PROBABILITY_EPSILON,
): Float64Array {
  targetRowInto(targets, i, k, out);
  for (let j = 0; j < k; j++) out[j] = probabilityGradientEntry(p[j], out[j], scale, epsilon, 1 - epsilon);
  return out;
}

/** The scale of ∂L/∂z: 1/N for the mean, 1 for the sum. */
export function gradientScale(reduction: 'mean' | 'sum', n: number): number {
  return reduction === 'mean' && n > 0 ? 1 / n : 1;
}
