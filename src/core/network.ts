/**
 * Forward and backward passes through a small dense network, each backward step written beside
 * its forward step (micrograd style). Layer l computes z = x Wᵀ + b and a = σ(z), where x is the
 * previous layer's a (the file's inputs for the first layer). Matches PyTorch autograd in float64.
 */
import { denseTargets, type Activation, type DenseLayer, type NetworkData } from './dataset';
import { meanSquaredError, softmaxCrossEntropyGradient, softmaxCrossEntropyLabelsGradient, type Reduction } from './losses';
import { softmaxBackward, softmaxJacobian, softmaxRow } from './softmax';

/** ‖∂L/∂W‖ / ‖W‖ below this flags a layer as vanishing. */
export const DEFAULT_VANISHING_THRESHOLD = 1e-6;
/** ‖∂L/∂W‖ above this flags a layer as exploding. */
export const DEFAULT_EXPLODING_THRESHOLD = 1e3;

export interface NetworkOptions {
  reduction?: Reduction;
  vanishingThreshold?: number;
  explodingThreshold?: number;
  /** Replaces σ'(z) in the backward pass: gradientMistakes.ts replays a wrong derivative with it. */
  derivative?: (activation: Exclude<Activation, 'softmax'>, z: number, a: number) => number;
}

export type LayerHealth = 'ok' | 'vanishing' | 'exploding';

export interface LayerAnalysis {
  /** n × outputs each: pre-activation, activation, ∂L/∂a, ∂L/∂z. */
  z: Float64Array;
  a: Float64Array;
  dA: Float64Array;
  dZ: Float64Array;
  /** outputs × inputs, like the weights. */
  gradWeights: Float64Array;
  gradBias: Float64Array;
  /** Frobenius norms of W, ∂L/∂W and ∂L/∂b. */
  weightNorm: number;
  gradNorm: number;
  gradBiasNorm: number;
  /** ‖∂L/∂W‖ / ‖W‖ (0 when both are 0, ∞ when only W is 0). */
  ratio: number;
  health: LayerHealth;
}

export interface NetworkAnalysis {
  task: 'network';
  n: number;
  head: 'cross-entropy' | 'mse';
  reduction: Reduction;
  loss: number;
  losses: Float64Array;
  /** The last layer's a (the softmax probabilities for a cross-entropy head). */
  output: Float64Array;
  /** argmax of the output per sample for a cross-entropy head, else null. */
  predicted: Int32Array | null;
  /** ∂L/∂inputs, n × inputs of the first layer. */
  gradInputs: Float64Array;
  layers: LayerAnalysis[];
  vanishingThreshold: number;
  explodingThreshold: number;
}

// ---- activations: forward value and local derivative side by side ------------------------

interface Elementwise {
  forward(z: number): number;
  /** ∂a/∂z, from z and a = forward(z) (the forms torch's backward kernels use). */
  derivative(z: number, a: number): number;
}

export const ELEMENTWISE: Record<Exclude<Activation, 'softmax'>, Elementwise> = {
  // relu'(0) = 0, as in torch.
  relu: { forward: (z) => (z > 0 ? z : 0), derivative: (z) => (z > 0 ? 1 : 0) },
  // Split at 0 so exp never overflows.
  sigmoid: { forward: (z) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))), derivative: (_z, a) => a * (1 - a) },
  tanh: { forward: Math.tanh, derivative: (_z, a) => 1 - a * a },
  linear: { forward: (z) => z, derivative: () => 1 },
};

/** a = σ(z), row by row (softmax) or element by element. */
function activationForward(activation: Activation, z: Float64Array, n: number, out: number): Float64Array {
  const a = new Float64Array(n * out);
  if (activation === 'softmax') {
    for (let i = 0; i < n; i++) softmaxRow(z, out, i, a);
    return a;
  }
  const f = ELEMENTWISE[activation].forward;
  for (let j = 0; j < a.length; j++) a[j] = f(z[j]);
  return a;
}

/** ∂L/∂z = (∂a/∂z)ᵀ ∂L/∂a: the softmax Jacobian per row, or σ'(z) ⊙ ∂L/∂a. */
function activationBackward(
  activation: Activation,
  z: Float64Array,
  a: Float64Array,
  dA: Float64Array,
  n: number,
  out: number,
  derivative?: NetworkOptions['derivative'],
): Float64Array {
  const dZ = new Float64Array(n * out);
  if (activation === 'softmax') {
    for (let i = 0; i < n; i++) dZ.set(softmaxBackward(a.subarray(i * out, (i + 1) * out), dA.subarray(i * out, (i + 1) * out)), i * out);
    return dZ;
  }
  const d = derivative ? (zj: number, aj: number) => derivative(activation, zj, aj) : ELEMENTWISE[activation].derivative;
  for (let j = 0; j < dZ.length; j++) dZ[j] = dA[j] * d(z[j], a[j]);
  return dZ;
}

