/**
 * The Jacobian of an elementwise sigmoid, p = σ(z): diagonal, ∂p_j/∂z_k = δ_jk σ(z_j)(1 − σ(z_j)).
 * What the binary losses' outputs depend on, in place of softmax's dense diag(p) − p pᵀ: each
 * output moves alone, which is why a multi-label head uses it.
 */
export function sigmoidJacobian(p: ArrayLike<number>): Float64Array {
  const k = p.length;
  const out = new Float64Array(k * k);
  for (let j = 0; j < k; j++) out[j * k + j] = p[j] * (1 - p[j]);
  return out;
}
