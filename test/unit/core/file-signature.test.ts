/** The magic-byte tests every reader, the CLI and the host share, checked on files NumPy, PyTorch and gzip wrote. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, it } from 'node:test';
import {
  hasGzipMagic,
  hasNpyMagic,
  hasPickleMagic,
  hasZipMagic,
  notTextProblem,
  startsLikeNpy,
  startsLikeZip,
} from '../../../src/core/fileSignature';

const fixtures = join(__dirname, '..', '..', 'fixtures');
const file = (path: string) => new Uint8Array(readFileSync(join(fixtures, path)));
const kinds = (b: Uint8Array) =>
  [
    hasNpyMagic(b) && 'npy',
    startsLikeNpy(b) && 'npy?',
    hasZipMagic(b) && 'zip',
    startsLikeZip(b) && 'zip?',
    hasPickleMagic(b) && 'pickle',
    hasGzipMagic(b) && 'gzip',
  ].filter(Boolean);

describe('fileSignature', () => {
  it('names what np.save, np.savez, torch.save (zip and legacy) and gzip wrote, and nothing in text', () => {
    assert.deepEqual(kinds(file('numpy/float32_2x3.npy')), ['npy', 'npy?']);
    assert.deepEqual(kinds(file('numpy/savez_archive.npz')), ['zip', 'zip?']);
    assert.deepEqual(kinds(file('formats/pt/dict.pt')), ['zip', 'zip?']);
    assert.deepEqual(kinds(file('formats/pt/legacy.pt')), ['pickle']);
    assert.deepEqual(kinds(new Uint8Array(gzipSync('1,2\n'))), ['gzip']);
    assert.deepEqual(kinds(new TextEncoder().encode('{"logits": [[1, 2]]}')), []);
    assert.deepEqual(kinds(new Uint8Array(0)), []);
  });

  it('tells a two-byte prefix from the whole magic', () => {
    assert.deepEqual(kinds(Uint8Array.of(0x93, 0x4e, 0x55)), ['npy?']);
    assert.deepEqual(kinds(Uint8Array.of(0x50, 0x4b, 0x07, 0x08)), ['zip?']);
    assert.deepEqual(kinds(Uint8Array.of(0x50, 0x4b, 0x05, 0x06)), ['zip', 'zip?']);
    assert.deepEqual(kinds(Uint8Array.of(0x80, 0x06)), []);
  });

  it('notTextProblem names the binary a text reader was given', () => {
    assert.match(notTextProblem(file('numpy/float32_2x3.npy'), 'JSON')!.message, /NumPy \.npy file, not JSON text/);
    assert.match(notTextProblem(file('numpy/savez_archive.npz'), 'CSV')!.message, /zip archive, not CSV text/);
    assert.match(notTextProblem(file('bad/csv_gzip_renamed.csv'), 'CSV')!.message, /gzip-compressed/);
    assert.equal(notTextProblem(new TextEncoder().encode('a,b\n1,2\n'), 'CSV'), null);
  });
});