/** ∂a/∂z of one sample as an outputs × outputs matrix: diag(σ'(z)), or diag(p) − p pᵀ for softmax. */
export function activationJacobian(activation: Activation, z: ArrayLike<number>, a: ArrayLike<number>): Float64Array {
  const k = a.length;
  if (activation === 'softmax') return softmaxJacobian(Float64Array.from(a));
  const J = new Float64Array(k * k);
  const d = ELEMENTWISE[activation].derivative;
  for (let j = 0; j < k; j++) J[j * k + j] = d(z[j], a[j]);
  return J;
}

// ---- the dense (affine) step ---------------------------------------------------------------

/** z = x Wᵀ + b for n samples. */
function denseForward(layer: DenseLayer, x: Float64Array, n: number): Float64Array {
  const { weights: W, bias: b, inputs: m, outputs: k } = layer;
  const z = new Float64Array(n * k);
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < k; o++) {
      let sum = b[o];
      for (let i = 0; i < m; i++) sum += W[o * m + i] * x[s * m + i];
      z[s * k + o] = sum;
    }
  }
  return z;
}

/** Backward of z = x Wᵀ + b: ∂L/∂W = Σ_s ∂L/∂z_s ⊗ x_s, ∂L/∂b = Σ_s ∂L/∂z_s, ∂L/∂x = ∂L/∂z · W. */
function denseBackward(
  layer: DenseLayer,
  x: Float64Array,
  dZ: Float64Array,
  n: number,
): { dW: Float64Array; db: Float64Array; dX: Float64Array } {
  const { weights: W, inputs: m, outputs: k } = layer;
  const dW = new Float64Array(k * m);
  const db = new Float64Array(k);
  const dX = new Float64Array(n * m);
  for (let s = 0; s < n; s++) {
    for (let o = 0; o < k; o++) {
      const g = dZ[s * k + o];
      if (g === 0) continue;
      db[o] += g;
      for (let i = 0; i < m; i++) {
        dW[o * m + i] += g * x[s * m + i];
        dX[s * m + i] += g * W[o * m + i];
      }
    }
  }
  return { dW, db, dX };
}

// ---- whole network ---------------------------------------------------------------------------

export interface ForwardPass {
  z: Float64Array[];
  a: Float64Array[];
}

export function forwardNetwork(data: NetworkData): ForwardPass {
  const z: Float64Array[] = [];
  const a: Float64Array[] = [];
  let x = data.inputs;
  for (const layer of data.layers) {
    const zl = denseForward(layer, x, data.n);
    const al = activationForward(layer.activation, zl, data.n, layer.outputs);
    z.push(zl);
    a.push(al);
    x = al;
  }
  return { z, a };
}

interface HeadResult {
  loss: number;
  losses: Float64Array;
  dA: Float64Array;
  /** ∂L/∂z of the last layer when the head fuses it (softmax + cross-entropy), else null. */
  dZ: Float64Array | null;
}

/** The loss on the last layer and its gradient, the head's backward beside its forward. */
function head(data: NetworkData, pass: ForwardPass, reduction: Reduction): HeadResult {
  const last = data.layers[data.layers.length - 1];
  const zL = pass.z[pass.z.length - 1];
  const aL = pass.a[pass.a.length - 1];
  const { n, labels, targets } = data;
  const k = last.outputs;
  if (data.head === 'cross-entropy') {
    // Cross-entropy on log-softmax(z), as F.cross_entropy: exact even where p underflows.
    const r = labels
      ? softmaxCrossEntropyLabelsGradient(zL, labels, n, k, reduction)
      : softmaxCrossEntropyGradient(zL, targets, n, k, reduction);
    const scale = reduction === 'mean' ? 1 / n : 1;
    // ∂L/∂p = −y/(p·N) for the chain-rule view (−∞ where p underflowed to 0; ∂L/∂z stays exact).
    const dA = new Float64Array(n * k);
    if (labels) for (let i = 0; i < n; i++) dA[i * k + labels[i]] = -scale / aL[i * k + labels[i]];
    else for (let j = 0; j < dA.length; j++) dA[j] = targets[j] === 0 ? 0 : (-targets[j] * scale) / aL[j];
    return { loss: r.loss, losses: r.losses, dA, dZ: r.gradient };
  }
  // An MSE head always has dense rows (networkJson.ts reads labels only for a softmax head).
  const r = meanSquaredError(aL, denseTargets(data, n, k), n, k, reduction);
  return { loss: r.loss, losses: r.losses, dA: r.gradient, dZ: null };
}

