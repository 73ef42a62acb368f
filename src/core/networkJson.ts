/**
 * Dense-network files: {"network": {"layers": [{"weights": out×in, "bias": out, "activation"}, ...]},
 * "inputs": N×in, "labels" | "targets"}. Every shape is checked against its neighbour and every
 * message points at the bytes at fault. Layers are counted from 1 in messages (the first layer is
 * "layer 1"); neurons, samples and classes from 0, as everywhere else.
 */
import {
  targetsOf,
  type Activation,
  type ClassTargets,
  type DenseLayer,
  type LoadResult,
  type NetworkData,
  type RoleSpans,
} from './dataset';
import { describeNode, type JsonMatrix, type JsonNode, type JsonObject } from './json';
import { findEntry, toLocated } from './jsonRoles';
import { labelProblem } from './labelCheck';
import type { Located } from './located';
import { rowSpanOf } from './located';
import { forwardNetwork, networkLoss } from './network';
import { InputError, problem, type Problem } from './problems';
import { DEFAULT_SUM_TOLERANCE, ProblemSink, type RoleOptions } from './buildDataset';

export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh', 'linear', 'softmax'];
const LAYER_KEYS = ['weights', 'bias', 'activation', 'name'];

type Span = { start: number; end: number };

/**
 * Problems found so far, through the same capped sink as the other formats (20 of a kind, then a
 * count); `fail` records one and returns null so callers can bail in one line.
 */
class Problems {
  private readonly sink = new ProblemSink();
  fail(message: string, at: Span, code: string): null {
    this.sink.add(problem(message, at.start, at.end, code));
    return null;
  }
  warn(message: string, at: Span, code: string): void {
    this.sink.add(problem(message, at.start, at.end, code, 'warning'));
  }
  get hasErrors(): boolean {
    return this.sink.errors > 0;
  }
  summarize(): Problem[] {
    return this.sink.summarize();
  }
  /** toLocated, with its InputError (ragged rows, strings among numbers) recorded instead of thrown. */
  located(name: string, node: JsonNode, bytes: Uint8Array, oneDimensional = false): Located | null {
    try {
      return toLocated(name, node, bytes, oneDimensional);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      this.sink.add(error.toProblem());
      return null;
    }
  }
}

export function networkFromJson(root: JsonObject, bytes: Uint8Array, options: RoleOptions): LoadResult {
  const problems = new Problems();
  // Python's json.load keeps the last of two equal keys; reading the first would give another loss.
  // (Keys inside a layer are checked where the layer is read.)
  for (const [obj, keys] of [
    [root, ROOT_KEYS],
    [findEntry(root, 'network'), ['layers']],
  ] as const) {
    if (obj && obj.kind === 'object') duplicateKeys(obj, keys, problems);
  }
  if (problems.hasErrors) return { dataset: null, problems: problems.summarize() };
  const dataset = readNetwork(root, bytes, options, problems);
  return { dataset: problems.hasErrors ? null : dataset, problems: problems.summarize() };
}

const ROOT_KEYS = ['network', 'inputs', 'labels', 'targets', 'classes', 'features'];

/** Every second occurrence of a known key, as other JSON files report it. */
function duplicateKeys(obj: JsonObject, keys: readonly string[], problems: Problems): void {
  const seen = new Set<string>();
  for (const entry of obj.entries) {
    if (!keys.includes(entry.key)) continue;
    if (seen.has(entry.key))
      problems.fail(`the key "${entry.key}" appears twice in the object; keep only one of them`, entry.keySpan, 'duplicate-key');
    seen.add(entry.key);
  }
}

function readNetwork(root: JsonObject, bytes: Uint8Array, options: RoleOptions, problems: Problems): NetworkData | null {
  const layers = readLayers(findEntry(root, 'network')!, bytes, problems);
  const inputs = readInputs(root, bytes, layers, problems);
  if (!layers || !inputs) return null;
  const last = layers[layers.length - 1];
  const supervision = readSupervision(
    root,
    bytes,
    inputs.rows,
    last,
    layers.length,
    options.sumTolerance ?? DEFAULT_SUM_TOLERANCE,
    problems,
  );
  const classes = readClasses(root, last, problems);
  const features = readFeatures(root, layers[0].inputs, problems);
  if (!supervision || problems.hasErrors) return null;
  const data: NetworkData = {
    task: 'network',
    n: inputs.rows,
    layers,
    inputs: inputs.data,
    ...targetsOf(supervision),
    head: last.activation === 'softmax' ? 'cross-entropy' : 'mse',
    classes,
    features,
    spans: [{ role: 'inputs', spans: inputs.rowSpans }, supervision.spans],
  };
  return checkFinite(data, problems) ? data : null;
}

