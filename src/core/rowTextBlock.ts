/**
 * A block of rows of p or ∂L/∂z, derived from logits with class indices, as the JSON writer writes
 * them: each row's JSON array, joined by commas (issue 22). The CLI formats these blocks on its
 * threads from the logits in shared memory: 3 × 10⁷ numbers are about 3 s of JSON.stringify on one.
 */
import { derivedLogitGradientRow, derivedProbabilityRow, gradientScale } from './derivedRows';
import type { Reduction } from './losses';
import { NumberRow } from './numberRow';

export interface RowTextSpec {
  /** The n × k logits and the labels (shared memory, for a thread). */
  values: Float64Array;
  labels: Int32Array;
  n: number;
  k: number;
  reduction: Reduction;
  field: 'probabilities' | 'logitGradient';
  from: number;
  to: number;
  /** NaN and ±Infinity as strings (the file exports): such a row is the caller's to write. */
  nonFiniteString: boolean;
}

/**
 * Starts formatting specs (on threads, or here) and returns the function that gives each one's text
 * or null, in order: between the two the caller writes what it has.
 */
export type RowTextRunner = (specs: RowTextSpec[]) => () => (string | null)[];

/** The rows' JSON joined by commas; null when a row holds NaN or ±Infinity and they are written as strings. */
export function rowTextBlock(spec: RowTextSpec): string | null {
  const { values, labels, k, from, to } = spec;
  const targets = { labels, targets: null };
  const scale = gradientScale(spec.reduction, spec.n);
  const p = new Float64Array(k);
  const out = new Float64Array(k);
  const row = new NumberRow();
  let text = '';
  for (let i = from; i < to; i++) {
    derivedProbabilityRow(values, k, i, p);
    const rowValues = spec.field === 'probabilities' ? p : derivedLogitGradientRow(targets, k, scale, i, p, out);
    if (!row.load(rowValues, 0, k) && spec.nonFiniteString) return null;
    text += (i > from ? ',' : '') + row.json();
  }
  return text;
}

/** rowTextBlock on this thread, for each spec. */
export const rowTextHere: RowTextRunner = (specs) => {
  const texts = specs.map(rowTextBlock);
  return () => texts;
};
