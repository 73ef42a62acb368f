/**
 * Reader and writer for NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
 *
 * Pure TypeScript with no Node, DOM or `vscode` dependencies: it takes and returns
 * `Uint8Array`, so it runs the same in the extension host, a webview or a worker.
 *
 * Format reference: numpy/lib/format.py ("A Simple File Format for NumPy Arrays", NEP 1).
 *   bytes 0-5   magic "\x93NUMPY"
 *   bytes 6-7   major, minor version
 *   then        header length: uint16 LE (v1.0) or uint32 LE (v2.0, v3.0)
 *   then        header: a Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), }
 *               (latin-1 in v1/v2, UTF-8 in v3), padded with spaces and ending in '\n'
 *   then        the raw array data.
 */
import { hasPickleMagic, hasZipMagic, NPY_MAGIC } from './fileSignature';

/** A NumPy array read from a `.npy` file (or an `.npz` member). */
export interface NpyArray {
  /** NumPy dtype descriptor exactly as written in the file's header, e.g. '<f4', '>f8', '|b1', '<U7'. */
  dtype: string;
  kind: 'float' | 'int' | 'uint' | 'bool' | 'string';
  /** Array shape; `[]` for a 0-d (scalar) array. */
  shape: number[];
  /**
   * Values in C (row-major) order converted to float64 (bool → 0/1), for numeric and bool kinds.
   * For string kinds this is an empty Float64Array; use `strings`.
   */
  data: Float64Array;
  /** For '<U'/'>U' (unicode) and '|S' (bytes, decoded as UTF-8) arrays: the values in C order, trailing NULs removed. */
  strings?: string[];
}

/**
 * Thrown for input that cannot be read. `offset` is the byte offset, in the `.npy` file named in
 * the message, where reading went wrong (for truncated input: the length of the input, i.e. where
 * more bytes were expected). For `.npz` members the offset is within that member's `.npy` bytes and
 * `member` names the zip member; for problems with the zip structure itself the offset is within the
 * archive and `member` is set when a member is involved.
 */
export class NpyError extends Error {
  override readonly name = 'NpyError';
  readonly offset: number;
  readonly fileName: string | undefined;
  readonly member: string | undefined;

