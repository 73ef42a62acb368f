/**
 * The user's own derivatives, read beside the data they belong to: `dinputs` (alias `dlogits`),
 * `jacobian` (+ `sample`) or `jacobians`, and in a network file each layer's `dweights` /
 * `dbiases` and a top-level `dinputs`. CSV: columns dinput_0… (alias dlogit_0…). .npz: arrays
 * named as in JSON. Every entry keeps its [start, end) in the file, so a wrong one can be
 * underlined where it is written. Reading never fails the file: a tensor that cannot be read
 * becomes a warning and is left out of the check.
 */
import { cellEnd, type CsvTable } from './csv';
import { describeNode, type JsonMatrix, type JsonNode, type JsonObject } from './json';
import { findEntry } from './jsonRoles';
import type { NpyArray } from './npy';
import { problem, type Problem } from './problems';

export type UserGradientKind = 'dinputs' | 'jacobian' | 'jacobians' | 'dweights' | 'dbiases';

export interface UserTensor {
  kind: UserGradientKind;
  /** As the file names it: "dinputs", "dlogits", "dinput_0…dinput_2", "layer 1 dweights". */
  name: string;
  /** 0-based layer for dweights / dbiases, else -1. */
  layer: number;
  /** The sample of a single `jacobian` (from "sample", default 0), else -1. */
  sample: number;
  /** Shape as written. */
  shape: number[];
  data: Float64Array;
  /** [start, end) per entry in row-major order, or null (NumPy arrays have no text position). */
  spans: Float64Array | null;
  span: { start: number; end: number };
  /** CSV entries are named by column and sample; JSON and NumPy ones by index. */
  format: 'json' | 'csv' | 'npz';
  /** CSV: the header name of each column, for messages. */
  columns?: string[];
}

export interface UserGradients {
  tensors: UserTensor[];
  /** From the file: `"reduction": "sum"` says the derivatives are of the summed loss. */
  reduction?: 'mean' | 'sum';
  problems: Problem[];
}

const INPUT_KEYS = ['dinputs', 'dlogits'];

/** The load result with the user's derivatives attached (when the file has any) and their reading problems. */
export function withUserGradients<T extends { problems: Problem[]; userGradients?: UserGradients }>(result: T, user: UserGradients): T {
  if (user.tensors.length === 0 && user.problems.length === 0) return result;
  return { ...result, problems: result.problems.concat(user.problems), userGradients: user };
}

// ---- JSON ---------------------------------------------------------------------------------

export function userGradientsFromJson(root: JsonNode, bytes: Uint8Array): UserGradients {
  const out: UserGradients = { tensors: [], problems: [] };
  if (root.kind !== 'object') return out;
  const keys = INPUT_KEYS.filter((k) => findEntry(root, k));
  if (keys.length > 1) {
    const second = root.entries.find((e) => e.key === keys[1])!;
    out.problems.push(
      problem(
        `both "dinputs" and "dlogits" are given; they name the same derivative, so only "dinputs" is checked`,
        second.keySpan.start,
        second.keySpan.end,
        'user-gradient',
        'warning',
      ),
    );
  }
  if (keys.length > 0) push(out, jsonTensor('dinputs', keys[0], findEntry(root, keys[0])!, bytes, -1, -1, out.problems));
  const reduction = findEntry(root, 'reduction');
  if (reduction?.kind === 'string' && (reduction.value === 'sum' || reduction.value === 'mean')) out.reduction = reduction.value;
  const jacobian = findEntry(root, 'jacobian');
  if (jacobian) push(out, jsonTensor('jacobian', 'jacobian', jacobian, bytes, -1, readSample(root, out.problems), out.problems));
  const jacobians = findEntry(root, 'jacobians');
  if (jacobians) push(out, jsonTensor('jacobians', 'jacobians', jacobians, bytes, -1, -1, out.problems));
  const network = findEntry(root, 'network');
  const layers = network?.kind === 'object' ? findEntry(network, 'layers') : undefined;
  if (layers?.kind === 'array') {
    layers.items.forEach((layer, l) => {
      if (layer.kind !== 'object') return;
      for (const key of ['dweights', 'dbiases'] as const) {
        const node = findEntry(layer, key);
        if (node) push(out, jsonTensor(key, `layer ${l + 1} ${key}`, node, bytes, l, -1, out.problems));
      }
    });
  }
  return out;
}

