/**
 * The rule a row of probabilities (a file's input) or of one-hot or soft targets must pass, and the
 * full reader's messages for a row that does not: one place for the full reader
 * (buildDataset.ts) and the streamed readers, which note such rows a block at a time
 * (summaryRows.ts) and list them as the full reader does (issue 22).
 */
import { problem, type Problem } from './problems';

/** Which rows: the file's probabilities, or its targets. */
export type DistributionRole = 'probabilities' | 'targets';

/** How a message names the file's parts: its class names (one per column), and whether it is a CSV (columns, not keys). */
export interface DistributionWording {
  names: readonly string[] | null;
  csv: boolean;
}

/**
 * Row `base / cols` of `data` checked: each value outside [0, 1] passed to `outside(j, v)`, and,
 * when none is, a sum (taken in order) off 1 by more than `tolerance` passed to `offSum`. Returns
 * whether the row passed.
 */
export function distributionRowFaults(
  data: ArrayLike<number>,
  base: number,
  cols: number,
  tolerance: number,
  outside: (j: number, v: number) => void,
  offSum: (sum: number) => void,
): boolean {
  let sum = 0;
  let bad = false;
  for (let j = 0; j < cols; j++) {
    const v = data[base + j];
    if (v < 0 || v > 1) {
      outside(j, v);
      bad = true;
    }
    sum += v;
  }
  if (!bad && Math.abs(sum - 1) > tolerance) {
    offSum(sum);
    return false;
  }
  return !bad;
}

/** The full reader's problem for value `v` of sample `i`, class `j`, outside [0, 1] (at the value). */
export function outsideUnitProblem(
  role: DistributionRole,
  v: number,
  i: number,
  j: number,
  { names, csv }: DistributionWording,
  start: number,
  end: number,
): Problem {
  const singular = role === 'probabilities' ? 'probability' : 'target';
  const name = names ? ` "${names[j]}"` : '';
  return problem(
    `${singular} ${v} in sample ${i} (class ${j}${name}) is outside [0, 1]${rawScores(role, csv)}`,
    start,
    end,
    `${role}-range`,
  );
}

/** The full reader's problem for sample `i` of `cols` values summing to `sum`, not 1 (at the row). */
export function offSumProblem(
  role: DistributionRole,
  i: number,
  sum: number,
  cols: number,
  tolerance: number,
  { csv }: DistributionWording,
  start: number,
  end: number,
): Problem {
  const hint =
    Math.abs(sum - 1) <= 0.005 * cols
      ? `; if the values are rounded, write more digits (the tolerance is ${tolerance})`
      : role === 'probabilities'
        ? `; each row must be a probability distribution over the ${cols} classes${rawScores(role, csv)}`
        : Number.isInteger(sum)
          ? '; a one-hot row has exactly one 1'
          : `; soft targets must be a probability distribution over the ${cols} classes`;
  return problem(`${role} in sample ${i} sum to ${sixDigits(sum)}, expected 1${hint}`, start, end, `${role}-sum`);
}

/** Probabilities that may be raw scores: how to say so. */
function rawScores(role: DistributionRole, csv: boolean): string {
  if (role !== 'probabilities') return '';
  return csv ? '; if these are raw scores, name the columns logit_0…' : '; if these are raw scores, name them "logits"';
}

function sixDigits(x: number): string {
  return String(Number(x.toPrecision(6)));
}
