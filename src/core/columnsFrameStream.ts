/**
 * The streaming reader of a DataFrame as pandas' `df.to_json()` writes it by default (the
 * `columns` orient): one object a column, keyed by the frame's index,
 *   {"logit_0": {"0": 1.2, "1": 0.3, …}, …, "logit_{K−1}": {…}, "label": {"0": 3, …}}
 * The full reader (jsonDataFrame.ts) builds a parse tree of every cell: 2.2 GB for 10,000 × 1,000.
 * This reads the columns in file order into one N × K array, a column at a time, and then
 * summarises it a row at a time as the other streams do. A column the stream takes is the plan's
 * next name (columnsFrameParts.ts), then the first column's index keys, byte for byte in its order
 * ("0"…"N−1" for pandas' default index, or file names), with a number under each, a label (a
 * number, or a name when the plan gives the names) or a plain value (passed over). Anything else,
 * and any problem the full reader would report, makes `feed` return −1 and the full reader runs:
 * its messages stay the only ones.
 *
 * A column object holds no '}' but its last byte, so a column is read once its '}' is in the
 * bytes fed. A row's span is its logit_0 cell and a label's its cell, as the full reader's are.
 */
import { indexOfByte } from './byteSearch';
import { isSpace } from './jsonClasses';
import { scanNumber, type NumberScan } from './numberScan';
import { classIndex } from './labelNames';
import { LABEL_COLUMN, PASSED_COLUMN } from './recordColumns';
import { namedLabelAt, NOT_A_LABEL, numberLabelAt, passedValue } from './recordStream';
import { LogitRowSummer, type RowTarget } from './summaryRows';
import { NEED_MORE, needWithin } from './summaryStream';

/** A DataFrame in the columns orient, as the plan read its names. */
export interface ColumnsFramePart {
  /** The columns' names in file order (printable ASCII, no escapes). */
  names: string[];
  /** Each column's place: column j of a row, LABEL_COLUMN or PASSED_COLUMN (recordColumns.ts). */
  places: number[];
  /** The first column's keys, each in quotes as written, one after another (FrameIndex). */
  index: FrameIndex;
  n: number;
  k: number;
  probabilities?: boolean;
  /** The labels are class names, numbered by these (a classes.txt's). */
  labelNames?: readonly string[];
  target?: RowTarget;
}

const enum State {
  Start,
  Columns,
  Ended,
}

