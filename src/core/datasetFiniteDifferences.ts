/**
 * The finite-difference check of a classification or regression file entry by entry (issue 18):
 * ∂L/∂(the file's tensor) against the central difference of the loss, with the relative error
 * per entry, in the shape the network's check has, so the panel's "Finite differences" tab draws
 * both. Only for files small enough to probe every entry (each probe is one sample's loss).
 */
import { checkDatasetGradients } from './datasetCheck';
import type { ClassificationData, RegressionData } from './dataset';
import type { Reduction } from './losses';
import type { FiniteDifferenceTensor } from './networkFiniteDifferences';

/** Entries probed at most (two per entry, each one sample's loss): the network check's cap. */
export const MAX_FINITE_DIFFERENCE_ENTRIES = 5000;

export function datasetFiniteDifferences(data: ClassificationData | RegressionData, reduction: Reduction): FiniteDifferenceTensor | null {
  const rows = data.n;
  const cols = data.task === 'classification' ? data.k : data.d;
  const size = rows * cols;
  if (size === 0 || size > MAX_FINITE_DIFFERENCE_ENTRIES) return null;
  const analytic = new Float64Array(size).fill(NaN);
  const numeric = new Float64Array(size).fill(NaN);
  const relative = new Float64Array(size).fill(NaN);
  const wrong = new Uint8Array(size);
  const [check] = checkDatasetGradients(data, reduction, size, (i, n, rel, failed, a) => {
    analytic[i] = a;
    numeric[i] = n;
    relative[i] = rel;
    wrong[i] = failed ? 1 : 0;
  });
  // Entries never probed sit on a kink (the probability clip, a loss's kink): counted as skipped.
  const skipped = Uint8Array.from(numeric, (v) => (Number.isNaN(v) ? 1 : 0));
  return { name: check.name, layer: 0, part: 'input', rows, cols, analytic, numeric, relative, wrong, skipped, check };
}
