/**
 * The target a softmax-family loss really pulls towards: every one of cross_entropy (with weight,
 * label_smoothing, ignore_index), nll and kl_div is L_i = −Σ_k c_ik log p_k (+ a constant), so
 * ∂L_i/∂z = p Σc − c, the chain rule's p − y with y = c. The panel shows c as the sample's target,
 * and scales by 1/Σw_y (the weighted mean) instead of 1/N: its chain-rule and gradient views then
 * hold for these losses unchanged.
 */
import type { ClassificationAnalysis } from '../analysis';
import type { ClassificationData } from '../dataset';
import { labelWeightSum } from './crossEntropy';
import { DEFAULT_IGNORE_INDEX, type LossSpec } from './spec';

export interface EffectiveTargets {
  /** n × k coefficients c of −log p in each sample's loss. */
  targets: Float64Array;
  /** What the batch gradient scales the per-sample p Σc − c by: 1/N, 1/Σw_y, or 1 for a sum. */
  scale: number;
}

/** Null for a loss that is not of the softmax family (the sigmoid losses). */
export function effectiveTargets(data: ClassificationData, a: ClassificationAnalysis, spec: LossSpec): EffectiveTargets | null {
  if (spec.name !== 'cross_entropy' && spec.name !== 'nll' && spec.name !== 'kl_div') return null;
  if (a.input === 'probabilities') return null;
  const { n, k } = data;
  const { labels, targets: y } = data; // kl_div always has rows (lossDataset.ts)
  const w = spec.weight;
  const eps = spec.name === 'cross_entropy' ? (spec.label_smoothing ?? 0) : 0;
  const ignore = spec.ignore_index ?? DEFAULT_IGNORE_INDEX;
  const c = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    if (labels) {
      const label = labels[i];
      if (label === ignore) continue;
      for (let j = 0; j < k; j++) c[i * k + j] = spec.name === 'nll' ? 0 : (eps / k) * (w ? w[j] : 1);
      c[i * k + label] += (1 - eps) * (w ? w[label] : 1);
      continue;
    }
    for (let j = 0; j < k; j++) c[i * k + j] = (w && spec.name === 'cross_entropy' ? w[j] : 1) * ((1 - eps) * y[i * k + j] + eps / k);
  }
  const scale = a.reduction === 'sum' ? 1 : 1 / (labels ? labelWeightSum(labels, w, ignore) : n);
  return { targets: c, scale };
}
