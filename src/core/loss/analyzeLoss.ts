/**
 * The analysis of a dataset whose loss is named (src/core/loss/spec.ts), in the same shape as the
 * default one (analysis.ts) so every view, report and export reads it unchanged.
 */
import { classOutcomes } from '../classOutcomes';
import type { AnalysisOptions, ClassificationAnalysis, RegressionAnalysis } from '../analysis';
import { denseTargets, targetsOf, type ClassificationData, type RegressionData } from '../dataset';
import type { Reduction } from '../losses';
import { binaryCrossEntropy, bceWithLogits } from './binary';
import { crossEntropyWithOptions, klDivLoss, logitGradientThroughLogSoftmax, nllLoss, type ClassLossResult } from './crossEntropy';
import { regressionLoss } from './regression';
import { DEFAULT_IGNORE_INDEX, type LossSpec } from './spec';

export function analyzeClassificationLoss(data: ClassificationData, spec: LossSpec, options: AnalysisOptions = {}): ClassificationAnalysis {
  const reduction: Reduction = spec.reduction ?? options.reduction ?? 'mean';
  const { n, k, values } = data;
  let r: ClassLossResult;
  let logitGradient: Float64Array;
  switch (spec.name) {
    case 'nll':
    case 'kl_div':
      // lossDataset.ts gives nll its labels and kl_div its rows.
      r = data.labels ? nllLoss(values, data.labels, n, k, spec, reduction) : klDivLoss(values, data.targets, n, k, reduction);
      // The logits behind log_softmax would get this gradient (the chain rule through it).
      logitGradient = logitGradientThroughLogSoftmax(r.gradient, r.probabilities, n, k);
      break;
    case 'binary_cross_entropy_with_logits':
    case 'binary_cross_entropy': {
      const targets = denseTargets(data, n, k);
      const b =
        spec.name === 'binary_cross_entropy'
          ? binaryCrossEntropy(values, targets, n, k, spec, reduction)
          : bceWithLogits(values, targets, n, k, spec, reduction);
      r = b;
      logitGradient = b.logitGradient;
      break;
    }
    default:
      r = crossEntropyWithOptions(values, data, n, k, spec, reduction);
      logitGradient = r.gradient;
  }
  const { predicted, actual, pTrue, pPredicted } = classOutcomes(r.probabilities, data, n, k, spec.ignore_index ?? DEFAULT_IGNORE_INDEX);
  return {
    task: 'classification',
    input: data.input,
    lossSpec: spec,
    n,
    k,
    reduction,
    loss: r.loss,
    losses: r.losses,
    probabilities: r.probabilities,
    ...targetsOf(data),
    gradient: r.gradient,
    logitGradient,
    predicted,
    actual,
    pTrue,
    pPredicted,
  };
}

export function analyzeRegressionLoss(data: RegressionData, spec: LossSpec, options: AnalysisOptions = {}): RegressionAnalysis {
  const reduction: Reduction = spec.reduction ?? options.reduction ?? 'mean';
  const r = regressionLoss(data.predictions, data.targets, data.n, data.d, spec, reduction);
  return { task: 'regression', n: data.n, d: data.d, shape: data.shape, reduction, lossSpec: spec, ...r };
}