  constructor(message: string, offset: number, options: { fileName?: string; member?: string } = {}) {
    super(message);
    this.offset = offset;
    this.fileName = options.fileName;
    this.member = options.member;
  }
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const TWO_POW_32 = 4294967296;
/** int64 values must satisfy -2^53 <= v <= 2^53, i.e. hi word in [-2^21, 2^21) or exactly 2^53. */
const HI_LIMIT = 0x200000;
/** Limit for element counts of zero-width string arrays, whose size is not bounded by the file size. */
const MAX_ZERO_WIDTH_ELEMENTS = 1 << 24;
const MAX_HEADER_NESTING = 16;

type Kind = NpyArray['kind'];

interface DtypeInfo {
  descr: string;
  kind: Kind;
  /** 'f' | 'i' | 'u' | 'b' | 'U' | 'S' */
  code: string;
  itemSize: number;
  littleEndian: boolean;
}

/** What a `.npy` header says: enough to know the array's dtype and shape and its size in bytes. */
export interface NpyHeader {
  dtype: string;
  kind: Kind;
  shape: number[];
  /** Byte offset of the array data (just past the header). */
  dataStart: number;
  /** Bytes of array data the header describes: elements × item size. */
  dataBytes: number;
  /** Column-major data (np.asfortranarray); readNpy transposes it to row-major. */
  fortranOrder?: boolean;
}

/**
 * Read a `.npy` file. `fileName` is only used in error messages. Throws {@link NpyError}.
 * `handedOver`: the caller gives up `bytes` (it will not change, reuse or transfer them), so
 * float64 data in this machine's byte order at an aligned offset comes back as a view of them
 * instead of a copy. Otherwise the data never aliases `bytes`.
 */
export function readNpy(bytes: Uint8Array, fileName = 'array.npy', handedOver = false): NpyArray {
  const fail: (detail: string, offset: number) => never = (detail, offset) => {
    throw new NpyError(`${fileName}: ${detail} (at byte ${offset})`, offset, { fileName });
  };
  const n = bytes.length;
  const { dtype, shape, fortranOrder, count, dataStart, shapeOffset } = parseHeader(bytes, fail);

  // --- data ---
  const needed = count * dtype.itemSize;
  const available = n - dataStart;
  if (needed > available) {
    fail(
      `the data is truncated: shape (${shape.join(', ')}) of dtype '${dtype.descr}' needs ${needed} bytes of data ` +
        `starting at byte ${dataStart}, but the file ends at byte ${n} (${available} bytes of data). ` +
        `The file was probably cut off while being written or copied, or its header does not match its data`,
      n,
    );
  }
  if (dtype.itemSize === 0 && count > MAX_ZERO_WIDTH_ELEMENTS) {
    fail(`zero-width dtype '${dtype.descr}' with ${count} elements is not supported`, shapeOffset);
  }

  if (dtype.kind === 'string') {
    let strings = decodeStrings(bytes, dataStart, count, dtype, fail);
    if (fortranOrder) strings = fortranToC(strings, new Array<string>(count), shape);
    return { dtype: dtype.descr, kind: 'string', shape, data: new Float64Array(0), strings };
  }

  // NumPy pads its header to 64 bytes, so a whole file read into its own buffer is aligned.
  const view = handedOver && !fortranOrder ? hostFloat64View(bytes, dataStart, count, dtype) : null;
  if (view) return { dtype: dtype.descr, kind: dtype.kind, shape, data: view };
  let data: Float64Array;
  try {
    data = new Float64Array(count);
  } catch {
    return fail(`the array is too large to load (${count} elements)`, dataStart);
  }
  decodeNumeric(bytes, dataStart, count, dtype, data, fail);
  if (fortranOrder) data = fortranToC(data, new Float64Array(count), shape);
  return { dtype: dtype.descr, kind: dtype.kind, shape, data };
}

/**
 * The header of a `.npy` file (or of the first bytes of one: the data need not be there), for
 * readers that must know an array's size before holding all of it (`.npz` members).
 */
export function readNpyHeader(bytes: Uint8Array, fileName = 'array.npy'): NpyHeader {
  const fail: (detail: string, offset: number) => never = (detail, offset) => {
    throw new NpyError(`${fileName}: ${detail} (at byte ${offset})`, offset, { fileName });
  };
  const h = parseHeader(bytes, fail);
  const { descr: dtype, kind, itemSize } = h.dtype;
  return { dtype, kind, shape: h.shape, dataStart: h.dataStart, dataBytes: h.count * itemSize, fortranOrder: h.fortranOrder };
}

function parseHeader(bytes: Uint8Array, fail: (detail: string, offset: number) => never) {
  const n = bytes.length;

  // --- magic ---
  for (let i = 0; i < NPY_MAGIC.length; i++) {
    if (i >= n) {
      if (n === 0) fail('the file is empty; expected a NumPy .npy file starting with "\\x93NUMPY"', 0);
      fail(`the file is truncated: it ends after ${n} byte(s), inside the "\\x93NUMPY" magic string`, n);
    }
    if (bytes[i] !== NPY_MAGIC[i]) fail(describeBadMagic(bytes), i);
  }
  // --- version ---
  if (n < 8) fail(`the file is truncated: it ends after ${n} bytes, before the format version (bytes 6-7)`, n);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if ((major !== 1 && major !== 2 && major !== 3) || minor !== 0) {
    fail(`unsupported .npy format version ${major}.${minor}; this reader supports versions 1.0, 2.0 and 3.0`, 6);
  }
  // --- header length ---
  const lenSize = major === 1 ? 2 : 4;
  const headerStart = 8 + lenSize;
  if (n < headerStart) {
    fail(`the file is truncated: it ends after ${n} bytes, inside the header-length field (bytes 8-${headerStart - 1})`, n);
  }
  const headerLen =
    major === 1 ? bytes[8]! | (bytes[9]! << 8) : (bytes[8]! | (bytes[9]! << 8) | (bytes[10]! << 16) | (bytes[11]! << 24)) >>> 0;
  const headerEnd = headerStart + headerLen;
  if (headerEnd > n) {
    fail(
      `the file is truncated or its header length is wrong: the header-length field at byte 8 says the header is ` +
        `${headerLen} bytes long (ending at byte ${headerEnd}), but the file is only ${n} bytes long`,
      n,
    );
  }

  // --- header text ---
  const headerBytes = bytes.subarray(headerStart, headerEnd);
  let text: string;
  let byteOffsetOf: (charIndex: number) => number;
  if (major === 3) {
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
    } catch {
      fail(`the version 3.0 header is not valid UTF-8`, headerStart + firstInvalidUtf8(headerBytes));
    }
    const encoder = new TextEncoder();
    byteOffsetOf = (i) => headerStart + encoder.encode(text.slice(0, i)).length;
  } else {
    text = latin1(headerBytes);
    byteOffsetOf = (i) => headerStart + i;
  }

