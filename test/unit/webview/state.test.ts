import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chooseView, clampIndex, restoreState, viewsFor } from '../../../src/webview/state';
import { classificationPayload, regressionPayload, seededNetwork } from '../../webview-page/payloads';

test('restoreState keeps valid fields and drops the rest', () => {
  assert.deepEqual(restoreState(undefined), { view: null, selected: 0, layer: 0, fileName: null });
  assert.deepEqual(restoreState({ view: 'chain', selected: 4, layer: 2, fileName: 'a.json' }), {
    view: 'chain',
    selected: 4,
    layer: 2,
    fileName: 'a.json',
  });
  assert.deepEqual(restoreState({ view: 'nope', selected: -1, layer: 1.5, fileName: 3 }), {
    view: null,
    selected: 0,
    layer: 0,
    fileName: null,
  });
});

test('each kind of file has its views, in tab order', () => {
  assert.deepEqual(viewsFor(classificationPayload({ n: 2, k: 3 })), ['jacobian', 'gradient', 'matrix', 'losses', 'chain']);
  assert.deepEqual(viewsFor(regressionPayload(2, 2)), ['losses', 'gradient']);
  assert.deepEqual(viewsFor(seededNetwork([2, 3, 2], ['relu', 'softmax'], 2)), ['network', 'chain', 'losses']);
});

test('the view shown: asked for, else remembered, else the first, and only if the file has it', () => {
  const reg = regressionPayload(2, 2);
  assert.equal(chooseView(reg, 'gradient', 'losses'), 'gradient');
  assert.equal(chooseView(reg, undefined, 'gradient'), 'gradient');
  assert.equal(chooseView(reg, 'jacobian', null), 'losses', 'a regression file has no Jacobian');
  assert.equal(chooseView(reg, undefined, 'matrix'), 'losses');
});

test('clampIndex keeps a sample index inside the file', () => {
  assert.equal(clampIndex(-3, 10), 0);
  assert.equal(clampIndex(12, 10), 9);
  assert.equal(clampIndex(4.7, 10), 4);
  assert.equal(clampIndex(Number.NaN, 10), 0);
  assert.equal(clampIndex(3, 0), 0);
});

test('show-all and pinned classes survive a reload of the same file; bad values are dropped', () => {
  const kept = restoreState({ view: 'matrix', selected: 3, layer: 0, fileName: 'a.json', focus: { showAll: true, pinned: [2, 7] } });
  assert.deepEqual(kept.focus, { showAll: true, pinned: [2, 7] });
  assert.equal(restoreState({ fileName: 'a.json', focus: { showAll: 'yes', pinned: [] } }).focus, undefined);
  assert.equal(restoreState({ fileName: 'a.json', focus: { showAll: false, pinned: [-1] } }).focus, undefined);
});
