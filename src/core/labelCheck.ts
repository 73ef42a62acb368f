/** The one check that a label is a class index, for every reader that takes labels (JSON, CSV, NumPy, network files). */

export interface LabelProblem {
  message: string;
  code: 'label-not-integer' | 'label-range';
}

/**
 * Why label `v` of sample `i` is not a class index 0…k−1, or null when it is one. `range` says what
 * the k counts ("3 classes", "the 3 outputs of the softmax head"); `oneBased` adds the 1-based
 * hint to a label equal to k (the caller knows whether that would explain every label).
 */
export function labelProblem(v: number, i: number, k: number, range: string, oneBased = false): LabelProblem | null {
  if (!Number.isInteger(v)) {
    return { message: `label ${v} of sample ${i} is not a whole number; labels are class indices 0…${k - 1}`, code: 'label-not-integer' };
  }
  if (v < 0 || v >= k) {
    const hint = v === k && oneBased ? '; labels count from 0 (are these 1-based?)' : '';
    return { message: `label ${v} of sample ${i} is out of range for ${range} (valid: 0…${k - 1})${hint}`, code: 'label-range' };
  }
  return null;
}
