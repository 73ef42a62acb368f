import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrayStats, checkSlice, sliceArray } from '../../../src/core/arraySlice';

describe('2-D slices of arrays of any rank (the viewer heatmap)', () => {
  // a = np.arange(120).reshape(2, 3, 4, 5): a[i, j, k, l] = 60i + 20j + 5k + l
  const shape = [2, 3, 4, 5];
  const data = Float64Array.from({ length: 120 }, (_, i) => i);
  const at = (i: number, j: number, k: number, l: number) => 60 * i + 20 * j + 5 * k + l;

  it('any two axes, in either order, with the others fixed: a[1, :, 2, :] and a[1, :, 2, :].T', () => {
    const s = sliceArray(shape, data, { rowAxis: 1, colAxis: 3, index: [1, 0, 2, 0] });
    assert.deepEqual([s.rows, s.cols], [3, 5]);
    for (let j = 0; j < 3; j++) for (let l = 0; l < 5; l++) assert.equal(s.values[j * 5 + l], at(1, j, 2, l));
    const t = sliceArray(shape, data, { rowAxis: 3, colAxis: 1, index: [1, 0, 2, 0] });
    for (let l = 0; l < 5; l++) for (let j = 0; j < 3; j++) assert.equal(t.values[l * 3 + j], at(1, j, 2, l));
  });

  it('a rank-3 N × K × K array is shown per sample (the last two axes by default)', () => {
    const s = sliceArray([2, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8], { rowAxis: 1, colAxis: 2, index: [1, 0, 0] });
    assert.deepEqual(Array.from(s.values), [5, 6, 7, 8]);
  });

  it('is bounded: at most maxRows × maxCols values', () => {
    const s = sliceArray(
      [1000, 1000],
      new Float64Array(1e6).map((_, i) => i),
      { rowAxis: 0, colAxis: 1, index: [0, 0] },
      4,
      3,
    );
    assert.deepEqual([s.rows, s.cols, s.totalRows, s.totalCols], [4, 3, 1000, 1000]);
    assert.deepEqual(Array.from(s.values), [0, 1, 2, 1000, 1001, 1002, 2000, 2001, 2002, 3000, 3001, 3002]);
  });

  it('refuses requests that do not fit the shape', () => {
    assert.match(checkSlice(shape, { rowAxis: 1, colAxis: 1, index: [0, 0, 0, 0] })!, /two different/);
    assert.match(checkSlice(shape, { rowAxis: 0, colAxis: 4, index: [0, 0, 0, 0] })!, /from 0 to 3/);
    assert.match(checkSlice(shape, { rowAxis: 0, colAxis: 1, index: [0, 0, 4, 0] })!, /index 4 of axis 2 is outside 0…3/);
    assert.match(checkSlice(shape, { rowAxis: 0, colAxis: 1, index: [0, 0] })!, /needs 4 entries/);
    assert.match(checkSlice(shape, { rowAxis: 0, colAxis: 1, index: [0, 0, 0.5, 0] })!, /index 0.5/);
    assert.throws(() => sliceArray(shape, data, { rowAxis: 0, colAxis: 1, index: [0, 0, -1, 0] }), RangeError);
  });

  it('statistics as NumPy gives them (population std), NaN and ±Inf counted apart', () => {
    const s = arrayStats([1, 2, 3, 4, NaN, Infinity, -Infinity]);
    assert.deepEqual([s.min, s.max, s.mean, s.nan, s.inf], [1, 4, 2.5, 1, 2]);
    assert.equal(s.std, Math.sqrt(1.25)); // np.std([1, 2, 3, 4])
    // Welford keeps a large offset exact where the naive formula loses it.
    assert.equal(arrayStats([1e9 + 1, 1e9 + 2, 1e9 + 3]).std, Math.sqrt(2 / 3));
    assert.ok(Number.isNaN(arrayStats([NaN]).mean));
  });
});
