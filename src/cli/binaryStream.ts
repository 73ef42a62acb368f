/**
 * `analyze FILE.npy|.safetensors|.npz|.pt` (`--summary`, or the table) at memory speed (issue 22): float
 * logits (or probabilities) N × K with class-index labels are read a block of rows at a time
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
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { MAX_ROWS } from './table';
import { inflatedMember, memberBytes } from './inflatedMember';

/** Where the logits are in the file and how they are stored. */
export interface LogitsLayout {
  n: number;
  k: number;
  /** Byte offset of row 0. */
  start: number;
  itemSize: 4 | 8;
  littleEndian: boolean;
  labels: Int32Array;
  /** What the rows are: the array's name says, or a .npy's content (LogitRowBlocks). */
  input: RowsInput;
  /** A .npz member's CRC-32 (the full reader checks it): what it must be, and that of its bytes before row 0. */
  crc?: { expected: number; head: number };
  /** A .npz's own class names (its "classes" member), one per class: then no sibling is read. */
  classes?: string[];
  /**
   * Where the logits' bytes are read from, when not the file itself: a deflated member inflated in
   * order (`start` is then an offset in the member); `ended` says, after the last row, that it
   * inflated to exactly its declared size and no more.
   */
  source?: ChunkFile & { ended(): boolean };
}

const HEAD = 1 << 16;
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
  try {
    const layout =
      format === 'npy'
        ? npyLayout(file, f, readSibling)
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
  }
}

