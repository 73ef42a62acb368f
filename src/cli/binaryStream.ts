/**
 * `analyze FILE.npy|.safetensors|.npz|.pt` (`--summary`, or the table) at memory speed (issue 22): float
 * logits (or probabilities) N × K with class-index labels, or with one-hot or soft targets N × K
 * read beside them block by block, are read a block of rows at a time
 * straight into a reused, aligned buffer (a Float64Array view of the file's own bytes when they are
 * little-endian float64) and analysed as they come (src/core/logitRowBlocks.ts); no copy of the
 * file, no one-hot targets, no n × k probabilities or gradient. Returns the report the full path
 * would print, or null for anything else (another layout, dtype or any problem): the caller then
 * runs the full reader, so every message comes from one place.
 */
import { siblingClassNames, siblingReader, type ReadSibling } from '../core/classNames';
import { formatOf } from '../core/load';
import { lossFunctionOf } from '../core/loss/describe';
import { LogitRowBlocks, type RowsInput } from '../core/logitRowBlocks';
import type { Reduction } from '../core/losses';
import { readNpy, readNpyHeader, type NpyArray, type NpyHeader } from '../core/npy';
import { npySiblingCandidates } from '../core/npySiblings';
import { readSafetensorsHeader, readSafetensorsTensor, type ByteSource } from '../core/safetensors';
import { materialize, PyDict, PyTensor, storageInfo, unpickle } from '../core/torchPickle';
import { crc32 } from '../core/crc32';
import { CENTRAL_ENTRY_MIN, eocdOffset, readZipDirectory, u16, u32, u64, ZIP64_LOCATOR, type ZipMember } from '../core/zipDirectory';
import { readAt, type ChunkFile } from '../node/chunkFile';
import { dirname, join } from 'node:path';
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { MAX_ROWS } from './table';
import { inflatedMember, memberBytes } from './inflatedMember';

/** Where an N × K matrix's rows are and how its elements are stored. */
export interface RowMatrix {
  /** Byte offset of row 0. */
  start: number;
  itemSize: 4 | 8;
  littleEndian: boolean;
  /** int64 elements (targets only: torch's `one_hot` gives them), read as doubles; else floats. */
  integer?: boolean;
  /** A .npz member's CRC-32 (the full reader checks it): what it must be, and that of its bytes before row 0. */
  crc?: { expected: number; head: number };
  /**
   * Where the bytes are read from, when not the file itself: a deflated member inflated in order
   * (`start` is then an offset in the member), or a .npy beside the file; `ended` says, after the
   * last row, that it gave exactly its declared size and no more.
   */
  source?: ChunkFile & { ended(): boolean };
}

/** Where the logits (and targets) are in the file and how they are stored. */
export interface LogitsLayout extends RowMatrix {
  n: number;
  k: number;
  /** Each sample's class index; null when `targets` gives a row of one-hot or soft targets instead. */
  labels: Int32Array | null;
  targets?: RowMatrix;
  /** What the rows are: the array's name says, or a .npy's content (LogitRowBlocks). */
  input: RowsInput;
  /** A .npz's own class names (its "classes" member), one per class: then no sibling is read. */
  classes?: string[];
}

const HEAD = 1 << 16;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Which 32-bit half of an int64 in the host's order is the high one. */
const HIGH = HOST_LITTLE_ENDIAN ? 1 : 0;

/**
 * The report of `analyze FILE --summary` (summary) or of the table `analyze FILE` prints, or null.
 * One thread: a worker's start-up (0.15–0.3 s) costs more than the whole pass over 10⁷ logits.
 */
