// The fast line scan (native indexOf for newlines, 32-bit words for non-ASCII bytes) gives the
// same tables as the byte loop, at every alignment of the bytes in their buffer.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteOffsetTables, LineIndex, scanLines } from '../../../src/core/lineIndex';
import { formatOf, isBinaryFormat } from '../../../src/core/load';
import { writeNpy } from '../../../src/core/npy';
import { seededUniform } from '../../helpers/seeded';

const encode = (s: string) => new TextEncoder().encode(s);

function randomText(seed: number, length: number): string {
  const next = seededUniform(seed);
  const pieces = ['a', '1', ',', ' ', '[', '\n', 'é', '−', '𝛿', '\n\n'];
  let s = '';
  while (s.length < length) s += pieces[Math.floor(next() * pieces.length)];
  return s;
}

const same = (a: ReturnType<typeof scanLines>, b: ReturnType<typeof scanLines>, what: string) => {
  assert.deepEqual(Array.from(a.lineStarts), Array.from(b.lineStarts), `${what}: line starts`);
  assert.deepEqual(Array.from(a.firstNonAscii), Array.from(b.firstNonAscii), `${what}: first non-ASCII byte per line`);
};

test('fast scan equals the byte loop on seeded text, at offsets 0–3 of its buffer', () => {
  for (let seed = 1; seed <= 20; seed++) {
    const bytes = encode(randomText(seed, 50 + seed * 37));
    for (let offset = 0; offset < 4; offset++) {
      const shifted = new Uint8Array(bytes.length + offset);
      shifted.set(bytes, offset);
      const view = shifted.subarray(offset);
      same(scanLines(view, false), scanLines(view, true), `seed ${seed}, offset ${offset}`);
    }
  }
});

test('edge cases: empty, no newline, non-ASCII first and last, before a newline', () => {
  for (const text of ['', 'abc', 'é', 'abc\n', '\n', 'ab\né\n', '\nabcdefgh\u00e9', 'abcé\nxyz', 'é\né\né']) {
    const bytes = encode(text);
    same(scanLines(bytes, false), scanLines(bytes, true), JSON.stringify(text));
  }
});

test('the columns a LineIndex gives are unchanged: a non-ASCII line counts UTF-16 units after its first high byte', () => {
  const text = '{"classes": ["chat", "chien"],\n "x": "é−𝛿", "logits": [[1, 2]]}\n';
  const bytes = encode(text);
  const index = new LineIndex(bytes);
  const offset = text.indexOf('"logits"');
  // Byte offset of "logits": the UTF-8 length of the text before it.
  const byteOffset = encode(text.slice(0, offset)).length;
  assert.notEqual(byteOffset, offset, 'the line holds multi-byte characters before "logits"');
  assert.deepEqual(index.position(byteOffset), { line: 1, character: text.slice(text.indexOf('\n') + 1, offset).length });
  assert.equal(scanLines(bytes).firstNonAscii[0], text.indexOf('\n'), 'line 0 is ASCII: its end');
  assert.equal(scanLines(bytes).firstNonAscii[1], encode(text.slice(0, text.indexOf('é'))).length);
});

test("a binary file's tables: one line, every position its byte offset, whatever its 0x0A, 0x0D and high bytes", () => {
  // float64 data whose bytes hold line ends and high bytes: 10 = 0x0A in the low byte, −0 = 0x80.
  const bytes = writeNpy(Float64Array.from([5e-324 * 10, -0, 5e-324 * 13, 1.5, -2]), [5]);
  assert.ok(bytes.includes(10) && bytes.includes(13) && bytes.some((b) => b >= 0x80), 'the data has 0x0A, 0x0D and high bytes');
  assert.ok(scanLines(bytes).lineStarts.length > 1, 'a text scan would cut it into lines');
  const index = new LineIndex(bytes, byteOffsetTables(bytes.length));
  for (const offset of [0, 7, 64, bytes.length - 1, bytes.length]) assert.deepEqual(index.position(offset), { line: 0, character: offset });
  assert.equal(index.offsetAt({ line: 0, character: 70 }), 70);
  assert.deepEqual(
    ['a.npy', 'b.NPZ', 'c.safetensors', 'd.pt', 'e.pth', 'f.json', 'g.csv', 'h.tsv', 'i.txt'].map((name) => isBinaryFormat(formatOf(name))),
    [true, true, true, true, true, false, false, false, false],
  );
});
