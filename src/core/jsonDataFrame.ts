/**
 * A DataFrame written by pandas' `to_json`, read as the CSV of the same frame is: its columns
 * named as a CSV header's are (columnNames.ts), in each orient pandas writes:
 *   records  [{"logit_0": 1.2, …, "label": 3}, …]   (lines=True too: JSON Lines of the same)
 *   split    {"columns": [...], "index": [...], "data": [[...], …]}
 *   index    {"img_0.jpg": {"logit_0": 1.2, …}, …}
 *   columns  {"logit_0": {"0": 1.2, …}, …}          (DataFrame.to_json's default)
 *   table    {"schema": {...}, "data": [{"index": 0, "logit_0": 1.2, …}, …]}
 * Each cell keeps its place in the file, so messages, ranges and hovers point at the cell.
 */
import {
  describeNode,
  nthElementSpan,
  type JsonArray,
  type JsonEntry,
  type JsonMatrix,
  type JsonNode,
  type JsonObject,
  type JsonVector,
  type Span,
} from './json';
import type { Located } from './located';
import { InputError } from './problems';
import type { Roles } from './buildDataset';
import { columnRoles, namesAnyColumn, type ColumnPick } from './columnNames';
import { namedLabelsLocated } from './labelNames';
import { isTensorKey } from './tensorKeys';

/** A frame's cells, however the orient lays them out. */
interface Frame {
  names: string[];
  nameSpan(c: number): Span;
  /** Where the names are, for messages: "record 0", "\"columns\"", "the object". */
  where: string;
  rows: number;
  /** A number, the node that is not one, or undefined when row i has no column c. */
  value(i: number, c: number): number | JsonNode | undefined;
  cellSpan(i: number, c: number): Span;
  /** Row i's span as the rows of column c are laid out (a record; a row of "data"; the cell). */
  rowSpan(i: number, c: number): Span;
  /** "record 3", "row 3 of \"data\"", "row \"17\"". */
  rowName(i: number): string;
  /** Why row i has no column c. */
  missing(i: number, c: number): InputError;
}

/** The roles of a DataFrame in one of pandas' JSON orients, or null when `root` is not one. */
export function dataFrameRoles(root: JsonNode, bytes: Uint8Array): Roles | null {
  const frame = frameOf(root, bytes);
  if (!frame) return null;
  const { picks, nearMisses } = columnRoles(frame.names, (c) => frame.nameSpan(c), frame.where);
  if (frame.rows === 0) {
    const span = frame.nameSpan(0);
    throw new InputError(
      `${frame.where} names columns but the frame has no rows (N = 0); write one row per sample`,
      span.start,
      span.end,
      'empty-tensor',
    );
  }
  // Columns, as a CSV's: so messages name them (logit_0…) and rename hints say "column".
  const roles: Roles = { whole: { start: root.start, end: root.end }, format: 'csv', nearMisses };
  for (const pick of picks) {
    const names = pick.role === 'labels' ? labelNamesOf(frame, pick.cols[0]) : null;
    if (names) {
      roles.labels = namedLabelsLocated(pickName(frame, pick), names.spans, roles.whole);
      roles.labelNames = { names: names.names, classesKey: false };
    } else roles[pick.role] = pickLocated(frame, pick);
  }
  return roles;
}

function frameOf(root: JsonNode, bytes: Uint8Array): Frame | null {
  if (root.kind === 'array')
    return objectsOnly(root) && namesAnyColumn(keysOf(root.items[0])) ? recordsFrame(root.items as JsonObject[]) : null;
  // The object of tensors ({"logits": …}) is rolesFromJson's to read and explain.
  if (root.kind !== 'object' || root.entries.length === 0 || root.entries.some((e) => isTensorKey(e.key))) return null;
  const entry = (key: string) => root.entries.find((e) => e.key === key)?.value;
  const columns = entry('columns');
  const data = entry('data');
  if (columns?.kind === 'array' && columns.items.every((c) => c.kind === 'string') && data && columns.items.length > 0) {
    const names = columns.items.map((c) => (c as { value: string }).value);
    return namesAnyColumn(names) ? splitFrame(names, columns, data, bytes) : null;
  }
  if (entry('schema')?.kind === 'object' && data?.kind === 'array' && objectsOnly(data)) {
    return namesAnyColumn(keysOf(data.items[0])) ? recordsFrame(data.items as JsonObject[]) : null;
  }
  if (!root.entries.every((e) => e.value.kind === 'object')) return null;
  const values = root.entries.map((e) => e.value as JsonObject);
  if (namesAnyColumn(root.entries.map((e) => e.key))) return columnsFrame(root, values);
  if (namesAnyColumn(keysOf(values[0]))) return recordsFrame(values, (i) => `row ${JSON.stringify(root.entries[i].key)}`);
  return null;
}

function objectsOnly(array: JsonArray): boolean {
  return array.items.length > 0 && array.items.every((r) => r.kind === 'object');
}

