import assert from 'node:assert/strict';
import { test } from 'node:test';
import { grouped, plural } from '../../../src/webview/format';

test('grouped writes integers as toLocaleString("en-US") does, without Intl', () => {
  const values = [
    0,
    1,
    9,
    10,
    99,
    100,
    999,
    1000,
    1001,
    9999,
    10_000,
    12_345,
    99_999,
    100_000,
    123_456,
    999_999,
    1_000_000,
    1_234_567,
    10_000_000,
    123_456_789,
    1_000_000_000,
    Number.MAX_SAFE_INTEGER,
  ];
  for (let d = 1; d <= 16; d++) values.push(10 ** d - 1, 10 ** d, 10 ** d + 1, Math.floor(1.2345678901234567 * 10 ** (d - 1)));
  for (const v of values) {
    assert.equal(grouped(v), v.toLocaleString('en-US'), `${v}`);
    assert.equal(grouped(-v), (-v).toLocaleString('en-US'), `${-v}`);
  }
  assert.equal(grouped(1000), '1,000');
  assert.equal(grouped(10_000), '10,000');
  assert.equal(grouped(-1_234_567), '-1,234,567');
});

test('grouped leaves anything but a safe integer to toLocaleString', () => {
  for (const v of [-0, 0.5, 1234.5678, 2 ** 60, 1e21, Number.NaN, Infinity, -Infinity])
    assert.equal(grouped(v), v.toLocaleString('en-US'), `${v}`);
});

test('plural groups the count and picks the word', () => {
  assert.equal(plural(1, 'class', 'classes'), '1 class');
  assert.equal(plural(10_000, 'class', 'classes'), '10,000 classes');
  assert.equal(plural(0, 'sample'), '0 samples');
  assert.equal(plural(1234, 'sample'), '1,234 samples');
});

test('one number format: significant digits, Unicode minus also in the exponent, plain between 1e−3 and 1e5', async () => {
  const { formatNumber, formatSigned, formatToFit } = await import('../../../src/shared/numberFormat');
  const { num } = await import('../../../src/extension/format');
  const cases: [number, string][] = [
    [-2.5e-10, '−2.5e−10'],
    [1 / 24, '0.04167'],
    [-1269.3, '−1269'],
    [0.001, '0.001'],
    [0.00099999, '0.001'],
    [0.000999, '9.99e−4'],
    [99999.9, '1e5'],
    [123456, '1.235e5'],
    [-0.5, '−0.5'],
    [0, '0'],
    [Infinity, '∞'],
    [-Infinity, '−∞'],
    [NaN, 'NaN'],
  ];
  for (const [v, s] of cases) {
    assert.equal(formatNumber(v), s, String(v));
    assert.equal(num(v), s, 'the hover and CodeLens use the same format');
  }
  assert.equal(formatSigned(0.25), '+0.25');
  assert.equal(formatSigned(-0.25), '−0.25');
  assert.equal(formatNumber(-1269.3, 2), '−1300');
  // The most digits that fit, or nothing.
  assert.equal(formatToFit(-5.2771e-4, 9), '−5.277e−4');
  assert.equal(formatToFit(-5.2771e-4, 8), '−5.28e−4');
  assert.equal(formatToFit(-5.2771e-4, 7), '−5.3e−4');
  assert.equal(formatToFit(-5.2771e-4, 6), null);
  assert.equal(formatToFit(-1269.3, 5), '−1269');
});
