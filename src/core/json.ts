/**
 * A JSON parser over UTF-8 bytes that keeps source offsets. Arrays of numbers (and arrays of
 * equal-or-ragged rows of numbers) are read straight into Float64Arrays with one span per row,
 * because those are the tensors; everything else becomes a small tree.
 */
import { InputError, withinFile } from './problems';
import { charHintAt, charLengthAt, charNameAt, firstInvalidUtf8 } from './charNames';
import { notTextProblem, startsWithBom } from './fileSignature';
import { scanNumber, type NumberScan } from './numberScan';
import { Float64Builder } from './float64Builder';

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

/** How messages name a value the file has where it should have another: "the string …", "an array". */
export function describeNode(node: JsonNode): string {
  switch (node.kind) {
    case 'string':
      return `the string ${JSON.stringify(node.value.length > 40 ? node.value.slice(0, 40) + '…' : node.value)}`;
    case 'number':
      return `the number ${node.value}`;
    case 'true':
    case 'false':
      return `the boolean ${node.kind}`;
    case 'null':
      return 'null';
    case 'object':
      return 'an object';
    default:
      return 'an array';
  }
}

/** Span of the j-th number inside the flat JSON array that starts at `rowStart`. */
export function nthElementSpan(b: Uint8Array, rowStart: number, j: number): { start: number; end: number } {
  let i = rowStart + 1;
  let index = 0;
  for (;;) {
    while (b[i] === 32 || b[i] === 9 || b[i] === 10 || b[i] === 13) i++;
    const start = i;
    while (i < b.length && b[i] !== 44 && b[i] !== 93 && b[i] !== 32 && b[i] !== 10 && b[i] !== 13 && b[i] !== 9) i++;
    if (index === j || i >= b.length) return { start, end: i };
    while (b[i] !== 44 && b[i] !== 93 && i < b.length) i++;
    if (b[i] === 93) return { start, end: i };
    i++;
    index++;
  }
}

/** Deeper nesting than any tensor file needs; the limit keeps hostile files off the stack. */
export const MAX_DEPTH = 256;

export function parseJson(bytes: Uint8Array): JsonNode {
  return parsed(bytes, (parser) => parser.parseDocument());
}

/** A JSON Lines file (one value a line: `.jsonl`, `.ndjson`) as the array of its values, each where it is in the file. */
export function parseJsonLines(bytes: Uint8Array): JsonArray {
  return parsed(bytes, (parser) => parser.parseLines());
}

function parsed<T>(bytes: Uint8Array, read: (parser: JsonParser) => T): T {
  const notText = notTextProblem(bytes, 'JSON');
  if (notText) throw notText;
  try {
    return read(new JsonParser(bytes));
  } catch (error) {
    throw withinFile(error, bytes.length);
  }
}

/**
 * The error parseJson would throw at `row`, a row of "logits" in a file too large to hold (issue
 * 22): `head` is the file from its start through the '[' that opens "logits", `row` the row from
 * its '[' through its first ']'. The parser reads left to right and its messages name no row, so
 * when the rows before were read without a problem, parseJson of the whole file throws the same
 * error. Positions are in head + row; null when the row reads without an error, or the error is
 * the window's end (code 'truncated') and that is not the file's. `atFileEnd`: `row` runs to the
 * file's end (a file cut short), so an error there is the whole file's. The caller checks the
 * file's start (notTextProblem).
 */
export function jsonRowError(head: Uint8Array, row: Uint8Array, atFileEnd = false): InputError | null {
  const window = new Uint8Array(head.length + row.length);
  window.set(head);
  window.set(row, head.length);
  try {
    new JsonParser(window).parseDocument();
    return null;
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const within = withinFile(error, window.length) as InputError;
    if (within.start < head.length) return null;
    return atFileEnd || (within.code !== 'truncated' && within.start < window.length) ? within : null;
  }
}

const NON_FINITE_WORD = /^[-+]?(nan|inf|infinity)$/i;

