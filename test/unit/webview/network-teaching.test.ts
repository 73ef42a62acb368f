/**
 * Issue 16, networks made exact: the chain view shows backprop's step ∂L/∂a = W⁽ˡ⁺¹⁾ᵀ · ∂L/∂z⁽ˡ⁺¹⁾
 * with NumPy's numbers, and the network view flags dead ReLU units (z ≤ 0 for every sample).
 * The payload comes from the real pipeline on examples/network.json (Iris, 4 → 5 relu → 3 softmax).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { deadReluUnits } from '../../../src/core/deadUnits';
import { runPipeline } from '../../../src/core/pipeline';
import { networkPayload } from '../../../src/extension/networkPayload';
import type { NetworkData } from '../../../src/core/dataset';
import type { NetworkPayload, ViewId } from '../../../src/shared/protocol';
import type { ViewContext } from '../../../src/webview/views/common';
import { rendererFor } from '../../../src/webview/views/index';
import { fixtureData } from '../../webview-page/fixtureData';
import { cells, DARK, dom } from './helpers';

const bytes = readFileSync(new URL('../../../examples/network.json', import.meta.url));
const result = runPipeline(new Uint8Array(bytes), 'network.json');
const payload: NetworkPayload = networkPayload(result.dataset as NetworkData, result.network!.analysis, 'network.json', 'mean');

function render(view: ViewId, selected: number, layer: number) {
  const { document, ui } = dom();
  const host = document.createElement('div');
  document.body.appendChild(host);
  const ctx: ViewContext = {
    doc: document,
    payload,
    ...fixtureData(payload, selected),
    selected,
    layer,
    theme: DARK,
    width: 900,
    ui,
    select: () => {},
    selectLayer: () => {},
  };
  rendererFor(view, payload)(host, ctx);
  return host;
}

test('deadReluUnits: the units whose z is ≤ 0 in every row', () => {
  // 3 samples × 4 units: unit 1 is ≤ 0 throughout (0 counts as dead: ReLU′(0) = 0); unit 3 fires once.
  const z = [-1, 0, 2, -5, -0.5, -2, 1, 0.1, 0.3, -0.1, -1, -3];
  assert.deepEqual(deadReluUnits(z, 3, 4), [1]);
  assert.deepEqual(deadReluUnits([], 0, 4), []);
});

test('network view: hidden neuron 4 of the Iris network is flagged dead, and its ∂L/∂W row is exactly zero', () => {
  // NumPy: z = X Wᵀ + b of layer 1; (z <= 0).all(axis=0) = [False, False, False, False, True].
  const host = render('network', 0, 0);
  const flags = Array.from(host.querySelectorAll('[data-testid="dead-units"]'));
  assert.equal(flags.length, 1, 'only the ReLU layer has a dead unit');
  assert.equal(flags[0].getAttribute('data-units'), '4');
  assert.match(flags[0].textContent!, /dead ReLU unit 4: z ≤ 0 for all 6 samples/);
  const map = host.querySelector('[data-testid="weight-gradient-heatmap"][data-layer="0"]')!;
  const row4 = cells(map, '[data-testid="heatmap-cell"]').filter((c) => c.row === 4);
  assert.equal(row4.length, 4);
  for (const c of row4) assert.equal(c.value, 0);
  assert.ok(map.textContent!.includes('4 ✝'), 'the dead neuron’s row label is marked');
});

test('chain view, hidden layer: ∂L/∂a = W⁽²⁾ᵀ · ∂L/∂z⁽²⁾ with NumPy’s values, and the check holds', () => {
  const host = render('chain', 0, 0);
  assert.equal(host.querySelector('[data-testid="chain-backprop-check"]')!.getAttribute('data-ok'), 'true');
  // NumPy (examples/network.json, sample 0, batch mean over 6): dz2 = (p − y)/6; da1 = dz2 @ W2.
  const numpy = [-0.00271381, 0.00191364, 0.00189468, 0.00026672, -0.00082779];
  const found = cells(host.querySelector('[data-testid="chain-backprop-dLda"]')!, '[data-testid="heatmap-cell"]');
  assert.equal(found.length, 5);
  for (const c of found) assert.ok(Math.abs(c.value - numpy[c.row]) < 5e-9, `unit ${c.row}: ${c.value} vs ${numpy[c.row]}`);
  const w = host.querySelector('[data-testid="chain-next-weights"]')!;
  assert.deepEqual([w.getAttribute('data-rows'), w.getAttribute('data-cols')], ['5', '3'], 'Wᵀ of the output layer: 5 × 3');
});

test('chain view, output layer: no next layer, so no backprop step', () => {
  const host = render('chain', 0, 1);
  assert.equal(host.querySelector('[data-testid="chain-backprop-equation"]'), null);
  assert.equal(host.querySelector('[data-testid="chain-product-check"]')!.getAttribute('data-ok'), 'true');
});

test('names from the file: layers ("hidden", "output"), features on the first layer’s inputs, classes on the output neurons', () => {
  assert.deepEqual(
    payload.layers.map((l) => l.name),
    ['hidden', 'output'],
  );
  assert.deepEqual(payload.features, ['sepal length', 'sepal width', 'petal length', 'petal width']);
  const host = render('network', 0, 0);
  const titles = Array.from(host.querySelectorAll('[data-testid="layer-section"] h3')).map((h) => h.textContent);
  assert.match(titles[0]!, /^hidden \(layer 1\) · relu · ∂L\/∂W 5 × 4/);
  assert.match(titles[1]!, /^output \(layer 2\) · softmax · ∂L\/∂W 3 × 5/);
  const first = host.querySelector('[data-testid="weight-gradient-heatmap"][data-layer="0"]')!.textContent!;
  for (const f of payload.features!) assert.ok(first.includes(f), `feature "${f}" on layer 1's axis`);
  const second = host.querySelector('[data-testid="weight-gradient-heatmap"][data-layer="1"]')!.textContent!;
  for (const c of ['setosa', 'versicolor', 'virginica']) assert.ok(second.includes(c), `class "${c}" on the output layer's rows`);
  assert.ok(second.includes('hidden unit'), 'the output layer’s inputs are the hidden layer’s units, not "input"');
  assert.ok(!/Layer \d/.test(titles.join(' ')), 'no invented "Layer N" where the file names its layers');
  // The chain view of the output layer names its units by class.
  const chain = render('chain', 2, 1);
  assert.match(chain.querySelector('h2')!.textContent!, /output \(layer 2\) · softmax/);
  assert.ok(chain.querySelector('[data-testid="chain-dLda"]')!.textContent!.includes('virginica'));
});

test('features of the wrong count: a warning, and no names', () => {
  const text = readFileSync(new URL('../../../examples/network.json', import.meta.url), 'utf8').replace(
    '"features": ["sepal length", "sepal width", "petal length", "petal width"]',
    '"features": ["a", "b"]',
  );
  const r = runPipeline(new TextEncoder().encode(text), 'n.json');
  assert.equal((r.dataset as NetworkData).features, null);
  assert.deepEqual(
    r.problems.filter((p) => p.code === 'features-count').map((p) => [p.severity, p.message]),
    [['warning', '"features" has 2 names but the first layer has 4 inputs; the names are ignored']],
  );
});
