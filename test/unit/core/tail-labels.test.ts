// labelsFromTail (the JSON threads' plan reads the labels from the file's end), and labelsFromHead
// (from its head, when they come before the logits): for any list of
// label texts, the labels JSON.parse gives when each is a whole number in (−2^31, 2^31) (a class
// index, or a label out of range such as torch's ignore_index −100, which the summer notes), each
// one's exact place in the file and the key's; null when any one is not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { labelsFromHead, labelsFromTail } from '../../../src/core/summaryStream';

/** Label texts: plain indices (the fast path), other spellings of whole numbers, and texts that are not labels. */
const labelText = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0, max: 2 ** 31 - 1 }).map(String) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 999 }).map((v) => `${v}.0`) },
  { weight: 1, arbitrary: fc.constantFrom('1e2', '2E0', '30e-1', '0.5e1', '-0', '9999999999', '2147483647', '2147483648') },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31) + 1, max: -1 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('-100', '-2147483647', '-2147483648', '-1.0', '-1e2') },
  { weight: 1, arbitrary: fc.constantFrom('01', '00', '-1', '1.5', '1e10', '1.', '.5', '+1', '1e', '-') },
);
const gap = fc.constantFrom('', ' ', '\n', '\t', ' \r\n  ');

function expected(texts: string[]): number[] | null {
  const labels: number[] = [];
  for (const text of texts) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return null;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= -(2 ** 31) || v >= 2 ** 31) return null;
    labels.push(v + 0); // `-0` is class 0
  }
  return texts.length ? labels : null;
}

describe('labelsFromTail', () => {
  it('gives the labels JSON.parse gives, with every label’s and the key’s place, or null', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(gap, labelText, gap), { maxLength: 40 }), gap, fc.nat(5000), (items, end, tailStart) => {
        let text = '{"logits": [[1, 2]], "labels": [';
        const places: number[] = [];
        items.forEach(([before, label, after], i) => {
          text += (i ? ',' : '') + before;
          places.push(tailStart + text.length, tailStart + text.length + label.length);
          text += label + after;
        });
        text += ']' + end + '}' + end;
        const found = labelsFromTail(new TextEncoder().encode(text), tailStart);
        const labels = expected(items.map(([, label]) => label));
        if (labels === null) return assert.equal(found, null);
        assert.ok(found && found !== 'more');
        assert.deepEqual(Array.from(found.labels), labels);
        assert.deepEqual(Array.from(found.spans), places);
        assert.equal(found.keyAt, tailStart + text.indexOf('"labels"'));
      }),
      { numRuns: 2000 },
    );
  });

  it('asks for more of the file when the labels begin before the bytes it was given', () => {
    const text = new TextEncoder().encode('3, 1, 4, 1, 5]}');
    assert.equal(labelsFromTail(text, 100), 'more');
    assert.equal(labelsFromTail(text, 0), null);
  });
});

