/**
 * Analysis → the payload for the webview, in its wire form (src/shared/payloadWire.ts): typed
 * arrays, nothing the webview can derive exactly, no copies beyond what is needed.
 */
import type { RegressionPayload } from '../shared/protocol';
import type { ClassificationWire, PayloadWire } from '../shared/payloadWire';
import type { FileAnalysis } from './analysisService';
import { networkPayloadOf } from './networkPayload';
import { effectiveTargets } from '../core/loss/effectiveTargets';
import { lossFormula, lossLabel } from './lossText';
import { compact } from './ownBuffer';

export function payloadOf(file: FileAnalysis): PayloadWire | null {
  const { dataset, analysis } = file;
  if (!dataset) return null;
  if (dataset.task === 'network') return networkPayloadOf(file);
  if (!analysis) return null;
  if (analysis.task === 'classification' && dataset.task === 'classification') {
    const labels = dataset.labels;
    const payload: ClassificationWire = {
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
      targets: labels ? null : compact(analysis.targets),
      labels: labels ? compact(labels) : null,
      gradient: analysis.input === 'logits' ? null : compact(analysis.gradient),
      predicted: compact(analysis.predicted),
      actual: compact(analysis.actual),
      pTrue: compact(analysis.pTrue),
    };
    // A named loss's gradients are its own, not what the webview would derive from p and y.
    if (analysis.lossSpec) {
      // The target as the loss sees it (smoothed, weighted; 0 when ignored) and its batch scale.
      const effective = effectiveTargets(dataset, analysis, analysis.lossSpec);
      Object.assign(payload, {
        targets: effective ? effective.targets : compact(analysis.targets),
        ...(effective ? { gradientScale: effective.scale } : {}),
        labels: null,
        gradient: compact(analysis.gradient),
        logitGradient: compact(analysis.logitGradient),
        lossName: lossLabel(analysis),
        lossFormula: lossFormula(analysis),
      });
    }
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
      ...(analysis.lossSpec ? { lossName: lossLabel(analysis), lossFormula: lossFormula(analysis) } : {}),
    };
    return payload;
  }
  return null;
}