// ---- layers -------------------------------------------------------------------------------

function readLayers(network: JsonNode, bytes: Uint8Array, problems: Problems): DenseLayer[] | null {
  const example = '{"layers": [{"weights": [[...], ...], "bias": [...], "activation": "relu"}, ...]}';
  if (network.kind !== 'object') {
    const hint = network.kind === 'array' || network.kind === 'matrix' ? '; put the layers inside it as "layers"' : '';
    return problems.fail(`"network" must be an object ${example}, found ${describeNode(network)}${hint}`, network, 'network-shape');
  }
  const node = findEntry(network, 'layers');
  if (!node)
    return problems.fail(
      `"network" has no "layers": expected ${example}`,
      { start: network.start, end: network.start + 1 },
      'network-shape',
    );
  if (node.kind !== 'array' || node.items.length === 0) {
    const found = node.kind === 'array' ? 'an empty array' : describeNode(node);
    return problems.fail(
      `"layers" must be a non-empty array of layer objects ({"weights", "bias", "activation"}), found ${found}`,
      node,
      'network-shape',
    );
  }
  const layers: (DenseLayer | null)[] = node.items.map((item, l) => readLayer(item, l, node.items.length, bytes, problems));
  // Each layer's weight columns must match the previous layer's neurons.
  for (let l = 1; l < layers.length; l++) {
    const prev = layers[l - 1];
    const layer = layers[l];
    if (!prev || !layer || layer.inputs === prev.outputs) continue;
    const weightsNode = findEntry(node.items[l] as JsonObject, 'weights')!;
    problems.fail(
      `layer ${l + 1} weights have ${plural(layer.inputs, 'column')} but layer ${l} has ${plural(prev.outputs, 'neuron')}; each row of layer ${l + 1} needs one weight per neuron of layer ${l}`,
      weightsNode,
      'layer-shape',
    );
  }
  return layers.every((l) => l !== null) && !problems.hasErrors ? (layers as DenseLayer[]) : null;
}

function readLayer(node: JsonNode, l: number, count: number, bytes: Uint8Array, problems: Problems): DenseLayer | null {
  const name = `layer ${l + 1}`;
  if (node.kind !== 'object')
    return problems.fail(
      `${name} must be an object {"weights": [[...]], "bias": [...], "activation": "..."}, found ${describeNode(node)}`,
      node,
      'layer-shape',
    );
  const opening = { start: node.start, end: node.start + 1 };
  const twice = node.entries.find((e, i) => LAYER_KEYS.includes(e.key) && node.entries.findIndex((f) => f.key === e.key) < i);
  if (twice) return problems.fail(`the key "${twice.key}" appears twice in ${name}; keep only one of them`, twice.keySpan, 'duplicate-key');
  const unknown = node.entries.filter((e) => !LAYER_KEYS.includes(e.key));
  const missing = (key: string, what: string): null => {
    const like = unknown.filter((e) => looksLike(e.key, key));
    const near = like.length ? `; found ${like.map((e) => JSON.stringify(e.key)).join(', ')} — rename it to "${key}"` : '';
    return problems.fail(`${name} has no "${key}": ${what}${near}`, opening, `missing-${key}`);
  };

  const activation = readActivation(node, name, l, count, problems, missing);

  const weightsNode = findEntry(node, 'weights');
  if (!weightsNode) return missing('weights', 'give an outputs × inputs matrix, one row per neuron');
  if (weightsNode.kind === 'vector') {
    return problems.fail(
      `${name} weights must be a matrix with one row per neuron (outputs × inputs); for a single neuron write [[...]]`,
      weightsNode,
      'layer-shape',
    );
  }
  if (weightsNode.kind === 'matrix' && weightsNode.cols < 0) return raggedWeights(weightsNode, name, problems);
  const weights = problems.located(`${name} weights`, weightsNode, bytes);
  if (!weights) return null;
  if (weights.rows === 0 || weights.cols === 0)
    return problems.fail(`${name} weights are empty; give one row per neuron, each with one weight per input`, weightsNode, 'layer-shape');

  const biasNode = findEntry(node, 'bias');
  if (!biasNode) return missing('bias', `give ${plural(weights.rows, 'number')}, one per neuron (all 0 for no bias)`);
  const bias = problems.located(`${name} bias`, biasNode, bytes, true);
  if (!bias) return null;
  if (!bias.vector)
    return problems.fail(
      `${name} bias must be a flat list of numbers, one per neuron, found a ${bias.rows} × ${bias.cols} matrix`,
      biasNode,
      'layer-shape',
    );
  if (bias.rows === weights.cols && bias.rows !== weights.rows) {
    return problems.fail(
      `${name} weights are ${weights.rows} × ${weights.cols} but its bias has ${plural(bias.rows, 'entry', 'entries')}: the weights look transposed; write them outputs × inputs (${weights.cols} × ${weights.rows}), one row per neuron`,
      weightsNode,
      'layer-shape',
    );
  }
  if (bias.rows !== weights.rows) {
    return problems.fail(
      `${name} bias has ${plural(bias.rows, 'entry', 'entries')} but its weights have ${plural(weights.rows, 'row')} (one per neuron)`,
      biasNode,
      'layer-shape',
    );
  }
  if (!activation) return null;
  if (activation.value === 'softmax' && weights.rows < 2) {
    return problems.fail(
      `${name} is a softmax over 1 neuron, which is always 1; a softmax head needs at least 2 classes`,
      activation.span,
      'one-class',
    );
  }
  const nameNode = node.kind === 'object' ? findEntry(node, 'name') : undefined;
  return {
    weights: weights.data,
    bias: bias.data,
    inputs: weights.cols,
    outputs: weights.rows,
    activation: activation.value,
    ...(nameNode?.kind === 'string' && nameNode.value.trim() ? { name: nameNode.value.trim().slice(0, 60) } : {}),
    weightRowSpans: weights.rowSpans,
    biasSpans: bias.rowSpans,
    span: { start: node.start, end: node.end },
    weightSpans: elementSpans(bytes, weights),
    activationSpan: activation.span,
  };
}