describe('labelsFromTail, labels written as class names', () => {
  // Names with what a backward read must step over: quotes (escaped), backslashes, brackets, commas, non-ASCII, padding.
  const name = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '"', '\\', '[', ']', ',', 'é', ':'), minLength: 1, maxLength: 6 });

  it('numbers each name by the "classes" entry beside it as the full reader does (trimmed, the first of a name given twice), with every string’s place; null for a name none of the classes is', () => {
    let numbered = 0;
    fc.assert(
      fc.property(
        fc.array(name, { minLength: 1, maxLength: 6 }),
        // Each label one of the classes (by index, padded or not), or now and then a name of its own.
        fc.array(
          fc.tuple(
            gap,
            fc.oneof({ weight: 12, arbitrary: fc.tuple(fc.nat(5), fc.constantFrom('', ' ')) }, { weight: 1, arbitrary: name }),
            gap,
          ),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        fc.boolean(),
        fc.nat(5000),
        (classes, drawn, classesLast, tailStart) => {
          const items = drawn.map(([before, label, after]) => [
            before,
            typeof label === 'string' ? label : label[1] + classes[label[0] % classes.length] + label[1],
            after,
          ]);
          const classesEntry = `"classes": ${JSON.stringify(classes)}`;
          let text = `{"logits": [[1, 2]], ${classesLast ? '' : classesEntry + ', '}"labels": [`;
          const places: number[] = [];
          items.forEach(([before, label, after], i) => {
            text += (i ? ',' : '') + before;
            const quoted = JSON.stringify(label);
            // Byte offsets: 'é' is two bytes in UTF-8.
            const at = new TextEncoder().encode(text).length;
            places.push(tailStart + at, tailStart + at + new TextEncoder().encode(quoted).length);
            text += quoted + after;
          });
          text += `]${classesLast ? ', ' + classesEntry : ''}}`;
          const found = labelsFromTail(new TextEncoder().encode(text), tailStart);
          const index = (label: string) => classes.findIndex((c) => c.trim() === label.trim());
          const labels = items.map(([, label]) => index(label));
          if (labels.includes(-1)) return assert.equal(found, null);
          numbered++;
          assert.ok(found && found !== 'more', text);
          assert.deepEqual(Array.from(found.labels), labels);
          assert.deepEqual(Array.from(found.spans), places);
          assert.deepEqual(found.classes?.names, classes);
        },
      ),
      { numRuns: 2000 },
    );
    // Not vacuous: most runs' labels are all class names (1,400 or so when this was written).
    assert.ok(numbered > 1000, `only ${numbered} runs numbered`);
  });

  it('numbered by the file’s head "classes" when none is beside them; the entry beside them first', () => {
    const bytes = (text: string) => new TextEncoder().encode(text);
    const head = { names: ['x', 'y'], keyAt: 1, start: 12, end: 22 };
    const found = labelsFromTail(bytes('[[1, 2]], "labels": ["y", " x", "y"]}'), 100, head);
    assert.ok(found && found !== 'more');
    assert.deepEqual(Array.from(found.labels), [1, 0, 1]);
    assert.equal(found.classes, undefined, 'the head’s entry is not the tail’s');
    const beside = labelsFromTail(bytes('[[1, 2]], "labels": ["y", "x"], "classes": ["y", "x"]}'), 100, head);
    assert.ok(beside && beside !== 'more');
    assert.deepEqual(Array.from(beside.labels), [0, 1]);
    assert.equal(labelsFromTail(bytes('[[1, 2]], "labels": ["y", "z"]}'), 100, head), null, 'a name none of the classes is');
  });

  it('null without a "classes" entry beside them, for a string that is not valid JSON, or names mixed with numbers', () => {
    for (const text of [
      '{"logits": [[1, 2]], "labels": ["a", "b"]}',
      '{"logits": [[1, 2]], "labels": ["a", "\\x"], "classes": ["a", "b"]}',
      '{"logits": [[1, 2]], "labels": [0, "b"], "classes": ["a", "b"]}',
      '{"logits": [[1, 2]], "labels": ["a", 1], "classes": ["a", "b"]}',
    ])
      assert.equal(labelsFromTail(new TextEncoder().encode(text), 0), null, text);
    assert.equal(labelsFromTail(new TextEncoder().encode('b", "a"], "classes": ["a", "b"]}'), 100), 'more');
  });
});

describe('labelsFromHead', () => {
  it('gives the labels labelsFromTail gives, with every label’s place and where the rows start, or null', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(gap, labelText, gap), { maxLength: 40 }), gap, (items, around) => {
        let text = `${around}{${around}"labels"${around}:${around}[`;
        const places: number[] = [];
        items.forEach(([before, label, after], i) => {
          text += (i ? ',' : '') + before;
          places.push(text.length, text.length + label.length);
          text += label + after;
        });
        text += `]${around},${around}"logits"${around}:${around}[`;
        const rowsStart = text.length;
        text += '[1, 2]]}';
        const found = labelsFromHead(new TextEncoder().encode(text));
        const labels = expected(items.map(([, label]) => label));
        if (labels === null) return assert.equal(found, null);
        assert.ok(found && found !== 'more');
        assert.deepEqual(Array.from(found.labels), labels);
        assert.deepEqual(Array.from(found.spans), places);
        assert.equal(found.rowsStart, rowsStart);
        assert.equal(found.keyAt, -1);
        // Cut anywhere before the rows' '[': more is asked for, never a wrong answer.
        for (const cut of [1, places[0] ?? 5, rowsStart - 1])
          assert.equal(labelsFromHead(new TextEncoder().encode(text.slice(0, cut))), 'more');
      }),
      { numRuns: 2000 },
    );
  });

  it('null when the file does not begin with the labels and then the logits', () => {
    for (const text of [
      '{"logits": [[1, 2]], "labels": [0]}',
      '{"labels": [0], "targets": [[1, 2]]}',
      '["labels"]',
      '{"labels": [0] "logits": [[1, 2]]}',
    ])
      assert.equal(labelsFromHead(new TextEncoder().encode(text)), null, text);
  });
});
