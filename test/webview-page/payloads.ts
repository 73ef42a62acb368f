/**
 * Payloads for the webview's tests and screenshots, computed by the real core (softmaxCrossEntropy,
 * meanSquaredError) from seeded, reproducible inputs. The network payload comes from a small
 * forward/backward pass checked against the PyTorch reference in webview-payloads.test.ts.
 */
import type { ActivationName, LayerPayload, NetworkPayload } from '../../src/shared/protocol';
import type { FullClassification, FullRegression } from './fixtureData';
import { meanSquaredError, softmaxCrossEntropy } from '../../src/core/losses';
import { softmaxJacobian, matTransposeVec } from '../../src/core/softmax';

/** mulberry32: a fixed sequence per seed, so every run draws the same data. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CIFAR10 = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

export interface ClassificationOptions {
  n: number;
  k: number;
  seed?: number;
  classes?: string[] | null;
  fileName?: string;
  /** Logit spread: larger means more confident predictions. */
  spread?: number;
}

export function classificationPayload(o: ClassificationOptions): FullClassification {
  const { n, k } = o;
  const rand = seeded(o.seed ?? 1);
  const spread = o.spread ?? 2.5;
  const z = new Float64Array(n * k);
  const y = new Float64Array(n * k);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = Math.floor(rand() * k);
    for (let j = 0; j < k; j++) z[i * k + j] = (rand() - 0.5) * spread;
    // Most samples lean towards their label, as a half-trained model's would.
    if (rand() < 0.7) z[i * k + labels[i]] += spread * (0.5 + rand());
    y[i * k + labels[i]] = 1;
  }
  const r = softmaxCrossEntropy(z, y, n, k, 'mean');
  const predicted = new Int32Array(n);
  const pTrue = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (r.probabilities[i * k + j] > r.probabilities[i * k + best]) best = j;
    predicted[i] = best;
    pTrue[i] = r.probabilities[i * k + labels[i]];
  }
  return {
    task: 'classification',
    fileName: o.fileName ?? `logits_${n}x${k}.json`,
    input: 'logits',
    n,
    k,
    classes: o.classes === undefined ? (k === 10 ? CIFAR10 : null) : o.classes,
    reduction: 'mean',
    loss: r.loss,
    losses: r.losses,
    probabilities: r.probabilities,
    targets: y,
    logitGradient: r.gradient,
    gradient: r.gradient,
    values: z,
    predicted,
    actual: labels,
    pTrue,
  };
}

export function regressionPayload(n: number, d: number, seed = 3): FullRegression {
  const rand = seeded(seed);
  const yHat = new Float64Array(n * d);
  const y = new Float64Array(n * d);
  for (let i = 0; i < n * d; i++) {
    y[i] = (rand() - 0.5) * 4;
    yHat[i] = y[i] + (rand() - 0.5) * (i % 7 === 0 ? 3 : 0.8);
  }
  const r = meanSquaredError(yHat, y, n, d, 'mean');
  return {
    task: 'regression',
    fileName: `regression_${n}x${d}.json`,
    n,
    d,
    reduction: 'mean',
    loss: r.loss,
    losses: r.losses,
    predictions: yHat,
    targets: y,
    gradient: r.gradient,
  };
}

export interface LayerSpec {
  weights: number[][];
  bias: number[];
  activation: ActivationName;
}

function activate(act: ActivationName, z: Float64Array, out: Float64Array): void {
  if (act === 'softmax') {
    let max = -Infinity;
    for (const v of z) max = Math.max(max, v);
    let s = 0;
    for (let j = 0; j < z.length; j++) s += out[j] = Math.exp(z[j] - max);
    for (let j = 0; j < z.length; j++) out[j] /= s;
    return;
  }
  for (let j = 0; j < z.length; j++) {
    const v = z[j];
    out[j] = act === 'relu' ? Math.max(0, v) : act === 'sigmoid' ? 1 / (1 + Math.exp(-v)) : act === 'tanh' ? Math.tanh(v) : v;
  }
}

function derivative(act: ActivationName, z: number, a: number): number {
  return act === 'relu' ? (z > 0 ? 1 : 0) : act === 'sigmoid' ? a * (1 - a) : act === 'tanh' ? 1 - a * a : 1;
}

