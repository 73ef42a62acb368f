/**
 * Finite-difference checks of the analytic gradients of a dataset's loss, for `gradient-lens check`
 * and the editor's "Compare with Finite Differences".
 */
import type { Dataset, NetworkData } from './dataset';
import { checkGradient, type GradientCheck } from './gradcheck';
import { analyzeNetwork, networkLoss, reluPattern, withLayerParameters } from './network';
import { meanSquaredError, PROBABILITY_EPSILON, probabilityCrossEntropy, softmaxCrossEntropyGradient, type Reduction } from './losses';

export interface NamedCheck extends GradientCheck {
  name: string;
}

export function checkDatasetGradients(dataset: Dataset, reduction: Reduction = 'mean', maxCoordinates = 2000): NamedCheck[] {
  if (dataset.task === 'classification') {
    const { n, k, values, targets } = dataset;
    if (dataset.input === 'logits') {
      const analytic = softmaxCrossEntropyGradient(values, targets, n, k, reduction).gradient;
      // Each probe needs the loss only: one scratch gradient for all of them, no probabilities.
      const scratch = new Float64Array(n * k);
      const r = checkGradient((z) => softmaxCrossEntropyGradient(z, targets, n, k, reduction, scratch).loss, values, analytic, { maxCoordinates });
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
  return checkNetworkGradients(dataset, reduction, maxCoordinates);
}

/** One check per layer for ∂L/∂W and one for ∂L/∂b, each against the full network's loss. */
function checkNetworkGradients(data: NetworkData, reduction: Reduction, maxCoordinates: number): NamedCheck[] {
  const analysis = analyzeNetwork(data, { reduction });
  const checks: NamedCheck[] = [];
  data.layers.forEach((layer, l) => {
    const title = `layer ${l + 1} (${layer.activation}, ${layer.outputs}×${layer.inputs})`;
    const { gradWeights, gradBias } = analysis.layers[l];
    const lossOfWeights = (w: Float64Array) => networkLoss(withLayerParameters(data, l, w), reduction);
    const lossOfBias = (b: Float64Array) => networkLoss(withLayerParameters(data, l, undefined, b), reduction);
    const reluFromHere = data.layers.slice(l).some((x) => x.activation === 'relu');
    const skipW = reluFromHere ? reluKink(data, layer.weights, (p) => withLayerParameters(data, l, p)) : undefined;
    const skipB = reluFromHere ? reluKink(data, layer.bias, (p) => withLayerParameters(data, l, undefined, p)) : undefined;
    checks.push(named(`∂L/∂W ${title}`, checkGradient(lossOfWeights, layer.weights, gradWeights, { maxCoordinates, skip: skipW })));
    checks.push(named(`∂L/∂b ${title}`, checkGradient(lossOfBias, layer.bias, gradBias, { maxCoordinates, skip: skipB })));
  });
  return checks;
}

/**
 * ReLU is not differentiable at 0: a step that switches a unit on or off makes the central
 * difference measure neither side, so such coordinates are skipped (as at the probability clip).
 */
function reluKink(data: NetworkData, params: Float64Array, rebuild: (p: Float64Array) => NetworkData): (i: number, h: number) => boolean {
  const here = reluPattern(data);
  return (i, h) => {
    const probe = Float64Array.from(params);
    probe[i] = params[i] + h;
    const plus = reluPattern(rebuild(probe));
    probe[i] = params[i] - h;
    const minus = reluPattern(rebuild(probe));
    return plus.some((v, j) => v !== here[j] || minus[j] !== here[j]);
  };
}

function named(name: string, r: GradientCheck): NamedCheck {
  return { name, ...r };
}
