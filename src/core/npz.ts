/**
 * Reader and writer for NumPy `.npz` archives (np.savez / np.savez_compressed): a zip file whose
 * members are `.npy` files named `<key>.npy`. The zip directory is read (zipDirectory.ts) and
 * written (npzChunks) here; inflate and deflate are `fflate`'s. Like `npy.ts` this module takes
 * and returns Uint8Array and has no Node, DOM or `vscode` dependencies.
 */
import { Deflate, deflateSync, Inflate } from 'fflate';
import { concatBytes } from './concatBytes';
import { crc32 } from './crc32';
import { DEFAULT_MAX_FILE_BYTES } from './limits';
import { hasNpyMagic } from './fileSignature';
import { NpyError, npyEntryParts, readNpy, readNpyHeader, type ArrayEntry, type NpyArray, type NpyHeader } from './npy';
import { readZipDirectory, ZipStructureError, type ZipMember } from './zipDirectory';

/** An array to store in an archive; `shape` must multiply out to `data.length`. */
export interface NpzArray {
  data: Float64Array | Int32Array;
  shape: number[];
}

/** An array, or a float64 matrix given a row at a time (npy.ts ArrayEntry): written without being held whole. */
export type NpzEntry = ArrayEntry;

export interface NpzReadOptions {
  /**
   * Most bytes inflated from the archive in all (the members actually read), as the
   * `gradientLens.maxFileSizeMB` limit for files on disk; default that setting's default.
   */
  maxBytes?: number;
}

/**
 * A raw deflate stream inflated whole into an array of its own, when it inflates to exactly
 * `maxBytes` bytes (the member's declared size); else null, never a throw.
 */
export type InflateRaw = (compressed: Uint8Array, maxBytes: number) => Uint8Array | null;

/**
 * The host's inflater (src/node/nativeInflate.ts: Node's zlib, 2.5× fflate on a 320 MB member
 * here), for whole members of at least NATIVE_INFLATE_FROM bytes; null: fflate's alone.
 */
let nativeInflateRaw: InflateRaw | null = null;
const NATIVE_INFLATE_FROM = 1 << 20;

/**
 * Inflates whole large members with `native` from now on (the CLI's and the worker's entry points
 * call this once).
 */
export function useInflateRaw(native: InflateRaw | null): void {
  nativeInflateRaw = native;
}

/** Compressed bytes handed to the inflater at a time: it then outputs at most ~1032× this before we can stop it. */
const INFLATE_CHUNK = 16 * 1024;
/** Bytes inflated first to read a member's .npy header (a longer header is read in a second step). */
const HEADER_PROBE = 4096;
/** Bytes a member may hold beyond twice what its .npy header describes. */
const MEMBER_SLACK = 64 * 1024;

/**
 * Read an `.npz` archive (stored or deflated). Keys are the member names without their `.npy`
 * suffix, in archive order, exactly as `np.load(path).files` reports them. Members that neither end
 * in `.npy` nor start with the `.npy` magic string (e.g. a stray README) are skipped, as are
 * directory entries. `fileName` is only used in error messages. Throws {@link NpyError}; errors in a
 * member name it (`member`), and their `offset` is within that member's `.npy` bytes (or, for the
 * zip structure, sizes and checksums, at the member's local header in the archive).
 */
export function readNpz(bytes: Uint8Array, fileName = 'arrays.npz', options: NpzReadOptions = {}): Map<string, NpyArray> {
  const lazy = openNpz(bytes, fileName, options);
  const result = new Map<string, NpyArray>();
  for (const [key, array] of lazy) {
    void array.data; // inflate and decode now: the eager reader reports every member's problems
    result.set(key, array);
  }
  return result;
}

/**
 * The arrays of an `.npz`, read lazily: the directory is checked (overlaps, sizes, counts) and each
 * member's `.npy` header read at once, so `dtype`, `kind` and `shape` are there; a member is only
 * inflated — capped at its declared size, its CRC-32 verified, within the archive's inflate budget —
 * when its `data` or `strings` are first read. That access may throw {@link NpyError}.
 */
