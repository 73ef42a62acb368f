/**
 * Finite-difference gradient checks: central differences (f(x+h) − f(x−h)) / 2h against an
 * analytic gradient. A coordinate passes when |a − n| ≤ atol + rtol·|n|, the criterion of
 * torch.autograd.gradcheck, with atol scaled to the gradient's own magnitude so that a batch
 * mean (gradients of order 1/N) is judged as strictly as a single sample.
 */

export interface GradientCheck {
  /** Largest |a − n| / max(|a|, |n|) over the checked coordinates (0 where both are 0). */
  maxRelativeError: number;
  maxAbsoluteError: number;
  /** Coordinate with the worst ratio of error to tolerance. */
  worstIndex: number;
  analytic: number;
  numeric: number;
  checked: number;
  /** Coordinates skipped because f is not differentiable there (e.g. at a clip boundary). */
  skipped: number;
  passed: boolean;
}

export interface GradientCheckOptions {
  h?: number;
  rtol?: number;
  /** Absolute tolerance as a fraction of max |analytic gradient|. */
  atolFraction?: number;
  /** Check at most this many coordinates (evenly spaced), for large inputs. */
  maxCoordinates?: number;
  /**
   * How far x[i] lies from where f's slope changes by its own size (p for −log p, which curves
   * faster the nearer p is to 0): the step is kept to a thousandth of it, so the central
   * difference's own error (about (h/scale)²/3 of the slope for −log p) stays far below rtol. With
   * h alone, 1e-6 against p = 1e-5 is an error of 3e-3, and a right gradient fails.
   */
  curvatureScale?: (index: number) => number;
  /** Coordinates where f has a kink, which central differences cannot judge. */
  skip?: (index: number, h: number) => boolean;
  /** Called for every checked coordinate: its finite difference, relative error (as above) and whether it failed. */
  onEntry?: (index: number, numeric: number, relative: number, failed: boolean, analytic: number) => void;
  /**
   * Move each probed coordinate of x itself and put it back (bit for bit, also when f throws)
   * instead of probing a copy: for a caller that owns x and lets nothing else read it meanwhile
   * (a copy of 10⁷ logits is 80 MB of fresh pages, more than the whole check).
   */
  probeInPlace?: boolean;
}

/**
 * An analytic gradient computed where it is read, for inputs too large to hold it whole: its
 * largest |value| (the tolerance's scale) and any coordinate on demand.
 */
export interface LazyGradient {
  maxAbs: number;
  at(index: number): number;
}

/**
 * `f(x, i)` is called with the coordinate i just moved. It may then return f(x) up to a term that
 * does not depend on x[i] (the term cancels in f(x + h) − f(x − h)): a loss that sums per-sample
 * terms can evaluate the moved sample alone, so a probe costs one row, not the whole batch.
 */
export function checkGradient(
  f: (x: Float64Array, changed: number) => number,
  x: Float64Array,
  analytic: Float64Array | LazyGradient,
  options: GradientCheckOptions = {},
): GradientCheck {
  const h = options.h ?? 1e-6;
  const rtol = options.rtol ?? 1e-4;
  const analyticAt = analytic instanceof Float64Array ? (i: number) => analytic[i] : (i: number) => analytic.at(i);
  const gradScale = analytic instanceof Float64Array ? maxAbs(analytic) : analytic.maxAbs;
  const atolBase = Math.max((options.atolFraction ?? 1e-6) * gradScale, 1e-12);
  const total = x.length;
  const count = Math.min(total, options.maxCoordinates ?? total);
  const step = total / Math.max(count, 1);
  const probe = options.probeInPlace ? x : Float64Array.from(x);
  const result: GradientCheck = {
    maxRelativeError: 0,
    maxAbsoluteError: 0,
    worstIndex: -1,
    analytic: 0,
    numeric: 0,
    checked: 0,
    skipped: 0,
    passed: true,
  };
  let worstRatio = -1;
  for (let c = 0; c < count; c++) {
    const i = Math.floor(c * step);
    const original = probe[i];
    // Keep the step well above the spacing of floats near the coordinate (huge logits), and well
    // inside the distance over which f curves (small probabilities).
    let hi = Math.max(h, Math.abs(original) * 1e-10);
    const curvature = options.curvatureScale?.(i) ?? 0;
    if (curvature > 0 && curvature * RELATIVE_STEP < hi) hi = curvature * RELATIVE_STEP;
    if (options.skip?.(i, hi)) {
      result.skipped++;
      continue;
    }
    let plus: number;
    let minus: number;
    try {
      probe[i] = original + hi;
      plus = f(probe, i);
      probe[i] = original - hi;
      minus = f(probe, i);
    } finally {
      probe[i] = original;
    }
    const numeric = (plus - minus) / (2 * hi);
    // Rounding in f puts noise of about |f|·ε/h into the quotient; never demand more than that.
    const atol = Math.max(atolBase, (10 * Math.max(Math.abs(plus), Math.abs(minus)) * Number.EPSILON) / hi);
    const a = analyticAt(i);
    const absolute = Math.abs(a - numeric);
    const scale = Math.max(Math.abs(a), Math.abs(numeric));
    const relative = scale === 0 ? 0 : absolute / scale;
    const ratio = absolute / (atol + rtol * Math.abs(numeric));
    result.maxAbsoluteError = Math.max(result.maxAbsoluteError, absolute);
    result.maxRelativeError = Math.max(result.maxRelativeError, relative);
    if (ratio > worstRatio) {
      worstRatio = ratio;
      result.worstIndex = i;
      result.analytic = a;
      result.numeric = numeric;
    }
    if (ratio > 1) result.passed = false;
    options.onEntry?.(i, numeric, relative, ratio > 1, a);
    result.checked++;
  }
  return result;
}

/** The step as a fraction of curvatureScale: a truncation error of about 3e-7 of the slope for −log p. */
const RELATIVE_STEP = 1e-3;

/** The largest |value| (NaN if any is NaN): a gradient's scale for the check's tolerance. */
export function maxAbs(values: Float64Array): number {
  let most = 0;
  for (let i = 0; i < values.length; i++) most = Math.max(most, Math.abs(values[i]));
  return most;
}
