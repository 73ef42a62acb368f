/**
 * The object layout whose second array is as long as its first (issue 22): `{"logits": [[…], …],
 * "targets": [[…], …]}` (or "probabilities"; one-hot or soft targets, a "classes" list of names
 * too) and `{"predictions": […], "targets": […]}` (a regression, N or N × D), for `analyze FILE.json
 * --summary` in bounded memory and, the classification's, for the readers that keep every row (the
 * extension's worker, the table, `check`). The top-level object is looked over once for where each
 * array starts (brackets only), then two cursors read the two arrays row by row in step, each from
 * its own place in the file, so the summary holds no array. The sums are the full path's, bit for bit: the
 * classification rows go through LogitRowSummer, the regression's squared errors are summed as
 * meanSquaredError sums them. Anything else (another key, which the full reader reads or warns
 * about; a row that is not plain numbers; arrays of different lengths; a value it reports) gives
 * null, and the full reader runs.
 */
import { indexOfByte } from '../core/byteSearch';
import { classesForward, isSpace, type ClassesEntry } from '../core/jsonClasses';
import { scanNumber, type NumberScan } from '../core/numberScan';
import { rowNumbers } from '../core/summaryStream';
import { plainKeyEnd } from '../core/recordStream';
import { LogitRowSummer, type RowTarget } from '../core/summaryRows';
import { meanSquaredRow } from '../core/regressionStream';
import { startsWithBom } from '../core/fileSignature';
import type { Reduction } from '../core/losses';
import { gradientScale } from '../core/derivedRows';
import { readAt, READ_CHUNK_BYTES, type ChunkFile } from './chunkFile';

/** An array's '[' and just past its ']'. */
type Span = Pick<ClassesEntry, 'start' | 'end'>;

/** A top-level entry's places, and how many arrays its array holds (its rows; 0 for one of numbers or strings). */
type ArrayEntry = ClassesEntry & { rows: number };

/** A key's bytes looked at, its quotes included: more than any key such a file holds. */
const MAX_KEY_BYTES = 64;

/** The keys such a file may hold. */
const PAIRED_KEYS = new Set(['logits', 'probabilities', 'predictions', 'targets', 'classes']);

/** Largest "classes" entry read here (a classes.txt beside a file is capped alike). */
const MAX_CLASSES_BYTES = 1 << 20;

/** What the summary reports of such a file. */
export type PairedFigures =
  | {
      task: 'classification';
      input: 'logits' | 'probabilities';
      n: number;
      k: number;
      loss: number;
      accuracy: number;
      classes: ClassesEntry | null;
    }
  | { task: 'regression'; n: number; d: number; loss: number };

/** The file's summary figures, or null when it is not such a file or has anything the full reader would report. */
export function pairedArraysSummary(f: ChunkFile, reduction: Reduction): PairedFigures | null {
  const entries = topLevelArrays(f);
  if (!entries) return null;
  const input = entries.get('logits') ?? entries.get('probabilities') ?? entries.get('predictions');
  const targets = entries.get('targets');
  const classes = entries.get('classes');
  const regression = entries.has('predictions');
  if (!input || !targets || entries.size !== (classes ? 3 : 2) || (regression && classes)) return null;
  if (regression) return regressionSums(f, input, targets, reduction);
  const names = classes ? classesEntry(f, classes) : null;
  if (names === undefined) return null;
  const figures = classificationSums(f, input, targets, entries.has('probabilities'), reduction);
  // Names of another count are the full reader's to warn about.
  if (!figures || (names && names.names.length !== figures.k)) return null;
  return { ...figures, classes: names };
}

/** What pairedClassificationRows read: the rows' kind, their sizes, the losses' sum in file order and the file's own class names. */
export interface PairedRows {
  input: 'logits' | 'probabilities';
  n: number;
  k: number;
  /** Σ of the per-row losses, in file order (the loss before the reduction's scale). */
  total: number;
  classes: ClassesEntry | null;
}

