/**
 * The streaming reader of JSON records, one object a sample (issue 22): `[{"logits": […], "label":
 * 3}, …]`, as json.dump of a list of dicts writes it, or the same records one a line (JSON Lines,
 * a training loop's log). A record the stream takes is exactly `{"logits": [K numbers], "label":
 * n}` (or "probabilities" when asked; "targets" or "target", K numbers, in place of the label when
 * asked), its two keys in either order, any white space inside; the
 * records are separated by ',' (an array) or one line break (JSON Lines). Other keys are passed
 * over when their values are plain (a string, a number, true, false, null). Labels may be class
 * names ("cat") when the plan gives the names. Anything else, and any problem the full reader
 * would report, makes `feed` return −1, and the full reader (jsonRecords.ts) runs: its messages and
 * positions stay the only ones.
 *
 * A DataFrame's records (`df.to_json(orient="records")`, recordColumns.ts) are taken too: each
 * record has the first one's keys in its order, a number under each logit_j, the label, and plain
 * values under the other keys.
 *
 * A record holds no '}' but its last byte (or the file is the full reader's), so a file is read
 * in parts cut just after one (recordParts.ts), each part's records counted by their '}'; a file
 * on one thread is one part.
 */
import { indexOfByte } from './byteSearch';
import { isSpace } from './jsonClasses';
import { scanNumber, type NumberScan } from './numberScan';
import { LogitRowSummer, type RowTarget } from './summaryRows';
import { isLabelValue, NEED_MORE, needWithin, rowNumbers, type SummaryStream } from './summaryStream';
import { classIndex } from './labelNames';
import { isRecordTensorKey, RUN_MANIFEST_KEY } from './jsonRecords';
import { firstInvalidUtf8 } from './charNames';
import { isRowKey, LABEL_COLUMN, PASSED_COLUMN, type RecordColumns } from './recordColumns';

/**
 * A part of a file of records: its bytes start just after a record's '}' (or, when `first`, where
 * the records start: just after the array's '[', or at the file's start for JSON Lines) and, when
 * not `final`, end just after one.
 */
export interface RecordPart {
  /** One record a line (JSON Lines), not in an array. */
  lines: boolean;
  k: number;
  first: boolean;
  final: boolean;
  /** The rows' key: "probabilities", not "logits". */
  probabilities?: boolean;
  /**
   * Each record has a row of one-hot or soft targets (K numbers) under this key, as the first
   * record has, in place of its label (a RowTarget keeps them: RowTarget.targets).
   */
  targets?: 'targets' | 'target';
  /** The labels are class names, numbered by these (a classes.txt's) as numberNamedLabels numbers them. */
  labelNames?: readonly string[];
  /** A DataFrame's records: a key a column (the row's key is then none). */
  columns?: RecordColumns;
  /**
   * pandas' index orient (`{"0": {…}, "1": {…}}`): each record after its row's key, "0"… from
   * `firstRow` (a RangeIndex: no key twice, none a column's name), or when `named` any string that
   * names no column (file names), the frame closed by '}'.
   */
  keyed?: { firstRow: number; named?: boolean };
  /**
   * The records' array is a value in the frame's object, closed by '}' after its ']': pandas'
   * table orient (`{"schema": {…}, "data": [{…}, …]}`) and split orient.
   */
  inObject?: boolean;
  /**
   * pandas' split orient (`{"columns": […], "index": […], "data": [[…], …]}`): each record is an
   * array of cells, `columns.places` by position, not an object.
   */
  cells?: boolean;
  target?: RowTarget;
}

const enum State {
  Between,
  Ended,
}

