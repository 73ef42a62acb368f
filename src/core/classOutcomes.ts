/** Per sample: the predicted class, the true class and p of the true class, for hovers, CodeLens and warnings. */
import type { ClassTargets } from './dataset';

/** argmax p, the true class (argmax y; a sample whose label is `ignore` keeps it, with p_true NaN) and p of the true class. */
export function classOutcomes(
  p: Float64Array,
  { labels, targets: y }: ClassTargets,
  n: number,
  k: number,
  ignore?: number,
): { predicted: Int32Array; actual: Int32Array; pTrue: Float64Array; pPredicted: Float64Array } {
  const predicted = new Int32Array(n);
  const pPredicted = new Float64Array(n);
  const actual = new Int32Array(n);
  const pTrue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let best = 0;
    for (let j = 1; j < k; j++) if (p[base + j] > p[base + best]) best = j;
    predicted[i] = best;
    pPredicted[i] = p[base + best];
    if (labels) {
      actual[i] = labels[i];
      pTrue[i] = labels[i] === ignore ? NaN : p[base + labels[i]];
      continue;
    }
    let bestY = 0;
    let pt = 0;
    for (let j = 0; j < k; j++) {
      if (y[base + j] > y[base + bestY]) bestY = j;
      pt += y[base + j] * p[base + j];
    }
    actual[i] = bestY;
    pTrue[i] = pt;
  }
  return { predicted, actual, pTrue, pPredicted };
}
