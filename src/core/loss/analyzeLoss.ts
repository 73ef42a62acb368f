/**
 * The analysis of a dataset whose loss is named (src/core/loss/spec.ts), in the same shape as the
 * default one (analysis.ts) so every view, report and export reads it unchanged.
 */
import type { AnalysisOptions, ClassificationAnalysis, RegressionAnalysis } from '../analysis';
import type { ClassificationData, RegressionData } from '../dataset';
import type { Reduction } from '../losses';
import { binaryCrossEntropy, bceWithLogits } from './binary';
import { crossEntropyWithOptions, klDivLoss, logitGradientThroughLogSoftmax, nllLoss, type ClassLossResult } from './crossEntropy';
import { regressionLoss } from './regression';
import { DEFAULT_IGNORE_INDEX, type LossSpec } from './spec';

export function analyzeClassificationLoss(data: ClassificationData, spec: LossSpec, options: AnalysisOptions = {}): ClassificationAnalysis {
  const reduction: Reduction = spec.reduction ?? options.reduction ?? 'mean';
  const { n, k, values, targets, labels } = data;
  let r: ClassLossResult;
  let logitGradient: Float64Array;
  switch (spec.name) {
    case 'nll':
    case 'kl_div':
      r = spec.name === 'nll' ? nllLoss(values, labels!, n, k, spec, reduction) : klDivLoss(values, targets, n, k, reduction);
      // The logits behind log_softmax would get this gradient (the chain rule through it).
      logitGradient = logitGradientThroughLogSoftmax(r.gradient, r.probabilities, n, k);
      break;
    case 'binary_cross_entropy_with_logits':
    case 'binary_cross_entropy': {
      const b = spec.name === 'binary_cross_entropy' ? binaryCrossEntropy(values, targets, n, k, spec, reduction) : bceWithLogits(values, targets, n, k, spec, reduction);
      r = b;
      logitGradient = b.logitGradient;
      break;
    }
    default:
      r = crossEntropyWithOptions(values, labels, targets, n, k, spec, reduction);
      logitGradient = r.gradient;
  }
  const { predicted, actual, pTrue } = predictions(r.probabilities, targets, labels, n, k, spec.ignore_index ?? DEFAULT_IGNORE_INDEX);
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
    targets,
    gradient: r.gradient,
    logitGradient,
    predicted,
    actual,
    pTrue,
  };
}

/** argmax p, the true class (argmax y; an ignored sample keeps its label) and p of the true class. */
function predictions(p: Float64Array, y: Float64Array, labels: Int32Array | null, n: number, k: number, ignore: number): { predicted: Int32Array; actual: Int32Array; pTrue: Float64Array } {
  const predicted = new Int32Array(n);
  const actual = new Int32Array(n);
  const pTrue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let best = 0;
    for (let j = 1; j < k; j++) if (p[base + j] > p[base + best]) best = j;
    predicted[i] = best;
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
  return { predicted, actual, pTrue };
}

export function analyzeRegressionLoss(data: RegressionData, spec: LossSpec, options: AnalysisOptions = {}): RegressionAnalysis {
  const reduction: Reduction = spec.reduction ?? options.reduction ?? 'mean';
  const r = regressionLoss(data.predictions, data.targets, data.n, data.d, spec, reduction);
  return { task: 'regression', n: data.n, d: data.d, shape: data.shape, reduction, lossSpec: spec, ...r };
}