/** The loss alone (for finite differences). */
export function networkLoss(data: NetworkData, reduction: Reduction = 'mean'): number {
  return head(data, forwardNetwork(data), reduction).loss;
}

export function analyzeNetwork(data: NetworkData, options: NetworkOptions = {}): NetworkAnalysis {
  const reduction = options.reduction ?? 'mean';
  const vanishing = options.vanishingThreshold ?? DEFAULT_VANISHING_THRESHOLD;
  const exploding = options.explodingThreshold ?? DEFAULT_EXPLODING_THRESHOLD;
  const { n, layers } = data;
  const pass = forwardNetwork(data);
  const top = head(data, pass, reduction);

  const result: LayerAnalysis[] = new Array(layers.length);
  let dA: Float64Array = top.dA;
  let gradInputs: Float64Array = new Float64Array(0);
  for (let l = layers.length - 1; l >= 0; l--) {
    const layer = layers[l];
    const z = pass.z[l];
    const a = pass.a[l];
    const dZ =
      l === layers.length - 1 && top.dZ ? top.dZ : activationBackward(layer.activation, z, a, dA, n, layer.outputs, options.derivative);
    const x = l > 0 ? pass.a[l - 1] : data.inputs;
    const { dW, db, dX } = denseBackward(layer, x, dZ, n);
    const weightNorm = norm(layer.weights);
    const gradNorm = norm(dW);
    const ratio = weightNorm > 0 ? gradNorm / weightNorm : gradNorm > 0 ? Infinity : 0;
    result[l] = {
      z,
      a,
      dA,
      dZ,
      gradWeights: dW,
      gradBias: db,
      weightNorm,
      gradNorm,
      gradBiasNorm: norm(db),
      ratio,
      health: layerHealth(ratio, gradNorm, vanishing, exploding),
    };
    dA = dX;
    if (l === 0) gradInputs = dX;
  }
  const output = pass.a[pass.a.length - 1];
  return {
    task: 'network',
    n,
    head: data.head,
    reduction,
    loss: top.loss,
    losses: top.losses,
    output,
    predicted: data.head === 'cross-entropy' ? argmaxRows(output, n, layers[layers.length - 1].outputs) : null,
    gradInputs,
    layers: result,
    vanishingThreshold: vanishing,
    explodingThreshold: exploding,
  };
}

/**
 * Exploding: ‖∂L/∂W‖ above the threshold (or not finite). Vanishing: ‖∂L/∂W‖ tiny relative to
 * ‖W‖, i.e. a gradient step would barely move the weights.
 */
export function layerHealth(ratio: number, gradNorm: number, vanishingThreshold: number, explodingThreshold: number): LayerHealth {
  if (!(gradNorm <= explodingThreshold)) return 'exploding';
  if (ratio < vanishingThreshold) return 'vanishing';
  return 'ok';
}

/** A copy of the network with one layer's weights and/or bias replaced (for finite differences). */
export function withLayerParameters(data: NetworkData, layer: number, weights?: Float64Array, bias?: Float64Array): NetworkData {
  const layers = data.layers.map((l, i) => (i === layer ? { ...l, weights: weights ?? l.weights, bias: bias ?? l.bias } : l));
  return { ...data, layers };
}

/** Which ReLU units are on (z > 0), over all ReLU layers: a change means a kink was crossed. */
export function reluPattern(data: NetworkData): Uint8Array {
  const pass = forwardNetwork(data);
  const bits: number[] = [];
  data.layers.forEach((layer, l) => {
    if (layer.activation === 'relu') for (const v of pass.z[l]) bits.push(v > 0 ? 1 : 0);
  });
  return Uint8Array.from(bits);
}

export function norm(v: Float64Array): number {
  // Scaled so that gradients of 1e200 do not overflow when squared.
  let max = 0;
  for (const x of v) max = Math.max(max, Math.abs(x));
  if (max === 0 || !Number.isFinite(max)) return max;
  let sum = 0;
  for (const x of v) sum += (x / max) * (x / max);
  return max * Math.sqrt(sum);
}

function argmaxRows(p: Float64Array, n: number, k: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[i * k + j] > p[i * k + best]) best = j;
    out[i] = best;
  }
  return out;
}