/** Forward and backward through dense layers, mean reduction; targets one-hot for cross-entropy. */
export function networkPayload(
  specs: LayerSpec[],
  inputs: number[][],
  targets: number[][],
  head: 'cross-entropy' | 'mse',
  fileName = 'network.json',
): NetworkPayload {
  const n = inputs.length;
  const layers: LayerPayload[] = specs.map((s) => {
    const outputs = s.weights.length;
    const ins = s.weights[0].length;
    return {
      inputs: ins,
      outputs,
      activation: s.activation,
      weights: Float64Array.from(s.weights.flat()),
      bias: Float64Array.from(s.bias),
      gradWeights: new Float64Array(outputs * ins),
      gradBias: new Float64Array(outputs),
      weightNorm: 0,
      gradNorm: 0,
      health: 'ok',
      z: new Float64Array(n * outputs),
      a: new Float64Array(n * outputs),
      dA: new Float64Array(n * outputs),
      dZ: new Float64Array(n * outputs),
    };
  });
  const x = Float64Array.from(inputs.flat());
  const y = Float64Array.from(targets.flat());
  const losses = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let prev: Float64Array = x.subarray(i * layers[0].inputs, (i + 1) * layers[0].inputs);
    for (const L of layers) {
      const z = L.z.subarray(i * L.outputs, (i + 1) * L.outputs);
      for (let r = 0; r < L.outputs; r++) {
        let s = L.bias[r];
        for (let c = 0; c < L.inputs; c++) s += L.weights[r * L.inputs + c] * prev[c];
        z[r] = s;
      }
      const a = L.a.subarray(i * L.outputs, (i + 1) * L.outputs);
      activate(L.activation, z, a);
      prev = a;
    }
    const last = layers[layers.length - 1];
    const d = last.outputs;
    const a = last.a.subarray(i * d, (i + 1) * d);
    const t = y.subarray(i * d, (i + 1) * d);
    const dA = last.dA.subarray(i * d, (i + 1) * d);
    for (let j = 0; j < d; j++) {
      if (head === 'cross-entropy') {
        if (t[j] !== 0) losses[i] -= t[j] * Math.log(a[j]);
        dA[j] = t[j] === 0 ? 0 : -t[j] / (a[j] * n);
      } else {
        losses[i] += (a[j] - t[j]) ** 2 / d;
        dA[j] = (2 * (a[j] - t[j])) / (n * d);
      }
    }
    for (let l = layers.length - 1; l >= 0; l--) {
      const L = layers[l];
      const o = L.outputs;
      const a = L.a.subarray(i * o, (i + 1) * o);
      const z = L.z.subarray(i * o, (i + 1) * o);
      const dAi = L.dA.subarray(i * o, (i + 1) * o);
      const dZi = L.dZ.subarray(i * o, (i + 1) * o);
      if (L.activation === 'softmax') dZi.set(matTransposeVec(softmaxJacobian(Float64Array.from(a)), Float64Array.from(dAi)));
      else for (let j = 0; j < o; j++) dZi[j] = dAi[j] * derivative(L.activation, z[j], a[j]);
      const prevA = l === 0 ? x.subarray(i * L.inputs, (i + 1) * L.inputs) : layers[l - 1].a.subarray(i * L.inputs, (i + 1) * L.inputs);
      for (let r = 0; r < o; r++) {
        L.gradBias[r] += dZi[r];
        for (let c = 0; c < L.inputs; c++) L.gradWeights[r * L.inputs + c] += dZi[r] * prevA[c];
      }
      if (l > 0) {
        const below = layers[l - 1].dA.subarray(i * L.inputs, (i + 1) * L.inputs);
        for (let c = 0; c < L.inputs; c++) {
          let s = 0;
          for (let r = 0; r < o; r++) s += L.weights[r * L.inputs + c] * dZi[r];
          below[c] = s;
        }
      }
    }
  }
  for (const L of layers) {
    L.weightNorm = Math.hypot(...L.weights);
    L.gradNorm = Math.hypot(...L.gradWeights);
    L.health = L.gradNorm < 1e-6 ? 'vanishing' : L.gradNorm > 1e3 ? 'exploding' : 'ok';
  }
  let loss = 0;
  for (const v of losses) loss += v / n;
  return {
    task: 'network',
    fileName,
    n,
    head,
    classes: null,
    reduction: 'mean',
    loss,
    losses,
    inputs: x,
    targets: y,
    layers,
    gradientCheckError: null,
  };
}

/** A seeded network: sizes[0] inputs, then one layer per further size. */
export function seededNetwork(sizes: number[], activations: ActivationName[], n: number, seed = 7, scales?: number[]): NetworkPayload {
  const rand = seeded(seed);
  const specs: LayerSpec[] = activations.map((activation, l) => {
    const scale = (scales?.[l] ?? 1) / Math.sqrt(sizes[l]);
    return {
      activation,
      weights: Array.from({ length: sizes[l + 1] }, () => Array.from({ length: sizes[l] }, () => (rand() * 2 - 1) * 1.7 * scale)),
      bias: Array.from({ length: sizes[l + 1] }, () => (rand() - 0.5) * 0.2),
    };
  });
  const k = sizes[sizes.length - 1];
  const inputs = Array.from({ length: n }, () => Array.from({ length: sizes[0] }, () => (rand() - 0.5) * 2));
  const targets = Array.from({ length: n }, () => {
    const t = new Array(k).fill(0);
    t[Math.floor(rand() * k)] = 1;
    return t;
  });
  return networkPayload(
    specs,
    inputs,
    targets,
    activations[activations.length - 1] === 'softmax' ? 'cross-entropy' : 'mse',
    `network_${sizes.join('-')}.json`,
  );
}
