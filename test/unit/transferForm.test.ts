// The worker → host form of a pipeline result: what is left out and restored must equal, bit for
// bit, what the pipeline computed, for every kind of classification input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runPipeline } from '../../src/core/pipeline';
import { restoreDerived, withoutDerived } from '../../src/core/transferForm';

function json(
  input: 'logits' | 'probabilities',
  target: 'labels' | 'soft',
  reduction: 'mean' | 'sum',
): { bytes: Uint8Array; reduction: 'mean' | 'sum' } {
  let seed = 3;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
  const n = 40;
  const k = 7;
  const rows: number[][] = [];
  const ys: (number | number[])[] = [];
  for (let i = 0; i < n; i++) {
    const z = Array.from({ length: k }, () => 10 * next() - 5);
    const e = z.map(Math.exp);
    const s = e.reduce((a, b) => a + b, 0);
    rows.push(input === 'logits' ? z : e.map((v) => v / s));
    if (target === 'labels') ys.push(Math.floor(next() * k));
    else {
      const t = Array.from({ length: k }, () => next());
      const u = t.reduce((a, b) => a + b, 0);
      ys.push(t.map((v) => v / u));
    }
  }
  return {
    bytes: new TextEncoder().encode(JSON.stringify({ [input]: rows, [target === 'labels' ? 'labels' : 'targets']: ys })),
    reduction,
  };
}

function same(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  assert.equal(a.length, b.length, what);
  for (let i = 0; i < b.length; i++) if (!Object.is(a[i], b[i])) assert.fail(`${what}[${i}]: ${a[i]} vs ${b[i]}`);
}

describe('transfer form of a pipeline result', () => {
  for (const input of ['logits', 'probabilities'] as const) {
    for (const target of ['labels', 'soft'] as const) {
      for (const reduction of ['mean', 'sum'] as const) {
        it(`${input} with ${target}, ${reduction}: restored arrays equal the computed ones`, () => {
          const { bytes } = json(input, target, reduction);
          const full = runPipeline(bytes, 'batch.json', { reduction, sumTolerance: 1e-6 });
          assert.ok(full.analysis?.task === 'classification' && full.dataset?.task === 'classification');
          const slim = withoutDerived(full);
          const expectLeftOut = [...(target === 'labels' ? ['targets'] : []), ...(input === 'logits' ? ['gradient'] : [])];
          assert.deepEqual(slim.derived ?? [], expectLeftOut);
          // Through structured clone, as postMessage sends it.
          const back = restoreDerived(structuredClone(slim));
          const a = full.analysis;
          const b = back.analysis as typeof a;
          same(b.targets, a.targets, 'analysis.targets');
          same(
            (back.dataset as NonNullable<typeof full.dataset> & { targets: Float64Array }).targets,
            full.dataset.targets,
            'dataset.targets',
          );
          same(b.gradient, a.gradient, 'gradient');
          same(b.logitGradient, a.logitGradient, 'logitGradient');
          same(b.probabilities, a.probabilities, 'probabilities');
          same(b.losses, a.losses, 'losses');
          assert.equal(b.loss, a.loss);
          if (input === 'logits') assert.equal(b.gradient, b.logitGradient, 'one array, as the analysis has it');
        });

        it(`${input} with ${target}, ${reduction}: the worker's run without ∂L/∂z restores the same bits`, () => {
          const { bytes } = json(input, target, reduction);
          const full = runPipeline(bytes, 'batch.json', { reduction, sumTolerance: 1e-6 });
          const lean = runPipeline(bytes, 'batch.json', { reduction, sumTolerance: 1e-6, withoutLogitGradient: true });
          assert.ok(full.analysis?.task === 'classification' && lean.analysis?.task === 'classification');
          if (input === 'logits') assert.equal(lean.analysis.gradient, null, 'not computed');
          else same(lean.analysis.gradient, full.analysis.gradient, 'probabilities input: ∂L/∂p is computed as before');
          assert.deepEqual(lean.problems, full.problems);
          const back = restoreDerived(structuredClone(withoutDerived(lean)));
          const a = full.analysis;
          const b = back.analysis as typeof a;
          same(b.gradient, a.gradient, 'gradient');
          same(b.logitGradient, a.logitGradient, 'logitGradient');
          same(b.probabilities, a.probabilities, 'probabilities');
          same(b.losses, a.losses, 'losses');
          assert.equal(b.loss, a.loss);
        });
      }
    }
  }
});
