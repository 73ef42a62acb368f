/**
 * The line tables of a file read a chunk at a time, or in parts by several threads (issue 14: a
 * large file's worker never holds its bytes): the same tables `scanLines` gives for the whole
 * file. Each chunk goes through `scanLines` itself; this only joins the chunks, so a line (or a
 * `\r\n`) that a chunk's end cuts is counted once.
 */
import { scanLines, type LineTables } from './lineIndex';
import { indexOfByte } from './byteSearch';

/** The lines of one stretch of a file: where new lines start, and each line's first non-ASCII byte. */
export interface LineStretch {
  start: number;
  end: number;
  /** Offsets (in the file) where a line starts inside the stretch, after its first byte. */
  breaks: number[];
  /** Per line piece in the stretch (breaks.length + 1): its first byte ≥ 0x80, or its line end; −1 for none yet (the last piece). */
  high: number[];
  /** The offset of a `\r` that ends the bytes fed so far, whose line end depends on the next byte. */
  pendingReturn: number;
}

export class LineTableBuilder {
  private readonly stretch: LineStretch;

  /** `knownAscii`: every byte is below 0x80 (the caller's reader has checked), so none is looked for. */
  constructor(
    start: number,
    private readonly knownAscii = false,
  ) {
    this.stretch = { start, end: start, breaks: [], high: [-1], pendingReturn: -1 };
  }

  /** The bytes that follow the last ones fed; `ascii`: they are all below 0x80 (known to the caller). */
  feed(bytes: Uint8Array, ascii = this.knownAscii): void {
    const s = this.stretch;
    const offset = s.end;
    s.end += bytes.length;
    if (bytes.length === 0) return;
    let from = 0;
    if (s.pendingReturn >= 0) {
      // A `\r` ended the previous chunk: with this `\n` it is one line end.
      const at = s.pendingReturn;
      s.pendingReturn = -1;
      if (bytes[0] === 10) from = 1;
      this.endLine(at, offset + from);
    }
    let body = bytes.subarray(from);
    const heldReturn = body.length > 0 && body[body.length - 1] === 13;
    if (heldReturn) body = body.subarray(0, body.length - 1);
    const base = offset + from;
    const t = scanLines(body, indexOfByte(body, 13) >= 0, ascii);
    const lines = t.lineStarts.length;
    for (let line = 0; line < lines; line++) {
      const value = t.firstNonAscii[line];
      const real = value < body.length && body[value] >= 0x80;
      if (line + 1 < lines) {
        if (real) this.noteHigh(base + value);
        this.endLine(base + value, base + t.lineStarts[line + 1]);
      } else if (real) this.noteHigh(base + value);
    }
    if (heldReturn) s.pendingReturn = base + body.length;
  }

  /**
   * The stretch fed so far, to join with the stretches of the parts after it (joinLineStretches).
   * A stretch must not end between a `\r` and its `\n`: a final `\r` ends a line here.
   */
  finish(): LineStretch {
    const s = this.stretch;
    if (s.pendingReturn >= 0) this.endLine(s.pendingReturn, s.pendingReturn + 1);
    s.pendingReturn = -1;
    return s;
  }

  private noteHigh(at: number): void {
    const { high } = this.stretch;
    if (high[high.length - 1] < 0) high[high.length - 1] = at;
  }

  /** The open line ends at `lineEnd` (its `\n` or `\r`); the next one starts at `next`. */
  private endLine(lineEnd: number, next: number): void {
    const { high, breaks } = this.stretch;
    if (high[high.length - 1] < 0) high[high.length - 1] = lineEnd;
    breaks.push(next);
    high.push(-1);
  }
}

/** The tables of a whole file from the stretches that cover it, in order, from 0 to its length. */
export function joinLineStretches(stretches: LineStretch[], length: number): LineTables {
  const starts: number[] = [0];
  const high: number[] = [];
  let open = -1; // the first high byte of the line that continues into the next stretch
  for (const s of stretches) {
    // A loop, not push(...breaks): a stretch of a whole file may hold millions of breaks, past
    // the stack's room for arguments.
    for (const at of s.breaks) starts.push(at);
    for (let j = 0; j < s.high.length; j++) {
      const value = j === 0 && open >= 0 ? open : s.high[j];
      if (j === s.high.length - 1) open = value;
      else {
        high.push(value);
        open = -1;
      }
    }
  }
  high.push(open >= 0 ? open : length);
  return {
    lineStarts: length < 0xffffffff ? Uint32Array.from(starts) : Float64Array.from(starts),
    firstNonAscii: Float64Array.from(high),
  };
}