export class RecordSummaryStream implements SummaryStream {
  private readonly summer: LogitRowSummer;
  private state = State.Between;
  /** No record read yet: no separator before the next. */
  private first: boolean;
  private readonly rowsKey: Key.Logits | Key.Probabilities;
  /** Each class name's index, when the labels are names. */
  private readonly names: Map<string, number> | null;
  /** The key of the records' targets, when they have targets in place of labels. */
  private readonly targetsKey: Key.Target | Key.Targets | null;
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };
  /** A DataFrame's keys in quotes, as bytes, when the records are a DataFrame's objects. */
  private readonly keyBytes: Uint8Array[] | null;
  /** The frame's '}' after its records' ']' was read (inObject). */
  private closed = false;
  readonly done = false;
  /** Where, in the bytes fed last, the record (or column) being read begins, the separator before it included: where a refusal is. */
  recordStart = 0;

  constructor(private readonly part: RecordPart) {
    const input = part.probabilities ? 'probabilities' : 'logits';
    this.summer = new LogitRowSummer(part.k, {
      keep: true,
      target: part.target,
      input,
      labelSpans: true,
      targets: part.targets !== undefined,
    });
    this.targetsKey = part.targets === 'target' ? Key.Target : part.targets === 'targets' ? Key.Targets : null;
    this.rowsKey = part.probabilities ? Key.Probabilities : Key.Logits;
    this.names = part.labelNames ? classIndex(part.labelNames) : null;
    this.first = part.first;
    this.keyBytes = part.columns && !part.cells ? part.columns.keys.map((key) => encoder.encode(`"${key}"`)) : null;
  }

  feed(b: Uint8Array, last: boolean, base: number): number {
    const len = b.length;
    const lines = this.part.lines;
    let p = 0;
    let checkpoint = 0;
    const need = needWithin(len);
    try {
      for (;;) {
        checkpoint = this.recordStart = p;
        if (this.state === State.Ended) {
          // After the array's ']' (or the last line): white space only (JSON Lines: line breaks only).
          while (p < len && (lines ? b[p] === 10 || b[p] === 13 : isSpace(b[p]))) p++;
          if (this.part.inObject && !this.closed && p < len && b[p] === 125) {
            this.closed = true;
            p++;
            continue;
          }
          return p < len ? -1 : len;
        }
        if (p === len && last && !this.first) {
          // The bytes end just after a record: a part's that is not the file's last; a JSON Lines file's last line without its line break.
          if (this.part.final && !lines) return -1;
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
            if (c === (this.part.keyed ? 125 : 93)) {
              this.state = State.Ended;
              continue;
            }
            if (c !== 44) return -1;
            while (p < len && isSpace(b[p])) p++;
          }
        } else if (!lines) while (p < len && isSpace(b[p])) p++;
        if (this.part.keyed && (p = this.rowKeyEnd(b, p, need, last)) < 0) return -1;
        need(p);
        // A record is an object, or (split) an array: it holds no closing byte but its last.
        const cells = this.part.cells === true;
        if (b[p] !== (cells ? 91 : 123)) return -1;
        const close = indexOfByte(b, cells ? 93 : 125, p);
        if (close < 0) {
          if (last) return -1;
          throw NEED_MORE;
        }
        p = this.part.columns ? this.frameRecord(b, p, close, base) : this.record(b, p, close, base);
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
    for (let entry = 0; ; entry++) {
      skip();
      if (entry > 0) {
        if (at === close) break;
        if (b[at++] !== 44) return -1;
        skip();
      }
      const key = recordKey(b, at, close, this.scan);
      if (key === NOT_A_KEY) return -1;
      at = this.scan.end;
      skip();
      if (b[at++] !== 58) return -1;
      skip();
      if (key === Key.Label && labelStart < 0 && !this.targetsKey) {
        labelStart = at;
        label = this.labelAt(b, at, close);
        if (label === NOT_A_LABEL) return -1;
        at = labelEnd = this.scan.end;
      } else if (key === this.targetsKey && labelStart < 0) {
        // Its span stands for the label's (a summary has no use for either).
        if (b[at] !== 91) return -1;
        labelStart = at;
        at = labelEnd = this.row(b, at, this.summer.targets!);
        if (at < 0) return -1;
      } else if (key === this.rowsKey && rowStart < 0) {
        if (b[at] !== 91) return -1;
        rowStart = at;
        at = this.row(b, at, this.summer.block);
        if (at < 0) return -1;
        rowEnd = at;
      } else if (key === Key.Other) {
        at = passedValue(b, at, close, this.scan);
        if (at < 0) return -1;
      } else return -1;
    }
    if (rowStart < 0 || labelStart < 0) return -1;
    return this.took(base + rowStart, base + rowEnd, base + labelStart, base + labelEnd, label) ? close + 1 : -1;
  }

  /**
   * Past the row's key in the index orient (`"12"`, ':' and white space) at b[p]; −1 when it is
   * not the next row's, or (named) a string that names a column or a tensor (the full reader would
   * read the frame by column, or as tensors).
   */
  private rowKeyEnd(b: Uint8Array, p: number, need: (i: number) => void, last: boolean): number {
    if (this.part.keyed!.named) {
      const close = indexOfByte(b, 125, p);
      if (close < 0) {
        if (last) return -1;
        throw NEED_MORE;
      }
      const end = passedString(b, p, close);
      if (end < 0) return -1;
      const key = JSON.parse(decoder.decode(b.subarray(p, end))) as string;
      if (!isRowKey(key)) return -1;
      p = end;
      while (isSpace(b[p])) p++;
      if (b[p++] !== 58) return -1;
      while (isSpace(b[p])) p++;
      return p;
    }
    const key = String(this.part.keyed!.firstRow + this.summer.n + this.summer.rows);
    need(p + key.length + 1);
    if (b[p] !== 34 || b[p + key.length + 1] !== 34) return -1;
    for (let i = 0; i < key.length; i++) if (b[p + 1 + i] !== key.charCodeAt(i)) return -1;
    p += key.length + 2;
    while (p < b.length && isSpace(b[p])) p++;
    need(p);
    if (b[p++] !== 58) return -1;
    while (p < b.length && isSpace(b[p])) p++;
    return p;
  }

  /**
   * The DataFrame's record b[p, close]: each of the first record's keys in its order (or, split,
   * a cell a column), a number under each column of the row, the label, a plain value under the
   * others. The row's span is the record's, and so is a label's that is a number (the full
   * reader's, jsonDataFrame.ts); a label that is a name spans its string.
   */
  private frameRecord(b: Uint8Array, p: number, close: number, base: number): number {
    const keys = this.keyBytes;
    const places = this.part.columns!.places;
    const s = this.summer;
    const row = s.rows * s.k;
    const scan = this.scan;
    let label = 0;
    let labelStart = p;
    let labelEnd = close + 1;
    let at = p + 1;
    for (let e = 0; e < places.length; e++) {
      while (isSpace(b[at])) at++;
      if (e > 0) {
        if (b[at++] !== 44) return -1;
        while (isSpace(b[at])) at++;
      }
      if (keys) {
        const key = keys[e];
        for (let i = 0; i < key.length; i++) if (b[at + i] !== key[i]) return -1;
        at += key.length;
        while (isSpace(b[at])) at++;
        if (b[at++] !== 58) return -1;
        while (isSpace(b[at])) at++;
      }
      const place = places[e];
      if (place >= 0) {
        scanNumber(b, at, scan);
        if (scan.error !== null || scan.end > close) return -1;
        s.block[row + place] = scan.value;
        at = scan.end;
      } else if (place === LABEL_COLUMN) {
        if (this.names) labelStart = at;
        label = this.labelAt(b, at, close);
        if (label === NOT_A_LABEL) return -1;
        at = scan.end;
        if (this.names) labelEnd = at;
      } else if (place === PASSED_COLUMN) {
        at = passedValue(b, at, close, scan);
        if (at < 0) return -1;
      }
    }
    while (isSpace(b[at])) at++;
    if (at !== close) return -1;
    return this.took(base + p, base + close + 1, base + labelStart, base + labelEnd, label) ? close + 1 : -1;
  }

  /** Keeps the row just read and its label with their spans; false when its block's summary failed. */
  private took(rowStart: number, rowEnd: number, labelStart: number, labelEnd: number, label: number): boolean {
    const s = this.summer;
    s.spans[2 * s.rows] = rowStart;
    s.spans[2 * s.rows + 1] = rowEnd;
    s.labelSpans![2 * s.rows] = labelStart;
    s.labelSpans![2 * s.rows + 1] = labelEnd;
    s.labels[s.rows++] = label;
    return s.rows < s.blockRows || s.flush();
  }

  /**
   * The row `[z, …]` at b[p] (the record's '}' is after it) into `into`, the summer's block or its
   * targets: the offset just past its ']', or −1 when it is not K plain numbers.
   */
  private row(b: Uint8Array, p: number, into: Float64Array): number {
    const summer = this.summer;
    const j = rowNumbers(b, p, this.scan, into, summer.rows * summer.k, summer.k, null);
    return j === summer.k ? this.scan.end : -1;
  }

  private labelAt(b: Uint8Array, p: number, close: number): number {
    return this.names ? namedLabelAt(b, p, close, this.names, this.scan) : numberLabelAt(b, p, close, this.scan);
  }

  /** No stop to look for a problem from: records' problems are the full reader's to find. */
  partStop(): null {
    return null;
  }

  release(): void {
    this.summer.release();
  }

  finish(): LogitRowSummer | null {
    const s = this.summer;
    // A part after the first may hold no record (the array's ']' alone); the first holds one, or the file none.
    if (this.state !== State.Ended || !s.flush() || (s.n === 0 && this.part.first)) return null;
    if (this.part.inObject && this.part.final && !this.closed) return null;
    return s;
  }
}

