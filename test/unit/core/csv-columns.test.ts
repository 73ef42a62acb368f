// CSV columns in any order reach the dataset as the matrices they hold. The widest group is
// compacted inside the parser's buffer when its columns are in file order (csvRoles.ts), so
// these cases put it first, last, between others, and out of order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadTensorFile } from '../../../src/core/load';
import { parseCsvHeader } from '../../../src/core/csv';

const N = 5;
const K = 4;
/** Cell (i, j) of each named column group, exact in binary so that text round-trips. */
const value = (group: number, i: number, j: number) => group * 100 + i * 10 + j + 0.25;

function csv(header: string[], cell: (name: string, i: number) => string): Uint8Array {
  const lines = [header.join(',')];
  for (let i = 0; i < N; i++) lines.push(header.map((h) => cell(h, i)).join(','));
  return new TextEncoder().encode(lines.join('\n') + '\n');
}

function indexOf(name: string): number {
  return Number(name.slice(name.lastIndexOf('_') + 1));
}

const logits = Array.from({ length: K }, (_, j) => `logit_${j}`);
const classificationLayouts: [string, string[]][] = [
  ['label last', [...logits, 'label']],
  ['label first', ['label', ...logits]],
  ['label between, an unnamed column', ['logit_0', 'logit_1', 'label', '', 'logit_2', 'logit_3']],
  ['logits out of order', ['logit_1', 'logit_0', 'logit_3', 'logit_2', 'label']],
  ['logits reversed after the label', ['label', 'logit_3', 'logit_2', 'logit_1', 'logit_0']],
];

describe('CSV columns to the dataset', () => {
  for (const [name, header] of classificationLayouts) {
    it(`logits and labels: ${name}`, () => {
      const bytes = csv(header, (h, i) => (h === 'label' ? String((i * 3) % K) : h === '' ? '7' : String(value(1, i, indexOf(h)))));
      const { dataset } = loadTensorFile(bytes, 'batch.csv');
      assert.ok(dataset?.task === 'classification');
      assert.deepEqual(
        Array.from(dataset.values),
        Array.from({ length: N * K }, (_, x) => value(1, Math.floor(x / K), x % K)),
      );
      assert.deepEqual(
        Array.from(dataset.labels!),
        Array.from({ length: N }, (_, i) => (i * 3) % K),
      );
    });
  }

  it('probabilities with soft targets, targets first', () => {
    const probs = (i: number, j: number) => (j === 0 ? 0.5 : 0.5 / (K - 1)) + 0 * i;
    const soft = (i: number, j: number) => (j === i % K ? 1 : 0);
    const header = [...Array.from({ length: K }, (_, j) => `target_${j}`), ...Array.from({ length: K }, (_, j) => `prob_${j}`)];
    const bytes = csv(header, (h, i) => String(h.startsWith('prob') ? probs(i, indexOf(h)) : soft(i, indexOf(h))));
    const { dataset } = loadTensorFile(bytes, 'batch.csv', { sumTolerance: 1e-9 });
    assert.ok(dataset?.task === 'classification');
    assert.deepEqual(
      Array.from(dataset.values),
      Array.from({ length: N * K }, (_, x) => probs(Math.floor(x / K), x % K)),
    );
    assert.deepEqual(
      Array.from(dataset.targets!),
      Array.from({ length: N * K }, (_, x) => soft(Math.floor(x / K), x % K)),
    );
  });

  it('regression with two groups of the same width, interleaved', () => {
    const header = ['prediction_0', 'target_0', 'prediction_1', 'target_1'];
    const bytes = csv(header, (h, i) => String(value(h.startsWith('prediction') ? 1 : 2, i, indexOf(h))));
    const { dataset } = loadTensorFile(bytes, 'batch.csv');
    assert.ok(dataset?.task === 'regression');
    assert.deepEqual(
      Array.from(dataset.predictions),
      Array.from({ length: N * 2 }, (_, x) => value(1, Math.floor(x / 2), x % 2)),
    );
    assert.deepEqual(
      Array.from(dataset.targets),
      Array.from({ length: N * 2 }, (_, x) => value(2, Math.floor(x / 2), x % 2)),
    );
  });
});