function push(out: UserGradients, t: UserTensor | null): void {
  if (t) out.tensors.push(t);
}

function readSample(root: JsonObject, problems: Problem[]): number {
  const node = findEntry(root, 'sample');
  if (!node) return 0;
  if (node.kind === 'number' && Number.isInteger(node.value) && node.value >= 0) return node.value;
  problems.push(
    problem(
      `"sample" must be a sample index (0, 1, …) saying whose Jacobian "jacobian" is, found ${describeNode(node)}; sample 0 is used`,
      node.start,
      node.end,
      'user-gradient',
      'warning',
    ),
  );
  return 0;
}

/** A 1-, 2- or 3-D array of numbers with the span of each entry, or null with a warning. */
function jsonTensor(
  kind: UserGradientKind,
  name: string,
  node: JsonNode,
  bytes: Uint8Array,
  layer: number,
  sample: number,
  problems: Problem[],
): UserTensor | null {
  const base = { kind, name, layer, sample, span: { start: node.start, end: node.end }, format: 'json' as const };
  if (node.kind === 'number')
    return { ...base, shape: [], data: Float64Array.of(node.value), spans: Float64Array.of(node.start, node.end) };
  if (node.kind === 'vector') return { ...base, shape: [node.data.length], data: node.data, spans: node.spans };
  if (node.kind === 'matrix') {
    if (node.cols < 0) return skip(problems, `the rows of "${name}" have different lengths; it is not checked`, node);
    return { ...base, shape: [node.rows, node.cols], data: node.data, spans: matrixElementSpans(bytes, node) };
  }
  if (node.kind === 'array' && node.items.length > 0 && node.items.every((m) => m.kind === 'matrix')) {
    const mats = node.items as JsonMatrix[];
    const [r, c] = [mats[0].rows, mats[0].cols];
    const odd = mats.find((m) => m.rows !== r || m.cols !== c || m.cols < 0);
    if (odd) return skip(problems, `the matrices of "${name}" differ in shape; each must be ${r} × ${c}; it is not checked`, odd);
    const data = new Float64Array(mats.length * r * c);
    const spans = new Float64Array(2 * data.length);
    mats.forEach((m, i) => {
      data.set(m.data, i * r * c);
      spans.set(matrixElementSpans(bytes, m), 2 * i * r * c);
    });
    return { ...base, shape: [mats.length, r, c], data, spans };
  }
  if (node.kind === 'array' && node.items.length === 0)
    return { ...base, shape: [0], data: new Float64Array(0), spans: new Float64Array(0) };
  return skip(
    problems,
    `"${name}" must be an array of numbers (your derivatives), found ${node.kind === 'array' ? 'an array of other things' : describeNode(node)}; it is not checked`,
    node,
  );
}

function skip(problems: Problem[], message: string, at: { start: number; end: number }): null {
  problems.push(problem(message, at.start, at.end, 'user-gradient', 'warning'));
  return null;
}

