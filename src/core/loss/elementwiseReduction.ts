/**
 * The reduction every elementwise loss shares (l1, smooth_l1, huber, mse by name, both BCEs): the
 * per-sample loss is the mean of its K terms (torch's reduction="none" averaged over outputs);
 * "mean" is torch's mean over all N × K terms and "sum" torch's sum of all of them.
 */
import type { Reduction } from '../losses';

/**
 * `term(at, j, scale)` gives the loss of entry `at` (output `j`) and writes its gradient entries,
 * already multiplied by `scale` (the reduction's factor on every term's derivative).
 */
export function reduceElementwise(
  n: number,
  k: number,
  reduction: Reduction,
  term: (at: number, j: number, scale: number) => number,
): { loss: number; losses: Float64Array } {
  const losses = new Float64Array(n);
  const torchSum = reduction === 'sum';
  const sampleScale = !torchSum && n > 0 ? 1 / n : 1;
  const scale = torchSum ? 1 : sampleScale / k;
  let total = 0;
  let all = 0;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += term(i * k + j, j, scale);
    losses[i] = sum / k;
    total += losses[i];
    all += sum;
  }
  return { loss: torchSum ? all : total * sampleScale, losses };
}