  const parser = new HeaderParser(text, (msg, i) => fail(`malformed header: ${msg}`, byteOffsetOf(i)));
  const dict = parser.parseHeader();
  const fields = new Map<string, PyValue>();
  for (const [key, value] of dict.entries) {
    if (key.type !== 'str') fail(`malformed header: dictionary keys must be strings`, byteOffsetOf(key.pos));
    if (key.value !== 'descr' && key.value !== 'fortran_order' && key.value !== 'shape') {
      fail(
        `malformed header: unexpected key '${key.value}' (expected exactly 'descr', 'fortran_order' and 'shape')`,
        byteOffsetOf(key.pos),
      );
    }
    if (fields.has(key.value)) fail(`malformed header: key '${key.value}' appears twice`, byteOffsetOf(key.pos));
    fields.set(key.value, value);
  }
  for (const key of ['descr', 'fortran_order', 'shape']) {
    if (!fields.has(key)) fail(`malformed header: the key '${key}' is missing`, byteOffsetOf(dict.pos));
  }
  const descrValue = fields.get('descr')!;
  const fortranValue = fields.get('fortran_order')!;
  const shapeValue = fields.get('shape')!;

  const dtype = interpretDescr(descrValue, (msg) => fail(msg, byteOffsetOf(descrValue.pos)));

  if (fortranValue.type !== 'bool') fail(`malformed header: 'fortran_order' must be True or False`, byteOffsetOf(fortranValue.pos));
  const fortranOrder = fortranValue.value;

  if (shapeValue.type !== 'tuple' && shapeValue.type !== 'list') {
    fail(`malformed header: 'shape' must be a tuple of non-negative integers such as (3, 4)`, byteOffsetOf(shapeValue.pos));
  }
  const shape: number[] = [];
  for (const dim of shapeValue.items) {
    if (dim.type !== 'int' || !Number.isSafeInteger(dim.value) || dim.value < 0) {
      fail(`malformed header: every entry of 'shape' must be a non-negative integer`, byteOffsetOf(dim.pos));
    }
    shape.push(dim.value);
  }
  let count = 1;
  for (const d of shape) count *= d;
  if (!Number.isSafeInteger(count)) fail(`the shape (${shape.join(', ')}) has too many elements`, byteOffsetOf(shapeValue.pos));
  return { dtype, shape, fortranOrder, count, dataStart: headerEnd, shapeOffset: byteOffsetOf(shapeValue.pos) };
}

/** Serialise a Float64Array ('<f8') or Int32Array ('<i4') as a version 1.0, C-order `.npy` file. */
export function writeNpy(data: Float64Array | Int32Array, shape: number[]): Uint8Array {
  const { header, body } = npyParts(data, shape);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

/**
 * The `.npy` of `data` as its header and its little-endian data: on a little-endian host the data
 * is the array's own bytes, not a copy (a writer of large files sends them as they are).
 */
export function npyParts(data: Float64Array | Int32Array, shape: number[]): { header: Uint8Array; body: Uint8Array } {
  let descr: string;
  if (data instanceof Float64Array) descr = '<f8';
  else if (data instanceof Int32Array) descr = '<i4';
  else throw new TypeError('writeNpy: data must be a Float64Array or an Int32Array');
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new RangeError(`writeNpy: invalid dimension ${d} in shape [${shape.join(', ')}]`);
    count *= d;
  }
  if (count !== data.length) {
    throw new RangeError(`writeNpy: shape [${shape.join(', ')}] has ${count} elements but data has ${data.length}`);
  }
  return { header: npyHeaderBytes(descr, shape), body: littleEndianBytes(data) };
}

/**
 * A float64 matrix given a row at a time (issue 22): an analysis's p or ∂L/∂z derived from the
 * logits, written to a file without ever being held whole. `rowInto` writes row i into `out`
 * (length cols) and returns it.
 */
export interface MatrixRows {
  readonly rows: number;
  readonly cols: number;
  rowInto(i: number, out: Float64Array): Float64Array;
}

/** Bytes in a block of MatrixRows: small enough to stay cached, large enough that a block costs nothing. */
const ROW_BLOCK_BYTES = 1 << 20;

/**
 * A MatrixRows' little-endian bytes in blocks of whole rows (about 1 MB), row-major as a .npy body.
 * Each block is fresh, or with `reuse` one buffer for all (the caller is done with a block before
 * it asks for the next, as a checksum is).
 */
