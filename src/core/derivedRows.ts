/**
 * Rows of p and ∂L/∂z derived from the logits, for an analysis made with `rowsOnDemand` (logits and
 * class-index labels, no named loss), which holds no N × K matrices: the same bits the full analysis
 * holds (softmaxRowInto is the loss loop's softmax; (p − y)·scale is its gradient). The extension's
 * store answers the panel's rows with them, and `analyze --json` writes its matrices from them a row
 * at a time (issue 22: two fresh N × K arrays cost 160 MB and about 0.5 s of page faults for 10⁴ × 10³).
 */
import type { ClassificationAnalysis } from './analysis';
import { targetRowInto, type ClassificationData } from './dataset';
import { logitGradientRowInto } from './losses';
import { softmaxRowInto } from './softmax';

/** Row i of p = softmax(z) into `out` (length K). */
export function derivedProbabilityRow(dataset: ClassificationData, i: number, out: Float64Array): Float64Array {
  return softmaxRowInto(dataset.values, i * dataset.k, dataset.k, out);
}

/** Row i of ∂L/∂z = (p − y)·scale into `out` (length K), from row i of p. */
export function derivedLogitGradientRow(
  dataset: ClassificationData,
  analysis: ClassificationAnalysis,
  i: number,
  p: Float64Array,
  out: Float64Array,
): Float64Array {
  targetRowInto(dataset, i, dataset.k, out);
  const scale = analysis.reduction === 'mean' && analysis.n > 0 ? 1 / analysis.n : 1;
  return logitGradientRowInto(p, out, scale, out);
}
