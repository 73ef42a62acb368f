/**
 * A file of JSON records (`[{"logits": […], "label": 3}, …]`, or one a line) cut into parts for
 * threads (issue 22), as a CSV is cut: a record holds no '}' but its last byte (the records the
 * stream takes: src/core/recordStream.ts), so each cut is just after one, and each part's records
 * are its '}'s, counted before the parts are read (on threads when there are threads), which gives
 * N. A part that is not such records fails the whole file, and the full reader reports it.
 */
import { indexOfByte } from '../core/byteSearch';
import { parseJson } from '../core/json';
import { HeadCursor } from '../core/headCursor';
import { isSpace } from '../core/jsonClasses';
import { readAt, type ChunkFile } from './chunkFile';
import { plainCells, plainRecordKeys } from '../core/recordStream';
import { isRowKey, LABEL_COLUMN, recordColumns, type RecordColumns } from '../core/recordColumns';
import {
  countParts,
  firstRowsOf,
  jsonCuts,
  planJsonParts,
  type PartCounter,
  type PartJob,
  type PartPlan,
  type PartsFormat,
} from './summaryParts';
import { planColumnsFrame } from './columnsFrameParts';

const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;

/**
 * Whether a file the parts readers take holds records, and how: one a line (JSON Lines), or in an
 * array (a JSON whose first byte is '[': the object layout's plan, planJsonParts, takes none).
 */
export function recordsLayout(f: ChunkFile, format: PartsFormat): { lines: boolean } | null {
  if (format === 'jsonl') return { lines: true };
  return format === 'json' && readAt(f, 0, Math.min(f.size, 1))[0] === 91 ? { lines: false } : null;
}

/**
 * The plan of a JSON the parts readers take, by its layout: records (`records`, recordsLayout's:
 * an array, or one a line), the object of tensors (planJsonParts), a DataFrame's records in an
 * object (the index, table and split orients) or its columns (planColumnsFrame); else null.
 * `logProbabilities`: the object's "log_probabilities" rows are taken too (`analyze --summary`).
 */
export function planJsonFile(
  path: string,
  f: ChunkFile,
  parts: (rowBytes: number) => number,
  records: { lines: boolean } | null,
  {
    countOn,
    probabilities,
    logProbabilities,
    classNames,
  }: Pick<RecordPlanOptions, 'countOn' | 'probabilities' | 'classNames'> & { logProbabilities?: boolean },
): PartPlan | null {
  if (records) return planRecordParts(path, f, parts, { lines: records.lines, countOn, probabilities, classNames });
  return (
    planJsonParts(path, f, parts, { probabilities, logProbabilities }) ??
    planRecordParts(path, f, parts, { lines: false, frame: true, countOn, probabilities, classNames }) ??
    planColumnsFrame(path, f, { probabilities, classNames })
  );
}

/** How planRecordParts plans. */
interface RecordPlanOptions {
  lines: boolean;
  frame?: boolean;
  countOn?: PartCounter;
  probabilities?: boolean;
  /** The class names the full reader would number labels written as names by (null: it would not read them without a word). */
  classNames?: (k: number) => readonly string[] | null;
}

/**
 * Parts of a file of records that starts as the stream takes one (`[{` or, `lines`, `{` with no
 * white space before, the first record's row key "logits", or "probabilities" when
 * `probabilities`), with each part's records counted; or null. When the first record's label is
 * in quotes, the labels are class names (the full reader's rule, jsonRecords.ts), numbered by
 * `classNames(K)`; null when it gives none. `frame`: a JSON object that holds a DataFrame's
 * records, in pandas' index orient (`{"0": {…}, …}`), table orient (`{"schema": {…}, "data":
 * [{…}, …]}`) or split orient (`{"columns": […], "index": […], "data": [[…], …]}`, a row an array).
 */
