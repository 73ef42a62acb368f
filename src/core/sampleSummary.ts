/**
 * What a hover says about one sample, as plain data (the editor formats it as Markdown). Kept in
 * the core so the numbers shown are tested against the analysis directly.
 */
import type { Analysis } from './analysis';
import { className, type Dataset } from './dataset';

export interface GradientEntry {
  index: number;
  name: string;
  p: number;
  y: number;
  /** ∂L/∂z_j of the reduced loss. */
  gradient: number;
}

export interface ClassificationSampleSummary {
  task: 'classification';
  index: number;
  loss: number;
  actual: number;
  actualName: string;
  predicted: number;
  predictedName: string;
  pTrue: number;
  correct: boolean;
  /** The largest |∂L/∂z_j| entries, largest first (all of them when K is small). */
  top: GradientEntry[];
  k: number;
  gradientNorm: number;
  /** 1/N for a mean, 1 for a sum: what (p − y) is scaled by. */
  scale: number;
}

export interface RegressionSampleSummary {
  task: 'regression';
  index: number;
  loss: number;
  predictions: number[];
  targets: number[];
  gradient: number[];
  scale: number;
}

export type SampleSummary = ClassificationSampleSummary | RegressionSampleSummary;

export function summarizeSample(dataset: Dataset, analysis: Analysis, index: number, maxEntries = 10): SampleSummary | null {
  if (index < 0 || index >= analysis.n) return null;
  if (analysis.task === 'classification' && dataset.task === 'classification') {
    const { k } = analysis;
    const base = index * k;
    const entries: GradientEntry[] = [];
    let norm = 0;
    for (let j = 0; j < k; j++) {
      const g = analysis.logitGradient[base + j];
      norm += g * g;
      entries.push({
        index: j,
        name: className(dataset.classes, j),
        p: analysis.probabilities[base + j],
        y: analysis.targets[base + j],
        gradient: g,
      });
    }
    const top = k <= maxEntries ? entries : entries.sort((a, b) => Math.abs(b.gradient) - Math.abs(a.gradient)).slice(0, maxEntries);
    return {
      task: 'classification',
      index,
      loss: analysis.losses[index],
      actual: analysis.actual[index],
      actualName: className(dataset.classes, analysis.actual[index]),
      predicted: analysis.predicted[index],
      predictedName: className(dataset.classes, analysis.predicted[index]),
      pTrue: analysis.pTrue[index],
      correct: analysis.actual[index] === analysis.predicted[index],
      top,
      k,
      gradientNorm: Math.sqrt(norm),
      scale: analysis.reduction === 'mean' ? 1 / analysis.n : 1,
    };
  }
  if (analysis.task === 'regression' && dataset.task === 'regression') {
    const { d } = analysis;
    const slice = (a: Float64Array) => Array.from(a.subarray(index * d, (index + 1) * d));
    return {
      task: 'regression',
      index,
      loss: analysis.losses[index],
      predictions: slice(dataset.predictions),
      targets: slice(dataset.targets),
      gradient: slice(analysis.gradient),
      scale: analysis.reduction === 'mean' ? 1 / analysis.n : 1,
    };
  }
  return null;
}
