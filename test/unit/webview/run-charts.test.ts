// The run panel's charts on the good fixture run (test/fixtures/runs): points and cells carry the
// manifest's values, colour follows log ‖∂L/∂W‖, flags follow the thresholds, large runs use a canvas.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { interpolateViridis } from 'd3-scale-chromatic';
import { readManifest } from '../../../src/core/trainingRun';
import type { RunPoint } from '../../../src/shared/protocol';
import { MAX_POINTS, runLossChart } from '../../../src/webview/run/runLossChart';
import { normColorScale, normHeatmap, SVG_MAX_CELLS } from '../../../src/webview/run/normHeatmap';
import { RunState } from '../../../src/webview/run/runState';
import { dom } from './helpers';

/** '#21908d' or 'rgb(33, 144, 141)' → '#21908d'. */
function hex(color: string): string {
  const m = /^rgb\((\d+), (\d+), (\d+)\)$/.exec(color);
  return m
    ? '#' +
        m
          .slice(1)
          .map((v) => Number(v).toString(16).padStart(2, '0'))
          .join('')
    : color.toLowerCase();
}

const run = readManifest(new Uint8Array(readFileSync(join(__dirname, '..', '..', 'fixtures', 'runs', 'good', 'run.jsonl'))));
const params = run.steps[0].params.map((p) => p.name);
const points: RunPoint[] = run.steps.map((s) => ({
  step: s.step,
  time: s.time,
  loss: s.loss,
  gradNorms: s.params.map((p) => p.gradNorm),
  weightNorms: s.params.map((p) => p.weightNorm),
}));

function state(steps: RunPoint[], thresholds = { vanishing: 1e-6, exploding: 1e3 }): RunState {
  const s = new RunState();
  s.apply({ type: 'runUpdate', reset: true, runName: 'good', params, steps, problems: [], pending: false, thresholds });
  return s;
}

test('loss chart: one point per logged step holding its loss; clicking picks the nearest step', () => {
  const { document } = dom();
  const picked: number[] = [];
  const svg = runLossChart(document, state(points), { width: 600, selected: 2, pick: (i) => picked.push(i) });
  const found = Array.from(svg.querySelectorAll('[data-testid="run-loss-point"]')).map((e) => [
    Number(e.getAttribute('data-step')),
    Number(e.getAttribute('data-value')),
  ]);
  assert.deepEqual(
    found,
    run.steps.map((s) => [s.step, s.loss]),
  );
  assert.equal(svg.querySelector('[data-testid="run-selected-rule"]')?.getAttribute('data-step'), '2');
  assert.match(svg.getAttribute('aria-label')!, /Logged loss over 5 steps, from 1\.16\d* at step 0 to 0\.917\d* at step 4/);
  // Lower loss is drawn higher up: y grows downwards.
  const ys = Array.from(svg.querySelectorAll('[data-testid="run-loss-point"]')).map((e) => Number(e.getAttribute('cy')));
  for (let i = 1; i < ys.length; i++) assert.ok(ys[i] > ys[i - 1], 'the loss falls at every step of this run');
});

test('norm heatmap: cells hold the manifest’s norms, colour is viridis of log ‖∂L/∂W‖, legend says log', () => {
  const { document } = dom();
  const s = state(points);
  const el = normHeatmap(document, s, { width: 600, selected: 0, pick: () => {} });
  const cells = Array.from(el.querySelectorAll('[data-testid="run-norm-cell"]'));
  assert.equal(cells.length, 4 * 5);
  const [lo, hi] = s.normRange()!;
  for (const c of cells) {
    const step = Number(c.getAttribute('data-step'));
    const p = run.steps[step].params.find((q) => q.name === c.getAttribute('data-param'))!;
    assert.equal(Number(c.getAttribute('data-value')), p.gradNorm);
    assert.equal(c.getAttribute('data-health'), 'ok');
    const t = Math.log(p.gradNorm! / lo) / Math.log(hi / lo);
    assert.equal(hex(c.getAttribute('fill')!), hex(interpolateViridis(t)), `${p.name} step ${step}`);
  }
  const legend = el.querySelector('[data-testid="run-norm-legend"]')!;
  assert.equal(legend.getAttribute('data-scale'), 'log');
  assert.deepEqual([Number(legend.getAttribute('data-min')), Number(legend.getAttribute('data-max'))], [lo, hi]);
  assert.match(legend.textContent!, /log colour scale/);
  // Equal ratios, equal steps along the ramp: 30% of the way in log is viridis(0.3).
  assert.equal(hex(normColorScale(s)(lo * Math.pow(hi / lo, 0.3))), hex(interpolateViridis(0.3)));
});

test('flags follow the thresholds: outlined cells, counts beside the parameter names', () => {
  const { document } = dom();
  // ‖∂L/∂W‖/‖W‖ is 0.08–0.4 in this run; vanishing below 0.1, exploding above 0.3.
  const s = state(points, { vanishing: 0.1, exploding: 0.3 });
  const el = normHeatmap(document, s, { width: 600, selected: 0, pick: () => {} });
  let vanishing = 0;
  let exploding = 0;
  for (const st of run.steps) {
    for (const p of st.params) {
      if (p.gradNorm! > 0.3) exploding++;
      else if (p.gradNorm! / p.weightNorm < 0.1) vanishing++;
    }
  }
  assert.ok(vanishing > 0 && exploding > 0);
  assert.equal(el.querySelectorAll('.gl-flag-vanishing[data-testid="run-norm-cell"]').length, vanishing);
  assert.equal(el.querySelectorAll('.gl-flag-exploding[data-testid="run-norm-cell"]').length, exploding);
  const labels = Array.from(el.querySelectorAll('[data-testid="run-param-label"]')).map((l) => l.textContent!.replace(/\s+$/, ''));
  assert.equal(labels.length, 4);
  assert.ok(labels.some((l) => /↑\d/.test(l)) && labels.some((l) => /↓\d/.test(l)), labels.join(' | '));
});

test('a long run: a canvas heatmap and the loss line without a circle per step', () => {
  const { document } = dom();
  const many: RunPoint[] = Array.from({ length: Math.max(MAX_POINTS, SVG_MAX_CELLS / 4) + 1 }, (_, i) => ({ ...points[i % 5], step: i }));
  const s = state(many);
  const svg = runLossChart(document, s, { width: 600, selected: 0, pick: () => {} });
  assert.equal(svg.querySelectorAll('[data-testid="run-loss-point"]').length, 0);
  assert.equal(svg.getAttribute('data-points'), String(many.length));
  const el = normHeatmap(document, s, { width: 600, selected: 0, pick: () => {} });
  assert.equal(el.querySelectorAll('[data-testid="run-norm-cell"]').length, 0);
  assert.ok(el.querySelector('[data-testid="run-norm-canvas"]'));
});
