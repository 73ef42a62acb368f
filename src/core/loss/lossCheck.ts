/**
 * Finite differences against the analytic gradient of a named loss (src/core/loss), for
 * `gradient-lens check` and "Compare with Finite Differences". Each probe moves one coordinate and
 * re-evaluates only its sample's loss (the reduced loss is a fixed multiple of Σ_i L_i: 1/N, or
 * 1/Σw_y for class weights, which do not depend on the input).
 */
import type { ClassificationData, ClassTargets, RegressionData } from '../dataset';
import { checkGradient, type GradientCheck, type GradientCheckOptions } from '../gradcheck';
import type { Reduction } from '../losses';
import { analyzeClassificationLoss, analyzeRegressionLoss } from './analyzeLoss';
import { labelWeightSum } from './crossEntropy';
import { DEFAULT_IGNORE_INDEX, type LossSpec } from './spec';

export function checkNamedLoss(
  data: ClassificationData | RegressionData,
  spec: LossSpec,
  reduction: Reduction,
  maxCoordinates: number,
  onEntry?: GradientCheckOptions['onEntry'],
): GradientCheck & { name: string } {
  const red: Reduction = spec.reduction ?? reduction;
  const n = data.n;
  const width = data.task === 'classification' ? data.k : data.d;
  const x = data.task === 'classification' ? data.values : data.predictions;
  const analytic =
    data.task === 'classification'
      ? analyzeClassificationLoss(data, spec, { reduction: red }).gradient
      : analyzeRegressionLoss(data, spec, { reduction: red }).gradient;
  const labels = data.task === 'classification' ? data.labels : null;
  // A row's 'sum' loss is Σ over its outputs for the elementwise losses (torch's sum), so their mean divides by N·width.
  const denominator =
    red === 'sum'
      ? 1
      : labels && (spec.name === 'cross_entropy' || spec.name === 'nll')
        ? labelWeightSum(labels, spec.weight, spec.ignore_index ?? DEFAULT_IGNORE_INDEX)
        : spec.name === 'cross_entropy' || spec.name === 'nll' || spec.name === 'kl_div'
          ? n
          : n * width;
  const rowLoss = (row: Float64Array, i: number): number => {
    const at = i * width;
    const rowSpec = { ...spec, reduction: 'sum' as const };
    if (data.task === 'classification') {
      const target: ClassTargets = data.labels
        ? { labels: data.labels.subarray(i, i + 1), targets: null }
        : { labels: null, targets: data.targets.subarray(at, at + width) };
      const one: ClassificationData = { ...data, n: 1, values: row, ...target, loss: rowSpec };
      return analyzeClassificationLoss(one, rowSpec).loss;
    }
    const one: RegressionData = { ...data, n: 1, predictions: row, targets: data.targets.subarray(at, at + width), loss: rowSpec };
    return analyzeRegressionLoss(one, rowSpec).loss;
  };
  const f = (v: Float64Array, changed: number) => {
    const i = Math.floor(changed / width);
    return rowLoss(v.subarray(i * width, i * width + width), i) / denominator;
  };
  const r = checkGradient(f, x, analytic, { maxCoordinates, skip: kinkAt(data, spec), curvatureScale: curvatureOf(data, spec), onEntry });
  return { name: `∂L/∂${data.task === 'classification' ? data.input : 'predictions'} (${spec.name})`, ...r };
}

/**
 * Where the loss of probabilities curves (gradcheck.ts's curvatureScale): log p on the scale of p,
 * and binary cross-entropy's log(1 − p) on the scale of 1 − p too.
 */
function curvatureOf(data: ClassificationData | RegressionData, spec: LossSpec): ((i: number) => number) | undefined {
  if (data.task !== 'classification' || data.input !== 'probabilities') return undefined;
  const p = data.values;
  return spec.name === 'binary_cross_entropy' ? (i) => Math.min(p[i], 1 - p[i]) : (i) => p[i];
}

/**
 * Where central differences cannot judge: L1's |d| at d = 0 (torch's subgradient there is 0),
 * BCE where p ± h leaves [0, 1] or where torch's floor on p(1 − p) replaces the derivative.
 */
function kinkAt(data: ClassificationData | RegressionData, spec: LossSpec): ((i: number, h: number) => boolean) | undefined {
  if (data.task === 'regression' && (spec.name === 'l1' || (spec.name === 'smooth_l1' && spec.beta === 0))) {
    return (i, h) => Math.abs(data.predictions[i] - data.targets[i]) <= h;
  }
  if (data.task === 'classification' && spec.name === 'binary_cross_entropy') {
    return (i, h) => {
      const p = data.values[i];
      return p - h <= 0 || p + h >= 1 || p * (1 - p) < 1e-9;
    };
  }
  return undefined;
}