/** What numberLabelAt and namedLabelAt give for a label the streams do not take. */
export const NOT_A_LABEL = -(2 ** 31);

/** The label at b[p]: a whole number in (−2³¹, 2³¹) (the summer refuses one out of range), scan.end past it; else NOT_A_LABEL. */
export function numberLabelAt(b: Uint8Array, p: number, close: number, scan: NumberScan): number {
  scanNumber(b, p, scan);
  if (scan.error !== null || scan.end > close || !isLabelValue(scan.value)) return NOT_A_LABEL;
  return scan.value;
}

/**
 * The label at b[p] as a class name: a string (escapes, and UTF-8, as the full reader reads them),
 * trimmed, that is one of `names` (classIndex); its index, scan.end past its closing quote; else NOT_A_LABEL.
 */
export function namedLabelAt(b: Uint8Array, p: number, close: number, names: Map<string, number>, scan: NumberScan): number {
  const end = passedString(b, p, close);
  if (end < 0) return NOT_A_LABEL;
  const raw = decoder.decode(b.subarray(p, end));
  let name: string;
  try {
    name = JSON.parse(raw) as string;
  } catch {
    return NOT_A_LABEL;
  }
  const index = names.get(name.trim());
  if (index === undefined) return NOT_A_LABEL;
  scan.end = end;
  return index;
}

