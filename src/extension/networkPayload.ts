/** A network file's analysis in the protocol's shape, with the finite-difference check for small networks. */
import { checkDatasetGradients } from '../core/datasetCheck';
import type { NetworkData } from '../core/dataset';
import type { Reduction } from '../core/losses';
import type { NetworkAnalysis } from '../core/network';
import { worstRelativeError } from '../core/networkReport';
import type { LayerPayload, NetworkPayload } from '../shared/protocol';
import type { FileAnalysis } from './analysisService';
import { compact } from './ownBuffer';

/** Above this many parameters the check (two forward passes per coordinate) is left to the command. */
const CHECK_PARAMETER_LIMIT = 5000;

export function networkPayloadOf(file: FileAnalysis): NetworkPayload | null {
  const data = file.dataset;
  const result = file.network;
  if (data?.task !== 'network' || !result) return null;
  const parameters = data.layers.reduce((s, l) => s + l.weights.length + l.bias.length, 0);
  const check = parameters <= CHECK_PARAMETER_LIMIT ? worstRelativeError(checkDatasetGradients(data, result.analysis.reduction)) : null;
  const payload = networkPayload(data, result.analysis, file.fileName, result.analysis.reduction, check);
  return {
    ...payload,
    inputs: compact(payload.inputs),
    targets: compact(payload.targets),
    layers: payload.layers.map((l) => ({ ...l, weights: compact(l.weights), bias: compact(l.bias) })),
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
    targets: data.targets,
    layers,
    gradientCheckError,
  };
}
