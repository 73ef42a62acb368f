/** The one label check behind JSON/CSV datasets and network files: the same words, codes and spans from each reader. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { labelProblem } from '../../../src/core/labelCheck';
import { loadTensorFile } from '../../../src/core/load';

const enc = (s: string) => new TextEncoder().encode(s);
const problemsOf = (text: string, name: string) =>
  loadTensorFile(enc(text), name).problems.map((p) => ({ message: p.message, code: p.code, at: text.slice(p.start, p.end) }));

describe('labelProblem', () => {
  it('passes class indices 0…k−1 and names every other value', () => {
    for (const v of [0, 1, 2]) assert.equal(labelProblem(v, 0, 3, '3 classes'), null);
    assert.deepEqual(labelProblem(1.5, 4, 3, '3 classes'), {
      message: 'label 1.5 of sample 4 is not a whole number; labels are class indices 0…2',
      code: 'label-not-integer',
    });
    for (const v of [NaN, Infinity]) assert.equal(labelProblem(v, 0, 3, '3 classes')?.code, 'label-not-integer');
    for (const v of [-1, 3, 7]) assert.equal(labelProblem(v, 0, 3, '3 classes')?.code, 'label-range');
  });

  it('asks "1-based?" only for a label equal to k, and only when the caller says it would explain every label', () => {
    assert.match(labelProblem(3, 0, 3, '3 classes', true)!.message, /are these 1-based\?/);
    assert.doesNotMatch(labelProblem(3, 0, 3, '3 classes', false)!.message, /1-based/);
    assert.doesNotMatch(labelProblem(4, 0, 3, '3 classes', true)!.message, /1-based/);
  });

  it('a JSON dataset reports each bad label at its own number', () => {
    assert.deepEqual(problemsOf('{"logits": [[1, 2, 3], [1, 2, 3]], "labels": [3, 1.5]}', 'x.json'), [
      {
        message: 'label 3 of sample 0 is out of range for 3 classes (valid: 0…2); labels count from 0 (are these 1-based?)',
        code: 'label-range',
        at: '3',
      },
      { message: 'label 1.5 of sample 1 is not a whole number; labels are class indices 0…2', code: 'label-not-integer', at: '1.5' },
    ]);
    assert.deepEqual(problemsOf('{"logits": [[1, 2, 3], [1, 2, 3]], "labels": [0, 3]}', 'x.json'), [
      { message: 'label 3 of sample 1 is out of range for 3 classes (valid: 0…2)', code: 'label-range', at: '3' },
    ]);
  });

  it('a network file names the softmax head', () => {
    const net = (labels: string) =>
      `{"network": {"layers": [{"weights": [[1, 0], [0, 1]], "bias": [0, 0], "activation": "softmax"}]}, "inputs": [[1, 2], [3, 4]], "labels": ${labels}}`;
    assert.deepEqual(
      problemsOf(net('[2, 0.5]'), 'n.json').filter((p) => p.code.startsWith('label')),
      [
        { message: 'label 2 of sample 0 is out of range for the 2 outputs of the softmax head (valid: 0…1)', code: 'label-range', at: '2' },
        { message: 'label 0.5 of sample 1 is not a whole number; labels are class indices 0…1', code: 'label-not-integer', at: '0.5' },
      ],
    );
    assert.deepEqual(problemsOf(net('[1, 0]'), 'n.json'), []);
  });
});
