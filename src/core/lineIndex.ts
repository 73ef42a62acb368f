/**
 * Maps byte offsets of a UTF-8 file to 0-based line / UTF-16 column positions, the way VS Code
 * counts them (\n, \r\n and a lone \r each end a line), without decoding the whole file. A UTF-8
 * byte-order mark is not part of the text (editors hide it), so it takes no column.
 */
import { indexOfByte } from './byteSearch';
import { startsWithBom } from './fileSignature';

export interface Position {
  line: number;
  character: number;
}

export interface LineTables {
  lineStarts: Uint32Array | Float64Array;
  firstNonAscii: Float64Array;
}

/** The file's bytes, or a window onto them read on demand (the host of a file a worker holds). */
export interface ByteWindow {
  readonly length: number;
  subarray(start: number, end: number): Uint8Array;
}

export class LineIndex {
  private readonly lineStarts: Uint32Array | Float64Array;
  /** Per line, the offset of its first non-ASCII byte (or its end): columns before it are bytes. */
  private readonly firstNonAscii: Float64Array;
  // ignoreBOM keeps a U+FEFF that starts a line's text: it is a character there, not a file BOM.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Where the text of line 0 starts: 3 after a UTF-8 byte-order mark, else 0. */
  private readonly textStart: number;

  constructor(
    private readonly bytes: ByteWindow,
    /** The tables of an index built elsewhere (a worker) over the same bytes: see `tables`. */
    tables?: LineTables,
  ) {
    this.textStart = startsWithBom(bytes.subarray(0, 3)) ? 3 : 0;
    if (tables) {
      this.lineStarts = tables.lineStarts;
      this.firstNonAscii = tables.firstNonAscii;
      return;
    }
    if (!(bytes instanceof Uint8Array)) throw new Error('LineIndex: a byte window needs the tables scanned elsewhere');
    ({ lineStarts: this.lineStarts, firstNonAscii: this.firstNonAscii } = scanLines(bytes));
  }

  /** The scan's results, to move to another thread instead of scanning the bytes again there. */
  get tables(): LineTables {
    return { lineStarts: this.lineStarts, firstNonAscii: this.firstNonAscii };
  }

  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The 0-based line containing a byte offset. */
  lineOf(offset: number): number {
    return lineOfOffset(this.lineStarts, offset);
  }

  position(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.bytes.length));
    const line = this.lineOf(clamped);
    const start = line === 0 ? Math.min(this.textStart, clamped) : this.lineStarts[line];
    // Columns count UTF-16 units, as editors do; up to a line's first non-ASCII byte they are bytes,
    // which keeps this O(1) on one-line files of many megabytes.
    const ascii = clamped <= this.firstNonAscii[line];
    const character = ascii ? clamped - start : this.decoder.decode(this.bytes.subarray(start, clamped)).length;
    return { line, character };
  }

  /** Inverse of position(): the byte offset of a 0-based line and UTF-16 column. */
  offsetAt(position: Position): number {
    const line = Math.max(0, Math.min(position.line, this.lineStarts.length - 1));
    const start = line === 0 ? this.textStart : this.lineStarts[line];
    const lineEnd = line + 1 < this.lineStarts.length ? this.lineStarts[line + 1] : this.bytes.length;
    const ascii = start + Math.max(0, position.character);
    if (ascii <= this.firstNonAscii[line]) return ascii;
    const text = this.bytes.subarray(start, lineEnd);
    let offset = start;
    let units = 0;
    while (offset - start < text.length && units < position.character) {
      const c = text[offset - start];
      if (c === 10 || c === 13) break;
      const width = c < 0xc0 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
      units += width === 4 ? 2 : 1;
      offset += width;
    }
    return offset;
  }
}

/** The 0-based line whose start is the last at or before `offset` (binary search of the line starts). */
export function lineOfOffset(lineStarts: ArrayLike<number>, offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (lineStarts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * The tables of a binary file (.npy, .npz, .safetensors, .pt): one line, so a position is its
 * byte offset. Its 0x0A and 0x0D bytes are data, not line ends, and scanning for them cost the
 * extension half of its analysis of a 80 MB .npy (0.49 of 1.1 s).
 */
export function byteOffsetTables(length: number): LineTables {
  return { lineStarts: Uint32Array.of(0), firstNonAscii: Float64Array.of(length) };
}

/**
 * The line tables of a file. Without a carriage return (most files) newlines are found with the
 * native indexOf and non-ASCII bytes four at a time: a 400 MB file in well under a second, where a
 * byte-at-a-time loop took seconds (issue 14). Any \r takes the byte loop, which knows all three
 * line ends. `knownAscii`: the caller has read every byte (a file the streaming reader accepted).
 */
export function scanLines(bytes: Uint8Array, byteLoop = indexOfByte(bytes, 13) >= 0, knownAscii = false): LineTables {
  const n = bytes.length;
  const starts: number[] = [0];
  const high: number[] = [];
  if (byteLoop) {
    let firstHigh = -1;
    for (let i = 0; i < n; i++) {
      const c = bytes[i];
      if (c === 10 || c === 13) {
        high.push(firstHigh < 0 ? i : firstHigh);
        firstHigh = -1;
        if (c === 13 && bytes[i + 1] === 10) i++;
        starts.push(i + 1);
      } else if (c >= 0x80 && firstHigh < 0) firstHigh = i;
    }
    high.push(firstHigh < 0 ? n : firstHigh);
  } else {
    for (let at = indexOfByte(bytes, 10); at >= 0; at = indexOfByte(bytes, 10, at + 1)) {
      high.push(at); // the line's end, until a non-ASCII byte is found in it
      starts.push(at + 1);
    }
    high.push(n);
    if (!knownAscii) forEachFirstHighByte(bytes, starts, high);
  }
  return { lineStarts: n < 0xffffffff ? Uint32Array.from(starts) : Float64Array.from(starts), firstNonAscii: Float64Array.from(high) };
}

/** Sets high[line] to the first byte ≥ 0x80 of each line that has one, reading aligned 32-bit words. */
function forEachFirstHighByte(bytes: Uint8Array, starts: number[], high: number[]): void {
  const n = bytes.length;
  let line = -1;
  const found = (at: number) => {
    if (line >= 0 && at < (starts[line + 1] ?? Infinity)) return; // not the line's first
    line = lineOfOffset(starts, at);
    high[line] = at;
  };
  const head = Math.min(n, (4 - (bytes.byteOffset & 3)) & 3);
  for (let i = 0; i < head; i++) if (bytes[i] >= 0x80) found(i);
  // Fewer than 4 bytes after the head may leave the offset unaligned: no words then.
  const words = n - head >= 4 ? new Uint32Array(bytes.buffer, bytes.byteOffset + head, (n - head) >> 2) : new Uint32Array(0);
  for (let w = 0; w < words.length; w++) {
    if ((words[w] & 0x80808080) === 0) continue;
    const at = head + 4 * w;
    for (let i = at; i < at + 4; i++) if (bytes[i] >= 0x80) found(i);
  }
  for (let i = head + 4 * words.length; i < n; i++) if (bytes[i] >= 0x80) found(i);
}

/** `FILE:LINE:COL` with 1-based line and column, as compilers print. */
export function formatLocation(fileName: string, index: LineIndex, offset: number): string {
  const { line, character } = index.position(offset);
  return `${fileName}:${line + 1}:${character + 1}`;
}
