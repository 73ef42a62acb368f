/**
 * What a hover says about one sample, as plain data (the editor formats it as Markdown). Kept in
 * the core so the numbers shown are tested against the analysis directly.
 */
import type { AnalysisSummary, DatasetSummary } from './resultSummary';
import { className } from './dataset';
import type { SampleRow } from './tensorQuery';

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

/** What the hover says about sample `row.index`, from the host's summary and the row the data's holder sent. */
export function summarizeSample(dataset: DatasetSummary, analysis: AnalysisSummary, row: SampleRow, maxEntries = 10): SampleSummary | null {
  const index = row.index;
  if (index < 0 || index >= analysis.n) return null;
  if (analysis.task === 'classification' && dataset.task === 'classification' && row.task === 'classification') {
    const { k } = analysis;
    const entries: GradientEntry[] = [];
    let norm = 0;
    for (let j = 0; j < k; j++) {
      const g = row.dLdz[j];
      norm += g * g;
      entries.push({ index: j, name: className(dataset.classes, j), p: row.p[j], y: row.y[j], gradient: g });
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
  if (analysis.task === 'regression' && row.task === 'regression') {
    return {
      task: 'regression',
      index,
      loss: analysis.losses[index],
      predictions: Array.from(row.yHat),
      targets: Array.from(row.y),
      gradient: Array.from(row.gradient),
      scale: analysis.reduction === 'mean' ? 1 / analysis.n : 1,
    };
  }
  return null;
}