describe("np.savetxt's header comment mark", () => {
  const text = (header: string) => `${header}\n0.5,0.25,-1,0\n1,2,3,2\n`;
  const load = (header: string) => loadTensorFile(new TextEncoder().encode(text(header)), 'saved.csv');

  it("'# ' or '#' before the first name is not part of it (np.savetxt's default comments='# ', as np.genfromtxt reads it)", () => {
    for (const header of ['# logit_0,logit_1,logit_2,label', '#logit_0,logit_1,logit_2,label', '#\t"logit_0",logit_1,logit_2,label']) {
      const { dataset, problems } = load(header);
      assert.deepEqual(problems, [], header);
      assert.ok(dataset?.task === 'classification', header);
      assert.deepEqual([...dataset.values], [0.5, 0.25, -1, 1, 2, 3], header);
      assert.deepEqual([...dataset.labels!], [0, 2], header);
    }
  });

  it("only before the first name, and not a '#' alone: those stay names", () => {
    // '#' alone stays a column named '#' (no role reads it: its cells are passed over); '# ' before a later name leaves it unknown.
    const aloneBytes = new TextEncoder().encode('#,logit_0,logit_1,label\nx,0.5,0.25,1\n');
    assert.deepEqual(parseCsvHeader(aloneBytes).columns, ['#', 'logit_0', 'logit_1', 'label']);
    const alone = loadTensorFile(aloneBytes, 'saved.csv');
    assert.deepEqual(alone.problems, []);
    assert.ok(alone.dataset?.task === 'classification');
    assert.deepEqual([...alone.dataset.values], [0.5, 0.25]);
    const later = load('logit_0,# logit_1,logit_2,label');
    assert.equal(later.dataset, null);
    assert.match(later.problems[0].message, /logit_1/);
  });
});

describe('columns that hold a whole row, or are named by class', () => {
  it('df["logits"] = list(z) then to_csv: told to write one column a class, at the column’s name', () => {
    const enc = (s: string) => new TextEncoder().encode(s);
    for (const [text, at, want] of [
      [
        'logits,label\n"[1.2, 3.4, 0.5]",1\n',
        0,
        'column "logits" holds a sample\'s logits in one cell; a table needs one column a class, logit_0, logit_1, …',
      ],
      [
        ',probs,label\n0,[0.2 0.8],1\n',
        1,
        'column "probs" holds a sample\'s probabilities in one cell; a table needs one column a class, prob_0, prob_1, …',
      ],
    ] as const) {
      const loaded = loadTensorFile(enc(text), 'f.csv');
      assert.equal(loaded.dataset, null);
      assert.equal(loaded.problems.length, 1);
      assert.ok(loaded.problems[0].message.startsWith(want), loaded.problems[0].message);
      assert.equal(loaded.problems[0].start, at);
    }
    // pd.DataFrame(clf.predict_proba(X), columns=clf.classes_) with the labels beside: how to name them.
    const byClass = loadTensorFile(enc('setosa,versicolor,virginica,label\n0.9,0.05,0.05,setosa\n'), 'f.csv');
    assert.equal(
      byClass.problems[0].message,
      "no recognised columns in the header (setosa, versicolor, virginica, label); if setosa, versicolor, virginica are the classes' scores, name them logit_0, logit_1, … (prob_0, … for probabilities) in that order, and list the class names in a classes.txt beside the file; expected logit_0…logit_{K-1} or prob_0… with label or target_0…, or prediction,target",
    );
    // Beside the columns it should be, it is passed over like any other text.
    const beside = loadTensorFile(enc('logits,logit_0,logit_1,label\n"[1, 2]",1,2,1\n'), 'f.csv');
    assert.deepEqual(beside.problems, []);
  });
});
