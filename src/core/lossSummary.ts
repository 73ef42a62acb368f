/**
 * The loss and accuracy of a classification file without the n × k outputs (probabilities,
 * gradient) the full analysis keeps: what `gradient-lens analyze --summary` prints. One pass per
 * row with the row in cache, O(n) memory beyond the input. Every number is the same bits as
 * `analyzeClassification` gives (same operations in the same order; test/unit/core/loss-summary.test.ts).
 */
import type { ClassificationData } from './dataset';
import { expRowInto } from './softmax';
import { classOutcomes } from './classOutcomes';
import { PROBABILITY_EPSILON, type Reduction } from './losses';

export interface ClassificationSummary {
  loss: number;
  losses: Float64Array;
  predicted: Int32Array;
  actual: Int32Array;
  /** p of the true class (Σ_k y_k p_k for soft targets) and of the predicted class, as classOutcomes gives them. */
  pTrue: Float64Array;
  pPredicted: Float64Array;
  accuracy: number;
}

export function summarizeClassification(
  data: ClassificationData,
  options: { reduction?: Reduction; epsilon?: number } = {},
): ClassificationSummary {
  const { n, k, values, targets, labels } = data;
  const scale = (options.reduction ?? 'mean') === 'mean' && n > 0 ? 1 / n : 1;
  const losses = new Float64Array(n);
  const predicted = new Int32Array(n);
  const actual = new Int32Array(n);
  const pTrue = new Float64Array(n);
  const pPredicted = new Float64Array(n);
  const lo = options.epsilon ?? PROBABILITY_EPSILON;
  const hi = 1 - lo;
  const row = new Float64Array(k); // one row's e^(z − max), reused
  let total = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    const end = base + k;
    let loss = 0;
    let best = 0;
    let pt = 0;
    if (data.input === 'logits') {
      let max = -Infinity;
      let min = Infinity;
      for (let j = base; j < end; j++) {
        const v = values[j];
        if (v > max) max = v;
        if (v < min) min = v;
      }
      const sum = expRowInto(values, base, end, min, max, row, 0);
      const logSum = Math.log(sum) + max;
      // argmax of p = e/Σe as the analysis rounds it (exp can round distinct logits to equal p).
      const inv = 1 / sum;
      let bestP = -Infinity;
      for (let j = 0; j < k; j++) {
        const p = row[j] * inv;
        if (p > bestP) {
          bestP = p;
          best = j;
        }
      }
      pPredicted[i] = bestP;
      if (labels) {
        loss = 0 - (values[base + labels[i]] - logSum);
        pt = row[labels[i]] * inv;
      } else {
        for (let j = base; j < end; j++) if (targets[j] !== 0) loss -= targets[j] * (values[j] - logSum);
        for (let j = 0; j < k; j++) pt += targets[base + j] * (row[j] * inv);
      }
    } else {
      let bestP = values[base];
      for (let j = base + 1; j < end; j++) {
        if (values[j] > bestP) {
          bestP = values[j];
          best = j - base;
        }
      }
      pPredicted[i] = bestP;
      const clipped = (p: number) => (p < lo ? lo : p > hi ? hi : p);
      if (labels) {
        loss = 0 - Math.log(clipped(values[base + labels[i]]));
        pt = values[base + labels[i]];
      } else
        for (let j = base; j < end; j++) {
          const y = targets[j];
          if (y !== 0) loss -= y * Math.log(clipped(values[j]));
          pt += y * values[j];
        }
    }
    pTrue[i] = pt;
    let label: number;
    if (labels) label = labels[i];
    else {
      label = 0;
      for (let j = 1; j < k; j++) if (targets[base + j] > targets[base + label]) label = j;
    }
    losses[i] = loss;
    total += loss;
    predicted[i] = best;
    actual[i] = label;
    if (best === label) hits++;
  }
  return { loss: total * scale, losses, predicted, actual, pTrue, pPredicted, accuracy: n ? hits / n : 0 };
}

/** summarizeNll's p, reused from block to block (a fresh 2 MB array a block costs its page faults). */
let expScratch = new Float64Array(0);

/**
 * nll of log_softmax outputs with class indices, none ignored and no weights (the loss a file of
 * "log_probabilities" and labels gets: lossDataset.ts): L_i = −lp_y, as nllLoss adds and scales
 * them; the outcomes are classOutcomes' own, of p = exp(lp) as nllLoss gives it.
 */
export function summarizeNll(
  lp: Float64Array,
  labels: Int32Array,
  n: number,
  k: number,
  reduction: Reduction = 'mean',
): ClassificationSummary {
  const losses = new Float64Array(n);
  if (expScratch.length < n * k) expScratch = new Float64Array(n * k);
  const p = expScratch.subarray(0, n * k);
  for (let j = 0; j < n * k; j++) p[j] = Math.exp(lp[j]);
  const outcomes = classOutcomes(p, { labels: labels.subarray(0, n), targets: null }, n, k);
  let total = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const loss = 0 - 1 * lp[i * k + labels[i]];
    losses[i] = loss;
    total += loss;
    if (outcomes.predicted[i] === labels[i]) hits++;
  }
  const scale = reduction === 'mean' ? 1 / n : 1;
  return { loss: total * scale, losses, ...outcomes, accuracy: n ? hits / n : 0 };
}