function keysOf(node: JsonNode): string[] {
  return node.kind === 'object' ? node.entries.map((e) => e.key) : [];
}

/** Rows that are objects keyed by column: records, an index orient's values, a table's "data". */
function recordsFrame(records: JsonObject[], rowName = (i: number) => `record ${i}`): Frame {
  const first = records[0];
  const names = first.entries.map((e) => e.key);
  // pandas writes every record's keys in one order: look there first, then by name (the values
  // are read a row at a time, so one row's names are looked up together).
  const byName = new ByName();
  const cell = (i: number, c: number) => {
    const entries = records[i].entries;
    const at = entries[c];
    return at && at.key === names[c] ? at.value : byName.of(i, entries).get(names[c]);
  };
  return {
    names,
    nameSpan: (c) => first.entries[c].keySpan,
    where: rowName(0),
    rows: records.length,
    value: (i, c) => numberOrNode(cell(i, c)),
    cellSpan: (i, c) => cell(i, c) ?? records[i],
    rowSpan: (i) => records[i],
    rowName,
    missing: (i, c) =>
      new InputError(
        `${rowName(i)} has no "${names[c]}", which ${rowName(0)} has; every record needs the same keys`,
        records[i].start,
        records[i].start + 1,
        'no-tensor',
      ),
  };
}

/** orient="split": the names in "columns", one array a row in "data". */
function splitFrame(names: string[], columns: JsonArray, data: JsonNode, bytes: Uint8Array): Frame {
  const rowName = (i: number) => `row ${i} of "data"`;
  const where = '"columns"';
  const nameSpan = (c: number) => columns.items[c];
  if (data.kind === 'matrix') return matrixFrame(names, nameSpan, data, bytes);
  if (data.kind === 'array' && data.items.length === 0) {
    return {
      names,
      nameSpan,
      where,
      rows: 0,
      value: () => undefined,
      cellSpan: () => data,
      rowSpan: () => data,
      rowName,
      missing: () => notRows(data),
    };
  }
  if (data.kind !== 'array' || !data.items.every((r) => r.kind === 'vector' || r.kind === 'array')) throw notRows(data);
  const rows = data.items as (JsonArray | JsonVector)[];
  const lengthOf = (i: number) => (rows[i].kind === 'array' ? (rows[i] as JsonArray).items.length : rows[i].spans.length / 2);
  // A row longer or shorter than "columns" would shift its values under other names.
  const odd = rows.findIndex((_, i) => lengthOf(i) !== names.length);
  if (odd >= 0) throw rowLengthError(odd, lengthOf(odd), names.length, rows[odd]);
  const cell = (i: number, c: number): JsonNode | undefined => {
    const row = rows[i];
    if (row.kind === 'array') return row.items[c];
    return c < row.data.length ? { kind: 'number', value: row.data[c], start: row.spans[2 * c], end: row.spans[2 * c + 1] } : undefined;
  };
  return {
    names,
    nameSpan,
    where,
    rows: rows.length,
    value: (i, c) => numberOrNode(cell(i, c)),
    cellSpan: (i, c) => cell(i, c) ?? rows[i],
    rowSpan: (i) => rows[i],
    rowName,
    missing: (i) => rowLengthError(i, lengthOf(i), names.length, rows[i]),
  };
}

/** "data" all numbers: read from the matrix the parser built, each cell's place found on demand. */
function matrixFrame(names: string[], nameSpan: (c: number) => Span, data: JsonMatrix, bytes: Uint8Array): Frame {
  const rowSpan = (i: number) => ({ start: data.rowSpans[2 * i], end: data.rowSpans[2 * i + 1] });
  const width = (i: number) => data.rowOffsets[i + 1] - data.rowOffsets[i];
  for (let i = 0; i < data.rows; i++) if (width(i) !== names.length) throw rowLengthError(i, width(i), names.length, rowSpan(i));
  return {
    names,
    nameSpan,
    where: '"columns"',
    rows: data.rows,
    value: (i, c) => (c < width(i) ? data.data[data.rowOffsets[i] + c] : undefined),
    cellSpan: (i, c) => nthElementSpan(bytes, data.rowSpans[2 * i], c),
    rowSpan,
    rowName: (i) => `row ${i} of "data"`,
    missing: (i) => rowLengthError(i, width(i), names.length, rowSpan(i)),
  };
}

