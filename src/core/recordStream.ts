/**
 * The streaming reader of JSON records, one object a sample (issue 22): `[{"logits": […], "label":
 * 3}, …]`, as json.dump of a list of dicts writes it, or the same records one a line (JSON Lines,
 * a training loop's log). A record the stream takes is exactly `{"logits": [K numbers], "label":
 * n}` (or "probabilities" when asked), its two keys in either order, any white space inside; the
 * records are separated by ',' (an array) or one line break (JSON Lines). Anything else, and any
 * problem the full reader would report, makes `feed` return −1, and the full reader (jsonRecords.ts)
 * runs: its messages and positions stay the only ones.
 *
 * A record holds no '}' but its last byte, so a file read in parts is cut just after one
 * (recordParts.ts) and each part's records are counted by their '}'.
 */
import { indexOfByte } from './byteSearch';
import { isSpace } from './jsonClasses';
import { scanNumber, type NumberScan } from './numberScan';
import { LogitRowSummer, type RowTarget } from './summaryRows';
import { isLabelValue, rowNumbers, type SummaryStream } from './summaryStream';

/** How the records lie: in an array (`[…]`, json.dump) or one a line (JSON Lines). */
export interface RecordLayout {
  lines: boolean;
  /** Take "probabilities" records too (else only "logits"). */
  probabilities?: boolean;
}

/**
 * A part of a file read by several threads: its bytes start just after a record's '}' (or where the
 * records start, when `first`) and, when not `final`, end just after one.
 */
export interface RecordPart {
  k: number;
  first: boolean;
  final: boolean;
  /** The rows' key: "probabilities", not "logits". */
  probabilities?: boolean;
  target?: RowTarget;
}

const NEED_MORE = Symbol('need more bytes');
const enum State {
  Start,
  Between,
  Ended,
}

