/**
 * Backpropagation through dense networks: golden values from PyTorch, finite differences on random
 * networks of every activation, the chain rule layer by layer, health flags, located bad-input
 * messages, hover lookup and the payload for the webview.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { Activation, DenseLayer, NetworkData } from '../../../src/core/dataset';
import { checkDatasetGradients } from '../../../src/core/datasetCheck';
import { formatLocation, LineIndex } from '../../../src/core/lineIndex';
import { loadTensorFile } from '../../../src/core/load';
import { checkGradient } from '../../../src/core/gradcheck';
import { activationJacobian, analyzeNetwork, ELEMENTWISE, networkLoss, withLayerParameters } from '../../../src/core/network';
import { healthProblems, weightAt, worstRelativeError } from '../../../src/core/networkReport';
import { networkPayload } from '../../../src/extension/networkPayload';
import { assertClose } from '../../helpers/close';
import { cli } from '../../helpers/cli';

const root = join(__dirname, '..', '..', '..');
const referenceDir = join(root, 'test', 'fixtures', 'reference');

function loadText(text: string, name = 'net.json') {
  return loadTensorFile(new TextEncoder().encode(text), name);
}

function network(text: string): NetworkData {
  const { dataset, problems } = loadText(text);
  assert.deepEqual(problems, []);
  assert.equal(dataset?.task, 'network');
  return dataset as NetworkData;
}

function networkFile(path: string): NetworkData {
  return network(readFileSync(path, 'utf8'));
}

/** Problems as the CLI prints them: FILE:LINE:COL: message. */
function messages(text: string): string[] {
  const bytes = new TextEncoder().encode(text);
  const { dataset, problems } = loadTensorFile(bytes, 'net.json');
  const index = new LineIndex(bytes);
  const lines = problems.map(
    (p) => `${formatLocation('net.json', index, p.start)}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`,
  );
  if (problems.some((p) => p.severity === 'error')) assert.equal(dataset, null);
  return lines;
}

describe('network analysis matches PyTorch autograd (float64)', () => {
  const index = JSON.parse(readFileSync(join(referenceDir, 'index.json'), 'utf8')) as {
    cases: { name: string; kind: string; input: string; expected: string }[];
  };
  const cases = index.cases.filter((c) => c.kind === 'network');
  it('covers every activation, both heads and depths 1 to 3', () => {
    const acts = new Set<string>();
    const depths = new Set<number>();
    for (const c of cases) {
      const data = networkFile(join(referenceDir, c.input));
      data.layers.forEach((l) => acts.add(l.activation));
      depths.add(data.layers.length);
    }
    assert.deepEqual([...acts].sort(), ['linear', 'relu', 'sigmoid', 'softmax', 'tanh']);
    assert.deepEqual([...depths].sort(), [1, 2, 3]);
  });
  for (const c of cases) {
    it(c.name, () => {
      const data = networkFile(join(referenceDir, c.input));
      const expected = JSON.parse(readFileSync(join(referenceDir, c.expected), 'utf8')) as {
        loss: number;
        losses: number[];
        gradients: { weights: number[][]; bias: number[] }[];
        activations: number[][][];
      };
      const a = analyzeNetwork(data);
      assertClose(a.loss, expected.loss, 1e-9, 1e-12, 'loss');
      assertClose(a.losses, expected.losses, 1e-9, 1e-12, 'losses');
      expected.gradients.forEach((g, l) => {
        assertClose(a.layers[l].gradWeights, g.weights.flat(), 1e-9, 1e-12, `layer ${l} ∂L/∂W`);
        assertClose(a.layers[l].gradBias, g.bias, 1e-9, 1e-12, `layer ${l} ∂L/∂b`);
        assertClose(a.layers[l].a, expected.activations[l].flat(), 1e-9, 1e-12, `layer ${l} a`);
      });
    });
  }
  it('gives exactly zero gradient to dead ReLU units and to the next layer’s columns for them', () => {
    const a = analyzeNetwork(networkFile(join(referenceDir, 'net_relu_dead_units.json')));
    const [hidden, out] = a.layers;
    for (const unit of [1, 3]) {
      assert.deepEqual(Array.from(hidden.gradWeights.subarray(unit * 3, unit * 3 + 3)), [0, 0, 0]);
      assert.equal(hidden.gradBias[unit], 0);
      for (let o = 0; o < 3; o++) assert.equal(out.gradWeights[o * 4 + unit], 0);
    }
  });
});

