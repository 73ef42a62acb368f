/**
 * softmaxCrossEntropyLabelsGradient (losses.ts) for rows [from, to) of an n × k problem, with the
 * whole problem's scale given: what one thread computes when the rows are split over several
 * (src/node/lossPool.ts). Row-wise independent, the same operations in the same order as
 * losses.ts' labelRows with p staged in the gradient's own array, so every loss and every ∂L/∂z is
 * the same bits; the caller sums `losses` in row order (test/unit/loss-pool.test.ts).
 */
import { expRowInto } from '../softmax';

export function labelRowRange(
  z: Float64Array,
  labels: Int32Array,
  k: number,
  scale: number,
  from: number,
  to: number,
  gradient: Float64Array,
  losses: Float64Array,
): void {
  for (let i = from; i < to; i++) {
    const base = i * k;
    const end = base + k;
    let max = -Infinity;
    let min = Infinity;
    for (let j = base; j < end; j++) {
      const v = z[j];
      if (v > max) max = v;
      if (v < min) min = v;
    }
    const sum = expRowInto(z, base, end, min, max, gradient, base);
    const logSum = Math.log(sum) + max;
    const inv = 1 / sum;
    const t = base + labels[i];
    const pt = gradient[t] * inv;
    for (let j = base; j < end; j++) gradient[j] = gradient[j] * inv * scale;
    gradient[t] = (pt - 1) * scale;
    losses[i] = 0 - (z[t] - logSum);
  }
}
