// exp() in src/core/softmax.ts is table-driven and not Math.exp: it is measured here against
// exact values (test/reference/make_exp_reference.py, 50-digit decimals) and against Math.exp.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exp, expRowInto } from '../../../src/core/softmax';
import { seededUniform } from '../../helpers/seeded';

const cases: [number, number, number][] = JSON.parse(readFileSync(join(__dirname, '../../fixtures/reference/exp.json'), 'utf8'));

/** The spacing of doubles at |v| (for normal v). */
function ulp(v: number): number {
  const a = Math.abs(v);
  return a === 0 ? Number.MIN_VALUE : 2 ** (Math.floor(Math.log2(a)) - 52) * (2 ** Math.floor(Math.log2(a)) > a ? 0.5 : 1);
}

/** Error of `result` in ulps of the exact e^x = nearest + residual·ulp(nearest). */
function ulpError(result: number, nearest: number, residual: number): number {
  return Math.abs((result - nearest) / ulp(nearest) - residual);
}

describe('exp (table-driven, for softmax arguments ≤ 0)', () => {
  it('is within 0.55 ulp of the exact value on 4,000 arguments in (−708, 0], closer than Math.exp', () => {
    let worst = 0;
    let worstMath = 0;
    for (const [x, nearest, residual] of cases) {
      worst = Math.max(worst, ulpError(exp(x), nearest, residual));
      worstMath = Math.max(worstMath, ulpError(Math.exp(x), nearest, residual));
    }
    assert.ok(worst <= 0.55 && worst <= worstMath, `worst error ${worst} ulp (Math.exp: ${worstMath})`);
    assert.ok(worstMath < 1, `the reference itself: Math.exp is off by ${worstMath} ulp`);
  });

  it('rounds correctly on most arguments (the nearest double, as Math.exp mostly does)', () => {
    let exact = 0;
    for (const [x, nearest] of cases) if (exp(x) === nearest) exact++;
    assert.ok(exact / cases.length > 0.99, `${exact} of ${cases.length} correctly rounded`);
  });

  it('differs from Math.exp by at most 1 ulp on 10⁶ arguments spread over (−708, 0]', () => {
    const next = seededUniform(7);
    for (let i = 0; i < 1e6; i++) {
      const x = i % 3 === 0 ? -708 * next() : i % 3 === 1 ? -40 * next() : -next();
      const m = Math.exp(x);
      const d = Math.abs(exp(x) - m) / ulp(m);
      if (d > 1) assert.fail(`exp(${x}) = ${exp(x)}, Math.exp = ${m}: ${d} ulp apart`);
    }
  });

  it('is exact where exactness is owed: e^0 = 1, e^−∞ = 0, NaN, and outside the fast range', () => {
    assert.equal(exp(0), 1);
    assert.equal(exp(-0), 1);
    assert.equal(exp(-Infinity), 0);
    assert.ok(Number.isNaN(exp(NaN)));
    for (const x of [-708, -745, -800, 1, 709, 710, Infinity]) assert.ok(Object.is(exp(x), Math.exp(x)), String(x));
  });

  it('is monotone across the table boundaries and the 2^k steps', () => {
    const step = Math.LN2 / 128;
    for (let j = -5000; j < 0; j++) {
      const x = j * step;
      for (const d of [-1e-12, 0, 1e-12]) assert.ok(exp(x + d - 1e-9) <= exp(x + d), `at ${x + d}`);
    }
  });
});

describe('expRowInto (a row of exp(z − max) with one range check per row)', () => {
  /** exp() element by element and the sum in the same order: what expRowInto must equal. */
  function elementwise(row: number[]): { values: number[]; sum: number } {
    let max = -Infinity;
    for (const v of row) if (v > max) max = v;
    let sum = 0;
    const values = row.map((v) => exp(v - max));
    for (const e of values) sum += e;
    return { values, sum };
  }

  const rows: [string, number[]][] = [
    ['narrow (the fast loop)', [0.5, -3.25, 12, 11.999, -40, 7]],
    ['a −∞ logit (checked loop: e = 0 exactly)', [2, -Infinity, 1]],
    ['wider than 708 (checked loop: Math.exp underflow)', [0, -707.9, -720, -800, -746]],
    ['NaN among finite values', [1, NaN, -2]],
    ['+∞ (NaN where ∞ − ∞)', [Infinity, 0, 1]],
    ['all equal', [3, 3, 3]],
  ];
  for (const [name, row] of rows) {
    it(`gives exp()'s bits and sum: ${name}`, () => {
      const z = Float64Array.from([99, ...row, 99]); // the row sits between other values
      let max = -Infinity;
      let min = Infinity;
      for (const v of row) {
        if (v > max) max = v;
        if (v < min) min = v;
      }
      const out = new Float64Array(row.length + 2).fill(-1);
      const sum = expRowInto(z, 1, 1 + row.length, min, max, out, 2);
      const expected = elementwise(row);
      assert.ok(Object.is(sum, expected.sum), `sum ${sum} vs ${expected.sum}`);
      assert.deepEqual(Array.from(out.subarray(2)), expected.values);
      assert.deepEqual(Array.from(out.subarray(0, 2)), [-1, -1], 'writes only its row');
    });
  }

  it('matches exp() on 2,000 random rows of 50 logits in (−30, 30)', () => {
    const next = seededUniform(11);
    for (let r = 0; r < 2000; r++) {
      const row = Array.from({ length: 50 }, () => 60 * next() - 30);
      const out = new Float64Array(50);
      const sum = expRowInto(Float64Array.from(row), 0, 50, Math.min(...row), Math.max(...row), out, 0);
      const expected = elementwise(row);
      assert.ok(Object.is(sum, expected.sum));
      assert.deepEqual(Array.from(out), expected.values);
    }
  });
});