/**
 * The object of logits (or probabilities) and one-hot or soft targets, `{"logits": [[…], …],
 * "targets": [[…], …]}` (a "classes" list too), read for a reader that keeps every row (the
 * extension's worker, the CLI's table and `check`): the arrays' rows are counted first (their
 * ']', memchr), then `rowsFor(n, k)` gives the RowTarget whose arrays the summer fills as the parts
 * readers fill theirs (values, targets, each row's span and its targets' row as the label's span,
 * losses, outcomes). One thread: the two arrays are read in step by two cursors. Null when the file
 * is not such an object or has anything the full reader would report. `probabilities`: take
 * "probabilities" rows too (else only logits).
 */
export function pairedClassificationRows(
  f: ChunkFile,
  rowsFor: (n: number, k: number) => RowTarget,
  { probabilities }: { probabilities: boolean },
): PairedRows | null {
  const entries = topLevelArrays(f);
  if (!entries) return null;
  const inputAt = entries.get('logits') ?? entries.get('probabilities');
  const targetsAt = entries.get('targets');
  const classesAt = entries.get('classes');
  if (!inputAt || !targetsAt || entries.has('predictions') || entries.size !== (classesAt ? 3 : 2)) return null;
  if (entries.has('probabilities') && !probabilities) return null;
  const names = classesAt ? classesEntry(f, classesAt) : null;
  if (names === undefined) return null;
  const rows = new RowCursor(f, inputAt.start);
  const targets = new RowCursor(f, targetsAt.start);
  const k = rows.firstRowLength();
  // The rows the brackets found: the cursors must read exactly these.
  const n = inputAt.rows;
  if (k < 2 || n < 1 || (names && names.names.length !== k)) return null;
  const input = entries.has('probabilities') ? 'probabilities' : 'logits';
  const summer = new LogitRowSummer(k, { target: rowsFor(n, k), input, labelSpans: true, targets: true });
  try {
    if (!summedInStep(summer, rows, targets, n) || summer.n !== n || rows.at !== inputAt.end || targets.at !== targetsAt.end) return null;
    return { input, n, k, total: summer.total, classes: names };
  } finally {
    summer.release();
  }
}

/**
 * The two arrays' rows read in step into the summer's block and targets, and summed a block at a
 * time: false at a row either cursor does not take, or past `maxRows`. With the summer's label
 * spans (a reader that keeps the rows), each row's '[' and past its ']' are kept, as the full
 * reader spans a row, and its targets' row as the label's.
 */
function summedInStep(summer: LogitRowSummer, rows: RowCursor, targets: RowCursor, maxRows = Infinity): boolean {
  const k = summer.k;
  for (;;) {
    const i = summer.rows;
    const got = rows.next(summer.block, i * k, k);
    const gotTarget = targets.next(summer.targets!, i * k, k);
    if (got !== gotTarget) return false;
    if (got === END) return summer.flush();
    if (got !== ROW || summer.n + i >= maxRows) return false;
    if (summer.labelSpans) {
      summer.spans[2 * i] = rows.rowStart;
      summer.spans[2 * i + 1] = rows.at;
      summer.labelSpans[2 * i] = targets.rowStart;
      summer.labelSpans[2 * i + 1] = targets.at;
    }
    if (++summer.rows === summer.blockRows && !summer.flush()) return false;
  }
}

/** A "classes" entry read as the one-thread JSON stream reads one (jsonClasses.ts); undefined when it is not one. */
function classesEntry(f: ChunkFile, at: ClassesEntry): ClassesEntry | undefined {
  if (at.end - at.keyAt > MAX_CLASSES_BYTES) return undefined;
  const read = classesForward(readAt(f, at.keyAt, at.end - at.keyAt), 0, at.keyAt);
  return read && read !== 'more' && read.entry.end === at.end ? read.entry : undefined;
}