export class ColumnsFrameStream {
  private state = State.Start;
  /** Columns read. */
  private column = 0;
  private readonly nameBytes: Uint8Array[];
  /** The row values, column-major (column j's N values at j·N): rows are gathered from them at the end. */
  private readonly values: Float64Array;
  private readonly labels: Int32Array;
  /** Each row's logit_0 cell and each label's cell, [start, end) in the file. */
  private readonly rowSpans: Float64Array;
  private readonly labelSpans: Float64Array;
  private readonly names: Map<string, number> | null;
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };
  readonly done = false;
  /** Where, in the bytes fed last, the record (or column) being read begins, the separator before it included: where a refusal is. */
  recordStart = 0;
  private summer: LogitRowSummer | null = null;

  constructor(private readonly part: ColumnsFramePart) {
    const { n, k } = part;
    this.nameBytes = part.names.map((name) => encoder.encode(`"${name}"`));
    this.values = new Float64Array(n * k);
    this.labels = new Int32Array(n);
    this.rowSpans = new Float64Array(2 * n);
    this.labelSpans = new Float64Array(2 * n);
    this.names = part.labelNames ? classIndex(part.labelNames) : null;
  }

  feed(b: Uint8Array, last: boolean, base: number): number {
    const len = b.length;
    let p = 0;
    let checkpoint = 0;
    const need = needWithin(len);
    try {
      for (;;) {
        checkpoint = this.recordStart = p;
        while (p < len && isSpace(b[p])) p++;
        if (this.state === State.Ended) return p < len ? -1 : len;
        need(p);
        if (this.state === State.Start) {
          if (b[p++] !== 123) return -1;
          this.state = State.Columns;
          continue;
        }
        if (this.column === this.nameBytes.length) {
          if (b[p++] !== 125) return -1;
          this.state = State.Ended;
          continue;
        }
        if (this.column > 0) {
          if (b[p++] !== 44) return -1;
          while (p < len && isSpace(b[p])) p++;
        }
        const name = this.nameBytes[this.column];
        need(p + name.length);
        for (let i = 0; i < name.length; i++) if (b[p + i] !== name[i]) return -1;
        p += name.length;
        while (p < len && isSpace(b[p])) p++;
        need(p);
        if (b[p++] !== 58) return -1;
        while (p < len && isSpace(b[p])) p++;
        need(p);
        if (b[p] !== 123) return -1;
        const close = indexOfByte(b, 125, p);
        if (close < 0) throw NEED_MORE;
        if (!this.columnAt(b, p, close, base)) return -1;
        p = close + 1;
        this.column++;
      }
    } catch (error) {
      if (error !== NEED_MORE) throw error;
      return last ? -1 : checkpoint;
    }
  }

  /** The column object b[p, close] ('{' to '}'): the index 0…N−1 in order, each with what the column's place takes. */
  private columnAt(b: Uint8Array, p: number, close: number, base: number): boolean {
    const { n } = this.part;
    const place = this.part.places[this.column];
    const scan = this.scan;
    const values = this.values;
    const offset = place * n;
    const { keys, ends } = this.part.index;
    let at = p + 1;
    for (let i = 0; i < n; i++) {
      while (isSpace(b[at])) at++;
      if (i > 0) {
        if (b[at++] !== 44) return false;
        while (isSpace(b[at])) at++;
      }
      for (let q = i > 0 ? ends[i - 1] : 0; q < ends[i]; q++) if (b[at++] !== keys[q]) return false;
      while (isSpace(b[at])) at++;
      if (b[at++] !== 58) return false;
      while (isSpace(b[at])) at++;
      const start = at;
      if (place >= 0) {
        scanNumber(b, at, scan);
        if (scan.error !== null || scan.end > close) return false;
        values[offset + i] = scan.value;
        at = scan.end;
        if (place === 0) {
          this.rowSpans[2 * i] = base + start;
          this.rowSpans[2 * i + 1] = base + at;
        }
      } else if (place === LABEL_COLUMN) {
        const label = this.names ? namedLabelAt(b, at, close, this.names, scan) : numberLabelAt(b, at, close, scan);
        if (label === NOT_A_LABEL) return false;
        at = scan.end;
        this.labels[i] = label;
        this.labelSpans[2 * i] = base + start;
        this.labelSpans[2 * i + 1] = base + at;
      } else if (place === PASSED_COLUMN) {
        at = passedValue(b, at, close, scan);
        if (at < 0) return false;
      }
    }
    while (isSpace(b[at])) at++;
    return at === close;
  }

  /** No stop to look for a problem from: the frame's problems are the full reader's to find. */
  partStop(): null {
    return null;
  }

  release(): void {
    this.summer?.release();
  }

  /** The rows summarised in order, a block at a time (the same blocks and sums as any other stream's), or null. */
  finish(): LogitRowSummer | null {
    if (this.state !== State.Ended) return null;
    const { n, k, target, probabilities } = this.part;
    const s = (this.summer = new LogitRowSummer(k, {
      keep: true,
      target,
      input: probabilities ? 'probabilities' : 'logits',
      labelSpans: true,
    }));
    const values = this.values;
    for (let i = 0; i < n; i++) {
      const row = s.rows * k;
      for (let j = 0; j < k; j++) s.block[row + j] = values[j * n + i];
      s.spans[2 * s.rows] = this.rowSpans[2 * i];
      s.spans[2 * s.rows + 1] = this.rowSpans[2 * i + 1];
      s.labelSpans![2 * s.rows] = this.labelSpans[2 * i];
      s.labelSpans![2 * s.rows + 1] = this.labelSpans[2 * i + 1];
      s.labels[s.rows++] = this.labels[i];
      if (s.rows === s.blockRows && !s.flush()) return null;
    }
    return s.flush() ? s : null;
  }
}

const encoder = new TextEncoder();

/** A frame's index: its keys' bytes, quotes included, one after another; key i ends at ends[i]. */
export interface FrameIndex {
  keys: Uint8Array;
  ends: Int32Array;
}

/**
 * The index of the column object b[p, close] ('{' to '}'): its keys, each a string as the full
 * reader reads one (passedValue's check), each value plain; null for anything else or no entry.
 */
export function frameIndexOf(b: Uint8Array, p: number, close: number): FrameIndex | null {
  const scan: NumberScan = { value: 0, end: 0, error: null };
  const starts: number[] = [];
  const ends: number[] = [];
  let at = p + 1;
  for (let i = 0; ; i++) {
    while (isSpace(b[at])) at++;
    if (at === close) break;
    if (i > 0) {
      if (b[at++] !== 44) return null;
      while (isSpace(b[at])) at++;
    }
    if (b[at] !== 34) return null;
    starts.push(at);
    at = passedValue(b, at, close, scan);
    if (at < 0) return null;
    ends.push(at);
    while (isSpace(b[at])) at++;
    if (b[at++] !== 58) return null;
    while (isSpace(b[at])) at++;
    at = passedValue(b, at, close, scan);
    if (at < 0) return null;
  }
  if (starts.length === 0) return null;
  const index: FrameIndex = {
    keys: new Uint8Array(ends.reduce((sum, end, i) => sum + end - starts[i], 0)),
    ends: new Int32Array(ends.length),
  };
  let length = 0;
  starts.forEach((start, i) => {
    index.keys.set(b.subarray(start, ends[i]), length);
    index.ends[i] = length += ends[i] - start;
  });
  return index;
}
