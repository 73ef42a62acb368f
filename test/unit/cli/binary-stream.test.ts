/**
 * Issue 22: `analyze FILE.npy|.safetensors|.npz` (summary and table) read a block of rows at a time
 * (src/cli/binaryStream.ts). Whatever the file, the CLI must print exactly what the full reader's
 * path prints (stdout, stderr, status): on files the fast path takes (float64/float32, little and
 * big endian, class names beside them, both reductions, reads of a few bytes at a time) and on
 * files it must hand back (bad labels, NaN, probability rows, Fortran order, metadata...).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { streamedBinary } from '../../../src/cli/binaryStream';
import type { CliIo } from '../../../src/cli/commands';
import { readRegularFile } from '../../../src/cli/readRegular';
import { analyze } from '../../../src/core/analysis';
import { loadTensorFile } from '../../../src/core/load';
import { writeNpy } from '../../../src/core/npy';
import { writeSafetensors } from '../../../src/core/safetensors';
import { writeNpz } from '../../../src/core/npz';
import { crc32 } from '../../../src/core/crc32';
import { concatBytes } from '../../../src/core/concatBytes';
import { readZipDirectory } from '../../../src/core/zipDirectory';
import { deflateSync, zipSync } from 'fflate';
import { cliWithChunks, pieces } from '../../helpers/cli';
import { seededUniform } from '../../helpers/seeded';

const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-binary-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const run = (args: string[], openFile?: CliIo['openFile']) => cliWithChunks(args, openFile ?? null);

const FLAGS = [['--summary', '--json'], ['--summary'], [], ['--reduction', 'sum'], ['--summary', '--reduction', 'sum', '--json']];

/** The CLI's output with the fast path (whole reads and 7-byte reads) equals the full reader's; returns whether it was taken. */
function same(path: string): boolean {
  for (const flags of FLAGS) {
    const full = run(['analyze', path, ...flags]);
    for (const piece of [1 << 30, 7])
      assert.deepEqual(run(['analyze', path, ...flags], pieces(piece)), full, `${path} ${flags.join(' ')} / ${piece}`);
  }
  const read = (name: string) => {
    try {
      return readRegularFile(join(path, '..', name), 1 << 20);
    } catch {
      return null;
    }
  };
  return streamedBinary(path, pieces(1 << 30), read, 'mean', true) !== null;
}

function logits(n: number, k: number, seed: number, spread = 20) {
  const rand = seededUniform(seed);
  const z = new Float64Array(n * k);
  for (let i = 0; i < z.length; i++) z[i] = (rand() - 0.5) * spread;
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = Math.floor(rand() * k);
  return { z, labels };
}

/** A .npy of `values` as dtype `descr` ('<f8', '>f8', '<f4', '>f4'), optionally in Fortran order. */
function npyBytes(values: Float64Array, shape: number[], descr: string, fortran = false): Uint8Array {
  const size = Number(descr[2]);
  const header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': (${shape.join(', ')}), }`;
  const padded = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ') + '\n';
  const bytes = new Uint8Array(10 + padded.length + values.length * size);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  bytes.set(new TextEncoder().encode(padded), 10);
  const view = new DataView(bytes.buffer, 10 + padded.length);
  const little = descr[0] === '<';
  for (let i = 0; i < values.length; i++) {
    if (size === 8) view.setFloat64(i * 8, values[i], little);
    else view.setFloat32(i * 4, values[i], little);
  }
  return bytes;
}

/** A .npy of strings, dtype '<U{width}' (UTF-32, as NumPy stores str arrays). */
function stringsNpy(names: string[]): Uint8Array {
  const width = Math.max(1, ...names.map((name) => [...name].length));
  const header = `{'descr': '<U${width}', 'fortran_order': False, 'shape': (${names.length},), }`;
  const padded = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ') + '\n';
  const bytes = new Uint8Array(10 + padded.length + names.length * width * 4);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  bytes.set(new TextEncoder().encode(padded), 10);
  const view = new DataView(bytes.buffer, 10 + padded.length);
  names.forEach((name, i) => [...name].forEach((c, j) => view.setUint32((i * width + j) * 4, c.codePointAt(0)!, true)));
  return bytes;
}

/** A deflated member given as its raw deflate stream and the bytes (size, CRC-32) its entries declare. */
interface DeflatedMember {
  declared: Uint8Array;
  stream: Uint8Array;
}

/** A zip of stored members (np.savez's layout), each given as its .npy bytes, or of deflated ones given as DeflatedMember. */
function storedNpz(members: Record<string, Uint8Array | DeflatedMember>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const header = (signature: number, name: Uint8Array, member: Uint8Array | DeflatedMember, at: number | null) => {
    const [data, stream] = member instanceof Uint8Array ? [member, member] : [member.declared, member.stream];
    const fixed = at === null ? 30 : 46;
    const b = new Uint8Array(fixed + name.length);
    const v = new DataView(b.buffer);
    v.setUint32(0, signature, true);
    const o = at === null ? 0 : 2; // the central header has "version made by" first
    v.setUint16(4 + o, 20, true);
    v.setUint16(8 + o, member instanceof Uint8Array ? 0 : 8, true);
    v.setUint32(14 + o, crc32(data), true);
    v.setUint32(18 + o, stream.length, true);
    v.setUint32(22 + o, data.length, true);
    v.setUint16(26 + o, name.length, true);
    if (at !== null) v.setUint32(42, at, true);
    b.set(name, fixed);
    return b;
  };
  for (const [key, member] of Object.entries(members)) {
    const name = new TextEncoder().encode(`${key}.npy`);
    const data = member instanceof Uint8Array ? member : member.stream;
    const local = header(0x04034b50, name, member, null);
    parts.push(local, data);
    central.push(header(0x02014b50, name, member, offset));
    offset += local.length + data.length;
  }
  const size = central.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const v = new DataView(end.buffer);
  v.setUint32(0, 0x06054b50, true);
  v.setUint16(8, central.length, true);
  v.setUint16(10, central.length, true);
  v.setUint32(12, size, true);
  v.setUint32(16, offset, true);
  return concatBytes([...parts, ...central, end]);
}

/**
 * A raw deflate stream of stored blocks: `data`, then empty blocks until the stream's length is a
 * multiple of `align`, then `after` (its last block final). A reader that inflates `align` bytes
 * at a time has then inflated exactly `data` when it has read that far.
 */
