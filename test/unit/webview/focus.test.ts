// Large-K views: by default the classes that matter as a labelled sub-matrix, whose cells are the
// full matrix's own values; the full matrix a toggle away. Rendered into linkedom from payloads
// computed by the real core.
import { fixtureData } from '../../webview-page/fixtureData';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Payload, ViewId } from '../../../src/shared/protocol';
import { softmaxJacobianEntry } from '../../../src/core/softmax';
import { overviewStrip } from '../../../src/webview/charts/overviewStrip';
import { DEFAULT_FOCUS, type FocusPrefs, type ViewContext } from '../../../src/webview/views/common';
import { FOCUS_MASS, FOCUS_TOP, focusClasses, focusColumns } from '../../../src/webview/views/focusClasses';
import { rendererFor } from '../../../src/webview/views/index';
import { classificationPayload } from '../../webview-page/payloads';
import { cells, DARK, dom, LIGHT, matchSnapshot } from './helpers';

function render(payload: Payload, view: ViewId, selected: number, focus: FocusPrefs = DEFAULT_FOCUS, width = 900, theme = DARK) {
  const { document, ui } = dom();
  const host = document.createElement('div');
  document.body.appendChild(host);
  const asked: Partial<FocusPrefs>[] = [];
  const ctx: ViewContext = {
    doc: document,
    payload,
    ...fixtureData(payload, selected),
    selected,
    layer: 0,
    theme,
    width,
    ui,
    select: () => {},
    selectLayer: () => {},
    focus,
    setFocus: (f) => asked.push(f),
  };
  const handle = rendererFor(view, payload)(host, ctx);
  return { host, handle, asked, document };
}

const labelsOf = (root: Element, axis: 'row' | 'col') =>
  Array.from(root.querySelectorAll(`.gl-${axis}-labels text`)).map((t) => t.firstChild!.textContent);
const argmax = (p: ArrayLike<number>) => {
  let b = 0;
  for (let j = 1; j < p.length; j++) if (p[j] > p[b]) b = j;
  return b;
};

const big = classificationPayload({ n: 6, k: 1000, seed: 9, spread: 9 });

test('focusClasses: top by p until 99 % of the mass or 10 classes, the true classes, pinned ones; largest p first', () => {
  const p = Float64Array.from([0.001, 0.6, 0.002, 0.395, 0.002]);
  const y = Float64Array.from([1, 0, 0, 0, 0]);
  const f = focusClasses(p, y, [2]);
  // 0.6 + 0.395 = 0.995 ≥ 0.99 after two: no third top class.
  assert.deepEqual(f.indices, [1, 3, 2, 0]);
  assert.deepEqual(f.roles.get(1), ['predicted', 'top']);
  assert.deepEqual(f.roles.get(0), ['true']);
  assert.deepEqual(f.roles.get(2), ['pinned']);
  assert.equal(f.top, 2);
  assert.ok(Math.abs(f.mass - 0.995) < 1e-15);
  // A flat p: the top 10 and no more.
  const flat = new Float64Array(500).fill(1 / 500);
  const g = focusClasses(flat, null);
  assert.equal(g.indices.length, FOCUS_TOP);
  assert.ok(g.mass < FOCUS_MASS);
});

test('focusColumns: the columns of largest |value| anywhere, plus the kept ones, in class order', () => {
  const n = 3;
  const k = 8;
  const g = new Float64Array(n * k);
  g[0 * k + 5] = -0.9;
  g[1 * k + 2] = 0.5;
  g[2 * k + 7] = 0.1;
  assert.deepEqual(focusColumns(g, n, k, 2, [0]), [0, 2, 5]);
});

