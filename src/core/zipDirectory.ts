/**
 * A zip archive's central directory, read and checked before any member is inflated: where each
 * member lies, its method, sizes and CRC-32. Archive bombs are refused here, by structure alone:
 * members whose bytes overlap (many entries sharing one deflate stream), sizes deflate cannot
 * reach, more entries than the directory can hold, a directory that lies outside the file. Bounded
 * work: one pass over the directory; nothing is inflated. Pure TypeScript, like `npz.ts`.
 */

export interface ZipMember {
  /** Position in the central directory. */
  index: number;
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** Offset of the member's local file header. */
  headerOffset: number;
  /** Where its (compressed) data starts and ends. */
  dataStart: number;
  dataEnd: number;
}

/** A problem with the archive's structure; `member` names the entry involved, if any. */
export class ZipStructureError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    readonly member?: string,
  ) {
    super(message);
    this.name = 'ZipStructureError';
  }
}

const EOCD = 0x06054b50;
export const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** Smallest possible central-directory entry; bounds how many entries an archive can really hold. */
export const CENTRAL_ENTRY_MIN = 46;
/** Deflate cannot expand data by more than ~1032:1; a larger declared size means a corrupt archive. */
export const MAX_DEFLATE_RATIO = 1032;

/** Little-endian integers at d[p], 0 past the end (a truncated archive reads as zeros, then fails its checks). */
export const u16 = (d: Uint8Array, p: number) => (d[p] ?? 0) | ((d[p + 1] ?? 0) << 8);
export const u32 = (d: Uint8Array, p: number) => (u16(d, p) | (u16(d, p + 2) << 16)) >>> 0;
export const u64 = (d: Uint8Array, p: number) => u32(d, p) + u32(d, p + 4) * 4294967296;

/** Offset of the end-of-central-directory record, searched for from the end (it may carry a comment). */
export function eocdOffset(d: Uint8Array): number | undefined {
  for (let e = d.length - 22; e >= 0 && d.length - e <= 65557; e--) {
    if (u32(d, e) === EOCD && e + 22 + u16(d, e + 20) <= d.length) return e;
  }
  return undefined;
}

