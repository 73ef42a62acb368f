// exp() in src/core/softmax.ts is table-driven and not Math.exp: it is measured here against
// exact values (test/reference/make_exp_reference.py, 50-digit decimals) and against Math.exp.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { exp } from '../../src/core/softmax';

const cases: [number, number, number][] = JSON.parse(readFileSync(join(__dirname, '../fixtures/reference/exp.json'), 'utf8'));

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
    let seed = 7;
    const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296;
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
