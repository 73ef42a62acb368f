import assert from 'node:assert/strict';
import { test } from 'node:test';
import { softmaxJacobianEntry } from '../../../src/core/softmax';
import { cellsText } from '../../../src/webview/charts/cellsText';
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
  assert.deepEqual(activated, [
    [1, 3],
    [2, 0],
  ]);
  cell.dispatchEvent(new view.Event('pointermove', { bubbles: true }));
  assert.equal(ui.tooltip.element.hidden, false);
  assert.equal(ui.tooltip.element.dataset.row, '2');
  assert.equal(Number(ui.tooltip.element.dataset.value), softmaxJacobianEntry(P, 2, 0));
});

test('Shift+arrows and Shift+click select a block; Ctrl+C copies it, labelled and tab-separated, or the focused cell alone', () => {
  const activated: number[][] = [];
  const { document, ui, chart } = jacobianChart(activated);
  const copied: unknown[] = [];
  ui.copy = (request) => copied.push(request);
  const view = document.defaultView!;
  const key = (k: string, mods: { shiftKey?: boolean; ctrlKey?: boolean; metaKey?: boolean } = {}) => {
    const ev = Object.assign(
      new view.Event('keydown', { cancelable: true }),
      { key: k, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false },
      mods,
    );
    chart.element.dispatchEvent(ev);
    return ev.defaultPrevented;
  };
  const selection = () => {
    const el = chart.element.querySelector('[data-testid="heatmap-selection"]')!;
    return el.getAttribute('display') === 'none'
      ? null
      : ['data-row', 'data-row-end', 'data-col', 'data-col-end'].map((a) => Number(el.getAttribute(a)));
  };
  chart.element.dispatchEvent(new view.Event('focus'));
  key('ArrowRight');
  assert.equal(key('c', { ctrlKey: true }), true, 'Ctrl+C is handled');
  assert.deepEqual(copied.pop(), { text: String(softmaxJacobianEntry(P, 0, 1)), what: 'the value' }, 'one focused cell: its bare number');

  key('ArrowRight', { shiftKey: true });
  key('ArrowDown', { shiftKey: true });
  key('ArrowDown', { shiftKey: true });
  assert.deepEqual(selection(), [0, 3, 1, 3], 'rows 0–2 × columns 1–2 (half-open ends)');
  assert.equal(chart.nav.selection()?.r1, 3);
  assert.match(ui.live.element.textContent!, /3 × 2 cells selected$/);
  assert.equal(key('C', { metaKey: true, shiftKey: true }), true, 'Cmd+C (macOS) too');
  const J = (r: number, c: number) => String(softmaxJacobianEntry(P, r, c));
  assert.deepEqual(copied.pop(), {
    text: ['\tdog\tbird', `cat\t${J(0, 1)}\t${J(0, 2)}`, `dog\t${J(1, 1)}\t${J(1, 2)}`, `bird\t${J(2, 1)}\t${J(2, 2)}`].join('\n') + '\n',
    what: '3 × 2 values',
  });
  // The pasted text reads back as the same doubles.
  assert.equal(Number(J(1, 2)), softmaxJacobianEntry(P, 1, 2));

  key('Escape');
  assert.equal(selection(), null, 'Escape clears the selection');
  key('ArrowLeft');
  assert.equal(selection(), null, 'a plain move does not select');

  // Shift+click from the focused cell (2, 1) to (3, 3); a plain click starts afresh and activates.
  const cell = (r: number, c: number) => chart.element.querySelector(`[data-row="${r}"][data-col="${c}"][data-testid="heatmap-cell"]`)!;
  cell(3, 3).dispatchEvent(Object.assign(new view.Event('click', { bubbles: true }), { shiftKey: true }));
  assert.deepEqual(selection(), [2, 4, 1, 4]);
  assert.deepEqual(activated, [], 'Shift+click selects, it does not activate');
  cell(1, 1).dispatchEvent(Object.assign(new view.Event('click', { bubbles: true }), { shiftKey: false }));
  assert.equal(selection(), null);
  assert.deepEqual(activated, [[1, 1]]);
  key('a', { ctrlKey: true });
  assert.deepEqual(selection(), [0, 4, 0, 4], 'Ctrl+A selects every cell');
  assert.equal(key('x'), false, 'other keys pass through');
});

test('cellsText: labels without tabs or line breaks, index labels when there are none, a refusal past 10⁶ values', () => {
  const source = denseSource(Float64Array.from([1, -2.5, 1e-7, 0.1 + 0.2]), 2, 2);
  assert.equal(
    cellsText(source, { r0: 0, r1: 2, c0: 0, c1: 2 }, { rowLabels: ['a\tb', 'c\nd'], colLabels: null }),
    '\t0\t1\na b\t1\t-2.5\nc d\t1e-7\t0.30000000000000004\n',
  );
  const big = jacobianSource(new Float64Array(2000).fill(1 / 2000));
  const refused = cellsText(big, { r0: 0, r1: 2000, c0: 0, c1: 501 }, {});
  assert.deepEqual(refused, {
    refused: '2,000 × 501 values are too many to copy (at most 1,000,000): select fewer, or use Gradient Lens: Export Analysis…',
  });
  assert.equal(typeof cellsText(big, { r0: 0, r1: 2000, c0: 0, c1: 500 }, {}), 'string', 'exactly 10⁶ is allowed');
});

test('gradient matrix: index row labels, highlighted selected row, light theme (snapshot)', () => {
  const { document, ui } = dom();
  const g = Float64Array.from([0.1, -0.2, 0.1, -0.05, 0.02, 0.03, 0, 0, 0, 0.3, -0.3, 0, -0.01, 0.01, 0, 0.2, 0.1, -0.3]);
  const source = denseSource(g, 6, 3);
  const chart = heatmapSvg(
    document,
    {
      source,
      scale: divergingScale(LIGHT, source.maxAbs()),
      theme: LIGHT,
      width: 300,
      maxHeight: 200,
      maxCell: 40,
      rowLabels: null,
      colLabels: ['x', 'y', 'z'],
      rowTitle: 'sample',
      colTitle: 'class',
      highlightRow: 3,
      label: 'g',
      testId: 'matrix-heatmap',
      describe: () => ({ title: '', rows: [] }),
    },
    ui,
  );
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