function storedDeflate(data: Uint8Array, align: number, after: Uint8Array): Uint8Array {
  const blocks: Uint8Array[] = [];
  const block = (bytes: Uint8Array, final: boolean) => {
    const b = new Uint8Array(5 + bytes.length);
    b.set([final ? 1 : 0, bytes.length & 0xff, bytes.length >> 8, ~bytes.length & 0xff, (~bytes.length >> 8) & 0xff]);
    b.set(bytes, 5);
    blocks.push(b);
  };
  for (let at = 0; at < data.length; at += 65535) block(data.subarray(at, at + 65535), false);
  while (blocks.reduce((total, b) => total + b.length, 0) % align !== 0) block(new Uint8Array(0), false);
  for (let at = 0; at < after.length; at += 65535) block(after.subarray(at, at + 65535), at + 65535 >= after.length);
  if (after.length === 0) block(after, true);
  return concatBytes(blocks);
}

let dirs = 0;
function folder(files: Record<string, Uint8Array | string>): string {
  const dir = join(scratch, `d${dirs++}`);
  mkdirSync(dir);
  for (const [name, data] of Object.entries(files)) writeFileSync(join(dir, name), data);
  return dir;
}

describe('binary logits streamed: the same output as the full reader', () => {
  test('.npy float64 and float32, little and big endian, with labels beside it', () => {
    const { z, labels } = logits(61, 7, 1);
    for (const descr of ['<f8', '>f8', '<f4', '>f4']) {
      const dir = folder({ 'x.npy': npyBytes(z, [61, 7], descr), 'x_labels.npy': writeNpy(labels, [61]) });
      assert.equal(same(join(dir, 'x.npy')), true, descr);
    }
  });

  test('the loss and the table rows are the core analysis of the same data, bit for bit', () => {
    const { z, labels } = logits(40, 5, 2, 60);
    const dir = folder({ 'logits.npy': writeNpy(z, [40, 5]), 'labels.npy': writeNpy(labels, [40]), 'classes.txt': 'a\nb\nc\nd\ne\n' });
    const path = join(dir, 'logits.npy');
    assert.equal(same(path), true);
    const read = (name: string) => {
      try {
        return readRegularFile(join(dir, name), 1 << 20);
      } catch {
        return null;
      }
    };
    const report = streamedBinary(path, pieces(1 << 30), read, 'mean', false)!;
    const loaded = loadTensorFile(readRegularFile(path, 1 << 30), path, { readSibling: read });
    const a = analyze(loaded.dataset!);
    assert.equal(a.task, 'classification');
    if (a.task !== 'classification') return;
    assert.equal(report.loss, a.loss);
    assert.deepEqual(Array.from(report.losses as Float64Array), Array.from(a.losses));
    assert.deepEqual(Array.from(report.predicted as Int32Array), Array.from(a.predicted));
    const rows = report.logitGradient as number[][];
    assert.equal(rows.length, 40);
    rows.forEach((row, i) => assert.deepEqual(row, Array.from(a.logitGradient.subarray(i * 5, (i + 1) * 5)), `row ${i}`));
    assert.deepEqual(report.classes, ['a', 'b', 'c', 'd', 'e']);
    // A real value: the loss is the mean of −log softmax(z)_label, checked with Math.exp.
    let total = 0;
    for (let i = 0; i < 40; i++) {
      let max = -Infinity;
      for (let j = 0; j < 5; j++) max = Math.max(max, z[i * 5 + j]);
      let s = 0;
      for (let j = 0; j < 5; j++) s += Math.exp(z[i * 5 + j] - max);
      total += Math.log(s) + max - z[i * 5 + labels[i]];
    }
    assert.ok(Math.abs((report.loss as number) - total / 40) < 1e-12 * Math.abs(total / 40));
  });

  test('more rows than one block, and more than the table shows', () => {
    const { z, labels } = logits(300, 1000, 3);
    const dir = folder({ 'big.npy': writeNpy(z, [300, 1000]), 'big_labels.npy': writeNpy(labels, [300]) });
    assert.equal(same(join(dir, 'big.npy')), true);
  });

  test('.safetensors with "logits" (F64) and "labels"', () => {
    const { z, labels } = logits(33, 4, 4);
    const path = join(
      folder({ 'run.safetensors': writeSafetensors({ logits: { data: z, shape: [33, 4] }, labels: { data: labels, shape: [33] } }) }),
      'run.safetensors',
    );
    assert.equal(same(path), true);
    const swapped = writeSafetensors({ labels: { data: labels, shape: [33] }, logits: { data: z, shape: [33, 4] } });
    assert.equal(same(join(folder({ 'b.safetensors': swapped }), 'b.safetensors')), true);
  });

  test('.npz of stored "logits" and "labels" (np.savez, gl.save): float64 and float32, little and big endian', () => {
    const { z, labels } = logits(61, 7, 8);
    const saved = writeNpz({ logits: { data: z, shape: [61, 7] }, labels: { data: labels, shape: [61] } });
    assert.equal(same(join(folder({ 'snap.npz': saved }), 'snap.npz')), true, 'writeNpz');
    for (const descr of ['<f8', '>f8', '<f4', '>f4']) {
      const npz = storedNpz({ labels: writeNpy(labels, [61]), logits: npyBytes(z, [61, 7], descr) });
      assert.equal(same(join(folder({ 'x.npz': npz, 'classes.txt': 'a\nb\nc\nd\ne\nf\ng\n' }), 'x.npz')), true, descr);
    }
    // Its own class names (gl.save(..., classes=names)): they name the classes, not a classes.txt beside it.
    const names = ['cat', 'dog', 'bird', 'fish', 'frog', 'ship', 'café'];
    const named = storedNpz({ logits: writeNpy(z, [61, 7]), labels: writeNpy(labels, [61]), classes: stringsNpy(names) });
    const dir = folder({ 'named.npz': named, 'classes.txt': 'a\nb\nc\nd\ne\nf\ng\n' });
    assert.equal(same(join(dir, 'named.npz')), true, 'a classes member');
    assert.match(run(['analyze', join(dir, 'named.npz')]).stdout, /café/);
    // "cat" made "cot" after the archive was made: only the member's CRC-32 tells, and the full reader says so.
    const cot = Uint8Array.from(named);
    const at = cot.findIndex((_, i) => cot[i] === 0x63 && cot[i + 4] === 0x61 && cot[i + 8] === 0x74);
    cot[at + 4] = 0x6f;
    assert.equal(same(join(folder({ 'cot.npz': cot }), 'cot.npz')), false, 'a damaged classes member');
    // NumPy's own (np.savez: float32 logits, int64 labels, a "classes" member).
    assert.equal(same(join(import.meta.dirname, '../../fixtures/numpy/classified.npz')), true, 'classified.npz');
  });

  test('.npz deflated (np.savez_compressed): the logits inflated in order as their rows are read, the full reader’s output', () => {
    // NumPy's own (float32 logits, int64 labels, a "classes" member, all deflated).
    const numpy = join(import.meta.dirname, '../../fixtures/numpy/classified_compressed.npz');
    assert.equal(same(numpy), true, 'classified_compressed.npz');
    // Logits that deflate (a few digits), more rows than one block and more than one inflate window.
    const { z, labels } = logits(300, 1000, 12);
    const short = z.map((v) => Math.round(v * 4) / 4);
    const saved = writeNpz({ logits: { data: short, shape: [300, 1000] }, labels: { data: labels, shape: [300] } }, { compress: true });
    assert.deepEqual(
      readZipDirectory(saved).map((m) => m.method),
      [8, 8],
      'both members deflated',
    );
    assert.ok(readZipDirectory(saved)[0].size > 4 * (256 << 10), 'the logits inflate to more than the inflater’s first buffer');
    assert.equal(same(join(folder({ 'c.npz': saved }), 'c.npz')), true, 'writeNpz, compressed');
    // fflate's zip: the logits deflated, the labels stored, the names deflated; float32 big endian.
    const small = logits(61, 7, 13);
    const names = ['cat', 'dog', 'bird', 'fish', 'frog', 'ship', 'café'];
    const mixed = zipSync({
      'logits.npy': [
        npyBytes(
          small.z.map((v) => Math.round(v)),
          [61, 7],
          '>f4',
        ),
        { level: 6 },
      ],
      'labels.npy': [writeNpy(small.labels, [61]), { level: 0 }],
      'classes.npy': [stringsNpy(names), { level: 9 }],
    });
    assert.deepEqual(
      readZipDirectory(mixed).map((m) => m.method),
      [8, 0, 8],
    );
    const dir = folder({ 'm.npz': mixed, 'classes.txt': 'a\nb\nc\nd\ne\nf\ng\n' });
    assert.equal(same(join(dir, 'm.npz')), true, 'fflate, mixed methods, with names');
    assert.match(run(['analyze', join(dir, 'm.npz')]).stdout, /café/);
  });

  test('.npz deflated, handed to the full reader: a damaged stream, one that inflates to more or less than it says', () => {
    const { z, labels } = logits(40, 6, 14);
    const logitsNpy = writeNpy(
      z.map((v) => Math.round(v)),
      [40, 6],
    );
    const labelsNpy = writeNpy(labels, [40]);
    // A member whose stream inflates to `actual` while its directory entries say `declared` (size and CRC-32 of those bytes).
    const lying = (actual: Uint8Array, declared: Uint8Array) =>
      storedNpz({ logits: { declared, stream: deflateSync(actual, { level: 6 }) }, labels: labelsNpy });
    const wide = writeNpy(logits(40, 2000, 15).z, [40, 2000]);
    const noiseRand = seededUniform(16);
    const noise = Uint8Array.from({ length: 300 << 10 }, () => Math.floor(noiseRand() * 256));
    const deflated = zipSync({ 'logits.npy': [logitsNpy, { level: 6 }], 'labels.npy': [labelsNpy, { level: 6 }] });
    const streamAt = 30 + 'logits.npy'.length;
    const flipped = Uint8Array.from(deflated);
    flipped[streamAt + 40] ^= 0x10;
    const cases: Record<string, Uint8Array> = {
      'a byte of the logits’ stream changed': flipped,
      'the logits inflate to 16 bytes more than they say': lying(concatBytes([logitsNpy, new Uint8Array(16).fill(7)]), logitsNpy),
      // Random (incompressible) logits and 300 KB more after them: the extra comes in reads after the last row's.
      'the logits inflate to 300 KB more than they say, after their last row': lying(concatBytes([wide, noise]), wide),
      'the logits inflate to 16 bytes fewer than they say': lying(logitsNpy.subarray(0, logitsNpy.length - 16), logitsNpy),
    };
    for (const [what, npz] of Object.entries(cases)) {
      assert.equal(same(join(folder({ 'x.npz': npz }), 'x.npz')), false, what);
      assert.match(
        run(['analyze', join(folder({ 'y.npz': npz }), 'y.npz')]).stderr,
        /logits\.npy/,
        `${what}: the full reader names the member`,
      );
    }
    // The extra bytes start exactly where the last row's reads end (16 KB reads near the end): only
    // inflating the rest once the rows are read finds them, as the full reader does.
    const exact = storedNpz({ logits: { declared: wide, stream: storedDeflate(wide, 16 << 10, noise) }, labels: labelsNpy });
    assert.equal(same(join(folder({ 'e.npz': exact }), 'e.npz')), false, 'more after the last row’s reads');
    const clean = storedNpz({ logits: { declared: wide, stream: storedDeflate(wide, 16 << 10, new Uint8Array(0)) }, labels: labelsNpy });
    assert.equal(same(join(folder({ 'f.npz': clean }), 'f.npz')), true, 'the same stream with nothing after the rows');
    // Not vacuous: the logits are deflated, and the directory entries were patched where the reader looks.
    for (const npz of [...Object.values(cases), exact, clean]) assert.equal(readZipDirectory(npz)[0].method, 8);
    assert.equal(readZipDirectory(cases['the logits inflate to 16 bytes more than they say'])[0].size, logitsNpy.length);
  });

  test('.npz the fast path hands to the full reader: damaged, another member, bad labels', () => {
    const { z, labels } = logits(12, 3, 9);
    const members = { logits: writeNpy(z, [12, 3]), labels: writeNpy(labels, [12]) };
    // A data byte changed after the archive was made: its member's CRC-32 no longer matches.
    const damaged = (at: number, value?: number) => {
      const npz = storedNpz(members);
      npz[at] = value ?? npz[at] ^ 4;
      return npz;
    };
    const labelsAt = 30 + 'logits.npy'.length + members.logits.length + 30 + 'labels.npy'.length;
    const bad = Int32Array.from(labels);
    bad[5] = 3;
    const cases: Record<string, Uint8Array> = {
      'logits damaged': damaged(30 + 'logits.npy'.length + members.logits.length - 3),
      // The last label another class in range: only the CRC-32 tells.
      'labels damaged': damaged(labelsAt + members.labels.length - 4, (labels[11] + 1) % 3),
      'a third member': storedNpz({ ...members, weights: writeNpy(z, [36]) }),
      // Class names the full reader warns about (two for three classes) or takes as numbers.
      'two class names': storedNpz({ ...members, classes: stringsNpy(['a', 'b']) }),
      'numbers as class names': storedNpz({ ...members, classes: writeNpy(Int32Array.from([7, 8, 9]), [3]) }),
      'labels out of range': storedNpz({ ...members, labels: writeNpy(bad, [12]) }),
      // Stored bytes marked bzip2 (method 12), which the full reader does not read.
      'a member marked bzip2': (() => {
        const npz = storedNpz(members);
        const view = new DataView(npz.buffer);
        const central = npz.length - 22 - 2 * 46 - 'logits.npy'.length - 'labels.npy'.length;
        view.setUint16(8, 12, true);
        view.setUint16(central + 10, 12, true);
        return npz;
      })(),
      // Far more bytes than the array (the full reader's guard against a member built to exhaust memory).
      'labels with 100 KB after them': storedNpz({ ...members, labels: concatBytes([members.labels, new Uint8Array(100 << 10)]) }),
      'one member': storedNpz({ logits: members.logits }),
      'cut short': storedNpz(members).subarray(0, 150),
    };
    for (const [what, npz] of Object.entries(cases)) assert.equal(same(join(folder({ 'x.npz': npz }), 'x.npz')), false, what);
  });

  test('fuzzing: 150 seeded byte mutations of a stored .npz, and 150 of a deflated one, give the full reader output', () => {
    const { z, labels } = logits(9, 4, 33);
    const stored = writeNpz({ logits: { data: z, shape: [9, 4] }, labels: { data: labels, shape: [9] } });
    const whole = z.map((v) => Math.round(v));
    const deflated = writeNpz({ logits: { data: whole, shape: [9, 4] }, labels: { data: labels, shape: [9] } }, { compress: true });
    assert.equal(readZipDirectory(deflated)[0].method, 8);
    const rand = seededUniform(34);
    const taken = [0, 0];
    for (let round = 0; round < 300; round++) {
      const source = round % 2 ? deflated : stored;
      const bytes = Uint8Array.from(source);
      // The headers and the directory at either end (where the layout is decided), sometimes anywhere.
      for (let m = 0; m < 1 + Math.floor(rand() * 2); m++) {
        const r = rand();
        const at = Math.floor(r < 0.4 ? rand() * 160 : r < 0.8 ? bytes.length - 1 - rand() * 200 : rand() * bytes.length);
        bytes[at] = rand() < 0.5 ? Math.floor(rand() * 256) : bytes[at] ^ (1 << Math.floor(rand() * 8));
      }
      const path = join(folder({ 'f.npz': bytes }), 'f.npz');
      for (const flags of [['--summary', '--json'], []]) {
        const full = run(['analyze', path, ...flags]);
        assert.deepEqual(run(['analyze', path, ...flags], pieces(1 << 30)), full, `round ${round} ${flags.join(' ')}`);
      }
      if (streamedBinary(path, pieces(1 << 30), () => null, 'mean', true)) taken[round % 2]++;
    }
    // Not vacuous: some mutations leave the archive whole (a name's case, a byte of padding), most do not.
    for (const count of taken) assert.ok(count > 3 && count < 140, `the fast path took ${count} of 150`);
  });

  test('fuzzing: 200 seeded byte mutations of a .npy, its labels and a .safetensors give the full reader output', () => {
    const { z, labels } = logits(9, 4, 31);
    const sources = {
      npy: writeNpy(z, [9, 4]),
      labels: writeNpy(labels, [9]),
      st: writeSafetensors({ logits: { data: z, shape: [9, 4] }, labels: { data: labels, shape: [9] } }),
    };
    const rand = seededUniform(32);
    let taken = 0;
    for (let round = 0; round < 200; round++) {
      const which = (['npy', 'labels', 'st'] as const)[round % 3];
      const bytes = Uint8Array.from(sources[which]);
      // Mostly the header (where the layout is decided), sometimes anywhere.
      for (let m = 0; m < 1 + Math.floor(rand() * 2); m++) {
        const at = Math.floor(rand() * (rand() < 0.7 ? Math.min(bytes.length, 140) : bytes.length));
        bytes[at] = rand() < 0.5 ? Math.floor(rand() * 256) : bytes[at] ^ (1 << Math.floor(rand() * 8));
      }
      const dir = folder(
        which === 'st'
          ? { 'f.safetensors': bytes }
          : { 'f.npy': which === 'npy' ? bytes : sources.npy, 'f_labels.npy': which === 'labels' ? bytes : sources.labels },
      );
      const path = join(dir, which === 'st' ? 'f.safetensors' : 'f.npy');
      for (const flags of [['--summary', '--json'], []]) {
        const full = run(['analyze', path, ...flags]);
        assert.deepEqual(run(['analyze', path, ...flags], pieces(1 << 30)), full, `round ${round} ${which} ${flags.join(' ')}`);
      }
      if (
        streamedBinary(
          path,
          pieces(1 << 30),
          (name) => (name === 'f_labels.npy' && which !== 'st' ? (which === 'labels' ? bytes : sources.labels) : null),
          'mean',
          true,
        )
      )
        taken++;
    }
    assert.ok(taken > 10 && taken < 190, `the fast path took ${taken} of 200`);
  });

  test('files the fast path hands to the full reader give its messages', () => {
    const { z, labels } = logits(12, 3, 5);
    const bad = Int32Array.from(labels);
    bad[7] = 3; // out of range
    const nan = Float64Array.from(z);
    nan[10] = NaN;
    const inf = Float64Array.from(z);
    inf[4] = -Infinity;
    const probs = new Float64Array(12 * 3).fill(1 / 3);
    const huge = Float64Array.from(z);
    huge[labels[0]] = -1.7e308; // z_max − z_label overflows: the full reader's located error
    huge[(labels[0] + 1) % 3] = 1.7e308;
    const cases: Record<string, Uint8Array | string>[] = [
      { 'a.npy': writeNpy(z, [12, 3]), 'a_labels.npy': writeNpy(bad, [12]) },
      { 'a.npy': writeNpy(nan, [12, 3]), 'labels.npy': writeNpy(labels, [12]) },
      { 'a.npy': writeNpy(inf, [12, 3]), 'labels.npy': writeNpy(labels, [12]) },
      // Logits by name whose every row is a distribution: the full reader decides what they are.
      { 'a.safetensors': writeSafetensors({ logits: { data: probs, shape: [12, 3] }, labels: { data: labels, shape: [12] } }) },
      { 'a.npy': writeNpy(huge, [12, 3]), 'labels.npy': writeNpy(labels, [12]) },
      { 'a.npy': npyBytes(z, [12, 3], '<f8', true), 'labels.npy': writeNpy(labels, [12]) },
      { 'a.npy': writeNpy(z, [12, 3]) }, // no labels
      { 'a.npy': writeNpy(z, [12, 3]), 'a_labels.npy': writeNpy(labels.subarray(0, 11), [11]), 'labels.npy': writeNpy(labels, [12]) },
      { 'a.npy': writeNpy(z, [12, 3]), 'labels.npy': writeNpy(labels, [12]), 'classes.txt': 'one\ntwo\n' },
      { 'a.npy': writeNpy(z, [12, 3]).subarray(0, 200), 'labels.npy': writeNpy(labels, [12]) }, // truncated
      { 'a.npy': writeNpy(z, [36]), 'labels.npy': writeNpy(labels, [12]) },
      {
        'a.safetensors': writeSafetensors({ logits: { data: z, shape: [12, 3] }, labels: { data: labels, shape: [12] } }, { note: 'x' }),
      },
      { 'a.safetensors': writeSafetensors({ logits: { data: z, shape: [12, 3] }, labels: { data: bad, shape: [12] } }) },
      { 'a.safetensors': writeSafetensors({ logits: { data: nan, shape: [12, 3] }, labels: { data: labels, shape: [12] } }) },
      {
        'a.safetensors': writeSafetensors({ logits: { data: z, shape: [12, 3] }, labels: { data: labels, shape: [12] } }).subarray(0, 300),
      },
    ];
    for (const files of cases) {
      const name = Object.keys(files)[0];
      assert.equal(same(join(folder(files), name)), false, `${name} of ${Object.keys(files).join(', ')}`);
    }
  });

  test('probabilities: a .npy whose rows are all distributions, "probabilities" in a .safetensors or an .npz, stored or deflated', () => {
    const { p, labels } = probabilities(300, 1000, 41);
    const small = probabilities(61, 7, 42);
    const cases: Record<string, Record<string, Uint8Array | string>> = {
      'p.npy': { 'p.npy': writeNpy(p, [300, 1000]), 'p_labels.npy': writeNpy(labels, [300]) },
      'f4.npy': {
        'f4.npy': npyBytes(small.p, [61, 7], '>f4'),
        'labels.npy': writeNpy(small.labels, [61]),
        'classes.txt': 'a\nb\nc\nd\ne\nf\ng\n',
      },
      'p.safetensors': {
        'p.safetensors': writeSafetensors({
          probabilities: { data: small.p, shape: [61, 7] },
          labels: { data: small.labels, shape: [61] },
        }),
      },
      'p.npz': { 'p.npz': writeNpz({ probabilities: { data: p, shape: [300, 1000] }, labels: { data: labels, shape: [300] } }) },
      'c.npz': {
        'c.npz': writeNpz(
          { probabilities: { data: small.p, shape: [61, 7] }, labels: { data: small.labels, shape: [61] } },
          { compress: true },
        ),
      },
    };
    for (const [name, files] of Object.entries(cases)) {
      const path = join(folder(files), name);
      assert.equal(same(path), true, name);
      assert.match(run(['analyze', path]).stdout, /from probabilities/, name);
    }
    // The table's rows are the core analysis's ∂L/∂z = (p − y)/N, bit for bit, and the loss −log p_label.
    const dir = folder({ 'q.npy': writeNpy(small.p, [61, 7]), 'q_labels.npy': writeNpy(small.labels, [61]) });
    const read = (name: string) => (name === 'q_labels.npy' ? writeNpy(small.labels, [61]) : null);
    const report = streamedBinary(join(dir, 'q.npy'), pieces(1 << 30), read, 'mean', false)!;
    const a = analyze(loadTensorFile(writeNpy(small.p, [61, 7]), 'q.npy', { readSibling: read }).dataset!);
    assert.ok(a.task === 'classification' && a.input === 'probabilities');
    assert.equal(report.input, 'probabilities');
    assert.equal(report.loss, a.loss);
    (report.logitGradient as number[][]).forEach((row, i) =>
      assert.deepEqual(row, Array.from(a.logitGradient.subarray(i * 7, (i + 1) * 7))),
    );
    let total = 0;
    for (let i = 0; i < 61; i++) total -= Math.log(Math.min(1 - 1e-7, Math.max(1e-7, small.p[i * 7 + small.labels[i]])));
    assert.ok(Math.abs((report.loss as number) - total / 61) < 1e-12 * (total / 61));
    // A .npy whose rows past the first block are not all distributions is logits to the full reader;
    // a row of "probabilities" that is not one is its message to give.
    const mixed = Float64Array.from(p);
    mixed[299 * 1000] = 2;
    const notOne = Float64Array.from(small.p);
    notOne[30 * 7] += 0.01;
    const refused: Record<string, Record<string, Uint8Array>> = {
      'mixed.npy': { 'mixed.npy': writeNpy(mixed, [300, 1000]), 'mixed_labels.npy': writeNpy(labels, [300]) },
      'sum.safetensors': {
        'sum.safetensors': writeSafetensors({
          probabilities: { data: notOne, shape: [61, 7] },
          labels: { data: small.labels, shape: [61] },
        }),
      },
      'sum.npz': { 'sum.npz': writeNpz({ probabilities: { data: notOne, shape: [61, 7] }, labels: { data: small.labels, shape: [61] } }) },
    };
    for (const [name, files] of Object.entries(refused)) {
      const path = join(folder(files), name);
      assert.equal(same(path), false, name);
    }
    const { stdout, stderr } = run([
      'analyze',
      join(
        folder({ 's.npz': writeNpz({ probabilities: { data: notOne, shape: [61, 7] }, labels: { data: small.labels, shape: [61] } }) }),
        's.npz',
      ),
      '--summary',
    ]);
    assert.equal(stdout, '');
    assert.match(stderr, /sample 30 sum to 1\.01/);
  });
});

