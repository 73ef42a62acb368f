/** A network file's analysis in the protocol's shape, with the finite-difference check for small networks. */
import { checkDatasetGradients } from '../core/datasetCheck';
import { networkPayload, worstRelativeError } from '../core/networkReport';
import type { NetworkPayload } from '../shared/protocol';
import type { FileAnalysis } from './analysisService';
import { compact } from './payload';

/** Above this many parameters the check (two forward passes per coordinate) is left to the command. */
const CHECK_PARAMETER_LIMIT = 5000;

export function networkPayloadOf(file: FileAnalysis): NetworkPayload | null {
  const data = file.dataset;
  const result = file.network;
  if (data?.task !== 'network' || !result) return null;
  const parameters = data.layers.reduce((s, l) => s + l.weights.length + l.bias.length, 0);
  const check = parameters <= CHECK_PARAMETER_LIMIT ? worstRelativeError(checkDatasetGradients(data, result.analysis.reduction)) : null;
  const payload = networkPayload(data, result.analysis, file.fileName, result.analysis.reduction, check);
  return { ...payload, inputs: compact(payload.inputs), targets: compact(payload.targets), layers: payload.layers.map((l) => ({ ...l, weights: compact(l.weights), bias: compact(l.bias) })) };
}
