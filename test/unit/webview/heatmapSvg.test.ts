import assert from 'node:assert/strict';
import { test } from 'node:test';
import { softmaxJacobianEntry } from '../../../src/core/softmax';
import { heatmapSvg } from '../../../src/webview/charts/heatmapSvg';
import { heatmapMode, SVG_MAX_CELLS } from '../../../src/webview/charts/heatmap';
import { denseSource, jacobianSource } from '../../../src/webview/charts/matrixSource';
import { divergingScale } from '../../../src/webview/colors';
import { cells, DARK, dom, LIGHT, matchSnapshot } from './helpers';

const P = Float64Array.from([0.5, 0.25, 0.15, 0.1]);
const CLASSES = ['cat', 'dog', 'bird', 'a very long class name'];

function jacobianChart(activated: number[][] = []) {
  const { document, ui } = dom();
  const source = jacobianSource(P);
  const chart = heatmapSvg(
    document,
    {
      source,
      scale: divergingScale(DARK, source.maxAbs()),
      theme: DARK,
      width: 360,
      square: true,
      diagonal: true,
      rowLabels: CLASSES,
      colLabels: CLASSES,
      rowTitle: 'output pⱼ',
      colTitle: 'logit zₖ',
      showValues: 'auto',
      label: 'Jacobian',
      testId: 'jacobian-heatmap',
      describe: (b, a) => ({ title: `${b.r0},${b.c0}`, rows: [], value: a.mean, cell: b }),
      activate: (b) => activated.push([b.r0, b.c0]),
    },
    ui,
  );
  document.body.appendChild(chart.element);
  return { document, ui, chart };
}

test('Jacobian heatmap: one cell per entry carrying the exact value, outlined diagonal (snapshot)', () => {
  const { chart } = jacobianChart();
  const found = cells(chart.element, '[data-testid="heatmap-cell"]');
  assert.equal(found.length, 16);
  for (const c of found) assert.equal(c.value, softmaxJacobianEntry(P, c.row, c.col));
  assert.equal(chart.element.querySelectorAll('[data-testid="heatmap-diagonal"] rect').length, 4);
  assert.equal(chart.mode, 'svg');
  // Rows of a softmax Jacobian sum to zero: a check on the drawn values, not on the formula.
  for (let r = 0; r < 4; r++) assert.ok(Math.abs(found.filter((c) => c.row === r).reduce((s, c) => s + c.value, 0)) < 1e-16);
  matchSnapshot('heatmap-jacobian-4', chart.element.outerHTML);
});

test('arrow keys move the focused cell, the live region says where and what, Enter activates', () => {
  const activated: number[][] = [];
  const { document, ui, chart } = jacobianChart(activated);
  const view = document.defaultView!;
  // linkedom has no KeyboardEvent; the handler reads only `key`.
  const key = (k: string) => chart.element.dispatchEvent(Object.assign(new view.Event('keydown'), { key: k }));
  chart.element.dispatchEvent(new view.Event('focus'));
  key('ArrowRight');
  key('ArrowRight');
  key('ArrowDown');
  const focus = chart.element.querySelector('[data-testid="heatmap-focus"]')!;
  assert.equal(focus.getAttribute('data-row'), '1');
  assert.equal(focus.getAttribute('data-col'), '2');
  assert.equal(ui.live.element.dataset.row, '1');
  assert.equal(ui.live.element.dataset.col, '2');
  assert.equal(Number(ui.live.element.dataset.value), softmaxJacobianEntry(P, 1, 2));
  key('ArrowRight');
  key('ArrowRight');
  assert.equal(focus.getAttribute('data-col'), '3', 'focus stops at the last column');
  key('Enter');
  assert.deepEqual(activated, [[1, 3]]);
  const cell = chart.element.querySelector('[data-row="2"][data-col="0"][data-testid="heatmap-cell"]')!;
  cell.dispatchEvent(new view.Event('click', { bubbles: true }));
  assert.deepEqual(activated, [[1, 3], [2, 0]]);
  cell.dispatchEvent(new view.Event('pointermove', { bubbles: true }));
  assert.equal(ui.tooltip.element.hidden, false);
  assert.equal(ui.tooltip.element.dataset.row, '2');
  assert.equal(Number(ui.tooltip.element.dataset.value), softmaxJacobianEntry(P, 2, 0));
});

test('gradient matrix: index row labels, highlighted selected row, light theme (snapshot)', () => {
  const { document, ui } = dom();
  const g = Float64Array.from([0.1, -0.2, 0.1, -0.05, 0.02, 0.03, 0, 0, 0, 0.3, -0.3, 0, -0.01, 0.01, 0, 0.2, 0.1, -0.3]);
  const source = denseSource(g, 6, 3);
  const chart = heatmapSvg(document, { source, scale: divergingScale(LIGHT, source.maxAbs()), theme: LIGHT, width: 300, maxHeight: 200, maxCell: 40, rowLabels: null, colLabels: ['x', 'y', 'z'], rowTitle: 'sample', colTitle: 'class', highlightRow: 3, label: 'g', testId: 'matrix-heatmap', describe: () => ({ title: '', rows: [] }) }, ui);
  const hl = chart.element.querySelector('[data-testid="row-highlight"]')!;
  assert.equal(hl.getAttribute('data-row'), '3');
  chart.setHighlightRow(5);
  assert.equal(hl.getAttribute('data-row'), '5');
  const values = cells(chart.element, '[data-testid="heatmap-cell"]').map((c) => c.value);
  assert.deepEqual(values, Array.from(g));
  matchSnapshot('heatmap-matrix-6x3', chart.element.outerHTML);
});

test('the renderer: SVG up to SVG_MAX_CELLS, then a whole-matrix canvas image, then tiles', () => {
  assert.equal(heatmapMode(32, 32), 'svg');
  assert.equal(heatmapMode(100, 10), 'svg');
  assert.equal(heatmapMode(10, 10), 'svg');
  assert.equal(heatmapMode(33, 32), 'canvas-dense');
  assert.equal(heatmapMode(1000, 1000), 'canvas-dense');
  assert.equal(heatmapMode(2048, 2048), 'canvas-dense');
  assert.equal(heatmapMode(2049, 2048), 'canvas-tiled');
  assert.equal(heatmapMode(10_000, 10_000), 'canvas-tiled');
  assert.equal(SVG_MAX_CELLS, 1024);
});