export function openNpz(bytes: Uint8Array, fileName = 'arrays.npz', options: NpzReadOptions = {}): Map<string, NpyArray> {
  const fail = (detail: string, offset: number, member?: string): never => {
    const where = member === undefined ? '' : `member '${member}': `;
    throw new NpyError(`${fileName}: ${where}${detail} (at byte ${offset})`, offset, { fileName, member });
  };
  if (hasNpyMagic(bytes)) fail('this is a single .npy file, not an .npz archive; read it with readNpy', 0);
  let members: ZipMember[];
  try {
    members = readZipDirectory(bytes);
  } catch (e) {
    if (e instanceof ZipStructureError) return fail(e.message, e.offset, e.member);
    throw e;
  }

  const budget = { left: options.maxBytes ?? DEFAULT_MAX_FILE_BYTES, limit: options.maxBytes ?? DEFAULT_MAX_FILE_BYTES };
  const result = new Map<string, NpyArray>();
  const keyOwner = new Map<string, string>();
  for (const m of members) {
    if (m.name.endsWith('/')) continue;
    const isNpyName = m.name.endsWith('.npy');
    const head = inflateMember(bytes, m, Math.min(m.size, HEADER_PROBE), fail);
    if (!isNpyName && !hasNpyMagic(head)) continue;
    const key = isNpyName ? m.name.slice(0, -4) : m.name;
    const previous = keyOwner.get(key);
    if (previous !== undefined) fail(`members '${previous}' and '${m.name}' both give the array name '${key}'`, m.headerOffset, m.name);
    keyOwner.set(key, m.name);
    const header = memberHeader(bytes, m, head, fileName, fail);
    result.set(key, lazyArray(bytes, m, header, fileName, budget, fail));
  }
  return result;
}

type Fail = (detail: string, offset: number, member?: string) => never;

/** The member's .npy header; the sizes it implies must agree with the zip directory's. */
function memberHeader(bytes: Uint8Array, m: ZipMember, head: Uint8Array, fileName: string, fail: Fail): NpyHeader | null {
  // Header length from the first 12 bytes (v1: 2 bytes at 8; v2/v3: 4 bytes at 8).
  if (head.length >= 12 && head[6] >= 1 && head[6] <= 3) {
    const end =
      head[6] === 1 ? 10 + (head[8] | (head[9] << 8)) : 12 + ((head[8] | (head[9] << 8) | (head[10] << 16) | (head[11] << 24)) >>> 0);
    if (end > head.length && end <= m.size) head = inflateMember(bytes, m, end, fail);
  }
  let header: NpyHeader;
  try {
    header = readNpyHeader(head, `${fileName}:${m.name}`);
  } catch (e) {
    // A broken header is reported when the array is read (with the member's offsets), as readNpy does.
    if (e instanceof NpyError) return null;
    throw e;
  }
  const declared = header.dataStart + header.dataBytes;
  // NumPy ignores bytes after the array (so a little slack), but a member far larger than its
  // array is a bomb: inflating it is bounded by what the header declares.
  if (m.size > 2 * declared + MEMBER_SLACK) {
    fail(
      `the zip directory says this member is ${m.size} bytes, but its .npy header describes ${declared} bytes (shape (${header.shape.join(', ')}) of '${header.dtype}'); the archive is corrupt or built to exhaust memory`,
      m.headerOffset,
      m.name,
    );
  }
  return header;
}

/** An NpyArray whose dtype and shape are known and whose values are inflated on first use. */
function lazyArray(
  bytes: Uint8Array,
  m: ZipMember,
  header: NpyHeader | null,
  fileName: string,
  budget: { left: number; limit: number },
  fail: Fail,
): NpyArray {
  let loaded: NpyArray | null = null;
  const load = (): NpyArray => {
    if (loaded) return loaded;
    if (m.size > budget.left) {
      fail(
        `reading this member needs ${m.size} more bytes, beyond the limit of ${budget.limit} bytes for all arrays of the archive together (gradientLens.maxFileSizeMB); the archive is too large or built to exhaust memory`,
        m.headerOffset,
        m.name,
      );
    }
    budget.left -= m.size;
    const data = inflateMember(bytes, m, m.size, fail);
    if (data.length !== m.size) {
      fail(
        `this member inflates to ${data.length} bytes, not the ${m.size} the zip directory says; the archive is corrupt or truncated`,
        m.headerOffset,
        m.name,
      );
    }
    const crc = crc32(data);
    if (crc !== m.crc) {
      fail(
        `this member's CRC-32 is ${hex(crc)}, not the ${hex(m.crc)} the zip directory records: its bytes are damaged (NumPy refuses it too)`,
        m.headerOffset,
        m.name,
      );
    }
    try {
      // An inflated member's bytes are this reader's alone: its float64 may stay in them (readNpy).
      loaded = readNpy(data, `${fileName}:${m.name}`, m.method !== 0);
    } catch (e) {
      if (e instanceof NpyError) throw new NpyError(e.message, e.offset, { fileName, member: m.name });
      throw e;
    }
    return loaded;
  };
  const known = header ?? { dtype: '', kind: 'float' as const, shape: [] as number[] };
  const array = {
    get dtype() {
      return header ? known.dtype : load().dtype;
    },
    get kind() {
      return header ? known.kind : load().kind;
    },
    get shape() {
      return header ? known.shape : load().shape;
    },
    get data() {
      return load().data;
    },
    get strings() {
      return load().strings;
    },
  };
  return array as NpyArray;
}

