/**
 * A CSV export often carries columns no role reads: an id, a file name (quoted, with commas in it),
 * a date, a split, pandas' index of strings. Their cells are passed over, whatever they hold, and
 * every other cell is read and placed exactly as without them.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze } from '../../../src/core/analysis';
import { LineIndex, formatLocation } from '../../../src/core/lineIndex';
import { loadTensorFile } from '../../../src/core/load';
import type { ClassificationData } from '../../../src/core/dataset';
import { seededLogitRows } from '../../helpers/logitFiles';

const enc = (s: string) => new TextEncoder().encode(s);

function load(text: string, name = 'f.csv') {
  return loadTensorFile(enc(text), name);
}

/** "LINE:COL: message" and the text the problem's range covers. */
function problemsOf(text: string) {
  const bytes = enc(text);
  const index = new LineIndex(bytes);
  return load(text).problems.map((p) => ({
    at: `${formatLocation('', index, p.start).slice(1)}: ${p.message}`,
    text: text.slice(p.start, p.end),
  }));
}

/** The same rows with text columns around the logits: a quoted file name with commas and quotes, a date, a split, an empty note. */
function withTextColumns({ logits, labels }: ReturnType<typeof seededLogitRows>, labelOf = (i: number) => String(labels[i])) {
  const k = logits[0].length;
  const header = ['image', ...logits[0].map((_, j) => `logit_${j}`), 'taken', 'label', 'split', 'note'];
  const lines = logits.map((row, i) =>
    [
      `"img ${i}, crop ""a"".jpg"`,
      ...row,
      `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
      labelOf(i),
      i % 3 ? 'train' : 'val',
      '',
    ].join(','),
  );
  return { text: [header.join(','), ...lines].join('\n') + '\n', k };
}

function plain({ logits, labels }: ReturnType<typeof seededLogitRows>) {
  const header = [...logits[0].map((_, j) => `logit_${j}`), 'label'];
  return [header.join(','), ...logits.map((row, i) => [...row, labels[i]].join(','))].join('\n') + '\n';
}

describe('CSV columns no role reads', () => {
  it('ids, quoted file names with commas, dates and empty cells: the logits, labels and loss of the file without them, bit for bit', () => {
    const rows = seededLogitRows(40, 5, 12);
    const bare = load(plain(rows));
    const { text } = withTextColumns(rows);
    const full = load(text);
    assert.deepEqual(full.problems, []);
    const a = full.dataset as ClassificationData;
    const b = bare.dataset as ClassificationData;
    assert.equal(a.n, 40);
    assert.deepEqual(a.values, b.values);
    assert.deepEqual(a.labels, b.labels);
    assert.equal(analyze(a).loss, analyze(b).loss);
  });

  it('pandas’ df.to_csv() with an index of strings (an unnamed first column)', () => {
    const rows = seededLogitRows(6, 3, 4);
    const lines = plain(rows).split('\n');
    const text = [`,${lines[0]}`, ...lines.slice(1, -1).map((l, i) => `sample_${i},${l}`), ''].join('\n');
    const loaded = load(text);
    assert.deepEqual(loaded.problems, []);
    assert.equal((loaded.dataset as ClassificationData).n, 6);
    assert.deepEqual((loaded.dataset as ClassificationData).values, (load(plain(rows)).dataset as ClassificationData).values);
  });

  it('a bad cell and a label out of range after a quoted comma: at their own line and column', () => {
    const rows = seededLogitRows(8, 4, 3);
    const { text } = withTextColumns(rows, (i) => (i === 5 ? '9' : String(rows.labels[i])));
    const lines = text.split('\n');
    const [only] = problemsOf(text);
    const line = lines[6];
    assert.equal(only.text, '9');
    assert.equal(only.at.split(': ')[0], `7:${line.lastIndexOf(',9,') + 2}`);
    assert.match(only.at, /label 9 of sample 5 is out of range for 4 classes/);
    lines[3] = lines[3].replace(/(crop ""a"".jpg",)[^,]*/, '$1abc');
    const [bad] = problemsOf(lines.join('\n'));
    assert.equal(bad.at, `4:${lines[3].indexOf(',abc,') + 2}: "abc" (sample 2, column "logit_0") is not a number`);
  });

  it('the columns roles read still hold numbers (or class names, in the label column): text there is reported as before', () => {
    assert.match(problemsOf('id,logit_0,logit_1,label\na,1,cat,0\n')[0].at, /^2:5: "cat" \(sample 0, column "logit_1"\) is not a number/);
    assert.match(problemsOf('id,logit_0,logit_1,label\na,1,2,cat\n')[0].at, /^2:7: the labels are class names \("cat"\)/);
    assert.match(problemsOf('id,logit_0,logit_1,label\na,1,,0\n')[0].at, /^2:5: .*logit_1/);
  });

  it('a line of spaces is still blank, with a text column first', () => {
    const loaded = load('id,logit_0,logit_1,label\na,1,2,0\n   \nb,2,1,1\n');
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual((loaded.dataset as ClassificationData).values, Float64Array.of(1, 2, 2, 1));
  });

  it('a quoted text cell that does not close on its line, or has more after its quote: said so at the quote', () => {
    for (const line of ['"a,1,2,0', '"a"x,1,2,0', '"a']) {
      const problems = problemsOf(`id,logit_0,logit_1,label\n${line}\nb",2,1,1\n`);
      assert.equal(problems.length, 1, line);
      assert.equal(
        problems[0].at,
        '2:1: sample 0, column "id": this quoted cell does not end at a closing quote on its line; keep the cell on one line, write a quote inside it as "", and put the delimiter right after the closing quote',
        line,
      );
      assert.equal(problems[0].text, line, line);
    }
  });

  it('your own gradients (dinput_0…) placed right after a quoted comma: their ranges are their cells', () => {
    const text = 'file,logit_0,logit_1,label,dinput_0,dinput_1\n"a,b",1,2,0,-0.4,0.4\n"c,d",2,1,1,0.4,-0.4\n';
    const user = load(text).userGradients!.tensors[0];
    const cells = Array.from({ length: 4 }, (_, e) => text.slice(user.spans![2 * e], user.spans![2 * e + 1]));
    assert.deepEqual(cells, ['-0.4', '0.4', '0.4', '-0.4']);
  });
});