const enum Key {
  Logits,
  Probabilities,
  Label,
  Target,
  Targets,
  /** A key no tensor is read from (an id, a file name), which the full reader passes over. */
  Other,
}
const NOT_A_KEY = -1;

/**
 * The key in quotes at b[p] (its '"' before `close`), with scan.end just past it: logits,
 * probabilities, label, target(s), or Other for any other key in printable ASCII without escapes that names no
 * tensor; else NOT_A_KEY.
 */
function recordKey(b: Uint8Array, p: number, close: number, scan: NumberScan): Key | typeof NOT_A_KEY {
  const end = plainKeyEnd(b, p, close) - 1;
  if (end < 0) return NOT_A_KEY;
  scan.end = end + 1;
  const length = end - p - 1;
  if (length === 6 && isText(b, p + 1, 'logits')) return Key.Logits;
  if (length === 5 && isText(b, p + 1, 'label')) return Key.Label;
  if (length === 13 && isText(b, p + 1, 'probabilities')) return Key.Probabilities;
  if (length === 6 && isText(b, p + 1, 'target')) return Key.Target;
  if (length === 7 && isText(b, p + 1, 'targets')) return Key.Targets;
  // Another key a record's tensors are read from, or a run manifest's: never passed over.
  // (The longest is "log_probabilities", 17.)
  if (length <= 17) {
    let text = '';
    for (let i = p + 1; i < end; i++) text += String.fromCharCode(b[i]);
    if (isRecordTensorKey(text) || text === RUN_MANIFEST_KEY) return NOT_A_KEY;
  }
  return Key.Other;
}

