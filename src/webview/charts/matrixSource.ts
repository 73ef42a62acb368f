/**
 * What a heatmap draws: a rows × cols matrix given by a value function, with exact block
 * aggregates (min / max / mean over a rectangle of cells) for when many cells share one pixel.
 * The softmax Jacobian is a source that is never materialized: entries and block aggregates
 * come from p alone.
 */
import { softmaxJacobianEntry } from '../../core/softmax';

export interface Aggregate {
  min: number;
  max: number;
  mean: number;
  /** Cells in the block (NaN cells are not counted). */
  count: number;
}

export interface MatrixSource {
  rows: number;
  cols: number;
  value(r: number, c: number): number;
  /** Exact aggregate over rows [r0, r1) × cols [c0, c1). */
  aggregate(r0: number, r1: number, c0: number, c1: number): Aggregate;
  /** Largest |value| over the matrix (the colour domain). */
  maxAbs(): number;
  /** Row-major values, when they already exist in memory. */
  dense?: ArrayLike<number>;
  /**
   * Optional fast path for {@link blockValues}: the same values for a whole grid of blocks, with
   * whatever the source can share between blocks computed once.
   */
  blockValues?(rowSpans: Int32Array, colSpans: Int32Array, out: Float64Array, stride: number): void;
}

/**
 * The value a zoomed-out pixel shows for its block of cells: the cell itself when the block is one
 * cell, else whichever of the block's exact min and max has the larger magnitude (max on a tie),
 * so a lone spike survives.
 */
export function blockValue(source: MatrixSource, r0: number, r1: number, c0: number, c1: number): number {
  if (r1 - r0 === 1 && c1 - c0 === 1) return source.value(r0, c0);
  const a = source.aggregate(r0, r1, c0, c1);
  return Math.abs(a.min) > Math.abs(a.max) ? a.min : a.max;
}

/**
 * blockValue for every block of a grid: row block y is [rowSpans[2y], rowSpans[2y+1]), column
 * block x likewise from colSpans (as pixelSpans gives them); the value goes to out[y·stride + x].
 */
export function blockValues(
  source: MatrixSource,
  rowSpans: Int32Array,
  colSpans: Int32Array,
  out: Float64Array,
  stride = colSpans.length >> 1,
): Float64Array {
  if (source.blockValues) {
    source.blockValues(rowSpans, colSpans, out, stride);
    return out;
  }
  const h = rowSpans.length >> 1;
  const w = colSpans.length >> 1;
  for (let y = 0; y < h; y++) {
    const r0 = rowSpans[2 * y];
    const r1 = rowSpans[2 * y + 1];
    for (let x = 0; x < w; x++) out[y * stride + x] = blockValue(source, r0, r1, colSpans[2 * x], colSpans[2 * x + 1]);
  }
  return out;
}

export function denseSource(data: ArrayLike<number>, rows: number, cols: number): MatrixSource {
  let cachedMax = -1;
  return {
    rows,
    cols,
    dense: data,
    value: (r, c) => data[r * cols + c],
    aggregate(r0, r1, c0, c1) {
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      let count = 0;
      for (let r = r0; r < r1; r++) {
        const base = r * cols;
        for (let c = c0; c < c1; c++) {
          const v = data[base + c];
          if (Number.isNaN(v)) continue;
          if (v < min) min = v;
          if (v > max) max = v;
          sum += v;
          count++;
        }
      }
      return count === 0 ? { min: NaN, max: NaN, mean: NaN, count } : { min, max, mean: sum / count, count };
    },
    maxAbs() {
      if (cachedMax < 0) {
        cachedMax = 0;
        for (let i = 0; i < rows * cols; i++) {
          const a = Math.abs(data[i]);
          if (a > cachedMax && Number.isFinite(a)) cachedMax = a;
        }
      }
      return cachedMax;
    },
  };
}

interface Top2 {
  v1: number;
  i1: number;
  v2: number;
}

/** Two largest (sign = 1) or two smallest (sign = −1) of p over [a, b), with the first's index. */
function top2(p: ArrayLike<number>, a: number, b: number, sign: 1 | -1): Top2 {
  let v1 = -Infinity;
  let i1 = -1;
  let v2 = -Infinity;
  for (let i = a; i < b; i++) {
    const v = sign * p[i];
    if (v > v1) {
      v2 = v1;
      v1 = v;
      i1 = i;
    } else if (v > v2) v2 = v;
  }
  return { v1: sign * v1, i1, v2: sign * v2 };
}

/**
 * top2 of every span [spans[2i], spans[2i+1]) into columns of `out` (v1, i1, v2 at 3i, 3i+1, 3i+2):
 * computed once per tile and shared by all the blocks in that row or column of pixels.
 */
