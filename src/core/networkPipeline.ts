/** Network analysis as the pipeline returns it: the analysis plus its layer-health warnings. */
import type { NetworkData } from './dataset';
import type { Reduction } from './losses';
import { analyzeNetwork, type NetworkAnalysis } from './network';
import { healthProblems } from './networkReport';
import type { Problem } from './problems';

export interface NetworkResult {
  analysis: NetworkAnalysis;
  problems: Problem[];
  loss: number;
  n: number;
  head: 'cross-entropy' | 'mse';
}

export function analyzeNetworkDataset(
  data: NetworkData,
  options: { reduction?: Reduction; vanishingThreshold?: number; explodingThreshold?: number },
): NetworkResult {
  const analysis = analyzeNetwork(data, options);
  return { analysis, problems: healthProblems(data, analysis), loss: analysis.loss, n: analysis.n, head: analysis.head };
}