export function planRecordParts(
  path: string,
  f: ChunkFile,
  parts: (rowBytes: number) => number,
  { lines, frame = false, countOn, probabilities: takeProbabilities = false, classNames }: RecordPlanOptions,
): PartPlan | null {
  // The first record: 64 KB holds K ≈ 6,000 logits; up to 16 MB is looked at (fresh pages are slow to touch here).
  let head: Uint8Array = new Uint8Array(0);
  let start: RecordsStart | typeof MORE | null = MORE;
  for (let size = 1 << 16; start === MORE && head.length < Math.min(f.size, 16 << 20); size *= 4) {
    head = readAt(f, 0, Math.min(f.size, size, 16 << 20));
    start = frame ? frameRecordsStart(head) : lines ? { rowsStart: 0, recordAt: 0 } : arrayRecordsStart(head);
    if (start && start !== MORE && indexOfByte(head, start.split ? CLOSE_BRACKET : CLOSE_BRACE, start.recordAt) < 0) start = MORE;
  }
  if (!start || start === MORE || head[start.recordAt] !== (start.split ? 91 : 123)) return null;
  const { rowsStart, recordAt, keyed, named, split } = start;
  const inObject = start.table || split !== undefined;
  // A record's closing byte: each cuts the file, and counts its records.
  const close = split ? CLOSE_BRACKET : CLOSE_BRACE;
  const shape = split ? firstRowShape(head, recordAt, split) : firstRecordShape(head, recordAt);
  // A DataFrame's cells are numbers: a row of targets is records' only.
  if (!shape || (shape.probabilities && !takeProbabilities) || (shape.targets && frame) || (frame && !shape.columns)) return null;
  const { k, probabilities, namedLabels, columns, targets } = shape;
  const labelNames = namedLabels ? classNames?.(k) : undefined;
  if (namedLabels && !labelNames) return null;
  const cuts = jsonCuts(f, rowsStart, f.size, Math.max(1, parts(f.size - rowsStart)), close).concat(f.size);
  const counts = countParts(
    f,
    cuts.slice(0, -1).map((start, i): PartJob => ({ path, start, end: cuts[i + 1], k: 0, final: false, countByte: close })),
    countOn,
  );
  if (!counts) return null;
  // The frame's own '}' closes the file, after a record's '}' (index) or the records' ']'. One
  // byte counted closes no record: that '}' (index, table), or the records' ']' (split, which
  // counts ']'). The plan checks it is there: a part would otherwise read more records than counted.
  if (frame && (!frameCloses(f, keyed ? CLOSE_BRACE : CLOSE_BRACKET) || --counts[counts.length - 1] < 0)) return null;
  const n = counts.reduce((a, b) => a + b, 0);
  const firstRows = firstRowsOf(counts);
  const marks: Pick<PartPlan, 'input' | 'labelNames'> = {
    ...(probabilities && { input: 'probabilities' }),
    ...(labelNames && { labelNames }),
  };
  const jobs = cuts.slice(0, -1).map((start, i): PartJob => ({
    path,
    start,
    end: cuts[i + 1],
    k,
    final: i + 2 === cuts.length,
    records: {
      lines,
      first: i === 0,
      ...(columns && { columns }),
      ...(keyed && { keyed: { firstRow: firstRows[i], ...(named && { named }) } }),
      ...(inObject && { inObject }),
      ...(split && { cells: true }),
      ...(targets && { targets }),
    },
    ...marks,
  }));
  const records = { lines, ...(columns && { columns }), ...(targets && { targets }) };
  return { k, n, rowsStart, jobs, rows: counts, firstRows, tail: null, records, ...marks };
}

/** The head read does not hold the first record (or a table's schema) whole. */
const MORE = Symbol('a longer head');

/** Where a file's records start: the first part's offset, and the first record's '{' (a split row's '['). */
interface RecordsStart {
  rowsStart: number;
  recordAt: number;
  /** pandas' index orient: each record after its row's key ("0"…, or `named`: any that names no column). */
  keyed?: boolean;
  named?: boolean;
  /** pandas' table orient: the records in "data", after "schema". */
  table?: boolean;
  /** pandas' split orient: the columns' names; the rows, arrays, in "data". */
  split?: string[];
}

