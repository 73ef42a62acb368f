/**
 * Reads the roles of a JSON tensor file (`logits`, `labels`, ...) out of the parsed tree,
 * explaining any value that is not a tensor of numbers.
 */
import {
  describeNode,
  nthElementSpan,
  type JsonArray,
  type JsonMatrix,
  type JsonNode,
  type JsonObject,
  type JsonString,
  type JsonVector,
} from './json';
import type { Located } from './located';
import { InputError, problem, type Problem } from './problems';
import type { NearMiss, Roles } from './buildDataset';
import { lossFromJson } from './loss/parse';
import { isRunManifest, recordsAsTensors, recordsWithoutTensors } from './jsonRecords';
import { isKnownTopLevelKey, unknownKeyWarning } from './topLevelKeys';
import { dataFrameRoles } from './jsonDataFrame';
import { namedLabelsLocated } from './labelNames';
import { isTensorKey, type TensorKey } from './tensorKeys';

export function rolesFromJson(file: JsonNode, bytes: Uint8Array): Roles {
  if (isRunManifest(file)) {
    throw new InputError(
      "this is a training run's manifest (run.jsonl), not a tensor file; open it with Gradient Lens: Open Training Run, or `gradient-lens run DIR`",
      file.start,
      Math.min(file.end, file.start + 1),
      'not-object',
    );
  }
  const records = file.kind === 'array' ? recordsAsTensors(file) : null;
  if (!records) {
    const frame = dataFrameRoles(file, bytes);
    if (frame) return frame;
  }
  const root = records ?? file;
  if (root.kind !== 'object') {
    throw new InputError(
      `expected a JSON object such as {"logits": [[...]], "labels": [...]}, or one object per sample such as [{"logits": [...], "label": 3}, …]; found ${recordsWithoutTensors(root) ? 'objects with no "logits", "probabilities" or "predictions"' : describeNode(root)}`,
      root.start,
      Math.min(root.end, root.start + 1),
      'not-object',
    );
  }
  const roles: Roles = { whole: { start: root.start, end: root.end }, format: 'json', nearMisses: [] };
  const seen = new Set<string>();
  for (const entry of root.entries) {
    const key = entry.key as TensorKey | 'classes' | 'loss';
    const known = key === 'classes' || key === 'loss' || isTensorKey(key);
    if (known && seen.has(key)) {
      throw new InputError(
        `the key "${key}" appears twice in the object; keep only one of them`,
        entry.keySpan.start,
        entry.keySpan.end,
        'duplicate-key',
      );
    }
    seen.add(key);
    if (key === 'classes') roles.classes = classNames(entry.value);
    else if (key === 'loss') roles.loss = lossFromJson(entry.value);
    else if (known && entry.value.kind === 'matrix' && entry.value.cols < 0)
      roles[key as TensorKey] = evenedRows(key, entry.value, bytes, (roles.errors ??= []));
    else if (key === 'labels' && namesOnly(entry.value)) {
      const items = entry.value.items;
      roles.labels = namedLabelsLocated(key, Float64Array.from(items.flatMap((n) => [n.start, n.end])), entry.value);
      roles.labelNames = { names: items.map((n) => (n as JsonString).value), classesKey: records === null };
    } else if (known) roles[key as TensorKey] = toLocated(key, entry.value, bytes, key === 'labels');
    else {
      const role = guessRole(key);
      if (role) roles.nearMisses!.push({ name: key, role, span: entry.keySpan });
      else if (!isKnownTopLevelKey(key)) (roles.warnings ??= []).push(unknownKeyWarning(key, entry.keySpan));
    }
  }
  if (
    !roles.logits &&
    !roles.probabilities &&
    !roles.predictions &&
    !roles.log_probabilities &&
    !roles.nearMisses!.some((m) => m.role === 'logits' || m.role === 'probabilities' || m.role === 'predictions')
  ) {
    const keys = root.entries.map((e) => JSON.stringify(e.key.length > 30 ? e.key.slice(0, 30) + '…' : e.key));
    const found =
      keys.length === 0
        ? 'the object is empty'
        : `the object has ${keys.length > 8 ? keys.slice(0, 8).join(', ') + ', …' : keys.join(', ')} but no "logits", "probabilities" or "predictions"`;
    throw new InputError(
      `${found}; expected {"logits": [[…], …], "labels": […]} (or "targets"), {"probabilities": …} or {"predictions": […], "targets": […]}`,
      root.start,
      root.start + 1,
      'no-tensor',
    );
  }
  if (roles.logits && roles.probabilities) roles.probabilities = undefined; // logits are the more exact input
  return roles;
}

const ALIASES: Record<string, NearMiss['role']> = {
  logit: 'logits',
  scores: 'logits',
  probability: 'probabilities',
  probs: 'probabilities',
  prob: 'probabilities',
  proba: 'probabilities',
  probas: 'probabilities',
  y_prob: 'probabilities',
  y_proba: 'probabilities',
  softmax: 'probabilities',
  prediction: 'predictions',
  preds: 'predictions',
  pred: 'predictions',
  y_pred: 'predictions',
  y_hat: 'predictions',
  yhat: 'predictions',
  label: 'labels',
  class_ids: 'labels',
  class_id: 'labels',
  class_index: 'labels',
  class_indices: 'labels',
  target: 'targets',
  y: 'labels or targets',
  y_true: 'labels or targets',
  ground_truth: 'labels or targets',
};