describe('examples', () => {
  it('network.json: 4 → 5 relu → 3 softmax, loss and gradients from PyTorch', () => {
    const data = networkFile(join(root, 'examples', 'network.json'));
    assert.deepEqual(
      data.layers.map((l) => [l.inputs, l.outputs, l.activation]),
      [
        [4, 5, 'relu'],
        [5, 3, 'softmax'],
      ],
    );
    assert.deepEqual(data.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(data.n, 6);
    const a = analyzeNetwork(data);
    // torch: F.cross_entropy on the last z; torch.autograd.grad for the weights.
    assertClose(a.loss, 0.28069378195812855);
    assertClose(
      Array.from(a.layers[0].gradWeights.subarray(4, 8)),
      [-0.04779206783493504, -0.0478998410161232, -0.09926019491130449, -0.13198894023176172],
    );
    assertClose(Array.from(a.layers[1].gradBias), [0.032563770691324725, -0.01997549112276646, -0.012588279568558285]);
    // Hidden neuron 4 is dead on every sample: no gradient reaches its row or the output column it feeds.
    assert.deepEqual(Array.from(a.layers[0].gradWeights.subarray(16, 20)), [0, 0, 0, 0]);
    assert.deepEqual(
      [0, 1, 2].map((o) => a.layers[1].gradWeights[o * 5 + 4]),
      [0, 0, 0],
    );
    assert.deepEqual(Array.from(a.predicted!), [0, 0, 1, 1, 2, 2]);
  });

  it('network-mse.json: sigmoid hidden layer, linear head, loss and gradients from PyTorch', () => {
    const a = analyzeNetwork(networkFile(join(root, 'examples', 'network-mse.json')));
    assert.equal(a.head, 'mse');
    assertClose(a.loss, 0.0912360838837955);
    assertClose(Array.from(a.layers[1].gradWeights), [-0.1312794099542568, -0.08242155537432233, -0.13590073136657485]);
    assertClose(Array.from(a.layers[1].gradBias), [-0.16289767184975956]);
    assertClose(Array.from(a.layers[0].gradWeights.subarray(0, 2)), [-0.022231566467604637, -0.0282572421180963]);
  });

  it('pass the CLI gradient check', () => {
    for (const name of ['network.json', 'network-mse.json']) {
      const { status, stdout } = cli('check', join(root, 'examples', name), '--json');
      const checks = JSON.parse(stdout) as { name: string; passed: boolean; checked: number }[];
      assert.equal(checks.length, 4, name); // W and b of two layers
      assert.ok(
        checks.every((c) => c.passed && c.checked > 0),
        name,
      );
      assert.equal(status, 0);
    }
  });
});

describe('one sigmoid neuron by hand', () => {
  // x = [1, −2], W = [[0.5, 0.25]], b = [0.1]: z = 0.5 − 0.5 + 0.1 = 0.1, a = σ(0.1), y = 1.
  const text =
    '{"network": {"layers": [{"weights": [[0.5, 0.25]], "bias": [0.1], "activation": "sigmoid"}]}, "inputs": [[1, -2]], "targets": [[1]]}';
  it('L = (σ(z) − y)², ∂L/∂W = 2(a − y)·a(1 − a)·x, ∂L/∂b = 2(a − y)·a(1 − a)', () => {
    const a = analyzeNetwork(network(text));
    const s = 1 / (1 + Math.exp(-0.1));
    const dz = 2 * (s - 1) * s * (1 - s);
    assertClose(a.loss, (s - 1) ** 2, 1e-15, 0);
    assertClose(Array.from(a.layers[0].z), [0.1], 1e-15, 0);
    assertClose(Array.from(a.layers[0].dA), [2 * (s - 1)], 1e-15, 0);
    assertClose(Array.from(a.layers[0].dZ), [dz], 1e-15, 0);
    assertClose(Array.from(a.layers[0].gradWeights), [dz, -2 * dz], 1e-15, 0);
    assertClose(Array.from(a.layers[0].gradBias), [dz], 1e-15, 0);
    assertClose(Array.from(a.gradInputs), [dz * 0.5, dz * 0.25], 1e-15, 0);
  });
  it('sum reduction equals the mean for N = 1, and is N times the mean for N = 3', () => {
    const one = network(text);
    assert.equal(analyzeNetwork(one, { reduction: 'sum' }).loss, analyzeNetwork(one).loss);
    const three = network(text.replace('[[1, -2]]', '[[1, -2], [0, 1], [3, 3]]').replace('[[1]]', '[[1], [0], [0.5]]'));
    const mean = analyzeNetwork(three);
    const sum = analyzeNetwork(three, { reduction: 'sum' });
    assertClose(sum.loss, 3 * mean.loss, 1e-14, 0);
    assertClose(
      Array.from(sum.layers[0].gradWeights),
      Array.from(mean.layers[0].gradWeights, (g) => 3 * g),
      1e-14,
      0,
    );
  });
});

// ---- random networks ----------------------------------------------------------------------

const HIDDEN: Activation[] = ['relu', 'sigmoid', 'tanh', 'linear'];

interface Spec {
  n: number;
  widths: number[];
  activations: Activation[];
  params: number[];
  inputs: number[];
  targets: number[];
  softmax: boolean;
}

const value = fc.double({ min: -2, max: 2, noNaN: true });

/** A small network (depth 1–3, width 1–4) with a softmax+CE head or an elementwise+MSE head. */
const specs: fc.Arbitrary<Spec> = fc
  .record({
    n: fc.integer({ min: 1, max: 4 }),
    widths: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
    hidden: fc.array(fc.constantFrom(...HIDDEN), { minLength: 3, maxLength: 3 }),
    headKind: fc.constantFrom<Activation>('softmax', ...HIDDEN),
    seedValues: fc.array(value, { minLength: 80, maxLength: 80 }),
    targetSeeds: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 16, maxLength: 16 }),
  })
  .map(({ n, widths, hidden, headKind, seedValues, targetSeeds }) => {
    const softmax = headKind === 'softmax';
    if (softmax) widths[widths.length - 1] = Math.max(2, widths[widths.length - 1]);
    const depth = widths.length - 1;
    const activations = [...hidden.slice(0, depth - 1), headKind];
    const k = widths[depth];
    let targets: number[];
    if (softmax) {
      // Soft target rows: non-negative, normalized to sum 1.
      targets = [];
      for (let i = 0; i < n; i++) {
        const row = Array.from({ length: k }, (_, j) => targetSeeds[(i * k + j) % 16] + 1e-3);
        const s = row.reduce((x, y) => x + y, 0);
        targets.push(...row.map((v) => v / s));
      }
    } else targets = Array.from({ length: n * k }, (_, j) => targetSeeds[j % 16]);
    return { n, widths, activations, params: seedValues, inputs: seedValues.slice(60, 60 + n * widths[0]), targets, softmax };
  });