/** Reads the layout's rows into a reused block and analyses them; null when the full reader must decide. */
function readRows(layout: LogitsLayout, file: ChunkFile, gradientRows: number, reduction: Reduction): LogitRowBlocks | null {
  const { k, start, littleEndian, itemSize } = layout;
  const f = layout.source ?? file;
  const from = 0;
  const to = layout.n;
  const rows = new LogitRowBlocks(to, k, layout.labels, reduction, gradientRows, layout.input);
  // About 2 MB of logits a block: rows stay in cache, and the buffer's pages are touched once.
  const blockRows = Math.max(1, Math.min(to - from, Math.floor((1 << 18) / k)));
  const block = new Float64Array(blockRows * k);
  // float64 is read straight into the block's own bytes (swapped in place when big-endian).
  const raw = itemSize === 8 ? new Uint8Array(block.buffer) : new Uint8Array(blockRows * k * 4);
  const words = new Float32Array(raw.buffer, 0, itemSize === 4 ? blockRows * k : 0);
  let crc = layout.crc?.head ?? 0;
  for (let row = from; row < to; row += blockRows) {
    const count = Math.min(blockRows, to - row);
    const length = count * k * itemSize;
    if (!readFully(f, raw, length, start + row * k * itemSize)) return null;
    if (layout.crc) crc = crc32(raw.subarray(0, length), crc);
    if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytes(raw, length, itemSize);
    if (itemSize === 4) for (let i = 0; i < count * k; i++) block[i] = words[i];
    if (!rows.add(block, count)) return null;
  }
  // A damaged member, or one that inflates to more than it says, is the full reader's to report.
  if (layout.source && !layout.source.ended()) return null;
  return layout.crc && crc !== layout.crc.expected ? null : rows;
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

/** A .npy header's N × K float matrix in C order (n ≥ 1, k ≥ 2) and how its values are stored, or null. */
function floatMatrix(h: NpyHeader): Pick<LogitsLayout, 'n' | 'k' | 'itemSize' | 'littleEndian'> | null {
  const m = /^([<>=])f([48])$/.exec(h.dtype);
  if (!m || h.fortranOrder || h.shape.length !== 2) return null;
  const [n, k] = h.shape;
  if (n < 1 || k < 2) return null;
  return { n, k, itemSize: Number(m[2]) as 4 | 8, littleEndian: m[1] === '<' || (m[1] === '=' && HOST_LITTLE_ENDIAN) };
}

/** A 2-D float .npy (C order) with its labels from the first sibling the full reader would try, or null. */
function npyLayout(file: string, f: ChunkFile, readSibling: ReadSibling): LogitsLayout | null {
  const h = readNpyHeader(readAt(f, 0, Math.min(HEAD, f.size)), file);
  const matrix = floatMatrix(h);
  if (!matrix) return null;
  const { n, k, itemSize } = matrix;
  if (h.dataStart + n * k * itemSize > f.size) return null;
  const base = file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
  for (const name of npySiblingCandidates(base, 'labels')) {
    const bytes = readSibling(name);
    if (!bytes) continue;
    // The first sibling there is must be the labels: otherwise the full reader decides which.
    const labels = labelsOf(readNpy(bytes, name), n, k);
    return labels && { ...matrix, start: h.dataStart, labels, input: 'by content' };
  }
  return null;
}

/** Exactly two tensors, "logits" or "probabilities" (F64/F32, N × K) and "labels" (N), no metadata; else null. */
function safetensorsLayout(file: string, f: ChunkFile): LogitsLayout | null {
  const source: ByteSource = { size: f.size, read: (offset, length) => readAt(f, offset, Math.max(0, Math.min(length, f.size - offset))) };
  const h = readSafetensorsHeader(source, file);
  if (h.metadata !== null || h.tensors.length !== 2) return null;
  const logits = h.tensors.find((t) => t.name === 'logits' || t.name === 'probabilities');
  const labelInfo = h.tensors.find((t) => t.name === 'labels');
  if (!logits || !labelInfo || (logits.dtype !== 'F64' && logits.dtype !== 'F32') || logits.shape.length !== 2) return null;
  const [n, k] = logits.shape;
  if (n < 1 || k < 2 || labelInfo.shape.length !== 1 || logits.end > f.size) return null;
  const labels = labelsOf(readSafetensorsTensor(source, labelInfo, file), n, k);
  const input = logits.name === 'logits' ? 'logits' : 'probabilities';
  return labels && { n, k, start: logits.begin, itemSize: logits.dtype === 'F64' ? 8 : 4, littleEndian: true, labels, input };
}

/**
 * An .npz (np.savez or np.savez_compressed, and `gl.save` of the Python package) of members
 * "logits.npy" (a 2-D float C-order array, nothing after it), "labels.npy" and, optionally,
 * "classes.npy" (a string per class, as `gl.save(..., classes=names)` writes), each stored or
 * deflated; else null. A deflated logits member is inflated in order as its rows are read, never
 * whole. The labels' and classes' CRC-32s are checked here, the logits' as readRows reads them.
 */
function npzLayout(f: ChunkFile): LogitsLayout | null {
  const members = zipMembers(f);
  const logits = members?.find((m) => m.name === 'logits.npy' || m.name === 'probabilities.npy');
  const labelMember = members?.find((m) => m.name === 'labels.npy');
  const classMember = members?.find((m) => m.name === 'classes.npy');
  if (!members || members.length !== (classMember ? 3 : 2) || !logits || !labelMember) return null;
  // The full reader inflates at most this much of an archive's arrays together.
  if (members.reduce((total, m) => total + m.size, 0) > DEFAULT_MAX_FILE_BYTES) return null;
  const source = logits.method === 8 ? inflatedMember(f, logits) : undefined;
  const memberStart = source ? 0 : logits.dataStart;
  const head = readAt(source ?? f, memberStart, Math.min(HEAD, logits.size));
  const h = readNpyHeader(head, logits.name);
  const matrix = floatMatrix(h);
  if (!matrix) return null;
  const { n, k, itemSize } = matrix;
  if (h.dataStart + n * k * itemSize !== logits.size) return null;
  const labelBytes = wholeArray(f, labelMember);
  const labels = labelBytes && labelsOf(readNpy(labelBytes, 'labels.npy'), n, k);
  const classes = classMember ? classNamesOf(f, classMember, k) : undefined;
  if (!labels || classes === null) return null;
  const crc = { expected: logits.crc, head: crc32(head.subarray(0, h.dataStart)) };
  // The rows are read from the header's end on: the inflater goes on from where the head's read left it.
  const input = logits.name === 'logits.npy' ? 'logits' : 'probabilities';
  return { ...matrix, start: memberStart + h.dataStart, labels, input, crc, ...(classes && { classes }), ...(source && { source }) };
}

/**
 * A `torch.save({'logits': z, 'labels': y})` file (or 'probabilities'): a zip of stored members
 * whose data.pkl holds exactly those two tensors, the first a contiguous 2-D float32/float64
 * storage read in place, the labels whole; little-endian. Else null.
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
  const rows = root.map.get(key);
  const labelTensor = root.map.get('labels');
  if (!(rows instanceof PyTensor) || !(labelTensor instanceof PyTensor) || rows.size.length !== 2) return null;
  const [n, k] = rows.size;
  const info = storageInfo(rows.storage.kind);
  const data = member(`data/${rows.storage.key}`);
  if (n < 1 || k < 2 || (info?.size !== 8 && info?.size !== 4) || !data || data.method !== 0) return null;
  if (rows.stride[0] !== k || rows.stride[1] !== 1 || !(rows.offset >= 0) || (rows.offset + n * k) * info.size > data.size) return null;
  const labelData = member(`data/${labelTensor.storage.key}`);
  if (!labelData || labelData.size > MAX_SMALL_MEMBER_BYTES) return null;
  const raw = memberBytes(f, labelData);
  const labels = raw && labelsOf(materialize(labelTensor, raw, false, 'labels'), n, k);
  if (!labels) return null;
  const itemSize = info.size as 4 | 8;
  return { n, k, itemSize, littleEndian: true, start: data.dataStart + rows.offset * itemSize, labels, input: key };
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
