/**
 * Analysis → what the panel's 'show' carries: the scalars and the length-N arrays (no N × K
 * array: a view asks for the rows and blocks it draws, see src/shared/protocol.ts). A network is
 * small and goes whole.
 */
import type { ClassificationPayload, Payload, RegressionPayload } from '../shared/protocol';
import type { FileAnalysis } from './analysisService';
import { networkPayloadOf } from './networkPayload';
import { lossFormula, lossLabel } from './lossText';
import { withOwnBuffer } from './ownBuffer';
import { rememberedFiniteDifferences } from './finiteDifferencePayload';

export function payloadOf(file: FileAnalysis): Payload | null {
  const { dataset, analysis } = file;
  if (!dataset) return null;
  if (dataset.task === 'network') return networkPayloadOf(file);
  if (!analysis) return null;
  const named = analysis.lossSpec ? { lossName: lossLabel(analysis), lossFormula: lossFormula(analysis) } : {};
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
      losses: withOwnBuffer(analysis.losses),
      predicted: withOwnBuffer(analysis.predicted),
      actual: withOwnBuffer(analysis.actual),
      pTrue: withOwnBuffer(analysis.pTrue),
      ...named,
      ...(file.gradientScale !== undefined ? { gradientScale: file.gradientScale } : {}),
      finiteDifferences: rememberedFiniteDifferences(file),
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
      losses: withOwnBuffer(analysis.losses),
      ...named,
      finiteDifferences: rememberedFiniteDifferences(file),
    };
    return payload;
  }
  return null;
}
