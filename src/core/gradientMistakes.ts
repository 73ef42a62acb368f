/**
 * The classic ways a hand-written backward pass goes wrong, each as the tensor it would produce.
 * When the user's whole tensor equals one of them (within the tolerance) and not the exact one,
 * the check names the mistake in words instead of only listing entries.
 *
 * ReLU's derivative taken on the output a instead of the input z is the same mask (a > 0 exactly
 * when z > 0), so it cannot be told apart and is no mistake; for sigmoid and tanh σ'(a) ≠ σ'(z)
 * and it is detected, as is a ReLU mask that never fires.
 */
import { denseTargets, type Activation, type NetworkData } from './dataset';
import type { CheckContext, ExactTensor } from './exactGradients';
import { analyzeNetwork, ELEMENTWISE, type NetworkAnalysis } from './network';
import type { UserTensor } from './userGradients';

export interface Mistake {
  /** In words, e.g. "forgot the 1/N: these are p − y, not (p − y)/N (batch size N = 6)". */
  words: string;
  shape: number[];
  /** Entry i of the wrong formula, on demand: most candidates fail on their first entries. */
  value(i: number): number;
  /** Term size of entry i for the tolerance, as ExactTensor.scale; null: |value|. */
  scale: ((i: number) => number) | null;
}

/** Entries of an array made on first use. */
function lazy(make: () => Float64Array): (i: number) => number {
  let values: Float64Array | undefined;
  return (i) => (values ??= make())[i];
}

/** Every known wrong formula for `t`, most specific first. */
export function mistakesFor(t: UserTensor, exact: ExactTensor, ctx: CheckContext): Mistake[] {
  const d = ctx.dataset;
  const n = d.n;
  const mean = ctx.reduction === 'mean';
  const out: Mistake[] = [];
  const scaled = (factor: number, words: string): void => {
    const { values, scale } = exact;
    out.push({ words, shape: exact.shape, value: (i) => values[i] * factor, scale: scale ? (i) => scale[i] * Math.abs(factor) : null });
  };
  const batch = (what: string, right: string) => {
    if (mean && n > 1) scaled(n, `forgot the 1/N: ${what}, not ${right} (batch size N = ${n})`);
    if (!mean && n > 1) scaled(1 / n, `divided by N = ${n}, but the reduction is sum (no 1/N)`);
  };
  if (t.kind === 'jacobian' || t.kind === 'jacobians') return jacobianMistakes(t, exact, ctx);
  if (d.task === 'network') return networkMistakes(t, exact, ctx, d, scaled, out);
  if (d.task === 'regression') {
    batch('these are 2(ŷ − y)', exact.formula);
    scaled(-1, `the sign is flipped: 2(y − ŷ) instead of 2(ŷ − y)`);
    scaled(0.5, `forgot the factor 2 of d(ŷ − y)²/dŷ = 2(ŷ − y)`);
    if (d.d > 1) scaled(d.d, `divided by N but not by D = ${d.d}: the mean is over all N·D outputs`);
    return out;
  }
  const a = ctx.classification!;
  const s = mean ? 1 / n : 1;
  const N = mean ? '/N' : '';
  if (d.input === 'logits') {
    batch('these are p − y', '(p − y)/N');
    scaled(-1, `the sign is flipped: (y − p)${N} instead of (p − y)${N}`);
    if (mean && n > 1) scaled(-n, 'the sign is flipped and the 1/N forgotten: these are y − p');
    const p = a.probabilities;
    const y = denseTargets(a, a.n, a.k);
    out.push({
      words: `used p instead of p − y: the targets y were never subtracted`,
      shape: exact.shape,
      value: (i) => p[i] * s,
      scale: null,
    });
    if (mean && n > 1)
      out.push({ words: 'used p instead of p − y, and forgot the 1/N', shape: exact.shape, value: (i) => p[i], scale: null });
    out.push({
      words: `this is ∂L/∂p = −y/(p${mean ? '·N' : ''}), given where ∂L/∂z was expected: the softmax's backward step is missing (for logits, dinputs is ∂L/∂z = (p − y)${N})`,
      shape: exact.shape,
      value: (i) => (y[i] === 0 ? 0 : (-y[i] / p[i]) * s),
      scale: null,
    });
    return out;
  }
  batch('these are −y/p', '−y/(p·N)');
  scaled(-1, `the sign is flipped: y/(p${mean ? '·N' : ''}) instead of −y/(p${mean ? '·N' : ''})`);
  out.push({
    words: `this is ∂L/∂z = (p − y)${N}, given where ∂L/∂p was expected: the file gives probabilities, so dinputs is ∂L/∂p = −y/(p${mean ? '·N' : ''})`,
    shape: exact.shape,
    value: (i) => a.logitGradient[i],
    scale: null,
  });
  return out;
}

