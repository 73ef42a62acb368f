/** Network analysis as the pipeline sees it; filled in by network.ts. */
import type { NetworkData } from './dataset';
import type { Problem } from './problems';

export interface NetworkResult {
  problems: Problem[];
  loss: number;
  n: number;
  head: 'cross-entropy' | 'mse';
}

export function analyzeNetworkDataset(data: NetworkData, _options: object): NetworkResult {
  return { problems: [], loss: NaN, n: data.n, head: data.head };
}
