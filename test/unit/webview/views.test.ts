// Every view rendered into a Node DOM (linkedom) from payloads computed by the real core: the
// numbers the charts carry must be the core's numbers, and the chain-rule checks must hold.
import { fixtureData } from '../../webview-page/fixtureData';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Payload, ViewId } from '../../../src/shared/protocol';
import { softmaxJacobianEntry } from '../../../src/core/softmax';
import type { ViewContext } from '../../../src/webview/views/common';
import { rendererFor } from '../../../src/webview/views/index';
import { classificationPayload, regressionPayload, seededNetwork } from '../../webview-page/payloads';
import { cells, DARK, dom } from './helpers';

function render(payload: Payload, view: ViewId, selected = 0, layer = 0) {
  const { document, ui } = dom();
  const host = document.createElement('div');
  document.body.appendChild(host);
  const picked: number[] = [];
  const layers: number[] = [];
  const ctx: ViewContext = {
    doc: document,
    payload,
    ...fixtureData(payload, selected),
    selected,
    layer,
    theme: DARK,
    width: 900,
    ui,
    select: (i) => picked.push(i),
    selectLayer: (l) => layers.push(l),
  };
  const handle = rendererFor(view, payload)(host, ctx);
  return { host, handle, picked, layers, document };
}

const near = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol;
const cls = classificationPayload({ n: 8, k: 6, seed: 21, classes: ['a', 'b', 'c', 'd', 'e', 'f'] });

test('Jacobian view: every cell is p_j(δ_jk − p_k) of the selected sample; the copy holds the same', () => {
  const i = 5;
  const p = cls.probabilities.subarray(i * 6, i * 6 + 6);
  const { host, handle } = render(cls, 'jacobian', i);
  const found = cells(host.querySelector('[data-testid="jacobian-heatmap"]')!, '[data-testid="heatmap-cell"]');
  assert.equal(found.length, 36);
  for (const c of found) assert.equal(c.value, softmaxJacobianEntry(p, c.row, c.col));
  const t = handle.table();
  assert.deepEqual(t.columns, ['j \\ k', 'a', 'b', 'c', 'd', 'e', 'f']);
  assert.equal(t.rows[2][4], softmaxJacobianEntry(p, 2, 3));
});

test('gradient view: ∂L/∂z bars are p − y of the selected sample, beside p and y', () => {
  const i = 2;
  const { host, handle } = render(cls, 'gradient', i);
  const grad = cells(host, '[data-testid="gradient-bar"]');
  assert.equal(grad.length, 6);
  for (const g of grad) assert.equal(g.value, cls.probabilities[i * 6 + g.row] - cls.targets[i * 6 + g.row]);
  const prob = cells(host, '[data-testid="prob-bar"]');
  for (const b of prob) assert.equal(b.value, cls.probabilities[i * 6 + b.row]);
  const t = handle.table();
  assert.equal(t.rows.length, 6);
  assert.equal(t.rows[3][5], cls.logitGradient[i * 6 + 3], 'the copy carries the batch gradient too');
});

test('batch gradient view: N × K cells of ∂L/∂z; a row click selects its sample; selection moves in place', () => {
  const { host, handle, picked, document } = render(cls, 'matrix', 1);
  const found = cells(host, '[data-testid="heatmap-cell"]');
  assert.equal(found.length, 48);
  for (const c of found) assert.equal(c.value, cls.logitGradient[c.row * 6 + c.col]);
  const cell = host.querySelector('[data-testid="heatmap-cell"][data-row="6"][data-col="2"]')!;
  cell.dispatchEvent(new document.defaultView!.Event('click', { bubbles: true }));
  assert.deepEqual(picked, [6]);
  assert.equal(handle.setSelected!(6), true);
  assert.equal(host.querySelector('[data-testid="row-highlight"]')!.getAttribute('data-row'), '6');
});

test('loss view: one bar per sample carrying the core’s loss', () => {
  const { host } = render(cls, 'losses', 0);
  const bars = cells(host, '[data-testid="loss-bar"]');
  assert.equal(bars.length, 8);
  for (const b of bars) assert.equal(b.value, cls.losses[b.index]);
});

