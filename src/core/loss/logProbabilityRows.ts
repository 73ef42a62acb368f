/**
 * The full reader's two checks of a row of log-probabilities (lossDataset.ts), in one place so the
 * streamed readers (summaryRows.ts) ask exactly what it asks: no value above 0 (else an error),
 * and Σ exp(log p), taken in order, within the tolerance of 1 (else a warning).
 */

/** The first class of row [at, at + k) whose value is above 0, or −1 (a NaN is not above 0). */
export function firstAboveZero(lp: Float64Array, at: number, k: number): number {
  for (let j = 0; j < k; j++) if (lp[at + j] > 0) return j;
  return -1;
}

/** Σ exp of row [at, at + k), from the first class on. */
export function expSum(lp: Float64Array, at: number, k: number): number {
  let sum = 0;
  for (let j = at; j < at + k; j++) sum += Math.exp(lp[j]);
  return sum;
}
