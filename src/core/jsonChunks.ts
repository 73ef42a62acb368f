/**
 * JSON too long for one string (issue 22): `analyze` of 10⁴ × 10³ logits with `--json` is ~700 MB of
 * text, past V8's longest string (2²⁹ − 24 characters), and JSON.stringify throws "Invalid string
 * length". jsonChunks gives the same text in pieces of about `chunkChars` characters: joined, they are
 * exactly JSON.stringify(value), the same rules step by step (toJSON, wrapper objects, NaN and
 * ±Infinity as null, undefined members left out, array holes as null); with nonFinite 'string',
 * JSON.stringify(value, finite) of the file exports (src/core/exportAnalysis.ts: "NaN", "Infinity"). A piece ends
 * only between two values, never inside a string (a surrogate pair is never split, and escaping a
 * piece escapes the same characters as escaping the whole). Memory: one piece, not the whole text.
 */
import { RowsForJson } from './analysisReport';
import { NumberRow } from './numberRow';
import { rowBlocksInOrder } from './rowTextBlock';
import { escapeJsonOutput } from './safeText';

/** Non-finite numbers as JSON.stringify writes them (null) or as the file exports do ("NaN", "-Infinity"). */
export type NonFinite = 'null' | 'string';

export interface JsonChunkOptions {
  /** A piece is handed out once it reaches this many characters (default 64 Ki: young-generation strings, not large objects). */
  chunkChars?: number;
  nonFinite?: NonFinite;
}

export const DEFAULT_CHUNK_CHARS = 1 << 16;
/** At most this many elements of an array are handed to JSON.stringify at once (a row of 10³ logits is one run). */
const BLOCK = 1 << 14;
/** The longest JSON of a number: "-1.2345678901234567e-308". */
const MAX_NUMBER_CHARS = 24;

/** JSON.stringify(value) in pieces; nothing at all where JSON.stringify gives undefined. */
export function* jsonChunks(value: unknown, options: JsonChunkOptions = {}): Generator<string, void, undefined> {
  yield* new ChunkedJson(Math.max(1, options.chunkChars ?? DEFAULT_CHUNK_CHARS), options.nonFinite === 'string').pieces(value);
}

/** `--json` on stdout: escapeJsonOutput(JSON.stringify(value)) + '\n' (escape: false, without it), a piece per `out`. */
export function writeJson(value: unknown, out: (text: string) => void, options: { chunkChars?: number; escape?: boolean } = {}): void {
  const escape = options.escape ?? true;
  const w = new ChunkedJson(Math.max(1, options.chunkChars ?? DEFAULT_CHUNK_CHARS), false);
  // One piece behind, so that a report that fits in one piece is one write, newline included.
  let pending: string | null = null;
  for (const chunk of w.pieces(value)) {
    if (pending !== null) out(pending);
    // A piece with no string in it (most of a report: its matrices) has nothing to escape.
    pending = escape && !w.lastPiecePlain ? escapeJsonOutput(chunk) : chunk;
  }
  out((pending ?? '') + '\n');
}

/** The JSON + '\n' as UTF-8 pieces, for a file (`--out X.json`). */
export function* jsonFileChunks(value: unknown, nonFinite: NonFinite, chunkChars?: number): Generator<Uint8Array, void, undefined> {
  const encoder = new TextEncoder();
  for (const chunk of jsonChunks(value, { nonFinite, chunkChars })) yield encoder.encode(chunk);
  yield encoder.encode('\n');
}

/** What `resolve` gives for a value JSON.stringify leaves out (undefined, a function, a symbol). */
const SKIP = Symbol('skip');

class ChunkedJson {
  text = '';
  /** Whether `text` holds no string, only numbers, literals and punctuation: nothing escapeJsonOutput changes. */
  private plain = true;
  /** `plain` of the piece handed out last. */
  lastPiecePlain = true;
  /** The objects and arrays being written, outermost first: a cycle throws as JSON.stringify does. */
  private readonly open: object[] = [];

  constructor(
    private readonly limit: number,
    private readonly nonFiniteString: boolean,
  ) {}

  /** SerializeJSONProperty's first steps: toJSON, then (nonFinite 'string') the exports' replacer, wrappers unwrapped; SKIP for none. */
  private resolve(key: string, value: unknown): unknown {
    if (value instanceof RowsForJson) return value; // its toJSON, a row at a time (below)
    if ((typeof value === 'object' && value !== null) || typeof value === 'bigint') {
      const toJSON = (value as { toJSON?: unknown }).toJSON;
      if (typeof toJSON === 'function') value = toJSON.call(value, key);
    }
    if (this.nonFiniteString && typeof value === 'number' && !Number.isFinite(value)) value = String(value);
    if (value instanceof Number) value = Number(value);
    else if (value instanceof String) value = String(value);
    else if (value instanceof Boolean) value = value.valueOf();
    else if (value instanceof BigInt) value = value.valueOf();
    return value === undefined || typeof value === 'function' || typeof value === 'symbol' ? SKIP : value;
  }

  /** JSON.stringify(value) in pieces. */
  *pieces(value: unknown): Generator<string, void, undefined> {
    yield* this.value(this.resolve('', value));
    if (this.text) yield this.flush();
  }

