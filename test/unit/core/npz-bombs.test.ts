/**
 * Issue 17, archive bombs and damaged archives: every bomb is generated small, here. The reader
 * checks the zip directory before inflating anything (overlapping members, sizes deflate cannot
 * reach, truncated directories), inflates a member only when it is used, never past its declared
 * size, within a budget for the whole archive, and verifies each member's CRC-32 as NumPy does.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import { NpyError, writeNpy } from '../../../src/core/npy';
import { openNpz, readNpz, writeNpz } from '../../../src/core/npz';
import { loadTensorFile } from '../../../src/core/load';
import { analyze } from '../../../src/core/analysis';
import { runPipeline } from '../../../src/core/pipeline';
import { crc32 } from '../../../src/core/crc32';
import { cli } from '../../helpers/cli';
import { buildZip, member } from '../../helpers/zipBuild';

const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-bombs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const LOGITS = Float64Array.from([2, 1, 0.1, 0.5, 2.5, 0.2]);
const LABELS = Int32Array.from([0, 1]);
// PyTorch, float64: F.cross_entropy(tensor([[2, 1, .1], [.5, 2.5, .2]]), tensor([0, 1]))
const LOSS = 0.31429097256981015;

function npzError(f: () => unknown, pattern: RegExp): NpyError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof NpyError, `threw ${String(e)}`);
    assert.match(e.message, pattern);
    return e;
  }
  assert.fail(`no error; expected ${pattern}`);
}

describe('archive bombs are refused by structure, before inflating', () => {
  test('many directory entries sharing one deflate stream (30 KB declaring GBs): an overlap error', () => {
    const zeros = writeNpy(new Float64Array(1 << 20), [1 << 20]); // 8 MB of zeros → ~8 KB deflated
    const shared = member('a.npy', zeros);
    const entries = Array.from({ length: 600 }, (_, i) => ({ at: 0, name: i === 0 ? 'a.npy' : `a${i}.npy` }));
    const bomb = buildZip([shared], entries);
    assert.ok(bomb.length < 60_000, `${bomb.length} bytes`);
    const e = npzError(() => openNpz(bomb, 'bomb.npz'), /members 'a\.npy' and 'a1\.npy' overlap in the file .* archive bomb/);
    assert.equal(e.member, 'a1.npy');
  });

  test('a member declaring 176 bytes that inflates to 200 MB: stopped at its declared size', () => {
    const head = writeNpy(new Float64Array(6), [6]); // 176 bytes: a 128-byte header and 6 float64
    assert.equal(head.length, 176);
    const content = new Uint8Array(200 * 2 ** 20);
    content.set(head);
    const stored = new Uint8Array(deflateRawSync(content));
    const bomb = buildZip([{ name: 'logits.npy', stored, method: 8, crc: crc32(head), size: 176 }]);
    // The directory passes (176 is a size deflate can reach); reading the header stops at 177 bytes.
    npzError(
      () => openNpz(bomb, 'bomb.npz'),
      /member 'logits\.npy': this member inflates to more than the 176 bytes the zip directory says/,
    );
    // Declared larger than the header probe: the full read stops there too.
    const big = writeNpy(new Float64Array(1000), [1000]);
    const content2 = new Uint8Array(200 * 2 ** 20);
    content2.set(big);
    const bomb2 = buildZip([
      { name: 'logits.npy', stored: new Uint8Array(deflateRawSync(content2)), method: 8, crc: crc32(big), size: big.length },
    ]);
    const arrays = openNpz(bomb2, 'bomb.npz');
    assert.deepEqual(arrays.get('logits')!.shape, [1000]);
    npzError(
      () => arrays.get('logits')!.data,
      /member 'logits\.npy': this member inflates to more than the 8128 bytes the zip directory says/,
    );
  });

  test('a directory size deflate cannot reach (1 GB from 1 KB) is refused without inflating', () => {
    const m = member('x.npy', writeNpy(new Float64Array(100), [100]));
    const bomb = buildZip([m], [{ at: 0, name: 'x.npy', size: 2 ** 30 }]);
    npzError(() => openNpz(bomb), /expands from \d+ to 1073741824 bytes, which deflate cannot do/);
  });

  test('a member inflating 1000:1 within its declared size is read, and the budget for the archive holds', () => {
    const n = 4 * 2 ** 20; // 32 MB of float64 zeros, ~32 KB deflated
    const zip = writeNpz({ z: { data: new Float64Array(n), shape: [n] } }, { compress: true });
    assert.ok(zip.length < 64 * 1024, `${zip.length} bytes`);
    assert.equal(readNpz(zip).get('z')!.data.length, n);
    const lazy = openNpz(zip, 'z.npz', { maxBytes: 16 * 2 ** 20 });
    assert.deepEqual(lazy.get('z')!.shape, [n]); // the header alone is within budget
    npzError(
      () => lazy.get('z')!.data,
      /reading this member needs 33554560 more bytes, beyond the limit of 16777216 bytes for all arrays of the archive together/,
    );
  });

  test('a directory size larger than the .npy header describes is refused before inflating the rest', () => {
    const content = writeNpy(Float64Array.from([1, 2, 3]), [3]);
    const padded = new Uint8Array(content.length + 10_000_000);
    padded.set(content);
    const m = member('x.npy', padded);
    const zip = buildZip([m]);
    npzError(() => openNpz(zip), /says this member is 10000152 bytes, but its \.npy header describes 152 bytes/);
  });

  test('a truncated central directory is described as such (not as a member name appearing twice)', () => {
    const good = writeNpz({ logits: { data: LOGITS, shape: [2, 3] }, labels: { data: LABELS, shape: [2] } });
    const view = new DataView(good.buffer, good.byteOffset);
    const e = good.length - 22;
    const cdSize = view.getUint32(e + 12, true);
    const cdOffset = view.getUint32(e + 16, true);
    // The directory cut after its first entry, the end record kept as it was.
    const firstEntry = 46 + view.getUint16(cdOffset + 28, true) + view.getUint16(cdOffset + 30, true) + view.getUint16(cdOffset + 32, true);
    const cut = new Uint8Array(good.length - (cdSize - firstEntry));
    cut.set(good.subarray(0, cdOffset + firstEntry));
    cut.set(good.subarray(e), cdOffset + firstEntry);
    npzError(() => openNpz(cut), /the zip central directory \(2 entries, \d+ bytes at byte \d+\) does not fit before the end record/);
    // The end record claiming one entry more than its directory holds.
    const more = good.slice();
    new DataView(more.buffer).setUint16(e + 8, 3, true);
    new DataView(more.buffer).setUint16(e + 10, 3, true);
    npzError(() => openNpz(more), /the zip central directory is truncated: it ends after 2 of its 3 entries|more than fit in its/);
  });
});

describe('sizes and CRC-32 are verified: a flipped bit is an error, as in NumPy', () => {
  const good = writeNpz({ logits: { data: LOGITS, shape: [2, 3] }, labels: { data: LABELS, shape: [2] } });

  test('the good archive gives the PyTorch loss', () => {
    const r = loadTensorFile(good, 'run.npz');
    assert.ok(r.dataset);
    assert.ok(Math.abs(analyze(r.dataset).loss - LOSS) < 1e-15);
  });

  test('one flipped bit in the stored logits: refused with the CRC, on the CLI too (exit 1)', () => {
    // The last byte of the logits' data: the low mantissa byte of 0.2 (stored uncompressed).
    const logitsEnd = 30 + 'logits.npy'.length + 128 + 48;
    const bad = good.slice();
    bad[logitsEnd - 3] ^= 0x10;
    npzError(
      () => readNpz(bad, 'run.npz'),
      /member 'logits\.npy': this member's CRC-32 is 0x[0-9a-f]{8}, not the 0x[0-9a-f]{8} the zip directory records/,
    );
    const path = join(dir, 'flipped.npz');
    writeFileSync(path, bad);
    const r = cli('analyze', path);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^.*flipped\.npz: member 'logits\.npy': this member's CRC-32 is .* \(NumPy refuses it too\) \(at byte 0\)\n$/);
  });

  test('a flipped bit in compressed data is an extraction or CRC error, never a wrong number', () => {
    const zip = writeNpz({ logits: { data: LOGITS, shape: [2, 3] }, labels: { data: LABELS, shape: [2] } }, { compress: true });
    const dataStart = 30 + 'logits.npy'.length;
    const view = new DataView(zip.buffer, zip.byteOffset);
    const compressed = view.getUint32(18, true);
    let refused = 0;
    for (let i = dataStart; i < dataStart + compressed; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const bad = zip.slice();
        bad[i] ^= 1 << bit;
        const r = loadTensorFile(bad, 'c.npz');
        if (r.dataset) assert.ok(Math.abs(analyze(r.dataset).loss - LOSS) < 1e-15, `byte ${i} bit ${bit} gave a different loss`);
        else refused++;
      }
    }
    assert.ok(refused > 0.9 * 8 * compressed, `${refused} of ${8 * compressed} flips refused`);
  });
});

describe('members are inflated only when used', () => {
  test('a damaged member the analysis does not use does not stop it; the eager reader reports it', () => {
    const extra = member('notes.npy', writeNpy(new Float64Array(64).fill(1), [8, 8]));
    const damaged = { ...extra, crc: extra.crc ^ 1 };
    const zip = buildZip([member('logits.npy', writeNpy(LOGITS, [2, 3])), member('labels.npy', writeNpy(LABELS, [2])), damaged]);
    const r = loadTensorFile(zip, 'run.npz');
    assert.deepEqual(r.problems, []);
    assert.ok(Math.abs(analyze(r.dataset!).loss - LOSS) < 1e-15);
    npzError(() => readNpz(zip, 'run.npz'), /member 'notes\.npy': this member's CRC-32/);
  });
});

test('the inflate budget follows gradientLens.maxFileSizeMB (maxArchiveBytes), with a located message', () => {
  const n = 400;
  const logits = Float64Array.from({ length: n * 10 }, (_, i) => Math.sin(i));
  const bytes = writeNpz({
    logits: { data: logits, shape: [n, 10] },
    labels: { data: Int32Array.from({ length: n }, (_, i) => i % 10), shape: [n] },
  });
  assert.ok(runPipeline(bytes, 'b.npz').analysis, 'within the default budget');
  const small = runPipeline(bytes, 'b.npz', { maxArchiveBytes: 10_000 });
  assert.equal(small.analysis, null);
  assert.match(
    small.problems[0].message,
    /^b\.npz: member 'logits\.npy': reading this member needs \d+ more bytes, beyond the limit of 10000 bytes/,
  );
});