/** Rows of different lengths: point at the first row that differs from row 0. */
function raggedWeights(node: JsonMatrix, name: string, problems: Problems): null {
  const expected = node.rowOffsets[1] - node.rowOffsets[0];
  for (let r = 1; r < node.rows; r++) {
    const len = node.rowOffsets[r + 1] - node.rowOffsets[r];
    if (len !== expected) {
      const at = { start: node.rowSpans[2 * r], end: node.rowSpans[2 * r + 1] };
      return problems.fail(
        `row ${r} of ${name} weights has ${plural(len, 'value')}, expected ${expected} like row 0 (one weight per input)`,
        at,
        'ragged',
      );
    }
  }
  return null;
}

function readActivation(
  node: JsonObject,
  name: string,
  l: number,
  count: number,
  problems: Problems,
  missing: (key: string, what: string) => null,
): { value: Activation; span: Span } | null {
  const valid = ACTIVATIONS.map((a) => `"${a}"`).join(', ');
  const activationNode = findEntry(node, 'activation');
  if (!activationNode) return missing('activation', `give one of ${valid}`);
  if (activationNode.kind !== 'string')
    return problems.fail(`${name} activation must be one of ${valid}, found ${describeNode(activationNode)}`, activationNode, 'activation');
  const value = activationNode.value as Activation;
  if (!ACTIVATIONS.includes(value)) {
    const lower = activationNode.value.toLowerCase();
    const hint = ACTIVATIONS.includes(lower as Activation) ? ` (did you mean "${lower}"?)` : '';
    return problems.fail(`unknown activation "${activationNode.value}" in ${name}${hint}; valid: ${valid}`, activationNode, 'activation');
  }
  if (value === 'softmax' && l < count - 1) {
    return problems.fail(
      `softmax is only allowed in the last layer (the cross-entropy head), but ${name} of ${count} uses it`,
      activationNode,
      'softmax-hidden',
    );
  }
  return { value, span: { start: activationNode.start, end: activationNode.end } };
}

/** [start, end) of every number in a matrix, one pass over each row. */
function elementSpans(bytes: Uint8Array, m: Located): Float64Array {
  const out = new Float64Array(m.rows * m.cols * 2);
  const isGap = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 44;
  for (let r = 0; r < m.rows; r++) {
    let i = rowSpanOf(m, r).start + 1;
    for (let c = 0; c < m.cols; c++) {
      while (isGap(bytes[i])) i++;
      const start = i;
      while (i < bytes.length && !isGap(bytes[i]) && bytes[i] !== 93) i++;
      out[2 * (r * m.cols + c)] = start;
      out[2 * (r * m.cols + c) + 1] = i;
    }
  }
  return out;
}