describe('torch.save files streamed', () => {
  const pt = (name: string) => join(import.meta.dirname, '../../fixtures/formats/pt', name);

  test('exactly logits (or probabilities) and labels: read in place, the full reader’s output; any other .pt the same output either way', () => {
    // float32 logits; float64 rows 2… of a larger storage (offset 80); labels first, then probabilities.
    for (const name of ['dict.pt', 'streamed_offset.pt', 'streamed_probs.pt']) assert.equal(same(pt(name)), true, name);
    assert.match(run(['analyze', pt('streamed_probs.pt')]).stdout, /from probabilities/);
    // A transposed view, more entries than the two (a base tensor, class names, a second labels), a
    // tuple, float16, a state dict, a legacy file, a forbidden global: the full reader's.
    for (const name of [
      'streamed_transposed.pt',
      'view.pt',
      'classes.pt',
      'transposed.pt',
      'tuple.pt',
      'f64_shared.pt',
      'half.pt',
      'state_dict.pth',
      'legacy.pt',
      'malicious.pt',
    ])
      assert.equal(same(pt(name)), false, name);
  });

  test('fuzzing: 150 seeded byte mutations of a torch.save file give the full reader output', () => {
    const source = readRegularFile(pt('streamed_probs.pt'), 1 << 20);
    const rand = seededUniform(71);
    let taken = 0;
    for (let round = 0; round < 150; round++) {
      const bytes = Uint8Array.from(source);
      for (let m = 0; m < 1 + Math.floor(rand() * 2); m++) {
        const at = Math.floor(rand() * bytes.length);
        bytes[at] = rand() < 0.5 ? Math.floor(rand() * 256) : bytes[at] ^ (1 << Math.floor(rand() * 8));
      }
      const path = join(folder({ 'm.pt': bytes }), 'm.pt');
      for (const flags of [['--summary', '--json'], []]) {
        const full = run(['analyze', path, ...flags]);
        assert.deepEqual(run(['analyze', path, ...flags], pieces(1 << 30)), full, `round ${round} ${flags.join(' ')}`);
      }
      if (streamedBinary(path, pieces(1 << 30), () => null, 'mean', true)) taken++;
    }
    assert.ok(taken > 10 && taken < 140, `the fast path took ${taken} of 150`);
  });
});

