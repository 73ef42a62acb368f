// Compare with Finite Differences on a classification or regression file, entry by entry (issue 18):
// every entry's central difference, the analytic gradient and their relative error, as the panel's
// "Finite differences" tab draws them; a large file keeps the sampled check.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runPipeline } from '../../../src/core/pipeline';
import { datasetFiniteDifferences, MAX_FINITE_DIFFERENCE_ENTRIES } from '../../../src/core/datasetFiniteDifferences';
import { TensorStore, type GradientCheckAnswer } from '../../../src/core/tensorQuery';
import { finiteDifferencePayload } from '../../../src/extension/finiteDifferencePayload';

const example = (name: string) => runPipeline(new Uint8Array(readFileSync(join(__dirname, '..', '..', '..', 'examples', name))), name);

for (const name of ['cifar10-logits.json', 'regression.json', 'iris-logits.csv']) {
  test(`${name}: every entry probed; the analytic values are the analysis' gradient; relative error as defined`, () => {
    const result = example(name);
    const data = result.dataset!;
    assert.ok(data.task === 'classification' || data.task === 'regression');
    const t = datasetFiniteDifferences(data, 'mean')!;
    const width = data.task === 'classification' ? data.k : data.d;
    assert.deepEqual([t.rows, t.cols], [data.n, width]);
    const gradient = result.analysis!.gradient;
    for (let i = 0; i < t.analytic.length; i++) {
      if (t.skipped[i]) continue;
      assert.ok(Math.abs(t.analytic[i] - gradient[i]) <= 1e-15 + 1e-12 * Math.abs(gradient[i]), `analytic ${i}`);
      const a = t.analytic[i];
      const n = t.numeric[i];
      const scale = Math.max(Math.abs(a), Math.abs(n));
      assert.equal(t.relative[i], scale === 0 ? 0 : Math.abs(a - n) / scale, `relative ${i}`);
    }
    assert.equal(
      t.wrong.reduce((s, v) => s + v, 0),
      0,
      'every entry agrees with its central difference',
    );
    assert.equal(t.check.checked + t.skipped.reduce((s, v) => s + v, 0), t.rows * t.cols);
    const payload = finiteDifferencePayload([t]);
    assert.equal(payload.tensors[0].givenLabel, 'finite difference');
    assert.match(payload.tensors[0].worst[0].entry, /^\[\d+\]\[\d+\]$/);
  });
}

test('the store answers a small file with every entry and a large one with the sampled check only', () => {
  const small = new TensorStore(example('cifar10-logits.json')).answer({ kind: 'gradientCheck', reduction: 'mean' }) as GradientCheckAnswer;
  assert.ok(small.perEntry);
  assert.equal(small.checks[0], small.perEntry.check);
  const n = Math.ceil(MAX_FINITE_DIFFERENCE_ENTRIES / 10) + 1;
  const logits = Array.from({ length: n }, (_, i) => Array.from({ length: 10 }, (_, j) => Math.sin(i * 10 + j)));
  const big = runPipeline(new TextEncoder().encode(JSON.stringify({ logits, labels: logits.map((_, i) => i % 10) })), 'big.json');
  const answer = new TensorStore(big).answer({ kind: 'gradientCheck', reduction: 'mean' }) as GradientCheckAnswer;
  assert.equal(answer.perEntry, null);
  assert.equal(answer.checks[0].checked, 2000, 'the sampled check of a large file');
  assert.ok(answer.checks[0].passed);
});
