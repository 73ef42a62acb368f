import assert from 'node:assert/strict';
import { test } from 'node:test';
import { legend } from '../../../src/webview/charts/legend';
import { divergingScale } from '../../../src/webview/colors';
import { DARK, dom, matchSnapshot } from './helpers';

test('legend: swatches from −max to +max, ticks at the ends and 0, the sign in words (snapshot)', () => {
  const { document } = dom();
  const scale = divergingScale(DARK, 0.25);
  const svg = legend(document, { scale, title: '∂pⱼ/∂zₖ', ends: ['zₖ lowers pⱼ', 'zₖ raises pⱼ'] });
  assert.equal(Number(svg.getAttribute('data-min')), -0.25);
  assert.equal(Number(svg.getAttribute('data-max')), 0.25);
  const swatches = Array.from(svg.querySelectorAll('.gl-legend-bar rect[fill^="#"]'));
  assert.equal(swatches.length, 48);
  // Swatches are even steps of colour position: the first is at −1 + 1/48 of the √ scale.
  assert.equal(swatches[0].getAttribute('fill'), scale.color(-0.25 * (1 - 1 / 48) ** 2));
  assert.equal(swatches[47].getAttribute('fill'), scale.color(0.25 * (1 - 1 / 48) ** 2));
  const ticks = Array.from(svg.querySelectorAll('.gl-legend-ticks text')).map((t) => t.textContent);
  assert.deepEqual(ticks, ['−0.25', '0', '0.25']);
  const text = svg.textContent!;
  assert.ok(text.includes('− zₖ lowers pⱼ') && text.includes('zₖ raises pⱼ +'));
  assert.ok(text.includes('√|value|'), 'the legend says colour follows √|value|');
  matchSnapshot('legend-dark', svg.outerHTML);
});

test('symmetric-log legend: says so, ticks at ±max/1000 where their shade is, swatches span the decades (snapshot)', () => {
  const { document } = dom();
  const scale = divergingScale(DARK, 0.25, 'symlog');
  const svg = legend(document, { scale, title: '∂pⱼ/∂zₖ' });
  const ticks = Array.from(svg.querySelectorAll('.gl-legend-ticks text')).map((t) => t.textContent);
  assert.deepEqual(ticks, ['−0.25', '−2.5e−4', '0', '2.5e−4', '0.25']);
  // log(1 + 100)/log(1 + 10⁵) of the half bar from the centre: x = 12 + 148 · (1 + 0.4009).
  const x = Number(svg.querySelectorAll('.gl-legend-ticks line')[3].getAttribute('x1'));
  assert.ok(Math.abs(x - (12 + 148 * (1 + Math.log1p(100) / Math.log1p(1e5)))) < 0.01, String(x));
  assert.ok(svg.textContent!.includes('symmetric log, 5 decades below max'));
  assert.match(svg.getAttribute('aria-label')!, /symmetric log scale/);
  const fills = Array.from(svg.querySelectorAll('.gl-legend-bar rect[fill^="#"]')).map((r) => r.getAttribute('fill'));
  assert.ok(new Set(fills).size >= 40, 'nearly every swatch is its own shade');
  matchSnapshot('legend-symlog-dark', svg.outerHTML);
});
