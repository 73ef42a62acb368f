import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NumberRow } from '../../../src/core/numberRow';
import { seededUniform } from '../../helpers/seeded';

describe('NumberRow: a Float64Array row as JSON through one reused array', () => {
  test('rows of every magnitude and of changing widths give JSON.stringify of the plain numbers', () => {
    const rand = seededUniform(170);
    const row = new NumberRow();
    for (const count of [1000, 1000, 3, 0, 1, 17, 1000]) {
      const from = Math.floor(rand() * 5);
      const data = Float64Array.from({ length: from + count + 3 }, () => (rand() - 0.5) * 10 ** Math.floor(rand() * 616 - 308));
      assert.equal(row.load(data, from, count), true);
      const want = JSON.stringify(Array.from(data.subarray(from, from + count)));
      assert.equal(row.json(), want, `${count} numbers from ${from}`);
      assert.deepEqual(row.array, Array.from(data.subarray(from, from + count)));
    }
  });

  test('edge values: −0, subnormals, the largest double, 1e21 (String() and JSON agree on each)', () => {
    const values = Float64Array.of(-0, 5e-324, -Number.MIN_VALUE, Number.MAX_VALUE, 1e21, 1e-7, 0.1 + 0.2, 123456789012345680000);
    const row = new NumberRow();
    assert.equal(row.load(values, 0, values.length), true);
    assert.equal(row.json(), `[${Array.from(values, (v) => (Object.is(v, -0) ? '0' : String(v))).join(',')}]`);
  });

  test('NaN or ±Infinity anywhere in the row: load says so, and json writes null as JSON.stringify does', () => {
    const row = new NumberRow();
    for (const bad of [NaN, Infinity, -Infinity]) {
      for (const at of [0, 2, 4]) {
        const data = Float64Array.of(1, 2, 3, 4, 5);
        data[at] = bad;
        assert.equal(row.load(data, 0, 5), false, `${bad} at ${at}`);
        assert.equal(row.json(), JSON.stringify(Array.from(data)));
      }
    }
    // Outside the loaded range it does not count.
    assert.equal(row.load(Float64Array.of(NaN, 1, 2, Infinity), 1, 2), true);
    assert.equal(row.json(), '[1,2]');
  });
});
