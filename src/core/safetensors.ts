/**
 * Reader and writer for `.safetensors` files (Hugging Face's format), pure TypeScript.
 *
 * Format (https://github.com/huggingface/safetensors, "Format"):
 *   bytes 0-7   N, the header length: unsigned 64-bit little-endian
 *   bytes 8…    the header: N bytes of UTF-8 JSON, an object whose keys are tensor names mapping to
 *               {"dtype": "F32", "shape": [2, 3], "data_offsets": [BEGIN, END]}, plus an optional
 *               "__metadata__" object of string → string; it may end in spaces (0x20)
 *   then        the byte buffer; offsets are relative to its start (8 + N), little-endian, C order.
 * Like the reference implementation this reader requires the tensors to tile the buffer exactly:
 * sorted by BEGIN they are contiguous from 0, none overlaps, the last ends at the end of the file,
 * and END − BEGIN = product(shape) · itemsize.
 *
 * Reading is lazy: `readSafetensorsHeader` reads only the first 8 + N bytes through a `ByteSource`,
 * and `readSafetensorsTensor` reads one tensor's byte range, so a multi-GB file's header and one
 * tensor open without the rest.
 */
import { concatBytes } from './concatBytes';
import { decodeBfloat16, decodeFloat8 } from './extraFloats';
import { hasPickleMagic, startsLikeNpy, startsLikeZip } from './fileSignature';
import { parseJson, type JsonNode, type JsonObject } from './json';
import { LineIndex } from './lineIndex';
import { decodeRawArray, entryBytes, NpyError, type ArrayEntry, type NpyArray } from './npy';
import { InputError } from './problems';

/** Random access to a file's bytes: `read(offset, length)` returns exactly those bytes (fewer only at the end). */
export interface ByteSource {
  readonly size: number;
  read(offset: number, length: number): Uint8Array;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  return { size: bytes.length, read: (offset, length) => bytes.subarray(offset, offset + length) };
}

/** The spec's limit on the header (100 MB), which bounds the memory a hostile header can claim. */
export const MAX_HEADER_BYTES = 100_000_000;

/** dtype → NumPy descr (decoded by npy.ts) and item size; the 8-bit floats and bfloat16 are decoded here. */
const DTYPES: Record<string, { descr: string; size: number }> = {
  F64: { descr: '<f8', size: 8 },
  F32: { descr: '<f4', size: 4 },
  F16: { descr: '<f2', size: 2 },
  BF16: { descr: 'bfloat16', size: 2 },
  F8_E4M3: { descr: 'float8_e4m3fn', size: 1 },
  F8_E5M2: { descr: 'float8_e5m2', size: 1 },
  I64: { descr: '<i8', size: 8 },
  I32: { descr: '<i4', size: 4 },
  I16: { descr: '<i2', size: 2 },
  I8: { descr: '|i1', size: 1 },
  U64: { descr: '<u8', size: 8 },
  U32: { descr: '<u4', size: 4 },
  U16: { descr: '<u2', size: 2 },
  U8: { descr: '|u1', size: 1 },
  BOOL: { descr: '|b1', size: 1 },
};
export const SAFETENSORS_DTYPES = Object.keys(DTYPES);

export interface SafetensorsTensorInfo {
  name: string;
  /** As written: 'F32', 'BF16', … */
  dtype: string;
  shape: number[];
  /** Absolute byte range in the file, [begin, end). */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  /** In the header's order. */
  tensors: SafetensorsTensorInfo[];
  /** `__metadata__`, or null when absent. */
  metadata: Map<string, string> | null;
  /** 8 + N: where the byte buffer starts. */
  dataStart: number;
}

