/**
 * Finite-difference checks of the analytic gradients of a dataset's loss, for `gradient-lens check`
 * and the editor's "Compare with Finite Differences".
 */
import type { Dataset } from './dataset';
import { checkGradient, type GradientCheck } from './gradcheck';
import { meanSquaredError, PROBABILITY_EPSILON, probabilityCrossEntropy, softmaxCrossEntropy, type Reduction } from './losses';

export interface NamedCheck extends GradientCheck {
  name: string;
}

export function checkDatasetGradients(dataset: Dataset, reduction: Reduction = 'mean', maxCoordinates = 2000): NamedCheck[] {
  if (dataset.task === 'classification') {
    const { n, k, values, targets } = dataset;
    if (dataset.input === 'logits') {
      const analytic = softmaxCrossEntropy(values, targets, n, k, reduction).gradient;
      const r = checkGradient((z) => softmaxCrossEntropy(z, targets, n, k, reduction).loss, values, analytic, { maxCoordinates });
      return [named('∂L/∂logits (softmax + cross-entropy)', r)];
    }
    const analytic = probabilityCrossEntropy(values, targets, n, k, reduction).gradient;
    // The clip [ε, 1 − ε] is a kink: central differences straddling it measure neither side.
    const nearClip = (i: number, h: number) => values[i] < PROBABILITY_EPSILON + h || values[i] > 1 - PROBABILITY_EPSILON - h;
    const r = checkGradient((p) => probabilityCrossEntropy(p, targets, n, k, reduction).loss, values, analytic, { maxCoordinates, skip: nearClip });
    return [named('∂L/∂probabilities (cross-entropy)', r)];
  }
  if (dataset.task === 'regression') {
    const { n, d, predictions, targets } = dataset;
    const analytic = meanSquaredError(predictions, targets, n, d, reduction).gradient;
    const r = checkGradient((y) => meanSquaredError(y, targets, n, d, reduction).loss, predictions, analytic, { maxCoordinates });
    return [named('∂L/∂predictions (mean squared error)', r)];
  }
  return [];
}

function named(name: string, r: GradientCheck): NamedCheck {
  return { name, ...r };
}
