/**
 * One call from a dataset to everything the views show: losses, gradients, predictions.
 */
import { classOutcomes } from './classOutcomes';
import { denseTargets, targetsOf, type ClassificationData, type ClassTargets, type Dataset, type RegressionData } from './dataset';
import { analyzeClassificationLoss, analyzeRegressionLoss } from './loss/analyzeLoss';
import { summarizeClassification } from './lossSummary';
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
   * Leave the N × K arrays of a file of logits or probabilities with class indices and the default
   * loss uncomputed: `gradient` and `logitGradient` null, and `probabilities` too for logits (for
   * probabilities they are the file's values). The worker's TensorStore derives any row when it is
   * asked for, with the same bits (derivedRows.ts). Probabilities only with the default ε, which
   * the derived ∂L/∂p clips with.
   */
  rowsOnDemand?: boolean;
}

/** The analysis keeps the file's targets in the file's own form (class indices or rows). */
export type ClassificationAnalysis = ClassificationResults & ClassTargets;

interface ClassificationResults {
  task: 'classification';
  input: 'logits' | 'probabilities' | 'log_probabilities';
  /** The loss computed, when the file or the user named one other than the default (src/core/loss). */
  lossSpec?: LossSpec;
  n: number;
  k: number;
  reduction: Reduction;
  loss: number;
  losses: Float64Array;
  /** p = softmax(z), or the file's probabilities (null under rowsOnDemand for logits and class indices). */
  probabilities: Float64Array;
  /** ∂L/∂(the file's own input tensor) (null under rowsOnDemand). */
  gradient: Float64Array;
  /** ∂L/∂z = (p − y)/N (null under rowsOnDemand). */
  logitGradient: Float64Array;
  /** argmax p per sample. */
  predicted: Int32Array;
  /** argmax y per sample (the label). */
  actual: Int32Array;
  /** p of the true class (Σ_k y_k p_k for soft targets). */
  pTrue: Float64Array;
  /** p of the predicted class (the confidence behind "confidently wrong"). */
  pPredicted: Float64Array;
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
  const { n, k, values } = data;
  let loss: number;
  let losses: Float64Array;
  let probabilities: Float64Array;
  let gradient: Float64Array;
  let logitGradient: Float64Array;
  if (options.rowsOnDemand && rowsDerivable(data, options.epsilon)) {
    // The summary's one pass a row at a time (the same bits as below); the store derives rows of
    // p, ∂L/∂z and ∂L/∂p later.
    const { loss: l, losses: ls, predicted, actual, pTrue, pPredicted } = summarizeClassification(data, { reduction });
    const none = null as unknown as Float64Array;
    const results = { task: 'classification', input: data.input, n, k, reduction, loss: l, losses: ls } as const;
    return {
      ...results,
      probabilities: data.input === 'probabilities' ? values : none,
      gradient: none,
      logitGradient: none,
      ...targetsOf(data),
      predicted,
      actual,
      pTrue,
      pPredicted,
    };
  }
  if (data.input === 'logits') {
    // Class indices need no pass over dense one-hot rows (the same bits, see losses.ts).
    gradient = options.rowsOnDemand ? (null as unknown as Float64Array) : new Float64Array(n * k);
    const r = data.labels
      ? softmaxCrossEntropyLabelsInto(values, data.labels, n, k, reduction, gradient)
      : softmaxCrossEntropyInto(values, data.targets, n, k, reduction, gradient);
    ({ loss, losses, probabilities } = r);
    logitGradient = gradient;
  } else {
    const rows = denseTargets(data, n, k);
    const r = probabilityCrossEntropy(values, rows, n, k, reduction, options.epsilon ?? PROBABILITY_EPSILON);
    ({ loss, losses, gradient } = r);
    probabilities = values;
    logitGradient = logitGradientFromProbabilities(values, rows, n, k, reduction);
  }
  const { predicted, actual, pTrue, pPredicted } = classOutcomes(probabilities, data, n, k);
  const results = {
    task: 'classification',
    input: data.input,
    n,
    k,
    reduction,
    loss,
    losses,
    probabilities,
    gradient,
    logitGradient,
  } as const;
  return { ...results, ...targetsOf(data), predicted, actual, pTrue, pPredicted };
}

/**
 * Whether rowsOnDemand leaves this dataset's N × K arrays to be derived a row at a time: class
 * indices or one-hot or soft targets (targetRowInto reads either) and the default loss, of logits,
 * or of probabilities clipped with the default ε.
 */
export function rowsDerivable(data: ClassificationData, epsilon?: number): boolean {
  if (data.loss) return false;
  return data.input === 'logits' || (data.input === 'probabilities' && (epsilon ?? PROBABILITY_EPSILON) === PROBABILITY_EPSILON);
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
