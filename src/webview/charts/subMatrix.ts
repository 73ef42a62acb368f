/**
 * A sub-matrix of a source: the rows `rowIds` and columns `colIds` of the full matrix (null: all),
 * in that order. Values are the full source's own, so a cell reads the same in either view.
 */
import type { Aggregate, MatrixSource } from './matrixSource';

export function subMatrixSource(full: MatrixSource, rowIds: readonly number[] | null, colIds: readonly number[] | null): MatrixSource {
  const rid = (r: number) => (rowIds ? rowIds[r] : r);
  const cid = (c: number) => (colIds ? colIds[c] : c);
  const rows = rowIds ? rowIds.length : full.rows;
  const cols = colIds ? colIds.length : full.cols;
  let cachedMax = -1;
  const value = (r: number, c: number) => full.value(rid(r), cid(c));
  return {
    rows,
    cols,
    value,
    aggregate(r0, r1, c0, c1): Aggregate {
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      let count = 0;
      for (let r = r0; r < r1; r++)
        for (let c = c0; c < c1; c++) {
          const v = value(r, c);
          if (Number.isNaN(v)) continue;
          if (v < min) min = v;
          if (v > max) max = v;
          sum += v;
          count++;
        }
      return count === 0 ? { min: NaN, max: NaN, mean: NaN, count } : { min, max, mean: sum / count, count };
    },
    maxAbs() {
      if (cachedMax < 0) {
        cachedMax = 0;
        for (let r = 0; r < rows; r++)
          for (let c = 0; c < cols; c++) {
            const a = Math.abs(value(r, c));
            if (a > cachedMax && Number.isFinite(a)) cachedMax = a;
          }
      }
      return cachedMax;
    },
  };
}