// ---- inputs, labels, targets --------------------------------------------------------------

function readInputs(root: JsonObject, bytes: Uint8Array, layers: DenseLayer[] | null, problems: Problems): Located | null {
  const width = layers?.[0].inputs;
  const node = findEntry(root, 'inputs');
  if (!node) {
    const shape = width === undefined ? 'N × inputs' : `N × ${width}`;
    return problems.fail(
      `a network file needs "inputs": one row per sample (${shape})`,
      { start: root.start, end: root.start + 1 },
      'no-inputs',
    );
  }
  // A flat list is N samples of one feature for a 1-input network, else one sample.
  const inputs = problems.located('inputs', node, bytes, node.kind === 'vector' && width === 1);
  if (!inputs) return null;
  if (inputs.rows === 0) return problems.fail(`"inputs" is empty (N = 0): there is no sample to analyse`, node, 'empty-tensor');
  if (width !== undefined && inputs.cols !== width) {
    return problems.fail(
      `"inputs" have ${plural(inputs.cols, 'column')} but layer 1 weights have ${plural(width, 'column')} (one per input)`,
      node,
      'inputs-width',
    );
  }
  return inputs;
}

type Supervision = ClassTargets & { spans: RoleSpans };

function readSupervision(
  root: JsonObject,
  bytes: Uint8Array,
  n: number,
  last: DenseLayer,
  depth: number,
  tolerance: number,
  problems: Problems,
): Supervision | null {
  const labelsNode = findEntry(root, 'labels');
  const targetsNode = findEntry(root, 'targets');
  const k = last.outputs;
  if (last.activation === 'softmax') {
    if (labelsNode) {
      if (targetsNode) problems.warn(`"targets" is ignored because "labels" are given`, targetsNode, 'ignored-targets');
      return readLabels(labelsNode, bytes, n, k, problems);
    }
    if (targetsNode) return readTargets(targetsNode, bytes, n, k, true, tolerance, problems);
    return problems.fail(
      `a softmax head needs "labels" (class indices 0…${k - 1}) or "targets" (N × ${k} one-hot or soft rows) to compute the cross-entropy`,
      { start: root.start, end: root.start + 1 },
      'no-targets',
    );
  }
  if (targetsNode) {
    if (labelsNode)
      problems.warn(`"labels" is ignored: class indices need a softmax last layer, and "targets" are given`, labelsNode, 'ignored-labels');
    return readTargets(targetsNode, bytes, n, k, false, tolerance, problems);
  }
  if (labelsNode) {
    return problems.fail(
      `"labels" (class indices) need a softmax last layer for cross-entropy, but layer ${depth} is "${last.activation}"; give "targets" (N × ${k}) for the mean squared error, or make the last layer "softmax"`,
      labelsNode,
      'labels-need-softmax',
    );
  }
  return problems.fail(
    `a network file needs "targets" (N × ${k}) for the mean squared error of its "${last.activation}" output`,
    { start: root.start, end: root.start + 1 },
    'no-targets',
  );
}

function readLabels(node: JsonNode, bytes: Uint8Array, n: number, k: number, problems: Problems): Supervision | null {
  const l = problems.located('labels', node, bytes, true);
  if (!l) return null;
  if (!l.vector && l.cols !== 1)
    return problems.fail(
      `"labels" must be a list of class indices (one per sample); for one-hot or soft rows use "targets"`,
      node,
      'labels-shape',
    );
  if (l.rows !== n)
    return problems.fail(
      `"labels" has ${plural(l.rows, 'entry', 'entries')} but "inputs" has ${plural(n, 'sample')}`,
      node,
      'shape-mismatch',
    );
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = l.data[i];
    const bad = labelProblem(v, i, k, `the ${k} outputs of the softmax head`);
    if (bad) problems.fail(bad.message, l.elementSpan(i, 0), bad.code);
    else labels[i] = v;
  }
  return { labels, targets: null, spans: { role: 'labels', spans: l.rowSpans } };
}

