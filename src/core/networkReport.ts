/**
 * What a network analysis looks like outside the core: the CLI's JSON, the Problems panel's
 * health warnings, and which weight a byte offset of the file falls on (for hover).
 */
import type { NetworkData } from './dataset';
import type { NamedCheck } from './datasetCheck';
import type { NetworkAnalysis } from './network';
import { problem, type Problem } from './problems';
import { accuracy, toRows } from './analysisReport';

/** `gradient-lens analyze net.json --json`; with `summaryOnly`, no per-sample arrays. */
export function networkReport(data: NetworkData, a: NetworkAnalysis, summaryOnly = false): Record<string, unknown> {
  const layers = data.layers.map((layer, l) => {
    const r = a.layers[l];
    return {
      activation: layer.activation,
      inputs: layer.inputs,
      outputs: layer.outputs,
      weightNorm: r.weightNorm,
      gradNorm: r.gradNorm,
      gradBiasNorm: r.gradBiasNorm,
      ratio: r.ratio,
      health: r.health,
    };
  });
  const k = data.layers[data.layers.length - 1].outputs;
  const base: Record<string, unknown> = {
    task: 'network',
    n: a.n,
    head: a.head,
    reduction: a.reduction,
    loss: a.loss,
    layers,
    thresholds: { vanishing: a.vanishingThreshold, exploding: a.explodingThreshold },
  };
  if (a.predicted) base.accuracy = accuracy(a.predicted, actualClasses(data, k));
  if (data.classes) base.classes = data.classes;
  if (summaryOnly) return base;
  return {
    ...base,
    losses: Array.from(a.losses),
    gradients: data.layers.map((layer, l) => ({
      weights: toRows(a.layers[l].gradWeights, layer.outputs, layer.inputs),
      bias: Array.from(a.layers[l].gradBias),
    })),
    activations: data.layers.map((layer, l) => toRows(a.layers[l].a, a.n, layer.outputs)),
    ...(a.predicted ? { predicted: Array.from(a.predicted) } : {}),
  };
}

/** The label, or argmax of the target row for soft targets. */
function actualClasses(data: NetworkData, k: number): Int32Array {
  if (data.labels) return data.labels;
  const out = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (data.targets[i * k + j] > data.targets[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}

/** Worst relative error over the ∂L/∂W and ∂L/∂b checks, for `NetworkPayload.gradientCheckError`. */
export function worstRelativeError(checks: NamedCheck[]): number | null {
  return checks.length ? Math.max(...checks.map((c) => c.maxRelativeError)) : null;
}

/** A warning per vanishing or exploding layer, over its weight rows, for the Problems panel. */
export function healthProblems(data: NetworkData, a: NetworkAnalysis): Problem[] {
  const out: Problem[] = [];
  data.layers.forEach((layer, l) => {
    const r = a.layers[l];
    if (r.health === 'ok') return;
    const rows = layer.weightRowSpans;
    const span = rows && rows.length ? { start: rows[0], end: rows[rows.length - 1] } : (layer.span ?? { start: 0, end: 0 });
    const message =
      r.health === 'vanishing'
        ? `layer ${l + 1} gradients are vanishing: ‖∂L/∂W‖/‖W‖ = ${r.ratio.toExponential(2)} is below ${a.vanishingThreshold}, so a gradient step barely moves these weights`
        : `layer ${l + 1} gradients are exploding: ‖∂L/∂W‖ = ${r.gradNorm.toExponential(2)} is above ${a.explodingThreshold}`;
    out.push(problem(message, span.start, span.end, `gradient-${r.health}`, 'warning'));
  });
  return out;
}

/** What a byte offset of a network file points at (layer and neuron counted from 0). */
export type WeightLocation =
  | { kind: 'weight'; layer: number; neuron: number; input: number; span: { start: number; end: number } }
  /** On a weight row but between two numbers. */
  | { kind: 'neuron'; layer: number; neuron: number; span: { start: number; end: number } }
  | { kind: 'bias'; layer: number; neuron: number; span: { start: number; end: number } };

/** The weight, weight row or bias entry at `offset` (a span's end counts, like a cursor after it), or null. */
export function weightAt(data: NetworkData, offset: number): WeightLocation | null {
  for (let layer = 0; layer < data.layers.length; layer++) {
    const L = data.layers[layer];
    if (L.span && (offset < L.span.start || offset > L.span.end)) continue;
    if (L.biasSpans) {
      const neuron = findSpan(L.biasSpans, 0, L.outputs, offset);
      if (neuron >= 0) return { kind: 'bias', layer, neuron, span: spanAt(L.biasSpans, neuron) };
    }
    if (!L.weightRowSpans) continue;
    const neuron = findSpan(L.weightRowSpans, 0, L.outputs, offset);
    if (neuron < 0) continue;
    if (L.weightSpans) {
      const at = findSpan(L.weightSpans, neuron * L.inputs, (neuron + 1) * L.inputs, offset);
      if (at >= 0) return { kind: 'weight', layer, neuron, input: at - neuron * L.inputs, span: spanAt(L.weightSpans, at) };
    }
    return { kind: 'neuron', layer, neuron, span: spanAt(L.weightRowSpans, neuron) };
  }
  return null;
}

/** Binary search over sorted [start, end] pairs with indices in [from, to); −1 if none contains offset. */
function findSpan(spans: Float64Array, from: number, to: number, offset: number): number {
  let lo = from;
  let hi = to - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (spans[2 * mid + 1] < offset) lo = mid + 1;
    else if (spans[2 * mid] > offset) hi = mid - 1;
    else return mid;
  }
  return -1;
}

function spanAt(spans: Float64Array, i: number): { start: number; end: number } {
  return { start: spans[2 * i], end: spans[2 * i + 1] };
}
