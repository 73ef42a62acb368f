/**
 * Finite-difference checks of the analytic gradients of a dataset's loss, for `gradient-lens check`
 * and the editor's "Compare with Finite Differences".
 */
import { denseTargets, type Dataset, type NetworkData } from './dataset';
import { checkGradient, type GradientCheck, type GradientCheckOptions } from './gradcheck';
import { checkNamedLoss } from './loss/lossCheck';
import { networkFiniteDifferences } from './networkFiniteDifferences';
import {
  meanSquaredError,
  PROBABILITY_EPSILON,
  probabilityCrossEntropy,
  softmaxCrossEntropyGradient,
  softmaxCrossEntropyLabelsGradient,
  type Reduction,
} from './losses';

export interface NamedCheck extends GradientCheck {
  name: string;
}

export function checkDatasetGradients(
  dataset: Dataset,
  reduction: Reduction = 'mean',
  maxCoordinates = 2000,
  /** Each probed entry of the file's input tensor (not for networks: see networkFiniteDifferences). */
  onEntry?: GradientCheckOptions['onEntry'],
): NamedCheck[] {
  if (dataset.task !== 'network' && dataset.loss) return [checkNamedLoss(dataset, dataset.loss, reduction, maxCoordinates, onEntry)];
  if (dataset.task === 'classification') {
    const { n, k, values, labels } = dataset;
    if (dataset.input === 'logits') {
      const scratch = new Float64Array(k);
      const name = '∂L/∂logits (softmax + cross-entropy)';
      if (labels) {
        // Class indices: no dense one-hot rows are built.
        const analytic = softmaxCrossEntropyLabelsGradient(values, labels, n, k, reduction).gradient;
        const rowLoss = (z: Float64Array, i: number) =>
          softmaxCrossEntropyLabelsGradient(z, labels.subarray(i, i + 1), 1, k, 'sum', scratch).loss;
        return [named(name, checkGradient(sampleTerm(n, k, reduction, rowLoss), values, analytic, { maxCoordinates, onEntry }))];
      }
      const targets = denseTargets(dataset, n, k);
      const analytic = softmaxCrossEntropyGradient(values, targets, n, k, reduction).gradient;
      const rowLoss = (z: Float64Array, i: number) =>
        softmaxCrossEntropyGradient(z, targets.subarray(i * k, i * k + k), 1, k, 'sum', scratch).loss;
      return [named(name, checkGradient(sampleTerm(n, k, reduction, rowLoss), values, analytic, { maxCoordinates, onEntry }))];
    }
    const targets = denseTargets(dataset, n, k);
    const analytic = probabilityCrossEntropy(values, targets, n, k, reduction).gradient;
    // The clip [ε, 1 − ε] is a kink: central differences straddling it measure neither side.
    const nearClip = (i: number, h: number) => values[i] < PROBABILITY_EPSILON + h || values[i] > 1 - PROBABILITY_EPSILON - h;
    const rowLoss = (p: Float64Array, i: number) => probabilityCrossEntropy(p, targets.subarray(i * k, i * k + k), 1, k, 'sum').loss;
    const r = checkGradient(sampleTerm(n, k, reduction, rowLoss), values, analytic, { maxCoordinates, skip: nearClip, onEntry });
    return [named('∂L/∂probabilities (cross-entropy)', r)];
  }
  if (dataset.task === 'regression') {
    const { n, d, predictions, targets } = dataset;
    const analytic = meanSquaredError(predictions, targets, n, d, reduction).gradient;
    const rowLoss = (y: Float64Array, i: number) => meanSquaredError(y, targets.subarray(i * d, i * d + d), 1, d, 'sum').loss;
    const r = checkGradient(sampleTerm(n, d, reduction, rowLoss), predictions, analytic, { maxCoordinates, onEntry });
    return [named('∂L/∂predictions (mean squared error)', r)];
  }
  return checkNetworkGradients(dataset, reduction, maxCoordinates);
}

/**
 * The loss of these losses is a scaled sum of per-sample terms, so moving coordinate i changes
 * only sample ⌊i/width⌋'s term: a probe evaluates that sample alone (the loss up to terms that
 * do not depend on x_i, as checkGradient allows), one row instead of the batch. For a
 * 10,000 × 1,000 file that is 2 × 2,000 rows instead of 2 × 2,000 batches (minutes).
 */
function sampleTerm(
  n: number,
  width: number,
  reduction: Reduction,
  rowLoss: (row: Float64Array, sample: number) => number,
): (x: Float64Array, changed: number) => number {
  const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  return (x, changed) => {
    const sample = Math.floor(changed / width);
    return rowLoss(x.subarray(sample * width, sample * width + width), sample) * scale;
  };
}

/** One check per layer for ∂L/∂W and one for ∂L/∂b, each against the full network's loss. */
function checkNetworkGradients(data: NetworkData, reduction: Reduction, maxCoordinates: number): NamedCheck[] {
  return networkFiniteDifferences(data, reduction, undefined, maxCoordinates).map((t) => t.check);
}

function named(name: string, r: GradientCheck): NamedCheck {
  return { name, ...r };
}
