/**
 * A file of JSON records (`[{"logits": […], "label": 3}, …]`, or one a line) cut into parts for
 * threads (issue 22), as a CSV is cut: a record holds no '}' but its last byte (the records the
 * stream takes: src/core/recordStream.ts), so each cut is just after one, and each part's records
 * are its '}'s, counted before the parts are read (on threads when there are threads), which gives
 * N. A part that is not such records fails the whole file, and the full reader reports it.
 */
import { indexOfByte } from '../core/byteSearch';
import { isSpace } from '../core/jsonClasses';
import { readAt, type ChunkFile } from './chunkFile';
import { plainRecordKeys } from '../core/recordStream';
import { recordColumns, type RecordColumns } from '../core/recordColumns';
import { countParts, firstRowsOf, jsonCuts, type PartCounter, type PartJob, type PartPlan, type PartsFormat } from './summaryParts';

const CLOSE_BRACE = 125;

/**
 * Whether a file the parts readers take holds records, and how: one a line (JSON Lines), or in an
 * array (a JSON whose first byte is '[': the object layout's plan, planJsonParts, takes none).
 */
export function recordsLayout(f: ChunkFile, format: PartsFormat): { lines: boolean } | null {
  if (format === 'jsonl') return { lines: true };
  return format === 'json' && readAt(f, 0, Math.min(f.size, 1))[0] === 91 ? { lines: false } : null;
}

/**
 * Parts of a file of records that starts as the stream takes one (`[{` or, `lines`, `{` with no
 * white space before, the first record's row key "logits", or "probabilities" when
 * `probabilities`), with each part's records counted; or null. When the first record's label is
 * in quotes, the labels are class names (the full reader's rule, jsonRecords.ts), numbered by
 * `classNames(K)`; null when it gives none.
 */
export function planRecordParts(
  path: string,
  f: ChunkFile,
  parts: (rowBytes: number) => number,
  {
    lines,
    countOn,
    probabilities: takeProbabilities = false,
    classNames,
  }: {
    lines: boolean;
    countOn?: PartCounter;
    probabilities?: boolean;
    /** The class names the full reader would number labels written as names by (null: it would not read them without a word). */
    classNames?: (k: number) => readonly string[] | null;
  },
): PartPlan | null {
  // The first record: 64 KB holds K ≈ 6,000 logits; up to 16 MB is looked at (fresh pages are slow to touch here).
  let head: Uint8Array = new Uint8Array(0);
  for (let size = 1 << 16; head.length < Math.min(f.size, 16 << 20) && indexOfByte(head, CLOSE_BRACE) < 0; size *= 4)
    head = readAt(f, 0, Math.min(f.size, size, 16 << 20));
  let rowsStart = 0;
  if (!lines) {
    if (head[0] !== 91) return null;
    rowsStart = 1;
  }
  let at = rowsStart;
  while (!lines && at < head.length && isSpace(head[at])) at++;
  if (head[at] !== 123) return null;
  const shape = firstRecordShape(head, at);
  if (!shape || (shape.probabilities && !takeProbabilities)) return null;
  const { k, probabilities, namedLabels, columns } = shape;
  const labelNames = namedLabels ? classNames?.(k) : undefined;
  if (namedLabels && !labelNames) return null;
  const cuts = jsonCuts(f, rowsStart, f.size, Math.max(1, parts(f.size - rowsStart)), CLOSE_BRACE).concat(f.size);
  const counts = countParts(
    f,
    cuts.slice(0, -1).map((start, i): PartJob => ({ path, start, end: cuts[i + 1], k: 0, final: false, countByte: CLOSE_BRACE })),
    countOn,
  );
  if (!counts) return null;
  const n = counts.reduce((a, b) => a + b, 0);
  const marks = { ...(probabilities ? { probabilities } : {}), ...(labelNames && { labelNames }) };
  const jobs = cuts.slice(0, -1).map((start, i): PartJob => ({
    path,
    start,
    end: cuts[i + 1],
    k,
    final: i + 2 === cuts.length,
    records: { lines, first: i === 0, ...(columns && { columns }) },
    ...marks,
  }));
  const records = { lines, ...(columns && { columns }) };
  return { k, n, rowsStart, jobs, rows: counts, firstRows: firstRowsOf(counts), tail: null, records, ...marks };
}

/**
 * K, the rows' key and whether the label is a name, of the first record, at head[at] ('{'): the
 * commas of its row's array (a row that is not K plain numbers fails its part anyway), a label in
 * quotes (one the stream does not take fails its part too); or a DataFrame's columns, when the
 * record is one (recordColumns.ts). Null when its '}' is not in the head read, or it is neither.
 */
function firstRecordShape(
  head: Uint8Array,
  at: number,
): { k: number; probabilities: boolean; namedLabels: boolean; columns?: RecordColumns } | null {
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
  return k < 2 ? null : { k, probabilities: m[1] === 'probabilities', namedLabels: /"label"\s*:\s*"/.test(text) };
}
