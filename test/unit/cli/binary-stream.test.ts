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

/** A zip of stored members (np.savez's layout), each given as its .npy bytes. */
function storedNpz(members: Record<string, Uint8Array>): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const header = (signature: number, name: Uint8Array, data: Uint8Array, at: number | null) => {
    const fixed = at === null ? 30 : 46;
    const b = new Uint8Array(fixed + name.length);
    const v = new DataView(b.buffer);
    v.setUint32(0, signature, true);
    const o = at === null ? 0 : 2; // the central header has "version made by" first
    v.setUint16(4 + o, 20, true);
    v.setUint32(14 + o, crc32(data), true);
    v.setUint32(18 + o, data.length, true);
    v.setUint32(22 + o, data.length, true);
    v.setUint16(26 + o, name.length, true);
    if (at !== null) v.setUint32(42, at, true);
    b.set(name, fixed);
    return b;
  };
  for (const [key, data] of Object.entries(members)) {
    const name = new TextEncoder().encode(`${key}.npy`);
    const local = header(0x04034b50, name, data, null);
    parts.push(local, data);
    central.push(header(0x02014b50, name, data, offset));
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

  test('.npz the fast path hands to the full reader: damaged, compressed, another member, bad labels', () => {
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
      compressed: writeNpz({ logits: { data: z, shape: [12, 3] }, labels: { data: labels, shape: [12] } }, { compress: true }),
      'a third member': storedNpz({ ...members, weights: writeNpy(z, [36]) }),
      // Class names the full reader warns about (two for three classes) or takes as numbers.
      'two class names': storedNpz({ ...members, classes: stringsNpy(['a', 'b']) }),
      'numbers as class names': storedNpz({ ...members, classes: writeNpy(Int32Array.from([7, 8, 9]), [3]) }),
      'labels out of range': storedNpz({ ...members, labels: writeNpy(bad, [12]) }),
      'one member': storedNpz({ logits: members.logits }),
      'cut short': storedNpz(members).subarray(0, 150),
    };
    for (const [what, npz] of Object.entries(cases)) assert.equal(same(join(folder({ 'x.npz': npz }), 'x.npz')), false, what);
  });

  test('fuzzing: 150 seeded byte mutations of a stored .npz give the full reader output', () => {
    const { z, labels } = logits(9, 4, 33);
    const source = writeNpz({ logits: { data: z, shape: [9, 4] }, labels: { data: labels, shape: [9] } });
    const rand = seededUniform(34);
    let taken = 0;
    for (let round = 0; round < 150; round++) {
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
      if (streamedBinary(path, pieces(1 << 30), () => null, 'mean', true)) taken++;
    }
    // Not vacuous: some mutations leave the archive whole (a name's case, a byte of padding), most do not.
    assert.ok(taken > 3 && taken < 140, `the fast path took ${taken} of 150`);
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
      { 'a.npy': writeNpy(probs, [12, 3]), 'labels.npy': writeNpy(labels, [12]) },
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
});
