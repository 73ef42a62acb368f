/**
 * Labels written as class names ("cat"), numbered by the file's "classes" or a classes.txt beside
 * it: the same data and loss as the file with the indices, in each layout that has labels as text
 * (a JSON object, records, a DataFrame's to_json, a CSV); a name that is no class, and names with
 * no classes, are said at the label.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../../src/core/analysis';
import type { ClassificationData } from '../../../src/core/dataset';
import { loadTensorFile, type LoadOptions } from '../../../src/core/load';
import { problemsAt } from '../../helpers/problemsAt';

const enc = (s: string) => new TextEncoder().encode(s);
const CLASSES = ['cat', 'dog', 'bird, small'];
const classesTxt = { siblings: { 'classes.txt': enc(CLASSES.join('\n') + '\n') } };

const logits = [
  [2.0, 1.0, 0.1],
  [0.5, 2.5, 0.3],
  [1.2, 0.2, 3.1],
  [0.0, -1.5, 0.25],
];
const labels = [0, 1, 2, 1];
const names = labels.map((l) => CLASSES[l]);

/** The file with the indices: what each layout of names must read as. */
const indexed = loadTensorFile(enc(JSON.stringify({ logits, labels })), 'i.json').dataset as ClassificationData;

const csvRow = (i: number, label: string) => `${logits[i].join(',')},${label}`;

/** Each layout with names, and the siblings it needs. */
const LAYOUTS: [string, string, object][] = [
  ['object.json', JSON.stringify({ logits, labels: names, classes: CLASSES }), {}],
  ['object-sibling.json', JSON.stringify({ logits, labels: names }), classesTxt],
  ['records.json', JSON.stringify(logits.map((row, i) => ({ logits: row, label: names[i] }))), classesTxt],
  ['records.jsonl', logits.map((row, i) => JSON.stringify({ logits: row, label: names[i] })).join('\n') + '\n', classesTxt],
  [
    'frame.json',
    JSON.stringify(logits.map((row, i) => ({ logit_0: row[0], logit_1: row[1], logit_2: row[2], label: names[i] }))),
    classesTxt,
  ],
  [
    'split.json',
    JSON.stringify({
      columns: ['logit_0', 'logit_1', 'logit_2', 'label'],
      index: [0, 1, 2, 3],
      data: logits.map((r, i) => [...r, names[i]]),
    }),
    classesTxt,
  ],
  [
    'names.csv',
    ['logit_0,logit_1,logit_2,label', ...names.map((n, i) => csvRow(i, n.includes(',') ? `"${n}"` : n))].join('\n') + '\n',
    classesTxt,
  ],
  ['spaced.csv', ['logit_0, logit_1, logit_2, label', ...names.map((n, i) => csvRow(i, ` "${n}" `))].join('\r\n'), classesTxt],
];

const problemsOf = (text: string, name: string, options: LoadOptions = classesTxt) => problemsAt(text, name, options);

describe('labels written as class names', () => {
  for (const [name, text, options] of LAYOUTS) {
    it(`${name}: numbered by the class names, the indices' data and loss bit for bit`, () => {
      const loaded = loadTensorFile(enc(text), name, options);
      assert.deepEqual(loaded.problems, [], name);
      const d = loaded.dataset as ClassificationData;
      assert.deepEqual([...d.labels!], labels);
      assert.deepEqual(d.values, indexed.values);
      assert.deepEqual(d.classes, CLASSES);
      assert.equal(analyze(d).loss, analyze(indexed).loss);
    });
  }

  it('a name that is no class: said at the label, each one, the others still checked', () => {
    const text = JSON.stringify({ logits, labels: ['cat', 'horse', 'bird, small', 'cow'], classes: CLASSES });
    assert.deepEqual(
      problemsOf(text, 'f.json', {}).map((p) => p.text),
      ['"horse"', '"cow"'],
    );
    assert.match(
      problemsOf(text, 'f.json', {})[0].at,
      /: label "horse" of sample 1 is not one of the 3 class names in "classes" \("cat", "dog", "bird, small"\)$/,
    );
    const csv = ['logit_0,logit_1,logit_2,label', csvRow(0, 'cat'), csvRow(1, 'Dog'), csvRow(2, 'dog'), csvRow(3, 'dog')].join('\n');
    assert.deepEqual(problemsOf(csv, 'f.csv'), [
      { at: '3:13: label "Dog" of sample 1 is not one of the 3 class names in classes.txt ("cat", "dog", "bird, small")', text: 'Dog' },
    ]);
  });

  it('names with no class names to number them by: one message, at the first label, naming what to add', () => {
    assert.deepEqual(problemsOf(JSON.stringify({ logits, labels: names }), 'f.json', {}), [
      {
        at: '1:75: the labels are class names ("cat", "dog", "bird, small"), but no class names are given to number them by: list the classes in the order of the logits in a classes.txt beside the file, one a line (or as "classes": [...] in the file)',
        text: '"cat"',
      },
    ]);
    const csv = ['logit_0,logit_1,label', '1,2,cat', '2,1,dog', '0,0,cow', '1,1,ant'].join('\n');
    assert.deepEqual(problemsOf(csv, 'f.csv', {}), [
      {
        at: '2:5: the labels are class names ("cat", "dog", "cow", …), but no class names are given to number them by: list the classes in the order of the logits in a classes.txt beside the file, one a line',
        text: 'cat',
      },
    ]);
  });

  it('a short row among names is reported as one, and its missing name not again', () => {
    const csv = ['logit_0,logit_1,label', '1,2,cat', '2,1', '0,0,dog'].join('\n');
    assert.deepEqual(
      problemsOf(csv, 'f.csv', { siblings: { 'classes.txt': enc('cat\ndog\n') } }).map((p) => p.at),
      ['3:1: sample 1 has 2 values, expected 3 (one per header column)'],
    );
  });

  it('names mixed with numbers are not names: the reader’s message as before', () => {
    assert.match(
      problemsOf(JSON.stringify({ logits: logits.slice(0, 2), labels: ['cat', 1], classes: CLASSES }), 'f.json', {})[0].at,
      /found the string "cat" where a number belongs in "labels"; labels are all class indices 0…K−1 or all class names$/,
    );
    assert.deepEqual(problemsOf('[{"logits":[1,2],"label":"cat"},{"logits":[1,2],"label":3}]', 'f.json'), [
      { at: '1:57: record 1: "label" is the number 3; it must be a class name in quotes, as record 0\'s is', text: '3' },
    ]);
    // A CSV's first label decides: a number there, a name further down is not a number.
    const csv = ['logit_0,logit_1,logit_2,label', csvRow(0, '0'), csvRow(1, 'dog')].join('\n');
    assert.match(
      problemsOf(csv, 'f.csv')[0].at,
      /^3:13: "dog" \(sample 1, column "label"\) is not a number; the first row's label is a number, so every label must be a class index 0…K−1 \(or every label a class name\)$/,
    );
  });
});