function readTargets(
  node: JsonNode,
  bytes: Uint8Array,
  n: number,
  k: number,
  distribution: boolean,
  tolerance: number,
  problems: Problems,
): Supervision | null {
  const t = problems.located('targets', node, bytes);
  if (!t) return null;
  if (t.rows !== n || t.cols !== k || (t.vector && k !== 1)) {
    const given = t.vector ? `[${t.rows}]` : `[${t.rows}, ${t.cols}]`;
    const hint = distribution && t.vector ? '; a list of class indices belongs in "labels"' : '';
    return problems.fail(
      `"targets" has shape ${given} but the network gives ${n} × ${k} outputs (N × last layer's neurons)${hint}`,
      node,
      'shape-mismatch',
    );
  }
  if (distribution) {
    for (let i = 0; i < n; i++) {
      let sum = 0;
      let bad = false;
      for (let j = 0; j < k; j++) {
        const v = t.data[i * k + j];
        if (v < 0 || v > 1) {
          problems.fail(`target ${v} in sample ${i} (class ${j}) is outside [0, 1]`, t.elementSpan(i, j), 'targets-range');
          bad = true;
        }
        sum += v;
      }
      if (!bad && Math.abs(sum - 1) > tolerance)
        problems.fail(
          `targets in sample ${i} sum to ${Number(sum.toPrecision(6))}, expected 1 for a softmax head`,
          rowSpanOf(t, i),
          'targets-sum',
        );
    }
  }
  return { targets: t.data, labels: null, spans: { role: 'targets', spans: t.rowSpans } };
}

function readClasses(root: JsonObject, last: DenseLayer, problems: Problems): string[] | null {
  const node = findEntry(root, 'classes');
  if (!node) return null;
  if (node.kind !== 'array' || !node.items.every((i) => i.kind === 'string')) {
    problems.fail(`"classes" must be an array of names (strings), found ${describeNode(node)}`, node, 'classes');
    return null;
  }
  const names = node.items.map((i) => (i as { value: string }).value);
  if (last.activation !== 'softmax' || names.length !== last.outputs) {
    const why = last.activation !== 'softmax' ? 'the last layer is not a softmax head' : `the softmax head has ${last.outputs} outputs`;
    problems.warn(`"classes" has ${plural(names.length, 'name')} but ${why}; the names are ignored`, node, 'classes-count');
    return null;
  }
  return names;
}

/** Float64 overflow (huge weights or inputs) is reported at the first layer that produces it. */
function checkFinite(data: NetworkData, problems: Problems): boolean {
  const pass = forwardNetwork(data);
  for (let l = 0; l < data.layers.length; l++) {
    const at = pass.z[l].findIndex((v) => !Number.isFinite(v));
    if (at >= 0) {
      const layer = data.layers[l];
      const sample = Math.floor(at / layer.outputs);
      problems.fail(
        `layer ${l + 1} overflows float64: its pre-activation for sample ${sample}, neuron ${at % layer.outputs} is ${pass.z[l][at]}; the weights or inputs are too large`,
        layer.span ?? { start: 0, end: 0 },
        'overflow',
      );
      return false;
    }
  }
  if (!Number.isFinite(networkLoss(data))) {
    const span = data.layers[data.layers.length - 1].span ?? { start: 0, end: 0 };
    problems.fail(`the loss overflows float64: the network's outputs are too far from the targets`, span, 'overflow');
    return false;
  }
  return true;
}

/** "biases" or "b" for "bias", "W" or "kernel" for "weights", "act" for "activation". */
function looksLike(found: string, key: string): boolean {
  const f = found.toLowerCase();
  if (key === 'weights' && f === 'kernel') return true;
  return f.slice(0, 3) === key.slice(0, 3) || (f.length <= 2 && key.startsWith(f));
}

function plural(count: number, one: string, many = one + 's'): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "features": one name per input of the first layer, for the views' axes; a wrong count is a warning and no names. */
function readFeatures(root: JsonObject, inputs: number, problems: Problems): string[] | null {
  const node = findEntry(root, 'features');
  if (!node) return null;
  if (node.kind !== 'array' || !node.items.every((i) => i.kind === 'string')) {
    problems.warn(
      `"features" must be an array of names (strings), one per input; found ${describeNode(node)}; the names are ignored`,
      node,
      'features',
    );
    return null;
  }
  if (node.items.length !== inputs) {
    problems.warn(
      `"features" has ${plural(node.items.length, 'name')} but the first layer has ${plural(inputs, 'input')}; the names are ignored`,
      node,
      'features-count',
    );
    return null;
  }
  return node.items.map((i) => (i as { value: string }).value);
}