test('chain view: Jᵀ · ∂L/∂p equals p − y and the analysis’s batch row, and says so', () => {
  const i = 4;
  const { host } = render(cls, 'chain', i);
  const check = host.querySelector('[data-testid="chain-product-check"]')!;
  assert.equal(check.getAttribute('data-ok'), 'true');
  assert.ok(Number(check.getAttribute('data-max-error')) < 1e-15);
  assert.equal(host.querySelector('[data-testid="chain-batch-check"]')!.getAttribute('data-ok'), 'true');
  const product = cells(host.querySelector('[data-testid="chain-dLdz"]')!, '[data-testid="heatmap-cell"]');
  for (const c of product) assert.ok(near(c.value, cls.probabilities[i * 6 + c.row] - cls.targets[i * 6 + c.row]));
  const dLdp = cells(host.querySelector('[data-testid="chain-dLdp"]')!, '[data-testid="heatmap-cell"]');
  for (const c of dLdp)
    assert.equal(c.value, cls.targets[i * 6 + c.row] === 0 ? 0 : -cls.targets[i * 6 + c.row] / cls.probabilities[i * 6 + c.row]);
});

test('chain view flags a mismatch: a payload whose batch gradient is wrong fails its check', () => {
  const broken = { ...cls, logitGradient: cls.logitGradient.map((v, j) => (j === 13 ? v + 1e-3 : v)) };
  const { host } = render(broken, 'chain', 2);
  assert.equal(host.querySelector('[data-testid="chain-batch-check"]')!.getAttribute('data-ok'), 'false');
  assert.equal(host.querySelector('[data-testid="chain-product-check"]')!.getAttribute('data-ok'), 'true');
});

const net = seededNetwork([5, 6, 4, 3], ['sigmoid', 'tanh', 'softmax'], 7);

test('network view: one heatmap per weight gradient, same shape as W, values of ∂L/∂W', () => {
  const { host, layers } = render(net, 'network', 0, 1);
  const maps = Array.from(host.querySelectorAll('[data-testid="weight-gradient-heatmap"]'));
  assert.equal(maps.length, 3);
  maps.forEach((m, l) => {
    const layer = net.layers[l];
    assert.equal(m.getAttribute('data-rows'), String(layer.outputs));
    assert.equal(m.getAttribute('data-cols'), String(layer.inputs));
    for (const c of cells(m, '[data-testid="heatmap-cell"]')) assert.equal(c.value, layer.gradWeights[c.row * layer.inputs + c.col]);
  });
  assert.deepEqual(
    cells(host, '[data-testid="norm-bar"]').map((b) => b.value),
    net.layers.map((l) => l.gradNorm),
  );
  assert.deepEqual(layers, []);
});

for (const layer of [0, 1, 2]) {
  test(`network chain view, layer ${layer + 1} (${net.layers[layer].activation}): factors multiply to the analysis’s ∂L/∂z and ∂L/∂W`, () => {
    const i = 3;
    const { host } = render(net, 'chain', i, layer);
    assert.equal(host.querySelector('[data-testid="chain-product-check"]')!.getAttribute('data-ok'), 'true');
    assert.equal(host.querySelector('[data-testid="chain-batch-check"]')!.getAttribute('data-ok'), 'true');
    const L = net.layers[layer];
    const outer = cells(host.querySelector('[data-testid="chain-outer"]')!, '[data-testid="heatmap-cell"]');
    const prev = layer === 0 ? net.inputs : net.layers[layer - 1].a;
    assert.equal(outer.length, L.outputs * L.inputs);
    for (const c of outer) assert.equal(c.value, L.dZ[i * L.outputs + c.row] * prev[i * L.inputs + c.col]);
    if (L.activation === 'softmax')
      assert.equal(host.querySelector('[data-testid="chain-dadz"]')!.getAttribute('data-rows'), String(L.outputs));
  });
}

test('regression gradient view: ∂L/∂ŷ bars are the core’s MSE gradient of the selected sample', () => {
  const reg = regressionPayload(6, 4);
  const { host } = render(reg, 'gradient', 3);
  const grad = cells(host, '[data-testid="gradient-bar"]');
  assert.equal(grad.length, 4);
  for (const g of grad) assert.equal(g.value, reg.gradient[3 * 4 + g.row]);
});
