// classesForward and classesBackward (a JSON's "classes" entry, found by the streaming readers
// beside its logits and labels): for any list of names, the names JSON.parse gives, the places of
// the key and the array, read forwards from the key or backwards from the ']'; 'more' for every
// cut before the entry is whole; null when its text is not an array of strings the full reader
// takes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { classesBackward, classesForward } from '../../../src/core/jsonClasses';

/** Names: any text (quotes, backslashes, brackets, commas, non-ASCII, lone surrogates), and a few made to confuse a backward read. */
const name = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 2, arbitrary: fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', ',', ':', ' ', 'a', 'é'), maxLength: 8 }) },
  { weight: 1, arbitrary: fc.constantFrom('\\', '\\\\', '"', '\\"', '"]', '", "', '"classes": [', '🐸') },
);
/** A name as a file may spell it: JSON.stringify's, or with every ASCII letter as a \u escape. */
const spelling = fc.constantFrom('plain', 'escaped');
const spell = (text: string, how: string) => {
  if (how === 'plain') return JSON.stringify(text);
  const unit = (c: string) => (/[a-z]/i.test(c) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(c).slice(1, -1));
  return `"${text.split('').map(unit).join('')}"`;
};
const gap = fc.constantFrom('', ' ', '\n', '\t', ' \r\n  ');

const bytesOf = (text: string) => new TextEncoder().encode(text);

describe('a "classes" entry read forwards and backwards', () => {
  it('gives the names JSON.parse gives, the places of its key and array, and where it ends or starts; more for every cut', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(gap, name, spelling, gap), { minLength: 1, maxLength: 12 }),
        fc.tuple(gap, gap, gap),
        fc.nat(5000),
        (items, [afterKey, afterColon, afterOpen], base) => {
          const before = '{"logits": [[1, 2]], ';
          const array = `[${afterOpen}${items.map(([a, text, how, b]) => `${a}${spell(text, how)}${b}`).join(',')}]`;
          const entry = `"classes"${afterKey}:${afterColon}${array}`;
          const bytes = bytesOf(`${before}${entry}}`);
          const keyAt = bytesOf(before).length;
          const start = keyAt + bytesOf(`"classes"${afterKey}:${afterColon}`).length;
          const end = keyAt + bytesOf(entry).length;
          const names = items.map(([, text]) => text);
          const want = { names, keyAt: base + keyAt, start: base + start, end: base + end };

          const forward = classesForward(bytes, keyAt, base);
          assert.deepEqual(forward, { entry: want, next: end });
          const backward = classesBackward(bytes, end - 1, base);
          assert.deepEqual(backward, { entry: want, before: keyAt - 1 });
          // Cut anywhere before its ']': forwards, more is needed.
          for (let cut = keyAt; cut < end; cut++)
            assert.equal(classesForward(bytes.subarray(0, cut), keyAt, base), 'more', `cut at ${cut}`);
          // Started anywhere after its key's first byte: backwards, more is needed.
          for (let from = keyAt + 1; from < end; from++)
            assert.equal(classesBackward(bytes.subarray(from), end - 1 - from, base + from), 'more', `from ${from}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('refuses what is not an array of strings the full reader takes: numbers, nesting, a bad escape, a control character, bytes not UTF-8', () => {
    const refused = [
      '["a", 1]',
      '[1, "a"]',
      '[["a"], "b"]',
      '["a", null]',
      '["a" "b"]',
      '["a",, "b"]',
      '["a",]',
      '["b\\x"]',
      '["b\\u12"]',
      '["a\tb"]',
      '["a\nb"]',
      '{"a": "b"}',
    ];
    for (const array of refused) {
      const bytes = bytesOf(`{"classes": ${array}}`);
      assert.equal(classesForward(bytes, 1, 0), null, `forwards: ${array}`);
      assert.equal(classesBackward(bytes, bytes.length - 2, 0), null, `backwards: ${array}`);
    }
    // Latin-1 é (a byte that is not UTF-8), and a key other than "classes".
    const latin1 = Uint8Array.from(Buffer.from('{"classes": ["caf\u00e9"]}', 'latin1'));
    assert.equal(classesForward(latin1, 1, 0), null);
    assert.equal(classesBackward(latin1, latin1.length - 2, 0), null);
    // Under another key: not an entry; read backwards, 'other' (labels written as class names end so).
    const other = bytesOf('{"classez": ["a"]}');
    assert.equal(classesForward(other, 1, 0), null);
    assert.equal(classesBackward(other, other.length - 2, 0), 'other');
    // An empty list names no class (its count is never K): not an entry the streams take.
    const empty = bytesOf('{"classes": []}');
    assert.equal(classesForward(empty, 1, 0), null);
    assert.equal(classesBackward(empty, empty.length - 2, 0), null);
  });
});