function build(spec: Spec): NetworkData {
  let cursor = 0;
  const take = (count: number) => Float64Array.from({ length: count }, () => spec.params[cursor++ % 60]);
  const layers: DenseLayer[] = spec.activations.map((activation, l) => {
    const inputs = spec.widths[l];
    const outputs = spec.widths[l + 1];
    return {
      weights: take(outputs * inputs),
      bias: take(outputs),
      inputs,
      outputs,
      activation,
      weightRowSpans: null,
      biasSpans: null,
      span: null,
    };
  });
  return {
    task: 'network',
    n: spec.n,
    layers,
    inputs: Float64Array.from(spec.inputs),
    targets: Float64Array.from(spec.targets),
    labels: null,
    head: spec.softmax ? 'cross-entropy' : 'mse',
    classes: null,
    spans: [],
  };
}

describe('analytic gradients equal finite differences on random networks (property)', () => {
  for (const reduction of ['mean', 'sum'] as const) {
    it(`every layer's ∂L/∂W and ∂L/∂b, ${reduction} reduction`, () => {
      fc.assert(
        fc.property(specs, (spec) => {
          const data = build(spec);
          const checks = checkDatasetGradients(data, reduction);
          assert.equal(checks.length, 2 * data.layers.length);
          for (const c of checks)
            assert.ok(c.passed, `${c.name}: analytic ${c.analytic} vs numeric ${c.numeric} (${spec.activations.join(', ')})`);
        }),
        { numRuns: 150, endOnFailure: true },
      );
    });
  }

  it('covers every activation as hidden layer and as head', () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(specs, (spec) => {
        spec.activations.forEach((a, l) => seen.add(`${l === spec.activations.length - 1 ? 'head' : 'hidden'} ${a}`));
      }),
      { numRuns: 300, seed: 7 },
    );
    for (const a of HIDDEN) assert.ok(seen.has(`hidden ${a}`) && seen.has(`head ${a}`), a);
    assert.ok(seen.has('head softmax'));
  });

  it('the check fails a wrong backward step', () => {
    const data = networkFile(join(root, 'examples', 'network-mse.json'));
    const lossOfW = (w: Float64Array) => networkLoss(withLayerParameters(data, 0, w));
    const right = analyzeNetwork(data).layers[0].gradWeights;
    // The backward pass of a tanh layer applied to this sigmoid layer: close in shape, wrong in value.
    const asTanh: NetworkData = { ...data, layers: [{ ...data.layers[0], activation: 'tanh' }, data.layers[1]] };
    const wrong = analyzeNetwork(asTanh).layers[0].gradWeights;
    assert.equal(checkGradient(lossOfW, data.layers[0].weights, right).passed, true);
    assert.equal(checkGradient(lossOfW, data.layers[0].weights, wrong).passed, false);
  });
});

