/**
 * Reads the roles of a JSON tensor file (`logits`, `labels`, ...) out of the parsed tree,
 * explaining any value that is not a tensor of numbers.
 */
import type { JsonMatrix, JsonNode, JsonObject, JsonVector } from './json';
import type { Located } from './located';
import { InputError } from './problems';
import type { Roles } from './roles';

export const TENSOR_KEYS = ['logits', 'probabilities', 'predictions', 'labels', 'targets'] as const;
type TensorKey = (typeof TENSOR_KEYS)[number];

export function rolesFromJson(root: JsonNode, bytes: Uint8Array): Roles {
  if (root.kind !== 'object') {
    throw new InputError(`expected a JSON object such as {"logits": [[...]], "labels": [...]}, found ${describeNode(root)}`, root.start, Math.min(root.end, root.start + 1), 'not-object');
  }
  const roles: Roles = { whole: { start: root.start, end: root.end } };
  for (const entry of root.entries) {
    const key = entry.key as TensorKey | 'classes';
    if (key === 'classes') roles.classes = classNames(entry.value);
    else if ((TENSOR_KEYS as readonly string[]).includes(key)) roles[key as TensorKey] = toLocated(key, entry.value, bytes, key === 'labels');
  }
  if (roles.logits && roles.probabilities) roles.probabilities = undefined; // logits are the more exact input
  return roles;
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
    return { name, rows: 0, cols: 0, vector: true, data: new Float64Array(0), span: { start: node.start, end: node.end }, rowSpans: new Float64Array(0), elementSpan: () => ({ start: node.start, end: node.end }) };
  }
  if (node.kind === 'number' && oneDimensional) {
    // A single label for a single sample.
    const span = { start: node.start, end: node.end };
    return { name, rows: 1, cols: 1, vector: true, data: Float64Array.of(node.value), span, rowSpans: Float64Array.of(node.start, node.end), elementSpan: () => span };
  }
  throw notNumeric(name, node);
}

function vectorLocated(name: string, node: JsonVector, bytes: Uint8Array, oneDimensional: boolean): Located {
  const n = node.data.length;
  const span = { start: node.start, end: node.end };
  if (oneDimensional || name === 'predictions' || name === 'targets') {
    return { name, rows: n, cols: 1, vector: true, data: node.data, span, rowSpans: node.spans, elementSpan: (i) => ({ start: node.spans[2 * i], end: node.spans[2 * i + 1] }) };
  }
  // A single sample written as a flat list of logits or probabilities: one row of K.
  return { name, rows: 1, cols: n, vector: false, data: node.data, span, rowSpans: Float64Array.of(node.start, node.end), elementSpan: (_i, j) => ({ start: node.spans[2 * j], end: node.spans[2 * j + 1] }) };
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

/** Span of the j-th number inside the flat JSON array that starts at `rowStart`. */
export function nthElementSpan(b: Uint8Array, rowStart: number, j: number): { start: number; end: number } {
  let i = rowStart + 1;
  let index = 0;
  for (;;) {
    while (b[i] === 32 || b[i] === 9 || b[i] === 10 || b[i] === 13) i++;
    const start = i;
    while (i < b.length && b[i] !== 44 && b[i] !== 93 && b[i] !== 32 && b[i] !== 10 && b[i] !== 13 && b[i] !== 9) i++;
    if (index === j || i >= b.length) return { start, end: i };
    while (b[i] !== 44 && b[i] !== 93 && i < b.length) i++;
    if (b[i] === 93) return { start, end: i };
    i++;
    index++;
  }
}

function raggedError(name: string, node: JsonMatrix): InputError {
  const expected = node.rowOffsets[1] - node.rowOffsets[0];
  for (let r = 1; r < node.rows; r++) {
    const len = node.rowOffsets[r + 1] - node.rowOffsets[r];
    if (len !== expected) {
      return new InputError(`row ${r} of "${name}" has ${len} value${len === 1 ? '' : 's'}, expected ${expected} like row 0`, node.rowSpans[2 * r], node.rowSpans[2 * r + 1], 'ragged');
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
  if (depth > 2) return new InputError(`"${name}" must be a 1-D or 2-D array (N or N×K), found a ${depth}-D array`, node.start, node.start + 1, 'too-many-dims');
  const offender = firstNonNumber(node);
  if (offender) {
    const hint = offender.kind === 'string' && !Number.isNaN(Number(offender.value)) && offender.value.trim() !== '' ? `; remove the quotes to make it a number` : '';
    return new InputError(`${describeNode(offender)} in "${name}" where a number belongs${hint}`, offender.start, offender.end, 'not-numeric');
  }
  return new InputError(`"${name}" mixes numbers and arrays; expected N rows of K numbers`, node.start, node.start + 1, 'mixed');
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
  throw new InputError(`"classes" must be an array of names (strings), found ${describeNode(node)}`, node.start, node.end, 'classes');
}

export function describeNode(node: JsonNode): string {
  switch (node.kind) {
    case 'string':
      return `the string ${JSON.stringify(node.value.length > 40 ? node.value.slice(0, 40) + '…' : node.value)}`;
    case 'number':
      return `the number ${node.value}`;
    case 'true':
    case 'false':
      return `the boolean ${node.kind}`;
    case 'null':
      return 'null';
    case 'object':
      return 'an object';
    default:
      return 'an array';
  }
}
