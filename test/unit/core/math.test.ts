import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { checkDatasetGradients } from '../../../src/core/datasetCheck';
import { checkGradient } from '../../../src/core/gradcheck';
import { runPipeline } from '../../../src/core/pipeline';
import {
  meanSquaredError,
  probabilityCrossEntropy,
  softmaxCrossEntropy,
  softmaxCrossEntropyGradient,
  softmaxCrossEntropyInto,
  softmaxCrossEntropyLabels,
  softmaxCrossEntropyLabelsGradient,
  softmaxCrossEntropyLabelsInto,
} from '../../../src/core/losses';
import { logSoftmax, matTransposeVec, softmax, softmaxBackward, softmaxJacobian } from '../../../src/core/softmax';
import { seededUniform } from '../../helpers/seeded';

const f64 = (xs: number[]) => Float64Array.from(xs);

describe('softmax', () => {
  it('matches exp(z)/Σexp(z) on a hand-computed row', () => {
    const p = softmax(f64([1, 2, 3]), 1, 3);
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    const s = e[0] + e[1] + e[2];
    e.forEach((v, j) => assert.ok(Math.abs(p[j] - v / s) < 1e-15));
    // Golden: softmax([1,2,3]) = [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]
    assert.ok(Math.abs(p[2] - 0.6652409557748219) < 1e-15);
  });

  it('stays finite and exact for logits of ±1000', () => {
    const p = softmax(f64([1000, 999, -1000]), 1, 3);
    assert.ok(Math.abs(p[0] - 1 / (1 + Math.exp(-1))) < 1e-15);
    assert.ok(Math.abs(p[1] - Math.exp(-1) / (1 + Math.exp(-1))) < 1e-15);
    assert.equal(p[2], 0);
    const lp = logSoftmax(f64([1000, -1000]), 1, 2);
    assert.equal(lp[0], 0);
    assert.equal(lp[1], -2000);
  });

  it('sums to 1 on any finite row (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 2, maxLength: 40 }), (z) => {
        const p = softmax(f64(z), 1, z.length);
        const sum = p.reduce((a, b) => a + b, 0);
        return Math.abs(sum - 1) < 1e-12 && p.every((v) => v >= 0 && v <= 1);
      }),
    );
  });
});

describe('softmax Jacobian', () => {
  it('is diag(p) − p pᵀ: golden entries for p = softmax([1,2,3])', () => {
    const p = softmax(f64([1, 2, 3]), 1, 3);
    const J = softmaxJacobian(p);
    assert.ok(Math.abs(J[0] - p[0] * (1 - p[0])) < 1e-16);
    assert.ok(Math.abs(J[1] - -p[0] * p[1]) < 1e-16);
    assert.ok(Math.abs(J[8] - 0.22269542653462335) < 1e-15); // p2(1 − p2), from NumPy
  });

  it('has rows summing to 0, is symmetric and positive semi-definite (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -30, max: 30, noNaN: true }), { minLength: 2, maxLength: 12 }),
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (z, v) => {
          const k = z.length;
          const J = softmaxJacobian(softmax(f64(z), 1, k));
          let quad = 0;
          for (let r = 0; r < k; r++) {
            let rowSum = 0;
            for (let c = 0; c < k; c++) {
              rowSum += J[r * k + c];
              if (Math.abs(J[r * k + c] - J[c * k + r]) > 1e-17) return false;
              quad += v[r] * J[r * k + c] * v[c];
            }
            // Row r sums to p_r·(1 − Σp), and a rounded Σp of k terms is off from 1 by up to k·ε
            // (z = [30, 0 × 10] gives 1.00000000000265e-15 in row 0): the bound is 2kε, not 1e-15.
            if (Math.abs(rowSum) > 2 * k * Number.EPSILON) return false;
          }
          return quad >= -1e-15;
        },
      ),
    );
  });

  it('equals finite differences of softmax column by column', () => {
    const z = f64([0.3, -1.2, 2.5, 0.0]);
    const k = 4;
    const J = softmaxJacobian(softmax(z, 1, k));
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < k; c++) {
        const h = 1e-6;
        const zp = Float64Array.from(z);
        const zm = Float64Array.from(z);
        zp[c] += h;
        zm[c] -= h;
        const numeric = (softmax(zp, 1, k)[j] - softmax(zm, 1, k)[j]) / (2 * h);
        assert.ok(Math.abs(numeric - J[j * k + c]) < 1e-9, `J[${j}][${c}]`);
      }
    }
  });

  it('chain rule: Jᵀ · ∂L/∂p = ∂L/∂z = p − y (explicit and O(K) forms agree)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -20, max: 20, noNaN: true }), { minLength: 2, maxLength: 10 }), fc.nat(), (z, t) => {
        const k = z.length;
        const label = t % k;
        const p = softmax(f64(z), 1, k);
        const gradP = new Float64Array(k);
        gradP[label] = -1 / p[label];
        const explicit = matTransposeVec(softmaxJacobian(p), gradP);
        const fast = softmaxBackward(p, gradP);
        for (let j = 0; j < k; j++) {
          const expected = p[j] - (j === label ? 1 : 0);
          if (Math.abs(explicit[j] - expected) > 1e-9 || Math.abs(fast[j] - expected) > 1e-9) return false;
        }
        return true;
      }),
    );
  });
});