function top2Spans(p: ArrayLike<number>, spans: Int32Array, sign: 1 | -1): Float64Array {
  const n = spans.length >> 1;
  const out = new Float64Array(3 * n);
  for (let i = 0; i < n; i++) {
    const t = top2(p, spans[2 * i], spans[2 * i + 1], sign);
    out[3 * i] = t.v1;
    out[3 * i + 1] = t.i1;
    out[3 * i + 2] = t.v2;
  }
  return out;
}

/**
 * Best product p_j p_k over j ∈ R, k ∈ C, j ≠ k (the larger when `larger`, else the smaller),
 * given R's and C's two best values (v1 at index i1, then v2). p ≥ 0, so the best pair uses each
 * side's best unless both bests are the same class, in which case one side falls back to its
 * second best; a side with one cell has no second best (v2 = ∓∞), and such products are skipped.
 */
function bestPairProduct(rv1: number, ri1: number, rv2: number, cv1: number, ci1: number, cv2: number, larger: boolean): number {
  if (ri1 !== ci1) return rv1 * cv1;
  const a = rv1 * cv2;
  const b = rv2 * cv1;
  const okA = Number.isFinite(a);
  const okB = Number.isFinite(b);
  if (okA && okB) return larger ? Math.max(a, b) : Math.min(a, b);
  return okA ? a : okB ? b : NaN;
}

