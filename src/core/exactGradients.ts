/**
 * What each of the user's derivative tensors should be, with the formula and its per-entry
 * parameters (so a message can say "(p − y)/N with p = 0.127, y = 0, N = 6"), from the same
 * analysis the rest of the product shows: ∂L/∂z, ∂L/∂p, ∂L/∂ŷ, the softmax Jacobian, and a
 * network's ∂L/∂W, ∂L/∂b and ∂L/∂inputs.
 */
import { analyzeClassification, analyzeRegression, type ClassificationAnalysis, type RegressionAnalysis } from './analysis';
import { denseTargets, type ClassificationData, type Dataset, type NetworkData } from './dataset';
import type { Reduction } from './losses';
import { analyzeNetwork, forwardNetwork, type ForwardPass, type NetworkAnalysis } from './network';
import { softmaxJacobian } from './softmax';
import type { UserTensor } from './userGradients';

export interface ExactTensor {
  /** "∂L/∂z", "∂p_j/∂z_k", "∂L/∂W". */
  quantity: string;
  /** "(p − y)/N". */
  formula: string;
  /** "N = 6". */
  constants: string;
  /** Names of the per-entry parameters, e.g. ["p", "y"]; `params` holds them entry by entry. */
  paramNames: string[];
  params: Float64Array;
  shape: number[];
  values: Float64Array;
  /**
   * Size of the terms each entry is computed from (e.g. (p + y)/N for (p − y)/N), when it can
   * exceed |exact|: rtol applies to it, so a float32 computation of p − y for p near 1 passes.
   * Null: |exact| itself.
   */
  scale: Float64Array | null;
}

/** Everything the exact values and the mistakes are computed from, built once per check. */
export interface CheckContext {
  dataset: Dataset;
  reduction: Reduction;
  epsilon?: number;
  classification?: ClassificationAnalysis;
  regression?: RegressionAnalysis;
  network?: NetworkAnalysis;
  pass?: ForwardPass;
}

export function checkContext(dataset: Dataset, reduction: Reduction, epsilon?: number): CheckContext {
  const ctx: CheckContext = { dataset, reduction, epsilon };
  if (dataset.task === 'classification') ctx.classification = analyzeClassification(dataset, { reduction, epsilon });
  else if (dataset.task === 'regression') ctx.regression = analyzeRegression(dataset, { reduction });
  else {
    ctx.network = analyzeNetwork(dataset, { reduction });
    ctx.pass = forwardNetwork(dataset);
  }
  return ctx;
}

/** The exact tensor for `t`, or a sentence saying why there is none to compare with. */
export function exactFor(t: UserTensor, ctx: CheckContext): ExactTensor | string {
  const d = ctx.dataset;
  const mean = ctx.reduction === 'mean';
  if (d.task === 'network') {
    if (t.kind === 'jacobian' || t.kind === 'jacobians')
      return `"${t.name}" is not checked in a network file: the softmax Jacobian is checked for files of logits or probabilities`;
    return networkExact(t, d, ctx);
  }
  if (t.kind === 'dweights' || t.kind === 'dbiases') return `"${t.name}" belongs to a network file`;
  const n = d.n;
  const N = mean ? `N = ${n}` : '';
  if (d.task === 'regression') {
    if (t.kind !== 'dinputs') return `"${t.name}" needs logits or probabilities; this is a regression file`;
    const a = ctx.regression!;
    const D = d.d;
    const params = interleave(d.predictions, d.targets);
    const scale = new Float64Array(n * D);
    // A named loss's sum is torch's, over all N × D terms: no 1/D (the default MSE's sum keeps it).
    const torchSum = d.loss !== undefined && a.reduction === 'sum';
    const c = torchSum ? 2 : (2 / D) * (mean ? 1 / n : 1);
    for (let i = 0; i < scale.length; i++) scale[i] = c * (Math.abs(d.predictions[i]) + Math.abs(d.targets[i]));
    const formula = torchSum ? '2(ŷ − y)' : mean ? (D === 1 ? '2(ŷ − y)/N' : '2(ŷ − y)/(N·D)') : D === 1 ? '2(ŷ − y)' : '2(ŷ − y)/D';
    return {
      quantity: '∂L/∂ŷ',
      formula,
      constants: join(N, D === 1 ? '' : `D = ${D}`),
      paramNames: ['ŷ', 'y'],
      params,
      shape: d.shape,
      values: a.gradient,
      scale,
    };
  }
  const a = ctx.classification!;
  const k = d.k;
  if (t.kind === 'jacobian' || t.kind === 'jacobians') return jacobianExact(t, d, a);
  const y = denseTargets(a, n, k);
  const params = interleave(a.probabilities, y);
  if (d.input === 'probabilities') {
    const formula = mean ? '−y/(p·N)' : '−y/p';
    return { quantity: '∂L/∂p', formula, constants: N, paramNames: ['p', 'y'], params, shape: [n, k], values: a.gradient, scale: null };
  }
  const soft = softRows(y, n, k);
  const scale = new Float64Array(n * k);
  const s = mean ? 1 / n : 1;
  for (let i = 0; i < scale.length; i++) scale[i] = s * (Math.abs(a.probabilities[i]) + Math.abs(y[i]));
  const core = soft ? 'p·Σy − y' : 'p − y';
  return {
    quantity: '∂L/∂z',
    formula: mean ? `(${core})/N` : core,
    constants: N,
    paramNames: ['p', 'y'],
    params,
    shape: [n, k],
    values: a.logitGradient,
    scale,
  };
}

