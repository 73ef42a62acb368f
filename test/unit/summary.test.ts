/** What the hover and the Problems panel say, computed by the core, checked against formulas. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sampleAtOffset, sampleSpan } from '../../src/core/dataset';
import { runPipeline } from '../../src/core/pipeline';
import { summarizeSample } from '../../src/core/sampleSummary';
import { lossOutlierFence } from '../../src/core/warnings';

const examples = join(__dirname, '..', '..', 'examples');
const load = (name: string) => {
  const bytes = new Uint8Array(readFileSync(join(examples, name)));
  return { bytes, ...runPipeline(bytes, name) };
};

describe('sample summary (hover content)', () => {
  it('reference example, sample 0: loss −log 0.7, p_true 0.7, gradient (p − y)/N', () => {
    const { dataset, analysis } = load('reference-example.json');
    const s = summarizeSample(dataset!, analysis!, 0);
    assert.ok(s && s.task === 'classification');
    assert.ok(Math.abs(s.loss - -Math.log(0.7)) < 1e-15);
    assert.equal(s.pTrue, 0.7);
    assert.equal(s.actual, 1);
    assert.equal(s.predicted, 1);
    assert.deepEqual(
      s.top.map((e) => e.gradient),
      [0.1 / 2, (0.7 - 1) / 2, 0.2 / 2],
    );
    assert.ok(Math.abs(s.gradientNorm - Math.hypot(0.05, 0.15, 0.1)) < 1e-15);
  });

  it('a 1000-class sample lists the 10 largest |∂L/∂z|, the true class first', () => {
    const { dataset, analysis } = load('imagenet-1000-classes.json');
    const s = summarizeSample(dataset!, analysis!, 3);
    assert.ok(s && s.task === 'classification');
    assert.equal(s.top.length, 10);
    assert.equal(s.k, 1000);
    for (let i = 1; i < s.top.length; i++) assert.ok(Math.abs(s.top[i - 1].gradient) >= Math.abs(s.top[i].gradient));
    // With a large true-class logit, (p_true − 1)/N dominates and is negative.
    assert.equal(s.top[0].index, s.actual);
    assert.ok(s.top[0].gradient < 0);
  });

  it('regression: gradient 2(ŷ − y)/(N·D)', () => {
    const { dataset, analysis } = load('regression.json');
    const s = summarizeSample(dataset!, analysis!, 7);
    assert.ok(s && s.task === 'regression' && dataset!.task === 'regression');
    for (let j = 0; j < 2; j++) assert.ok(Math.abs(s.gradient[j] - (2 * (s.predictions[j] - s.targets[j])) / (12 * 2)) < 1e-15);
  });
});

describe('sample positions', () => {
  it('every sample span of a JSON file covers exactly its row text', () => {
    const { bytes, dataset } = load('cifar10-logits.json');
    const text = new TextDecoder().decode(bytes);
    const lines = text.split('\n');
    for (let i = 0; i < dataset!.n; i++) {
      const span = sampleSpan(dataset!, i)!;
      const row = text.slice(span.start, span.end);
      assert.ok(row.startsWith('[') && row.endsWith(']'));
      assert.equal(JSON.parse(row).length, 10);
      assert.equal(lines[3 + i].trim().replace(/,$/, ''), row);
      assert.equal(sampleAtOffset(dataset!, span.start + 3)!.index, i);
    }
  });

  it('a label element maps back to its sample', () => {
    const { bytes, dataset } = load('cifar10-logits.json');
    const text = new TextDecoder().decode(bytes);
    const labelsAt = text.indexOf('"labels": [') + '"labels": ['.length;
    assert.deepEqual(sampleAtOffset(dataset!, labelsAt), { index: 0, role: 'labels' });
  });
});

describe('data warnings', () => {
  it('flags the three confidently wrong samples planted in the CIFAR example', () => {
    const { problems, analysis } = load('cifar10-logits.json');
    const wrong = problems.filter((p) => p.code === 'confidently-wrong');
    assert.ok(analysis?.task === 'classification');
    const flagged = wrong.map((p) => Number(/sample (\d+)/.exec(p.message)![1]));
    for (const i of [5, 13, 21]) assert.ok(flagged.includes(i), `sample ${i} should be flagged: ${flagged}`);
    for (const i of flagged) assert.ok(analysis.pTrue[i] < 0.1 && analysis.predicted[i] !== analysis.actual[i]);
  });

  it('Tukey fence: Q3 + 3·IQR on a known set', () => {
    const losses = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 100]);
    // Q1 = 3, Q3 = 7 (linear interpolation), IQR = 4 → fence 19
    assert.equal(lossOutlierFence(losses, 3), 19);
  });

  it('flags the planted regression outlier (sample 7) and nothing else', () => {
    const { problems } = load('regression.json');
    const outliers = problems.filter((p) => p.code === 'loss-outlier');
    assert.deepEqual(outliers.map((p) => /sample (\d+)/.exec(p.message)![1]), ['7']);
  });

  it('the broken example reports every problem, located, and no dataset', () => {
    const { problems, dataset } = load('broken.json');
    assert.equal(dataset, null);
    assert.deepEqual(
      problems.map((p) => p.code),
      ['probabilities-sum', 'probabilities-range', 'probabilities-range', 'label-range'],
    );
  });
});
