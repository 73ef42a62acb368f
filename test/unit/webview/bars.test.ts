import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bars } from '../../../src/webview/charts/bars';
import { divergingScale } from '../../../src/webview/colors';
import { cells, DARK, dom, matchSnapshot } from './helpers';

const p = Float64Array.from([0.7, 0.2, 0.1]);
const y = Float64Array.from([0, 1, 0]);
const g = p.map((v, j) => v - y[j]);

function chart() {
  const { document, ui } = dom();
  const scale = divergingScale(DARK, 1);
  const svg = bars(
    document,
    {
      rows: [0, 1, 2],
      rowLabel: (j) => ['cat', 'dog', 'bird'][j],
      tags: new Map([
        [0, 'pred'],
        [1, 'true'],
      ]),
      columns: [
        { key: 'p', title: 'p', values: p, kind: 'unit', max: 1, testId: 'prob-bar' },
        { key: 'y', title: 'y', values: y, kind: 'unit', max: 1, testId: 'target-bar' },
        { key: 'grad', title: '∂L/∂z = p − y', values: g, kind: 'signed', testId: 'gradient-bar' },
      ],
      scale,
      width: 520,
      label: 'Gradient',
      testId: 'gradient-bars',
      describe: (row, col) => ({ title: `${row} ${col.key}`, rows: [], value: col.values[row] }),
    },
    ui,
  );
  return { svg, scale };
}

test('gradient bars: p, y and p − y per class, signs readable without colour (snapshot)', () => {
  const { svg, scale } = chart();
  const grad = cells(svg, '[data-testid="gradient-bar"]');
  assert.deepEqual(
    grad.map((c) => c.value),
    Array.from(g),
  );
  assert.deepEqual(
    cells(svg, '[data-testid="prob-bar"]').map((c) => c.value),
    [0.7, 0.2, 0.1],
  );
  // Sign without colour: negative bars end left of the zero line, positive ones start on it, and
  // every value is printed with its sign.
  const zero = Number(svg.querySelector('.gl-bar-grad .gl-zero')!.getAttribute('x1'));
  const rects = Array.from(svg.querySelectorAll('[data-testid="gradient-bar"]'));
  const dog = rects[1];
  assert.ok(Number(dog.getAttribute('x')) + Number(dog.getAttribute('width')) <= zero + 0.01);
  assert.ok(Number(dog.getAttribute('x')) < zero);
  assert.equal(Number(rects[0].getAttribute('x')), Math.round(zero * 100) / 100);
  const labels = Array.from(svg.querySelectorAll('.gl-bar-grad text')).map((t) => t.textContent);
  assert.deepEqual(labels.slice(1), ['+0.7', '−0.8', '+0.1']);
  assert.equal(dog.getAttribute('fill'), scale.negative);
  assert.equal(rects[0].getAttribute('fill'), scale.positive);
  // Bar length ∝ |value|: 0.8 is 8 times 0.1.
  assert.ok(Math.abs(Number(dog.getAttribute('width')) / Number(rects[2].getAttribute('width')) - 8) < 0.01);
  matchSnapshot('bars-gradient-3', svg.outerHTML);
});

test('a row tagged true·pred (the true class, predicted) gets a label column wide enough for its class and tag', () => {
  const { document, ui } = dom();
  const svg = bars(
    document,
    {
      rows: [11, 42],
      rowLabel: (j) => String(j),
      tags: new Map([[11, 'true·pred']]),
      columns: [
        { key: 'p', title: 'p', values: Float64Array.from({ length: 43 }, (_, j) => j / 43), kind: 'unit', max: 1, testId: 'prob-bar' },
      ],
      scale: divergingScale(DARK, 1),
      width: 520,
      label: 'Gradient',
      testId: 'gradient-bars',
      describe: (row, col) => ({ title: `${row} ${col.key}`, rows: [], value: col.values[row] }),
    },
    ui,
  );
  // "11" at 11 px (6.2 px a character) and " true·pred" at 9 px (5.6): 12.4 + 56 px before the 10 px gap.
  const label = svg.querySelector('.gl-row-labels text')!;
  assert.ok(Number(label.getAttribute('x')) >= 12.4 + 56, `label ends at ${label.getAttribute('x')}`);
  assert.equal(label.textContent, '11 true·pred');
});