/** The role an unrecognised key most likely means ("Logits", "label", "y_true"), if any. */
function guessRole(key: string): NearMiss['role'] | null {
  const k = key
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (isTensorKey(k) && k !== 'log_probabilities') return k as NearMiss['role'];
  return Object.prototype.hasOwnProperty.call(ALIASES, k) ? ALIASES[k] : null;
}

/** A non-empty array of strings: labels written as class names. */
function namesOnly(node: JsonNode): node is JsonArray {
  return node.kind === 'array' && node.items.length > 0 && node.items.every((n) => n.kind === 'string');
}

export function findEntry(obj: JsonObject, key: string): JsonNode | undefined {
  return obj.entries.find((e) => e.key === key)?.value;
}

/** A 1-D or 2-D numeric node as a Located tensor; `oneDimensional` for roles that are lists. */
export function toLocated(name: string, node: JsonNode, bytes: Uint8Array, oneDimensional = false): Located {
  if (node.kind === 'vector') return vectorLocated(name, node, bytes, oneDimensional);
  if (node.kind === 'matrix') {
    if (node.cols < 0) throw raggedError(name, node);
    return matrixLocated(name, node, bytes);
  }
  if (node.kind === 'array' && node.items.length === 0) {
    return {
      name,
      rows: 0,
      cols: 0,
      vector: true,
      data: new Float64Array(0),
      span: { start: node.start, end: node.end },
      rowSpans: new Float64Array(0),
      elementSpan: () => ({ start: node.start, end: node.end }),
    };
  }
  if (node.kind === 'number' && oneDimensional) {
    // A single label for a single sample.
    const span = { start: node.start, end: node.end };
    return {
      name,
      rows: 1,
      cols: 1,
      vector: true,
      data: Float64Array.of(node.value),
      span,
      rowSpans: Float64Array.of(node.start, node.end),
      elementSpan: () => span,
    };
  }
  throw notNumeric(name, node);
}

function vectorLocated(name: string, node: JsonVector, bytes: Uint8Array, oneDimensional: boolean): Located {
  const n = node.data.length;
  const span = { start: node.start, end: node.end };
  if (oneDimensional || name === 'predictions' || name === 'targets') {
    return {
      name,
      rows: n,
      cols: 1,
      vector: true,
      data: node.data,
      span,
      rowSpans: node.spans,
      elementSpan: (i) => ({ start: node.spans[2 * i], end: node.spans[2 * i + 1] }),
    };
  }
  // A single sample written as a flat list of logits or probabilities: one row of K.
  return {
    name,
    rows: 1,
    cols: n,
    vector: false,
    data: node.data,
    span,
    rowSpans: Float64Array.of(node.start, node.end),
    elementSpan: (_i, j) => ({ start: node.spans[2 * j], end: node.spans[2 * j + 1] }),
  };
}

function matrixLocated(name: string, node: JsonMatrix, bytes: Uint8Array): Located {
  return {
    name,
    rows: node.rows,
    cols: node.cols,
    vector: false,
    data: node.data,
    span: { start: node.start, end: node.end },
    rowSpans: node.rowSpans,
    elementSpan: (i, j) => nthElementSpan(bytes, node.rowSpans[2 * i], j),
  };
}

/**
 * A ragged matrix read as N rows of its most common length, each other row reported at its own line,
 * so one short row does not hide the file's independent problems (labels, ranges). The odd rows get
 * a neutral 1/K fill (valid as logits, probabilities and soft targets) that no later check flags.
 */
function evenedRows(name: string, node: JsonMatrix, bytes: Uint8Array, errors: Problem[]): Located {
  const lengthOf = (r: number) => node.rowOffsets[r + 1] - node.rowOffsets[r];
  const counts = new Map<number, number>();
  let k = lengthOf(0);
  for (let r = 0; r < node.rows; r++) {
    const len = lengthOf(r);
    const c = (counts.get(len) ?? 0) + 1;
    counts.set(len, c);
    if (c > counts.get(k)!) k = len;
  }
  let example = 0;
  while (lengthOf(example) !== k) example++;
  const data = new Float64Array(node.rows * k);
  for (let r = 0; r < node.rows; r++) {
    const len = lengthOf(r);
    if (len === k) {
      data.set(node.data.subarray(node.rowOffsets[r], node.rowOffsets[r] + k), r * k);
      continue;
    }
    data.fill(1 / k, r * k, (r + 1) * k);
    errors.push(oddRowProblem(name, r, len, k, example, node.rowSpans[2 * r], node.rowSpans[2 * r + 1]));
  }
  return matrixLocated(name, { ...node, cols: k, data }, bytes);
}

