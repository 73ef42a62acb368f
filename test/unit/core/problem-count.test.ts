/**
 * Issue 16: the count the status bar and the error message give is the file's, not the length of
 * the capped list (20 of a kind and an "…and N more like this" entry that carries N).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadTensorFile } from '../../../src/core/load';
import { problemCount } from '../../../src/core/problems';

const enc = (s: string) => new TextEncoder().encode(s);

describe('problemCount', () => {
  it('150 bad labels and 2 ragged rows: 23 entries listed, 150 errors counted', () => {
    const lines = ['logit_0,logit_1,logit_2,label'];
    for (let i = 0; i < 150; i++) lines.push(i === 3 ? '1,2' : i === 77 ? '1,2,3,4,5' : `${i % 3},0.5,-1,5`);
    const { problems } = loadTensorFile(enc(lines.join('\n')), 'f.csv');
    assert.equal(problems.length, 23);
    assert.equal(problems.filter((p) => p.code === 'ragged').length, 2);
    assert.deepEqual(
      problems.filter((p) => p.more !== undefined).map((p) => [p.code, p.more, p.message]),
      [['label-range', 128, '…and 128 more like this (148 in all)']],
    );
    assert.equal(problemCount(problems), 150);
    assert.equal(problemCount(problems, 'error'), 150);
    assert.equal(problemCount(problems, 'warning'), 0);
  });

  it('20 of a kind exactly: no count entry, 20 counted', () => {
    const lines = ['logit_0,logit_1,label', ...Array.from({ length: 20 }, () => '1,2,7')];
    const { problems } = loadTensorFile(enc(lines.join('\n')), 'f.csv');
    assert.equal(problems.length, 20);
    assert.equal(problemCount(problems, 'error'), 20);
  });
});
