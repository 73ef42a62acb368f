/**
 * A JSON file of one object per sample, `[{"logits": [...], "label": 3}, …]` (what a loop that
 * appends a dict per sample and then calls json.dump writes), read as the object of tensors the
 * roles take: {"logits": [[...], …], "labels": [...]}. Each record's value keeps its own place in
 * the file, so every message, range and hover points into the record it came from.
 */
import { describeNode, type JsonArray, type JsonEntry, type JsonMatrix, type JsonNode, type JsonObject, type JsonVector } from './json';
import { InputError } from './problems';
import { PRIMARY_TENSOR_KEYS } from './tensorKeys';

/** A record's key and the tensor it gives: one value per record, so a singular name is the plural's. */
const TENSOR_OF_KEY = new Map([
  ['logits', 'logits'],
  ['probabilities', 'probabilities'],
  ['log_probabilities', 'log_probabilities'],
  ['predictions', 'predictions'],
  ['prediction', 'predictions'],
  ['labels', 'labels'],
  ['label', 'labels'],
  ['targets', 'targets'],
  ['target', 'targets'],
]);

/** Whether a record's key names one of its tensors (TENSOR_OF_KEY), not a key passed over. */
export function isRecordTensorKey(key: string): boolean {
  return TENSOR_OF_KEY.has(key);
}

/** The key of a training run's manifest line (src/core/trainingRun.ts). */
export const RUN_MANIFEST_KEY = 'gradientLensRun';

/**
 * The records as one object of tensors, or null when `root` is not an array of objects whose
 * first names logits, probabilities, predictions or log-probabilities (a record of `logit_0`…
 * keys is a DataFrame's, jsonDataFrame.ts). Every record must have each tensor key the first
 * has, holding what the first holds (a number, an array of numbers, or for a label a class name);
 * other keys (an id, a file name) are passed over.
 */
export function recordsAsTensors(root: JsonArray): JsonObject | null {
  const records = root.items;
  if (records.length === 0 || records.some((r) => r.kind !== 'object')) return null;
  const first = records[0] as JsonObject;
  const taken = first.entries.filter((e) => TENSOR_OF_KEY.has(e.key));
  if (!taken.some((e) => PRIMARY_TENSOR_KEYS.has(TENSOR_OF_KEY.get(e.key)!))) return null;
  const entries: JsonEntry[] = taken.map((e) => ({
    key: TENSOR_OF_KEY.get(e.key)!,
    keySpan: e.keySpan,
    value: column(records as JsonObject[], e.key),
  }));
  return { kind: 'object', start: root.start, end: root.end, entries };
}

/** An array of objects none of whose first names a tensor (recordsAsTensors' null, said so). */
export function recordsWithoutTensors(root: JsonNode): boolean {
  return root.kind === 'array' && root.items.length > 0 && root.items.every((r) => r.kind === 'object');
}

/** A training run's manifest read as JSON Lines: its first line has "gradientLensRun" (src/core/trainingRun.ts). */
export function isRunManifest(root: JsonNode): boolean {
  const first = root.kind === 'array' ? root.items[0] : undefined;
  return first?.kind === 'object' && first.entries.some((e) => e.key === RUN_MANIFEST_KEY);
}

/**
 * The records' values of `key` as one vector (numbers) or one matrix (arrays of numbers, rows maybe
 * ragged); labels written as class names as an array of the strings (labelNames.ts numbers them).
 */
function column(records: JsonObject[], key: string): JsonVector | JsonMatrix | JsonArray {
  const values = records.map((record, i) => {
    const entry = record.entries.find((e) => e.key === key);
    if (!entry) {
      throw new InputError(
        `record ${i} has no "${key}", which record 0 has; every record needs the same keys`,
        record.start,
        record.start + 1,
        'no-tensor',
      );
    }
    return entry.value;
  });
  const numbers = values[0].kind === 'number';
  const names = values[0].kind === 'string' && TENSOR_OF_KEY.get(key) === 'labels';
  const kind = numbers ? 'number' : names ? 'string' : 'vector';
  const wrong = values.findIndex((v) => v.kind !== kind);
  if (wrong >= 0) {
    const v = values[wrong];
    const as = numbers ? 'a number' : names ? 'a class name in quotes' : 'a flat array of numbers';
    const want = wrong === 0 ? 'a number or a flat array of numbers' : `${as}, as record 0's is`;
    const label = TENSOR_OF_KEY.get(key) === 'labels' && !names ? ' (a label is a class index 0…K−1)' : '';
    throw new InputError(`record ${wrong}: "${key}" is ${what(v)}; it must be ${want}${label}`, v.start, v.end, 'not-numeric');
  }
  const start = values[0].start;
  const end = values[values.length - 1].end;
  if (names) return { kind: 'array', start, end, items: values };
  if (numbers) {
    const data = Float64Array.from(values, (v) => (v as { value: number }).value);
    const spans = new Float64Array(2 * values.length);
    values.forEach((v, i) => spans.set([v.start, v.end], 2 * i));
    return { kind: 'vector', start, end, data, spans };
  }
  const rows = values as JsonVector[];
  const rowOffsets = new Float64Array(rows.length + 1);
  rows.forEach((r, i) => (rowOffsets[i + 1] = rowOffsets[i] + r.data.length));
  const data = new Float64Array(rowOffsets[rows.length]);
  const rowSpans = new Float64Array(2 * rows.length);
  rows.forEach((r, i) => {
    data.set(r.data, rowOffsets[i]);
    rowSpans.set([r.start, r.end], 2 * i);
  });
  const cols = rows.every((r) => r.data.length === rows[0].data.length) ? rows[0].data.length : -1;
  return { kind: 'matrix', start, end, rows: rows.length, cols, data, rowOffsets, rowSpans };
}

/** describeNode, and what an array holds when it is not a flat array of numbers. */
function what(node: JsonNode): string {
  if (node.kind === 'matrix') return 'an array of arrays';
  if (node.kind === 'array') return node.items.length === 0 ? 'an empty array' : 'an array that is not all numbers';
  return describeNode(node);
}
