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
  assert.equal(swatches[0].getAttribute('fill'), scale.color(-0.25 + 0.25 / 48));
  assert.equal(swatches[47].getAttribute('fill'), scale.color(0.25 - 0.25 / 48));
  const ticks = Array.from(svg.querySelectorAll('.tick text')).map((t) => t.textContent);
  assert.deepEqual(ticks, ['−0.25', '0', '0.25']);
  const text = svg.textContent!;
  assert.ok(text.includes('− zₖ lowers pⱼ') && text.includes('zₖ raises pⱼ +'));
  assert.ok(text.includes('√|value|'), 'the legend says colour follows √|value|');
  matchSnapshot('legend-dark', svg.outerHTML);
});