function* matrixRowBytes(m: MatrixRows, reuse = false): Generator<Uint8Array, void, undefined> {
  const perBlock = Math.max(1, Math.floor(ROW_BLOCK_BYTES / (8 * Math.max(1, m.cols))));
  const shared = reuse ? new Float64Array(perBlock * m.cols) : null;
  for (let from = 0; from < m.rows; from += perBlock) {
    const count = Math.min(perBlock, m.rows - from);
    const block = shared ? shared.subarray(0, count * m.cols) : new Float64Array(count * m.cols);
    for (let r = 0; r < count; r++) {
      const out = block.subarray(r * m.cols, (r + 1) * m.cols);
      const row = m.rowInto(from + r, out);
      if (row !== out) out.set(row);
    }
    yield littleEndianBytes(block);
  }
}

/** An array to write, or a float64 matrix given a row at a time (`rows`, shape [rows, cols]): written without being held whole. */
export type ArrayEntry = { data: Float64Array | Int32Array; shape: number[] } | { rows: MatrixRows; shape: number[] };

/**
 * An entry as a .npy file: its header, its body's length, and the body as little-endian pieces
 * (an array's own bytes; a matrix's blocks of rows, made anew each time the body is asked for;
 * `reuse`: see matrixRowBytes).
 */
export function npyEntryParts(entry: ArrayEntry): { header: Uint8Array; length: number; body: (reuse?: boolean) => Iterable<Uint8Array> } {
  if ('data' in entry) {
    const { header, body } = npyParts(entry.data, entry.shape);
    return { header, length: body.length, body: () => [body] };
  }
  const m = entry.rows;
  if (entry.shape.length !== 2 || entry.shape[0] !== m.rows || entry.shape[1] !== m.cols)
    throw new RangeError(`writeNpy: shape [${entry.shape.join(', ')}] is not the rows' ${m.rows} × ${m.cols}`);
  return {
    header: npyHeaderBytes('<f8', entry.shape),
    length: 8 * m.rows * m.cols,
    body: (reuse) => matrixRowBytes(m, reuse),
  };
}

/** An entry's values as little-endian pieces (the .npy body of npyEntryParts, without its header). */
export function entryBytes(entry: ArrayEntry): Iterable<Uint8Array> {
  return 'data' in entry ? [littleEndianBytes(entry.data)] : matrixRowBytes(entry.rows);
}

