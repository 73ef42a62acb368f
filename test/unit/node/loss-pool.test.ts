/**
 * Issue 22, compute on several cores: loss and ∂L/∂z with the rows split over real worker threads
 * (src/node/lossPool.ts) are the same bits as the single-threaded reference,
 * softmaxCrossEntropyLabelsGradient, for 1, 2 and 3 threads, both reductions, and rows with the
 * checked exp path (a row wider than exp's fast range); and the loss is the textbook value.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { labelRowRange, softmaxCrossEntropyLabelsGradient } from '../../../src/core/losses';
import { LossPool } from '../../../src/node/lossPool';
import { seededUniform } from '../../helpers/seeded';

// The workers run the entry bundled as the CLI ships it: under tsx a worker's loader would need
// this thread, which waits in Atomics.wait meanwhile.
const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-pool-'));
const script = join(dir, 'lossPoolWorker.cjs');
buildSync({
  entryPoints: [fileURLToPath(new URL('../../../src/node/lossPoolWorker.ts', import.meta.url))],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: script,
  logLevel: 'warning',
});
const pools = [1, 2, 3].map((t) => new LossPool(script, t));
after(async () => {
  await Promise.all(pools.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

function problem(n: number, k: number, seed: number) {
  const rand = seededUniform(seed);
  const z = LossPool.shared(n * k);
  for (let i = 0; i < z.length; i++) z[i] = (rand() - 0.5) * 30;
  z[3] = -800; // row 0 is wider than exp's fast range: the checked loop
  const labels = new Int32Array(new SharedArrayBuffer(4 * n));
  for (let i = 0; i < n; i++) labels[i] = Math.floor(rand() * k);
  return { z, labels };
}

describe('LossPool: rows over worker threads, the same bits as one thread', () => {
  for (const reduction of ['mean', 'sum'] as const) {
    test(`1, 2 and 3 threads, reduction ${reduction}`, () => {
      const n = 701;
      const k = 300; // 210,300 elements: three parts of at least 65,536
      const { z, labels } = problem(n, k, reduction === 'mean' ? 11 : 12);
      const reference = softmaxCrossEntropyLabelsGradient(z, labels, n, k, reduction);
      for (const pool of pools) {
        const gradient = LossPool.shared(n * k).fill(NaN);
        const losses = LossPool.shared(n).fill(NaN);
        const loss = pool.run(z, labels, n, k, reduction, gradient, losses);
        assert.ok(Object.is(loss, reference.loss), `${pool.threads} threads: loss ${loss} vs ${reference.loss}`);
        for (let i = 0; i < n * k; i++)
          if (!Object.is(gradient[i], reference.gradient[i])) assert.fail(`${pool.threads} threads: ∂L/∂z[${i}]`);
        assert.deepEqual(Array.from(losses), Array.from(reference.losses));
      }
    });
  }

  test('the loss is the mean of log Σ e^z − z_label (Math.exp, Math.log), and ∂L/∂z sums to 0 per row', () => {
    const n = 300;
    const k = 700;
    const { z, labels } = problem(n, k, 13);
    const gradient = LossPool.shared(n * k);
    const loss = pools[2].run(z, labels, n, k, 'mean', gradient, LossPool.shared(n));
    let total = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let j = 0; j < k; j++) max = Math.max(max, z[i * k + j]);
      let s = 0;
      let g = 0;
      for (let j = 0; j < k; j++) {
        s += Math.exp(z[i * k + j] - max);
        g += gradient[i * k + j];
      }
      total += Math.log(s) + max - z[i * k + labels[i]];
      assert.ok(Math.abs(g) < 1e-15, `row ${i}: Σ ∂L/∂z = ${g}`);
    }
    assert.ok(Math.abs(loss - total / n) <= 1e-13 * (total / n), `${loss} vs ${total / n}`);
  });

  test('labelRowRange over any split gives the same rows as the whole', () => {
    const n = 50;
    const k = 9;
    const { z, labels } = problem(n, k, 14);
    const reference = softmaxCrossEntropyLabelsGradient(z, labels, n, k, 'mean');
    const gradient = new Float64Array(n * k);
    const losses = new Float64Array(n);
    for (const [from, to] of [
      [0, 17],
      [17, 18],
      [18, 50],
    ])
      labelRowRange(z, labels, k, 1 / n, from, to, gradient, gradient, losses);
    assert.deepEqual(Array.from(gradient), Array.from(reference.gradient));
    assert.deepEqual(Array.from(losses), Array.from(reference.losses));
  });
});