  /** Appends a resolved value (SKIP: nothing). */
  private *value(value: unknown): Generator<string, void, undefined> {
    if (value === SKIP) return;
    if (typeof value === 'string') this.plain = false;
    if (typeof value !== 'object' || value === null) this.text += leaf(value);
    else if (value instanceof RowsForJson) yield* this.rows(value);
    else if (Array.isArray(value)) yield* this.array(value);
    else yield* this.object(value);
  }

  private *array(a: unknown[]): Generator<string, void, undefined> {
    this.enter(a);
    this.text += '[';
    // The bulk of a report, rows of numbers, goes through JSON.stringify a run at a time (3× faster
    // than number by number); anything else (objects, holes, NaN written "NaN") element by element.
    const native = Object.getPrototypeOf(a) === Array.prototype && (a as { toJSON?: unknown }).toJSON === undefined;
    for (let i = 0; i < a.length;) {
      if (i) this.text += ',';
      const end = native ? this.plainRun(a, i) : i;
      if (end > i) {
        this.plain = false; // a run may hold strings
        this.text += JSON.stringify(end - i === a.length ? a : a.slice(i, end)).slice(1, -1);
        i = end;
      } else {
        const r = this.resolve(String(i), a[i]);
        if (r === SKIP) this.text += 'null';
        else yield* this.value(r);
        i++;
      }
      if (this.text.length >= this.limit) yield this.flush();
    }
    this.text += ']';
    this.open.pop();
  }

  /**
   * RowsForJson's toJSON() written as it is made, a row at a time through one reused JS array
   * (NumberRow). A row whose JSON fits in a piece and needs no replacing (NaN written "NaN") is one
   * JSON.stringify; any other goes through `array`, element by element where it must.
   */
  private *rows(m: RowsForJson): Generator<string, void, undefined> {
    this.text += '[';
    const writer = { row: new NumberRow(), values: new Float64Array(m.cols), whole: m.cols * MAX_NUMBER_CHARS <= this.limit };
    if (m.blocks && writer.whole) {
      // Blocks of rows that fit in a piece, formatted elsewhere (threads) while the ones before are written.
      const perBlock = Math.max(1, Math.floor(this.limit / (m.cols * MAX_NUMBER_CHARS)));
      for (const block of rowBlocksInOrder(m.rows, perBlock, (ranges) => m.blocks!.start(ranges, this.nonFiniteString))) {
        if (block.text === null) yield* this.rowRange(m, block.from, block.to, writer);
        else {
          this.text += (block.from ? ',' : '') + block.text;
          if (this.text.length >= this.limit) yield this.flush();
        }
      }
    } else yield* this.rowRange(m, 0, m.rows, writer);
    this.text += ']';
  }

  /** Rows [from, to) of m, each one JSON.stringify where it fits a piece and needs no replacing, else through `array`. */
  private *rowRange(
    m: RowsForJson,
    from: number,
    to: number,
    { row, values, whole }: { row: NumberRow; values: Float64Array; whole: boolean },
  ): Generator<string, void, undefined> {
    for (let i = from; i < to; i++) {
      if (i) this.text += ',';
      const finite = row.load(m.rowInto(i, values), 0, m.cols);
      if (whole && (finite || !this.nonFiniteString)) {
        this.text += row.json();
        if (this.text.length >= this.limit) yield this.flush();
      } else yield* this.array(row.array);
    }
  }

  /**
   * The end of the run from a[from] of numbers, strings, booleans and nulls that JSON.stringify writes
   * as they are, at most BLOCK long and (but for its first element) at most a piece's length of JSON.
   */
  private plainRun(a: unknown[], from: number): number {
    let budget = this.limit;
    const to = Math.min(a.length, from + BLOCK);
    let i = from;
    for (; i < to; i++) {
      const v = a[i];
      let most: number; // the longest JSON the element can have
      if (typeof v === 'number') {
        if (this.nonFiniteString && !Number.isFinite(v)) break;
        most = MAX_NUMBER_CHARS;
      } else if (typeof v === 'string') most = 6 * v.length + 2;
      else if (typeof v === 'boolean' || v === null) most = 5;
      else break;
      if (i > from && most > budget) break;
      budget -= most;
    }
    return i;
  }

  private *object(o: object): Generator<string, void, undefined> {
    this.enter(o);
    this.text += '{';
    let first = true;
    for (const key of Object.keys(o)) {
      const r = this.resolve(key, (o as Record<string, unknown>)[key]);
      if (r === SKIP) continue;
      this.plain = false;
      this.text += (first ? '' : ',') + JSON.stringify(key) + ':';
      first = false;
      yield* this.value(r);
      if (this.text.length >= this.limit) yield this.flush();
    }
    this.text += '}';
    this.open.pop();
  }

  private enter(o: object): void {
    if (this.open.includes(o)) throw new TypeError('Converting circular structure to JSON');
    this.open.push(o);
  }

  private flush(): string {
    const piece = this.text;
    this.text = '';
    this.lastPiecePlain = this.plain;
    this.plain = true;
    return piece;
  }
}

/** A number, string, boolean or null as JSON.stringify writes it (a BigInt throws, as there). */
function leaf(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
  return JSON.stringify(v);
}