/** The array's values as little-endian bytes: its own bytes on a little-endian host, else a converted copy. */
export function littleEndianBytes(data: Float64Array | Int32Array): Uint8Array {
  if (HOST_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const body = new Uint8Array(data.byteLength);
  const view = new DataView(body.buffer);
  if (data instanceof Float64Array) for (let i = 0; i < data.length; i++) view.setFloat64(8 * i, data[i]!, true);
  else for (let i = 0; i < data.length; i++) view.setInt32(4 * i, data[i]!, true);
  return body;
}

/** The magic, version, length and header of a C-order `.npy` of `descr` (e.g. '<f8') and `shape`, padded to 64 bytes. */
export function npyHeaderBytes(descr: string, shape: number[]): Uint8Array {
  const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pythonTuple(shape)}, }`;
  // Total of magic + version + length field + header + '\n' must be a multiple of 64.
  let version = 1;
  let prefix = 10;
  let total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  if (total - prefix > 0xffff) {
    version = 2;
    prefix = 12;
    total = Math.ceil((prefix + header.length + 1) / 64) * 64;
  }
  const headerLen = total - prefix;
  const out = new Uint8Array(total);
  out.set(NPY_MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, headerLen, true);
  else view.setUint32(8, headerLen, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.fill(0x20, prefix + header.length, total - 1);
  out[total - 1] = 0x0a;
  return out;
}

function pythonTuple(shape: number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

// ---------------------------------------------------------------------------------------------
// dtype

function interpretDescr(value: PyValue, fail: (msg: string) => never): DtypeInfo {
  if (value.type === 'list') {
    return fail(`structured (record) dtypes are not supported; save each field as a separate array`);
  }
  if (value.type !== 'str') return fail(`malformed header: 'descr' must be a string such as '<f4'`);
  const descr = value.value;
  const m = /^([<>|=]?)([A-Za-z?])(\d*)(.*)$/s.exec(descr);
  if (!m) return fail(`unrecognised dtype '${descr}'`);
  const [, order, code, sizeText, rest] = m as unknown as [string, string, string, string, string];
  const size = sizeText === '' ? -1 : Number(sizeText);
  const littleEndian = order === '<' || (order !== '>' && HOST_LITTLE_ENDIAN);
  const unsupported = (what: string, hint: string) => fail(`${what} (dtype '${descr}') are not supported; ${hint}`);
  if (code === 'O') {
    return fail(
      `object arrays (pickled) are not supported; save with allow_pickle=False ` +
        `(convert the array to a numeric or fixed-width string dtype first, e.g. arr.astype(np.float32) or arr.astype(str))`,
    );
  }
  if (code === 'c') return unsupported('complex arrays', 'save the real and imaginary parts (arr.real, arr.imag) as separate arrays');
  if (code === 'M' || code === 'm') return unsupported('datetime and timedelta arrays', 'convert them to int64 or float64 first');
  if (code === 'V') return unsupported('void (raw bytes) arrays', 'convert them to a numeric dtype first');
  if (rest !== '') return fail(`unrecognised dtype '${descr}'`);
  const numeric = (kind: Kind, sizes: number[]): DtypeInfo => {
    if (!sizes.includes(size)) {
      if (code === 'f' && (size === 12 || size === 16))
        return unsupported('long double (float96/float128) arrays', 'convert them to float64 first');
      return fail(`unrecognised dtype '${descr}': '${code}' with an item size of ${sizeText || '(none)'} bytes`);
    }
    return { descr, kind, code, itemSize: size, littleEndian };
  };
  switch (code) {
    case 'f':
      return numeric('float', [2, 4, 8]);
    case 'i':
      return numeric('int', [1, 2, 4, 8]);
    case 'u':
      return numeric('uint', [1, 2, 4, 8]);
    case 'b':
      return numeric('bool', [1]);
    case 'U':
    case 'S':
    case 'a': {
      if (size < 0) return fail(`unrecognised dtype '${descr}': string dtypes need a length, e.g. '<U8'`);
      const itemSize = code === 'U' ? size * 4 : size;
      if (!Number.isSafeInteger(itemSize)) return fail(`unrecognised dtype '${descr}': the string length is too large`);
      return { descr, kind: 'string', code: code === 'U' ? 'U' : 'S', itemSize, littleEndian };
    }
    default:
      return fail(`unrecognised dtype '${descr}'`);
  }
}

// ---------------------------------------------------------------------------------------------
// data conversion

/**
 * Returns the `nbytes` bytes at `start` in host byte order, in a Uint8Array whose byteOffset is a
 * multiple of `itemSize` so typed-array views can be made over it. Copies only when needed.
 */
function hostOrderBytes(bytes: Uint8Array, start: number, nbytes: number, itemSize: number, littleEndian: boolean): Uint8Array {
  const src = bytes.subarray(start, start + nbytes);
  // new Uint8Array(src) copies; a Node Buffer's slice() would not (the editor's bytes may be one).
  if (itemSize > 1 && littleEndian !== HOST_LITTLE_ENDIAN) {
    const copy = new Uint8Array(src);
    swapBytes(copy, itemSize);
    return copy;
  }
  return src.byteOffset % itemSize === 0 ? src : new Uint8Array(src);
}

function swapBytes(b: Uint8Array, itemSize: number): void {
  // `b` is a fresh copy (byteOffset 0), so word views are aligned.
  if (itemSize === 4 || itemSize === 8) {
    const w = new Uint32Array(b.buffer, b.byteOffset, b.length >> 2);
    for (let i = 0; i < w.length; i++) {
      const x = w[i]!;
      w[i] = ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
    }
    if (itemSize === 8) {
      for (let i = 0; i < w.length; i += 2) {
        const t = w[i]!;
        w[i] = w[i + 1]!;
        w[i + 1] = t;
      }
    }
    return;
  }
  if (itemSize === 2) {
    const h = new Uint16Array(b.buffer, b.byteOffset, b.length >> 1);
    for (let i = 0; i < h.length; i++) {
      const x = h[i]!;
      h[i] = ((x & 0xff) << 8) | (x >>> 8);
    }
    return;
  }
  const half = itemSize >> 1;
  for (let p = 0; p < b.length; p += itemSize) {
    for (let k = 0; k < half; k++) {
      const t = b[p + k]!;
      b[p + k] = b[p + itemSize - 1 - k]!;
      b[p + itemSize - 1 - k] = t;
    }
  }
}

/**
 * float64 in this machine's byte order at an 8-byte-aligned place: the bytes viewed as the array,
 * else null (the caller copies). A copy of 10⁷ values is 80 MB of fresh pages: about 0.3 s here,
 * more than the rest of a load.
 */
function hostFloat64View(bytes: Uint8Array, start: number, count: number, dtype: DtypeInfo): Float64Array | null {
  const hostFloat64 = dtype.code === 'f' && dtype.itemSize === 8 && dtype.littleEndian === HOST_LITTLE_ENDIAN;
  return hostFloat64 && (bytes.byteOffset + start) % 8 === 0 ? new Float64Array(bytes.buffer, bytes.byteOffset + start, count) : null;
}

function decodeNumeric(
  bytes: Uint8Array,
  start: number,
  count: number,
  dt: DtypeInfo,
  out: Float64Array,
  fail: (msg: string, offset: number) => never,
): void {
  if (count === 0) return;
  const raw = hostOrderBytes(bytes, start, count * dt.itemSize, dt.itemSize, dt.littleEndian);
  const buf = raw.buffer;
  const off = raw.byteOffset;
  switch (`${dt.code}${dt.itemSize}`) {
    case 'f8':
      out.set(new Float64Array(buf, off, count));
      return;
    case 'f4':
      out.set(new Float32Array(buf, off, count));
      return;
    case 'f2': {
      const table = float16Table();
      const h = new Uint16Array(buf, off, count);
      for (let i = 0; i < count; i++) out[i] = table[h[i]!]!;
      return;
    }
    case 'i1':
      out.set(new Int8Array(buf, off, count));
      return;
    case 'u1':
      out.set(raw);
      return;
    case 'i2':
      out.set(new Int16Array(buf, off, count));
      return;
    case 'u2':
      out.set(new Uint16Array(buf, off, count));
      return;
    case 'i4':
      out.set(new Int32Array(buf, off, count));
      return;
    case 'u4':
      out.set(new Uint32Array(buf, off, count));
      return;
    case 'b1':
      for (let i = 0; i < count; i++) out[i] = raw[i] === 0 ? 0 : 1;
      return;
    case 'i8':
    case 'u8': {
      const signed = dt.code === 'i';
      const words = new Uint32Array(buf, off, count * 2);
      const lo = HOST_LITTLE_ENDIAN ? 0 : 1;
      const hiIdx = 1 - lo;
      for (let i = 0; i < count; i++) {
        const l = words[2 * i + lo]!;
        const u = words[2 * i + hiIdx]!;
        const h = signed ? u | 0 : u;
        if (h >= HI_LIMIT || h < -HI_LIMIT) {
          if (!(h === HI_LIMIT && l === 0)) {
            const big = BigInt(h) * 4294967296n + BigInt(l);
            fail(
              `${signed ? 'int64' : 'uint64'} element ${i} is ${big}, which is beyond ±2^53 and cannot be represented ` +
                `exactly as a JavaScript number; convert the array in NumPy first (e.g. arr.astype(np.float64))`,
              start + i * 8,
            );
          }
        }
        out[i] = h * TWO_POW_32 + l;
      }
      return;
    }
    default:
      fail(`internal error: no decoder for dtype '${dt.descr}'`, start);
  }
}

let f16Table: Float64Array | undefined;
function float16Table(): Float64Array {
  if (f16Table) return f16Table;
  const t = new Float64Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    if (exp === 0) t[h] = sign * frac * 2 ** -24;
    else if (exp === 31) t[h] = frac === 0 ? sign * Infinity : NaN;
    else t[h] = sign * (1024 + frac) * 2 ** (exp - 25);
  }
  return (f16Table = t);
}

function decodeStrings(
  bytes: Uint8Array,
  start: number,
  count: number,
  dt: DtypeInfo,
  fail: (msg: string, offset: number) => never,
): string[] {
  const out = new Array<string>(count);
  if (dt.itemSize === 0) return out.fill('');
  if (dt.code === 'S') {
    const decoder = new TextDecoder('utf-8');
    for (let i = 0; i < count; i++) {
      const p = start + i * dt.itemSize;
      let end = p + dt.itemSize;
      while (end > p && bytes[end - 1] === 0) end--;
      out[i] = decoder.decode(bytes.subarray(p, end));
    }
    return out;
  }
  const chars = dt.itemSize / 4;
  const raw = hostOrderBytes(bytes, start, count * dt.itemSize, 4, dt.littleEndian);
  const cps = new Uint32Array(raw.buffer, raw.byteOffset, count * chars);
  for (let i = 0; i < count; i++) {
    const p = i * chars;
    let end = p + chars;
    while (end > p && cps[end - 1] === 0) end--;
    let s = '';
    for (let k = p; k < end; k++) {
      const cp = cps[k]!;
      if (cp > 0x10ffff) fail(`string element ${i} contains an invalid code point 0x${cp.toString(16)}`, start + k * 4);
      s += String.fromCodePoint(cp);
    }
    out[i] = s;
  }
  return out;
}

/** Reorders values stored in Fortran (column-major) order into C (row-major) order. */
function fortranToC<T extends { length: number; [i: number]: V }, V>(src: T, dst: T, shape: number[]): T {
  const count = src.length;
  const k = shape.length;
  if (count <= 1 || k <= 1) return src;
  const fStride = new Array<number>(k);
  let s = 1;
  for (let j = 0; j < k; j++) {
    fStride[j] = s;
    s *= shape[j]!;
  }
  const idx = new Array<number>(k).fill(0);
  let f = 0;
  for (let c = 0; c < count; c++) {
    dst[c] = src[f]!;
    let j = k - 1;
    idx[j]!++;
    f += fStride[j]!;
    while (j > 0 && idx[j] === shape[j]) {
      f -= fStride[j]! * shape[j]!;
      idx[j] = 0;
      j--;
      idx[j]!++;
      f += fStride[j]!;
    }
  }
  return dst;
}

// ---------------------------------------------------------------------------------------------
// header parsing: the subset of Python literal syntax numpy's header uses

type PyValue =
  | { type: 'str'; value: string; pos: number }
  | { type: 'int'; value: number; pos: number }
  | { type: 'bool'; value: boolean; pos: number }
  | { type: 'none'; pos: number }
  | { type: 'tuple' | 'list'; items: PyValue[]; pos: number }
  | { type: 'dict'; entries: [PyValue, PyValue][]; pos: number };

class HeaderParser {
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly fail: (msg: string, index: number) => never,
  ) {}

  parseHeader(): Extract<PyValue, { type: 'dict' }> {
    this.ws();
    if (this.s[this.i] !== '{') this.fail(`expected the header to be a Python dict starting with '{', found ${this.describe()}`, this.i);
    const v = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected ${this.describe()} after the header dictionary`, this.i);
    return v as Extract<PyValue, { type: 'dict' }>;
  }

  private describe(): string {
    if (this.i >= this.s.length) return 'end of header';
    const c = this.s[this.i]!;
    const code = c.charCodeAt(0);
    return code >= 0x20 && code < 0x7f ? `'${c}'` : `character U+${code.toString(16).padStart(4, '0').toUpperCase()}`;
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length && (s[this.i] === ' ' || s[this.i] === '\t' || s[this.i] === '\n' || s[this.i] === '\r')) this.i++;
  }

  private value(depth: number): PyValue {
    if (depth > MAX_HEADER_NESTING) this.fail('values are nested too deeply', this.i);
    this.ws();
    const pos = this.i;
    const c = this.s[this.i];
    if (c === undefined) return this.fail('unexpected end of header', pos);
    if (c === '{') {
      this.i++;
      const entries: [PyValue, PyValue][] = [];
      for (;;) {
        this.ws();
        if (this.s[this.i] === '}') {
          this.i++;
          return { type: 'dict', entries, pos };
        }
        const key = this.value(depth + 1);
        this.ws();
        if (this.s[this.i] !== ':') this.fail(`expected ':' after a dictionary key, found ${this.describe()}`, this.i);
        this.i++;
        const val = this.value(depth + 1);
        entries.push([key, val]);
        this.ws();
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== '}') this.fail(`expected ',' or '}' in the dictionary, found ${this.describe()}`, this.i);
      }
    }
    if (c === '(' || c === '[') {
      const close = c === '(' ? ')' : ']';
      this.i++;
      const items: PyValue[] = [];
      let sawComma = false;
      for (;;) {
        this.ws();
        if (this.s[this.i] === close) {
          this.i++;
          // Python: "(3)" is just 3, "(3,)" is a tuple.
          if (c === '(' && items.length === 1 && !sawComma) return items[0]!;
          return { type: c === '(' ? 'tuple' : 'list', items, pos };
        }
        items.push(this.value(depth + 1));
        this.ws();
        if (this.s[this.i] === ',') {
          sawComma = true;
          this.i++;
        } else if (this.s[this.i] !== close) {
          this.fail(`expected ',' or '${close}', found ${this.describe()}`, this.i);
        }
      }
    }
    if (c === "'" || c === '"') return this.string(pos);
    if ((c === 'u' || c === 'b') && (this.s[this.i + 1] === "'" || this.s[this.i + 1] === '"')) {
      this.i++;
      return this.string(pos);
    }
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) {
      const m = /^[-+]?\d+[lL]?/.exec(this.s.slice(this.i, this.i + 40));
      if (!m) return this.fail(`expected a number, found ${this.describe()}`, pos);
      const digits = m[0].replace(/[lL]$/, '');
      this.i += m[0].length;
      const next = this.s[this.i];
      if (next !== undefined && /[\w.]/.test(next)) this.fail(`expected an integer, found ${this.describe()}`, this.i);
      return { type: 'int', value: Number(digits), pos };
    }
    const word = /^[A-Za-z_]\w*/.exec(this.s.slice(this.i, this.i + 40));
    if (word) {
      this.i += word[0].length;
      if (word[0] === 'True' || word[0] === 'False') return { type: 'bool', value: word[0] === 'True', pos };
      if (word[0] === 'None') return { type: 'none', pos };
      return this.fail(`unexpected name '${word[0]}'`, pos);
    }
    return this.fail(`unexpected ${this.describe()}`, pos);
  }

  private string(pos: number): PyValue {
    const s = this.s;
    const quote = s[this.i]!;
    this.i++;
    let out = '';
    for (;;) {
      const c = s[this.i];
      if (c === undefined) return this.fail('unterminated string (the header ends inside a quoted string)', this.i);
      if (c === '\n') return this.fail('unterminated string (a quoted string runs into the end of the line)', this.i);
      this.i++;
      if (c === quote) return { type: 'str', value: out, pos };
      if (c === '\\') {
        const e = s[this.i];
        if (e === undefined) return this.fail('unterminated string (the header ends inside a quoted string)', this.i);
        this.i++;
        if (e === 'n') out += '\n';
        else if (e === 't') out += '\t';
        else if (e === 'r') out += '\r';
        else if (e === '0') out += '\0';
        else if (e === 'x' || e === 'u' || e === 'U') {
          const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = s.slice(this.i, this.i + len);
          if (hex.length !== len || !/^[0-9a-fA-F]+$/.test(hex)) this.fail(`bad \\${e} escape in string`, this.i - 2);
          const cp = parseInt(hex, 16);
          if (cp > 0x10ffff) this.fail(`bad \\${e} escape in string`, this.i - 2);
          out += String.fromCodePoint(cp);
          this.i += len;
        } else out += e;
      } else out += c;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// helpers

function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode.apply(null, Array.from(b.subarray(i, i + 8192)));
  return s;
}

/** Index of the first byte that starts an invalid UTF-8 sequence (best effort; 0 if none found). */
function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(i, i + len));
    } catch {
      return i;
    }
    i += len;
  }
  return 0;
}

