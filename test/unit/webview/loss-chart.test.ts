import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lossChart } from '../../../src/webview/charts/lossChart';
import { cells, dom, matchSnapshot } from './helpers';

const losses = Float64Array.from([0.3, 2.1, 0.05, 1.2, 0.8, 0.8]);

test('sorted loss bars: largest first, the selected sample marked, click selects (snapshot)', () => {
  const { document, ui } = dom();
  const selected: number[] = [];
  const chart = lossChart(
    document,
    {
      losses,
      selected: 3,
      reducedLoss: 0.875,
      width: 420,
      height: 200,
      select: (i) => selected.push(i),
      describe: (i) => ({ title: String(i), rows: [] }),
    },
    ui,
  );
  assert.equal(chart.mode, 'sorted');
  const bars = cells(chart.element, '[data-testid="loss-bar"]');
  assert.deepEqual(
    bars.map((b) => b.index),
    [1, 3, 4, 5, 0, 2],
    'sorted by loss, ties by index',
  );
  assert.deepEqual(
    bars.map((b) => b.value),
    [2.1, 1.2, 0.8, 0.8, 0.3, 0.05],
  );
  assert.equal(chart.element.querySelector('[data-testid="loss-selected"]')!.getAttribute('data-index'), '3');
  assert.equal(Number(chart.element.querySelector('[data-testid="loss-reduced"]')!.getAttribute('data-value')), 0.875);
  const view = document.defaultView!;
  const el = chart.element;
  el.dispatchEvent(new view.Event('focus'));
  el.dispatchEvent(Object.assign(new view.Event('keydown'), { key: 'ArrowRight' }));
  el.dispatchEvent(Object.assign(new view.Event('keydown'), { key: 'Enter' }));
  assert.deepEqual(selected, [4], 'focus starts on the selected bar (rank 1); one step right is rank 2, sample 4');
  chart.setSelected(0);
  assert.equal(el.querySelector('[data-testid="loss-selected"]')!.getAttribute('data-index'), '0');
  matchSnapshot('loss-sorted-6', chart.element.outerHTML);
});

test('histogram beyond maxBars: counts add up, clicking a bin cycles through its samples worst first (snapshot)', () => {
  const { document, ui } = dom();
  const n = 400;
  // A fixed, skewed spread of losses: many small, a long tail.
  const many = Float64Array.from({ length: n }, (_, i) => ((i * 37) % 100) ** 2 / 2500);
  const selected: number[] = [];
  const chart = lossChart(
    document,
    {
      losses: many,
      selected: 10,
      width: 420,
      height: 200,
      maxBars: 240,
      select: (i) => selected.push(i),
      describe: (i) => ({ title: String(i), rows: [] }),
    },
    ui,
  );
  assert.equal(chart.mode, 'histogram');
  const bins = cells(chart.element, '[data-testid="loss-bin"]');
  assert.equal(
    bins.reduce((s, b) => s + b.count, 0),
    n,
  );
  for (const b of bins) {
    const inBin = Array.from(many).filter((v) => v >= b.x0 && (v < b.x1 || (b === bins[bins.length - 1] && v <= b.x1))).length;
    assert.equal(b.count, inBin, `bin [${b.x0}, ${b.x1})`);
  }
  const view = document.defaultView!;
  const el = chart.element;
  el.dispatchEvent(new view.Event('focus'));
  el.dispatchEvent(Object.assign(new view.Event('keydown'), { key: 'Home' }));
  el.dispatchEvent(Object.assign(new view.Event('keydown'), { key: 'Enter' }));
  el.dispatchEvent(Object.assign(new view.Event('keydown'), { key: 'Enter' }));
  const first = bins[0];
  const members = Array.from(many.keys())
    .filter((i) => many[i] >= first.x0 && many[i] < first.x1)
    .sort((a, b) => many[b] - many[a] || a - b);
  assert.deepEqual(selected, members.slice(0, 2));
  matchSnapshot('loss-histogram-400', chart.element.outerHTML);
});

test('issue 16: the focus ring follows a selection made elsewhere, and a blurred chart refocuses on the selected bar', () => {
  const { document, ui } = dom();
  const selected: number[] = [];
  const chart = lossChart(
    document,
    { losses, selected: 3, width: 420, height: 200, select: (i) => selected.push(i), describe: (i) => ({ title: String(i), rows: [] }) },
    ui,
  );
  const view = document.defaultView!;
  const el = chart.element;
  const ring = el.querySelector('[data-testid="loss-focus"]')!;
  const barX = (sample: number) => {
    const bar = el.querySelector(`[data-testid="loss-bar"][data-index="${sample}"]`)!;
    return Number(bar.getAttribute('x'));
  };
  const key = (k: string) => el.dispatchEvent(Object.assign(new view.Event('keydown'), { key: k }));
  el.dispatchEvent(new view.Event('focus'));
  assert.equal(ring.getAttribute('display'), null);
  // The ring's box starts at the bar's slot: losses sorted [1, 3, 4, 5, 0, 2], sample 3 is rank 1.
  const slot = Number(ring.getAttribute('x'));
  assert.ok(Math.abs(slot - barX(3)) < Number(ring.getAttribute('width')), `ring at ${slot}, bar 3 at ${barX(3)}`);
  // The editor's cursor selects sample 2 (the smallest loss, the last bar): the ring moves there, and Enter means it.
  chart.setSelected(2);
  assert.ok(Math.abs(Number(ring.getAttribute('x')) - barX(2)) < Number(ring.getAttribute('width')));
  assert.ok(Number(ring.getAttribute('x')) > slot);
  key('Enter');
  assert.deepEqual(selected, [2]);
  key('ArrowLeft');
  key('Enter');
  assert.deepEqual(selected, [2, 0], 'one bar left of sample 2 is sample 0');
  // Blurred: no ring; a selection meanwhile is where the focus comes back.
  el.dispatchEvent(new view.Event('blur'));
  assert.equal(ring.getAttribute('display'), 'none');
  chart.setSelected(4);
  assert.equal(ring.getAttribute('display'), 'none');
  el.dispatchEvent(new view.Event('focus'));
  key('Enter');
  assert.deepEqual(selected, [2, 0, 4]);
});