describe('chain rule, layer by layer (property)', () => {
  it('∂L/∂z = (∂a/∂z)ᵀ ∂L/∂a, ∂L/∂W = Σ_s ∂L/∂z_s ⊗ x_s, ∂L/∂b = Σ_s ∂L/∂z_s, ∂L/∂a_prev = ∂L/∂z · W', () => {
    fc.assert(
      fc.property(specs, (spec) => {
        const data = build(spec);
        const a = analyzeNetwork(data);
        const { n } = data;
        data.layers.forEach((layer, l) => {
          const { inputs: m, outputs: k } = layer;
          const r = a.layers[l];
          const x = l === 0 ? data.inputs : a.layers[l - 1].a;
          const dW = new Float64Array(k * m);
          const db = new Float64Array(k);
          for (let s = 0; s < n; s++) {
            const J = activationJacobian(layer.activation, r.z.subarray(s * k, (s + 1) * k), r.a.subarray(s * k, (s + 1) * k));
            for (let c = 0; c < k; c++) {
              let v = 0;
              for (let j = 0; j < k; j++) v += J[j * k + c] * r.dA[s * k + j];
              close(r.dZ[s * k + c], v, `layer ${l} dZ[${s},${c}]`);
              db[c] += r.dZ[s * k + c];
              for (let i = 0; i < m; i++) dW[c * m + i] += r.dZ[s * k + c] * x[s * m + i];
            }
          }
          dW.forEach((v, i) => close(r.gradWeights[i], v, `layer ${l} dW[${i}]`));
          db.forEach((v, i) => close(r.gradBias[i], v, `layer ${l} db[${i}]`));
          const dPrev = l === 0 ? a.gradInputs : a.layers[l - 1].dA;
          for (let s = 0; s < n; s++) {
            for (let i = 0; i < m; i++) {
              let v = 0;
              for (let o = 0; o < k; o++) v += r.dZ[s * k + o] * layer.weights[o * m + i];
              close(dPrev[s * m + i], v, `layer ${l} ∂L/∂x[${s},${i}]`);
            }
          }
        });
      }),
      { numRuns: 200, endOnFailure: true },
    );
  });

  it('∂a/∂z is σ(1 − σ), 1 − tanh², the ReLU step, 1, or diag(p) − ppᵀ', () => {
    const z = [-1.5, 0, 2];
    const sig = z.map((v) => 1 / (1 + Math.exp(-v)));
    assert.deepEqual(
      Array.from(diagonal(activationJacobian('sigmoid', z, sig))),
      sig.map((s) => s * (1 - s)),
    );
    assert.deepEqual(
      Array.from(diagonal(activationJacobian('tanh', z, z.map(Math.tanh)))),
      z.map((v) => 1 - Math.tanh(v) ** 2),
    );
    assert.deepEqual(
      Array.from(
        diagonal(
          activationJacobian(
            'relu',
            z,
            z.map((v) => Math.max(v, 0)),
          ),
        ),
      ),
      [0, 0, 1],
    );
    assert.deepEqual(Array.from(activationJacobian('linear', z, z)), [1, 0, 0, 0, 1, 0, 0, 0, 1]);
    const p = [0.2, 0.3, 0.5];
    assertClose(Array.from(activationJacobian('softmax', z, p)), [0.16, -0.06, -0.1, -0.06, 0.21, -0.15, -0.1, -0.15, 0.25], 0, 1e-16);
    assert.equal(ELEMENTWISE.sigmoid.forward(-800), 0); // no overflow in exp for very negative z
    assert.equal(ELEMENTWISE.sigmoid.forward(800), 1);
  });
});

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 + 1e-10 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

function diagonal(J: Float64Array): Float64Array {
  const k = Math.round(Math.sqrt(J.length));
  return Float64Array.from({ length: k }, (_, j) => J[j * k + j]);
}

// ---- health flags ---------------------------------------------------------------------------

/** A chain of `depth` square layers of width 3 whose weights are `scale` × a fixed ±1, ±0.5 pattern. */
function chain(depth: number, scale: number, activation: Activation, head: Activation): string {
  const w = [
    [1, -0.5, 0.5],
    [-0.5, 1, -1],
    [0.5, 0.5, 1],
  ].map((r) => r.map((v) => v * scale));
  const layers = Array.from({ length: depth }, (_, l) => ({
    weights: w,
    bias: [0.1, -0.1, 0.2].map((b) => b * scale),
    activation: l === depth - 1 ? head : activation,
  }));
  return JSON.stringify({
    network: { layers },
    inputs: [
      [1, -1, 0.5],
      [0.2, 0.4, -0.3],
    ],
    targets: [
      [1, 0, 0],
      [0, 0, 1],
    ],
  });
}

