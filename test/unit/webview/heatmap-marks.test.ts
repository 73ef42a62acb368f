// The overlay marks both heatmaps draw (src/webview/charts/heatmapMarks.ts): the same element for
// the SVG heatmap (inert marks) and the canvas overlay, placed where each caller says, hidden when
// there is nothing to mark.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { select } from 'd3-selection';
import {
  appendDiagonalCell,
  appendFocus,
  appendFrame,
  appendSelection,
  showFocus,
  showSelection,
} from '../../../src/webview/charts/heatmapMarks';
import { dom } from './helpers';

function svg() {
  const { document } = dom();
  const el = document.createElementNS('http://www.w3.org/2000/svg', 'svg') as SVGSVGElement;
  document.body.append(el);
  return select(el);
}

test('the SVG heatmap’s marks take no pointer events; the canvas overlay’s are otherwise the same', () => {
  for (const inert of [true, false]) {
    const root = svg();
    const frame = appendFrame(root, { x: 40, y: 20, width: 100.004, height: 50 }, inert);
    assert.equal(frame.attr('width'), '100');
    assert.equal(frame.attr('stroke-opacity'), '0.35');
    const sel = appendSelection(root, inert);
    const focus = appendFocus(root, inert);
    for (const mark of [frame, sel, focus]) assert.equal(mark.attr('pointer-events'), inert ? 'none' : null);
    assert.equal(sel.attr('display'), 'none');
    assert.equal(focus.attr('display'), 'none');
    assert.equal(focus.attr('data-testid'), 'heatmap-focus');
  }
});

test('selection and focus go where the caller places the block or cell, and hide again', () => {
  const root = svg();
  const sel = appendSelection(root, true);
  const focus = appendFocus(root, true);
  showSelection(sel, { r0: 1, r1: 3, c0: 2, c1: 5 }, (b) => ({
    x: b.c0 * 10,
    y: b.r0 * 12,
    width: (b.c1 - b.c0) * 10,
    height: (b.r1 - b.r0) * 12,
  }));
  assert.deepEqual(
    ['display', 'data-row', 'data-col', 'data-row-end', 'data-col-end', 'x', 'y', 'width', 'height'].map((a) => sel.attr(a)),
    [null, '1', '2', '3', '5', '20', '12', '30', '24'],
  );
  showFocus(focus, { r: 4, c: 7 }, (c) => ({ x: c.c * 10 + 1 / 3, y: c.r * 12, width: 10, height: 12 }));
  assert.deepEqual(
    ['display', 'data-row', 'data-col', 'x', 'y'].map((a) => focus.attr(a)),
    [null, '4', '7', '70.33', '48'],
  );
  showSelection(sel, null, () => assert.fail('no box for no selection'));
  showFocus(focus, null, () => assert.fail('no box for no focus'));
  assert.equal(sel.attr('display'), 'none');
  assert.equal(focus.attr('display'), 'none');
});

test('a diagonal cell is outlined in ink, dashed only when asked', () => {
  const root = svg();
  appendDiagonalCell(root, { x: 1, y: 2, width: 8, height: 8 }, 1.25, true);
  appendDiagonalCell(root, { x: 11, y: 12, width: 8, height: 8 }, 0.75, false);
  const rects = root.selectAll('rect').nodes() as Element[];
  assert.deepEqual(
    rects.map((r) => [
      r.getAttribute('stroke'),
      r.getAttribute('stroke-width'),
      r.getAttribute('stroke-dasharray'),
      r.getAttribute('fill'),
    ]),
    [
      ['currentColor', '1.25', '3 2', 'none'],
      ['currentColor', '0.75', null, 'none'],
    ],
  );
});