describe('cross-entropy', () => {
  it('reproduces the reference document: loss 0.7803 for its two samples', () => {
    const p = f64([0.1, 0.7, 0.2, 0.3, 0.4, 0.3]);
    const y = f64([0, 1, 0, 1, 0, 0]);
    const r = probabilityCrossEntropy(p, y, 2, 3);
    assert.ok(Math.abs(r.loss - (-Math.log(0.7) - Math.log(0.3)) / 2) < 1e-15);
    assert.equal(r.loss.toFixed(4), '0.7803');
    // ∂L/∂p = −y/(p·N)
    assert.ok(Math.abs(r.gradient[1] - -1 / (0.7 * 2)) < 1e-15);
    assert.ok(Math.abs(r.gradient[3] - -1 / (0.3 * 2)) < 1e-15);
    assert.equal(r.gradient[0], 0);
  });

  it('clips probabilities to [1e-7, 1 − 1e-7] before the log', () => {
    const r = probabilityCrossEntropy(f64([0, 1]), f64([1, 0]), 1, 2);
    assert.ok(Math.abs(r.loss - -Math.log(1e-7)) < 1e-12);
    assert.equal(r.gradient[0], 0); // clamp's own derivative outside the range
  });

  it('from logits with a label: L = −z_y + log Σ exp z, gradient (p − y)/N', () => {
    const z = f64([2, 1, 0.1, 0.5, 2.5, 0.3]);
    const y = f64([1, 0, 0, 0, 1, 0]);
    const r = softmaxCrossEntropy(z, y, 2, 3);
    const l0 = -2 + Math.log(Math.exp(2) + Math.exp(1) + Math.exp(0.1));
    const l1 = -2.5 + Math.log(Math.exp(0.5) + Math.exp(2.5) + Math.exp(0.3));
    assert.ok(Math.abs(r.losses[0] - l0) < 1e-15);
    assert.ok(Math.abs(r.loss - (l0 + l1) / 2) < 1e-15);
    for (let i = 0; i < 6; i++) assert.ok(Math.abs(r.gradient[i] - (r.probabilities[i] - y[i]) / 2) < 1e-16);
  });

  it('gives 2000 for logits [1000, −1000] with label 1, with gradient [0.5, −0.5] (N = 1 → [1, −1])', () => {
    const r = softmaxCrossEntropy(f64([1000, -1000]), f64([0, 1]), 1, 2);
    assert.equal(r.loss, 2000);
    assert.deepEqual(Array.from(r.gradient), [1, -1]);
  });

  it('class indices give the same bits as one-hot rows, with or without ∂L/∂z (…Into with null), and without p (…Gradient)', () => {
    // Rows in exp's fast range, with a −∞ logit, wider than 708, and a confidently right one.
    const z = f64([2, 1, 0.1, -7.5, 0.5, -Infinity, 2.5, 0.3, 0, -800, 3, -1, 1000, -1000, 0, 1]);
    const labels = Int32Array.from([0, 2, 1, 0]);
    const n = 4;
    const k = 4;
    const y = new Float64Array(n * k);
    labels.forEach((c, i) => (y[i * k + c] = 1));
    for (const reduction of ['mean', 'sum'] as const) {
      const dense = softmaxCrossEntropy(z, y, n, k, reduction);
      const byLabel = softmaxCrossEntropyLabels(z, labels, n, k, reduction);
      const forms = [
        byLabel,
        softmaxCrossEntropyInto(z, y, n, k, reduction, null),
        softmaxCrossEntropyLabelsInto(z, labels, n, k, reduction, null),
      ];
      for (const r of forms) {
        assert.ok(Object.is(r.loss, dense.loss));
        assert.deepEqual(Array.from(r.losses), Array.from(dense.losses));
        assert.deepEqual(Array.from(r.probabilities), Array.from(dense.probabilities));
      }
      assert.deepEqual(Array.from(byLabel.gradient), Array.from(dense.gradient));
      // Loss and gradient without p, in a fresh array or a reused one: the same bits again.
      const reused = new Float64Array(n * k).fill(NaN);
      for (const r of [
        softmaxCrossEntropyGradient(z, y, n, k, reduction),
        softmaxCrossEntropyLabelsGradient(z, labels, n, k, reduction),
        softmaxCrossEntropyLabelsGradient(z, labels, n, k, reduction, reused),
      ]) {
        assert.ok(Object.is(r.loss, dense.loss));
        assert.deepEqual(Array.from(r.losses), Array.from(dense.losses));
        assert.deepEqual(Array.from(r.gradient), Array.from(dense.gradient));
      }
      assert.deepEqual(Array.from(reused), Array.from(dense.gradient), 'written into the given array');
      assert.equal(dense.probabilities[5], 0, 'e^−∞ = 0 exactly');
      assert.equal(dense.gradient[12], (1 - 1) / (reduction === 'mean' ? n : 1), 'p = 1 at the label');
    }
  });

  it("soft targets (rows not summing to 1 too): …Gradient gives softmaxCrossEntropy's loss and gradient bit for bit", () => {
    const next = seededUniform(17);
    const n = 30;
    const k = 9;
    const z = Float64Array.from({ length: n * k }, () => 40 * next() - 20);
    const y = Float64Array.from({ length: n * k }, () => (next() < 0.4 ? 0 : next()));
    for (const reduction of ['mean', 'sum'] as const) {
      const full = softmaxCrossEntropy(z, y, n, k, reduction);
      const lean = softmaxCrossEntropyGradient(z, y, n, k, reduction);
      assert.ok(Object.is(lean.loss, full.loss));
      assert.deepEqual(Array.from(lean.losses), Array.from(full.losses));
      assert.deepEqual(Array.from(lean.gradient), Array.from(full.gradient));
    }
  });

  it('sum reduction is N times the mean', () => {
    const z = f64([0.2, 0.1, -0.3, 1.0]);
    const y = f64([1, 0, 0, 1]);
    const mean = softmaxCrossEntropy(z, y, 2, 2, 'mean');
    const sum = softmaxCrossEntropy(z, y, 2, 2, 'sum');
    assert.ok(Math.abs(sum.loss - 2 * mean.loss) < 1e-15);
    assert.ok(Math.abs(sum.gradient[0] - 2 * mean.gradient[0]) < 1e-16);
  });
});

