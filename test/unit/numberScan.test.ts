/** The hand-written number reader is the parsers' hot path: it must round exactly as Number() does. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { scanNumber, type NumberScan } from '../../src/core/numberScan';

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
    assert.equal(scan('-0.12345678901234567'), -0.12345678901234567);
    assert.equal(scan('9007199254740993'), 9007199254740992);
    assert.equal(scan('1e-30'), 1e-30);
    assert.equal(scan('-1e308'), -1e308);
  });
});