/** [start, end) of every number of a JSON matrix, one pass over each row. */
function matrixElementSpans(bytes: Uint8Array, m: JsonMatrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols * 2);
  const isGap = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 44;
  for (let r = 0; r < m.rows; r++) {
    let i = m.rowSpans[2 * r] + 1;
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

// ---- CSV ----------------------------------------------------------------------------------

/** Columns dinput_0… (or dlogit_0…), read before the role reader may reuse the table's buffer. */
export function userGradientsFromCsv(table: CsvTable, bytes: Uint8Array): UserGradients {
  const out: UserGradients = { tensors: [], problems: [] };
  const index = new Map<string, number>();
  table.columns.forEach((c, i) => index.set(c.trim().toLowerCase(), i));
  const prefix = ['dinput', 'dlogit'].find((p) => index.has(`${p}_0`));
  if (!prefix) return out;
  const cols: number[] = [];
  for (let j = 0; index.has(`${prefix}_${j}`); j++) cols.push(index.get(`${prefix}_${j}`)!);
  const n = table.rows;
  const k = cols.length;
  const width = table.columns.length;
  const data = new Float64Array(n * k);
  for (let i = 0; i < n; i++) for (let j = 0; j < k; j++) data[i * k + j] = table.data[i * width + cols[j]];
  const spans = new Float64Array(2 * n * k);
  const delimiter = table.delimiter.charCodeAt(0);
  const cellStarts = new Float64Array(width + 1);
  for (let i = 0; i < n; i++) {
    // One pass per row: where each cell starts; then trim the padding of the wanted ones.
    const rowStart = table.rowSpans[2 * i];
    const rowEnd = table.rowSpans[2 * i + 1];
    let c = 0;
    cellStarts[0] = rowStart;
    // Cell by cell: a quoted cell of a column no role reads (a file name) may hold the delimiter.
    for (let at = rowStart; at < rowEnd && c < width;) {
      const end = cellEnd(bytes, at, delimiter);
      if (end >= rowEnd) break;
      cellStarts[++c] = at = end + 1;
    }
    for (let x = c + 1; x <= width; x++) cellStarts[x] = rowEnd + 1;
    for (let j = 0; j < k; j++) {
      let s = cellStarts[cols[j]];
      let e = Math.min(cellStarts[cols[j] + 1] - 1, rowEnd);
      while (s < e && (bytes[s] === 32 || bytes[s] === 9)) s++;
      while (e > s && (bytes[e - 1] === 32 || bytes[e - 1] === 9)) e--;
      spans[2 * (i * k + j)] = Math.min(s, rowEnd);
      spans[2 * (i * k + j) + 1] = Math.max(Math.min(e, rowEnd), Math.min(s, rowEnd));
    }
  }
  const names = cols.map((c) => table.columns[c].trim());
  const span = { start: table.columnSpans[2 * cols[0]], end: table.columnSpans[2 * cols[k - 1] + 1] };
  out.tensors.push({
    kind: 'dinputs',
    name: k === 1 ? names[0] : `${names[0]}…${names[k - 1]}`,
    layer: -1,
    sample: -1,
    shape: [n, k],
    data,
    spans,
    span,
    format: 'csv',
    columns: names,
  });
  return out;
}

// ---- NumPy ----------------------------------------------------------------------------------

export const USER_GRADIENT_ARRAYS = ['dinputs', 'dlogits', 'jacobian', 'jacobians', 'sample'];

export function userGradientsFromNpz(arrays: Map<string, NpyArray>): UserGradients {
  const out: UserGradients = { tensors: [], problems: [] };
  const zero = { start: 0, end: 0 };
  const numeric = (name: string): NpyArray | null => {
    const a = arrays.get(name);
    if (!a) return null;
    if (a.kind === 'string') {
      out.problems.push(problem(`array "${name}" holds strings, not derivatives; it is not checked`, 0, 0, 'user-gradient', 'warning'));
      return null;
    }
    return a;
  };
  const tensor = (kind: UserGradientKind, name: string, a: NpyArray, sample = -1): UserTensor => ({
    kind,
    name,
    layer: -1,
    sample,
    shape: a.shape,
    data: a.data,
    spans: null,
    span: zero,
    format: 'npz',
  });
  const input = INPUT_KEYS.map((k) => [k, numeric(k)] as const).find(([, a]) => a);
  if (input) out.tensors.push(tensor('dinputs', input[0], input[1]!));
  const jacobian = numeric('jacobian');
  const sampleArray = numeric('sample');
  const sample =
    sampleArray && sampleArray.data.length === 1 && Number.isInteger(sampleArray.data[0]) && sampleArray.data[0] >= 0
      ? sampleArray.data[0]
      : 0;
  if (jacobian) out.tensors.push(tensor('jacobian', 'jacobian', jacobian, sample));
  const jacobians = numeric('jacobians');
  if (jacobians) out.tensors.push(tensor('jacobians', 'jacobians', jacobians));
  return out;
}