test('1,000-class Jacobian: the default view has the true and top-predicted classes on both axes, cells equal the full J', () => {
  for (const i of [0, 1, 2, 3, 4, 5]) {
    const { host } = render(big, 'jacobian', i);
    const chart = host.querySelector('[data-testid="jacobian-heatmap"]')!;
    assert.equal(chart.getAttribute('data-view'), 'focus');
    const p = big.probabilities.subarray(i * 1000, (i + 1) * 1000);
    const rows = labelsOf(chart, 'row');
    const cols = labelsOf(chart, 'col');
    const m = Number(chart.getAttribute('data-rows'));
    assert.ok(m >= 2 && m <= FOCUS_TOP + 1, `${m} classes shown`);
    assert.equal(rows.length, m, 'every row is labelled');
    assert.equal(cols.length, m, 'every column is labelled');
    for (const axis of [rows, cols]) {
      assert.ok(axis.includes(String(big.actual[i])), `true class ${big.actual[i]} on the axis of sample ${i}: ${axis}`);
      assert.ok(axis.includes(String(argmax(p))), `top prediction ${argmax(p)} on the axis of sample ${i}`);
      assert.equal(axis[0], String(argmax(p)), 'largest p first');
    }
    const found = cells(chart, '[data-testid="heatmap-cell"]');
    assert.equal(found.length, m * m);
    for (const c of found) assert.equal(c.value, softmaxJacobianEntry(p, c['source-row'], c['source-col']));
    // The outlined row is the true class.
    assert.equal(rows[Number(host.querySelector('[data-testid="row-highlight"]')!.getAttribute('data-row'))], String(big.actual[i]));
    // The strip marks the shown classes over all 1,000.
    const marks = Array.from(host.querySelectorAll('[data-testid="overview-mark"]')).map((e) => Number(e.getAttribute('data-class')));
    assert.deepEqual(
      marks.sort((a, b) => a - b),
      rows.map(Number).sort((a, b) => a - b),
    );
  }
});

test('the toggle asks for all classes; with showAll every class is drawn, values unchanged (K = 30)', () => {
  const mid = classificationPayload({ n: 3, k: 30, seed: 2, spread: 6 });
  const { host, asked, document } = render(mid, 'jacobian', 2);
  assert.equal(host.querySelector('[data-testid="jacobian-heatmap"]')!.getAttribute('data-view'), 'focus');
  host.querySelector('[data-testid="focus-toggle"]')!.dispatchEvent(new document.defaultView!.Event('click'));
  assert.deepEqual(asked, [{ showAll: true }]);
  const all = render(mid, 'jacobian', 2, { showAll: true, pinned: [] });
  const chart = all.host.querySelector('[data-testid="jacobian-heatmap"]')!;
  assert.equal(chart.getAttribute('data-rows'), '30');
  assert.equal(chart.getAttribute('data-view'), 'all');
  assert.equal(all.host.querySelector('[data-testid="overview-strip"]'), null);
  const p = mid.probabilities.subarray(60, 90);
  for (const c of cells(chart, '[data-testid="heatmap-cell"]')) assert.equal(c.value, softmaxJacobianEntry(p, c.row, c.col));
  assert.equal(all.host.querySelector('[data-testid="focus-toggle"]')!.textContent, 'Show the classes that matter');
});

test('a pinned class joins the sub-matrix; its chip unpins it', () => {
  const { host, asked, document } = render(big, 'jacobian', 1, { showAll: false, pinned: [777] });
  assert.ok(labelsOf(host.querySelector('[data-testid="jacobian-heatmap"]')!, 'row').includes('777'));
  const chip = host.querySelector('[data-testid="unpin"][data-class="777"]')!;
  chip.dispatchEvent(new document.defaultView!.Event('click'));
  assert.deepEqual(asked, [{ pinned: [] }]);
});

test('batch gradient at K = 1,000: the columns that matter, labelled, with the selected sample’s true and predicted class', () => {
  const sel = 3;
  const { host } = render(big, 'matrix', sel);
  const chart = host.querySelector('[data-testid="matrix-heatmap"]')!;
  assert.equal(chart.getAttribute('data-view'), 'focus');
  const cols = labelsOf(chart, 'col').map(Number);
  assert.ok(cols.includes(big.actual[sel]) && cols.includes(big.predicted[sel]));
  const found = cells(chart, '[data-testid="heatmap-cell"]');
  assert.equal(found.length, 6 * cols.length);
  for (const c of found) assert.equal(c.value, big.logitGradient[c.row * 1000 + c['source-col']]);
  // Rows are at least 14 px: six samples are not a 6 px strip.
  const h = Number(chart.querySelector('[data-testid="heatmap-cell"]')!.getAttribute('height'));
  assert.ok(h >= 13, `row height ${h}`);
});

