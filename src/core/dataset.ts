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

/**
 * A classification file's targets in the one form the file gives them: class indices, or dense
 * rows (one-hot or soft). Never both: a label is a one-hot row only where a row is asked for.
 */
export type ClassTargets = { labels: Int32Array; targets: null } | { labels: null; targets: Float64Array };

/** Just the targets of a dataset or analysis, still in their one form. */
export function targetsOf(t: ClassTargets): ClassTargets {
  return t.labels ? { labels: t.labels, targets: null } : { labels: null, targets: t.targets };
}

/** The n × k dense targets: the file's rows, or one-hot rows built from its labels (exports, checks). */
export function denseTargets(t: ClassTargets, n: number, k: number): Float64Array {
  if (t.targets) return t.targets;
  const rows = new Float64Array(n * k);
  for (let i = 0; i < n; i++) targetRowInto(t, i, k, rows.subarray(i * k, i * k + k));
  return rows;
}

/** Row i of the targets, written into out (length k); a label outside 0…k−1 (torch's ignore_index) is a row of zeros. */
export function targetRowInto(t: ClassTargets, i: number, k: number, out: Float64Array): Float64Array {
  if (t.targets) out.set(t.targets.subarray(i * k, i * k + k));
  else {
    out.fill(0);
    if (t.labels[i] >= 0 && t.labels[i] < k) out[t.labels[i]] = 1;
  }
  return out;
}

export type ClassificationData = ClassificationFields & ClassTargets;

/** Logits of n samples × k classes with a class index each, and nothing more: no names, no source spans (a block of rows). */
export function labelledLogits(values: Float64Array, labels: Int32Array, n: number, k: number): ClassificationData {
  return { task: 'classification', input: 'logits', n, k, values, labels, targets: null, classes: null, spans: [] };
}

interface ClassificationFields {
  task: 'classification';
  /** Which tensor the file gives: raw scores, probabilities, or log-probabilities (nll, kl_div). */
  input: 'logits' | 'probabilities' | 'log_probabilities';
  n: number;
  k: number;
  /** n × k, row-major: the logits or the probabilities. */
  values: Float64Array;
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

/** A network file: for a softmax head its class indices or rows (ClassTargets), for an MSE head its rows. */
export type NetworkData = NetworkFields & ClassTargets;

interface NetworkFields {
  task: 'network';
  n: number;
  layers: DenseLayer[];
  /** n × in. */
  inputs: Float64Array;
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
