/**
 * One call from a dataset to everything the views show: losses, gradients, predictions.
 */
import { classOutcomes } from './classOutcomes';
import type { ClassificationData, Dataset, RegressionData } from './dataset';
import { analyzeClassificationLoss, analyzeRegressionLoss } from './loss/analyzeLoss';
import type { LossSpec } from './loss/spec';
import {
  logitGradientFromProbabilities,
  meanSquaredError,
  probabilityCrossEntropy,
  softmaxCrossEntropyInto,
  softmaxCrossEntropyLabelsInto,
  type Reduction,
  PROBABILITY_EPSILON,
} from './losses';

export interface AnalysisOptions {
  reduction?: Reduction;
  /** Clip for cross-entropy on probabilities. */
  epsilon?: number;
  /**
   * Leave ∂L/∂z of a logits file uncomputed (`gradient` and `logitGradient` null): the worker's
   * transfer form leaves it out anyway and the host derives it on first use (transferForm.ts).
   */
  withoutLogitGradient?: boolean;
}

export interface ClassificationAnalysis {
  task: 'classification';
  input: 'logits' | 'probabilities' | 'log_probabilities';
  /** The loss computed, when the file or the user named one other than the default (src/core/loss). */
  lossSpec?: LossSpec;
  n: number;
  k: number;
  reduction: Reduction;
  loss: number;
  losses: Float64Array;
  probabilities: Float64Array;
  targets: Float64Array;
  /** ∂L/∂(the file's own input tensor). */
  gradient: Float64Array;
  /** ∂L/∂z = (p − y)/N. */
  logitGradient: Float64Array;
  /** argmax p per sample. */
  predicted: Int32Array;
  /** argmax y per sample (the label). */
  actual: Int32Array;
  /** p of the true class (Σ_k y_k p_k for soft targets). */
  pTrue: Float64Array;
}

export interface RegressionAnalysis {
  task: 'regression';
  n: number;
  d: number;
  shape: number[];
  reduction: Reduction;
  loss: number;
  losses: Float64Array;
  gradient: Float64Array;
  lossSpec?: LossSpec;
}

export type Analysis = ClassificationAnalysis | RegressionAnalysis;

export function analyzeClassification(data: ClassificationData, options: AnalysisOptions = {}): ClassificationAnalysis {
  if (data.loss) return analyzeClassificationLoss(data, data.loss, options);
  const reduction = options.reduction ?? 'mean';
  const { n, k, values, targets } = data;
  let loss: number;
  let losses: Float64Array;
  let probabilities: Float64Array;
  let gradient: Float64Array;
  let logitGradient: Float64Array;
  const labels = data.labels;
  if (data.input === 'logits') {
    // Class indices need no pass over the dense one-hot targets (the same results, see losses.ts).
    gradient = options.withoutLogitGradient ? (null as unknown as Float64Array) : new Float64Array(n * k);
    const r = labels
      ? softmaxCrossEntropyLabelsInto(values, labels, n, k, reduction, gradient)
      : softmaxCrossEntropyInto(values, targets, n, k, reduction, gradient);
    ({ loss, losses, probabilities } = r);
    logitGradient = gradient;
  } else {
    const r = probabilityCrossEntropy(values, targets, n, k, reduction, options.epsilon ?? PROBABILITY_EPSILON);
    ({ loss, losses, gradient } = r);
    probabilities = values;
    logitGradient = logitGradientFromProbabilities(values, targets, n, k, reduction);
  }
  const { predicted, actual, pTrue } = classOutcomes(probabilities, targets, labels, n, k);
  return {
    task: 'classification',
    input: data.input,
    n,
    k,
    reduction,
    loss,
    losses,
    probabilities,
    targets,
    gradient,
    logitGradient,
    predicted,
    actual,
    pTrue,
  };
}

export function analyzeRegression(data: RegressionData, options: AnalysisOptions = {}): RegressionAnalysis {
  if (data.loss) return analyzeRegressionLoss(data, data.loss, options);
  const reduction = options.reduction ?? 'mean';
  const r = meanSquaredError(data.predictions, data.targets, data.n, data.d, reduction);
  return { task: 'regression', n: data.n, d: data.d, shape: data.shape, reduction, ...r };
}

export function analyze(dataset: Dataset, options: AnalysisOptions = {}): Analysis {
  if (dataset.task === 'classification') return analyzeClassification(dataset, options);
  if (dataset.task === 'regression') return analyzeRegression(dataset, options);
  throw new Error('networks are analysed by analyzeNetwork');
}
