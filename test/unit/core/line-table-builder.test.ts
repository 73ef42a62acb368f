import assert from 'node:assert/strict';
import { test } from 'node:test';
import { scanLines } from '../../../src/core/lineIndex';
import { joinLineStretches, LineTableBuilder, type LineStretch } from '../../../src/core/lineTableBuilder';
import { seededUniform } from '../../helpers/seeded';

/** Bytes rich in line ends and non-ASCII: \n, \r, \r\n, runs of them, UTF-8 sequences, plain ASCII. */
function lineSoup(seed: number, length: number): Uint8Array {
  const u = seededUniform(seed);
  const pick = [10, 13, 13, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 48, 49, 44, 91, 93, 32];
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = u() < 0.5 ? 48 + Math.floor(u() * 10) : pick[Math.floor(u() * pick.length)];
  return out;
}

/** The stretches of [0, cuts…, length), each fed in chunks of `chunk` bytes (`tellAscii`: saying which chunks are all ASCII). */
function stretches(bytes: Uint8Array, cuts: number[], chunk: number, tellAscii = false): LineStretch[] {
  const bounds = [0, ...cuts, bytes.length];
  const out: LineStretch[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const builder = new LineTableBuilder(bounds[i]);
    for (let at = bounds[i]; at < bounds[i + 1]; at += chunk) {
      const piece = bytes.subarray(at, Math.min(at + chunk, bounds[i + 1]));
      if (tellAscii)
        builder.feed(
          piece,
          piece.every((c) => c < 0x80),
        );
      else builder.feed(piece);
    }
    out.push(builder.finish());
  }
  return out;
}

const same = (bytes: Uint8Array, got: ReturnType<typeof joinLineStretches>) => {
  const want = scanLines(bytes);
  assert.deepEqual([...got.lineStarts], [...want.lineStarts]);
  assert.deepEqual([...got.firstNonAscii], [...want.firstNonAscii]);
};

test("chunks of every size give the whole file's line tables, \\r\\n cut by a chunk end included", () => {
  for (let seed = 1; seed <= 40; seed++) {
    const bytes = lineSoup(seed, 50 + seed * 7);
    for (const chunk of [1, 2, 3, 5, 16, 1000]) same(bytes, joinLineStretches(stretches(bytes, [], chunk), bytes.length));
  }
});

test("parts cut anywhere but inside a \\r\\n join to the whole file's tables", () => {
  for (let seed = 100; seed < 160; seed++) {
    const bytes = lineSoup(seed, 300);
    const u = seededUniform(seed);
    const cuts = [...new Set([1, 2, 3].map(() => 1 + Math.floor(u() * (bytes.length - 2))))]
      .sort((a, b) => a - b)
      .filter((c) => !(bytes[c - 1] === 13 && bytes[c] === 10));
    for (const chunk of [1, 7, 64]) same(bytes, joinLineStretches(stretches(bytes, cuts, chunk), bytes.length));
  }
});

test('a file of one long line, of only line ends, and empty', () => {
  for (const text of ['', '\n', '\r', '\r\n', '\n\n\r\r\n', 'é', 'abc', '[1, 2]\r\n[3, 4]\r\n']) {
    const bytes = new TextEncoder().encode(text);
    for (const chunk of [1, 2, 4]) same(bytes, joinLineStretches(stretches(bytes, [], chunk), bytes.length));
  }
});

test('chunks said to be all ASCII (lineStretch asks Node) skip the look for non-ASCII bytes: the same tables', () => {
  let told = 0;
  for (let seed = 200; seed < 240; seed++) {
    const bytes = lineSoup(seed, 400);
    for (const chunk of [1, 3, 8]) {
      told += [...Array(Math.ceil(bytes.length / chunk)).keys()].filter((i) =>
        bytes.subarray(i * chunk, (i + 1) * chunk).every((c) => c < 0x80),
      ).length;
      same(bytes, joinLineStretches(stretches(bytes, [150], chunk, true), bytes.length));
    }
  }
  assert.ok(told > 1000, `only ${told} chunks were all ASCII`);
});