/**
 * The first `want` bytes of a member (at most its declared size, plus what the last chunk gave):
 * a stored member's bytes as they lie, a deflated member inflated in chunks that stop as soon as
 * enough has come out, so a member that inflates to far more than it declares costs no more.
 */
function inflateMember(bytes: Uint8Array, m: ZipMember, want: number, fail: Fail): Uint8Array {
  const compressed = bytes.subarray(m.dataStart, m.dataEnd);
  if (m.method === 0) return compressed.subarray(0, want);
  // A whole large member through the host's inflater when it has one; anything it refuses (a
  // damaged stream, more bytes than declared) goes the way below, whose messages are the reference.
  if (nativeInflateRaw && want >= m.size && m.size >= NATIVE_INFLATE_FROM) {
    const whole = nativeInflateRaw(compressed, m.size);
    if (whole) return whole;
  }
  const out = new Uint8Array(Math.min(want, m.size) + 1);
  let got = 0;
  let ended = false;
  const inflater = new Inflate((chunk, final) => {
    const take = Math.min(chunk.length, out.length - got);
    out.set(chunk.subarray(0, take), got);
    got += take;
    if (final) ended = true;
  });
  try {
    for (let p = 0; !ended && got < out.length && p < compressed.length;) {
      // Large chunks while far from the end (fast), small ones near it: one push can output at
      // most ~1032× its input, so a member that lies about its size costs at most ~2× + 16 MB.
      const chunk = Math.max(INFLATE_CHUNK, Math.min(16 * INFLATE_CHUNK, Math.ceil((out.length - got) / 1032)));
      const last = p + chunk >= compressed.length;
      inflater.push(compressed.subarray(p, p + chunk), last);
      p += chunk;
    }
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    fail(`could not extract this member (${reason}); the archive is probably corrupt or truncated`, m.headerOffset, m.name);
  }
  if (got > m.size) {
    fail(
      `this member inflates to more than the ${m.size} bytes the zip directory says; the archive is corrupt or built to exhaust memory`,
      m.headerOffset,
      m.name,
    );
  }
  return out.subarray(0, Math.min(got, want));
}

function hex(n: number): string {
  return '0x' + n.toString(16).padStart(8, '0');
}

/**
 * Write an `.npz` archive readable by `np.load`: one `<name>.npy` member per entry (version 1.0,
 * '<f8' or '<i4', C order). `compress: true` deflates members like np.savez_compressed, but only
 * those deflate shrinks (worthDeflating); the default stores them like np.savez. Member
 * timestamps are fixed (1980-01-01) so output is deterministic. npzChunks, joined.
 */
export function writeNpz(arrays: Record<string, NpzEntry>, options: { compress?: boolean } = {}): Uint8Array {
  return concatBytes(npzChunks(arrays, options));
}

/**
 * The `.npz` archive of writeNpz as pieces, for a file written a piece at a time: a stored
 * member's data is the array's own bytes (on a little-endian host), never copied into one buffer
 * (zipSync's copies were 2.2 of the 6.6 s of `--out x.npz` for 10,000 × 1,000 logits). Written
 * here rather than by fflate's zipSync for that reason: a stored member's sizes and CRC are known
 * before its data, so its local header goes first and the data after it as it is.
 */
export function* npzChunks(arrays: Record<string, NpzEntry>, options: { compress?: boolean } = {}): Generator<Uint8Array, void, undefined> {
  const directory: Uint8Array[] = [];
  let offset = 0;
  for (const [key, entry] of Object.entries(arrays)) {
    const name = utf8.encode(`${key}.npy`);
    const utf8Name = /[^\x00-\x7f]/.test(key) ? 0x800 : 0;
    const { header, length, body } = npyEntryParts(entry);
    const size = header.length + length;
    let data: Iterable<Uint8Array>;
    let crc: number;
    let method = 0;
    let stored = size;
    if (options.compress && worthDeflating(body, length)) {
      const deflated: Uint8Array[] = [];
      const deflate = new Deflate({ level: 6 }, (chunk) => deflated.push(chunk));
      // Pushed in pieces of DEFLATE_PUSH bytes whatever the source's: deflate's output depends on
      // where its input is cut, and a matrix given by rows must give the bytes its array gives.
      const push = evenPushes((piece, last) => deflate.push(piece, last));
      crc = crc32(header);
      push(header, false);
      for (const piece of body(true)) {
        crc = crc32(piece, crc);
        push(piece, false);
      }
      push(new Uint8Array(0), true);
      data = deflated;
      method = 8;
      stored = deflated.reduce((n, piece) => n + piece.length, 0);
    } else {
      // The CRC goes in the local header, before the data: a matrix given by rows is made twice.
      crc = crc32(header);
      for (const piece of body(true)) crc = crc32(piece, crc);
      data = (function* () {
        yield header;
        yield* body();
      })();
    }
    if (offset + 30 + name.length + stored > ZIP_LIMIT) {
      throw new RangeError(`the .npz would pass 4 GB at ${key}.npy: more than a zip without zip64 holds; write the arrays as .npy files`);
    }
    const member = { name, flags: utf8Name, method, crc, stored, size };
    yield zipHeader(LOCAL, member, 0);
    yield* data;
    directory.push(zipHeader(CENTRAL, member, offset));
    offset += 30 + name.length + stored;
  }
  const directorySize = directory.reduce((n, d) => n + d.length, 0);
  yield* directory;
  const end = new Uint8Array(22);
  const view = new DataView(end.buffer);
  view.setUint32(0, 0x06054b50, true);
  view.setUint16(8, directory.length, true);
  view.setUint16(10, directory.length, true);
  view.setUint32(12, directorySize, true);
  view.setUint32(16, offset, true);
  yield end;
}

