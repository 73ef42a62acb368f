// The network payloads the webview tests draw come from test/webview-page/payloads.ts; this
// checks that forward/backward against PyTorch's float64 reference, so the charts are tested on
// true gradients.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { classificationPayload, networkPayload, type LayerSpec } from '../../webview-page/payloads';

const REF = join(__dirname, '../../fixtures/reference');

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

for (const name of ['net_depth3_relu_tanh_softmax_labels', 'net_depth3_tanh_relu_linear_mse', 'net_sigmoid_softmax_labels']) {
  test(`network payload matches the PyTorch reference: ${name}`, () => {
    const input = JSON.parse(readFileSync(join(REF, `${name}.json`), 'utf8'));
    const expected = JSON.parse(readFileSync(join(REF, `${name}.expected.json`), 'utf8'));
    const specs: LayerSpec[] = input.network.layers;
    const k = specs[specs.length - 1].weights.length;
    const ce = specs[specs.length - 1].activation === 'softmax';
    const targets: number[][] = input.targets ?? input.labels.map((l: number) => Array.from({ length: k }, (_, j) => (j === l ? 1 : 0)));
    const payload = networkPayload(specs, input.inputs, targets, ce ? 'cross-entropy' : 'mse');
    close(payload.loss, expected.loss, 'loss');
    payload.layers.forEach((layer, l) => {
      const w = expected.gradients[l].weights.flat();
      const b = expected.gradients[l].bias;
      w.forEach((v: number, i: number) => close(layer.gradWeights[i], v, `layer ${l} ∂L/∂W[${i}]`));
      b.forEach((v: number, i: number) => close(layer.gradBias[i], v, `layer ${l} ∂L/∂b[${i}]`));
    });
  });
}

test('classification payloads are the core’s softmaxCrossEntropy of seeded logits', () => {
  const a = classificationPayload({ n: 5, k: 4, seed: 9 });
  const b = classificationPayload({ n: 5, k: 4, seed: 9 });
  assert.deepEqual(a.probabilities, b.probabilities, 'same seed, same data');
  for (let i = 0; i < 5; i++) {
    let s = 0;
    for (let j = 0; j < 4; j++) s += a.probabilities[i * 4 + j];
    close(s, 1, `row ${i} sums to one`);
    close(a.losses[i], -Math.log(a.pTrue[i]), `loss ${i} is −log p(true)`);
  }
});