export function streamedBinary(
  file: string,
  open: (path: string) => ChunkFile | null,
  readSibling: ReadSibling,
  reduction: Reduction,
  summary: boolean,
): Record<string, unknown> | null {
  const format = formatOf(file);
  if (format !== 'npy' && format !== 'safetensors' && format !== 'npz' && format !== 'pt') return null;
  const f = open(file);
  if (!f) return null;
  // A .npy's sibling is open while its rows are read (its targets are read a block at a time too).
  const siblings: ChunkFile[] = [];
  const opened = (sibling: ChunkFile | null) => (sibling && siblings.push(sibling), sibling);
  try {
    const layout =
      format === 'npy'
        ? npyLayout(file, f, (name) => opened(open(join(dirname(file), name))))
        : format === 'npz'
          ? npzLayout(f)
          : format === 'pt'
            ? torchLayout(f)
            : safetensorsLayout(file, f);
    if (!layout) return null;
    const rows = readRows(layout, f, summary ? 0 : MAX_ROWS, reduction);
    // An array named logits whose every row is a distribution: the full reader decides what it is.
    if (!rows || rows.probabilityLike) return null;
    const classes = layout.classes ? { names: layout.classes, problems: [] } : siblingClassNames(layout.k, siblingReader({ readSibling }));
    if (classes.problems.length > 0) return null;
    const { n, k } = layout;
    const { loss, accuracy } = rows.result();
    const input = rows.input;
    // The same keys in the same order as the full path's reports (commands.ts reportOf, report.ts).
    let report: Record<string, unknown>;
    if (summary) report = { task: 'classification', input, n, k, reduction, loss, accuracy };
    else
      report = {
        task: 'classification',
        input,
        n,
        k,
        reduction,
        lossFunction: lossFunctionOf({ task: 'classification', input }),
        loss,
        losses: rows.losses,
        // The table reads the rows it shows: ∂L/∂z of those, not n × k.
        logitGradient: rows.gradients.map((g) => Array.from(g)),
        predicted: rows.predicted,
      };
    if (classes.names) report.classes = classes.names;
    return report;
  } catch {
    return null; // unreadable in some way: the full reader says how
  } finally {
    f.close();
    for (const sibling of siblings) sibling.close();
  }
}

/** Reads the layout's rows (and targets) into reused blocks and analyses them; null when the full reader must decide. */
function readRows(layout: LogitsLayout, file: ChunkFile, gradientRows: number, reduction: Reduction): LogitRowBlocks | null {
  const { k, n } = layout;
  const rows = new LogitRowBlocks(n, k, layout.labels, reduction, gradientRows, layout.input);
  // About 2 MB of logits a block: rows stay in cache, and the buffer's pages are touched once.
  const blockRows = Math.max(1, Math.min(n, Math.floor((1 << 18) / k)));
  const logits = new MatrixBlocks(layout, file, blockRows * k);
  const targets = layout.targets && new MatrixBlocks(layout.targets, file, blockRows * k);
  for (let row = 0; row < n; row += blockRows) {
    const count = Math.min(blockRows, n - row);
    const z = logits.read(row * k, count * k);
    const y = targets?.read(row * k, count * k);
    if (!z || y === null || !rows.add(z, count, y)) return null;
  }
  return logits.intact() && (!targets || targets.intact()) ? rows : null;
}

/** A RowMatrix's elements read a block at a time into one reused Float64Array. */
class MatrixBlocks {
  private readonly block: Float64Array;
  private readonly raw: Uint8Array;
  private readonly words: Float32Array | Int32Array | null;
  private crc: number;

  constructor(
    private readonly m: RowMatrix,
    private readonly file: ChunkFile,
    size: number,
  ) {
    this.block = new Float64Array(size);
    // float64 is read straight into the block's own bytes (swapped in place when big-endian).
    const direct = m.itemSize === 8 && !m.integer;
    this.raw = direct ? new Uint8Array(this.block.buffer) : new Uint8Array(size * m.itemSize);
    this.words = direct ? null : m.integer ? new Int32Array(this.raw.buffer) : new Float32Array(this.raw.buffer);
    this.crc = m.crc?.head ?? 0;
  }