/** An array of records: `[`, white space, the first record. */
function arrayRecordsStart(head: Uint8Array): RecordsStart | null {
  if (head[0] !== 91) return null;
  let at = 1;
  while (at < head.length && isSpace(head[at])) at++;
  return { rowsStart: 1, recordAt: at };
}

/**
 * A DataFrame's records in a JSON object: `{"0": {` (the index orient, its first row's key),
 * `{"schema": {…}, "data": [{` (the table orient; its schema JSON the full reader reads without a
 * word) or `{"columns": …` (the split orient: splitRowsStart), white space between; MORE when the
 * schema does not end in the head; else null.
 */
function frameRecordsStart(head: Uint8Array): RecordsStart | typeof MORE | null {
  if (head[0] !== 123) return null;
  const c = new HeadCursor(head, 1);
  if (c.word('"0"')) return c.word(':') && c.next() === 123 ? { rowsStart: 1, recordAt: c.at, keyed: true } : null;
  if (c.word('"columns"')) return splitRowsStart(c);
  if (!c.word('"schema"')) {
    // The index orient with an index of names: its first key names no column (else the frame is by column).
    const start = c.next() === 34 ? c.at : -1;
    const end = start < 0 ? -1 : c.key();
    if (end < 0 || c.next() !== 123) return null;
    // A key the full reader refuses (a control character, invalid UTF-8) is its to report.
    const bytes = head.subarray(start, end);
    const key: unknown = readsCleanly(bytes) ? JSON.parse(Buffer.from(bytes).toString()) : null;
    return typeof key === 'string' && isRowKey(key) ? { rowsStart: 1, recordAt: c.at, keyed: true, named: true } : null;
  }
  if (!c.word(':')) return null;
  const schema = cleanValue(c, 123);
  if (!schema || schema === MORE) return schema;
  if (!c.word(',') || !c.word('"data"') || !c.word(':') || !c.word('[')) return null;
  const rowsStart = c.at;
  c.next();
  return { rowsStart, recordAt: c.at, table: true };
}

/**
 * pandas' split orient after its `{"columns"` (the cursor there): `: [names]`, then `, "index":
 * [...]` (or none: index=False), then `, "data": [`, the names and the index JSON the full reader
 * reads without a word; MORE when they do not end in the head; else null.
 */
function splitRowsStart(c: HeadCursor): RecordsStart | typeof MORE | null {
  if (!c.word(':')) return null;
  const names = cleanValue(c, 91);
  if (!names || names === MORE) return names;
  const list: unknown = JSON.parse(Buffer.from(names).toString());
  if (!Array.isArray(list) || !list.every((name) => typeof name === 'string') || !c.word(',')) return null;
  if (c.word('"index"')) {
    if (!c.word(':')) return null;
    const index = cleanValue(c, 91);
    if (!index || index === MORE) return index;
    if (!c.word(',')) return null;
  }
  if (!c.word('"data"') || !c.word(':') || !c.word('[')) return null;
  const rowsStart = c.at;
  c.next();
  return { rowsStart, recordAt: c.at, split: list as string[] };
}

/**
 * The object (`open` '{') or array ('[') at the cursor, which moves past it, when the full
 * reader's parser reads it without a word; MORE when it does not end in the head; else null.
 */
function cleanValue(c: HeadCursor, open: number): Uint8Array | typeof MORE | null {
  if (c.next() !== open) return null;
  const end = jsonValueEnd(c.b, c.at);
  if (end < 0) return MORE;
  const bytes = c.b.subarray(c.at, end);
  c.at = end;
  return readsCleanly(bytes) ? bytes : null;
}

