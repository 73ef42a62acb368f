/**
 * Finite-difference checks of the analytic gradients of a dataset's loss, for `gradient-lens check`
 * and the editor's "Compare with Finite Differences".
 */
import { denseTargets, type Dataset, type NetworkData } from './dataset';
import { checkGradient, maxAbs, type GradientCheck, type GradientCheckOptions, type LazyGradient } from './gradcheck';
import { checkNamedLoss } from './loss/lossCheck';
import { networkFiniteDifferences } from './networkFiniteDifferences';
import {
  labelRowRange,
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
  // The dataset's own arrays are probed in place: its analysis answers one query at a time, and
  // every answer is a copy, so nothing else reads them meanwhile.
  const probeInPlace = true;
  if (dataset.task !== 'network' && dataset.loss) return [checkNamedLoss(dataset, dataset.loss, reduction, maxCoordinates, onEntry)];
  if (dataset.task === 'classification') {
    const { n, k, values, labels } = dataset;
    if (dataset.input === 'logits') {
      const scratch = new Float64Array(k);
      const name = '∂L/∂logits (softmax + cross-entropy)';
      if (labels) {
        // Class indices: no dense one-hot rows are built, nor the n × k gradient (rows on demand).
        const analytic = labelsGradientByRows(values, labels, n, k, reduction);
        const rowLoss = (z: Float64Array, i: number) =>
          softmaxCrossEntropyLabelsGradient(z, labels.subarray(i, i + 1), 1, k, 'sum', scratch).loss;
        return [
          named(name, checkGradient(sampleTerm(n, k, reduction, rowLoss), values, analytic, { maxCoordinates, onEntry, probeInPlace })),
        ];
      }
      const targets = denseTargets(dataset, n, k);
      const analytic = softmaxCrossEntropyGradient(values, targets, n, k, reduction).gradient;
      const rowLoss = (z: Float64Array, i: number) =>
        softmaxCrossEntropyGradient(z, targets.subarray(i * k, i * k + k), 1, k, 'sum', scratch).loss;
      return [
        named(name, checkGradient(sampleTerm(n, k, reduction, rowLoss), values, analytic, { maxCoordinates, onEntry, probeInPlace })),
      ];
    }
    const targets = denseTargets(dataset, n, k);
    const analytic = probabilityCrossEntropy(values, targets, n, k, reduction).gradient;
    // The clip [ε, 1 − ε] is a kink: central differences straddling it measure neither side.
    const nearClip = (i: number, h: number) => values[i] < PROBABILITY_EPSILON + h || values[i] > 1 - PROBABILITY_EPSILON - h;
    const rowLoss = (p: Float64Array, i: number) => probabilityCrossEntropy(p, targets.subarray(i * k, i * k + k), 1, k, 'sum').loss;
    const r = checkGradient(sampleTerm(n, k, reduction, rowLoss), values, analytic, {
      maxCoordinates,
      // −log p curves on the scale of p: a confidently wrong sample's small p_true needs a smaller step.
      curvatureScale: (i) => values[i],
      skip: nearClip,
      onEntry,
      probeInPlace,
    });
    return [named('∂L/∂probabilities (cross-entropy)', r)];
  }
  if (dataset.task === 'regression') {
    const { n, d, predictions, targets } = dataset;
    const analytic = meanSquaredError(predictions, targets, n, d, reduction).gradient;
    const rowLoss = (y: Float64Array, i: number) => meanSquaredError(y, targets.subarray(i * d, i * d + d), 1, d, 'sum').loss;
    const r = checkGradient(sampleTerm(n, d, reduction, rowLoss), predictions, analytic, { maxCoordinates, onEntry, probeInPlace });
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

/**
 * ∂L/∂z of softmax cross-entropy with class indices, a row at a time: each row comes from the
 * batch's own row loop (labelRowRange, with the batch's scale), so every value is the bits
 * softmaxCrossEntropyLabelsGradient gives, without its n × k array (80 MB for 10⁷ logits).
 */
export function labelsGradientByRows(values: Float64Array, labels: Int32Array, n: number, k: number, reduction: Reduction): LazyGradient {
  const scale = reduction === 'mean' && n > 0 ? 1 / n : 1;
  // The largest |∂L/∂z| over every row, a block of about 2 MB at a time.
  const blockRows = Math.max(1, Math.min(n, Math.floor((1 << 18) / Math.max(k, 1))));
  const block = new Float64Array(blockRows * k);
  const losses = new Float64Array(blockRows);
  const rowsInto = (into: Float64Array, from: number, to: number) =>
    labelRowRange(values.subarray(from * k, to * k), labels.subarray(from, to), k, scale, 0, to - from, into, into, losses);
  let most = 0;
  for (let from = 0; from < n; from += blockRows) {
    const to = Math.min(n, from + blockRows);
    rowsInto(block, from, to);
    most = Math.max(most, maxAbs(block.subarray(0, (to - from) * k)));
  }
  // A probed coordinate's row, computed when first asked for (the probes go row by row).
  const row = new Float64Array(k);
  let rowIndex = -1;
  return {
    maxAbs: most,
    at(index) {
      const r = Math.floor(index / k);
      if (r !== rowIndex) rowsInto(row, r, r + 1);
      rowIndex = r;
      return row[index - r * k];
    },
  };
}

/** One check per layer for ∂L/∂W and one for ∂L/∂b, each against the full network's loss. */
function checkNetworkGradients(data: NetworkData, reduction: Reduction, maxCoordinates: number): NamedCheck[] {
  return networkFiniteDifferences(data, reduction, undefined, maxCoordinates).map((t) => t.check);
}

function named(name: string, r: GradientCheck): NamedCheck {
  return { name, ...r };
}
