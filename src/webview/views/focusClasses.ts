/**
 * Which classes a large-K view shows by default: the ones that matter for this sample. With
 * K = 1,000 a full matrix puts a class under a third of a pixel; the information is in the rows and
 * columns of the few classes that hold the probability mass, so those are drawn as a labelled
 * sub-matrix, with the full matrix a toggle away.
 */

/** Above this many classes a view shows the classes that matter by default. */
export const FOCUS_MIN_K = 24;
/** At most this many top predictions… */
export const FOCUS_TOP = 10;
/** …or fewer, once they hold this much of the probability mass. */
export const FOCUS_MASS = 0.99;

export type FocusRole = 'true' | 'predicted' | 'top' | 'pinned';

export interface FocusClasses {
  /** Class indices in the order shown: by p, largest first. */
  indices: number[];
  roles: Map<number, FocusRole[]>;
  /** Probability mass of the top predictions included. */
  mass: number;
  /** How many top predictions by p were included. */
  top: number;
}

/**
 * The true classes (every class with y > 0, at most FOCUS_TOP of them by y), the top predictions by
 * p (up to FOCUS_TOP, stopping once they hold FOCUS_MASS of the mass), and the pinned classes.
 */
export function focusClasses(p: ArrayLike<number>, y: ArrayLike<number> | null, pinned: readonly number[] = []): FocusClasses {
  const k = p.length;
  const roles = new Map<number, FocusRole[]>();
  const add = (j: number, role: FocusRole) => {
    if (!(j >= 0 && j < k)) return;
    const r = roles.get(j);
    if (r) {
      if (!r.includes(role)) r.push(role);
    } else roles.set(j, [role]);
  };
  const byP = topIndices(p, FOCUS_TOP);
  let mass = 0;
  let top = 0;
  for (const j of byP) {
    if (mass >= FOCUS_MASS) break;
    add(j, top === 0 ? 'predicted' : 'top');
    if (top === 0) roles.get(j)!.push('top');
    mass += p[j];
    top++;
  }
  if (y) for (const j of topIndices(y, FOCUS_TOP)) if (y[j] > 0) add(j, 'true');
  for (const j of pinned) add(j, 'pinned');
  const indices = [...roles.keys()].sort((a, b) => p[b] - p[a] || a - b);
  return { indices, roles, mass, top };
}

/** The `count` largest entries' indices, largest first (ties by index), in O(K · count). */
function topIndices(v: ArrayLike<number>, count: number): number[] {
  const out: number[] = [];
  for (let j = 0; j < v.length; j++) {
    const x = v[j];
    if (!(x === x)) continue;
    if (out.length === count && x <= v[out[count - 1]]) continue;
    let at = out.length;
    while (at > 0 && v[out[at - 1]] < x) at--;
    out.splice(at, 0, j);
    if (out.length > count) out.pop();
  }
  return out;
}

/**
 * Columns of an N × K matrix that matter: the `count` with the largest max |value| over the rows,
 * plus the `keep` ones (the selected sample's true and predicted class, pinned classes), in class order.
 */
export function focusColumns(data: ArrayLike<number>, n: number, k: number, count: number, keep: readonly number[]): number[] {
  const colMax = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const base = i * k;
    for (let j = 0; j < k; j++) {
      const a = Math.abs(data[base + j]);
      if (a > colMax[j]) colMax[j] = a;
    }
  }
  return focusColumnsFromMax(colMax, count, keep);
}

/** focusColumns from each column's max |value| (what the panel asks the data's holder for). */
export function focusColumnsFromMax(colMax: Float64Array, count: number, keep: readonly number[]): number[] {
  const k = colMax.length;
  const chosen = new Set(keep.filter((j) => j >= 0 && j < k));
  for (const j of topIndices(colMax, count)) if (chosen.size < count + keep.length) chosen.add(j);
  return [...chosen].sort((a, b) => a - b);
}

/** The strip's tag for a class: 'true', 'pred', 'true·pred', or none. */
export function roleTag(roles: readonly FocusRole[]): string | undefined {
  const t = roles.includes('true');
  const p = roles.includes('predicted');
  return t && p ? 'true·pred' : t ? 'true' : p ? 'pred' : undefined;
}