/** ∂p_j/∂z_k = p_j(δ_jk − p_k) for one sample's probabilities, computed on demand. */
export function jacobianSource(p: ArrayLike<number>): MatrixSource {
  const k = p.length;
  // Prefix sums make every block mean O(1): Σ_block = −Σ_R p · Σ_C p + Σ_{R∩C} p.
  const prefix = new Float64Array(k + 1);
  // The diagonal p_i(1 − p_i), once.
  const diag = new Float64Array(k);
  // With every p finite, top2 always finds an index, so spans apart never share their best class.
  let allFinite = true;
  for (let i = 0; i < k; i++) {
    prefix[i + 1] = prefix[i] + p[i];
    diag[i] = p[i] * (1 - p[i]);
    if (!Number.isFinite(p[i])) allFinite = false;
  }
  const sum = (a: number, b: number) => (b > a ? prefix[b] - prefix[a] : 0);
  /**
   * Exact min and max of the block [r0, r1) × [c0, c1) (more than one cell), given the top two
   * of p over the rows (largest: rMax, smallest: rMin, each v1, i1, v2 at offset ro) and over the
   * columns (cMax, cMin at co). Writes them to ext[0], ext[1].
   */
  const ext = new Float64Array(2);
  const extremes = (
    r0: number,
    r1: number,
    c0: number,
    c1: number,
    rMax: Float64Array,
    rMin: Float64Array,
    ro: number,
    cMax: Float64Array,
    cMin: Float64Array,
    co: number,
  ): void => {
    const i0 = Math.max(r0, c0);
    const i1 = Math.min(r1, c1);
    let min = Infinity;
    let max = -Infinity;
    for (let i = i0; i < i1; i++) {
      const d = diag[i];
      if (d < min) min = d;
      if (d > max) max = d;
    }
    if ((r1 - r0) * (c1 - c0) > Math.max(0, i1 - i0)) {
      // Off-diagonal entries are −p_j p_k: the smallest is minus the largest product.
      const offMin = -bestPairProduct(rMax[ro], rMax[ro + 1], rMax[ro + 2], cMax[co], cMax[co + 1], cMax[co + 2], true);
      const offMax = -bestPairProduct(rMin[ro], rMin[ro + 1], rMin[ro + 2], cMin[co], cMin[co + 1], cMin[co + 2], false);
      if (offMin < min) min = offMin;
      if (offMax > max) max = offMax;
    }
    ext[0] = min;
    ext[1] = max;
  };
  return {
    rows: k,
    cols: k,
    value: (r, c) => softmaxJacobianEntry(p, r, c),
    aggregate(r0, r1, c0, c1) {
      const count = (r1 - r0) * (c1 - c0);
      if (count === 1) {
        // One cell: its own value, not a difference of prefix sums.
        const v = softmaxJacobianEntry(p, r0, c0);
        return { min: v, max: v, mean: v, count };
      }
      const i0 = Math.max(r0, c0);
      const i1 = Math.min(r1, c1);
      const mean = (-sum(r0, r1) * sum(c0, c1) + sum(i0, i1)) / count;
      const rs = Int32Array.of(r0, r1);
      const cs = Int32Array.of(c0, c1);
      extremes(r0, r1, c0, c1, top2Spans(p, rs, 1), top2Spans(p, rs, -1), 0, top2Spans(p, cs, 1), top2Spans(p, cs, -1), 0);
      return { min: ext[0], max: ext[1], mean, count };
    },
    blockValues(rowSpans, colSpans, out, stride) {
      // Each row (column) span's top two are found once, not once per block: O(pixels + cells).
      // The loop is `extremes` and bestPairProduct written out, so that a tile is one loop
      // without calls for the JIT (tests compare it with aggregate bit for bit).
      const rMax = top2Spans(p, rowSpans, 1);
      const rMin = top2Spans(p, rowSpans, -1);
      const cMax = top2Spans(p, colSpans, 1);
      const cMin = top2Spans(p, colSpans, -1);
      const h = rowSpans.length >> 1;
      const w = colSpans.length >> 1;
      for (let y = 0; y < h; y++) {
        const r0 = rowSpans[2 * y];
        const r1 = rowSpans[2 * y + 1];
        const ro = 3 * y;
        const rBig1 = rMax[ro];
        const rBigAt = rMax[ro + 1];
        const rBig2 = rMax[ro + 2];
        const rSmall1 = rMin[ro];
        const rSmallAt = rMin[ro + 1];
        const rSmall2 = rMin[ro + 2];
        const base = y * stride;
        for (let x = 0; x < w; x++) {
          const c0 = colSpans[2 * x];
          const c1 = colSpans[2 * x + 1];
          if (r1 - r0 === 1 && c1 - c0 === 1) {
            out[base + x] = softmaxJacobianEntry(p, r0, c0);
            continue;
          }
          if (allFinite && (c1 <= r0 || c0 >= r1)) {
            // Rows and columns apart: no diagonal entry and no shared class, so min and max are
            // −(largest p_j)(largest p_k) and −(smallest)(smallest), as below.
            const lo = -(rBig1 * cMax[3 * x]);
            const hi = -(rSmall1 * cMin[3 * x]);
            out[base + x] = Math.abs(lo) > Math.abs(hi) ? lo : hi;
            continue;
          }
          const i0 = r0 > c0 ? r0 : c0;
          const i1 = r1 < c1 ? r1 : c1;
          let min = Infinity;
          let max = -Infinity;
          for (let i = i0; i < i1; i++) {
            const d = diag[i];
            if (d < min) min = d;
            if (d > max) max = d;
          }
          if ((r1 - r0) * (c1 - c0) > (i1 > i0 ? i1 - i0 : 0)) {
            const co = 3 * x;
            const big =
              rBigAt !== cMax[co + 1]
                ? rBig1 * cMax[co]
                : bestPairProduct(rBig1, rBigAt, rBig2, cMax[co], cMax[co + 1], cMax[co + 2], true);
            const small =
              rSmallAt !== cMin[co + 1]
                ? rSmall1 * cMin[co]
                : bestPairProduct(rSmall1, rSmallAt, rSmall2, cMin[co], cMin[co + 1], cMin[co + 2], false);
            const offMin = -big;
            const offMax = -small;
            if (offMin < min) min = offMin;
            if (offMax > max) max = offMax;
          }
          out[base + x] = Math.abs(min) > Math.abs(max) ? min : max;
        }
      }
    },
    maxAbs() {
      let best = 0;
      for (let i = 0; i < k; i++) best = Math.max(best, diag[i]);
      const t = top2(p, 0, k, 1);
      return Math.max(best, k > 1 ? t.v1 * t.v2 : 0);
    },
  };
}

/**
 * How many decades a symmetric-log colour scale needs for this source: log10(max |v| / min |v|)
 * over its non-zero finite cells, rounded up, between 1 and `cap`. A 3-class Jacobian spans one
 * decade and gets all of its shades there; a 1,000-class one spans many and gets `cap`. Sources
 * above `scanMax` cells are not scanned and get `cap`.
 */
export function symlogDecades(source: MatrixSource, cap = 5, scanMax = 1_200_000): number {
  if (source.rows * source.cols > scanMax) return cap;
  let lo = Infinity;
  let hi = 0;
  for (let r = 0; r < source.rows; r++)
    for (let c = 0; c < source.cols; c++) {
      const a = Math.abs(source.value(r, c));
      if (a > 0 && Number.isFinite(a)) {
        if (a < lo) lo = a;
        if (a > hi) hi = a;
      }
    }
  if (!(hi > 0) || !(lo < Infinity)) return 1;
  return Math.max(1, Math.min(cap, Math.ceil(Math.log10(hi / lo) - 1e-9)));
}