describe('vanishing and exploding gradients', () => {
  it('flags the early layers of a deep sigmoid network with tiny weights as vanishing', () => {
    const data = network(chain(6, 1e-3, 'sigmoid', 'sigmoid'));
    const a = analyzeNetwork(data);
    // Each layer back multiplies by ~σ'·W ≈ 0.25 × 1e-3, so layer 1 gets ~1e-20 of the gradient.
    assert.equal(a.layers[0].health, 'vanishing');
    assert.ok(a.layers[0].ratio < 1e-6, String(a.layers[0].ratio));
    assert.ok(a.layers[0].ratio > 0);
    assert.equal(a.layers[5].health, 'ok');
    assert.ok(a.layers[0].gradNorm < a.layers[1].gradNorm && a.layers[1].gradNorm < a.layers[2].gradNorm);
    // The threshold is an option: lowering it below the ratio clears the flag.
    assert.equal(analyzeNetwork(data, { vanishingThreshold: a.layers[0].ratio / 2 }).layers[0].health, 'ok');
    // Tiny gradients are still right.
    assert.ok(checkDatasetGradients(data).every((c) => c.passed));
  });

  it('flags a deep linear network with huge weights as exploding', () => {
    const data = network(chain(4, 100, 'linear', 'linear'));
    const a = analyzeNetwork(data);
    assert.ok(a.layers[0].gradNorm > 1e3);
    assert.deepEqual(
      a.layers.map((l) => l.health),
      ['exploding', 'exploding', 'exploding', 'exploding'],
    );
    assert.equal(a.explodingThreshold, 1e3);
    const raised = analyzeNetwork(data, { explodingThreshold: 1e30 });
    assert.deepEqual(
      raised.layers.map((l) => l.health),
      ['ok', 'ok', 'ok', 'ok'],
    );
  });

  it('a well-scaled network is healthy on every layer', () => {
    const a = analyzeNetwork(network(chain(3, 1, 'tanh', 'linear')));
    assert.deepEqual(
      a.layers.map((l) => l.health),
      ['ok', 'ok', 'ok'],
    );
  });

  it('flagged layers become warnings over their weight rows', () => {
    const text = chain(6, 1e-3, 'sigmoid', 'sigmoid');
    const data = network(text);
    const a = analyzeNetwork(data);
    const warnings = healthProblems(data, a);
    const flagged = a.layers.flatMap((l, i) => (l.health === 'ok' ? [] : [i]));
    assert.ok(flagged.includes(0));
    assert.equal(warnings.length, flagged.length);
    assert.equal(warnings[0].severity, 'warning');
    assert.equal(warnings[0].code, 'gradient-vanishing');
    assert.match(warnings[0].message, /^layer 1 gradients are vanishing: ‖∂L\/∂W‖\/‖W‖ = \d\.\d\de-\d+ is below 0\.000001/);
    // It covers layer 1's weight rows, from the first row's "[" to the last row's "]".
    const rows = JSON.stringify(JSON.parse(text).network.layers[0].weights).slice(1, -1);
    assert.equal(text.slice(warnings[0].start, warnings[0].end), rows);
    assert.equal(warnings[0].start, text.indexOf('[[') + 1);
    const exploding = network(chain(4, 100, 'linear', 'linear'));
    assert.match(
      healthProblems(exploding, analyzeNetwork(exploding))[0].message,
      /^layer 1 gradients are exploding: ‖∂L\/∂W‖ = \d\.\d\de\+\d+ is above 1000$/,
    );
    assert.deepEqual(healthProblems(network(BASE), analyzeNetwork(network(BASE))), []);
  });

  it('the CLI JSON carries per-layer norms and flags', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-net-'));
    const file = join(dir, 'vanishing.json');
    writeFileSync(file, chain(6, 1e-3, 'sigmoid', 'sigmoid'));
    const { status, stdout } = cli('analyze', file, '--json');
    assert.equal(status, 0);
    const report = JSON.parse(stdout);
    assert.equal(report.task, 'network');
    assert.equal(report.layers.length, 6);
    assert.equal(report.layers[0].health, 'vanishing');
    assert.ok(report.layers[0].gradNorm > 0 && report.layers[0].weightNorm > 0);
    assert.deepEqual(report.thresholds, { vanishing: 1e-6, exploding: 1e3 });
    assert.equal(report.gradients.length, 6);
    assert.deepEqual(report.gradients[0].weights.length, 3);
    const table = cli('analyze', file).stdout;
    assert.match(table, /network 3 → 3 sigmoid → 3 sigmoid → 3 sigmoid → 3 sigmoid → 3 sigmoid → 3 sigmoid, 2 samples/);
    assert.match(table, /\n {4}1 {2}3×3 sigmoid .* vanishing \(ratio < 0\.000001\)\n/);
  });

  it('the CLI takes the thresholds as flags, and refuses values that are not positive numbers', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-net-'));
    const vanishing = join(dir, 'vanishing.json');
    writeFileSync(vanishing, chain(6, 1e-3, 'sigmoid', 'sigmoid'));
    // Between layer 2's and layer 3's ratio: layers 1 and 2 stay flagged, the rest are ok.
    const ratios = analyzeNetwork(network(chain(6, 1e-3, 'sigmoid', 'sigmoid'))).layers.map((l) => l.ratio);
    const threshold = Math.sqrt(ratios[1] * ratios[2]);
    const lowered = cli('analyze', vanishing, '--json', '--vanishing-threshold', String(threshold));
    assert.equal(lowered.status, 0, lowered.stderr);
    const report = JSON.parse(lowered.stdout);
    assert.deepEqual(
      report.layers.map((l: { health: string }) => l.health),
      ['vanishing', 'vanishing', 'ok', 'ok', 'ok', 'ok'],
    );
    assert.deepEqual(report.thresholds, { vanishing: threshold, exploding: 1e3 });
    assert.match(
      cli('analyze', vanishing, '--vanishing-threshold', String(threshold)).stdout,
      new RegExp(`\\n {4}2 .* vanishing \\(ratio < ${threshold}\\)\\n {4}3 .* ok\\n`),
    );
    const exploding = join(dir, 'exploding.json');
    writeFileSync(exploding, chain(4, 100, 'linear', 'linear'));
    const raised = JSON.parse(cli('analyze', exploding, '--json', '--exploding-threshold', '1e30').stdout);
    assert.deepEqual(
      raised.layers.map((l: { health: string }) => l.health),
      ['ok', 'ok', 'ok', 'ok'],
    );
    assert.equal(raised.thresholds.exploding, 1e30);
    for (const bad of ['0', '-1', 'abc', '', 'Infinity']) {
      const r = cli('analyze', exploding, `--exploding-threshold=${bad}`); // "=": -1 is a value, not a flag
      assert.equal(r.status, 2, bad);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `gradient-lens: --exploding-threshold must be a positive number such as 1e-6, not "${bad}"\n`);
    }
  });
});

// ---- bad input ---------------------------------------------------------------------------------

const BASE = `{
  "network": {
    "layers": [
      {
        "weights": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]],
        "bias": [0.0, 0.1],
        "activation": "relu"
      },
      {
        "weights": [[1.0, -1.0], [0.5, 0.5], [-0.5, 1.5]],
        "bias": [0.0, 0.0, 0.0],
        "activation": "softmax"
      }
    ]
  },
  "inputs": [[1, 2, 3], [4, 5, 6]],
  "labels": [0, 2]
}
`;

