/**
 * Softmax, its log, and its Jacobian, with the backward step beside each forward step.
 * Stability: every exponent is taken of (z − max z), so logits of ±1000 stay finite.
 */

import { EXP2_TABLE, EXP2_TAIL } from './expTable';

// exp(x) for x = z − max ≤ 0, table-driven as musl's exp: x = (k + i/128)·ln 2 + r, e^x = 2^k ·
// 2^(i/128) (a 128-entry table) · e^r (Taylor to r⁵). No division or branch on the common path:
// ~4.5 ns vs Math.exp's 14 ns, within 1 ulp of it (test/unit/core/exp.test.ts). Other x go to Math.exp.
const EXP_N_OVER_LN2 = 128 / Math.LN2;
const EXP_LN2_HI_N = 0x162e42fefa0000 * 2 ** -60; // ln2/128, high bits: kd · this is exact
const EXP_LN2_LO_N = 0x1cf79abc9e3b3a * 2 ** -99; // ln2/128 − EXP_LN2_HI_N
const ROUND_SHIFT = 6755399441055744; // 1.5·2⁵²: (v + shift) − shift rounds v to an integer
const INV_6 = 1 / 6;
const INV_24 = 1 / 24;
const INV_120 = 1 / 120;
/** POW2[k + 1100] = 2^k for −1022 ≤ k ≤ 1023, exact. */
const POW2 = /* @__PURE__ */ (() => {
  const t = new Float64Array(2200);
  let v = 1;
  for (let k = 0; k <= 1023; k++, v *= 2) t[1100 + k] = v;
  v = 1;
  for (let k = 0; k >= -1022; k--, v /= 2) t[1100 + k] = v;
  return t;
})();

/** e^x, within 1 ulp of Math.exp; fast for −708 < x ≤ 0 (see above). exp(0) is exactly 1. */
export function exp(x: number): number {
  return x <= 0 && x > -708 ? expInRange(x) : Math.exp(x);
}

/**
 * exp's fast path with no range check: for −708 < x ≤ 0 only (NaN gives NaN, as Math.exp does).
 * The check costs a quarter of exp's time, so rows check their range once (expRowInto).
 */
function expInRange(x: number): number {
  const kd = x * EXP_N_OVER_LN2 + ROUND_SHIFT - ROUND_SHIFT;
  const ki = kd | 0; // |kd| < 2¹⁷
  const r = x - kd * EXP_LN2_HI_N - kd * EXP_LN2_LO_N;
  const i = ki & 127;
  const scale = EXP2_TABLE[i] * POW2[1100 + (ki >> 7)]; // ki >> 7 = floor(ki / 128) ≥ −1022
  const r2 = r * r;
  return scale + scale * (EXP2_TAIL[i] + r + r2 * (0.5 + r * INV_6) + r2 * r2 * (INV_24 + r * INV_120));
}

/**
 * out[at + (j − start)] = exp(z[j] − max) for start ≤ j < end, returning their sum; the same bits
 * as exp() element by element. `min` and `max` are the row's smallest and largest values (NaN
 * ignored): when min − max > −708 every argument is in exp's fast range, or NaN, so the loop
 * skips the per-element check (±∞ and very wide rows take the checked loop).
 */
export function expRowInto(z: Float64Array, start: number, end: number, min: number, max: number, out: Float64Array, at: number): number {
  let sum = 0;
  const shift = at - start;
  if (min - max > -708) {
    for (let j = start; j < end; j++) {
      const e = expInRange(z[j] - max);
      out[j + shift] = e;
      sum += e;
    }
  } else {
    for (let j = start; j < end; j++) {
      const e = exp(z[j] - max);
      out[j + shift] = e;
      sum += e;
    }
  }
  return sum;
}

/** p = softmax(z[base…base + k)) written into out[0…k): the same bits as softmaxRow and the loss loops. */
export function softmaxRowInto(z: Float64Array, base: number, k: number, out: Float64Array): Float64Array {
  let max = -Infinity;
  let min = Infinity;
  for (let j = base; j < base + k; j++) {
    const v = z[j];
    if (v > max) max = v;
    if (v < min) min = v;
  }
  const inv = 1 / expRowInto(z, base, base + k, min, max, out, 0);
  for (let j = 0; j < k; j++) out[j] *= inv;
  return out;
}

/** p = softmax(z) for row `row` of an n × k matrix, written into `out` at the same row. */
export function softmaxRow(z: Float64Array, k: number, row: number, out: Float64Array): void {
  softmaxRowInto(z, row * k, k, out.subarray(row * k, row * k + k));
}

/** Row-wise softmax of an n × k matrix. */
export function softmax(z: Float64Array, n: number, k: number): Float64Array {
  const p = new Float64Array(n * k);
  for (let i = 0; i < n; i++) softmaxRow(z, k, i, p);
  return p;
}

/** log softmax(z)_j = z_j − max − log Σ exp(z − max), for one row. */
export function logSoftmaxRow(z: Float64Array, k: number, row: number, out: Float64Array): void {
  const base = row * k;
  let max = -Infinity;
  for (let j = 0; j < k; j++) if (z[base + j] > max) max = z[base + j];
  let sum = 0;
  for (let j = 0; j < k; j++) sum += exp(z[base + j] - max);
  const logSum = Math.log(sum) + max;
  for (let j = 0; j < k; j++) out[base + j] = z[base + j] - logSum;
}

export function logSoftmax(z: Float64Array, n: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) logSoftmaxRow(z, k, i, out);
  return out;
}

/** J = diag(p) − p pᵀ, i.e. ∂p_j/∂z_k = p_j (δ_jk − p_k). Symmetric, rows sum to 0. */
export function softmaxJacobian(p: Float64Array): Float64Array {
  const k = p.length;
  const J = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const pj = p[j];
    for (let c = 0; c < k; c++) J[j * k + c] = -pj * p[c];
    J[j * k + j] += pj;
  }
  return J;
}

/** One entry of the Jacobian without materializing it (for tiles of very large K). */
export function softmaxJacobianEntry(p: ArrayLike<number>, j: number, c: number): number {
  return p[j] * ((j === c ? 1 : 0) - p[c]);
}

/**
 * The chain rule through softmax: ∂L/∂z = Jᵀ · ∂L/∂p. Since J is symmetric this is
 * p ⊙ (g − p·g), computed in O(K) without forming J.
 */
export function softmaxBackward(p: Float64Array, gradP: Float64Array): Float64Array {
  const k = p.length;
  let dot = 0;
  for (let j = 0; j < k; j++) {
    const g = gradP[j];
    // p_j · g_j with g_j = −y_j/p_j is −y_j even when p_j underflows to 0.
    if (g !== 0) dot += p[j] === 0 ? 0 : p[j] * g;
  }
  const out = new Float64Array(k);
  for (let j = 0; j < k; j++) out[j] = p[j] === 0 ? 0 : p[j] * (gradP[j] - dot);
  return out;
}

/** Jᵀ v with an explicit Jacobian (k × k, row-major): what the chain-rule view multiplies out. */
export function matTransposeVec(J: Float64Array, v: Float64Array): Float64Array {
  const k = v.length;
  const out = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    const vr = v[r];
    if (vr === 0) continue;
    for (let c = 0; c < k; c++) out[c] += J[r * k + c] * vr;
  }
  return out;
}