function jacobianExact(t: UserTensor, d: ClassificationData, a: ClassificationAnalysis): ExactTensor | string {
  const { n, k } = d;
  const samples = t.kind === 'jacobians' ? Array.from({ length: n }, (_, i) => i) : [t.sample];
  if (t.kind === 'jacobian' && t.sample >= n)
    return `"sample" is ${t.sample} but the file has ${n} sample${n === 1 ? '' : 's'} (0…${n - 1}); "jacobian" is not checked`;
  const values = new Float64Array(samples.length * k * k);
  const params = new Float64Array(2 * values.length);
  const scale = new Float64Array(values.length);
  samples.forEach((s, m) => {
    const p = a.probabilities.subarray(s * k, (s + 1) * k);
    values.set(softmaxJacobian(p), m * k * k);
    for (let j = 0; j < k; j++) {
      for (let c = 0; c < k; c++) {
        const e = m * k * k + j * k + c;
        params[2 * e] = p[j];
        params[2 * e + 1] = p[c];
        // p_j − p_j² cancels on the diagonal; the terms are as large as p_j there.
        scale[e] = j === c ? p[j] : Math.abs(values[e]);
      }
    }
  });
  const shape = t.kind === 'jacobians' ? [n, k, k] : [k, k];
  return {
    quantity: '∂p_j/∂z_k',
    formula: 'p_j(δ_jk − p_k)',
    constants: t.kind === 'jacobian' ? `sample ${t.sample}` : '',
    paramNames: ['p_j', 'p_k'],
    params,
    shape,
    values,
    scale,
  };
}

function networkExact(t: UserTensor, d: NetworkData, ctx: CheckContext): ExactTensor | string {
  const a = ctx.network!;
  const n = d.n;
  const N = `N = ${n}`;
  const none = new Float64Array(0);
  if (t.kind === 'dinputs') {
    const layer = d.layers[0];
    const dZ = a.layers[0].dZ;
    const scale = absProduct(dZ, layer.weights, n, layer.outputs, layer.inputs, 'dx');
    return {
      quantity: '∂L/∂x',
      formula: 'Σ_o ∂L/∂z₁[s][o]·W₁[o][i]',
      constants: '',
      paramNames: [],
      params: none,
      shape: [n, layer.inputs],
      values: a.gradInputs,
      scale,
    };
  }
  const l = t.layer;
  if (l < 0 || l >= d.layers.length) return `"${t.name}" has no layer to belong to`;
  const layer = d.layers[l];
  const dZ = a.layers[l].dZ;
  if (t.kind === 'dweights') {
    const x = l > 0 ? ctx.pass!.a[l - 1] : d.inputs;
    const scale = absProduct(dZ, x, n, layer.outputs, layer.inputs, 'dw');
    return {
      quantity: `∂L/∂W${sub(l + 1)}`,
      formula: 'Σ_s ∂L/∂z[s][o]·x[s][i]',
      constants: N,
      paramNames: [],
      params: none,
      shape: [layer.outputs, layer.inputs],
      values: a.layers[l].gradWeights,
      scale,
    };
  }
  const scale = new Float64Array(layer.outputs);
  for (let s = 0; s < n; s++) for (let o = 0; o < layer.outputs; o++) scale[o] += Math.abs(dZ[s * layer.outputs + o]);
  return {
    quantity: `∂L/∂b${sub(l + 1)}`,
    formula: 'Σ_s ∂L/∂z[s][o]',
    constants: N,
    paramNames: [],
    params: none,
    shape: [layer.outputs],
    values: a.layers[l].gradBias,
    scale,
  };
}

/** Σ of |terms| of ∂L/∂W = Σ_s dZ[s][o]·x[s][i] ('dw') or ∂L/∂x = Σ_o dZ[s][o]·W[o][i] ('dx'). */
function absProduct(dZ: Float64Array, other: Float64Array, n: number, out: number, inputs: number, which: 'dw' | 'dx'): Float64Array {
  const r = new Float64Array(which === 'dw' ? out * inputs : n * inputs);
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < out; o++) {
      const g = Math.abs(dZ[s * out + o]);
      if (g === 0) continue;
      for (let i = 0; i < inputs; i++) {
        if (which === 'dw') r[o * inputs + i] += g * Math.abs(other[s * inputs + i]);
        else r[s * inputs + i] += g * Math.abs(other[o * inputs + i]);
      }
    }
  }
  return r;
}

function softRows(y: Float64Array, n: number, k: number): boolean {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) sum += y[i * k + j];
    if (Math.abs(sum - 1) > 1e-12) return true;
  }
  return false;
}

function interleave(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(2 * a.length);
  for (let i = 0; i < a.length; i++) {
    out[2 * i] = a[i];
    out[2 * i + 1] = b[i];
  }
  return out;
}

function join(...parts: string[]): string {
  return parts.filter((p) => p !== '').join(', ');
}

function sub(n: number): string {
  return String(n).replace(/\d/g, (c) => '₀₁₂₃₄₅₆₇₈₉'[Number(c)]);
}