test('chain rule at K = 1,000: the shown rows of Jᵀ·∂ℓ/∂p are exact, the one non-zero term is named', () => {
  const i = 4;
  const { host } = render(big, 'chain', i);
  assert.equal(host.querySelector('[data-testid="chain-product-check"]')!.getAttribute('data-ok'), 'true');
  const ids = labelsOf(host.querySelector('[data-testid="chain-jacobian"]')!, 'row').map(Number);
  const product = cells(host.querySelector('[data-testid="chain-dLdz"]')!, '[data-testid="heatmap-cell"]');
  assert.equal(product.length, ids.length);
  for (const c of product) {
    const j = ids[c.row];
    const expected = big.probabilities[i * 1000 + j] - big.targets[i * 1000 + j];
    assert.ok(Math.abs(c.value - expected) < 1e-15, `class ${j}: ${c.value} vs ${expected}`);
  }
  assert.match(
    host.querySelector('[data-testid="chain-one-hot"]')!.textContent!,
    new RegExp(`only ∂ℓ/∂p.* is non-zero .*row ${big.actual[i]} of J`),
  );
});

// ---- snapshots of the new layouts -------------------------------------------------------

test('snapshot: the 1,000-class Jacobian’s default sub-matrix (sample 0, dark) and its overview strip', () => {
  const { host } = render(big, 'jacobian', 0);
  matchSnapshot('jacobian-1000-focus-dark', host.querySelector('[data-testid="jacobian-heatmap"]')!.outerHTML);
  matchSnapshot('overview-strip-1000', host.querySelector('[data-testid="overview-strip"]')!.outerHTML);
});

test('snapshot: the batch gradient’s focused columns at K = 1,000 (light)', () => {
  const { host } = render(big, 'matrix', 0, DEFAULT_FOCUS, 900, LIGHT);
  matchSnapshot('matrix-1000-focus-light', host.querySelector('[data-testid="matrix-heatmap"]')!.outerHTML);
});

test('snapshot: a 10-class Jacobian in a wide panel: cells grow to 72 px and every label fits', () => {
  const ten = classificationPayload({ n: 4, k: 10, seed: 4 });
  const { host } = render(ten, 'jacobian', 1, DEFAULT_FOCUS, 1200);
  const chart = host.querySelector('[data-testid="jacobian-heatmap"]')!;
  assert.equal(Number(chart.querySelector('[data-testid="heatmap-cell"]')!.getAttribute('width')), 71);
  const texts = Array.from(chart.querySelectorAll('.gl-cell-values text')).map((t) => t.textContent!);
  assert.equal(texts.length, 100, 'every cell has its number');
  for (const t of texts) assert.ok(t.length * 5.8 <= 68, `${t} fits`);
  assert.ok(
    texts.every((t) => !t.includes('-')),
    'Unicode minus only',
  );
  matchSnapshot('jacobian-10-wide-dark', chart.outerHTML);
});

test('overview strip: a click picks the class of largest p near the pointer', () => {
  const { document } = dom();
  const p = new Float64Array(100).fill(0.001);
  p[42] = 0.9;
  const picked: number[] = [];
  const svg = overviewStrip(document, {
    values: p,
    marks: [{ index: 42, name: '42', tag: 'pred' }],
    width: 208,
    label: 'p',
    pick: (j) => picked.push(j),
  });
  document.body.appendChild(svg);
  // linkedom has no layout: getBoundingClientRect is all zeros, so clientX is the strip's own x.
  svg.getBoundingClientRect = () => ({ left: 0, top: 0, width: 208, height: 40 }) as DOMRect;
  const ev = new document.defaultView!.Event('click') as Event & { clientX: number };
  Object.defineProperty(ev, 'clientX', { value: 4 + 2 * 42.5 + 2 });
  svg.dispatchEvent(ev);
  assert.deepEqual(picked, [42]);
});

