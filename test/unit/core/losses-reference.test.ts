/**
 * The named losses (issue 19) against PyTorch autograd in float64: every case of
 * test/fixtures/loss-reference.json (test/reference/make_loss_reference.py) through the CLI, in
 * process, with the case's own "loss" or flags; then finite differences against the analytic
 * gradient of every loss, on the reference cases and on fast-check's seeded random inputs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { runCli } from '../../../src/cli/commands';
import { checkDatasetGradients } from '../../../src/core/datasetCheck';
import { loadTensorFile } from '../../../src/core/load';
import { analyze } from '../../../src/core/analysis';
import { effectiveTargets } from '../../../src/core/loss/effectiveTargets';
import { assertClose } from '../../helpers/close';

interface Case {
  name: string;
  file: Record<string, unknown>;
  reduction: 'mean' | 'sum';
  loss: number;
  losses: number[];
  gradient: number[] | number[][];
  cli?: string[];
  jacobian?: { sample: number; jacobian: number[][] };
}

const reference = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'loss-reference.json'), 'utf8')) as {
  suggestedTolerance: { relative: number; absolute: number };
  cases: Case[];
};
const { relative, absolute } = reference.suggestedTolerance;

function analyzeJson(file: object, args: string[] = [], command = 'analyze'): { status: number; out: string; err: string } {
  const bytes = new TextEncoder().encode(JSON.stringify(file));
  let out = '';
  let err = '';
  const status = runCli([command, 'case.json', '--json', ...args], {
    readFile: (path) => {
      if (path === 'case.json') return bytes;
      throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    },
    fileSize: () => bytes.length,
    out: (t) => (out += t),
    err: (t) => (err += t),
  });
  return { status, out, err };
}

describe('named losses match PyTorch (float64 autograd)', () => {
  it('covers every loss of the issue', () => {
    const names = new Set(
      reference.cases.map((c) =>
        typeof c.file.loss === 'string' ? c.file.loss : ((c.file.loss as { name?: string } | undefined)?.name ?? c.cli?.[1]),
      ),
    );
    for (const name of [
      'cross_entropy',
      'nll',
      'kl_div',
      'binary_cross_entropy_with_logits',
      'binary_cross_entropy',
      'mse',
      'l1',
      'smooth_l1',
      'huber',
    ])
      assert.ok(names.has(name), name);
  });
  for (const c of reference.cases) {
    it(c.name, () => {
      const { status, out, err } = analyzeJson(c.file, c.cli);
      assert.equal(err, '');
      assert.equal(status, 0);
      const actual = JSON.parse(out);
      assert.equal(actual.reduction, c.reduction);
      assertClose(actual.loss, c.loss, relative, absolute, 'loss');
      assertClose(actual.losses, c.losses, relative, absolute, 'losses');
      // A flat list of binary logits is an N × 1 column: compare its gradient flat.
      const gradient = Array.isArray(c.gradient[0]) ? actual.gradient : actual.gradient.flat();
      assertClose(gradient, c.gradient, relative, absolute, 'gradient');
      const expectedName = c.cli ? c.cli[1] : typeof c.file.loss === 'string' ? c.file.loss : (c.file.loss as { name: string }).name;
      assert.equal(actual.lossFunction.name, expectedName);
    });
  }
});

describe('the sigmoid losses’ Jacobian is σ(1 − σ) on the diagonal (torch.autograd.functional.jacobian)', () => {
  for (const c of reference.cases) {
    if (!c.jacobian) continue;
    it(c.name, () => {
      const { status, out } = analyzeJson(c.file, ['--sample', String(c.jacobian!.sample)], 'jacobian');
      assert.equal(status, 0);
      const actual = JSON.parse(out);
      assert.equal(actual.activation, 'sigmoid');
      assertClose(actual.jacobian, c.jacobian!.jacobian, relative, absolute, 'jacobian');
      assert.ok(actual.softmaxJacobian[0][1] < 0, 'softmax’s, beside it, couples the outputs');
    });
  }
});

describe('the panel’s target for the softmax-family losses: (p Σc − c)·scale is the analysis’s ∂L/∂z', () => {
  for (const c of reference.cases) {
    if (c.cli) continue;
    const dataset = loadTensorFile(new TextEncoder().encode(JSON.stringify(c.file)), 'case.json').dataset;
    if (dataset?.task !== 'classification' || !dataset.loss || dataset.loss.name.startsWith('binary_')) continue;
    it(c.name, () => {
      const a = analyze(dataset);
      assert.ok(a.task === 'classification');
      const e = effectiveTargets(dataset, a, dataset.loss!)!;
      const { n, k } = a;
      for (let i = 0; i < n; i++) {
        let sum = 0;
        for (let j = 0; j < k; j++) sum += e.targets[i * k + j];
        for (let j = 0; j < k; j++) {
          const want = a.logitGradient[i * k + j];
          const got = (a.probabilities[i * k + j] * sum - e.targets[i * k + j]) * e.scale;
          assert.ok(Math.abs(got - want) <= 1e-12 + 1e-9 * Math.abs(want), `sample ${i} class ${j}: ${got} vs ${want}`);
        }
      }
    });
  }
});

describe('finite differences agree with every named loss’s analytic gradient', () => {
  for (const c of reference.cases) {
    if (c.cli) continue;
    it(c.name, () => {
      const loaded = loadTensorFile(new TextEncoder().encode(JSON.stringify(c.file)), 'case.json');
      assert.ok(loaded.dataset, JSON.stringify(loaded.problems));
      const checks = checkDatasetGradients(loaded.dataset!, 'mean');
      for (const check of checks) {
        assert.ok(check.passed, `${check.name}: analytic ${check.analytic} vs numeric ${check.numeric}`);
        assert.ok(check.checked > 0);
      }
    });
  }

  // Seeded random inputs (fast-check's default seed is fixed per run with `seed`).
  const row = (k: number, min: number, max: number) =>
    fc.array(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), { minLength: k, maxLength: k });
  const classification = fc.integer({ min: 2, max: 5 }).chain((k) =>
    fc.record({
      k: fc.constant(k),
      logits: fc.array(row(k, -8, 8), { minLength: 1, maxLength: 5 }),
      weight: row(k, 0.1, 3),
      smoothing: fc.double({ min: 0, max: 1, noNaN: true }),
      soft: fc.array(row(k, 0, 1), { minLength: 5, maxLength: 5 }),
    }),
  );
  const spec = { seed: 19, numRuns: 60 };

  it('cross_entropy with weight and label_smoothing, class indices and soft targets', () => {
    fc.assert(
      fc.property(classification, fc.boolean(), ({ k, logits, weight, smoothing, soft }, useLabels) => {
        const n = logits.length;
        const labels = logits.map((_, i) => (i === 1 ? -100 : (i * 7) % k));
        const targets = soft.slice(0, n).map((r) => {
          const s = r.reduce((a, b) => a + b, 0) || 1;
          return s === 1 && r.every((v) => v === 0) ? r.map(() => 1 / k) : r.map((v) => v / s);
        });
        if (!useLabels && targets.some((r) => Math.abs(r.reduce((a, b) => a + b, 0) - 1) > 1e-9)) return;
        if (useLabels && labels.every((l) => l === -100)) return;
        const file = {
          loss: { name: 'cross_entropy', weight, label_smoothing: smoothing },
          logits,
          ...(useLabels ? { labels } : { targets }),
        };
        const loaded = loadTensorFile(new TextEncoder().encode(JSON.stringify(file)), 'r.json');
        assert.ok(loaded.dataset, JSON.stringify(loaded.problems));
        for (const check of checkDatasetGradients(loaded.dataset!, 'mean'))
          assert.ok(check.passed, `${check.name}: ${check.analytic} vs ${check.numeric}`);
      }),
      spec,
    );
  });

  it('the binary and regression losses, away from their kinks', () => {
    const names = ['binary_cross_entropy_with_logits', 'binary_cross_entropy', 'mse', 'l1', 'smooth_l1', 'huber'] as const;
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        classification,
        fc.double({ min: 0.1, max: 2, noNaN: true }),
        (name, { logits, weight, soft }, threshold) => {
          const n = logits.length;
          const targets = soft.slice(0, n);
          let file: object;
          if (name === 'binary_cross_entropy_with_logits') file = { loss: { name, pos_weight: weight, weight }, logits, targets };
          else if (name === 'binary_cross_entropy')
            file = { loss: name, probabilities: logits.map((r) => r.map((z) => 1 / (1 + Math.exp(-z / 4)))), targets };
          else
            file = {
              loss: { name, ...(name === 'smooth_l1' ? { beta: threshold } : name === 'huber' ? { delta: threshold } : {}) },
              predictions: logits,
              targets: targets.map((r) => r.map((v) => v * 4 - 2)),
            };
          const loaded = loadTensorFile(new TextEncoder().encode(JSON.stringify(file)), 'r.json');
          assert.ok(loaded.dataset, JSON.stringify(loaded.problems));
          for (const check of checkDatasetGradients(loaded.dataset!, 'mean'))
            assert.ok(check.passed, `${name} ${check.name}: ${check.analytic} vs ${check.numeric}`);
        },
      ),
      spec,
    );
  });
});