/** Just past the key in quotes at b[p] when it is printable ASCII without escapes and closes before `close`; else −1. */
export function plainKeyEnd(b: Uint8Array, p: number, close: number): number {
  if (b[p] !== 34) return -1;
  let end = p + 1;
  for (let c; end < close && (c = b[end]) !== 34; end++) if (c < 32 || c > 126 || c === 92) return -1;
  return end < close ? end + 1 : -1;
}

function isText(b: Uint8Array, p: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (b[p + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Past the value at b[p] of a key no tensor is read from: a string, a number, true, false or null;
 * −1 for anything else (an array, an object, another text), which the full reader reads.
 */
export function passedValue(b: Uint8Array, p: number, close: number, scan: NumberScan): number {
  const c = b[p];
  if (c === 34) return passedString(b, p, close);
  for (const word of ['true', 'false', 'null']) if (c === word.charCodeAt(0)) return isText(b, p, word) ? p + word.length : -1;
  scanNumber(b, p, scan);
  return scan.error === null && scan.end <= close ? scan.end : -1;
}

/**
 * Past the JSON string at b[p] (its '"'), closed before `close`: escapes as JSON has them, no
 * control character, UTF-8 as the full reader checks it (firstInvalidUtf8); else −1.
 */
function passedString(b: Uint8Array, p: number, close: number): number {
  if (b[p] !== 34) return -1;
  let high = false;
  for (let i = p + 1; i < close; i++) {
    const d = b[i];
    if (d === 34) return high && firstInvalidUtf8(b, p + 1, i) >= 0 ? -1 : i + 1;
    if (d < 32) return -1;
    if (d >= 128) high = true;
    if (d === 92) {
      const e = b[++i];
      if (e === 117) {
        for (let h = 1; h <= 4; h++) if (!isHexDigit(b[i + h])) return -1;
        i += 4;
      } else if (!(e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116)) return -1;
    }
  }
  return -1;
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const latin1 = new TextDecoder('latin1');

/**
 * The keys of the record b[p, close] ('{' to '}'), any key, when each is printable ASCII without
 * escapes and each value plain (a string, a number, true, false, null), in order; else null.
 */
export function plainRecordKeys(b: Uint8Array, p: number, close: number): string[] | null {
  return plainEntries(b, p, close, true)?.keys ?? null;
}

/** The offset of each cell of the array b[p, close] ('[' to ']') when each is a plain value; else null. */
export function plainCells(b: Uint8Array, p: number, close: number): number[] | null {
  return plainEntries(b, p, close, false)?.values ?? null;
}

/** The entries of an object (`keyed`) or array b[p, close] of plain values: the keys, and each value's offset. */
function plainEntries(b: Uint8Array, p: number, close: number, keyed: boolean): { keys: string[]; values: number[] } | null {
  const scan: NumberScan = { value: 0, end: 0, error: null };
  const keys: string[] = [];
  const values: number[] = [];
  let at = p + 1;
  for (;;) {
    while (isSpace(b[at])) at++;
    if (values.length > 0) {
      if (at === close) return { keys, values };
      if (b[at++] !== 44) return null;
      while (isSpace(b[at])) at++;
    }
    if (keyed) {
      const end = plainKeyEnd(b, at, close);
      if (end < 0) return null;
      keys.push(latin1.decode(b.subarray(at + 1, end - 1)));
      at = end;
      while (isSpace(b[at])) at++;
      if (b[at++] !== 58) return null;
      while (isSpace(b[at])) at++;
    }
    values.push(at);
    at = passedValue(b, at, close, scan);
    if (at < 0) return null;
  }
}

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}