test('overview strip: the true and predicted classes’ names never overlap, near either end or side by side', () => {
  const { document } = dom();
  const p = new Float64Array(1000).fill(0.001);
  for (const [a, b] of [
    [932, 975],
    [998, 999],
    [0, 1],
    [500, 503],
    [3, 990],
  ]) {
    const svg = overviewStrip(document, {
      values: p,
      marks: [
        { index: a, name: String(a), tag: 'true' },
        { index: b, name: String(b), tag: 'pred' },
      ],
      width: 700,
      label: 'p',
    });
    const texts = Array.from(svg.querySelectorAll('text')).map((t) => ({ x: Number(t.getAttribute('x')), text: t.textContent! }));
    assert.deepEqual(
      texts.map((t) => t.text),
      [`true: ${a}`, `pred: ${b}`],
    );
    // Each name inside the strip, and the first ends (at 6 px a character, as laid out) 6 px before the second starts.
    for (const t of texts) assert.ok(t.x >= 0 && t.x + t.text.length * 6 <= 700, `${a}/${b}: ${t.text} at ${t.x}`);
    assert.ok(texts[0].x + texts[0].text.length * 6 + 6 <= texts[1].x + 0.01, `${a}/${b}: ${JSON.stringify(texts)}`);
  }
  // Far apart, each is centred on its mark: (i + 0.5) / 1000 of the 692 px inside the 4 px margins.
  const svg = overviewStrip(document, {
    values: p,
    marks: [
      { index: 300, name: '300', tag: 'true' },
      { index: 700, name: '700', tag: 'pred' },
    ],
    width: 700,
    label: 'p',
  });
  const xs = Array.from(svg.querySelectorAll('text')).map((t) => Number(t.getAttribute('x')));
  assert.deepEqual(xs, [Math.round((4 + (300.5 / 1000) * 692 - 27) * 100) / 100, Math.round((4 + (700.5 / 1000) * 692 - 27) * 100) / 100]);
});

test('symlogDecades: the decades a source spans, rounded up, between 1 and the cap', async () => {
  const { denseSource, jacobianSource, symlogDecades } = await import('../../../src/webview/charts/matrixSource');
  assert.equal(symlogDecades(denseSource([0.03, -0.2, 0, 0.1], 2, 2)), 1, '0.03 … 0.2 is under one decade');
  assert.equal(symlogDecades(denseSource([1e-4, 0.5], 1, 2)), 4);
  assert.equal(symlogDecades(denseSource([1e-12, 1], 1, 2)), 5, 'capped');
  assert.equal(symlogDecades(denseSource([0, 0], 1, 2)), 1);
  assert.equal(symlogDecades(jacobianSource(big.probabilities.subarray(0, 1000))), 5);
});

test('a 30 × 40 weight gradient: by default the 24 neurons and 24 inputs of largest |∂L/∂W|, exact values, with a show-all toggle', async () => {
  const { seededNetwork } = await import('../../webview-page/payloads');
  const net = seededNetwork([40, 30, 4], ['relu', 'softmax'], 8);
  const { host } = render(net, 'network', 0);
  const chart = host.querySelector('[data-testid="weight-gradient-heatmap"][data-layer="0"]')!;
  assert.equal(chart.getAttribute('data-rows'), '24');
  assert.equal(chart.getAttribute('data-cols'), '24');
  const g = net.layers[0].gradWeights;
  const found = cells(chart, '[data-testid="heatmap-cell"]');
  assert.equal(found.length, 24 * 24);
  for (const c of found) assert.equal(c.value, g[c['source-row'] * 40 + c['source-col']]);
  // The largest |∂L/∂W| of the layer is among the shown cells.
  let best = 0;
  for (let i = 1; i < g.length; i++) if (Math.abs(g[i]) > Math.abs(g[best])) best = i;
  assert.ok(found.some((c) => c['source-row'] * 40 + c['source-col'] === best));
  assert.match(host.querySelector('[data-testid="focus-toggle"]')!.textContent!, /Show all 30 × 40 weights/);
  // (The full 30 × 40 = 1,200 cells are drawn on canvas, which linkedom cannot run.)
});
