/** A network file's analysis in the protocol's shape, with the finite-difference check for small networks. */
import { denseTargets, type NetworkData } from '../core/dataset';
import type { Reduction } from '../core/losses';
import type { NetworkAnalysis } from '../core/network';
import { networkFiniteDifferences, type FiniteDifferenceTensor } from '../core/networkFiniteDifferences';
import type { LayerPayload, NetworkPayload, OwnGradientsPayload } from '../shared/protocol';
import type { FileAnalysis } from './analysisService';
import { finiteDifferencePayload } from './finiteDifferencePayload';
import { withOwnBuffer } from './ownBuffer';

/** Above this many parameters the check (two forward passes per coordinate) is left to the command. */
export const CHECK_PARAMETER_LIMIT = 5000;

/** The per-entry check of one analysis, kept while the analysis lives: the command and each show of the panel reuse it. */
const checked = new WeakMap<NetworkAnalysis, { tensors: FiniteDifferenceTensor[]; payload: OwnGradientsPayload }>();

/** The finite-difference check entry by entry, for a network of at most CHECK_PARAMETER_LIMIT parameters. */
export function finiteDifferencesOf(
  data: NetworkData,
  analysis: NetworkAnalysis,
): { tensors: FiniteDifferenceTensor[]; payload: OwnGradientsPayload } | null {
  const parameters = data.layers.reduce((s, l) => s + l.weights.length + l.bias.length, 0);
  if (parameters > CHECK_PARAMETER_LIMIT) return null;
  let fd = checked.get(analysis);
  if (!fd) {
    const tensors = networkFiniteDifferences(data, analysis.reduction, analysis);
    fd = { tensors, payload: finiteDifferencePayload(tensors) };
    checked.set(analysis, fd);
  }
  return fd;
}

export function networkPayloadOf(file: FileAnalysis): NetworkPayload | null {
  const data = file.dataset;
  const result = file.network;
  if (data?.task !== 'network' || !result) return null;
  const fd = finiteDifferencesOf(data, result.analysis);
  const check = fd ? Math.max(0, ...fd.tensors.map((t) => t.check.maxRelativeError)) : null;
  const payload = networkPayload(data, result.analysis, file.fileName, result.analysis.reduction, check);
  return {
    ...payload,
    finiteDifferences: fd?.payload ?? null,
    inputs: withOwnBuffer(payload.inputs),
    targets: withOwnBuffer(payload.targets),
    layers: payload.layers.map((l) => ({ ...l, weights: withOwnBuffer(l.weights), bias: withOwnBuffer(l.bias) })),
  };
}

/** Everything the network view draws, in the protocol's shape. */
export function networkPayload(
  data: NetworkData,
  analysis: NetworkAnalysis,
  fileName: string,
  reduction: Reduction,
  gradientCheckError: number | null = null,
): NetworkPayload {
  const layers: LayerPayload[] = data.layers.map((layer, l) => {
    const r = analysis.layers[l];
    return {
      inputs: layer.inputs,
      outputs: layer.outputs,
      activation: layer.activation,
      ...(layer.name ? { name: layer.name } : {}),
      weights: layer.weights,
      bias: layer.bias,
      gradWeights: r.gradWeights,
      gradBias: r.gradBias,
      weightNorm: r.weightNorm,
      gradNorm: r.gradNorm,
      health: r.health,
      z: r.z,
      a: r.a,
      dA: r.dA,
      dZ: r.dZ,
    };
  });
  return {
    task: 'network',
    fileName,
    n: data.n,
    head: data.head,
    classes: data.classes,
    reduction,
    loss: analysis.loss,
    losses: analysis.losses,
    inputs: data.inputs,
    features: data.features ?? null,
    // The view draws y rows beside the outputs (a network is small: labels become rows here).
    targets: denseTargets(data, data.n, data.layers[data.layers.length - 1].outputs),
    layers,
    gradientCheckError,
  };
}
