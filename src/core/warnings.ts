/**
 * Warnings about the data, not the file: samples a model gets confidently wrong (cross-entropy
 * punishes them most) and samples whose loss is far outside the batch's.
 */
import type { ClassificationAnalysis, Analysis } from './analysis';
import { className, type Dataset } from './dataset';
import { sampleSpan } from './dataset';
import { problem, type Problem } from './problems';

export interface WarningOptions {
  /** Warn when the predicted class is wrong and p_true is below this. 0 turns it off. */
  confidentlyWrongBelow?: number;
  /**
   * …and only when the prediction is confident: its p at least confidenceThreshold(K, this).
   * A top-p of 6 % among 1,000 classes or 54 % among 3 is a guess, not a confident error.
   */
  confidentAbove?: number;
  /** Warn on losses above Q3 + k·IQR (Tukey's far-out fence). 0 turns it off. */
  outlierIqrMultiplier?: number;
  /** Stop listing after this many of each kind. */
  maxPerKind?: number;
}

export const DEFAULT_WARNING_OPTIONS: Required<WarningOptions> = {
  confidentlyWrongBelow: 0.1,
  confidentAbove: 0.5,
  outlierIqrMultiplier: 3,
  maxPerKind: 100,
};

/**
 * The p a predicted class needs to count as confident among K classes: max(base, 2/K), at most 0.9.
 * 2/K is twice chance, which matters for few classes (K = 2: 0.9, K = 3: 0.667); from K = 4 on it is
 * the base (0.5 by default: the prediction holds most of the mass).
 */
export function confidenceThreshold(k: number, base = DEFAULT_WARNING_OPTIONS.confidentAbove): number {
  return Math.min(0.9, Math.max(base, 2 / Math.max(1, k)));
}

export function dataWarnings(dataset: Dataset, analysis: Analysis, options: WarningOptions = {}): Problem[] {
  const o = { ...DEFAULT_WARNING_OPTIONS, ...options };
  const out: Problem[] = [];
  // A multi-label (sigmoid) head has no single predicted class to be confidently wrong about.
  const sigmoid = analysis.task === 'classification' && analysis.lossSpec?.name.startsWith('binary_');
  if (analysis.task === 'classification' && dataset.task === 'classification' && o.confidentlyWrongBelow > 0 && !sigmoid) {
    out.push(...confidentlyWrong(dataset, analysis, o.confidentlyWrongBelow, o.confidentAbove, o.maxPerKind));
  }
  if (o.outlierIqrMultiplier > 0) out.push(...lossOutliers(dataset, analysis.losses, o.outlierIqrMultiplier, o.maxPerKind));
  return out;
}

function confidentlyWrong(
  dataset: Dataset & { task: 'classification' },
  a: ClassificationAnalysis,
  below: number,
  base: number,
  max: number,
): Problem[] {
  const out: Problem[] = [];
  const confident = confidenceThreshold(a.k, base);
  for (let i = 0; i < a.n && out.length < max; i++) {
    if (a.predicted[i] === a.actual[i] || !(a.pTrue[i] < below)) continue; // NaN: an ignored sample
    if (!(a.pPredicted[i] >= confident)) continue;
    const span = sampleSpan(dataset, i);
    if (!span) continue;
    const predicted = className(dataset.classes, a.predicted[i]);
    const actual = className(dataset.classes, a.actual[i]);
    const pPred = a.pPredicted[i];
    out.push(
      problem(
        `confidently wrong: sample ${i} is class ${actual} but the model predicts ${predicted} with p = ${pPred.toFixed(3)} (confident: p ≥ ${+confident.toFixed(3)}, i.e. max(${base}, 2/K) for K = ${a.k}, at most 0.9); p_true = ${a.pTrue[i].toPrecision(3)} < ${below}, so its loss −log p_true = ${a.losses[i].toFixed(3)}`,
        span.start,
        span.end,
        'confidently-wrong',
        'warning',
      ),
    );
  }
  return out;
}

/** Tukey's fences on the per-sample losses; needs a handful of samples to mean anything. */
export function lossOutlierFence(losses: Float64Array, multiplier: number): number {
  if (losses.length < 8) return Infinity;
  const sorted = Float64Array.from(losses).sort();
  const q = (f: number) => {
    const pos = (sorted.length - 1) * f;
    const lo = Math.floor(pos);
    return sorted[lo] + (sorted[Math.min(lo + 1, sorted.length - 1)] - sorted[lo]) * (pos - lo);
  };
  const q1 = q(0.25);
  const q3 = q(0.75);
  const iqr = q3 - q1;
  return iqr > 0 ? q3 + multiplier * iqr : Infinity;
}

function lossOutliers(dataset: Dataset, losses: Float64Array, multiplier: number, max: number): Problem[] {
  const fence = lossOutlierFence(losses, multiplier);
  if (!Number.isFinite(fence)) return [];
  const out: Problem[] = [];
  for (let i = 0; i < losses.length && out.length < max; i++) {
    if (losses[i] <= fence) continue;
    const span = sampleSpan(dataset, i);
    if (!span) continue;
    out.push(
      problem(
        `loss outlier: sample ${i} has loss ${losses[i].toFixed(4)}, above the batch's outlier fence ${fence.toFixed(4)} (Q3 + ${multiplier}·IQR)`,
        span.start,
        span.end,
        'loss-outlier',
        'warning',
      ),
    );
  }
  return out;
}