function jacobianMistakes(t: UserTensor, exact: ExactTensor, ctx: CheckContext): Mistake[] {
  const k = exact.shape[exact.shape.length - 1];
  const { params, values, scale } = exact;
  const build = (words: string, f: (pj: number, pk: number, diagonal: boolean) => number): Mistake => ({
    words,
    shape: exact.shape,
    value: (e) => {
      const inner = e % (k * k);
      return f(params[2 * e], params[2 * e + 1], Math.floor(inner / k) === inner % k);
    },
    scale: null,
  });
  const out = [
    build('the diagonal only: p_j(1 − p_j) on the diagonal, 0 off it (the −p_j p_k off-diagonal terms are missing)', (pj, _pk, diag) =>
      diag ? pj * (1 - pj) : 0,
    ),
    build('−p pᵀ without diag(p): the diagonal lacks its p_j term (∂p_j/∂z_j = p_j(1 − p_j))', (pj, pk) => -pj * pk),
    build('p pᵀ without the diagonal term diag(p) (and with the sign of −p_j p_k flipped)', (pj, pk) => pj * pk),
    build('diag(p) only: the −p pᵀ term is missing', (pj, _pk, diag) => (diag ? pj : 0)),
    {
      words: 'the sign is flipped: p pᵀ − diag(p) instead of diag(p) − p pᵀ',
      shape: exact.shape,
      value: (i: number) => -values[i],
      scale: scale ? (i: number) => scale[i] : null,
    },
  ];
  const a = ctx.classification;
  if (t.kind === 'jacobian' && a && ctx.dataset.n * k * k <= 2_000_000) {
    for (let s = 0; s < ctx.dataset.n; s++) {
      if (s === t.sample) continue;
      const p = a.probabilities.subarray(s * k, (s + 1) * k);
      const value = (e: number) => {
        const [j, c] = [Math.floor(e / k), e % k];
        return p[j] * ((j === c ? 1 : 0) - p[c]);
      };
      out.push({ words: `this is the Jacobian of sample ${s}, but "sample" says ${t.sample}`, shape: exact.shape, value, scale: null });
    }
  }
  return out;
}

type Scaled = (factor: number, words: string) => void;