describe('mean squared error', () => {
  it('golden: ŷ = [1, 2], y = [0, 4] → L = (1 + 4)/2 = 2.5, ∂L/∂ŷ = 2(ŷ − y)/N = [1, −2]', () => {
    const r = meanSquaredError(f64([1, 2]), f64([0, 4]), 2, 1);
    assert.equal(r.loss, 2.5);
    assert.deepEqual(Array.from(r.gradient), [1, -2]);
  });
  it('N × D: per-sample loss is the mean over outputs, gradient 2(ŷ − y)/(N·D)', () => {
    const r = meanSquaredError(f64([1, 1, 0, 0]), f64([0, 0, 0, 2]), 2, 2);
    assert.deepEqual(Array.from(r.losses), [1, 2]);
    assert.equal(r.loss, 1.5);
    assert.deepEqual(Array.from(r.gradient), [0.5, 0.5, 0, -1]);
  });
});

describe('analytic gradients equal finite differences (property)', () => {
  const logitsArb = fc.integer({ min: 1, max: 5 }).chain((n) =>
    fc.integer({ min: 2, max: 6 }).chain((k) =>
      fc.record({
        n: fc.constant(n),
        k: fc.constant(k),
        z: fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: n * k, maxLength: n * k }),
        soft: fc.array(fc.double({ min: 0.01, max: 1, noNaN: true }), { minLength: n * k, maxLength: n * k }),
      }),
    ),
  );

  it('softmax + cross-entropy with soft targets', () => {
    fc.assert(
      fc.property(logitsArb, ({ n, k, z, soft }) => {
        const y = new Float64Array(n * k);
        for (let i = 0; i < n; i++) {
          let s = 0;
          for (let j = 0; j < k; j++) s += soft[i * k + j];
          for (let j = 0; j < k; j++) y[i * k + j] = soft[i * k + j] / s;
        }
        const zz = f64(z);
        const g = softmaxCrossEntropy(zz, y, n, k).gradient;
        return checkGradient((x) => softmaxCrossEntropy(x, y, n, k).loss, zz, g).passed;
      }),
      { numRuns: 200 },
    );
  });

  it('cross-entropy on probabilities (inside the clip range)', () => {
    fc.assert(
      fc.property(logitsArb, ({ n, k, z }) => {
        const p = softmax(f64(z.map((v) => v / 20)), n, k);
        const y = new Float64Array(n * k);
        for (let i = 0; i < n; i++) y[i * k + (i % k)] = 1;
        const g = probabilityCrossEntropy(p, y, n, k).gradient;
        return checkGradient((x) => probabilityCrossEntropy(x, y, n, k).loss, p, g, {
          skip: (i, h) => p[i] < 1e-7 + h || p[i] > 1 - 1e-7 - h,
        }).passed;
      }),
      { numRuns: 200 },
    );
  });

  it('mean squared error', () => {
    fc.assert(
      fc.property(logitsArb, ({ n, k, z, soft }) => {
        const yHat = f64(z);
        const y = f64(soft);
        const g = meanSquaredError(yHat, y, n, k).gradient;
        return checkGradient((x) => meanSquaredError(x, y, n, k).loss, yHat, g).passed;
      }),
      { numRuns: 200 },
    );
  });

  it('the checker itself fails a wrong gradient', () => {
    const z = f64([0.5, -0.25, 1.5]);
    const y = f64([0, 1, 0]);
    const wrong = softmaxCrossEntropy(z, y, 1, 3).gradient.map((v) => v * 1.01);
    assert.equal(checkGradient((x) => softmaxCrossEntropy(x, y, 1, 3).loss, z, wrong).passed, false);
  });

  it('dataset checks probe one sample per coordinate, and still fail a wrong gradient in any sample', () => {
    // checkGradient tells f which coordinate moved; f may answer with that sample's term alone.
    const n = 300;
    const k = 20;
    const next = seededUniform(9);
    const z = Float64Array.from({ length: n * k }, () => 12 * next() - 6);
    const labels = Int32Array.from({ length: n }, () => Math.floor(next() * k));
    const targets = new Float64Array(n * k);
    labels.forEach((c, i) => (targets[i * k + c] = 1));
    const common = { task: 'classification' as const, input: 'logits' as const, n, k, values: z, classes: null, spans: [] };
    const dataset = { ...common, labels, targets: null };
    // Class indices and their one-hot rows: the same check, bit for bit.
    const [ok] = checkDatasetGradients(dataset, 'mean', n * k);
    assert.equal(ok.passed, true);
    assert.equal(ok.checked, n * k);
    assert.ok(ok.maxAbsoluteError < 1e-10, String(ok.maxAbsoluteError));
    assert.deepEqual(
      checkDatasetGradients({ ...common, labels: null, targets }, 'mean', n * k),
      checkDatasetGradients(dataset, 'mean', n * k),
    );
    assert.deepEqual(checkDatasetGradients(dataset, 'mean', n * k)[0], ok);
    const moved: number[] = [];
    const analytic = softmaxCrossEntropy(z, targets, n, k).gradient;
    checkGradient((x, changed) => (moved.push(changed), softmaxCrossEntropy(x, targets, n, k).loss), z, analytic, { maxCoordinates: 5 });
    assert.deepEqual(moved, [0, 0, 1200, 1200, 2400, 2400, 3600, 3600, 4800, 4800]);
    // One entry of the last sample's gradient off by 1 %: the row-wise probes catch it.
    const wrong = Float64Array.from(analytic);
    const t = (n - 1) * k + labels[n - 1];
    wrong[t] *= 1.01;
    const bad = checkGradient(
      (x, changed) =>
        softmaxCrossEntropyGradient(
          x.subarray(Math.floor(changed / k) * k, Math.floor(changed / k) * k + k),
          targets.subarray(Math.floor(changed / k) * k, Math.floor(changed / k) * k + k),
          1,
          k,
          'sum',
        ).loss / n,
      z,
      wrong,
    );
    assert.equal(bad.passed, false);
    assert.equal(bad.worstIndex, t);
  });

  it('small probabilities (a confidently wrong sample): a right ∂L/∂p passes, a wrong one fails, and a fixed step would fail the right one', () => {
    // −log p curves on the scale of p: the central difference with h = 1e-6 at p = 1e-5 is 3e-3 off.
    const bytes = (text: object) => new TextEncoder().encode(JSON.stringify(text));
    const probabilities = [
      [0.99998, 1e-5, 1e-5],
      [0.2, 0.5, 0.3],
      [1 - 2e-6, 1e-6, 1e-6],
      [0.4, 0.6 - 3e-7, 3e-7],
    ];
    const ce = runPipeline(bytes({ probabilities, labels: [1, 2, 2, 2] }), 'p.json').dataset!;
    // Binary cross-entropy: log(1 − p) curves on the scale of 1 − p as well.
    const bce = runPipeline(
      bytes({
        loss: { name: 'binary_cross_entropy' },
        probabilities: [
          [1e-5, 0.99999, 0.3],
          [0.5, 2e-5, 0.9],
        ],
        targets: [
          [1, 0, 1],
          [0, 1, 1],
        ],
      }),
      'b.json',
    ).dataset!;
    for (const [name, dataset] of [
      ['cross-entropy', ce],
      ['binary cross-entropy', bce],
    ] as const) {
      const [check] = checkDatasetGradients(dataset, 'mean');
      assert.equal(check.passed, true, `${name}: ${JSON.stringify(check)}`);
      assert.ok(check.maxRelativeError < 1e-6, `${name}: ${check.maxRelativeError}`);
      assert.equal(check.skipped, 0);
    }
    // The same coordinates with h alone, and with one entry of ∂L/∂p off by 0.1 %.
    const values = (ce as { values: Float64Array }).values;
    const y = Float64Array.from(probabilities.flatMap((row, i) => row.map((_, j) => +(j === [1, 2, 2, 2][i]))));
    const loss = (x: Float64Array) => probabilityCrossEntropy(x, y, 4, 3).loss;
    const analytic = probabilityCrossEntropy(values, y, 4, 3).gradient;
    assert.equal(checkGradient(loss, values, analytic).passed, false, 'h = 1e-6 at p = 1e-5');
    const wrong = Float64Array.from(analytic);
    wrong[1] *= 1.001; // p = 1e-5
    assert.equal(checkGradient(loss, values, wrong, { curvatureScale: (i) => values[i] }).passed, false, 'a 0.1 % error');
    assert.equal(checkGradient(loss, values, analytic, { curvatureScale: (i) => values[i] }).passed, true);
  });
});
