import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normChart, normDomain } from '../../../src/webview/charts/normChart';
import { cells, dom, matchSnapshot } from './helpers';

const layers = [
  { name: 'Layer 1', gradNorm: 3e-9, weightNorm: 2, health: 'vanishing' as const },
  { name: 'Layer 2', gradNorm: 0.02, weightNorm: 3, health: 'ok' as const },
  { name: 'Layer 3', gradNorm: 4500, weightNorm: 40, health: 'exploding' as const },
];

test('gradient norms on a log axis, vanishing and exploding flagged in words (snapshot)', () => {
  const { document, ui } = dom();
  const chosen: number[] = [];
  const svg = normChart(
    document,
    { layers, selected: 1, width: 520, select: (l) => chosen.push(l), describe: (l) => ({ title: String(l), rows: [] }) },
    ui,
  );
  const bars = cells(svg, '[data-testid="norm-bar"]');
  assert.deepEqual(
    bars.map((b) => b.value),
    [3e-9, 0.02, 4500],
  );
  const flags = Array.from(svg.querySelectorAll('[data-testid="norm-flag"]')).map((f) => f.textContent!.trim());
  assert.deepEqual(flags, ['▼ vanishing', '▲ exploding']);
  // Log scale: equal ratios take equal lengths. 3e-9 → 0.02 → 4500 spans 6.8 and 5.4 decades.
  const widths = Array.from(svg.querySelectorAll('[data-testid="norm-bar"]')).map((r) => Number(r.getAttribute('width')));
  const perDecade = (widths[2] - widths[1]) / Math.log10(4500 / 0.02);
  assert.ok(Math.abs((widths[1] - widths[0]) / Math.log10(0.02 / 3e-9) - perDecade) < 0.05);
  const view = document.defaultView!;
  svg.dispatchEvent(new view.Event('focus'));
  svg.dispatchEvent(Object.assign(new view.Event('keydown'), { key: 'ArrowDown' }));
  svg.dispatchEvent(Object.assign(new view.Event('keydown'), { key: 'Enter' }));
  assert.deepEqual(chosen, [2]);
  matchSnapshot('norm-chart-3', svg.outerHTML);
});

test('normDomain spans whole decades around the positive norms', () => {
  assert.deepEqual(normDomain([3e-9, 0.02, 4500]), [1e-9, 1e4]);
  assert.deepEqual(normDomain([0.5]), [0.1, 1]);
  assert.deepEqual(normDomain([0, Number.NaN]), [1e-8, 1]);
  assert.deepEqual(normDomain([1, 1]), [1, 10]);
});