  /** `count` elements from element `at` on, or null when the file ends first. */
  read(at: number, count: number): Float64Array | null {
    const { m, raw, block, words } = this;
    const length = count * m.itemSize;
    if (!readFully(m.source ?? this.file, raw, length, m.start + at * m.itemSize)) return null;
    if (m.crc) this.crc = crc32(raw.subarray(0, length), this.crc);
    if (m.littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(raw, length, m.itemSize);
    if (words instanceof Float32Array) for (let i = 0; i < count; i++) block[i] = words[i];
    // int64 as two 32-bit halves (the host is little-endian, or was swapped to it): exact below 2^53.
    else if (words) for (let i = 0; i < count; i++) block[i] = words[2 * i + HIGH] * 4294967296 + (words[2 * i + 1 - HIGH] >>> 0);
    return block;
  }

  /** After the last row: a damaged member, or one that inflates to more than it says, is the full reader's to report. */
  intact(): boolean {
    const { m } = this;
    return (!m.source || m.source.ended()) && (!m.crc || this.crc === m.crc.expected);
  }
}

function readFully(f: ChunkFile, into: Uint8Array, length: number, position: number): boolean {
  for (let got = 0; got < length;) {
    const n = f.read(into, got, length - got, position + got);
    if (n <= 0) return false;
    got += n;
  }
  return true;
}

function swapBytes(b: Uint8Array, length: number, size: number): void {
  for (let i = 0; i < length; i += size)
    for (let a = i, z = i + size - 1; a < z; a++, z--) {
      const t = b[a];
      b[a] = b[z];
      b[z] = t;
    }
}

/** How elements of NumPy's `descr` are read: float32 or float64, and int64 for `targets` (one-hot rows); else null. */
function elementOf(descr: string, targets = false): Pick<RowMatrix, 'itemSize' | 'littleEndian' | 'integer'> | null {
  const m = /^([<>=])([fi])([48])$/.exec(descr);
  if (!m || (m[2] === 'i' && !(targets && m[3] === '8'))) return null;
  const littleEndian = m[1] === '<' || (m[1] === '=' && HOST_LITTLE_ENDIAN);
  return { itemSize: Number(m[3]) as 4 | 8, littleEndian, ...(m[2] === 'i' && { integer: true }) };
}

/** A .npy header's N × K matrix in C order (n ≥ 1, k ≥ 2) of elementOf's elements, or null. */
function storedMatrix(h: NpyHeader, targets = false): (Pick<LogitsLayout, 'n' | 'k'> & ReturnType<typeof elementOf> & {}) | null {
  const element = elementOf(h.dtype, targets);
  if (!element || h.fortranOrder || h.shape.length !== 2) return null;
  const [n, k] = h.shape;
  if (n < 1 || k < 2) return null;
  return { n, k, ...element };
}

/**
 * A 2-D float .npy (C order) with its labels, or its N × K one-hot or soft targets, from the first
 * sibling the full reader would try (opened as the CLI's readSibling reads it: a regular file within
 * the size limit), or null. Targets are read from the sibling a block at a time, as the logits are:
 * 10⁴ × 10³ float64 targets made `--summary` hold 142 MB when the sibling was read whole.
 */
function npyLayout(file: string, f: ChunkFile, openSibling: (name: string) => ChunkFile | null): LogitsLayout | null {
  const h = readNpyHeader(readAt(f, 0, Math.min(HEAD, f.size)), file);
  const matrix = storedMatrix(h);
  if (!matrix || matrix.integer) return null;
  const { n, k, itemSize } = matrix;
  if (h.dataStart + n * k * itemSize > f.size) return null;
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  for (const name of npySiblingCandidates(base, 'labels')) {
    const s = openSibling(name);
    if (!s) continue;
    // The first sibling there is must be the labels or the targets: otherwise the full reader decides which.
    const head = readAt(s, 0, Math.min(HEAD, s.size));
    const sibling = readNpyHeader(head, name);
    const rows = storedMatrix(sibling, true);
    if (rows) {
      const fits = rows.n === n && rows.k === k && sibling.dataStart + sibling.dataBytes === s.size;
      const targets = { ...rows, start: sibling.dataStart, source: { ...s, ended: () => true } };
      return fits ? { ...matrix, start: h.dataStart, labels: null, targets, input: 'by content' } : null;
    }
    const bytes = head.length === s.size ? head : readAt(s, 0, s.size);
    if (bytes.length !== s.size) return null;
    const labels = labelsOf(readNpy(bytes, name), n, k);
    return labels && { ...matrix, start: h.dataStart, labels, input: 'by content' };
  }
  return null;
}

/** safetensors' dtypes read here, as NumPy's descr (elementOf). */
const SAFETENSORS_DESCR: Record<string, string> = { F64: '<f8', F32: '<f4', I64: '<i8' };

/**
 * Exactly two tensors, "logits" or "probabilities" (F64/F32, N × K) and "labels" (N) or "targets"
 * (F64/F32/I64, N × K), no metadata; else null.
 */
function safetensorsLayout(file: string, f: ChunkFile): LogitsLayout | null {
  const source: ByteSource = { size: f.size, read: (offset, length) => readAt(f, offset, Math.max(0, Math.min(length, f.size - offset))) };
  const h = readSafetensorsHeader(source, file);
  if (h.metadata !== null || h.tensors.length !== 2) return null;
  const logits = h.tensors.find((t) => t.name === 'logits' || t.name === 'probabilities');
  const element = logits && elementOf(SAFETENSORS_DESCR[logits.dtype] ?? '');
  if (!logits || !element || element.integer || logits.shape.length !== 2) return null;
  const [n, k] = logits.shape;
  if (n < 1 || k < 2 || logits.end > f.size) return null;
  const input = logits.name === 'logits' ? 'logits' : 'probabilities';
  const layout = { n, k, start: logits.begin, ...element, input } as const;
  const targetInfo = h.tensors.find((t) => t.name === 'targets');
  if (targetInfo) {
    const rows = elementOf(SAFETENSORS_DESCR[targetInfo.dtype] ?? '', true);
    const fits = targetInfo.shape.length === 2 && targetInfo.shape[0] === n && targetInfo.shape[1] === k && targetInfo.end <= f.size;
    return rows && fits ? { ...layout, labels: null, targets: { ...rows, start: targetInfo.begin } } : null;
  }
  const labelInfo = h.tensors.find((t) => t.name === 'labels');
  if (!labelInfo || labelInfo.shape.length !== 1) return null;
  const labels = labelsOf(readSafetensorsTensor(source, labelInfo, file), n, k);
  return labels && { ...layout, labels };
}

/**
 * An .npz (np.savez or np.savez_compressed, and `gl.save` of the Python package) of members
 * "logits.npy" (a 2-D float C-order array, nothing after it), "labels.npy" or a stored
 * "targets.npy" (N × K, float or int64) and, optionally, "classes.npy" (a string per class, as
 * `gl.save(..., classes=names)` writes), each stored or deflated; else null. A deflated logits
 * member is inflated in order as its rows are read, never whole. The labels' and classes' CRC-32s
 * are checked here, the logits' and targets' as readRows reads them.
 */
function npzLayout(f: ChunkFile): LogitsLayout | null {
  const members = zipMembers(f);
  const logits = members?.find((m) => m.name === 'logits.npy' || m.name === 'probabilities.npy');
  const labelMember = members?.find((m) => m.name === 'labels.npy');
  const targetMember = members?.find((m) => m.name === 'targets.npy');
  const classMember = members?.find((m) => m.name === 'classes.npy');
  if (!members || members.length !== (classMember ? 3 : 2) || !logits || !(labelMember ?? targetMember)) return null;
  // The full reader inflates at most this much of an archive's arrays together.
  if (members.reduce((total, m) => total + m.size, 0) > DEFAULT_MAX_FILE_BYTES) return null;
  const matrix = memberMatrix(f, logits);
  if (!matrix || matrix.integer) return null;
  const { n, k } = matrix;
  const classes = classMember ? classNamesOf(f, classMember, k) : undefined;
  if (classes === null) return null;
  const input = logits.name === 'logits.npy' ? 'logits' : 'probabilities';
  const layout = { ...matrix, input, ...(classes && { classes }) } as const;
  if (targetMember) {
    // A deflated one is the full reader's: inflated by fflate beside the logits, 10⁴ × 10³ one-hot
    // targets took 2.6 s where the full reader's zlib takes 1.8 s.
    if (targetMember.method !== 0) return null;
    const targets = memberMatrix(f, targetMember, true);
    return targets?.n === n && targets.k === k ? { ...layout, labels: null, targets } : null;
  }
  const labelBytes = wholeArray(f, labelMember!);
  const labels = labelBytes && labelsOf(readNpy(labelBytes, 'labels.npy'), n, k);
  return labels && { ...layout, labels };
}

/**
 * A member's N × K array (elementOf's elements, C order, nothing after it) as rows to read: a
 * stored member in place, a deflated one inflated in order as its rows are read, its CRC-32
 * checked as they are; else null.
 */
function memberMatrix(f: ChunkFile, member: ZipMember, targets = false): (RowMatrix & { n: number; k: number }) | null {
  const source = member.method === 8 ? inflatedMember(f, member) : undefined;
  const memberStart = source ? 0 : member.dataStart;
  const head = readAt(source ?? f, memberStart, Math.min(HEAD, member.size));
  const h = readNpyHeader(head, member.name);
  const matrix = storedMatrix(h, targets);
  if (!matrix || h.dataStart + matrix.n * matrix.k * matrix.itemSize !== member.size) return null;
  const crc = { expected: member.crc, head: crc32(head.subarray(0, h.dataStart)) };
  // The rows are read from the header's end on: the inflater goes on from where the head's read left it.
  return { ...matrix, start: memberStart + h.dataStart, crc, ...(source && { source }) };
}

/**
 * A `torch.save({'logits': z, 'labels': y})` file (or 'probabilities'; or 'targets', N × K): a zip
 * of stored members whose data.pkl holds exactly those two tensors, the first a contiguous 2-D
 * float32/float64 storage read in place, the labels whole, the targets (float or int64) in place
 * as the logits; little-endian. Else null.
 */
function torchLayout(f: ChunkFile): LogitsLayout | null {
  const members = zipMembers(f);
  const pkl = members?.filter((m) => /^[^/]+\/data\.pkl$/.test(m.name));
  if (!members || pkl?.length !== 1 || pkl[0].method !== 0 || pkl[0].size > MAX_SMALL_MEMBER_BYTES) return null;
  const prefix = pkl[0].name.slice(0, -'data.pkl'.length);
  const member = (name: string) => members.find((m) => m.name === prefix + name);
  const order = member('byteorder');
  if (order && new TextDecoder().decode(memberBytes(f, order) ?? new Uint8Array()).trim() !== 'little') return null;
  const root = unpickle(readAt(f, pkl[0].dataStart, pkl[0].size), (detail) => {
    throw new Error(detail);
  });
  if (!(root instanceof PyDict) || root.map.size !== 2) return null;
  const key = root.map.has('logits') ? 'logits' : 'probabilities';
  const matrix = tensorMatrix(root.map.get(key), member);
  if (!matrix || matrix.integer) return null;
  const { n, k } = matrix;
  if (root.map.has('targets')) {
    const targets = tensorMatrix(root.map.get('targets'), member, true);
    return targets?.n === n && targets.k === k ? { ...matrix, labels: null, targets, input: key } : null;
  }
  const labelTensor = root.map.get('labels');
  if (!(labelTensor instanceof PyTensor)) return null;
  const labelData = member(`data/${labelTensor.storage.key}`);
  if (!labelData || labelData.size > MAX_SMALL_MEMBER_BYTES) return null;
  const raw = memberBytes(f, labelData);
  const labels = raw && labelsOf(materialize(labelTensor, raw, false, 'labels'), n, k);
  return labels && { ...matrix, labels, input: key };
}

/** A contiguous 2-D tensor (n ≥ 1, k ≥ 2) of elementOf's elements in a stored member, as rows read in place; else null. */
function tensorMatrix(
  t: unknown,
  member: (name: string) => ZipMember | undefined,
  targets = false,
): (RowMatrix & { n: number; k: number }) | null {
  if (!(t instanceof PyTensor) || t.size.length !== 2) return null;
  const [n, k] = t.size;
  const info = storageInfo(t.storage.kind);
  const element = info && elementOf(info.descr, targets);
  const data = member(`data/${t.storage.key}`);
  if (n < 1 || k < 2 || !element || !data || data.method !== 0) return null;
  if (t.stride[0] !== k || t.stride[1] !== 1 || !(t.offset >= 0) || (t.offset + n * k) * element.itemSize > data.size) return null;
  return { n, k, ...element, start: data.dataStart + t.offset * element.itemSize };
}

/** Largest labels or "classes" member read here (as a classes.txt beside a file is capped): beyond it, the full reader. */
const MAX_SMALL_MEMBER_BYTES = 64 << 20;

/**
 * A small member's bytes, inflated if deflated, when its CRC-32 is the directory's and it holds a
 * .npy array and nothing after it (the full reader refuses a member far larger than its array); else null.
 */
function wholeArray(f: ChunkFile, member: ZipMember): Uint8Array | null {
  if (member.size > MAX_SMALL_MEMBER_BYTES) return null;
  const bytes = memberBytes(f, member);
  if (!bytes || crc32(bytes) !== member.crc) return null;
  const h = readNpyHeader(bytes.subarray(0, Math.min(HEAD, bytes.length)), member.name);
  return h.dataStart + h.dataBytes === bytes.length ? bytes : null;
}

/**
 * A "classes" member's names: a 1-D string array of one name per class, its CRC-32 whole; null
 * for anything else (numbers, another count: the full reader names them or warns).
 */
function classNamesOf(f: ChunkFile, member: ZipMember, k: number): string[] | null {
  const bytes = wholeArray(f, member);
  const array = bytes && readNpy(bytes, 'classes.npy');
  return array && array.strings && array.shape.length === 1 && array.strings.length === k ? array.strings : null;
}

/** Bytes of a local file header read for each member: its 30 fixed bytes, and its name and extra field. */
const LOCAL_HEADER_BYTES = 30 + 2048;

/**
 * The archive's members as readZipDirectory gives them (every check of the .npz reader's, more
 * than fflate's unzip makes of a .pt, so a .pt it refuses goes to the full reader), reading
 * only the end records, the central directory and each member's local header: they go into an
 * array of the file's size whose other pages are never touched, so they cost no memory. A zip64
 * end record (torch.save writes one always) is read where its locator points. Null for anything
 * unexpected (the full reader then reads it).
 */
function zipMembers(f: ChunkFile): ZipMember[] | null {
  const d = new Uint8Array(f.size);
  const place = (at: number, length: number) => d.set(readAt(f, at, Math.max(0, Math.min(length, f.size - at))), at);
  const tailStart = Math.max(0, f.size - 65557 - 1024);
  place(tailStart, f.size - tailStart);
  const e = eocdOffset(d);
  if (e === undefined) return null;
  let count = u16(d, e + 10);
  let cdSize = u32(d, e + 12);
  let cdOffset = u32(d, e + 16);
  if (e >= 20 && u32(d, e - 20) === ZIP64_LOCATOR) {
    const z = u64(d, e - 12);
    if (!(z >= 0 && z + 56 <= e - 20)) return null;
    if (z < tailStart) place(z, 56);
    count = u64(d, z + 32);
    cdSize = u64(d, z + 40);
    cdOffset = u64(d, z + 48);
  }
  if (count > 16 || cdOffset + cdSize > e) return null;
  if (cdOffset < tailStart) place(cdOffset, cdSize);
  for (let i = 0, p = cdOffset; i < count && p + CENTRAL_ENTRY_MIN <= cdOffset + cdSize; i++) {
    place(u32(d, p + 42), LOCAL_HEADER_BYTES);
    p += CENTRAL_ENTRY_MIN + u16(d, p + 28) + u16(d, p + 30) + u16(d, p + 32);
  }
  return readZipDirectory(d);
}

/** Whole-number class indices 0…k−1, one per sample, or null. */
function labelsOf(a: NpyArray, n: number, k: number): Int32Array | null {
  if (a.kind === 'string' || a.shape.length !== 1 || a.shape[0] !== n) return null;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = a.data[i];
    if (!(Number.isInteger(v) && v >= 0 && v < k)) return null;
    labels[i] = v;
  }
  return labels;
}