function describeBadMagic(bytes: Uint8Array): string {
  if (hasZipMagic(bytes)) {
    return 'this is a zip archive (an .npz file?), not a .npy file; read it with readNpz';
  }
  if (hasPickleMagic(bytes)) {
    return 'this looks like a Python pickle, not a .npy file; save the array with np.save(path, arr) instead';
  }
  const shown = Array.from(bytes.subarray(0, 6), (x) =>
    x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : `\\x${x.toString(16).padStart(2, '0')}`,
  ).join('');
  return `not a NumPy .npy file: it should start with the magic string "\\x93NUMPY" but starts with "${shown}"`;
}

/**
 * Decodes raw C-order array bytes of a NumPy dtype (e.g. '<f4', '|b1') into an NpyArray, for
 * containers that store the bytes without a `.npy` header (safetensors, PyTorch storages).
 * `offset` is the data's byte offset in `fileName`, for error messages. Throws {@link NpyError}.
 */
export function decodeRawArray(
  bytes: Uint8Array,
  descr: string,
  shape: number[],
  fileName: string,
  offset = 0,
  /** See readNpy: the caller gives up `bytes`, so aligned host-order float64 may be a view of them. */
  handedOver = false,
): NpyArray {
  const fail = (detail: string, at: number): never => {
    throw new NpyError(`${fileName}: ${detail} (at byte ${at})`, at, { fileName });
  };
  const dtype = interpretDescr({ type: 'str', value: descr, pos: 0 }, (msg) => fail(msg, offset));
  if (dtype.kind === 'string') return fail(`string dtype '${descr}' is not a raw numeric dtype`, offset);
  let count = 1;
  for (const d of shape) count *= d;
  if (!Number.isSafeInteger(count) || count * dtype.itemSize > bytes.length) {
    return fail(
      `shape (${shape.join(', ')}) of dtype '${descr}' needs ${count * dtype.itemSize} bytes but ${bytes.length} are there`,
      offset,
    );
  }
  const view = handedOver ? hostFloat64View(bytes, 0, count, dtype) : null;
  if (view) return { dtype: descr, kind: dtype.kind, shape, data: view };
  const data = new Float64Array(count);
  decodeNumeric(bytes, 0, count, dtype, data, (msg, at) => fail(msg, offset + at));
  return { dtype: descr, kind: dtype.kind, shape, data };
}