/**
 * The top-level object's keys and where each value starts and ends (as a "classes" entry's
 * places, its names not read), when it is an object of
 * distinct plain keys whose values are arrays (of numbers and arrays of numbers, or for "classes"
 * of strings without escapes of brackets), nothing after it but white space; else null. Brackets
 * only: the numbers are read by the cursors.
 */
function topLevelArrays(f: ChunkFile): Map<string, ArrayEntry> | null {
  const bytes = new ByteWindow(f, startsWithBom(readAt(f, 0, Math.min(3, f.size))) ? 3 : 0);
  const entries = new Map<string, ArrayEntry>();
  if (bytes.nextToken() !== 123) return null;
  for (;;) {
    if (bytes.nextToken() !== 34) return null;
    const keyAt = --bytes.at;
    const key = bytes.plainKey();
    // Any other key (labels, loss, …) is another reader's: known before its value is passed over.
    if (key === null || !PAIRED_KEYS.has(key) || entries.has(key) || bytes.nextToken() !== 58 || bytes.nextToken() !== 91) return null;
    const start = bytes.at - 1;
    const rows = bytes.skipArray(key === 'classes');
    if (rows < 0) return null;
    entries.set(key, { names: [], keyAt, start, end: bytes.at, rows });
    const c = bytes.nextToken();
    if (c === 125) break;
    if (c !== 44) return null;
  }
  return bytes.nextToken() === -1 ? entries : null;
}

/** The classification figures of rows read in step from the two arrays starting at `inputAt` and `targetsAt` ('['), or null. */
function classificationSums(
  f: ChunkFile,
  inputAt: Span,
  targetsAt: Span,
  probabilities: boolean,
  reduction: Reduction,
): Omit<Extract<PairedFigures, { task: 'classification' }>, 'classes'> | null {
  const rows = new RowCursor(f, inputAt.start);
  const targets = new RowCursor(f, targetsAt.start);
  const first = rows.firstRowLength();
  if (first < 2) return null;
  const input = probabilities ? 'probabilities' : 'logits';
  const summer = new LogitRowSummer(first, { input, targets: true });
  const k = summer.k;
  try {
    // Where the brackets said each array ends: every byte of both was read.
    if (!summedInStep(summer, rows, targets) || summer.n === 0 || rows.at !== inputAt.end || targets.at !== targetsAt.end) return null;
    return { task: 'classification', input, n: summer.n, k, ...summer.result(reduction) };
  } finally {
    summer.release();
  }
}

/** The regression's figures (each row's Σ(ŷ − y)² / D, summed in order) of the two arrays read in step, or null. */
function regressionSums(f: ChunkFile, predictionsAt: Span, targetsAt: Span, reduction: Reduction): PairedFigures | null {
  const predictions = new RowCursor(f, predictionsAt.start);
  const targets = new RowCursor(f, targetsAt.start);
  const width = predictions.firstRowLength();
  // 0: a vector of numbers (D = 1); else rows of D.
  const d = Math.max(width, 1);
  if (width === 1 || width < 0) return null;
  const yHat = new Float64Array(d);
  const y = new Float64Array(d);
  let total = 0;
  let n = 0;
  for (;;) {
    const got = width === 0 ? predictions.nextNumber(yHat) : predictions.next(yHat, 0, d);
    const gotTarget = width === 0 ? targets.nextNumber(y) : targets.next(y, 0, d);
    if (got !== gotTarget) return null;
    if (got === END) break;
    if (got !== ROW) return null;
    total += meanSquaredRow(yHat, 0, y, 0, d);
    n++;
  }
  if (n === 0 || !Number.isFinite(total) || predictions.at !== predictionsAt.end || targets.at !== targetsAt.end) return null;
  return { task: 'regression', n, d, loss: total * gradientScale(reduction, n) };
}

const ROW = 1;
const END = 2;
const BAD = 3;
type Got = typeof ROW | typeof END | typeof BAD;

