/**
 * Issue 22: the bundles search bytes with memchr (Buffer#indexOf) instead of Uint8Array#indexOf.
 * It must give exactly the same index for every array, byte and start, and so the same output
 * from every reader that searches.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { indexOfByte, portableByteSearch, useByteSearch } from '../../../src/core/byteSearch';
import { scanLines } from '../../../src/core/lineIndex';
import { useNativeByteSearch } from '../../../src/node/nativeByteSearch';
import { cliWithChunks, pieces } from '../../helpers/cli';
import { exampleAndBadFiles } from '../../helpers/logitFiles';
import { seededUniform } from '../../helpers/seeded';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Seeded bytes, mostly the ones the readers look for, at `offset` in a (maybe shared) buffer. */
function bytesAt(seed: number, length: number, offset: number, shared: boolean): Uint8Array {
  const next = seededUniform(seed);
  const alphabet = [10, 13, 93, 44, 48, 0, 255, 0xc3];
  const buffer = shared ? new SharedArrayBuffer(length + offset) : new ArrayBuffer(length + offset);
  const view = new Uint8Array(buffer, offset, length);
  for (let i = 0; i < length; i++) view[i] = alphabet[Math.floor(next() * alphabet.length)];
  return view;
}

test('memchr gives Uint8Array#indexOf’s index: every byte and start, at every alignment, in shared memory too', () => {
  useNativeByteSearch();
  try {
    let found = 0;
    for (const shared of [false, true]) {
      for (let seed = 1; seed <= 12; seed++) {
        const length = seed === 1 ? 0 : seed * 11;
        for (let offset = 0; offset < 4; offset++) {
          const bytes = bytesAt(seed, length, offset, shared);
          for (const byte of [10, 13, 93, 0, 255, 7]) {
            for (let from = -length - 2; from <= length + 2; from++) {
              const want = bytes.indexOf(byte, from);
              assert.equal(indexOfByte(bytes, byte, from), want, `seed ${seed}, offset ${offset}, byte ${byte}, from ${from}`);
              if (want >= 0) found++;
            }
            assert.equal(indexOfByte(bytes, byte), bytes.indexOf(byte), `seed ${seed}, byte ${byte}, no start`);
          }
        }
      }
    }
    assert.ok(found > 10_000, `only ${found} searches found their byte`);
  } finally {
    useByteSearch(portableByteSearch);
  }
});

test('with memchr, the line tables and the CLI’s output are the same: every example and bad-input file, whole and in 7-byte reads', () => {
  const files = exampleAndBadFiles(root);
  assert.ok(files.length > 100);
  const runs = (path: string) =>
    [['--summary'], ['--json']].flatMap((flags) => [null, pieces(7)].map((open) => cliWithChunks(['analyze', path, ...flags], open)));
  const text = new TextEncoder().encode('a,b\r\nc\n\n\u00e9]\r\r\n' + 'x,1\n'.repeat(50));
  const before = { outputs: files.map(runs), lines: scanLines(text) };
  useNativeByteSearch();
  try {
    files.forEach((path, i) => assert.deepEqual(runs(path), before.outputs[i], path));
    const lines = scanLines(text);
    assert.deepEqual(Array.from(lines.lineStarts), Array.from(before.lines.lineStarts));
    assert.deepEqual(Array.from(lines.firstNonAscii), Array.from(before.lines.firstNonAscii));
    assert.equal(before.lines.lineStarts.length, 56, 'the text’s lines, \\r\\n, \\n and \\r each ending one');
  } finally {
    useByteSearch(portableByteSearch);
  }
});
