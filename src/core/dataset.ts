/**
 * What a tensor file means: which tensors play which role, their shapes, and where each sample
 * sits in the file. Every reader (JSON, CSV, NumPy) produces one of these.
 */
import type { LossSpec } from './loss/spec';
import type { Problem } from './problems';
import type { UserGradients } from './userGradients';

export type Task = 'classification' | 'regression' | 'network';

/** Per-sample source spans for one role (e.g. the `logits` rows), in byte offsets. */
export interface RoleSpans {
  role: string;
  /** [start0, end0, start1, end1, ...], one pair per sample. */
  spans: Float64Array;
}

export interface ClassificationData {
  task: 'classification';
  /** Which tensor the file gives: raw scores, probabilities, or log-probabilities (nll, kl_div). */
  input: 'logits' | 'probabilities' | 'log_probabilities';
  n: number;
  k: number;
  /** n × k, row-major: the logits or the probabilities. */
  values: Float64Array;
  /** n × k target distribution (one-hot rows built from labels when the file has labels). */
  targets: Float64Array;
  /** Class indices when the file gives labels, else null. */
  labels: Int32Array | null;
  classes: string[] | null;
  spans: RoleSpans[];
  /** The loss the file (or the user) names, when it is not plain softmax cross-entropy (src/core/loss). */
  loss?: LossSpec;
}

export interface RegressionData {
  task: 'regression';
  n: number;
  /** Outputs per sample (1 for a vector of predictions). */
  d: number;
  /** Shape of the predictions as given: [n] or [n, d]. */
  shape: number[];
  predictions: Float64Array;
  targets: Float64Array;
  spans: RoleSpans[];
  /** The loss the file (or the user) names, when it is not MSE (src/core/loss). */
  loss?: LossSpec;
}

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'linear' | 'softmax';

export interface DenseLayer {
  /** out × in, one row per neuron. */
  weights: Float64Array;
  bias: Float64Array;
  inputs: number;
  outputs: number;
  activation: Activation;
  /** The layer's "name" in the file ("hidden", "output"), for the views. */
  name?: string;
  /** Spans of each weight row and of the bias, for hover. */
  weightRowSpans: Float64Array | null;
  biasSpans: Float64Array | null;
  span: { start: number; end: number } | null;
  /** [start, end) of every weight, row-major (2 per weight), so a hover can name one weight. */
  weightSpans?: Float64Array | null;
  /** Where the "activation" value is written. */
  activationSpan?: { start: number; end: number } | null;
}

export interface NetworkData {
  task: 'network';
  n: number;
  layers: DenseLayer[];
  /** n × in. */
  inputs: Float64Array;
  /** n × out targets (one-hot from labels for a softmax head). */
  targets: Float64Array;
  labels: Int32Array | null;
  head: 'cross-entropy' | 'mse';
  classes: string[] | null;
  /** The file's "features": one name per input of the first layer (else absent). */
  features?: string[] | null;
  spans: RoleSpans[];
}

export type Dataset = ClassificationData | RegressionData | NetworkData;

export interface LoadResult {
  dataset: Dataset | null;
  /** Errors (dataset is null when any error is present) and warnings about the data. */
  problems: Problem[];
  /** The user's own derivatives found beside the data (dinputs, jacobian, dweights…), if any. */
  userGradients?: UserGradients;
}

/** The sample whose span (in any role) contains the offset, or -1. */
export function sampleAtOffset(dataset: { spans: RoleSpans[] }, offset: number): { index: number; role: string } | null {
  for (const { role, spans } of dataset.spans) {
    const count = spans.length / 2;
    let lo = 0;
    let hi = count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (spans[2 * mid + 1] < offset) lo = mid + 1;
      else if (spans[2 * mid] > offset) hi = mid - 1;
      else return { index: mid, role };
    }
  }
  return null;
}

/** The span of a sample in its first role (the logits / probabilities / predictions row). */
export function sampleSpan(dataset: { spans: RoleSpans[] }, index: number): { start: number; end: number } | null {
  const first = dataset.spans[0];
  if (!first || index < 0 || 2 * index + 1 >= first.spans.length) return null;
  return { start: first.spans[2 * index], end: first.spans[2 * index + 1] };
}

export function className(classes: string[] | null, k: number): string {
  return classes?.[k] ?? String(k);
}