function edit(from: string, to: string): string {
  assert.ok(BASE.includes(from), from);
  return BASE.replace(from, to);
}

describe('bad network files: every message names its line and column', () => {
  it('the base file is fine', () => {
    assert.deepEqual(messages(BASE), []);
  });

  it('mismatched layer shapes', () => {
    assert.deepEqual(messages(edit('[[1.0, -1.0], [0.5, 0.5], [-0.5, 1.5]]', '[[1.0, -1.0, 0], [0.5, 0.5, 0], [-0.5, 1.5, 0]]')), [
      'net.json:10:20: layer 2 weights have 3 columns but layer 1 has 2 neurons; each row of layer 2 needs one weight per neuron of layer 1',
    ]);
  });

  it('transposed weights', () => {
    assert.deepEqual(messages(edit('[[1.0, -1.0], [0.5, 0.5], [-0.5, 1.5]]', '[[1.0, 0.5, -0.5], [-1.0, 0.5, 1.5]]')), [
      'net.json:10:20: layer 2 weights are 2 × 3 but its bias has 3 entries: the weights look transposed; write them outputs × inputs (3 × 2), one row per neuron',
    ]);
  });

  it('bias of the wrong length', () => {
    assert.deepEqual(messages(edit('"bias": [0.0, 0.1]', '"bias": [0.0, 0.1, 0.2, 0.3]')), [
      'net.json:6:17: layer 1 bias has 4 entries but its weights have 2 rows (one per neuron)',
    ]);
  });

  it('softmax in a hidden layer', () => {
    assert.deepEqual(messages(edit('"activation": "relu"', '"activation": "softmax"')), [
      'net.json:7:23: softmax is only allowed in the last layer (the cross-entropy head), but layer 1 of 2 uses it',
    ]);
  });

  it('unknown activation, with the list of valid ones', () => {
    assert.deepEqual(messages(edit('"activation": "relu"', '"activation": "gelu"')), [
      'net.json:7:23: unknown activation "gelu" in layer 1; valid: "relu", "sigmoid", "tanh", "linear", "softmax"',
    ]);
    assert.deepEqual(messages(edit('"activation": "relu"', '"activation": "ReLU"')), [
      'net.json:7:23: unknown activation "ReLU" in layer 1 (did you mean "relu"?); valid: "relu", "sigmoid", "tanh", "linear", "softmax"',
    ]);
    assert.deepEqual(messages(edit('"activation": "relu"', '"activation": 3')), [
      'net.json:7:23: layer 1 activation must be one of "relu", "sigmoid", "tanh", "linear", "softmax", found the number 3',
    ]);
  });

  it('labels out of range and not whole numbers, each at its own entry', () => {
    assert.deepEqual(messages(edit('"labels": [0, 2]', '"labels": [3, 1.5]')), [
      'net.json:17:14: label 3 of sample 0 is out of range for the 3 outputs of the softmax head (valid: 0…2)',
      'net.json:17:17: label 1.5 of sample 1 is not a whole number; labels are class indices 0…2',
    ]);
    assert.deepEqual(messages(edit('"labels": [0, 2]', '"labels": [0, 2, 1]')), [
      'net.json:17:13: "labels" has 3 entries but "inputs" has 2 samples',
    ]);
  });

  it('inputs with the wrong width', () => {
    assert.deepEqual(messages(edit('[[1, 2, 3], [4, 5, 6]]', '[[1, 2], [4, 5]]')), [
      'net.json:16:13: "inputs" have 2 columns but layer 1 weights have 3 columns (one per input)',
    ]);
  });

  it('missing bias, weights or activation: said so, at the layer', () => {
    assert.deepEqual(messages(edit('        "bias": [0.0, 0.1],\n', '')), [
      'net.json:4:7: layer 1 has no "bias": give 2 numbers, one per neuron (all 0 for no bias)',
    ]);
    assert.deepEqual(messages(edit('"bias": [0.0, 0.1]', '"biases": [0.0, 0.1]')), [
      'net.json:4:7: layer 1 has no "bias": give 2 numbers, one per neuron (all 0 for no bias); found "biases" — rename it to "bias"',
    ]);
    assert.deepEqual(messages(edit('        "activation": "softmax"\n', '        "name": "head"\n')), [
      'net.json:9:7: layer 2 has no "activation": give one of "relu", "sigmoid", "tanh", "linear", "softmax"',
    ]);
    assert.deepEqual(messages(edit('"weights": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]', '"W": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]')), [
      'net.json:4:7: layer 1 has no "weights": give an outputs × inputs matrix, one row per neuron; found "W" — rename it to "weights"',
    ]);
  });

  it('a key given twice in a layer', () => {
    assert.deepEqual(messages(edit('"bias": [0.0, 0.1],', '"bias": [0.0, 0.1], "bias": [1, 1],')), [
      'net.json:6:29: the key "bias" appears twice in layer 1; keep only one of them',
    ]);
  });

  it('ragged or non-numeric weights point at the row or the value', () => {
    assert.deepEqual(messages(edit('[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]', '[[0.1, 0.2, 0.3], [0.4, 0.5]]')), [
      'net.json:5:38: row 1 of layer 1 weights has 2 values, expected 3 like row 0 (one weight per input)',
    ]);
    // The wording is the shared JSON reader's; the location and the names are what matter here.
    const quoted = messages(edit('[[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]', '[[0.1, "0.2", 0.3], [0.4, 0.5, 0.6]]'));
    assert.equal(quoted.length, 1);
    assert.match(quoted[0], /^net\.json:5:27: .*the string "0\.2".*"layer 1 weights"/);
    assert.deepEqual(messages(edit('"weights": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]', '"weights": [0.1, 0.2, 0.3]')), [
      'net.json:5:20: layer 1 weights must be a matrix with one row per neuron (outputs × inputs); for a single neuron write [[...]]',
    ]);
  });

  it('labels need a softmax head; an MSE head needs targets of its shape', () => {
    const sigmoidHead = edit('"activation": "softmax"', '"activation": "sigmoid"');
    assert.deepEqual(messages(sigmoidHead), [
      'net.json:17:13: "labels" (class indices) need a softmax last layer for cross-entropy, but layer 2 is "sigmoid"; give "targets" (N × 3) for the mean squared error, or make the last layer "softmax"',
    ]);
    assert.deepEqual(messages(sigmoidHead.replace('"labels": [0, 2]', '"targets": [[1, 0], [0, 1]]')), [
      'net.json:17:14: "targets" has shape [2, 2] but the network gives 2 × 3 outputs (N × last layer\'s neurons)',
    ]);
    assert.deepEqual(messages(sigmoidHead.replace('"labels": [0, 2]', '"targets": [[1, 0, 0.5], [0, 1, 0.5]]')), []);
  });

  it('soft targets for a softmax head must be distributions', () => {
    assert.deepEqual(messages(edit('"labels": [0, 2]', '"targets": [[0.5, 0.5, 0], [0.5, 0.6, 0.1]]')), [
      'net.json:17:30: targets in sample 1 sum to 1.2, expected 1 for a softmax head',
    ]);
    assert.deepEqual(messages(edit('"labels": [0, 2]', '"targets": [[1.5, -0.5, 0], [0, 0, 1]]')), [
      'net.json:17:16: target 1.5 in sample 0 (class 0) is outside [0, 1]',
      'net.json:17:21: target -0.5 in sample 0 (class 1) is outside [0, 1]',
    ]);
  });

  it('missing inputs or supervision, and a "network" that is not an object', () => {
    assert.deepEqual(messages(edit('  "inputs": [[1, 2, 3], [4, 5, 6]],\n', '')), [
      'net.json:1:1: a network file needs "inputs": one row per sample (N × 3)',
    ]);
    assert.deepEqual(messages(edit(',\n  "labels": [0, 2]', '')), [
      'net.json:1:1: a softmax head needs "labels" (class indices 0…2) or "targets" (N × 3 one-hot or soft rows) to compute the cross-entropy',
    ]);
    assert.deepEqual(messages('{"network": [], "inputs": [[1]], "targets": [[1]]}'), [
      'net.json:1:13: "network" must be an object {"layers": [{"weights": [[...], ...], "bias": [...], "activation": "relu"}, ...]}, found an array; put the layers inside it as "layers"',
    ]);
    assert.deepEqual(messages('{"network": {"layers": []}, "inputs": [[1]], "targets": [[1]]}'), [
      'net.json:1:24: "layers" must be a non-empty array of layer objects ({"weights", "bias", "activation"}), found an empty array',
    ]);
  });

  it('a softmax over one neuron, and class names that do not fit the head', () => {
    const one = '{"network": {"layers": [{"weights": [[1, 2]], "bias": [0], "activation": "softmax"}]}, "inputs": [[1, 2]], "labels": [0]}';
    assert.deepEqual(messages(one), [
      'net.json:1:74: layer 1 is a softmax over 1 neuron, which is always 1; a softmax head needs at least 2 classes',
    ]);
    const named = edit('  "labels": [0, 2]', '  "labels": [0, 2],\n  "classes": ["a", "b"]');
    assert.deepEqual(messages(named), [
      'net.json:18:14: warning: "classes" has 2 names but the softmax head has 3 outputs; the names are ignored',
    ]);
    assert.equal(loadText(named).dataset?.task, 'network');
  });

  it('flat lists: N inputs of a 1-input network, N targets of a 1-output head', () => {
    const data = network(
      '{"network": {"layers": [{"weights": [[2]], "bias": [1], "activation": "linear"}]}, "inputs": [0, 1, 2], "targets": [1, 3, 6]}',
    );
    assert.equal(data.n, 3);
    const a = analyzeNetwork(data);
    // ŷ = 2x + 1 = [1, 3, 5]; only the last sample misses, by 1: L = 1/3.
    assertClose(a.loss, 1 / 3, 1e-15, 0);
    // ∂L/∂W = Σ 2(ŷ − y)x/N = 2·(−1)·2/3, ∂L/∂b = 2·(−1)/3.
    assertClose(Array.from(a.layers[0].gradWeights), [-4 / 3], 1e-15, 0);
    assertClose(Array.from(a.layers[0].gradBias), [-2 / 3], 1e-15, 0);
  });

  it('overflow in the forward pass is bad input, not NaN', () => {
    // 1e308 × input 3 of sample 0 is past the largest double (1.8e308).
    assert.deepEqual(messages(edit('[0.4, 0.5, 0.6]', '[0.4, 0.5, 1e308]')), [
      'net.json:4:7: layer 1 overflows float64: its pre-activation for sample 0, neuron 1 is Infinity; the weights or inputs are too large',
    ]);
  });

  it('the CLI prints FILE:LINE:COL: message and exits 1', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-net-'));
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      edit('[[1.0, -1.0], [0.5, 0.5], [-0.5, 1.5]]', '[[1.0, -1.0, 0, 1, 2], [0.5, 0.5, 0, 1, 2], [-0.5, 1.5, 0, 1, 2]]'),
    );
    const { status, stdout, stderr } = cli('analyze', file, '--json');
    assert.equal(status, 1);
    assert.equal(stdout, '');
    assert.equal(
      stderr,
      `${file}:10:20: layer 2 weights have 5 columns but layer 1 has 2 neurons; each row of layer 2 needs one weight per neuron of layer 1\n`,
    );
  });
});