describe('binary probabilities streamed: fuzzing', () => {
  test('200 seeded byte mutations of a .npy of probabilities and of a "probabilities" .safetensors give the full reader output', () => {
    const { p, labels } = probabilities(9, 4, 51);
    const sources = {
      npy: writeNpy(p, [9, 4]),
      st: writeSafetensors({ probabilities: { data: p, shape: [9, 4] }, labels: { data: labels, shape: [9] } }),
    };
    const rand = seededUniform(52);
    let taken = 0;
    for (let round = 0; round < 200; round++) {
      const which = round % 2 ? 'st' : 'npy';
      const bytes = Uint8Array.from(sources[which]);
      // Half in the header (the layout), half in the values (a row that is no longer a distribution).
      for (let m = 0; m < 1 + Math.floor(rand() * 2); m++) {
        const at = Math.floor(rand() * (rand() < 0.5 ? Math.min(bytes.length, 140) : bytes.length));
        bytes[at] = rand() < 0.5 ? Math.floor(rand() * 256) : bytes[at] ^ (1 << Math.floor(rand() * 8));
      }
      const dir = folder(which === 'st' ? { 'f.safetensors': bytes } : { 'f.npy': bytes, 'f_labels.npy': writeNpy(labels, [9]) });
      const path = join(dir, which === 'st' ? 'f.safetensors' : 'f.npy');
      for (const flags of [['--summary', '--json'], []]) {
        const full = run(['analyze', path, ...flags]);
        assert.deepEqual(run(['analyze', path, ...flags], pieces(1 << 30)), full, `round ${round} ${which} ${flags.join(' ')}`);
      }
      const sibling = (name: string) => (name === 'f_labels.npy' && which === 'npy' ? writeNpy(labels, [9]) : null);
      if (streamedBinary(path, pieces(1 << 30), sibling, 'mean', true)) taken++;
    }
    assert.ok(taken > 10 && taken < 190, `the fast path took ${taken} of 200`);
  });
});

