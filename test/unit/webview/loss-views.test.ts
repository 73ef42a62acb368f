// The panel on named losses (issue 19), rendered into a Node DOM from the real core's analyses of
// the examples: the chain rule holds with the loss's own target (softmax family) or through the
// sigmoid's diagonal Jacobian (binary losses), and the header names the loss.
import { fixtureData } from '../../webview-page/fixtureData';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runPipeline } from '../../../src/core/pipeline';
import { payloadOf } from '../../../src/extension/payload';
import type { FileAnalysis } from '../../../src/extension/analysisService';
import type { ClassificationRow, Payload, ViewId } from '../../../src/shared/protocol';
import { summarizeResult } from '../../../src/core/resultSummary';
import { TensorStore } from '../../../src/core/tensorQuery';
import type { ViewContext } from '../../../src/webview/views/common';
import { rendererFor } from '../../../src/webview/views/index';
import { describePayload } from '../../../src/webview/shell';
import { cells, DARK, dom } from './helpers';

/** The panel's payload of a file and the store that answers its views' queries, as the extension makes them. */
function payloadOfFile(text: string, fileName: string): Payload & { store: TensorStore } {
  const result = runPipeline(new TextEncoder().encode(text), fileName);
  assert.ok(result.analysis, JSON.stringify(result.problems));
  const store = new TensorStore(result);
  const file = { ...summarizeResult(result), fileName, gradientScale: store.gradientScale() } as unknown as FileAnalysis;
  return { ...payloadOf(file)!, store };
}

const probabilitiesOf = (payload: { store: TensorStore }, i: number) =>
  (payload.store.answer({ kind: 'row', index: i }) as ClassificationRow).p;

function render(payload: Payload & { store: TensorStore }, view: ViewId, selected: number) {
  const { document, ui } = dom();
  const host = document.createElement('div');
  document.body.appendChild(host);
  const ctx: ViewContext = {
    doc: document,
    payload,
    ...fixtureData(payload.store, selected),
    selected,
    layer: 0,
    theme: DARK,
    width: 900,
    ui,
    select: () => {},
    selectLayer: () => {},
  };
  const handle = rendererFor(view, payload)(host, ctx);
  return { host, handle };
}

const example = (name: string) => readFileSync(join(__dirname, '..', '..', '..', 'examples', name), 'utf8');

test('label smoothing with weights: the chain rule holds with the smoothed, weighted target and 1/Σw_y', () => {
  const payload = payloadOfFile(example('label-smoothing.json'), 'label-smoothing.json');
  assert.match(
    describePayload(payload),
    /mean cross_entropy \(weight=\[1, 2, 1, 0\.5\], label_smoothing=0\.1\) 0\.93\d* · 𝓛_i = −\(1−ε\) w_y log p_y/,
  );
  for (const i of [0, 3, 5]) {
    const { host } = render(payload, 'chain', i);
    assert.equal(host.querySelector('[data-testid="chain-product-check"]')!.getAttribute('data-ok'), 'true', `sample ${i}`);
    assert.equal(host.querySelector('[data-testid="chain-batch-check"]')!.getAttribute('data-ok'), 'true', `sample ${i}`);
  }
});

test('nll on log-probabilities: the chain rule through log_softmax holds', () => {
  const lp = [
    [-0.2, -1.8],
    [-2.3, -0.1],
    [-0.7, -0.7],
  ].map((r) => {
    const lse = Math.log(r.reduce((s, v) => s + Math.exp(v), 0));
    return r.map((v) => v - lse);
  });
  const payload = payloadOfFile(
    JSON.stringify({ loss: { name: 'nll', weight: [1, 3] }, log_probabilities: lp, labels: [0, 1, 1] }),
    'lp.json',
  );
  const { host } = render(payload, 'chain', 1);
  assert.equal(host.querySelector('[data-testid="chain-batch-check"]')!.getAttribute('data-ok'), 'true');
});

test('a multi-label head: the sigmoid chain rule, diagonal, with softmax’s for comparison', () => {
  const payload = payloadOfFile(example('multilabel-bce.json'), 'multilabel-bce.json');
  const { host, handle } = render(payload, 'chain', 2);
  assert.ok(host.querySelector('[data-testid="sigmoid-chain-table"]'));
  assert.equal(host.querySelector('[data-testid="chain-product-check"]')!.getAttribute('data-ok'), 'true');
  const t = handle.table();
  const p = probabilitiesOf(payload, 2);
  t.rows.forEach((r, j) => assert.equal(r[5], p[j] * (1 - p[j])));
  // Softmax's Jacobian would mix the outputs: its answer differs from the sigmoid's.
  assert.ok(t.rows.some((r) => Math.abs((r[8] as number) - (r[7] as number)) > 1e-3));
  // Logits of ±1000 saturate the sigmoid: ∂L/∂p is not defined from ∂L/∂z there, and nothing breaks.
  assert.equal(render(payload, 'chain', 5).host.querySelector('[data-testid="chain-product-check"]')!.getAttribute('data-ok'), 'true');
});

test('binary_cross_entropy on probabilities: ∂L/∂p · p(1 − p) is p − t (scaled)', () => {
  const text = JSON.stringify({
    loss: 'binary_cross_entropy',
    probabilities: [
      [0.9, 0.2, 0.6],
      [0.3, 0.8, 0.5],
    ],
    targets: [
      [1, 0, 1],
      [0, 0, 1],
    ],
  });
  const payload = payloadOfFile(text, 'p.json');
  const { host } = render(payload, 'chain', 1);
  assert.equal(host.querySelector('[data-testid="chain-product-check"]')!.getAttribute('data-ok'), 'true');
});

test('a multi-label head’s Jacobian view: σ(1 − σ) on the diagonal and 0 elsewhere, softmax’s beside it', () => {
  const payload = payloadOfFile(example('multilabel-bce.json'), 'multilabel-bce.json');
  const { host, handle } = render(payload, 'jacobian', 1);
  const found = cells(host.querySelector('[data-testid="sigmoid-jacobian-heatmap"]')!, '[data-testid="heatmap-cell"]');
  assert.equal(found.length, 16);
  const p = probabilitiesOf(payload, 1);
  for (const c of found) assert.equal(c.value, c.row === c.col ? p[c.row] * (1 - p[c.row]) : 0);
  const softmax = cells(host.querySelector('[data-testid="softmax-comparison-heatmap"]')!, '[data-testid="heatmap-cell"]');
  assert.ok(
    softmax.some((c) => c.row !== c.col && c.value < 0),
    'softmax couples the outputs',
  );
  assert.deepEqual(handle.table().columns, ['output', 'name', 'p', 'sigmoid_jacobian_diag', 'softmax_q', 'softmax_jacobian_diag']);
});