// ---- hover and payload ---------------------------------------------------------------------

describe('weightAt: which weight a byte offset falls on', () => {
  const data = network(BASE);
  const bytes = new TextEncoder().encode(BASE);
  const text = (span: { start: number; end: number }) => new TextDecoder().decode(bytes.subarray(span.start, span.end));
  const row = BASE.indexOf('[0.4, 0.5, 0.6]');

  it('finds layer, neuron and input of a weight, with its exact span', () => {
    const hit = weightAt(data, row + 6); // inside "0.5"
    assert.deepEqual(hit && { ...hit, span: text(hit.span) }, { kind: 'weight', layer: 0, neuron: 1, input: 1, span: '0.5' });
    const last = BASE.indexOf('-0.5, 1.5]') + 7; // inside "1.5" of layer 2, neuron 2
    const hit2 = weightAt(data, last);
    assert.deepEqual(hit2 && { ...hit2, span: text(hit2.span) }, { kind: 'weight', layer: 1, neuron: 2, input: 1, span: '1.5' });
  });

  it('a cursor just after a number still names it; between numbers names the neuron', () => {
    assert.equal((weightAt(data, row + 4) as { input: number }).input, 0); // right after "0.4"
    const between = weightAt(data, row + 5); // the space after the comma
    assert.equal(between?.kind, 'neuron');
    assert.equal(between?.neuron, 1);
  });

  it('finds bias entries, and nothing outside the layers', () => {
    const bias = BASE.indexOf('[0.0, 0.1]') + 6;
    const hit = weightAt(data, bias);
    assert.deepEqual(hit && { ...hit, span: text(hit.span) }, { kind: 'bias', layer: 0, neuron: 1, span: '0.1' });
    assert.equal(weightAt(data, BASE.indexOf('"inputs"') + 14), null);
    assert.equal(weightAt(data, BASE.indexOf('"activation"')), null);
    assert.equal(weightAt(data, 0), null);
  });

  it('every weight of the example is found at its own span (property over all weights)', () => {
    const path = join(root, 'examples', 'network.json');
    const ex = networkFile(path);
    const exBytes = readFileSync(path);
    ex.layers.forEach((layer, l) => {
      for (let o = 0; o < layer.outputs; o++) {
        for (let i = 0; i < layer.inputs; i++) {
          const j = o * layer.inputs + i;
          const start = layer.weightSpans![2 * j];
          const end = layer.weightSpans![2 * j + 1];
          assert.equal(Number(exBytes.subarray(start, end).toString()), layer.weights[j]);
          assert.deepEqual(weightAt(ex, start), { kind: 'weight', layer: l, neuron: o, input: i, span: { start, end } });
        }
      }
    });
  });
});

