/**
 * Issue 16, "one error hides the others", for CSV: a row with too few or too many cells no longer
 * stops the reader. Every ragged row is reported at its own line (20 of them, then a count), and the
 * other rows' problems (labels, sums, ranges) are still found at their exact line and column.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, formatLocation } from '../../../src/core/lineIndex';
import { loadTensorFile } from '../../../src/core/load';

const enc = (s: string) => new TextEncoder().encode(s);

/** "LINE:COL: message" for each problem, as the CLI prints them (1-based), in the reader's order. */
function problemsOf(text: string, fileName = 'f.csv'): string[] {
  const bytes = enc(text);
  const index = new LineIndex(bytes);
  const loaded = loadTensorFile(bytes, fileName);
  assert.equal(loaded.dataset, null);
  return loaded.problems.map((p) => `${formatLocation('', index, p.start).slice(1)}: ${p.message}`);
}

const RAW = ' if these are raw scores, name the columns logit_0…';

describe('CSV: a ragged row does not hide the other problems', () => {
  it('short and long rows beside a bad sum, values outside [0, 1] and a bad label: all six, each located', () => {
    const text = [
      'prob_0,prob_1,prob_2,label',
      '0.7,0.2,0.1,0',
      '0.1,0.62,0.1,1',
      '0.3,0.3,2',
      '0.05,1.05,-0.1,2',
      '0.2,0.2,0.6,1,0',
      '0.5,0.25,0.25,3',
    ].join('\n');
    assert.deepEqual(problemsOf(text), [
      '4:1: sample 2 has 3 values, expected 4 (one per header column)',
      '6:1: sample 4 has 5 values, expected 4 (one per header column)',
      `3:1: probabilities in sample 1 sum to 0.82, expected 1; each row must be a probability distribution over the 3 classes;${RAW}`,
      `5:6: probability 1.05 in sample 3 (class 1) is outside [0, 1];${RAW}`,
      `5:11: probability -0.1 in sample 3 (class 2) is outside [0, 1];${RAW}`,
      '7:15: label 3 of sample 5 is out of range for 3 classes (valid: 0…2)',
    ]);
  });

  it('a ragged row alone is the only problem: its filled-in values raise nothing of their own', () => {
    for (const [header, row] of [
      ['logit_0,logit_1,logit_2,label', '9,9'],
      ['prob_0,prob_1,prob_2,label', '0.9,0.9,0.9,5,7'],
      ['logit_0,logit_1,logit_2,target_0,target_1,target_2', '1,2,3,0,0'],
      ['logprob_0,logprob_1,logprob_2,label', '-1,-2'],
      ['prediction,target', '1'],
    ]) {
      const cols = header.split(',').length;
      const good = header.startsWith('logit_0,logit_1,logit_2,target')
        ? '1,2,3,0,1,0'
        : header.startsWith('prob')
          ? '0.2,0.3,0.5,1'
          : header.startsWith('logprob')
            ? '-1.2039728043259361,-0.916290731874155,-1.2039728043259361,1'
            : header.startsWith('prediction')
              ? '0.5,1.5'
              : '1,2,3,2';
      const cells = row.split(',').length;
      assert.deepEqual(problemsOf(`${header}\n${good}\n${row}\n${good}\n`), [
        `3:1: sample 1 has ${cells} value${cells === 1 ? '' : 's'}, expected ${cols} (one per header column)`,
      ]);
    }
  });

  it('a trailing delimiter on one row is reported at the delimiter, beside a label error two rows on', () => {
    const text = 'logit_0,logit_1,label\n2.0,1.0,0,\n0.5,2.5,1\n0.1,0.2,2\n';
    assert.deepEqual(problemsOf(text), [
      "2:10: sample 0 has an extra empty cell after its 3 values; remove the trailing ','",
      '4:9: label 2 of sample 2 is out of range for 2 classes (valid: 0…1)',
    ]);
  });

  it('CRLF line ends and a .tsv: the same lines and columns', () => {
    const text = 'logit_0\tlogit_1\tlogit_2\tlabel\r\n1\t2\t3\t0\r\n1\t2\r\n1\t2\t3\t7\r\n';
    assert.deepEqual(problemsOf(text, 'f.tsv'), [
      '3:1: sample 1 has 2 values, expected 4 (one per header column)',
      '4:7: label 7 of sample 2 is out of range for 3 classes (valid: 0…2)',
    ]);
  });

  it('"are these 1-based?" is still asked when the other rows\' labels run 1…K', () => {
    const text = 'logit_0,logit_1,logit_2,label\n1,2,3,1\n1,2\n1,2,3,3\n';
    assert.deepEqual(problemsOf(text), [
      '3:1: sample 1 has 2 values, expected 4 (one per header column)',
      '4:7: label 3 of sample 2 is out of range for 3 classes (valid: 0…2); labels count from 0 (are these 1-based?)',
    ]);
  });

  it('every ragged row counts: 20 listed, then "…and 10 more like this (30 in all)", and the label error beside them', () => {
    // 60 samples, sample i on line i + 2; every odd sample is ragged (4 cells or 1), sample 58 has label 9.
    const lines = ['logit_0,logit_1,label'];
    for (let i = 0; i < 60; i++) lines.push(i % 4 === 1 ? '0.5,0.25,1,1' : i % 4 === 3 ? '0.5' : i === 58 ? '1,2,9' : '1,2,0');
    const listed = Array.from({ length: 20 }, (_, r) => {
      const i = 2 * r + 1;
      return `${i + 2}:1: sample ${i} has ${i % 4 === 1 ? '4 values' : '1 value'}, expected 3 (one per header column)`;
    });
    assert.deepEqual(problemsOf(lines.join('\n')), [
      ...listed,
      '60:5: label 9 of sample 58 is out of range for 2 classes (valid: 0…1)',
      // The count sits at the last listed ragged row (sample 39, line 41).
      '41:1: …and 10 more like this (30 in all)',
    ]);
  });
});
