/**
 * One row's K numbers read again from its bytes (issue 14): a JSON row `[z, z, …]` or a CSV line
 * `z,z,…,label`, as the streaming reader read it (the same scanNumber, so the same bits). The
 * worker's fast path keeps each row's span and fills the logits from these afterwards, a row at a
 * time when a view asks first.
 */
import { scanNumber, type NumberScan } from './numberScan';

const scan: NumberScan = { value: 0, end: 0, error: null };

/**
 * Reads K numbers from b[start, end) into out[at, at + k); false when the bytes are not such a row.
 * `leading`: a CSV's unnamed columns before the logits (pandas' index), numbers read past.
 */
export function readRowValues(b: Uint8Array, start: number, end: number, k: number, out: Float64Array, at: number, leading = 0): boolean {
  let p = start;
  if (b[p] === 91) p++; // JSON's '['
  for (let j = 0; j < leading; j++) {
    scanNumber(b, p, scan);
    if (scan.error !== null || scan.end >= end || b[scan.end] !== 44) return false;
    p = scan.end + 1;
  }
  for (let j = 0; j < k; j++) {
    while (p < end && (b[p] === 32 || b[p] === 9 || b[p] === 10 || b[p] === 13)) p++;
    scanNumber(b, p, scan);
    if (scan.error !== null || scan.end > end) return false;
    out[at + j] = scan.value;
    p = scan.end;
    while (p < end && (b[p] === 32 || b[p] === 9 || b[p] === 10 || b[p] === 13)) p++;
    if (j + 1 < k && b[p++] !== 44) return false;
  }
  return true;
}