/** A file's bytes from a place on, read forward into one reused buffer (what is before `at` dropped as it goes). */
class ByteWindow {
  protected b = new Uint8Array(2 * READ_CHUNK_BYTES);
  /** Bytes of `b` that hold the file's, from `base` on. */
  protected length = 0;
  /** File offset of b[0]. */
  protected base: number;
  /** The next byte's file offset. */
  at: number;

  constructor(
    protected readonly f: ChunkFile,
    from: number,
  ) {
    this.base = from;
    this.at = from;
  }

  /** The byte at file offset `i` (i ≥ at), −1 past the file's end. */
  byteAt(i: number): number {
    if (i >= this.base + this.length && !this.fill(i)) return -1;
    return this.b[i - this.base];
  }

  /**
   * Makes the window hold file offset `i` (from `at` on, at least a chunk more): the bytes before
   * `at` are dropped, the buffer grows when one row needs it. False past the file's end.
   */
  protected fill(i: number): boolean {
    if (i >= this.f.size) return false;
    const keep = this.base + this.length - this.at;
    const want = i - this.at + 1 + READ_CHUNK_BYTES;
    if (want > this.b.length) {
      const bigger = new Uint8Array(2 * want);
      if (keep > 0) bigger.set(this.b.subarray(this.at - this.base, this.at - this.base + keep));
      this.b = bigger;
    } else if (keep > 0) this.b.copyWithin(0, this.at - this.base, this.at - this.base + keep);
    this.base = this.at;
    this.length = Math.max(0, keep);
    const from = this.base + this.length;
    const got = readInto(this.f, this.b, this.length, Math.min(this.b.length - this.length, this.f.size - from), from);
    this.length += got;
    return i < this.base + this.length;
  }

  /** The next byte that is not white space (−1 at the end), consumed. */
  nextToken(): number {
    let c = this.byteAt(this.at);
    while (c >= 0 && isSpace(c)) c = this.byteAt(++this.at);
    if (c >= 0) this.at++;
    return c;
  }

  /**
   * At a key's '"': its text when it is printable ASCII without escapes (recordStream's
   * plainKeyEnd) and short (every key such a file holds is), consumed through its closing '"'; else null.
   */
  plainKey(): string | null {
    this.byteAt(Math.min(this.at + MAX_KEY_BYTES, this.f.size - 1));
    const p = this.at - this.base;
    const end = plainKeyEnd(this.b, p, Math.min(this.length, p + MAX_KEY_BYTES));
    if (end < 0) return null;
    this.at = this.base + end;
    return String.fromCharCode(...this.b.subarray(p + 1, end - 1));
  }

  /**
   * After an array's '[': past the ']' that closes it, by its brackets alone (memchr for each; the
   * cursors read every row of the arrays they take and must end where this did), or for "classes"
   * (`strings`) past strings without escapes or brackets: how many arrays it holds (its rows, each
   * closed back at depth 1), or −1 when the file ends first.
   */
  skipArray(strings: boolean): number {
    let depth = 1;
    let rows = 0;
    for (;;) {
      if (this.byteAt(this.at) < 0) return -1;
      const b = this.b.subarray(0, this.length);
      let i = this.at - this.base;
      while (i < b.length) {
        if (strings && b[i] === 34) {
          const close = indexOfByte(b, 34, i + 1);
          if (close < 0) break;
          for (let c = i + 1; c < close; c++) if (b[c] === 92 || b[c] === 91 || b[c] === 93) return -1;
          i = close + 1;
          continue;
        }
        const open = indexOfByte(b, 91, i);
        const close = indexOfByte(b, 93, i);
        const quote = strings ? indexOfByte(b, 34, i) : -1;
        const next = Math.min(...[open, close, quote].filter((x) => x >= 0));
        if (!Number.isFinite(next)) {
          i = b.length;
          break;
        }
        if (next === quote) {
          i = next;
          continue;
        }
        i = next + 1;
        if (next === open) depth++;
        else if (--depth === 0) {
          this.at = this.base + i;
          return rows;
        } else if (depth === 1) rows++;
      }
      this.at = this.base + i;
    }
  }
}