describe('networkPayload', () => {
  it('carries the analysis in the protocol’s shape, with the gradient check’s worst error', () => {
    const data = networkFile(join(root, 'examples', 'network.json'));
    const analysis = analyzeNetwork(data);
    const checks = checkDatasetGradients(data);
    const worst = worstRelativeError(checks);
    assert.ok(worst !== null && worst > 0 && worst < 1e-6);
    const p = networkPayload(data, analysis, 'network.json', 'mean', worst);
    assert.equal(p.task, 'network');
    assert.equal(p.fileName, 'network.json');
    assert.equal(p.n, 6);
    assert.equal(p.head, 'cross-entropy');
    assert.deepEqual(p.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(p.loss, analysis.loss);
    assert.equal(p.gradientCheckError, worst);
    assert.equal(p.inputs.length, 6 * 4);
    assert.equal(p.targets.length, 6 * 3);
    assert.deepEqual(
      p.layers.map((l) => [l.inputs, l.outputs, l.activation, l.health]),
      [
        [4, 5, 'relu', 'ok'],
        [5, 3, 'softmax', 'ok'],
      ],
    );
    p.layers.forEach((l, i) => {
      assert.ok(l.weights instanceof Float64Array && l.gradWeights instanceof Float64Array);
      assert.equal(l.gradWeights.length, l.inputs * l.outputs);
      for (const t of [l.z, l.a, l.dA, l.dZ]) assert.equal(t.length, 6 * l.outputs);
      assert.equal(l.gradNorm, analysis.layers[i].gradNorm);
    });
    assert.equal(networkPayload(data, analysis, 'network.json', 'mean').gradientCheckError, null);
  });
});