export function readZipDirectory(d: Uint8Array): ZipMember[] {
  const fail = (message: string, offset: number, member?: string): never => {
    throw new ZipStructureError(message, offset, member);
  };
  if (d.length < 22) {
    fail(`not a zip archive: the file is only ${d.length} bytes long, too short for a zip end-of-central-directory record`, d.length);
  }
  const e = eocdOffset(d);
  if (e === undefined) return fail('not a zip archive (no end-of-central-directory record found; is the file truncated?)', d.length);
  let count = u16(d, e + 10);
  let cdSize = u32(d, e + 12);
  let cdOffset = u32(d, e + 16);
  let cdLimit = e;
  if (u16(d, e + 4) !== 0 || u16(d, e + 6) !== 0 || u16(d, e + 8) !== count) {
    fail('this zip archive is split over several disks (volumes), which is not supported', e);
  }
  if (e >= 20 && u32(d, e - 20) === ZIP64_LOCATOR) {
    const z = u64(d, e - 12);
    if (z + 56 > e - 20 || u32(d, z) !== ZIP64_EOCD)
      fail('the zip64 end-of-central-directory locator points at no zip64 record; the archive is corrupt or truncated', e - 20);
    count = u64(d, z + 32);
    cdSize = u64(d, z + 40);
    cdOffset = u64(d, z + 48);
    cdLimit = z;
  }
  const cdEnd = cdOffset + cdSize;
  if (cdEnd > cdLimit) {
    fail(
      `the zip central directory (${count} entries, ${cdSize} bytes at byte ${cdOffset}) does not fit before the end record at byte ${cdLimit}; the archive is truncated or corrupt`,
      Math.min(cdOffset, d.length),
    );
  }
  if (count * CENTRAL_ENTRY_MIN > cdSize) {
    fail(
      `the zip end record says the archive has ${count} entries, more than fit in its ${cdSize}-byte central directory; the archive is truncated or corrupt`,
      e,
    );
  }

  const members: ZipMember[] = [];
  const names = new Set<string>();
  let p = cdOffset;
  for (let i = 0; i < count; i++) {
    if (p + CENTRAL_ENTRY_MIN > cdEnd) {
      fail(`the zip central directory is truncated: it ends after ${i} of its ${count} entries`, p);
    }
    if (u32(d, p) !== CENTRAL)
      fail(
        `entry ${i + 1} of ${count} in the zip central directory is not a directory entry (bad signature); the archive is corrupt or truncated`,
        p,
      );
    const flags = u16(d, p + 8);
    const method = u16(d, p + 10);
    const crc = u32(d, p + 16);
    let compressedSize = u32(d, p + 20);
    let size = u32(d, p + 24);
    const nameLen = u16(d, p + 28);
    const extraLen = u16(d, p + 30);
    const commentLen = u16(d, p + 32);
    let headerOffset = u32(d, p + 42);
    const next = p + CENTRAL_ENTRY_MIN + nameLen + extraLen + commentLen;
    if (next > cdEnd) fail(`the zip central directory is truncated: entry ${i + 1} of ${count} runs past its end`, p);
    const name = decodeName(d.subarray(p + 46, p + 46 + nameLen), (flags & 0x800) !== 0);
    // ZIP64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    const wanted = [size === 0xffffffff, compressedSize === 0xffffffff, headerOffset === 0xffffffff];
    if (wanted.some(Boolean)) {
      const start = p + 46 + nameLen;
      let found = false;
      for (let x = start; x + 4 <= start + extraLen; x += 4 + u16(d, x + 2)) {
        if (u16(d, x) !== 1) continue;
        let q = x + 4;
        const end = q + u16(d, x + 2);
        const take = () => (q + 8 <= end ? ((q += 8), u64(d, q - 8)) : fail('the zip64 extra field of this entry is too short', x, name));
        if (wanted[0]) size = take();
        if (wanted[1]) compressedSize = take();
        if (wanted[2]) headerOffset = take();
        found = true;
        break;
      }
      if (!found) fail('this entry gives 0xFFFFFFFF as a size or offset but has no zip64 extra field; the archive is corrupt', p, name);
    }
    if (names.has(name)) fail('this member name appears twice in the archive', headerOffset < d.length ? headerOffset : p, name);
    names.add(name);
    members.push({ index: i, name, method, flags, crc, compressedSize, size, headerOffset, dataStart: 0, dataEnd: 0 });
    p = next;
  }

  for (const m of members) {
    const at = m.headerOffset;
    if (at + 30 > cdOffset || u32(d, at) !== LOCAL) {
      fail(
        `the zip directory places this member at byte ${at}, where there is no local file header; the archive is corrupt or truncated`,
        Math.min(at, d.length),
        m.name,
      );
    }
    m.dataStart = at + 30 + u16(d, at + 26) + u16(d, at + 28);
    m.dataEnd = m.dataStart + m.compressedSize;
    if (m.name.endsWith('/')) continue;
    if (m.flags & 1) fail('this member is encrypted; NumPy archives never are', at, m.name);
    if (m.method !== 0 && m.method !== 8) {
      fail(
        `unsupported zip compression method ${m.method}; only stored (np.savez) and deflate (np.savez_compressed) are supported`,
        at,
        m.name,
      );
    }
    if (m.compressedSize > d.length) {
      fail(
        `the zip directory says this member is ${m.compressedSize} bytes, more than the whole ${d.length}-byte archive; the archive is corrupt or truncated`,
        at,
        m.name,
      );
    }
    if (m.dataEnd > cdOffset) {
      fail(
        `this member's data (bytes ${m.dataStart}–${m.dataEnd}) runs into the zip central directory at byte ${cdOffset}; the archive is corrupt or truncated`,
        at,
        m.name,
      );
    }
    if (m.method === 0 && m.size !== m.compressedSize) {
      fail(
        `the zip directory gives inconsistent sizes for this stored member (${m.compressedSize} vs ${m.size}); the archive is corrupt`,
        at,
        m.name,
      );
    }
    if (m.method === 8 && m.size > m.compressedSize * MAX_DEFLATE_RATIO + 1024) {
      fail(
        `the zip directory says this member expands from ${m.compressedSize} to ${m.size} bytes, which deflate cannot do; the archive is corrupt`,
        at,
        m.name,
      );
    }
  }

  // Members must not share bytes: entries pointing into one deflate stream are an archive bomb.
  const order = [...members].sort((a, b) => a.headerOffset - b.headerOffset);
  for (let i = 1; i < order.length; i++) {
    const a = order[i - 1];
    const b = order[i];
    if (b.headerOffset < a.dataEnd) {
      fail(
        `members '${a.name}' and '${b.name}' overlap in the file (bytes ${a.headerOffset}–${a.dataEnd} and from ${b.headerOffset}); members that share data are an archive bomb or a corrupt archive, and are not read`,
        b.headerOffset,
        b.name,
      );
    }
  }
  for (const m of members) {
    const at = m.headerOffset;
    const localName = decodeName(d.subarray(at + 30, at + 30 + u16(d, at + 26)), (u16(d, at + 6) & 0x800) !== 0);
    if (localName !== m.name)
      fail(`the member's local header names it '${localName}', not as the directory does; the archive is corrupt`, at, m.name);
  }
  return members;
}

/** Zip names are UTF-8 when flag 11 is set, else (as fflate and NumPy's own names) read as Latin-1. */
function decodeName(b: Uint8Array, utf8: boolean): string {
  if (utf8) return new TextDecoder('utf-8').decode(b);
  let s = '';
  for (let i = 0; i < b.length; i++) s += String.fromCharCode(b[i]);
  return s;
}