export class RecordSummaryStream implements SummaryStream {
  private summer: LogitRowSummer | null = null;
  private state = State.Start;
  /** No record read yet: no separator before the next. */
  private first = true;
  private rowsKey: 'logits' | 'probabilities' | null = null;
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };
  readonly done = false;

  constructor(
    private readonly layout: RecordLayout,
    private readonly part: RecordPart | null = null,
  ) {
    if (part) {
      this.summer = new LogitRowSummer(part.k, true, part.target, null, part.probabilities ? 'probabilities' : 'logits', true);
      this.rowsKey = part.probabilities ? 'probabilities' : 'logits';
      this.state = State.Between;
      this.first = part.first;
    }
  }

  feed(b: Uint8Array, last: boolean, base: number): number {
    const len = b.length;
    const lines = this.layout.lines;
    let p = 0;
    let checkpoint = 0;
    const need = (i: number) => {
      if (i >= len) throw NEED_MORE;
    };
    try {
      for (;;) {
        checkpoint = p;
        if (this.state === State.Ended) {
          // After the array's ']' (or the last line): white space only (JSON Lines: line breaks only).
          while (p < len && (lines ? b[p] === 10 || b[p] === 13 : isSpace(b[p]))) p++;
          return p < len ? -1 : len;
        }
        if (this.state === State.Start) {
          // The array's '[' (a byte order mark, or white space before it, is the full reader's to pass).
          if (!lines) {
            need(p);
            if (b[p++] !== 91) return -1;
          }
          this.state = State.Between;
          continue;
        }
        if (p === len && last && !this.first) {
          // The bytes end just after a record: a part's that is not the file's last; a JSON Lines file's last line without its line break.
          if (!(this.part && !this.part.final) && !lines) return -1;
          this.state = State.Ended;
          return len;
        }
        if (!this.first) {
          if (lines) {
            need(p);
            if (b[p] === 13) need(++p);
            if (b[p] !== 10) return -1;
            p++;
            if (p === len && last) return ((this.state = State.Ended), len);
            need(p);
            if (b[p] === 10 || b[p] === 13) {
              this.state = State.Ended; // blank lines: only at the end
              continue;
            }
          } else {
            while (p < len && isSpace(b[p])) p++;
            need(p);
            const c = b[p++];
            if (c === 93) {
              this.state = State.Ended;
              continue;
            }
            if (c !== 44) return -1;
            while (p < len && isSpace(b[p])) p++;
          }
        } else if (!lines) while (p < len && isSpace(b[p])) p++;
        need(p);
        if (b[p] !== 123) return -1;
        const close = indexOfByte(b, 125, p);
        if (close < 0) {
          if (last) return -1;
          throw NEED_MORE;
        }
        p = this.record(b, p, close, base);
        if (p < 0) return -1;
        this.first = false;
      }
    } catch (error) {
      if (error !== NEED_MORE) throw error;
      return last ? -1 : checkpoint;
    }
  }

  /** The record b[p, close] (its '{' to its '}'): the offset just past it, or −1 when it is not one the stream takes. */
  private record(b: Uint8Array, p: number, close: number, base: number): number {
    let rowStart = -1;
    let rowEnd = -1;
    let labelStart = -1;
    let labelEnd = -1;
    let label = 0;
    let at = p + 1;
    const skip = () => {
      while (at < close && isSpace(b[at])) at++;
    };
    for (let entry = 0; entry < 2; entry++) {
      skip();
      if (entry === 1) {
        if (b[at++] !== 44) return -1;
        skip();
      }
      const key = recordKey(b, at, close);
      if (key === null) return -1;
      at += key.length + 2;
      skip();
      if (b[at++] !== 58) return -1;
      skip();
      if (key === 'label' && labelStart < 0) {
        labelStart = at;
        label = this.labelAt(b, at, close);
        if (label === NOT_A_LABEL) return -1;
        at = labelEnd = this.scan.end;
      } else if (key !== 'label' && rowStart < 0 && (this.rowsKey ?? this.takenRowsKey(key)) === key) {
        if (b[at] !== 91) return -1;
        rowStart = at;
        at = this.row(b, at);
        if (at < 0) return -1;
        rowEnd = at;
      } else return -1;
    }
    skip();
    if (at !== close) return -1;
    const s = this.summer!;
    s.spans[2 * s.rows] = base + rowStart;
    s.spans[2 * s.rows + 1] = base + rowEnd;
    s.labelSpans![2 * s.rows] = base + labelStart;
    s.labelSpans![2 * s.rows + 1] = base + labelEnd;
    s.labels[s.rows++] = label;
    return s.rows < s.blockRows || s.flush() ? close + 1 : -1;
  }

  /** The first record's rows key decides the file's: "logits", or "probabilities" when taken. */
  private takenRowsKey(key: 'logits' | 'probabilities'): string | null {
    if (key === 'probabilities' && !this.layout.probabilities) return null;
    this.rowsKey = key;
    return key;
  }

  /** The row `[z, …]` at b[p] (the record's '}' is after it): the offset just past its ']', or −1 when it is not K plain numbers. */
  private row(b: Uint8Array, p: number): number {
    const summer = this.summer;
    if (summer) {
      const j = rowNumbers(b, p, this.scan, summer.block, summer.rows * summer.k, summer.k, null);
      return j === summer.k ? this.scan.end : -1;
    }
    // The first record: K is its row's length.
    const values: number[] = [];
    const j = rowNumbers(b, p, this.scan, null, 0, Infinity, values);
    if (j < 2) return -1;
    this.summer = new LogitRowSummer(j, false, null, null, this.rowsKey === 'probabilities' ? 'probabilities' : 'logits', true);
    this.summer.block.set(values);
    return this.scan.end;
  }

  /** The label at b[p]: a whole number in (−2³¹, 2³¹) (the summer refuses one out of range), scan.end past it; else NOT_A_LABEL. */
  private labelAt(b: Uint8Array, p: number, close: number): number {
    const scan = this.scan;
    scanNumber(b, p, scan);
    if (scan.error !== null || scan.end > close || !isLabelValue(scan.value)) return NOT_A_LABEL;
    return scan.value;
  }

  release(): void {
    this.summer?.release();
  }

  finish(): LogitRowSummer | null {
    const s = this.summer;
    if (!s || this.state !== State.Ended || !s.flush() || s.n === 0) return null;
    return s;
  }
}

const NOT_A_LABEL = -(2 ** 31);

/** The key in quotes at b[p] when it is one a record the stream takes may have ("logits", "probabilities", "label"), else null. */
function recordKey(b: Uint8Array, p: number, close: number): 'logits' | 'probabilities' | 'label' | null {
  if (b[p] !== 34) return null;
  const end = indexOfByte(b, 34, p + 1);
  if (end < 0 || end > close || end - p - 1 > 13) return null;
  let text = '';
  for (let i = p + 1; i < end; i++) text += String.fromCharCode(b[i]);
  return text === 'logits' || text === 'probabilities' || text === 'label' ? text : null;
}