/** Reads and validates the header. Throws {@link NpyError} whose offset is a byte of the file. */
export function readSafetensorsHeader(src: ByteSource, fileName = 'model.safetensors'): SafetensorsHeader {
  const fail = (detail: string, offset: number): never => {
    throw new NpyError(`${fileName}: ${detail} (at byte ${offset})`, offset, { fileName });
  };
  const size = src.size;
  if (size < 8) {
    fail(
      size === 0
        ? 'the file is empty; a .safetensors file starts with an 8-byte header length'
        : `the file is truncated: ${size} bytes, fewer than the 8-byte header length`,
      size,
    );
  }
  const first = src.read(0, 8);
  const lo = (first[0] | (first[1] << 8) | (first[2] << 16) | (first[3] << 24)) >>> 0;
  const hi = (first[4] | (first[5] << 8) | (first[6] << 16) | (first[7] << 24)) >>> 0;
  if (startsLikeZip(first)) fail('this is a zip archive (a PyTorch .pt or a NumPy .npz?), not a .safetensors file', 0);
  if (startsLikeNpy(first)) fail('this is a NumPy .npy file, not a .safetensors file', 0);
  if (hasPickleMagic(first)) fail('this is a Python pickle (a legacy PyTorch save?), not a .safetensors file', 0);
  const headerLength = hi * 4294967296 + lo;
  if (headerLength > MAX_HEADER_BYTES)
    fail(
      `the header length (bytes 0-7) is ${headerLength} bytes, above the format's limit of 100 MB; this is not a .safetensors file or it is corrupt`,
      0,
    );
  if (8 + headerLength > size)
    fail(
      `the file is truncated or its header length is wrong: bytes 0-7 say the header is ${headerLength} bytes long (ending at byte ${8 + headerLength}), but the file is only ${size} bytes long`,
      size,
    );
  if (headerLength < 2) fail(`the header is ${headerLength} bytes long; it must be a JSON object such as {}`, 8);
  const header = src.read(8, headerLength);
  if (header[0] !== 0x7b)
    fail(`the header must be a JSON object starting with '{', but it starts with byte 0x${header[0].toString(16).padStart(2, '0')}`, 8);
  let lines: LineIndex | undefined;
  const at = (offsetInHeader: number): string => {
    lines ??= new LineIndex(header);
    const p = lines.position(offsetInHeader);
    return `header line ${p.line + 1}, column ${p.character + 1}`;
  };
  const failAt = (detail: string, offsetInHeader: number): never => fail(`${detail} (${at(offsetInHeader)})`, 8 + offsetInHeader);

  let root: JsonNode;
  try {
    root = parseJson(header);
  } catch (error) {
    if (error instanceof InputError) return failAt(`the JSON header is malformed: ${error.message}`, error.start);
    throw error;
  }
  if (root.kind !== 'object') return failAt('the header must be a JSON object', root.start);
  const dataStart = 8 + headerLength;
  const bufferLength = size - dataStart;
  const tensors: SafetensorsTensorInfo[] = [];
  let metadata: Map<string, string> | null = null;
  const seen = new Set<string>();
  const keyAt: number[] = [];
  for (const entry of root.entries) {
    if (seen.has(entry.key)) failAt(`the key "${entry.key}" appears twice in the header`, entry.keySpan.start);
    seen.add(entry.key);
  }
  for (const entry of root.entries) {
    if (entry.key === '__metadata__') {
      metadata = readMetadata(entry.value, failAt);
      continue;
    }
    tensors.push(readTensorInfo(entry.key, entry.value, dataStart, bufferLength, failAt));
    keyAt.push(entry.keySpan.start);
  }
  // The tensors must tile the buffer: contiguous from 0, in order of BEGIN, ending at its end.
  const sorted = tensors.map((t, i) => ({ t, i })).sort((a, b) => a.t.begin - b.t.begin || a.t.end - b.t.end || a.i - b.i);
  let expected = dataStart;
  for (const { t, i } of sorted) {
    const key = keyAt[i];
    if (t.begin < expected)
      failAt(
        `tensor "${t.name}" (data_offsets [${t.begin - dataStart}, ${t.end - dataStart}]) overlaps the tensor before it, which ends at ${expected - dataStart}`,
        key,
      );
    if (t.begin > expected)
      failAt(
        `tensor "${t.name}" starts at data offset ${t.begin - dataStart}, leaving a gap after ${expected - dataStart}; tensors must be contiguous`,
        key,
      );
    expected = t.end;
  }
  if (expected !== size) {
    fail(
      `the tensors end at byte ${expected} but the file is ${size} bytes long (${size - expected} bytes are not part of any tensor); the file is corrupt`,
      expected,
    );
  }
  return { tensors, metadata, dataStart };
}

