// summarizeClassification (what `analyze --summary` prints) against the full analysis: the same
// loss, per-sample losses, predictions and accuracy, bit for bit, for every kind of input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { analyzeClassification } from '../../../src/core/analysis';
import type { ClassificationData } from '../../../src/core/dataset';
import { accuracy } from '../../../src/core/analysisReport';
import { summarizeClassification } from '../../../src/core/lossSummary';

const kinds = [
  ['logits', 'labels'],
  ['logits', 'soft'],
  ['probabilities', 'labels'],
  ['probabilities', 'soft'],
] as const;

function dataset(
  input: 'logits' | 'probabilities',
  target: 'labels' | 'soft',
  n: number,
  k: number,
  raw: number[],
  extra: number[],
  labelsRaw: number[],
): ClassificationData {
  const values = new Float64Array(n * k);
  const targets = new Float64Array(n * k);
  const labels = target === 'labels' ? new Int32Array(n) : null;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) {
      const v = raw[(i * k + j) % raw.length];
      values[i * k + j] = input === 'logits' ? v : Math.exp(v / 10);
      s += values[i * k + j];
    }
    if (input === 'probabilities') for (let j = 0; j < k; j++) values[i * k + j] /= s;
    if (labels) labels[i] = labelsRaw[i % labelsRaw.length] % k;
    else {
      let t = 0;
      for (let j = 0; j < k; j++) t += targets[i * k + j] = extra[(i * k + j) % extra.length];
      for (let j = 0; j < k; j++) targets[i * k + j] /= t;
    }
  }
  const given = labels ? { labels, targets: null } : { labels: null, targets };
  return { task: 'classification', input, n, k, values, ...given, classes: null, spans: [] };
}

describe('summarizeClassification', () => {
  for (const [input, target] of kinds) {
    it(`${input} with ${target}: the analysis's loss, losses, predictions and accuracy, bit for bit`, () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 12 }),
          fc.integer({ min: 1, max: 9 }),
          // Integers/8 make exact ties between logits (and so between probabilities) common.
          fc.array(
            fc.oneof(
              fc.integer({ min: -80, max: 80 }).map((v) => v / 8),
              fc.double({ min: -1000, max: 1000, noNaN: true }),
            ),
            { minLength: 1, maxLength: 60 },
          ),
          fc.array(fc.double({ min: 0.01, max: 5, noNaN: true }), { minLength: 1, maxLength: 30 }),
          fc.array(fc.nat(100), { minLength: 1, maxLength: 12 }),
          fc.constantFrom('mean' as const, 'sum' as const),
          (n, k, raw, extra, labelsRaw, reduction) => {
            const d = dataset(input, target, n, k, raw, extra, labelsRaw);
            const full = analyzeClassification(d, { reduction });
            const s = summarizeClassification(d, { reduction });
            assert.ok(Object.is(s.loss, full.loss), `loss ${s.loss} vs ${full.loss}`);
            for (let i = 0; i < n; i++) {
              assert.ok(Object.is(s.losses[i], full.losses[i]), `loss ${i}`);
              assert.equal(s.predicted[i], full.predicted[i], `predicted ${i}`);
              assert.equal(s.actual[i], full.actual[i], `actual ${i}`);
            }
            assert.equal(s.accuracy, accuracy(full.predicted, full.actual));
          },
        ),
        { numRuns: 300 },
      );
    });
  }

  it('a hand-computed case: p = [0.7, 0.2, 0.1], [0.1, 0.3, 0.6] with labels 0, 2 → mean of −log 0.7 and −log 0.6', () => {
    const d = dataset('probabilities', 'labels', 2, 3, [0], [1], [0]);
    d.values.set([0.7, 0.2, 0.1, 0.1, 0.3, 0.6]);
    d.labels!.set([0, 2]);
    const s = summarizeClassification(d);
    assert.ok(Math.abs(s.loss - (-Math.log(0.7) - Math.log(0.6)) / 2) < 1e-15);
    assert.equal(s.accuracy, 1);
  });
});