const utf8 = new TextEncoder();
const ZIP_LIMIT = 0xffffffff;
const LOCAL = 0x04034b50;
const CENTRAL = 0x02014b50;
/** 1980-01-01 00:00 in MS-DOS form: time 0, date (year − 1980) << 9 | month << 5 | day. */
const DOS_DATE = (1 << 5) | 1;

/** A member's local header (30 bytes) or central directory entry (46 bytes), then its name; version 2.0, no extra field. */
function zipHeader(
  signature: number,
  m: { name: Uint8Array; flags: number; method: number; crc: number; stored: number; size: number },
  offset: number,
): Uint8Array {
  const local = signature === LOCAL;
  const fixed = local ? 30 : 46;
  const out = new Uint8Array(fixed + m.name.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, signature, true);
  let at = 4;
  if (!local) {
    view.setUint16(at, 20, true); // version made by
    at += 2;
  }
  view.setUint16(at, 20, true); // version needed: 2.0 (deflate)
  view.setUint16(at + 2, m.flags, true);
  view.setUint16(at + 4, m.method, true);
  view.setUint16(at + 6, 0, true); // time
  view.setUint16(at + 8, DOS_DATE, true);
  view.setUint32(at + 10, m.crc, true);
  view.setUint32(at + 14, m.stored, true);
  view.setUint32(at + 18, m.size, true);
  view.setUint16(at + 22, m.name.length, true);
  // Extra field, comment, disk, attributes: all 0.
  if (!local) view.setUint32(42, offset, true);
  out.set(m.name, fixed);
  return out;
}

/** A member is deflated whole only when its first SAMPLE_BYTES shrink below this share. */
const WORTH_DEFLATING = 0.9;
const SAMPLE_BYTES = 1 << 20;

/**
 * Whether deflate pays for a member whose body (`length` bytes) is `body`. Gradients and
 * probabilities in float64 shrink by about 4 % at about 10 ms a MB (a 10,000 × 1,000 analysis: 9
 * of the 13 s of `--out x.npz`); one-hot targets and labels shrink to almost nothing in a fraction
 * of that. A sample of its first SAMPLE_BYTES tells them apart.
 */
function worthDeflating(body: () => Iterable<Uint8Array>, length: number): boolean {
  if (length <= SAMPLE_BYTES) return true;
  return deflateSync(leadingBytes(body(), SAMPLE_BYTES), { level: 6 }).length < WORTH_DEFLATING * SAMPLE_BYTES;
}

/** The first `want` bytes of the pieces (fewer if there are fewer), without a copy when the first piece holds them. */
function leadingBytes(pieces: Iterable<Uint8Array>, want: number): Uint8Array {
  const taken: Uint8Array[] = [];
  let got = 0;
  for (const piece of pieces) {
    if (taken.length === 0 && piece.length >= want) return piece.subarray(0, want);
    taken.push(piece);
    got += piece.length;
    if (got >= want) break;
  }
  return concatBytes(taken).subarray(0, want);
}

/** Bytes the deflater is given at a time. */
const DEFLATE_PUSH = 1 << 20;

/** A push(bytes, last) that hands `to` the bytes in pieces of DEFLATE_PUSH (the last one shorter), copied. */
function evenPushes(to: (piece: Uint8Array, last: boolean) => void): (bytes: Uint8Array, last: boolean) => void {
  let buffer = new Uint8Array(DEFLATE_PUSH);
  let filled = 0;
  return (bytes, last) => {
    for (let at = 0; at < bytes.length;) {
      const take = Math.min(DEFLATE_PUSH - filled, bytes.length - at);
      buffer.set(bytes.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === DEFLATE_PUSH) {
        to(buffer, false);
        buffer = new Uint8Array(DEFLATE_PUSH); // the deflater may keep what it was given
        filled = 0;
      }
    }
    if (last) to(buffer.subarray(0, filled), true);
  };
}
