/**
 * `analyze --summary` of a regression CSV in bounded memory (issue 22): a header the full reader
 * reads as predictions and targets and nothing else (`prediction,target`, or
 * `prediction_0,…,prediction_{D−1},target_0,…,target_{D−1}`: columnRoles' own answer), then rows
 * of 2·D plain numbers, LF or CRLF, blank lines only at the end. The mean squared error is summed
 * as meanSquaredError sums it (each row's Σ(ŷ − y)² / D, the rows in order), so the loss is the same
 * bits as the full path's. Anything else, and any value that is not finite, makes `feed` return −1:
 * the full reader's, whose messages are the reference.
 */
import { indexOfByte } from './byteSearch';
import { columnRoles } from './columnNames';
import { parseCsvHeader } from './csv';
import { scanNumber, type NumberScan } from './numberScan';
import type { Reduction } from './losses';
import { gradientScale } from './derivedRows';
import { atBlankLines, lineEndAt, withoutCr } from './summaryStream';

/** One sample's Σ_j (ŷ_j − y_j)² / D, the outputs in order, as meanSquaredError sums it (losses.ts). */
export function meanSquaredRow(yHat: Float64Array, yHatAt: number, y: Float64Array, yAt: number, d: number): number {
  let sum = 0;
  for (let j = 0; j < d; j++) {
    const diff = yHat[yHatAt + j] - y[yAt + j];
    sum += diff * diff;
  }
  return sum / d;
}

export class RegressionCsvStream {
  /** Outputs per sample, once the header is read. */
  d = 0;
  /** Rows summed. */
  n = 0;
  private total = 0;
  private delimiter = 44;
  private ended = false;
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };
  /** One row's predictions then targets, reused. */
  private row = new Float64Array(0);

  /** `tsv`: a .tsv, whose header the full reader splits on tabs only. */
  constructor(private readonly tsv = false) {}

  /** Takes the bytes b (at file offset `base`); returns how many it used, or −1 when the file is not one it takes. */
  feed(b: Uint8Array, last: boolean, base: number): number {
    const len = b.length;
    let p = 0;
    if (this.d === 0) {
      const nl = indexOfByte(b, 10);
      if (nl < 0) return last ? -1 : 0;
      // A line break of CR alone ends the header earlier to the full reader (CR line endings).
      const cr = indexOfByte(b, 13);
      if (base !== 0 || (cr >= 0 && cr < nl - 1) || !this.header(b.subarray(0, nl + 1))) return -1;
      p = nl + 1;
    }
    const { d, scan } = this;
    while (p < len) {
      if (b[p] === 10 || b[p] === 13) {
        const at = atBlankLines(b, p, last);
        this.ended = at === len;
        return at;
      }
      const lineEnd = lineEndAt(b, p, last);
      if (lineEnd < 0) return p;
      const end = withoutCr(b, p, lineEnd);
      const row = this.row;
      for (let j = 0; j < 2 * d; j++) {
        scanNumber(b, p, scan);
        const lastCell = j + 1 === 2 * d;
        if (scan.error !== null || (lastCell ? scan.end !== end : scan.end >= end || b[scan.end] !== this.delimiter)) return -1;
        // v − v is 0 for finite v only (a NaN is a scan error): ±∞ is the full reader's to report.
        if (scan.value - scan.value !== 0) return -1;
        row[j] = scan.value;
        p = scan.end + 1;
      }
      this.total += meanSquaredRow(row, 0, row, d, d);
      this.n++;
      p = lineEnd === len ? len : lineEnd + 1;
    }
    if (last) this.ended = true;
    return len;
  }

  /** Whether the header line (its line break included) names predictions and targets only, as columnRoles reads them. */
  private header(line: Uint8Array): boolean {
    try {
      const table = parseCsvHeader(line, this.tsv ? '\t' : undefined);
      const spanOf = (c: number) => ({ start: table.columnSpans[2 * c], end: table.columnSpans[2 * c + 1] });
      const { picks, nearMisses } = columnRoles(table.columns, spanOf, 'the header');
      const predictions = picks.find((pick) => pick.role === 'predictions');
      const targets = picks.find((pick) => pick.role === 'targets');
      const d = predictions?.cols.length ?? 0;
      if (picks.length !== 2 || nearMisses.length > 0 || !predictions || !targets || table.columns.length !== 2 * d) return false;
      if (predictions.vector !== targets.vector || targets.cols.length !== d) return false;
      for (let j = 0; j < d; j++) if (predictions.cols[j] !== j || targets.cols[j] !== d + j) return false;
      if (table.delimiter.length !== 1) return false;
      this.delimiter = table.delimiter.charCodeAt(0);
      this.d = d;
      this.row = new Float64Array(2 * d);
      return true;
    } catch {
      return false;
    }
  }

  /** The report's loss (per-row losses summed in order, then scaled), or null when the file was not read to its end. */
  result(reduction: Reduction): { n: number; d: number; loss: number } | null {
    if (!this.ended || this.n === 0 || !Number.isFinite(this.total)) return null;
    return { n: this.n, d: this.d, loss: this.total * gradientScale(reduction, this.n) };
  }
}
