/**
 * Dead ReLU units: a unit whose pre-activation z is ≤ 0 for every sample outputs 0 and passes no
 * gradient (σ′ = 0), so its incoming weights and bias get exactly zero ∂L/∂W: they never learn.
 */

/** Indices of the units (columns of the n × units matrix z) with z ≤ 0 for all n samples; none when n = 0. */
export function deadReluUnits(z: ArrayLike<number>, n: number, units: number): number[] {
  if (n === 0) return [];
  const dead: number[] = [];
  for (let j = 0; j < units; j++) {
    let alive = false;
    for (let i = 0; i < n && !alive; i++) alive = z[i * units + j] > 0;
    if (!alive) dead.push(j);
  }
  return dead;
}
