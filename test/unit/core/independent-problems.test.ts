/**
 * Issue 16, "one error hides the others": a ragged row no longer stops the reading of a file, so
 * the label and probability errors of the other rows are still reported, each at its own line and
 * column; messages name the class; "are these 1-based?" only when no label is 0.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex, formatLocation } from '../../../src/core/lineIndex';
import { loadTensorFile } from '../../../src/core/load';

const enc = (s: string) => new TextEncoder().encode(s);

/** "LINE:COL: message" for each problem, as the CLI prints them (1-based). */
function problemsOf(text: string): string[] {
  const bytes = enc(text);
  const index = new LineIndex(bytes);
  const loaded = loadTensorFile(bytes, 'f.json');
  assert.equal(loaded.dataset, null);
  return loaded.problems.map((p) => `${formatLocation('', index, p.start).slice(1)}: ${p.message}`).sort();
}

const BROKEN_RAGGED = `{
  "classes": ["cat", "dog", "bird"],
  "probabilities": [
    [0.7, 0.2, 0.1],
    [0.1, 0.62, 0.1],
    [0.3, 0.3],
    [0.05, 1.05, -0.1]
  ],
  "labels": [0, 1, 3, 2]
}`;

describe('every independent problem is reported', () => {
  it('a ragged row beside a bad sum, values outside [0, 1] and a bad label: all five, each located', () => {
    const raw = ' if these are raw scores, name them "logits"';
    assert.deepEqual(problemsOf(BROKEN_RAGGED), [
      `5:5: probabilities in sample 1 sum to 0.82, expected 1; each row must be a probability distribution over the 3 classes;${raw}`,
      '6:5: sample 2 of "probabilities" has 2 values, expected 3 like sample 0; every row needs one value per class',
      `7:12: probability 1.05 in sample 3 (class 1 "dog") is outside [0, 1];${raw}`,
      `7:18: probability -0.1 in sample 3 (class 2 "bird") is outside [0, 1];${raw}`,
      // Label 0 exists, so "are these 1-based?" would mislead.
      '9:20: label 3 of sample 2 is out of range for 3 classes (valid: 0…2)',
    ]);
  });

  it('the expected width is the most common one: a short first row is the one reported', () => {
    const text = '{\n"logits": [\n[1, 2],\n[1, 2, 3],\n[4, 5, 6],\n[7, 8]\n],\n"labels": [0, 1, 5, 2]\n}';
    assert.deepEqual(problemsOf(text), [
      '3:1: sample 0 of "logits" has 2 values, expected 3 like sample 1; every row needs one value per class',
      '6:1: sample 3 of "logits" has 2 values, expected 3 like sample 1; every row needs one value per class',
      '8:18: label 5 of sample 2 is out of range for 3 classes (valid: 0…2)',
    ]);
  });

  it('ragged targets beside ragged logits: both reported, no spurious sum error for the odd rows', () => {
    const text = '{"logits": [[1, 2, 3], [1, 2]],\n"targets": [[0, 0, 1], [1, 0, 0, 0]]}';
    assert.deepEqual(problemsOf(text), [
      '1:24: sample 1 of "logits" has 2 values, expected 3 like sample 0; every row needs one value per class',
      '2:24: sample 1 of "targets" has 4 values, expected 3 like sample 0; every row needs one value per class',
    ]);
  });

  it('"are these 1-based?" still asked when the labels run 1…K', () => {
    const text = '{"logits": [[1, 2, 3], [1, 2, 3]], "labels": [1, 3]}';
    assert.deepEqual(problemsOf(text), [
      '1:50: label 3 of sample 1 is out of range for 3 classes (valid: 0…2); labels count from 0 (are these 1-based?)',
    ]);
  });
});
