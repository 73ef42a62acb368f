/** The hand-written number reader is the parsers' hot path: it must round exactly as Number() does. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanNumber, type NumberScan } from '../../../src/core/numberScan';

const scan = (text: string): number => {
  const out: NumberScan = { value: 0, end: 0, error: null };
  scanNumber(new TextEncoder().encode(text), 0, out);
  assert.equal(out.error, null, text);
  assert.equal(out.end, text.length, text);
  return out.value;
};

describe('scanNumber rounds like Number()', () => {
  it('16 to 19 significant digits with a decimal point anywhere (the exact long-decimal path)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[1-9][0-9]{15,18}$/), fc.nat(22), fc.boolean(), (digits, point, negative) => {
        const at = Math.max(1, digits.length - point);
        const text = `${negative ? '-' : ''}${digits.slice(0, at)}.${digits.slice(at) || '0'}`;
        return Object.is(scan(text), Number(text));
      }),
      { numRuns: 20000 },
    );
  });

  it('decimals near a rounding tie between two doubles', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-7, max: 1e6, noNaN: true }), (x) => {
        // x and the next double, and the decimal halfway between them, written with 17–19 digits.
        const next = x + Math.abs(x) * Number.EPSILON;
        for (const v of [x, next, (x + next) / 2]) {
          for (const p of [17, 18, 19]) {
            const text = v.toPrecision(Math.min(p, 21)).replace(/e\+?/, 'e');
            if (!Object.is(scan(text), Number(text))) return false;
          }
        }
        return true;
      }),
      { numRuns: 5000 },
    );
  });

  it('golden values', () => {
    assert.equal(scan('0.10000000149011612'), 0.10000000149011612);
    // eslint-disable-next-line no-loss-of-precision -- 17 digits written as in the file; both round alike
    assert.equal(scan('-0.12345678901234567'), -0.12345678901234567);
    assert.equal(scan('9007199254740993'), 9007199254740992);
    assert.equal(scan('1e-30'), 1e-30);
    assert.equal(scan('-1e308'), -1e308);
  });

  it('any digit count, point and exponent, however the number meets the end of the buffer', () => {
    // Fraction digits are read up to eight bytes at a time: exercise every length around those
    // steps, 1 to 30 significant digits (over 24 goes to parseFloat), leading zeros, exponents,
    // and every way a number can end (delimiter, line break, exponent, end of the buffer).
    const number = fc
      .tuple(
        fc.boolean(),
        fc.stringMatching(/^[1-9][0-9]{0,29}$/),
        fc.integer({ min: -12, max: 30 }),
        fc.option(fc.tuple(fc.constantFrom('e', 'E', 'e-', 'e+', 'E-'), fc.nat(40)), { nil: undefined }),
      )
      .map(([negative, digits, point, exp]) => {
        // point: digits after the decimal point; beyond the digits, leading zeros are added.
        let body: string;
        if (point <= 0) body = digits;
        else if (point < digits.length) body = `${digits.slice(0, digits.length - point)}.${digits.slice(digits.length - point)}`;
        else body = `0.${'0'.repeat(point - digits.length)}${digits}`;
        return `${negative ? '-' : ''}${body}${exp ? `${exp[0]}${exp[1]}` : ''}`;
      });
    fc.assert(
      fc.property(number, fc.constantFrom('', ',', '\n', ',123456789', ']', ' ', 'x', '-1'), fc.nat(9), (text, after, offset) => {
        // At an odd offset into a larger buffer (a view that does not start its ArrayBuffer).
        const whole = new TextEncoder().encode(`${'7'.repeat(offset)}${text}${after}`);
        const b = whole.subarray(offset);
        const out: NumberScan = { value: 0, end: 0, error: null };
        scanNumber(b, 0, out);
        return out.error === null && out.end === text.length && Object.is(out.value, Number(text));
      }),
      { numRuns: 40000 },
    );
  });

  it('float32 values widened to double, as json.dump and %.17g / %.18e write them', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (f) => {
        const x = Math.fround(f);
        for (const text of [String(x), x.toPrecision(17), x.toExponential(18), x.toPrecision(16), x.toExponential(19)]) {
          if (!Object.is(scan(text), Number(text))) return false;
        }
        return true;
      }),
      { numRuns: 20000 },
    );
  });

  it('reads each buffer through its own bytes when several are scanned in turn', () => {
    const a = new TextEncoder().encode('1.2345678901234567,');
    const b = new TextEncoder().encode('xx9.8765432109876543,').subarray(2);
    const out: NumberScan = { value: 0, end: 0, error: null };
    for (let round = 0; round < 3; round++) {
      scanNumber(a, 0, out);
      assert.equal(out.value, 1.2345678901234567);
      scanNumber(b, 0, out);
      // eslint-disable-next-line no-loss-of-precision -- 17 digits written as in the file; both round alike
      assert.equal(out.value, 9.8765432109876543);
      assert.equal(out.end, 18);
      // A shorter view of the same bytes stops where it ends.
      scanNumber(a.subarray(0, 9), 0, out);
      assert.equal(out.value, 1.2345678);
      assert.equal(out.end, 9);
    }
  });

  it('decimals cut from the exact midpoint between two doubles, 16 to 26 digits, nudged by one', () => {
    // The midpoint of x and the next double up, (2M + 1)·2^(E−1), written exactly in decimal; cut to
    // n significant digits and moved by −1, 0 or +1 in the last place, it lies within 10^-n of a
    // tie: longDecimal must round these right or leave them to parseFloat.
    const f64 = new Float64Array(1);
    const u64 = new BigUint64Array(f64.buffer);
    const midpointDigits = (x: number): [string, number] => {
      f64[0] = x;
      const bits = u64[0];
      const biased = Number((bits >> 52n) & 0x7ffn);
      const M = (bits & ((1n << 52n) - 1n)) | (biased === 0 ? 0n : 1n << 52n);
      const k = 1 - (biased === 0 ? -1074 : biased - 1075); // digits after the point
      // (2M + 1)·2^-k: an integer for k ≤ 0, else (2M + 1)·5^k / 10^k.
      let digits = (k <= 0 ? (2n * M + 1n) << BigInt(-k) : (2n * M + 1n) * 5n ** BigInt(k)).toString();
      let point = Math.max(k, 0);
      while (digits.endsWith('0')) {
        digits = digits.slice(0, -1);
        point--;
      }
      return [digits, point];
    };
    const place = (digits: string, point: number): string => {
      if (point <= 0) return digits + '0'.repeat(-point);
      if (point >= digits.length) return `0.${'0'.repeat(point - digits.length)}${digits}`;
      return `${digits.slice(0, digits.length - point)}.${digits.slice(digits.length - point)}`;
    };
    fc.assert(
      fc.property(
        fc.double({ min: 1e-7, max: 1e12, noNaN: true }),
        fc.integer({ min: 16, max: 26 }),
        fc.constantFrom(-1n, 0n, 1n),
        fc.boolean(),
        (x, n, nudge, negative) => {
          const [digits, point] = midpointDigits(x);
          if (digits.length < n) return true;
          const text = `${negative ? '-' : ''}${place((BigInt(digits.slice(0, n)) + nudge).toString(), point - (digits.length - n))}`;
          return Object.is(scan(text), Number(text));
        },
      ),
      { numRuns: 30000 },
    );
    // Exact ties, short enough to be kept whole (above 2^30 a midpoint has few digits after the
    // point), and a hair either side of them.
    fc.assert(
      fc.property(
        fc.double({ min: 2 ** 30, max: 1e22, noNaN: true }),
        fc.constantFrom('', '1', '9', '00000001'),
        fc.boolean(),
        (x, after, negative) => {
          const [digits, point] = midpointDigits(x);
          if (digits.length > 24) return true;
          let text = place(digits, point);
          if (after !== '') text = text.includes('.') ? text + after : `${text}.${after}`;
          for (const t of [text, place((BigInt(digits) - 1n).toString(), point)]) {
            const signed = `${negative ? '-' : ''}${t}`;
            if (!Object.is(scan(signed), Number(signed))) return false;
          }
          return true;
        },
      ),
      { numRuns: 30000 },
    );
  });

  it('digits around the 2^53 limits of the exact accumulators', () => {
    // m takes digits while m·10 + 9 (one) or m·10^k + v (a run) stays below 2^53 = 9007199254740992.
    for (const head of [
      '900719925474098',
      '900719925474099',
      '900719925474100',
      '9007199254740',
      '90071991',
      '90071992',
      '90071993',
      '9999999999999999',
      '1000000000000000',
    ]) {
      for (let d = 0; d < 100; d++) {
        const digits = `${head}${String(d).padStart(2, '0')}${d % 7}`;
        for (let point = 0; point <= digits.length; point++) {
          const text =
            point === 0 ? digits : `${digits.slice(0, digits.length - point)}.${digits.slice(digits.length - point)}`.replace(/^\./, '0.');
          assert.ok(Object.is(scan(text), Number(text)), text);
          assert.ok(Object.is(scan(`-${text}e-3`), Number(`-${text}e-3`)), text);
        }
      }
    }
  });

  it('errors and their positions inside and after eight-digit runs', () => {
    const at = (text: string) => {
      const out: NumberScan = { value: 0, end: 0, error: null };
      scanNumber(new TextEncoder().encode(text), 0, out);
      return [out.end, out.error, out.value];
    };
    assert.deepEqual(at('1.23456789012e'), [14, 'the file ends where a digit was expected in the exponent', NaN]);
    assert.deepEqual(at('1.2345678901234567e+x'), [20, "expected a digit in the exponent, found 'x'", NaN]);
    assert.deepEqual(at('0.123456789012345678901234567e400').slice(0, 2), [
      33,
      '0.123456789012345678901234567e400 is too large for a 64-bit float (the largest is about 1.8e308); rescale the values',
    ]);
    assert.deepEqual(at('-0.0000000000000000'), [19, null, -0]);
    assert.deepEqual(at('12345678.12345678x'), [17, null, 12345678.12345678]);
  });
});