/** evenedRows' problem for row `r` of `len` values at [start, end), where `k` is the common length (row `example`'s). */
export function oddRowProblem(name: string, r: number, len: number, k: number, example: number, start: number, end: number): Problem {
  const message = `sample ${r} of "${name}" has ${len} value${len === 1 ? '' : 's'}, expected ${k} like sample ${example}; every row needs one value per class`;
  return problem(message, start, end, 'ragged');
}

function raggedError(name: string, node: JsonMatrix): InputError {
  const expected = node.rowOffsets[1] - node.rowOffsets[0];
  for (let r = 1; r < node.rows; r++) {
    const len = node.rowOffsets[r + 1] - node.rowOffsets[r];
    if (len !== expected) {
      return new InputError(
        `sample ${r} of "${name}" has ${len} value${len === 1 ? '' : 's'}, expected ${expected} like sample 0; every row needs one value per class`,
        node.rowSpans[2 * r],
        node.rowSpans[2 * r + 1],
        'ragged',
      );
    }
  }
  return new InputError(`"${name}" has rows of different lengths`, node.start, node.end, 'ragged');
}

/** Finds the first thing in a non-numeric array that makes it so, and says what it is. */
function notNumeric(name: string, node: JsonNode): InputError {
  if (node.kind !== 'array') {
    return new InputError(`"${name}" must be an array of numbers, found ${describeNode(node)}`, node.start, node.end, 'not-numeric');
  }
  const depth = nestingDepth(node);
  const offender = firstNonNumber(node);
  if (offender) {
    let hint = '';
    if (offender.kind === 'string' && !Number.isNaN(Number(offender.value)) && offender.value.trim() !== '')
      hint = '; remove the quotes to make it a number';
    else if (offender.kind === 'string' && name === 'labels') hint = '; labels are all class indices 0…K−1 or all class names';
    else if (offender.kind === 'null') hint = '; a missing value cannot be analysed: fill it in or drop the sample';
    else if (offender.kind === 'true' || offender.kind === 'false')
      hint = name === 'labels' ? '; labels are class indices: write 0 and 1' : '; write 0 or 1';
    return new InputError(
      `found ${describeNode(offender)} where a number belongs in "${name}"${hint}`,
      offender.start,
      offender.end,
      'not-numeric',
    );
  }
  if (depth > 2) {
    const deep = firstAtDepth(node, 3) ?? node;
    return new InputError(
      `"${name}" must be a ${name === 'labels' ? '1-D array of class indices (N)' : '1-D or 2-D array (N or N×K)'}, found a ${depth}-D array; flatten it, one row per sample`,
      deep.start,
      deep.start + 1,
      'too-many-dims',
    );
  }
  const items = node.items;
  const firstIsArray = items[0].kind !== 'number';
  const odd = items.find((item) => (item.kind !== 'number') !== firstIsArray) ?? node;
  return new InputError(
    `"${name}" mixes numbers and arrays; expected N rows of K numbers${firstIsArray ? '' : ' (or one flat list of numbers)'}`,
    odd.start,
    odd.start + 1,
    'mixed',
  );
}

/** The first node `depth` levels down (the outermost array is level 1). */
function firstAtDepth(node: JsonNode, depth: number): JsonNode | null {
  if (depth === 1) return node;
  if (node.kind === 'array') {
    for (const item of node.items) {
      const found = firstAtDepth(item, depth - 1);
      if (found) return found;
    }
  }
  if (node.kind === 'matrix' && depth === 2 && node.rows > 0)
    return { kind: 'number', value: 0, start: node.rowSpans[0], end: node.rowSpans[1] };
  return null;
}

function nestingDepth(node: JsonNode): number {
  if (node.kind === 'vector') return 1;
  if (node.kind === 'matrix') return 2;
  if (node.kind !== 'array') return 0;
  let max = 0;
  for (const item of node.items) max = Math.max(max, nestingDepth(item));
  return max + 1;
}

function firstNonNumber(node: JsonNode): JsonNode | null {
  if (node.kind === 'number' || node.kind === 'vector' || node.kind === 'matrix') return null;
  if (node.kind === 'array') {
    for (const item of node.items) {
      const found = firstNonNumber(item);
      if (found) return found;
    }
    return null;
  }
  return node;
}

function classNames(node: JsonNode): Roles['classes'] {
  if (node.kind === 'array' && node.items.every((i) => i.kind === 'string')) {
    return { names: node.items.map((i) => (i as { value: string }).value), span: { start: node.start, end: node.end } };
  }
  if (node.kind === 'array' && node.items.length === 0) return { names: [], span: { start: node.start, end: node.end } };
  if (node.kind === 'vector')
    throw new InputError(
      '"classes" must be an array of names in double quotes, such as ["cat", "dog"], found numbers',
      node.start,
      node.end,
      'classes',
    );
  const offender = node.kind === 'array' ? node.items.find((i) => i.kind !== 'string') : undefined;
  if (offender)
    throw new InputError(
      `"classes" must hold names in double quotes, found ${describeNode(offender)}`,
      offender.start,
      offender.end,
      'classes',
    );
  throw new InputError(`"classes" must be an array of names (strings), found ${describeNode(node)}`, node.start, node.end, 'classes');
}
