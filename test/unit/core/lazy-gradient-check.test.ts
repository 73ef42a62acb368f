// The finite-difference check of a large logits file with class indices holds neither the n × k
// gradient nor a copy of the logits: ∂L/∂z comes a row at a time (labelsGradientByRows) and the
// probes move the logits in place. Both must leave every figure as the whole-array way gives it,
// and the logits as they were.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkDatasetGradients, labelsGradientByRows } from '../../../src/core/datasetCheck';
import { labelledLogits } from '../../../src/core/dataset';
import { checkGradient } from '../../../src/core/gradcheck';
import { softmaxCrossEntropyLabelsGradient, type Reduction } from '../../../src/core/losses';
import { seededUniform } from '../../helpers/seeded';

function logits(n: number, k: number, seed: number): { values: Float64Array; labels: Int32Array } {
  const rand = seededUniform(seed);
  const values = Float64Array.from({ length: n * k }, () => (rand() - 0.5) * 20);
  const labels = Int32Array.from({ length: n }, () => Math.floor(rand() * k));
  return { values, labels };
}

const same = (a: number, b: number) => Object.is(a, b);

describe('labelsGradientByRows: ∂L/∂z of softmax cross-entropy with class indices, a row at a time', () => {
  // K = 1,000 makes blocks of 262 rows, so 600 rows are three blocks, the last one short.
  for (const [n, k] of [
    [600, 1000],
    [7, 3],
    [1, 2],
  ] as const)
    for (const reduction of ['mean', 'sum'] as Reduction[])
      it(`n = ${n}, K = ${k}, ${reduction}: every coordinate and the largest |value| are the whole array's bits`, () => {
        const { values, labels } = logits(n, k, 7 * n + k);
        const whole = softmaxCrossEntropyLabelsGradient(values, labels, n, k, reduction).gradient;
        const lazy = labelsGradientByRows(values, labels, n, k, reduction);
        let maxAbs = 0;
        for (const v of whole) maxAbs = Math.max(maxAbs, Math.abs(v));
        assert.ok(same(lazy.maxAbs, maxAbs), `maxAbs ${lazy.maxAbs} vs ${maxAbs}`);
        // Forwards, then backwards and jumping (each row recomputed): the same bits every time.
        const order = [...whole.keys(), ...[...whole.keys()].reverse(), ...[...whole.keys()].filter((i) => i % 37 === 0)];
        for (const i of order) if (!same(lazy.at(i), whole[i])) assert.fail(`coordinate ${i}: ${lazy.at(i)} vs ${whole[i]}`);
        // The rows of p − y sum to 0 (times the scale): the values are a gradient, not just equal arrays.
        for (let r = 0; r < n; r++) {
          let sum = 0;
          for (let j = 0; j < k; j++) sum += lazy.at(r * k + j);
          assert.ok(Math.abs(sum) < 1e-12, `row ${r} sums to ${sum}`);
        }
      });
});

describe('checkGradient with probes in place', () => {
  const { values, labels } = logits(50, 10, 3);
  const f = (x: Float64Array) => softmaxCrossEntropyLabelsGradient(x, labels, 50, 10, 'mean').loss;
  const gradient = softmaxCrossEntropyLabelsGradient(values, labels, 50, 10, 'mean').gradient;

  it('gives the result of probing a copy, and leaves x bit for bit as it was', () => {
    const before = Float64Array.from(values);
    const copied = checkGradient(f, values, gradient, { maxCoordinates: 120 });
    const inPlace = checkGradient(f, values, gradient, { maxCoordinates: 120, probeInPlace: true });
    assert.deepEqual(inPlace, copied);
    assert.ok(copied.passed && copied.checked === 120);
    assert.ok(values.every((v, i) => same(v, before[i])));
  });

  it('puts the coordinate back when f throws', () => {
    const before = Float64Array.from(values);
    let calls = 0;
    const throwing = (x: Float64Array) => {
      if (++calls === 2) throw new Error('f failed');
      return f(x);
    };
    assert.throws(() => checkGradient(throwing, values, gradient, { probeInPlace: true }), /f failed/);
    assert.ok(values.every((v, i) => same(v, before[i])));
  });

  it('takes a lazy gradient as it takes the array: the same result', () => {
    const lazy = labelsGradientByRows(values, labels, 50, 10, 'mean');
    assert.deepEqual(checkGradient(f, values, lazy, { maxCoordinates: 200 }), checkGradient(f, values, gradient, { maxCoordinates: 200 }));
  });
});

describe('checkDatasetGradients on logits with class indices', () => {
  it('reports the figures of the whole-array check, and a wrong gradient still fails', () => {
    const n = 300;
    const k = 40;
    const { values, labels } = logits(n, k, 11);
    const data = labelledLogits(values, labels, n, k);
    const { name, ...check } = checkDatasetGradients(data, 'mean', 500)[0];
    assert.match(name, /softmax \+ cross-entropy/);
    // The way before: the full gradient, probes on a copy, each probe its sample's loss times 1/n.
    const whole = softmaxCrossEntropyLabelsGradient(values, labels, n, k, 'mean').gradient;
    const sampleLoss = (x: Float64Array, changed: number) => {
      const r = Math.floor(changed / k);
      return softmaxCrossEntropyLabelsGradient(x.subarray(r * k, r * k + k), labels.subarray(r, r + 1), 1, k, 'sum').loss * (1 / n);
    };
    assert.deepEqual(check, checkGradient(sampleLoss, Float64Array.from(values), whole, { maxCoordinates: 500 }));
    assert.ok(check.passed && check.checked === 500 && check.maxAbsoluteError < 1e-9);
    // A gradient off by 1 % fails the same probes: the check still judges.
    assert.equal(
      checkGradient(
        sampleLoss,
        values,
        whole.map((v) => v * 1.01),
        { maxCoordinates: 500 },
      ).passed,
      false,
    );
  });
});
