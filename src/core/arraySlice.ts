/**
 * A 2-D slice of an array of any rank, for the viewer's heatmap: two axes to draw (rows, columns)
 * and a fixed index for every other axis. Bounded: at most `maxRows` × `maxCols` values are taken
 * (the first ones), so a huge array never ships whole to the page. Pure.
 */

export interface SliceRequest {
  rowAxis: number;
  colAxis: number;
  /** One entry per axis; the entries of the two drawn axes are ignored. */
  index: number[];
}

export interface Slice {
  rows: number;
  cols: number;
  /** rows × cols, row-major. */
  values: Float64Array;
  /** The full extent of the drawn axes (rows/cols are smaller when truncated). */
  totalRows: number;
  totalCols: number;
}

/** A message when the request does not fit the shape, else null. */
export function checkSlice(shape: readonly number[], r: SliceRequest): string | null {
  const rank = shape.length;
  const axisOk = (a: number) => Number.isInteger(a) && a >= 0 && a < rank;
  if (rank < 1) return 'a 0-d array has nothing to draw';
  if (!axisOk(r.rowAxis) || (rank > 1 && (!axisOk(r.colAxis) || r.colAxis === r.rowAxis)))
    return `axes must be two different numbers from 0 to ${rank - 1}`;
  if (!Array.isArray(r.index) || r.index.length !== rank) return `the index needs ${rank} entries`;
  for (let d = 0; d < rank; d++) {
    if (d === r.rowAxis || d === r.colAxis) continue;
    const i = r.index[d];
    if (!Number.isInteger(i) || i < 0 || i >= shape[d]) return `index ${i} of axis ${d} is outside 0…${shape[d] - 1}`;
  }
  return null;
}

export function sliceArray(shape: readonly number[], data: ArrayLike<number>, r: SliceRequest, maxRows = 512, maxCols = 512): Slice {
  const problem = checkSlice(shape, r);
  if (problem) throw new RangeError(problem);
  const rank = shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    strides[d] = s;
    s *= shape[d];
  }
  let base = 0;
  for (let d = 0; d < rank; d++) if (d !== r.rowAxis && d !== r.colAxis) base += r.index[d] * strides[d];
  const totalRows = shape[r.rowAxis];
  const totalCols = rank > 1 ? shape[r.colAxis] : 1;
  const rows = Math.min(totalRows, maxRows);
  const cols = Math.min(totalCols, maxCols);
  const rs = strides[r.rowAxis];
  const cs = rank > 1 ? strides[r.colAxis] : 0;
  const values = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) values[i * cols + j] = data[base + i * rs + j * cs];
  return { rows, cols, values, totalRows, totalCols };
}

export interface ArrayStats {
  min: number;
  max: number;
  mean: number;
  std: number;
  nan: number;
  inf: number;
}

/** Over the finite values (population std, as NumPy's default); NaN and ±Inf are counted apart. */
export function arrayStats(data: ArrayLike<number>): ArrayStats {
  let min = Infinity;
  let max = -Infinity;
  let n = 0;
  let mean = 0;
  let m2 = 0;
  let nan = 0;
  let inf = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (Number.isNaN(v)) nan++;
    else if (!Number.isFinite(v)) inf++;
    else {
      if (v < min) min = v;
      if (v > max) max = v;
      // Welford: stable for large offsets.
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
  }
  return { min: n ? min : NaN, max: n ? max : NaN, mean: n ? mean : NaN, std: n ? Math.sqrt(m2 / n) : NaN, nan, inf };
}
