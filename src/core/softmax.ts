/**
 * Softmax, its log, and its Jacobian, with the backward step beside each forward step.
 * Stability: every exponent is taken of (z − max z), so logits of ±1000 stay finite.
 */

/** p = softmax(z) for row `row` of an n × k matrix, written into `out` at the same row. */
export function softmaxRow(z: Float64Array, k: number, row: number, out: Float64Array): void {
  const base = row * k;
  let max = -Infinity;
  for (let j = 0; j < k; j++) if (z[base + j] > max) max = z[base + j];
  let sum = 0;
  for (let j = 0; j < k; j++) {
    const e = Math.exp(z[base + j] - max);
    out[base + j] = e;
    sum += e;
  }
  const inv = 1 / sum;
  for (let j = 0; j < k; j++) out[base + j] *= inv;
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
  for (let j = 0; j < k; j++) sum += Math.exp(z[base + j] - max);
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
