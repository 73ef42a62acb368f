// "Confidently wrong" needs a confident prediction, scaled with K, and says its threshold: run on
// the bundled examples through the real pipeline.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runPipeline } from '../../../src/core/pipeline';
import { confidenceThreshold } from '../../../src/core/warnings';

const EXAMPLES = join(__dirname, '../../../examples');
const warned = (name: string, warnings = {}) => {
  const r = runPipeline(new Uint8Array(readFileSync(join(EXAMPLES, name))), name, { warnings });
  return {
    problems: r.problems.filter((p) => p.code === 'confidently-wrong'),
    analysis: r.analysis as {
      k: number;
      n: number;
      predicted: Int32Array;
      actual: Int32Array;
      pTrue: Float64Array;
      probabilities: Float64Array;
    },
  };
};

test('confidenceThreshold: max(base, 2/K) capped at 0.9', () => {
  assert.equal(confidenceThreshold(2), 0.9);
  assert.equal(confidenceThreshold(3), 2 / 3);
  assert.equal(confidenceThreshold(4), 0.5);
  assert.equal(confidenceThreshold(1000), 0.5);
  assert.equal(confidenceThreshold(1000, 0.3), 0.3);
  assert.equal(confidenceThreshold(10, 0.95), 0.9);
});

test('ImageNet example: wrong guesses at top-p 6–19 % are not confidently wrong; CIFAR: exactly the wrong ones with p ≥ 0.5', () => {
  assert.deepEqual(warned('imagenet-1000-classes.json').problems, []);
  assert.deepEqual(warned('iris-logits.csv').problems, [], 'Iris sample 2 at 54 % among 3 classes is under 2/3');
  const { problems, analysis: a } = warned('cifar10-logits.json');
  const expected: number[] = [];
  for (let i = 0; i < a.n; i++)
    if (a.predicted[i] !== a.actual[i] && a.pTrue[i] < 0.1 && a.probabilities[i * a.k + a.predicted[i]] >= 0.5) expected.push(i);
  assert.deepEqual(
    problems.map((p) => Number(/sample (\d+)/.exec(p.message)![1])),
    expected,
  );
  assert.deepEqual(expected, [5, 13, 15, 21]);
  assert.match(
    problems[0].message,
    /with p = 0\.998 \(confident: p ≥ 0\.5, i\.e\. max\(0\.5, 2\/K\) for K = 10, at most 0\.9\); p_true = 0\.000788 < 0\.1/,
  );
});

test('the setting moves the threshold: base 0.25 flags ImageNet samples no more (their top p is under 0.19), base 0.05 does', () => {
  assert.equal(warned('imagenet-1000-classes.json', { confidentAbove: 0.25 }).problems.length, 0);
  const low = warned('imagenet-1000-classes.json', { confidentAbove: 0.05 }).problems;
  assert.deepEqual(
    low.map((p) => Number(/sample (\d+)/.exec(p.message)![1])),
    [0, 4, 5, 7, 9, 12, 15],
  );
  assert.match(low[0].message, /confident: p ≥ 0\.05, i\.e\. max\(0\.05, 2\/K\) for K = 1000/);
});

test('the worker’s analysis (rowsOnDemand: no N × K probabilities) gives the same warnings, read from p of the predicted class', () => {
  for (const [name, warnings] of [
    ['cifar10-logits.json', {}],
    ['imagenet-1000-classes.json', { confidentAbove: 0.05 }],
  ] as const) {
    const bytes = new Uint8Array(readFileSync(join(EXAMPLES, name)));
    const full = runPipeline(bytes, name, { warnings });
    const lazy = runPipeline(bytes, name, { warnings, rowsOnDemand: true });
    assert.equal(lazy.analysis?.task === 'classification' && lazy.analysis.probabilities, null, `${name}: no N × K p kept`);
    assert.ok(
      full.problems.some((p) => p.code === 'confidently-wrong'),
      `${name} has confidently-wrong samples`,
    );
    assert.deepEqual(lazy.problems, full.problems, name);
  }
});