function networkMistakes(t: UserTensor, exact: ExactTensor, ctx: CheckContext, d: NetworkData, scaled: Scaled, out: Mistake[]): Mistake[] {
  const n = d.n;
  const mean = ctx.reduction === 'mean';
  // Whole-file mistakes first: with reduction sum, a dbiases of Σ∂L/∂z / N is the 1/N, not a mean.
  if (mean && n > 1) scaled(n, `forgot the 1/N of the mean loss: every entry is N = ${n} times too large`);
  if (!mean && n > 1) scaled(1 / n, `divided by N = ${n}, but the reduction is sum (no 1/N)`);
  scaled(-1, 'the sign is flipped');
  if (t.kind === 'dweights') {
    const [rows, cols] = exact.shape;
    // Entry [i][o] of the transposed matrix is exact [o][i].
    const value = (e: number) => exact.values[(e % rows) * cols + Math.floor(e / rows)];
    const words =
      rows === cols
        ? 'transposed: one row per input (inputs × outputs, as xᵀ·∂L/∂z gives) instead of one row per neuron (outputs × inputs, like "weights")'
        : `transposed: ${cols} × ${rows} (inputs × outputs, as xᵀ·∂L/∂z gives) instead of ${rows} × ${cols} (outputs × inputs, like "weights")`;
    out.push({ words, shape: [cols, rows], value, scale: null });
  }
  if (t.kind === 'dbiases') {
    const dZ = ctx.network!.layers[t.layer].dZ;
    const k = exact.shape[0];
    out.push({
      words: 'not summed over the batch: one ∂L/∂z row per sample; dbiases = Σ_s ∂L/∂z[s] (np.sum(dvalues, axis=0))',
      shape: [n, k],
      value: (i) => dZ[i],
      scale: null,
    });
    if (n > 1) {
      out.push({
        words: 'averaged over the batch instead of summed (np.mean instead of np.sum; ∂L/∂z already carries the 1/N)',
        shape: [k],
        value: (i) => exact.values[i] / n,
        scale: null,
      });
      out.push({ words: "only sample 0's ∂L/∂z, not the sum over the batch", shape: [k], value: (i) => dZ[i], scale: null });
    }
  }
  for (const variant of derivativeVariants(d)) {
    // The variant's backward pass runs only if this candidate is tried.
    const value = lazy(() => {
      const a = variantAnalysis(ctx, variant);
      return t.kind === 'dinputs' ? a.gradInputs : t.kind === 'dweights' ? a.layers[t.layer].gradWeights : a.layers[t.layer].gradBias;
    });
    const scale = exact.scale;
    out.push({ words: variant.words, shape: exact.shape, value, scale: scale ? (i) => scale[i] : null });
  }
  return out;
}

interface DerivativeVariant {
  key: string;
  words: string;
  derivative: (activation: Exclude<Activation, 'softmax'>, z: number, a: number) => number;
}

/** Wrong activation derivatives that give different numbers for this network's activations. */
function derivativeVariants(d: NetworkData): DerivativeVariant[] {
  const used = new Set(d.layers.map((l) => l.activation));
  const smooth = (['sigmoid', 'tanh'] as const).filter((a) => used.has(a));
  const out: DerivativeVariant[] = [];
  if (smooth.length) {
    out.push({
      key: 'at-output',
      words: `the ${smooth.join(' and ')} derivative was taken at the output a instead of the input z (σ'(a) instead of σ'(z)${smooth.includes('sigmoid') ? "; for sigmoid, a(1 − a) is already σ'(z)" : ''})`,
      derivative: (act, _z, a) => ELEMENTWISE[act].derivative(a, ELEMENTWISE[act].forward(a)),
    });
  }
  if (used.has('relu')) {
    out.push({
      key: 'relu-unmasked',
      words:
        "ReLU's derivative was never applied: ∂L/∂a passed back unmasked (as a mask on output < 0 does, which never holds); zero it where the input z ≤ 0",
      derivative: (act, z, a) => (act === 'relu' ? 1 : ELEMENTWISE[act].derivative(z, a)),
    });
  }
  return out;
}

const variantCache = new WeakMap<CheckContext, Map<string, NetworkAnalysis>>();

function variantAnalysis(ctx: CheckContext, variant: DerivativeVariant): NetworkAnalysis {
  let byKey = variantCache.get(ctx);
  if (!byKey) variantCache.set(ctx, (byKey = new Map()));
  let a = byKey.get(variant.key);
  if (!a)
    byKey.set(variant.key, (a = analyzeNetwork(ctx.dataset as NetworkData, { reduction: ctx.reduction, derivative: variant.derivative })));
  return a;
}