/** n rows of k probabilities (a seeded softmax) with a label each; row 0's label has p = 0 (the clip). */
function probabilities(n: number, k: number, seed: number) {
  const { z, labels } = logits(n, k, seed, 8);
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += p[i * k + j] = Math.exp(z[i * k + j]);
    for (let j = 0; j < k; j++) p[i * k + j] /= sum;
  }
  p.fill(0, 0, k);
  p[(labels[0] + 1) % k] = 1;
  return { p, labels };
}

/** One-hot rows of `labels` (K classes), or label-smoothed ones (1 − ε on the label, ε/K added to every class). */
function targetRows(labels: Int32Array, k: number, smoothing = 0): Float64Array {
  const y = new Float64Array(labels.length * k);
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < k; j++) y[i * k + j] = smoothing / k;
    y[i * k + labels[i]] += 1 - smoothing;
  }
  return y;
}

/** A .npy of whole numbers as int64 ('<i8'), as `F.one_hot` and `np.eye(..., dtype=int)` give them. */
function int64Npy(values: Float64Array, shape: number[]): Uint8Array {
  const header = `{'descr': '<i8', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
  const padded = header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ') + '\n';
  const bytes = new Uint8Array(10 + padded.length + values.length * 8);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, padded.length & 0xff, padded.length >> 8]);
  bytes.set(new TextEncoder().encode(padded), 10);
  const view = new DataView(bytes.buffer, 10 + padded.length);
  values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
  return bytes;
}

/** A .safetensors of raw little-endian tensors in order (any dtype; writeSafetensors writes F64 and I32 only). */
function rawSafetensors(tensors: { name: string; dtype: string; shape: number[]; bytes: Uint8Array }[]): Uint8Array {
  const header: Record<string, unknown> = {};
  let offset = 0;
  for (const t of tensors) {
    header[t.name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - (text.length % 8)) % 8);
  const length = new Uint8Array(8);
  new DataView(length.buffer).setBigUint64(0, BigInt(text.length), true);
  return concatBytes([length, new TextEncoder().encode(text), ...tensors.map((t) => t.bytes)]);
}

/** The .npy's data bytes (its header cut off). */
const dataOf = (npy: Uint8Array) => npy.subarray(npy.indexOf(0x0a) + 1);

describe('binary logits with one-hot or soft targets streamed', () => {
  test('the loss and the table rows are the core analysis of the same data, bit for bit, and −Σ y log softmax(z)', () => {
    const { z, labels } = logits(300, 1000, 81);
    const y = targetRows(labels, 1000, 0.1);
    const dir = folder({ 's.npz': writeNpz({ logits: { data: z, shape: [300, 1000] }, targets: { data: y, shape: [300, 1000] } }) });
    const path = join(dir, 's.npz');
    assert.equal(same(path), true);
    const report = streamedBinary(path, pieces(1 << 30), () => null, 'mean', false)!;
    const a = analyze(loadTensorFile(readRegularFile(path, 1 << 30), path).dataset!);
    assert.ok(a.task === 'classification');
    assert.equal(report.loss, a.loss);
    assert.deepEqual(Array.from(report.losses as Float64Array), Array.from(a.losses));
    assert.deepEqual(Array.from(report.predicted as Int32Array), Array.from(a.predicted));
    (report.logitGradient as number[][]).forEach((row, i) =>
      assert.deepEqual(row, Array.from(a.logitGradient.subarray(i * 1000, (i + 1) * 1000)), `row ${i}`),
    );
    // The formula: −Σ_j y_j log softmax(z)_j, with Math.exp, averaged; the gradient row (p − y)/N.
    let total = 0;
    for (let i = 0; i < 300; i++) {
      const row = z.subarray(i * 1000, (i + 1) * 1000);
      const max = Math.max(...row);
      const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      for (let j = 0; j < 1000; j++) total -= y[i * 1000 + j] * (row[j] - logSum);
    }
    assert.ok(Math.abs((report.loss as number) - total / 300) < 1e-12 * (total / 300));
    const g0 = (report.logitGradient as number[][])[0];
    const max0 = Math.max(...z.subarray(0, 1000));
    const sum0 = z.subarray(0, 1000).reduce((s, v) => s + Math.exp(v - max0), 0);
    g0.forEach((g, j) => assert.ok(Math.abs(g - (Math.exp(z[j] - max0) / sum0 - y[j]) / 300) < 1e-15, `∂L/∂z[0][${j}]`));
    assert.ok(Math.abs(g0.reduce((s, v) => s + v, 0)) < 1e-15, 'a row of ∂L/∂z sums to 0');
  });

  test('.npy with X_targets.npy or targets.npy beside it; .npz, .safetensors of float and int64 targets; probabilities', () => {
    const { z, labels } = logits(61, 7, 82);
    const onehot = targetRows(labels, 7);
    const soft = targetRows(labels, 7, 0.2);
    const { p } = probabilities(61, 7, 83);
    const f32 = (values: Float64Array) => dataOf(npyBytes(values, [values.length], '<f4'));
    const cases: Record<string, Record<string, Uint8Array | string>> = {
      'x.npy': { 'x.npy': writeNpy(z, [61, 7]), 'x_targets.npy': writeNpy(soft, [61, 7]) },
      'f4.npy': {
        'f4.npy': npyBytes(z, [61, 7], '>f4'),
        'targets.npy': npyBytes(onehot, [61, 7], '<f4'),
        'classes.txt': 'a\nb\nc\nd\ne\nf\ng\n',
      },
      'i8.npy': { 'i8.npy': writeNpy(z, [61, 7]), 'i8_targets.npy': int64Npy(onehot, [61, 7]) },
      'p.npy': { 'p.npy': writeNpy(p, [61, 7]), 'p_targets.npy': writeNpy(soft, [61, 7]) },
      'i8.npz': { 'i8.npz': storedNpz({ logits: npyBytes(z, [61, 7], '<f4'), targets: int64Npy(onehot, [61, 7]) }) },
      'be.npz': { 'be.npz': storedNpz({ targets: npyBytes(soft, [61, 7], '>f8'), logits: npyBytes(z, [61, 7], '>f8') }) },
      'p.npz': { 'p.npz': writeNpz({ probabilities: { data: p, shape: [61, 7] }, targets: { data: soft, shape: [61, 7] } }) },
      'named.npz': {
        'named.npz': storedNpz({
          logits: writeNpy(z, [61, 7]),
          targets: writeNpy(onehot, [61, 7]),
          classes: stringsNpy(['a', 'b', 'c', 'd', 'e', 'f', 'g']),
        }),
      },
      'i8.safetensors': {
        'i8.safetensors': rawSafetensors([
          { name: 'logits', dtype: 'F32', shape: [61, 7], bytes: f32(z) },
          { name: 'targets', dtype: 'I64', shape: [61, 7], bytes: dataOf(int64Npy(onehot, [61, 7])) },
        ]),
      },
      'p.safetensors': {
        'p.safetensors': writeSafetensors({ targets: { data: soft, shape: [61, 7] }, probabilities: { data: p, shape: [61, 7] } }),
      },
    };
    for (const [name, files] of Object.entries(cases)) {
      const path = join(folder(files), name);
      assert.equal(same(path), true, name);
      assert.match(run(['analyze', path, '--summary']).stdout, name.startsWith('p.') ? /from probabilities/ : /from logits/, name);
    }
  });

  test('a .npy’s targets beside it are read a block at a time, never whole, and give the full reader’s loss', () => {
    // 2,000 × 500 float64: 8 MB of targets, blocks of 524 rows (2 MB).
    const { z, labels } = logits(2000, 500, 85);
    const soft = targetRows(labels, 500, 0.1);
    const dir = folder({ 'big.npy': writeNpy(z, [2000, 500]), 'big_targets.npy': writeNpy(soft, [2000, 500]) });
    const path = join(dir, 'big.npy');
    const largestRead = new Map<string, number>();
    const open = (file: string) => {
      const f = pieces(1 << 30)(file);
      return (
        f && {
          ...f,
          read: (into: Uint8Array, at: number, length: number, position: number) => {
            largestRead.set(file, Math.max(largestRead.get(file) ?? 0, length));
            return f.read(into, at, length, position);
          },
        }
      );
    };
    const readSibling = (name: string) => readRegularFile(join(dir, name), 1 << 30);
    const report = streamedBinary(path, open, readSibling, 'mean', true)!;
    const a = analyze(loadTensorFile(readRegularFile(path, 1 << 30), path, { readSibling }).dataset!);
    assert.equal(report.loss, a.loss);
    assert.equal(report.accuracy, a.task === 'classification' && a.predicted.filter((c, i) => c === labels[i]).length / 2000);
    const sibling = join(dir, 'big_targets.npy');
    assert.ok(largestRead.get(sibling)! <= (1 << 21) + 8 * 500, `largest read of the targets: ${largestRead.get(sibling)} bytes of 8 MB`);
    assert.equal(run(['analyze', path, '--summary'], open).stdout, run(['analyze', path, '--summary']).stdout);
  });

  test('torch.save of logits and F.one_hot (int64) or soft targets: PyTorch’s own cross_entropy', () => {
    const pt = (name: string) => join(import.meta.dirname, '../../fixtures/formats/pt', name);
    const expected = JSON.parse(new TextDecoder().decode(readRegularFile(pt('streamed_soft.expected.json'), 1 << 20))) as Record<
      string,
      number
    >;
    for (const [name, loss] of Object.entries(expected)) {
      assert.equal(same(pt(name)), true, name);
      const report = JSON.parse(run(['analyze', pt(name), '--summary', '--json']).stdout) as { loss: number };
      assert.ok(Math.abs(report.loss - loss) < 1e-12 * loss, `${name}: ${report.loss} vs PyTorch ${loss}`);
    }
    assert.equal(same(pt('streamed_soft_sum.pt')), false);
    assert.match(
      run(['analyze', pt('streamed_soft_sum.pt'), '--summary']).stderr,
      /target 1\.01666\d* in sample 17 \(class 0\) is outside \[0, 1\]/,
    );
  });

  test('targets the fast path hands to the full reader give its messages', () => {
    const { z, labels } = logits(61, 7, 84);
    const soft = targetRows(labels, 7, 0.2);
    const edited = (edit: (y: Float64Array) => void) => {
      const y = Float64Array.from(soft);
      edit(y);
      return y;
    };
    const npz = (targets: Uint8Array, extra: Record<string, Uint8Array> = {}) => ({
      'x.npz': storedNpz({ logits: writeNpy(z, [61, 7]), targets, ...extra }),
    });
    const cases: Record<string, Record<string, Uint8Array>> = {
      'a row summing to 1.1': npz(
        writeNpy(
          edited((y) => (y[40 * 7 + 3] += 0.1)),
          [61, 7],
        ),
      ),
      'a negative target': npz(
        writeNpy(
          edited((y) => ((y[5 * 7] = -0.01), (y[5 * 7 + 1] += 0.01))),
          [61, 7],
        ),
      ),
      'a NaN target': npz(
        writeNpy(
          edited((y) => (y[60 * 7 + 6] = NaN)),
          [61, 7],
        ),
      ),
      'rows of another width': npz(writeNpy(soft.subarray(0, 61 * 6), [61, 6])),
      'fewer rows': npz(writeNpy(soft.subarray(0, 60 * 7), [60, 7])),
      'labels and targets': npz(writeNpy(soft, [61, 7]), { labels: writeNpy(labels, [61]) }),
      'int32 targets': npz(writeNpy(Int32Array.from(targetRows(labels, 7)), [61, 7])),
      'deflated targets': {
        'x.npz': writeNpz({ logits: { data: z, shape: [61, 7] }, targets: { data: soft, shape: [61, 7] } }, { compress: true }),
      },
      // Rows that are no distribution beside logits: the .npy reader reads them as a regression's targets.
      'a regression beside a .npy': { 'x.npy': writeNpy(z, [61, 7]), 'x_targets.npy': writeNpy(z, [61, 7]) },
      'a NaN logit': npz(writeNpy(soft, [61, 7]), {}),
    };
    const nan = Float64Array.from(z);
    nan[3 * 7 + 2] = NaN;
    cases['a NaN logit'] = { 'x.npz': storedNpz({ logits: writeNpy(nan, [61, 7]), targets: writeNpy(soft, [61, 7]) }) };
    for (const [what, files] of Object.entries(cases)) {
      const path = join(folder(files), Object.keys(files)[0]);
      assert.equal(same(path), false, what);
    }
    const summary = (files: Record<string, Uint8Array>) => run(['analyze', join(folder(files), 'x.npz'), '--summary']);
    assert.match(summary(cases['a row summing to 1.1']).stderr, /targets in sample 40 sum to 1\.1/);
    assert.match(summary(cases['a negative target']).stderr, /target -0\.01 in sample 5 \(class 0\) is outside \[0, 1\]/);
  });

  test('fuzzing: 150 seeded byte mutations of the arrays of a stored .npz of logits and targets, and 150 of the archive, give the full reader output', () => {
    const { z, labels } = logits(9, 4, 85);
    const arrays = { logits: writeNpy(z, [9, 4]), targets: int64Npy(targetRows(labels, 4), [9, 4]) };
    const rand = seededUniform(86);
    const taken = [0, 0];
    const mutate = (bytes: Uint8Array, from: number, to: number) => {
      for (let m = 0; m < 1 + Math.floor(rand() * 2); m++) {
        const at = from + Math.floor(rand() * (to - from));
        bytes[at] = rand() < 0.5 ? Math.floor(rand() * 256) : bytes[at] ^ (1 << Math.floor(rand() * 8));
      }
      return bytes;
    };
    for (let round = 0; round < 300; round++) {
      let bytes: Uint8Array;
      if (round % 2) bytes = mutate(storedNpz(arrays), 0, storedNpz(arrays).length);
      else {
        // A header or a value of either array, the archive (and its CRC-32s) made after: a target 2,
        // a logit NaN, another shape or dtype.
        const which = rand() < 0.5 ? 'logits' : 'targets';
        const changed = mutate(Uint8Array.from(arrays[which]), rand() < 0.3 ? 0 : 128, arrays[which].length);
        bytes = storedNpz({ ...arrays, [which]: changed });
      }
      const path = join(folder({ 'm.npz': bytes }), 'm.npz');
      for (const flags of [['--summary', '--json'], []]) {
        const full = run(['analyze', path, ...flags]);
        assert.deepEqual(run(['analyze', path, ...flags], pieces(1 << 30)), full, `round ${round} ${flags.join(' ')}`);
      }
      if (streamedBinary(path, pieces(1 << 30), () => null, 'mean', true)) taken[round % 2]++;
    }
    for (const count of taken) assert.ok(count > 3 && count < 140, `the fast path took ${count} of 150`);
  });
});
