/**
 * One row's K numbers read again from its bytes (issue 14): a JSON row `[z, z, …]` or a CSV line
 * `z,z,…,label` (or separated by tabs or ';'), as the streaming reader read it (the same
 * scanNumber, so the same bits). The worker's fast path keeps each row's span and fills the logits
 * from these afterwards, a row at a time when a view asks first.
 */
import { textCellEnd } from './csv';
import { scanNumber, type NumberScan } from './numberScan';

const scan: NumberScan = { value: 0, end: 0, error: null };

/**
 * Where a cell before the logits ends (the delimiter after it), when it ends before `end`; else
 * −1. Any text, as the full reader passes over a column no role reads (csv.ts textCellEnd):
 * pandas' index of numbers or of strings, R's quoted row names (`"1"`), a label read already.
 */
export function passedCellEnd(b: Uint8Array, p: number, end: number, delimiter: number): number {
  const after = textCellEnd(b, p, delimiter);
  return after >= 0 && after < end ? after : -1;
}

/**
 * Reads K numbers from b[start, end) into out[at, at + k); false when the bytes are not such a row.
 * `before`: a CSV's cells before the logits (pandas' index, R's quoted row names, a label first),
 * numbers read past; `delimiter`: a CSV's byte between cells (CsvColumns.delimiter; a tab is then
 * not white space).
 */
export function readRowValues(
  b: Uint8Array,
  start: number,
  end: number,
  k: number,
  out: Float64Array,
  at: number,
  before = 0,
  delimiter = 44,
): boolean {
  let p = start;
  if (b[p] === 91) p++; // JSON's '['
  for (let j = 0; j < before; j++) {
    const after = passedCellEnd(b, p, end, delimiter);
    if (after < 0 || b[after] !== delimiter) return false;
    p = after + 1;
  }
  const tab = delimiter === 9 ? -1 : 9;
  for (let j = 0; j < k; j++) {
    while (p < end && (b[p] === 32 || b[p] === tab || b[p] === 10 || b[p] === 13)) p++;
    scanNumber(b, p, scan);
    if (scan.error !== null || scan.end > end) return false;
    out[at + j] = scan.value;
    p = scan.end;
    while (p < end && (b[p] === 32 || b[p] === tab || b[p] === 10 || b[p] === 13)) p++;
    if (j + 1 < k && b[p++] !== delimiter) return false;
  }
  return true;
}