/** Reads `length` bytes at `position` into `into` at `at` (fewer at the file's end): how many. */
function readInto(f: ChunkFile, into: Uint8Array, at: number, length: number, position: number): number {
  let got = 0;
  while (got < length) {
    const n = f.read(into, at + got, length - got, position + got);
    if (n <= 0) break;
    got += n;
  }
  return got;
}

/** An array's rows (`[z, …]`) or numbers, read one at a time from its '[' on. */
class RowCursor extends ByteWindow {
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };
  /** No row read yet: no ',' before the next. */
  private first = true;
  /** File offset of the '[' of the row `next` read last. */
  rowStart = -1;

  constructor(f: ChunkFile, arrayAt: number) {
    super(f, arrayAt + 1);
  }

  /** The first row's length without consuming it: 0 when the array's first value is a number, −1 when it is neither. */
  firstRowLength(): number {
    const start = this.at;
    const c = this.nextToken();
    try {
      if (c !== 91) return c === 45 || (c >= 48 && c <= 57) ? 0 : -1;
      this.at--; // the window keeps the row from its '['
      const values: number[] = [];
      const p = this.rowAt(this.at);
      return p >= 0 && rowNumbers(this.b, p, this.scan, null, 0, 1 << 30, values) >= 0 ? values.length : -1;
    } finally {
      this.at = start;
    }
  }

  /** The next row of exactly k numbers into `into` at `at`; END at the array's ']'. */
  next(into: Float64Array, at: number, k: number): Got {
    const sep = this.separator();
    if (sep !== ROW) return sep;
    this.rowStart = this.at;
    const p = this.rowAt(this.at);
    if (p < 0 || rowNumbers(this.b, p, this.scan, into, at, k, null) !== k) return BAD;
    this.at = this.base + this.scan.end;
    return ROW;
  }

  /** The next number into `into[0]` (a vector's); END at the array's ']'. */
  nextNumber(into: Float64Array): Got {
    const sep = this.separator();
    if (sep !== ROW) return sep;
    // A number is short: the window holds 1,100 bytes past it, or up to the file's end.
    this.byteAt(Math.min(this.at + 1100, this.f.size - 1));
    const p = this.at - this.base;
    scanNumber(this.b, p, this.scan);
    if (this.scan.error !== null || this.scan.end >= this.length) return BAD;
    into[0] = this.scan.value;
    this.at = this.base + this.scan.end;
    return ROW;
  }

  /** Past the ',' before the next value (none before the first): ROW when a value follows, END past the array's ']', else BAD. */
  private separator(): Got {
    let c = this.nextToken();
    if (c === 93) return END;
    if (!this.first) {
      if (c !== 44) return BAD;
      c = this.nextToken();
    }
    this.first = false;
    this.at--;
    return c === 91 || c === 45 || (c >= 48 && c <= 57) ? ROW : BAD;
  }

  /**
   * The place in the window of the row whose '[' is at file offset `from`, the window made to hold
   * it through its ']' (rowNumbers reads it there, and fails a row with anything but numbers); −1
   * when the file ends first.
   */
  private rowAt(from: number): number {
    for (;;) {
      if (this.byteAt(from) < 0) return -1;
      const p = from - this.base;
      if (indexOfByte(this.b.subarray(0, this.length), 93, p) >= 0) return p;
      const last = this.base + this.length;
      if (last >= this.f.size) return -1;
      // The row runs past the window: fill past it (from `at` on, the buffer grown when a row needs it).
      this.fill(Math.min(this.f.size - 1, last + READ_CHUNK_BYTES));
    }
  }
}
