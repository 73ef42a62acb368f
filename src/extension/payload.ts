/** Analysis → the protocol's payload for the webview (typed arrays, no copies beyond what is needed). */
import type { ClassificationPayload, Payload, RegressionPayload } from '../shared/protocol';
import type { FileAnalysis } from './analysisService';
import { networkPayloadOf } from './networkPayload';

/**
 * The parsers hand out views over buffers reserved larger than the data; posting a view would
 * send its whole buffer, so views are copied to their own.
 */
export function compact<T extends Float64Array | Int32Array>(a: T): T {
  return (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice()) as T;
}

export function payloadOf(file: FileAnalysis): Payload | null {
  const { dataset, analysis } = file;
  if (!dataset) return null;
  if (dataset.task === 'network') return networkPayloadOf(file);
  if (!analysis) return null;
  if (analysis.task === 'classification' && dataset.task === 'classification') {
    const payload: ClassificationPayload = {
      task: 'classification',
      fileName: file.fileName,
      input: analysis.input,
      n: analysis.n,
      k: analysis.k,
      classes: dataset.classes,
      reduction: analysis.reduction,
      loss: analysis.loss,
      losses: compact(analysis.losses),
      probabilities: compact(analysis.probabilities),
      targets: compact(analysis.targets),
      logitGradient: compact(analysis.logitGradient),
      gradient: compact(analysis.gradient),
      predicted: compact(analysis.predicted),
      actual: compact(analysis.actual),
      pTrue: compact(analysis.pTrue),
    };
    return payload;
  }
  if (analysis.task === 'regression' && dataset.task === 'regression') {
    const payload: RegressionPayload = {
      task: 'regression',
      fileName: file.fileName,
      n: analysis.n,
      d: analysis.d,
      reduction: analysis.reduction,
      loss: analysis.loss,
      losses: compact(analysis.losses),
      predictions: compact(dataset.predictions),
      targets: compact(dataset.targets),
      gradient: compact(analysis.gradient),
    };
    return payload;
  }
  return null;
}