/** orient="columns": one object a column, keyed by the frame's index. */
function columnsFrame(root: JsonObject, columns: JsonObject[]): Frame {
  const index = columns[0].entries;
  const names = root.entries.map((e) => e.key);
  const byIndex = columns.map(() => new ByName());
  const cell = (i: number, c: number) => {
    const entries = columns[c].entries;
    const at = entries[i];
    return at && at.key === index[i].key ? at.value : byIndex[c].of(c, entries).get(index[i].key);
  };
  const rowName = (i: number) => `row ${JSON.stringify(index[i].key)}`;
  return {
    names,
    nameSpan: (c) => root.entries[c].keySpan,
    where: 'the object',
    rows: index.length,
    value: (i, c) => numberOrNode(cell(i, c)),
    cellSpan: (i, c) => cell(i, c) ?? columns[c],
    rowSpan: (i, c) => cell(i, c) ?? columns[c],
    rowName,
    missing: (i, c) =>
      new InputError(
        `column "${names[c]}" has no ${rowName(i)}, which column "${names[0]}" has; every column needs the same rows`,
        columns[c].start,
        columns[c].start + 1,
        'no-tensor',
      ),
  };
}

/** An object's values by key (its first of a key given twice), for the last object asked about. */
class ByName {
  private object = -1;
  private map = new Map<string, JsonNode>();

  of(object: number, entries: JsonEntry[]): Map<string, JsonNode> {
    if (object !== this.object) {
      this.object = object;
      this.map = new Map();
      for (const e of entries) if (!this.map.has(e.key)) this.map.set(e.key, e.value);
    }
    return this.map;
  }
}

function numberOrNode(node: JsonNode | undefined): number | JsonNode | undefined {
  return node?.kind === 'number' ? node.value : node;
}

function notRows(data: JsonNode): InputError {
  return new InputError(
    `"data" must hold one array a row, as pandas' to_json(orient="split") writes it; found ${describeNode(data)}`,
    data.start,
    data.start + 1,
    'not-numeric',
  );
}

function rowLengthError(i: number, length: number, width: number, span: Span): InputError {
  return new InputError(
    `row ${i} of "data" has ${length} value${length === 1 ? '' : 's'}, but "columns" names ${width}; every row needs one value a column`,
    span.start,
    span.end,
    'ragged',
  );
}

/** The columns of one role as a tensor, named as a CSV's columns are. */
function pickLocated(frame: Frame, { role, cols, vector }: ColumnPick): Located {
  const n = frame.rows;
  const k = cols.length;
  const data = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < k; j++) {
      const v = frame.value(i, cols[j]);
      if (typeof v === 'number') data[i * k + j] = v;
      else throw v === undefined ? frame.missing(i, cols[j]) : notANumber(frame, i, cols[j], v, role);
    }
  }
  const rowSpans = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const { start, end } = frame.rowSpan(i, cols[0]);
    rowSpans[2 * i] = start;
    rowSpans[2 * i + 1] = end;
  }
  return {
    name: pickName(frame, { role, cols, vector }),
    rows: n,
    cols: k,
    vector,
    data,
    span: { start: rowSpans[0], end: rowSpans[2 * n - 1] },
    rowSpans,
    elementSpan: (i, j) => frame.cellSpan(i, cols[j]),
  };
}

/** As a CSV's columns are named: `columns logit_0…logit_9`, `column "label"`. */
function pickName(frame: Frame, { cols, vector }: ColumnPick): string {
  const first = frame.names[cols[0]].trim();
  const last = frame.names[cols[cols.length - 1]].trim();
  return vector ? `column "${first}"` : cols.length === 1 ? `column ${first}` : `columns ${first}…${last}`;
}

/** Column c's labels when they are class names (its first is a string), with each one's place; else null. */
function labelNamesOf(frame: Frame, c: number): { names: string[]; spans: Float64Array } | null {
  const first = frame.value(0, c);
  if (typeof first !== 'object' || first.kind !== 'string') return null;
  const names: string[] = [];
  const spans = new Float64Array(2 * frame.rows);
  for (let i = 0; i < frame.rows; i++) {
    const v = frame.value(i, c);
    if (v === undefined) throw frame.missing(i, c);
    const span = frame.cellSpan(i, c);
    if (typeof v !== 'object' || v.kind !== 'string') {
      const what = typeof v === 'number' ? `the number ${v}` : describeNode(v);
      throw new InputError(
        `${frame.rowName(i)}: "${frame.names[c]}" is ${what}; it must be a class name in quotes, as ${frame.rowName(0)}'s is`,
        span.start,
        span.end,
        'not-numeric',
      );
    }
    names.push(v.value);
    spans[2 * i] = span.start;
    spans[2 * i + 1] = span.end;
  }
  return { names, spans };
}

function notANumber(frame: Frame, i: number, c: number, node: JsonNode, role: ColumnPick['role']): InputError {
  const hint =
    node.kind === 'null'
      ? '; a missing value (NaN) cannot be analysed: fill it in or drop the sample'
      : node.kind === 'string' && node.value.trim() !== '' && !Number.isNaN(Number(node.value))
        ? '; remove the quotes to make it a number'
        : role === 'labels'
          ? ' (a label is a class index 0…K−1)'
          : '';
  const span = frame.cellSpan(i, c);
  return new InputError(
    `${frame.rowName(i)}: "${frame.names[c]}" is ${describeNode(node)}; it must be a number${hint}`,
    span.start,
    span.end,
    'not-numeric',
  );
}
