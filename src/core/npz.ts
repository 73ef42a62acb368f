/**
 * Reader and writer for NumPy `.npz` archives (np.savez / np.savez_compressed): a zip file whose
 * members are `.npy` files named `<key>.npy`. Zip handling is done by `fflate`; like `npy.ts` this
 * module takes and returns Uint8Array and has no Node, DOM or `vscode` dependencies.
 */
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { NpyError, readNpy, writeNpy, type NpyArray } from './npy';

/** An array to store in an archive; `shape` must multiply out to `data.length`. */
export interface NpzEntry {
  data: Float64Array | Int32Array;
  shape: number[];
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
/** Smallest possible central-directory entry; bounds how many entries an archive can really hold. */
const CENTRAL_ENTRY_MIN = 46;
/** Deflate cannot expand data by more than ~1032:1; a larger declared size means a corrupt archive. */
const MAX_DEFLATE_RATIO = 1032;

/**
 * Read an `.npz` archive (stored or deflated). Keys are the member names without their `.npy`
 * suffix, in archive order, exactly as `np.load(path).files` reports them. Members that neither end
 * in `.npy` nor start with the `.npy` magic string (e.g. a stray README) are skipped, as are
 * directory entries. `fileName` is only used in error messages. Throws {@link NpyError}; errors in a
 * member name it (`member`), and their `offset` is within that member's `.npy` bytes.
 */
export function readNpz(bytes: Uint8Array, fileName = 'arrays.npz'): Map<string, NpyArray> {
  const fail = (detail: string, offset: number, member?: string): never => {
    const where = member === undefined ? '' : `member '${member}': `;
    throw new NpyError(`${fileName}: ${where}${detail} (at byte ${offset})`, offset, { fileName, member });
  };
  if (startsWith(bytes, NPY_MAGIC)) fail('this is a single .npy file, not an .npz archive; read it with readNpy', 0);
  if (bytes.length < 22) {
    fail(`not a zip archive: the file is only ${bytes.length} bytes long, too short for a zip end-of-central-directory record`, bytes.length);
  }

  const maxEntries = Math.floor(bytes.length / CENTRAL_ENTRY_MIN);
  const names: string[] = [];
  const seen = new Set<string>();
  let current: string | undefined;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(info) {
        current = info.name;
        const at = () => localHeaderOffset(bytes, names.length) ?? 0;
        if (names.length >= maxEntries) {
          fail(`the zip central directory lists more entries than fit in a ${bytes.length}-byte file; the archive is corrupt`, eocdOffset(bytes) ?? 0);
        }
        if (seen.has(info.name)) fail('this member name appears twice in the archive', at(), info.name);
        seen.add(info.name);
        names.push(info.name);
        if (info.name.endsWith('/')) return false;
        if (info.compression !== 0 && info.compression !== 8) {
          fail(`unsupported zip compression method ${info.compression}; only stored (np.savez) and deflate (np.savez_compressed) are supported`, at(), info.name);
        }
        if (info.size > bytes.length) {
          fail(`the zip directory says this member is ${info.size} bytes, more than the whole ${bytes.length}-byte archive; the archive is corrupt or truncated`, at(), info.name);
        }
        if (info.compression === 0 && info.originalSize !== info.size) {
          fail(`the zip directory gives inconsistent sizes for this stored member (${info.size} vs ${info.originalSize}); the archive is corrupt`, at(), info.name);
        }
        if (info.compression === 8 && info.originalSize > info.size * MAX_DEFLATE_RATIO + 1024) {
          fail(`the zip directory says this member expands from ${info.size} to ${info.originalSize} bytes, which deflate cannot do; the archive is corrupt`, at(), info.name);
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof NpyError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    // fflate's error code 13 ("invalid zip data") comes from reading the central directory, before
    // the filter sees the entry; other codes come from inflating the member the filter last accepted.
    const code = (e as { code?: unknown } | null)?.code;
    if (current === undefined || code === 13) {
      const eocd = eocdOffset(bytes);
      return fail(
        eocd === undefined
          ? `not a zip archive (no end-of-central-directory record found; is the file truncated?)`
          : `the zip archive's central directory is unreadable (${reason})`,
        eocd ?? bytes.length,
      );
    }
    return fail(
      `could not extract this member (${reason}); the archive is probably corrupt or truncated`,
      localHeaderOffset(bytes, names.length - 1) ?? 0,
      current,
    );
  }

  const result = new Map<string, NpyArray>();
  const keyOwner = new Map<string, string>();
  for (const name of names) {
    if (!Object.prototype.hasOwnProperty.call(files, name)) continue;
    const data = files[name];
    if (!(data instanceof Uint8Array)) continue;
    const isNpyName = name.endsWith('.npy');
    if (!isNpyName && !startsWith(data, NPY_MAGIC)) continue;
    const key = isNpyName ? name.slice(0, -4) : name;
    const previous = keyOwner.get(key);
    if (previous !== undefined) {
      fail(`members '${previous}' and '${name}' both give the array name '${key}'`, localHeaderOffset(bytes, names.indexOf(name)) ?? 0, name);
    }
    keyOwner.set(key, name);
    try {
      result.set(key, readNpy(data, `${fileName}:${name}`));
    } catch (e) {
      if (e instanceof NpyError) throw new NpyError(e.message, e.offset, { fileName, member: name });
      throw e;
    }
  }
  return result;
}

/**
 * Write an `.npz` archive readable by `np.load`: one `<name>.npy` member per entry (version 1.0,
 * '<f8' or '<i4', C order). `compress: true` deflates members like np.savez_compressed; the default
 * stores them like np.savez. Member timestamps are fixed (1980-01-01) so output is deterministic.
 */
export function writeNpz(arrays: Record<string, NpzEntry>, options: { compress?: boolean } = {}): Uint8Array {
  const level = options.compress ? 6 : 0;
  const files: Zippable = {};
  for (const [name, entry] of Object.entries(arrays)) {
    files[`${name}.npy`] = [writeNpy(entry.data, entry.shape), { level }];
  }
  return zipSync(files, { mtime: new Date(1980, 0, 1, 0, 0, 0) });
}

// ---------------------------------------------------------------------------------------------
// Best-effort zip structure lookups, used only to give error messages a byte offset. They follow
// the same steps as fflate's unzipSync, never throw and do bounded work.

function startsWith(b: Uint8Array, prefix: number[]): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

const u16 = (d: Uint8Array, p: number) => (d[p] ?? 0) | ((d[p + 1] ?? 0) << 8);
const u32 = (d: Uint8Array, p: number) => (u16(d, p) | (u16(d, p + 2) << 16)) >>> 0;
const u64 = (d: Uint8Array, p: number) => u32(d, p) + u32(d, p + 4) * 4294967296;

/** Offset of the end-of-central-directory record, searched for from the end as fflate does. */
function eocdOffset(d: Uint8Array): number | undefined {
  for (let e = d.length - 22; e >= 0 && d.length - e <= 65558; e--) {
    if (u32(d, e) === 0x06054b50) return e;
  }
  return undefined;
}

/** Offset of the local file header of the `index`-th central-directory entry, if it can be found. */
function localHeaderOffset(d: Uint8Array, index: number): number | undefined {
  const e = eocdOffset(d);
  if (e === undefined || index < 0) return undefined;
  let count = u16(d, e + 8);
  let p = u32(d, e + 16);
  let zip64 = u32(d, e - 20) === 0x07064b50;
  if (zip64) {
    const ze = u32(d, e - 12);
    zip64 = u32(d, ze) === 0x06064b50;
    if (zip64) {
      count = u32(d, ze + 32);
      p = u32(d, ze + 48);
    }
  }
  if (index >= count || index > d.length / CENTRAL_ENTRY_MIN) return undefined;
  for (let i = 0; ; i++) {
    if (p + CENTRAL_ENTRY_MIN > d.length) return undefined;
    const nameLen = u16(d, p + 28);
    const extraLen = u16(d, p + 30);
    const commentLen = u16(d, p + 32);
    if (i === index) {
      const compressed = u32(d, p + 20);
      const size = u32(d, p + 24);
      let off = u32(d, p + 42);
      if (zip64 && off === 0xffffffff) {
        const end = p + 46 + nameLen + extraLen;
        for (let x = p + 46 + nameLen; x + 4 < end; x += 4 + u16(d, x + 2)) {
          if (u16(d, x) === 1) {
            off = u64(d, x + 4 + 8 * (Number(size === 0xffffffff) + Number(compressed === 0xffffffff)));
            break;
          }
        }
      }
      return off < d.length ? off : undefined;
    }
    p += 46 + nameLen + extraLen + commentLen;
  }
}