type FailAt = (detail: string, offsetInHeader: number) => never;

function readMetadata(node: JsonNode, failAt: FailAt): Map<string, string> {
  if (node.kind !== 'object') return failAt('"__metadata__" must be an object of string values', node.start);
  const out = new Map<string, string>();
  for (const e of (node as JsonObject).entries) {
    if (e.value.kind !== 'string') failAt(`"__metadata__" value "${e.key}" must be a string`, e.value.start);
    out.set(e.key, (e.value as { value: string }).value);
  }
  return out;
}

function integers(node: JsonNode): number[] | null {
  if (node.kind === 'array' && node.items.length === 0) return [];
  if (node.kind === 'vector') return Array.from(node.data);
  return null;
}

function readTensorInfo(name: string, node: JsonNode, dataStart: number, bufferLength: number, failAt: FailAt): SafetensorsTensorInfo {
  if (node.kind !== 'object') return failAt(`tensor "${name}" must be an object with "dtype", "shape" and "data_offsets"`, node.start);
  const field = (key: string) => {
    const e = node.entries.find((x) => x.key === key);
    if (!e) return failAt(`tensor "${name}" has no "${key}"`, node.start);
    return e.value;
  };
  for (const e of node.entries) {
    if (e.key !== 'dtype' && e.key !== 'shape' && e.key !== 'data_offsets')
      failAt(`tensor "${name}" has an unexpected field "${e.key}"`, e.keySpan.start);
  }
  const dtypeNode = field('dtype');
  if (dtypeNode.kind !== 'string') return failAt(`the dtype of tensor "${name}" must be a string such as "F32"`, dtypeNode.start);
  const dtype = dtypeNode.value;
  const info = DTYPES[dtype];
  if (!Object.prototype.hasOwnProperty.call(DTYPES, dtype)) {
    return failAt(
      `tensor "${name}" has dtype "${dtype}", which this reader does not support (supported: ${SAFETENSORS_DTYPES.join(', ')})`,
      dtypeNode.start,
    );
  }
  const shapeNode = field('shape');
  const shape = integers(shapeNode);
  if (!shape || shape.some((d) => !Number.isSafeInteger(d) || d < 0))
    return failAt(`the shape of tensor "${name}" must be a list of non-negative integers`, shapeNode.start);
  const offNode = field('data_offsets');
  const offs = integers(offNode);
  if (!offs || offs.length !== 2 || offs.some((d) => !Number.isSafeInteger(d) || d < 0)) {
    return failAt(`"data_offsets" of tensor "${name}" must be two non-negative integers [BEGIN, END]`, offNode.start);
  }
  const [begin, end] = offs;
  if (end < begin) failAt(`"data_offsets" of tensor "${name}" end (${end}) before they begin (${begin})`, offNode.start);
  if (end > bufferLength)
    failAt(
      `tensor "${name}" ends at data offset ${end}, past the end of the data (${bufferLength} bytes); the file is truncated or corrupt`,
      offNode.start,
    );
  let count = 1;
  for (const d of shape) count *= d;
  const bytes = count * info.size;
  if (!Number.isSafeInteger(bytes) || bytes !== end - begin) {
    failAt(
      `tensor "${name}" of dtype ${dtype} and shape [${shape.join(', ')}] needs ${count} × ${info.size} = ${bytes} bytes, but its data_offsets give ${end - begin}`,
      offNode.start,
    );
  }
  return { name, dtype, shape, begin: dataStart + begin, end: dataStart + end };
}