/**
 * The shape of the split orient's first row at head[at] ('['), its cells named by `names`: the
 * columns (recordColumns.ts), and whether its label is a name; null when the names are not a
 * frame of logits the stream takes, or the row is not plain values (one a name), or its ']' is
 * not in the head.
 */
function firstRowShape(head: Uint8Array, at: number, names: string[]): RecordShape | null {
  const columns = recordColumns(names);
  const close = indexOfByte(head, CLOSE_BRACKET, at);
  if (!columns || close < 0) return null;
  const cells = plainCells(head, at, close);
  if (!cells || cells.length !== names.length) return null;
  const label = cells[columns.places.indexOf(LABEL_COLUMN)];
  return { k: columns.k, probabilities: columns.probabilities, namedLabels: head[label] === 34, columns };
}

/**
 * Whether the file's last bytes but white space are `before` and then '}' (white space between):
 * the '}' that the plan does not count as a record's. (Without it a part would read more records
 * than its '}'s less one.)
 */
function frameCloses(f: ChunkFile, before: number): boolean {
  const tail = readAt(f, Math.max(0, f.size - 4096), Math.min(f.size, 4096));
  let at = tail.length - 1;
  while (at >= 0 && isSpace(tail[at])) at--;
  if (tail[at--] !== CLOSE_BRACE) return false;
  while (at >= 0 && isSpace(tail[at])) at--;
  return tail[at] === before;
}

/** Just past the JSON object or array at b[p] (its strings skipped, brackets counted); −1 when it does not close in b. */
function jsonValueEnd(b: Uint8Array, p: number): number {
  let depth = 0;
  for (let i = p; i < b.length; i++) {
    const c = b[i];
    if (c === 34) {
      for (i++; i < b.length && b[i] !== 34; i++) if (b[i] === 92) i++;
    } else if (c === 123 || c === 91) depth++;
    else if ((c === 125 || c === 93) && --depth === 0) return i + 1;
  }
  return -1;
}

/** Whether the full reader's parser reads these bytes without an error. */
function readsCleanly(bytes: Uint8Array): boolean {
  try {
    parseJson(bytes);
    return true;
  } catch {
    return false;
  }
}

/** What the first record says of them all: K, the rows' key, how each gives its label (or targets), its columns when a DataFrame's. */
interface RecordShape {
  k: number;
  probabilities: boolean;
  namedLabels: boolean;
  columns?: RecordColumns;
  /** The key of a row of targets in place of the label. */
  targets?: 'targets' | 'target';
}

/**
 * K, the rows' key and whether the label is a name, of the first record, at head[at] ('{'): the
 * commas of its row's array (a row that is not K plain numbers fails its part anyway), a label in
 * quotes (one the stream does not take fails its part too), or the key of its targets' array; or
 * a DataFrame's columns, when the record is one (recordColumns.ts). Null when its '}' is not in
 * the head read, or it is neither.
 */
function firstRecordShape(head: Uint8Array, at: number): RecordShape | null {
  const close = indexOfByte(head, CLOSE_BRACE, at);
  if (close < 0) return null;
  const text = Buffer.from(head.buffer, head.byteOffset + at, close - at).toString('latin1');
  const m = /"(logits|probabilities)"\s*:\s*\[([^\]]*)\]/.exec(text);
  if (!m) {
    const keys = plainRecordKeys(head, at, close);
    const columns = keys && recordColumns(keys);
    if (!columns) return null;
    const label = new RegExp(`"${columns.labelKey}"\\s*:\\s*"`);
    return { k: columns.k, probabilities: columns.probabilities, namedLabels: label.test(text), columns };
  }
  const k = m[2].split(',').length;
  const targets = /"(targets?)"\s*:\s*\[/.exec(text)?.[1] as 'targets' | 'target' | undefined;
  const shape = { k, probabilities: m[1] === 'probabilities', namedLabels: !targets && /"label"\s*:\s*"/.test(text) };
  return k < 2 ? null : { ...shape, ...(targets && { targets }) };
}
