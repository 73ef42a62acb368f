// The "Yours vs exact" view (issue 18) rendered into a Node DOM from the core's check of files
// written by test/fixtures/own-gradients/make_mistakes.py: its cells are the core's numbers.
import { fixtureData } from '../../webview-page/fixtureData';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runPipeline } from '../../../src/core/pipeline';
import { ownPayloadOf } from '../../../src/extension/ownPayload';
import { parseWebviewMessage, type Payload } from '../../../src/shared/protocol';
import { viewsFor } from '../../../src/webview/state';
import type { ViewContext } from '../../../src/webview/views/common';
import { rendererFor } from '../../../src/webview/views/index';
import { regressionPayload } from '../../webview-page/payloads';
import { cells, DARK, dom } from './helpers';

const root = join(__dirname, '..', '..', '..');

function ownOf(file: string) {
  const bytes = new Uint8Array(readFileSync(join(root, file)));
  const result = runPipeline(bytes, file.split('/').pop()!);
  assert.ok(result.userCheck);
  return { report: result.userCheck, own: ownPayloadOf(result.userCheck)!, text: new TextDecoder().decode(bytes) };
}

function render(payload: Payload) {
  const { document, ui } = dom();
  const host = document.createElement('div');
  document.body.appendChild(host);
  const revealed: [number, number][] = [];
  const ctx: ViewContext = {
    doc: document,
    payload,
    ...fixtureData(payload, 0),
    selected: 0,
    layer: 0,
    theme: DARK,
    width: 1000,
    ui,
    select: () => {},
    selectLayer: () => {},
    revealEntry: (t, i) => revealed.push([t, i]),
  };
  const handle = rendererFor('own', payload)(host, ctx);
  return { host, handle, revealed, document };
}

test("yours vs exact: the three heatmaps hold the file's numbers, the core's exact ones and their difference", () => {
  const { report, own, text } = ownOf('examples/nnfs-wrong.json');
  const payload: Payload = { ...regressionPayload(4, 1), own };
  assert.ok(viewsFor(payload).includes('own'));
  assert.ok(!viewsFor(regressionPayload(4, 1)).includes('own'));
  const { host } = render(payload);
  const sections = Array.from(host.querySelectorAll('[data-testid="own-tensor"]'));
  assert.deepEqual(
    sections.map((s) => s.getAttribute('data-name')),
    report.tensors.map((t) => t.name),
  );
  const file = JSON.parse(text);
  const w2 = file.network.layers[1].dweights as number[][];
  const ti = report.tensors.findIndex((t) => t.name === 'layer 2 dweights');
  const section = sections[ti];
  const given = cells(section.querySelector('[data-testid="own-given-heatmap"]')!, '[data-testid="heatmap-cell"]');
  const exactCells = cells(section.querySelector('[data-testid="own-expected-heatmap"]')!, '[data-testid="heatmap-cell"]');
  const diff = cells(section.querySelector('[data-testid="own-difference-heatmap"]')!, '[data-testid="heatmap-cell"]');
  assert.equal(given.length, 9);
  for (const c of given) assert.equal(c.value, w2[c.row][c.col]);
  for (const c of exactCells) assert.equal(c.value, report.tensors[ti].expected![c.row * 3 + c.col]);
  for (const c of diff) assert.equal(c.value, w2[c.row][c.col] - report.tensors[ti].expected![c.row * 3 + c.col]);
  // The diagonal of a transposed square matrix is right: no difference there beyond the file's 12 digits.
  for (const c of diff) if (c.row === c.col) assert.ok(Math.abs(c.value) < 1e-12, String(c.value));
  assert.ok(diff.some((c) => c.row !== c.col && Math.abs(c.value) > 1e-3));
  const rel = cells(section.querySelector('[data-testid="own-relative-heatmap"]')!, '[data-testid="heatmap-cell"]');
  for (const c of rel) {
    const e = report.tensors[ti].expected![c.row * 3 + c.col];
    assert.ok(Math.abs(c.value - Math.abs(w2[c.row][c.col] - e) / Math.abs(e)) <= 1e-12 * c.value + 1e-15);
  }
  assert.match(section.querySelector('[data-testid="own-diagnosis"]')!.textContent!, /^transposed/);
});

test('yours vs exact: the worst entries are the wrong ones, and clicking one asks to reveal it', () => {
  const { report, own } = ownOf('test/fixtures/own-gradients/partial.json');
  const { host, revealed, document, handle } = render({ ...regressionPayload(4, 1), own });
  const entries = Array.from(host.querySelectorAll('[data-testid="own-worst-entry"]'));
  const wrong = entries.filter((e) => e.getAttribute('data-wrong') === 'true').map((e) => Number(e.getAttribute('data-index')));
  assert.deepEqual(
    wrong.sort((a, b) => a - b),
    report.wrong.map((w) => w.index),
  );
  entries[0].dispatchEvent(new document.defaultView!.Event('click', { bubbles: true }));
  assert.deepEqual(revealed, [[0, Number(entries[0].getAttribute('data-index'))]]);
  assert.equal(handle.table().rows.length, 24);
});

test('revealEntry is a valid webview message only with whole indices', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'revealEntry', tensor: 1, index: 5 }), { type: 'revealEntry', tensor: 1, index: 5 });
  assert.equal(parseWebviewMessage({ type: 'revealEntry', tensor: -1, index: 5 }), null);
  assert.equal(parseWebviewMessage({ type: 'revealEntry', tensor: 0, index: 1.5 }), null);
});