/** Advice for a bare word where JSON has none: NaN, Python literals, unquoted strings. */
function wordHint(word: string, where: 'value' | 'key' | 'other'): string {
  if (word === 'None') return '; None is Python, not JSON: write the file with json.dump rather than str(), and fill in the missing value';
  if (word === 'True' || word === 'False')
    return `; JSON writes ${word.toLowerCase()} in lowercase (the file looks like Python's str() of a dict; write it with json.dump)`;
  if (/^(true|false|null)$/i.test(word)) return `; JSON writes ${word.toLowerCase()} in lowercase`;
  if (where === 'key') return `; keys need double quotes: "${word}"`;
  if (where === 'value') return `; text needs double quotes ("${word}"), numbers are written with digits`;
  return '';
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

class JsonParser {
  private pos = 0;
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };
  private readonly decoder = new TextDecoder('utf-8', { fatal: false });

  constructor(private readonly b: Uint8Array) {}

  parseDocument(): JsonNode {
    const b = this.b;
    this.toFirstValue('the file is empty; expected a JSON object such as {"logits": [[...]], "labels": [...]}');
    const node = this.parseValue(0);
    this.skipSpace();
    if (this.pos < b.length) {
      const c = b[this.pos];
      const error = this.unexpected('after the end of the JSON value');
      if (c === 123 || c === 91)
        throw new InputError(
          `${error.message}; a JSON file holds one value (one object per line is JSON Lines: name the file .jsonl, or put the objects in one array, [{…}, {…}])`,
          error.start,
          error.end,
          'syntax',
        );
      if (c === 125 || c === 93)
        throw new InputError(
          `${error.message}; there is one more '${String.fromCharCode(c)}' than there are opening brackets`,
          error.start,
          error.end,
          'syntax',
        );
      throw error;
    }
    return node;
  }

  /** One value a line (JSON Lines), as the array of them; blank lines between are allowed. */
  parseLines(): JsonArray {
    const b = this.b;
    this.toFirstValue('the file is empty; expected one JSON object a line, such as {"logits": [...], "label": 3}');
    const start = this.pos;
    const items: JsonNode[] = [];
    while (this.pos < b.length) {
      items.push(this.parseValue(0));
      while (b[this.pos] === 32 || b[this.pos] === 9) this.pos++;
      const c = b[this.pos];
      if (c !== undefined && c !== 10 && c !== 13) {
        const error = this.unexpected('after the JSON value on its line');
        throw new InputError(`${error.message}; a JSON Lines file holds one value a line`, error.start, error.end, error.code);
      }
      this.skipSpace();
    }
    return { kind: 'array', start, end: items[items.length - 1].end, items };
  }

  /** Past a byte order mark (harmless; editors skip it too) and white space to the first value; `empty`: the message when there is none. */
  private toFirstValue(empty: string): void {
    if (startsWithBom(this.b)) this.pos = 3;
    this.skipSpace();
    if (this.pos >= this.b.length) throw new InputError(empty, 0, 0, 'empty');
  }

  private skipSpace(): void {
    const b = this.b;
    let i = this.pos;
    for (;;) {
      const c = b[i];
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else if (c === 47 /* / */ && (b[i + 1] === 47 || b[i + 1] === 42)) {
        this.pos = i;
        throw new InputError(
          'comments are not allowed in JSON; remove them (or save the file as JSON without comments)',
          i,
          i + 2,
          'comment',
        );
      } else break;
    }
    this.pos = i;
  }

  private unexpected(context: string, where: 'value' | 'key' | 'other' = 'other'): InputError {
    const b = this.b;
    const i = this.pos;
    if (i >= b.length) return new InputError(`the file ends unexpectedly ${context}; is it truncated?`, i, i, 'truncated');
    const word = this.wordAt(i);
    if (word) {
      const end = i + word.length;
      if (NON_FINITE_WORD.test(word)) {
        return new InputError(
          `${word} is not a number JSON can hold, and no loss can be computed from it; replace it with a finite number or drop the sample`,
          i,
          end,
          'non-finite',
        );
      }
      if (end >= b.length && ['true', 'false', 'null'].some((w) => w.startsWith(word) && w !== word)) {
        return new InputError(`the file ends unexpectedly in '${word}'; is it truncated?`, end, end, 'truncated');
      }
      return new InputError(
        `unexpected '${word.length > 40 ? word.slice(0, 40) + '…' : word}' ${context}${wordHint(word, where)}`,
        i,
        end,
        'syntax',
      );
    }
    const c = b[i];
    let hint = charHintAt(b, i);
    if (c === 39) hint = '; JSON strings use double quotes';
    else if (c === 43 && isDigit(b[i + 1])) hint = "; JSON numbers cannot start with '+': remove it";
    else if (c === 46 && isDigit(b[i + 1])) hint = '; JSON numbers need a digit before the decimal point: write 0.5, not .5';
    else if (where === 'key' && (isDigit(c) || c === 45)) hint = '; keys must be strings in double quotes';
    return new InputError(`unexpected ${charNameAt(b, i)} ${context}${hint}`, i, i + charLengthAt(b, i), 'syntax');
  }

  /** What follows an array item or object value that is neither ',' nor the closing bracket. */
  private afterItem(context: string): InputError {
    const c = this.b[this.pos];
    const error = this.unexpected(context);
    if (error.code !== 'syntax') return error;
    let hint = '';
    if (c === 91 || c === 123 || c === 34 || isDigit(c) || (c === 45 && isDigit(this.b[this.pos + 1])))
      hint = '; is a comma missing before it?';
    else if (c === 93 || c === 125)
      hint = `; the brackets do not match (one '${String.fromCharCode(c)}' too many, or an opening bracket missing)`;
    return hint ? new InputError(error.message + hint, error.start, error.end, error.code) : error;
  }

  /** An ASCII word (optionally signed, for -Infinity) starting at `i`, or ''. */
  private wordAt(i: number): string {
    const b = this.b;
    let j = i;
    if (b[j] === 45 || b[j] === 43) j++;
    const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
    if (!isLetter(b[j])) return '';
    while (j < b.length && (isLetter(b[j]) || isDigit(b[j]))) j++;
    let text = '';
    for (let k = i; k < j; k++) text += String.fromCharCode(b[k]);
    return text;
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
    throw this.unexpected('where a value was expected', 'value');
  }

  private parseNumber(): number {
    const start = this.pos;
    scanNumber(this.b, start, this.scan);
    if (this.scan.error !== null) throw this.numberError(start);
    this.pos = this.scan.end;
    return this.scan.value;
  }

  /** Why the number at `start` is malformed, located at the offending character. */
  private numberError(start: number): InputError {
    const b = this.b;
    const at = this.scan.end;
    const error = this.scan.error!;
    // -Infinity and -NaN reach here as '-' followed by a letter.
    if (b[start] === 45 && /[A-Za-z_]/.test(String.fromCharCode(b[start + 1] ?? 0))) {
      this.pos = start;
      return this.unexpected('where a value was expected', 'value');
    }
    if (error.includes('too large')) return new InputError(error, start, at, 'non-finite');
    if (at >= b.length) return new InputError('the file ends in the middle of a number; is it truncated?', b.length, b.length, 'truncated');
    let text = '';
    for (let k = start; k < b.length && k < start + 40 && /[-+.0-9eE]/.test(String.fromCharCode(b[k])); k++)
      text += String.fromCharCode(b[k]);
    let hint = '';
    if (error.includes('leading zero')) hint = `; write ${text.replace(/^(-?)0+(?=\d)/, '$1')}, not ${text}`;
    else if (error.includes('after the decimal point') && !isDigit(b[at])) hint = `; write ${text}0 or ${text.slice(0, -1)}`;
    else if (b[at] === 46 && isDigit(b[at + 1]))
      hint = `; JSON numbers need a digit before the decimal point: write ${text.replace('.', '0.')}`;
    return new InputError(`malformed number: ${error}${hint}`, at, at + charLengthAt(b, at), 'number');
  }

  private parseLiteral(word: 'true' | 'false' | 'null'): JsonLiteral {
    const start = this.pos;
    for (let k = 0; k < word.length; k++) {
      if (this.b[start + k] !== word.charCodeAt(k)) {
        throw this.unexpected('where a value was expected', 'value');
      }
    }
    if (/[A-Za-z0-9_]/.test(String.fromCharCode(this.b[start + word.length] ?? 32)))
      throw this.unexpected('where a value was expected', 'value');
    this.pos = start + word.length;
    return { kind: word, start, end: this.pos };
  }

  private parseString(): JsonString {
    const b = this.b;
    const start = this.pos;
    let i = start + 1;
    let escaped = false;
    let high = false;
    for (;;) {
      const c = b[i];
      if (c === undefined)
        throw new InputError(
          'the string that starts here is never closed: the file ends inside it; is it truncated?',
          start,
          b.length,
          'truncated',
        );
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i += 2;
        continue;
      }
      if (c === 10 || c === 13)
        throw new InputError('a string cannot span lines: close it with " before the end of the line', i, i + 1, 'syntax');
      if (c < 0x20)
        throw new InputError(
          `a string cannot contain ${charNameAt(b, i)}; write it as an escape such as \\t, or remove it`,
          i,
          i + 1,
          'syntax',
        );
      if (c >= 0x80) high = true;
      i++;
    }
    if (high) {
      const bad = firstInvalidUtf8(b, start + 1, i);
      if (bad >= 0)
        throw new InputError(
          `this string holds the byte 0x${b[bad].toString(16)}, which is not UTF-8 text; save the file as UTF-8 (it may be Latin-1 or Windows-1252)`,
          bad,
          bad + 1,
          'encoding',
        );
    }
    this.pos = i + 1;
    const raw = this.decoder.decode(b.subarray(start, i + 1));
    let value: string;
    if (escaped) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        throw this.badEscape(start, i);
      }
    } else value = raw.slice(1, -1);
    return { kind: 'string', value, start, end: this.pos };
  }

  /** Locates the first escape that JSON does not allow in the string [start, end]. */
  private badEscape(start: number, end: number): InputError {
    const b = this.b;
    for (let i = start + 1; i < end; i++) {
      if (b[i] !== 92) continue;
      const e = b[i + 1];
      if (e === 117 /* u */) {
        let hex = 0;
        while (hex < 4 && /[0-9a-fA-F]/.test(String.fromCharCode(b[i + 2 + hex] ?? 0))) hex++;
        if (hex < 4)
          return new InputError('invalid escape in a string: \\u needs four hex digits, as in \\u00e9', i, i + 2 + hex, 'syntax');
        i += 5;
        continue;
      }
      if (e === 34 || e === 92 || e === 47 || e === 98 || e === 102 || e === 110 || e === 114 || e === 116) {
        i++;
        continue;
      }
      return new InputError(`invalid escape '\\${String.fromCharCode(e)}' in a string; write a backslash as \\\\`, i, i + 2, 'syntax');
    }
    return new InputError('invalid escape in a string', start, end + 1, 'syntax');
  }

  private parseObject(depth: number): JsonObject {
    if (depth >= MAX_DEPTH) throw this.tooDeep();
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
        if (this.b[this.pos] === 125 && entries.length > 0)
          throw new InputError(
            "a trailing comma before '}' is not allowed in JSON; remove it",
            this.lastComma,
            this.lastComma + 1,
            'trailing-comma',
          );
        throw this.unexpected('where a quoted key was expected', 'key');
      }
      const keyStart = this.pos;
      const key = this.parseKey(entries.length);
      const keySpan = { start: keyStart, end: this.pos };
      this.skipSpace();
      if (this.b[this.pos] !== 58) throw this.unexpected(`after the key "${key}"; expected ':'`);
      this.pos++;
      this.skipSpace();
      const value = this.parseValue(depth + 1);
      entries.push({ key, keySpan, value });
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
      throw this.afterItem(`after the value of "${key}"; expected ',' or '}'`);
    }
  }

  private lastComma = 0;

  /**
   * Keys seen lately, by their place in their object, with where their bytes are: records repeat
   * one object's keys in one order, so key i of a record is most often key i of the one before,
   * and its string is reused, not decoded again (10⁷ keys in a 335 MB DataFrame's records).
   */
  private readonly recentKeys: { text: string; start: number; length: number }[] = [];

  /** A key's string, the quotes included in what is consumed: parseString's, without its node. */
  private parseKey(place: number): string {
    const b = this.b;
    const start = this.pos + 1;
    let i = start;
    // Plain ASCII without escapes: anything else (and every error) is parseString's.
    while (b[i] !== 34 && b[i] >= 0x20 && b[i] < 0x80 && b[i] !== 92) i++;
    if (b[i] !== 34) return this.parseString().value;
    const length = i - start;
    this.pos = i + 1;
    const recent = this.recentKeys[place];
    if (recent && recent.length === length) {
      let same = true;
      for (let t = 0; t < length && same; t++) same = b[recent.start + t] === b[start + t];
      if (same) return recent.text;
    }
    const text = this.decoder.decode(b.subarray(start, i));
    if (place < 4096) this.recentKeys[place] = { text, start, length };
    return text;
  }

  private tooDeep(): InputError {
    return new InputError(
      `arrays and objects are nested more than ${MAX_DEPTH} levels deep here; a tensor file needs at most 3 (an object holding N×K arrays)`,
      this.pos,
      this.pos + 1,
      'depth',
    );
  }

  private parseArray(depth: number): JsonNode {
    if (depth >= MAX_DEPTH) throw this.tooDeep();
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
        if (c === 93 && values.length > 0)
          throw new InputError(
            "a trailing comma before ']' is not allowed in JSON; remove it",
            this.lastComma,
            this.lastComma + 1,
            'trailing-comma',
          );
        if (c === undefined) throw this.unexpected('where a value was expected');
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
  /** Numbers fastRow() read from the current row. */
  private rowCount = 0;

  /**
   * The usual row `n, n, …]`, with positions in locals: true with this.pos past the ']'. At
   * anything else (a comment, a non-number, a malformed number, an unexpected character) it stops
   * at the start of the value it could not take, having kept the values before it, and returns
   * false, so the careful loop goes on from there and reports exactly as it always has.
   */
  private fastRow(values: Float64Builder): boolean {
    const b = this.b;
    const scan = this.scan;
    let p = this.pos;
    let count = 0;
    for (;;) {
      let c = b[p];
      while (c === 32 || c === 10 || c === 13 || c === 9) c = b[++p];
      if (!(c === 45 || (c >= 48 && c <= 57))) break;
      scanNumber(b, p, scan);
      if (scan.error !== null) break;
      let q = scan.end;
      let d = b[q];
      while (d === 32 || d === 10 || d === 13 || d === 9) d = b[++q];
      if (d === 44) {
        values.push(scan.value);
        count++;
        this.lastComma = q;
        p = q + 1;
        continue;
      }
      if (d === 93) {
        values.push(scan.value);
        this.rowCount = count + 1;
        this.pos = q + 1;
        return true;
      }
      break; // re-read this value in the careful loop, which knows what to say about `d`
    }
    this.rowCount = count;
    this.pos = p;
    return false;
  }

  /**
   * `[[n, ...], [n, ...], ...]` read into one buffer. Returns null (position restored) when the
   * rows are not all flat number lists, so the generic path can build (and describe) the tree.
   */
  private parseMatrix(start: number, depth: number): JsonMatrix | null {
    if (depth + 1 >= MAX_DEPTH) return null;
    const b = this.b;
    const values = this.rowValues;
    values.length = 0;
    // At least 8 bytes a number in practice ("-1.2345,"): room for all of them at once.
    values.reserve(Math.min(1 << 27, Math.ceil((b.length - this.pos) / 8)));
    const rowOffsets: number[] = [0];
    const rowSpans: number[] = [];
    let cols = -2;
    for (;;) {
      this.skipSpace();
      if (b[this.pos] !== 91) {
        if (b[this.pos] === 93 && rowSpans.length > 0)
          throw new InputError(
            "a trailing comma before ']' is not allowed in JSON; remove it",
            this.lastComma,
            this.lastComma + 1,
            'trailing-comma',
          );
        // A truncated file ends here; re-reading the rows through the generic path would not help.
        if (this.pos >= b.length) throw this.unexpected('where a value was expected');
        this.pos = start + 1;
        return null;
      }
      const rowStart = this.pos;
      this.pos++;
      let count = 0;
      this.skipSpace();
      if (b[this.pos] === 93) {
        this.pos++;
      } else if (this.fastRow(values)) {
        count = this.rowCount;
      } else {
        count = this.rowCount;
        for (;;) {
          this.skipSpace();
          const c = b[this.pos];
          if (!(c === 45 || (c >= 48 && c <= 57))) {
            if (c === 93 && count > 0)
              throw new InputError(
                "a trailing comma before ']' is not allowed in JSON; remove it",
                this.lastComma,
                this.lastComma + 1,
                'trailing-comma',
              );
            if (c === undefined) throw this.unexpected('where a value was expected');
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
      throw this.afterItem("after a row; expected ',' or ']'");
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
      if (this.b[this.pos] === 93 && items.length > 0)
        throw new InputError(
          "a trailing comma before ']' is not allowed in JSON; remove it",
          this.lastComma,
          this.lastComma + 1,
          'trailing-comma',
        );
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
      throw this.afterItem("inside an array; expected ',' or ']'");
    }
  }
}
