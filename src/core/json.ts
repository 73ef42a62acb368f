/**
 * A JSON parser over UTF-8 bytes that keeps source offsets. Arrays of numbers (and arrays of
 * equal-or-ragged rows of numbers) are read straight into Float64Arrays with one span per row,
 * because those are the tensors; everything else becomes a small tree.
 */
import { InputError } from './problems';
import { describeCharAt, scanNumber, type NumberScan } from './numberScan';

export interface Span {
  start: number;
  end: number;
}

export type JsonNode = JsonObject | JsonArray | JsonVector | JsonMatrix | JsonString | JsonNumber | JsonLiteral;

export interface JsonObject extends Span {
  kind: 'object';
  entries: JsonEntry[];
}
export interface JsonEntry {
  key: string;
  keySpan: Span;
  value: JsonNode;
}
export interface JsonArray extends Span {
  kind: 'array';
  items: JsonNode[];
}
/** A 1-D array of numbers; `spans` holds [start, end) of each element. */
export interface JsonVector extends Span {
  kind: 'vector';
  data: Float64Array;
  spans: Float64Array;
}
/** A 2-D array of numbers; `rowSpans` holds [start, end) of each row; rows may be ragged. */
export interface JsonMatrix extends Span {
  kind: 'matrix';
  rows: number;
  /** Row length when every row has the same length, else -1. */
  cols: number;
  data: Float64Array;
  /** Index into data where row r starts (length rows + 1). */
  rowOffsets: Float64Array;
  rowSpans: Float64Array;
}
export interface JsonString extends Span {
  kind: 'string';
  value: string;
}
export interface JsonNumber extends Span {
  kind: 'number';
  value: number;
}
export interface JsonLiteral extends Span {
  kind: 'true' | 'false' | 'null';
}

/** Deeper nesting than any tensor file needs; the limit keeps hostile files off the stack. */
export const MAX_DEPTH = 256;

/** Grows a Float64Array by doubling; reused across rows to avoid per-row allocation. */
class Float64Builder {
  data = new Float64Array(1024);
  length = 0;
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  take(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

export function parseJson(bytes: Uint8Array): JsonNode {
  return new JsonParser(bytes).parseDocument();
}

class JsonParser {
  private pos = 0;
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly b: Uint8Array) {}

  parseDocument(): JsonNode {
    const b = this.b;
    // A UTF-8 byte-order mark is harmless; skip it as editors do.
    if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) this.pos = 3;
    this.skipSpace();
    if (this.pos >= b.length) throw new InputError('the file is empty; expected a JSON object such as {"logits": [[...]], "labels": [...]}', 0, 0, 'empty');
    const node = this.parseValue(0);
    this.skipSpace();
    if (this.pos < b.length) throw this.unexpected('after the end of the JSON value');
    return node;
  }

  private skipSpace(): void {
    const b = this.b;
    let i = this.pos;
    for (;;) {
      const c = b[i];
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else if (c === 47 /* / */ && (b[i + 1] === 47 || b[i + 1] === 42)) {
        this.pos = i;
        throw new InputError('comments are not allowed in JSON; remove them (or save the file as JSON without comments)', i, i + 2, 'comment');
      } else break;
    }
    this.pos = i;
  }

  private unexpected(context: string): InputError {
    const i = this.pos;
    if (i >= this.b.length) return new InputError(`the file ends unexpectedly ${context}; is it truncated?`, i, i, 'truncated');
    const c = this.b[i];
    let hint = '';
    if (c === 39) hint = '; JSON strings use double quotes';
    else if (c === 78 || c === 73 || (c === 45 && this.b[i + 1] === 73)) hint = '; NaN and Infinity are not JSON and cannot be analysed: replace them with finite numbers';
    return new InputError(`unexpected ${describeCharAt(this.b, i)} ${context}${hint}`, i, i + 1, 'syntax');
  }

  private parseValue(depth: number): JsonNode {
    const c = this.b[this.pos];
    if (c === 123) return this.parseObject(depth);
    if (c === 91) return this.parseArray(depth);
    if (c === 34) return this.parseString();
    if (c === 45 || (c >= 48 && c <= 57)) {
      const start = this.pos;
      const value = this.parseNumber();
      return { kind: 'number', value, start, end: this.pos };
    }
    if (c === 116) return this.parseLiteral('true');
    if (c === 102) return this.parseLiteral('false');
    if (c === 110) return this.parseLiteral('null');
    throw this.unexpected('where a value was expected');
  }