/** Reads one tensor's bytes and converts them to float64 (C order). Throws {@link NpyError}. */
export function readSafetensorsTensor(
  src: ByteSource,
  info: SafetensorsTensorInfo,
  fileName = 'model.safetensors',
  /** See readNpy: the caller gives up the source's bytes, so aligned float64 may be a view of them. */
  handedOver = false,
): NpyArray {
  const length = info.end - info.begin;
  const raw = src.read(info.begin, length);
  const where = `${fileName}: tensor "${info.name}"`;
  if (raw.length !== length)
    throw new NpyError(
      `${where}: the file ends before the tensor's data does (at byte ${info.begin + raw.length})`,
      info.begin + raw.length,
      { fileName },
    );
  const { descr, size } = DTYPES[info.dtype];
  const count = length / size;
  if (descr === 'bfloat16') return { dtype: descr, kind: 'float', shape: info.shape, data: decodeBfloat16(raw, count) };
  if (descr === 'float8_e4m3fn') return { dtype: descr, kind: 'float', shape: info.shape, data: decodeFloat8(raw, count, 'e4m3fn') };
  if (descr === 'float8_e5m2') return { dtype: descr, kind: 'float', shape: info.shape, data: decodeFloat8(raw, count, 'e5m2') };
  return decodeRawArray(raw, descr, info.shape, where, info.begin, handedOver);
}

/** Reads a whole file: the header and every tensor, in the header's order. */
export function readSafetensors(
  bytes: Uint8Array,
  fileName = 'model.safetensors',
  handedOver = false,
): { header: SafetensorsHeader; arrays: Map<string, NpyArray> } {
  const src = bytesSource(bytes);
  const header = readSafetensorsHeader(src, fileName);
  const arrays = new Map<string, NpyArray>();
  for (const t of header.tensors) arrays.set(t.name, readSafetensorsTensor(src, t, fileName, handedOver));
  return { header, arrays };
}

// ---- writer ------------------------------------------------------------------------------------

/** A tensor to write, or a float64 matrix given a row at a time (npy.ts ArrayEntry): written without being held whole. */
export type SafetensorsEntry = ArrayEntry;

/**
 * Writes tensors (F64 or I32) in the given order with optional `__metadata__`, padding the header
 * with spaces to a multiple of 8 bytes as the reference writer does.
 */
export function writeSafetensors(tensors: Record<string, SafetensorsEntry>, metadata?: Record<string, string>): Uint8Array {
  return concatBytes(safetensorsChunks(tensors, metadata));
}

/**
 * writeSafetensors' bytes as pieces, for a file written a piece at a time: the length and header,
 * then each tensor's own little-endian bytes (no copy on a little-endian host).
 */
export function* safetensorsChunks(
  tensors: Record<string, SafetensorsEntry>,
  metadata?: Record<string, string>,
): Generator<Uint8Array, void, undefined> {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    const values = 'data' in t ? t.data.length : t.rows.rows * t.rows.cols;
    if (count !== values || ('rows' in t && (t.shape.length !== 2 || t.shape[1] !== t.rows.cols)))
      throw new RangeError(`writeSafetensors: "${name}" has shape [${t.shape.join(', ')}] but ${values} values`);
    const bytes = 'data' in t ? t.data.byteLength : 8 * values;
    header[name] = {
      dtype: 'rows' in t || t.data instanceof Float64Array ? 'F64' : 'I32',
      shape: t.shape,
      data_offsets: [offset, offset + bytes],
    };
    offset += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const head = new Uint8Array(8 + padded).fill(0x20, 8 + json.length);
  new DataView(head.buffer).setUint32(0, padded, true);
  head.set(json, 8);
  yield head;
  for (const t of Object.values(tensors)) yield* entryBytes(t);
}
