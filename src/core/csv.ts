/**
 * A CSV reader for numeric tables with a header row, over UTF-8 bytes. Cells are parsed as numbers
 * in place (no per-cell strings) into one row-major Float64Array; each data row keeps its span.
 * The delimiter is taken from the header: ',' unless the header has none and has tabs or ';'.
 */
import { InputError } from './problems';
import { describeCharAt, scanNumber, type NumberScan } from './numberScan';

export interface CsvTable {
  columns: string[];
  /** Span of each header cell. */
  columnSpans: Float64Array;
  delimiter: string;
  rows: number;
  /** Row-major values, rows × columns. */
  data: Float64Array;
  /** [start, end) of each data row (without its line break). */
  rowSpans: Float64Array;
}

export function parseCsv(bytes: Uint8Array): CsvTable {
  const b = bytes;
  const n = b.length;
  let pos = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  // Leading blank lines carry nothing.
  while (pos < n && (b[pos] === 10 || b[pos] === 13)) pos++;
  if (pos >= n) throw new InputError('the file is empty; expected a header row such as logit_0,logit_1,logit_2,label', 0, 0, 'empty');

  const headerStart = pos;
  let headerEnd = pos;
  while (headerEnd < n && b[headerEnd] !== 10 && b[headerEnd] !== 13) headerEnd++;
  const delimiter = detectDelimiter(b, headerStart, headerEnd);
  const delim = delimiter.charCodeAt(0);

  const columns: string[] = [];
  const columnSpans: number[] = [];
  const decoder = new TextDecoder('utf-8');
  let cellStart = headerStart;
  for (let i = headerStart; i <= headerEnd; i++) {
    if (i === headerEnd || b[i] === delim) {
      let s = cellStart;
      let e = i;
      while (s < e && (b[s] === 32 || b[s] === 9)) s++;
      while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
      if (e - s >= 2 && b[s] === 34 && b[e - 1] === 34) {
        s++;
        e--;
      }
      columns.push(decoder.decode(b.subarray(s, e)));
      columnSpans.push(cellStart, i);
      cellStart = i + 1;
    }
  }
  const width = columns.length;

  pos = skipLineBreak(b, headerEnd);
  const values = new GrowableFloat64(Math.max(1024, Math.min(1 << 24, Math.ceil(((n - pos) / 8)))));
  const rowSpans = new GrowableFloat64(1024);
  const scan: NumberScan = { value: 0, end: 0, error: null };
  let rows = 0;

  while (pos < n) {
    const rowStart = pos;
    // Blank lines (often a trailing newline or two) are skipped.
    if (b[pos] === 10 || b[pos] === 13) {
      pos = skipLineBreak(b, pos);
      continue;
    }
    let col = 0;
    for (;;) {
      let i = pos;
      while (b[i] === 32 || b[i] === 9) {
        if (b[i] === delim) break;
        i++;
      }
      let quoted = false;
      if (b[i] === 34) {
        quoted = true;
        i++;
      }
      const c = b[i];
      const cellAt = i;
      if (c === delim || c === 10 || c === 13 || c === undefined || (quoted && c === 34)) {
        throw new InputError(`empty cell in column "${columns[col] ?? col + 1}" of sample ${rows}; every cell needs a number`, cellAt, cellAt, 'empty-cell');
      }
      if (c === 45 || (c >= 48 && c <= 57) || c === 43 || c === 46) {
        // CSV writers emit '+1', '.5' and '5.'; accept them, then hold the rest to JSON's grammar.
        scanCsvNumber(b, i, scan);
      } else {
        scan.error = 'x';
      }
      if (scan.error !== null) {
        let e = i;
        while (e < n && b[e] !== delim && b[e] !== 10 && b[e] !== 13) e++;
        const text = decoder.decode(b.subarray(i, e)).replace(/"$/, '');
        const what = /^[-+]?(nan|inf(inity)?)$/i.test(text.trim())
          ? `${text.trim()} is not a finite number and cannot be analysed`
          : scan.error.includes('too large')
            ? scan.error
            : `"${text}" is not a number`;
        throw new InputError(`${what} (sample ${rows}, column "${columns[col] ?? col + 1}")`, i, Math.max(e, i + 1), 'not-a-number');
      }
      if (col < width) values.push(scan.value);
      col++;
      i = scan.end;
      if (quoted) {
        if (b[i] !== 34) throw new InputError(`expected a closing quote, found ${describeCharAt(b, i)}`, i, i + 1, 'syntax');
        i++;
      }
      while (b[i] === 32 || (b[i] === 9 && delim !== 9)) i++;
      const d = b[i];
      if (d === delim) {
        pos = i + 1;
        continue;
      }
      if (d === 10 || d === 13 || d === undefined) {
        if (col !== width) {
          throw new InputError(`sample ${rows} has ${col} values, expected ${width} (one per header column)`, rowStart, i, 'ragged');
        }
        rowSpans.push(rowStart);
        rowSpans.push(i);
        rows++;
        pos = d === undefined ? n : skipLineBreak(b, i);
        break;
      }
      const hint = d === 44 || d === 59 || d === 9 ? ` (the header uses ${nameOf(delimiter)} as the delimiter)` : '';
      throw new InputError(`unexpected ${describeCharAt(b, i)} after a number in sample ${rows}${hint}`, i, i + 1, 'syntax');
    }
  }

  return { columns, columnSpans: Float64Array.from(columnSpans), delimiter, rows, data: values.take(), rowSpans: rowSpans.take() };
}

function scanCsvNumber(b: Uint8Array, i: number, scan: NumberScan): void {
  const c = b[i];
  if (c === 43 /* + */) {
    scanCsvNumber(b, i + 1, scan);
    return;
  }
  // '.5' or '-.5': the JSON grammar wants a leading digit; CSV exporters do not always write one.
  const afterSign = c === 45 ? i + 1 : i;
  if (b[afterSign] === 46) {
    scanNumber(withLeadingZero(b, i, afterSign), 0, scan);
    scan.end = scan.end - 1 + i;
    return;
  }
  scanNumber(b, i, scan);
  // '5.' (a trailing point) parses as the integer it is.
  if (scan.error !== null && b[scan.end - 1] === 46 && !(b[scan.end] >= 48 && b[scan.end] <= 57)) {
    scanNumber(b.subarray(0, scan.end - 1), i, scan);
    if (scan.error === null) scan.end++;
  }
}

function withLeadingZero(b: Uint8Array, start: number, point: number): Uint8Array {
  let end = point + 1;
  while (end < b.length && ((b[end] >= 48 && b[end] <= 57) || b[end] === 101 || b[end] === 69 || b[end] === 43 || b[end] === 45)) end++;
  const out = new Uint8Array(end - start + 1);
  let k = 0;
  if (point !== start) out[k++] = 45;
  out[k++] = 48;
  out.set(b.subarray(point, end), k);
  return out;
}

function detectDelimiter(b: Uint8Array, start: number, end: number): string {
  let commas = 0;
  let tabs = 0;
  let semicolons = 0;
  for (let i = start; i < end; i++) {
    if (b[i] === 44) commas++;
    else if (b[i] === 9) tabs++;
    else if (b[i] === 59) semicolons++;
  }
  if (commas > 0) return ',';
  if (tabs > 0) return '\t';
  if (semicolons > 0) return ';';
  return ',';
}

function nameOf(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `'${delimiter}'`;
}

function skipLineBreak(b: Uint8Array, i: number): number {
  if (b[i] === 13) return b[i + 1] === 10 ? i + 2 : i + 1;
  if (b[i] === 10) return i + 1;
  return i;
}

class GrowableFloat64 {
  private data: Float64Array;
  private length = 0;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  take(): Float64Array {
    return this.data.length === this.length ? this.data : this.data.slice(0, this.length);
  }
}