  private parseNumber(): number {
    const start = this.pos;
    scanNumber(this.b, start, this.scan);
    if (this.scan.error !== null) {
      const at = this.scan.end;
      // -Infinity reaches here as '-' followed by 'I'.
      if (this.b[start] === 45 && this.b[start + 1] === 73) {
        this.pos = start;
        throw this.unexpected('where a value was expected');
      }
      const tooLarge = this.scan.error.includes('too large');
      throw new InputError(tooLarge ? this.scan.error : `malformed number: ${this.scan.error}`, tooLarge ? start : at, tooLarge ? this.scan.end : at + 1, tooLarge ? 'non-finite' : 'number');
    }
    this.pos = this.scan.end;
    return this.scan.value;
  }

  private parseLiteral(word: 'true' | 'false' | 'null'): JsonLiteral {
    const start = this.pos;
    for (let k = 0; k < word.length; k++) {
      if (this.b[start + k] !== word.charCodeAt(k)) {
        this.pos = start + k;
        throw this.unexpected(`in '${word}'`);
      }
    }
    this.pos = start + word.length;
    return { kind: word, start, end: this.pos };
  }

  private parseString(): JsonString {
    const b = this.b;
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    for (;;) {
      const c = b[i];
      if (c === undefined) throw new InputError('the file ends inside a string; is it truncated?', start, i, 'truncated');
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c < 0x20) throw new InputError('a string must not contain a raw line break or control character; close the string with "', i, i + 1, 'syntax');
      i++;
    }
    this.pos = i + 1;
    const raw = this.decoder.decode(b.subarray(start, i + 1));
    let value: string;
    if (escaped) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        throw new InputError('invalid escape sequence in a string', start, i + 1, 'syntax');
      }
    } else value = raw.slice(1, -1);
    return { kind: 'string', value, start, end: this.pos };
  }

  private parseObject(depth: number): JsonObject {
    if (depth >= MAX_DEPTH) throw new InputError(`nesting deeper than ${MAX_DEPTH} levels; tensor files need at most a few`, this.pos, this.pos + 1, 'depth');
    const start = this.pos;
    this.pos++;
    const entries: JsonEntry[] = [];
    this.skipSpace();
    if (this.b[this.pos] === 125) {
      this.pos++;
      return { kind: 'object', entries, start, end: this.pos };
    }
    for (;;) {
      this.skipSpace();
      if (this.b[this.pos] !== 34) {
        if (this.b[this.pos] === 125 && entries.length > 0) throw new InputError('trailing comma before }; remove the last comma', this.lastComma, this.lastComma + 1, 'trailing-comma');
        throw this.unexpected('where a quoted key was expected');
      }
      const key = this.parseString();
      this.skipSpace();
      if (this.b[this.pos] !== 58) throw this.unexpected(`after the key "${key.value}"; expected ':'`);
      this.pos++;
      this.skipSpace();
      const value = this.parseValue(depth + 1);
      entries.push({ key: key.value, keySpan: { start: key.start, end: key.end }, value });
      this.skipSpace();
      const c = this.b[this.pos];
      if (c === 44) {
        this.lastComma = this.pos;
        this.pos++;
        continue;
      }
      if (c === 125) {
        this.pos++;
        return { kind: 'object', entries, start, end: this.pos };
      }
      throw this.unexpected(`after the value of "${key.value}"; expected ',' or '}'`);
    }
  }

  private lastComma = 0;

  private parseArray(depth: number): JsonNode {
    if (depth >= MAX_DEPTH) throw new InputError(`nesting deeper than ${MAX_DEPTH} levels; tensor files need at most a few`, this.pos, this.pos + 1, 'depth');
    const start = this.pos;
    this.pos++;
    this.skipSpace();
    const c = this.b[this.pos];
    if (c === 45 || (c >= 48 && c <= 57)) return this.parseVector(start) ?? this.parseGenericArray(start, depth);
    if (c === 91) {
      const matrix = this.parseMatrix(start, depth);
      if (matrix) return matrix;
    }
    return this.parseGenericArray(start, depth);
  }

  /** `[n, n, ...]`; returns null (position restored) if a non-number turns up. */
  private parseVector(start: number): JsonVector | null {
    const values = new Float64Builder();
    const spans = new Float64Builder();
    const b = this.b;
    for (;;) {
      this.skipSpace();
      const c = b[this.pos];
      if (!(c === 45 || (c >= 48 && c <= 57))) {
        if (c === 93 && values.length > 0) throw new InputError('trailing comma before ]; remove the last comma', this.lastComma, this.lastComma + 1, 'trailing-comma');
        this.pos = start + 1;
        return null;
      }
      const s = this.pos;
      values.push(this.parseNumber());
      spans.push(s);
      spans.push(this.pos);
      this.skipSpace();
      const d = b[this.pos];
      if (d === 44) {
        this.lastComma = this.pos;
        this.pos++;
        continue;
      }
      if (d === 93) {
        this.pos++;
        return { kind: 'vector', data: values.take(), spans: spans.take(), start, end: this.pos };
      }
      if (d === undefined) throw this.unexpected('inside an array');
      // Something other than a number or a separator: let the generic path report or keep it.
      this.pos = start + 1;
      return null;
    }
  }

  private readonly rowValues = new Float64Builder();

  /**
   * `[[n, ...], [n, ...], ...]` read into one buffer. Returns null (position restored) when the
   * rows are not all flat number lists, so the generic path can build (and describe) the tree.
   */
  private parseMatrix(start: number, depth: number): JsonMatrix | null {
    if (depth + 1 >= MAX_DEPTH) return null;
    const b = this.b;
    const values = this.rowValues;
    values.length = 0;
    const rowOffsets: number[] = [0];
    const rowSpans: number[] = [];
    let cols = -2;
    for (;;) {
      this.skipSpace();
      if (b[this.pos] !== 91) {
        if (b[this.pos] === 93 && rowSpans.length > 0) throw new InputError('trailing comma before ]; remove the last comma', this.lastComma, this.lastComma + 1, 'trailing-comma');
        this.pos = start + 1;
        return null;
      }
      const rowStart = this.pos;
      this.pos++;
      let count = 0;
      this.skipSpace();
      if (b[this.pos] === 93) {
        this.pos++;
      } else {
        for (;;) {
          this.skipSpace();
          const c = b[this.pos];
          if (!(c === 45 || (c >= 48 && c <= 57))) {
            if (c === 93 && count > 0) throw new InputError('trailing comma before ]; remove the last comma', this.lastComma, this.lastComma + 1, 'trailing-comma');
            this.pos = start + 1;
            return null;
          }
          values.push(this.parseNumber());
          count++;
          this.skipSpace();
          const d = b[this.pos];
          if (d === 44) {
            this.lastComma = this.pos;
            this.pos++;
            continue;
          }
          if (d === 93) {
            this.pos++;
            break;
          }
          if (d === undefined) throw this.unexpected('inside an array');
          this.pos = start + 1;
          return null;
        }
      }
      rowSpans.push(rowStart, this.pos);
      rowOffsets.push(values.length);
      cols = cols === -2 ? count : cols === count ? cols : -1;
      this.skipSpace();
      const e = b[this.pos];
      if (e === 44) {
        this.lastComma = this.pos;
        this.pos++;
        continue;
      }
      if (e === 93) {
        this.pos++;
        break;
      }
      if (e === undefined) throw this.unexpected('inside an array');
      throw this.unexpected("after a row; expected ',' or ']'");
    }
    return {
      kind: 'matrix',
      rows: rowSpans.length / 2,
      cols,
      data: values.take(),
      rowOffsets: Float64Array.from(rowOffsets),
      rowSpans: Float64Array.from(rowSpans),
      start,
      end: this.pos,
    };
  }

  private parseGenericArray(start: number, depth: number): JsonArray {
    this.pos = start + 1;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.b[this.pos] === 93) {
      this.pos++;
      return { kind: 'array', items, start, end: this.pos };
    }
    for (;;) {
      this.skipSpace();
      if (this.b[this.pos] === 93 && items.length > 0) throw new InputError('trailing comma before ]; remove the last comma', this.lastComma, this.lastComma + 1, 'trailing-comma');
      items.push(this.parseValue(depth + 1));
      this.skipSpace();
      const c = this.b[this.pos];
      if (c === 44) {
        this.lastComma = this.pos;
        this.pos++;
        continue;
      }
      if (c === 93) {
        this.pos++;
        return { kind: 'array', items, start, end: this.pos };
      }
      throw this.unexpected("inside an array; expected ',' or ']'");
    }
  }
}
