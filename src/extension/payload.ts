/** Analysis → the protocol's payload for the webview (typed arrays, no copies beyond what is needed). */
import type { ClassificationPayload, Payload, RegressionPayload } from '../shared/protocol';
import type { FileAnalysis } from './analysisService';
import { networkPayloadOf } from './networkPayload';

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
      losses: analysis.losses,
      probabilities: analysis.probabilities,
      targets: analysis.targets,
      logitGradient: analysis.logitGradient,
      gradient: analysis.gradient,
      predicted: analysis.predicted,
      actual: analysis.actual,
      pTrue: analysis.pTrue,
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
      losses: analysis.losses,
      predictions: dataset.predictions,
      targets: dataset.targets,
      gradient: analysis.gradient,
    };
    return payload;
  }
  return null;
}
