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
 * Best product p_j p_k over j ∈ R, k ∈ C, j ≠ k, where `better` picks the larger or smaller and
 * R, C's two best values are given. p ≥ 0, so the best pair uses each side's best unless both
 * bests are the same class, in which case one side falls back to its second best.
 */
function bestPairProduct(r: Top2, c: Top2, pick: (a: number, b: number) => number): number {
  if (r.i1 !== c.i1) return r.v1 * c.v1;
  const candidates = [r.v1 * c.v2, r.v2 * c.v1].filter(Number.isFinite);
  return candidates.length === 0 ? NaN : candidates.reduce((a, b) => pick(a, b));
}

/** ∂p_j/∂z_k = p_j(δ_jk − p_k) for one sample's probabilities, computed on demand. */
export function jacobianSource(p: ArrayLike<number>): MatrixSource {
  const k = p.length;
  // Prefix sums make every block mean O(1): Σ_block = −Σ_R p · Σ_C p + Σ_{R∩C} p.
  const prefix = new Float64Array(k + 1);
  for (let i = 0; i < k; i++) prefix[i + 1] = prefix[i] + p[i];
  const sum = (a: number, b: number) => (b > a ? prefix[b] - prefix[a] : 0);
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
      const diagonal = Math.max(0, i1 - i0);
      const mean = (-sum(r0, r1) * sum(c0, c1) + sum(i0, i1)) / count;
      let min = Infinity;
      let max = -Infinity;
      for (let i = i0; i < i1; i++) {
        const d = p[i] * (1 - p[i]);
        if (d < min) min = d;
        if (d > max) max = d;
      }
      if (count > diagonal) {
        // Off-diagonal entries are −p_j p_k: the smallest is minus the largest product.
        const offMin = -bestPairProduct(top2(p, r0, r1, 1), top2(p, c0, c1, 1), Math.max);
        const offMax = -bestPairProduct(top2(p, r0, r1, -1), top2(p, c0, c1, -1), Math.min);
        if (offMin < min) min = offMin;
        if (offMax > max) max = offMax;
      }
      return { min, max, mean, count };
    },
    maxAbs() {
      let best = 0;
      for (let i = 0; i < k; i++) best = Math.max(best, p[i] * (1 - p[i]));
      const t = top2(p, 0, k, 1);
      return Math.max(best, k > 1 ? t.v1 * t.v2 : 0);
    },
  };
}
