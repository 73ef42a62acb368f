/**
 * What the extension host keeps of an analysis: the scalars and the length-N arrays that hovers,
 * CodeLens, the status bar and diagnostics read, never an N × K array (those stay with the
 * `TensorStore` that answers queries, in the worker for a large file). A network is small and
 * is kept whole.
 */
import type { ClassificationAnalysis, RegressionAnalysis } from './analysis';
import type { ClassificationData, NetworkData, RegressionData } from './dataset';
import type { NetworkResult } from './networkPipeline';
import type { PipelineResult } from './pipeline';
import type { Problem } from './problems';
import type { UserGradientReport } from './userGradientCheck';

export type ClassificationDataSummary = Omit<ClassificationData, 'values' | 'targets'>;
export type RegressionDataSummary = Omit<RegressionData, 'predictions' | 'targets'>;
export type DatasetSummary = ClassificationDataSummary | RegressionDataSummary | NetworkData;

export type ClassificationAnalysisSummary = Omit<ClassificationAnalysis, 'probabilities' | 'targets' | 'gradient' | 'logitGradient'>;
export type RegressionAnalysisSummary = Omit<RegressionAnalysis, 'gradient'>;
export type AnalysisSummary = ClassificationAnalysisSummary | RegressionAnalysisSummary;

export interface ResultSummary {
  dataset: DatasetSummary | null;
  analysis: AnalysisSummary | null;
  network: NetworkResult | null;
  problems: Problem[];
  userCheck?: UserGradientReport | null;
}

export function summarizeResult(result: PipelineResult): ResultSummary {
  return {
    dataset: datasetSummary(result.dataset),
    analysis: analysisSummary(result.analysis),
    network: result.network,
    problems: result.problems,
    userCheck: result.userCheck ?? null,
  };
}

function datasetSummary(d: PipelineResult['dataset']): DatasetSummary | null {
  if (!d || d.task === 'network') return d;
  if (d.task === 'classification') {
    const { values: _values, targets: _targets, ...rest } = d;
    return rest;
  }
  const { predictions: _predictions, targets: _targets, ...rest } = d;
  return rest;
}

function analysisSummary(a: PipelineResult['analysis']): AnalysisSummary | null {
  if (!a) return null;
  if (a.task === 'classification') {
    const { probabilities: _p, targets: _t, gradient: _g, logitGradient: _lg, ...rest } = a;
    return rest;
  }
  const { gradient: _g, ...rest } = a;
  return rest;
}
