// Check your own gradients in a real VS Code (issue 18): the status bar item, and the panel's
// "Yours vs exact" view on examples/nnfs-wrong.json with its cells read back from the webview and
// compared with the core; clicking a worst entry moves the editor's cursor to that number.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFrame } from '../../scripts/vscode/harness.mjs';
import { examplesWorkbench, openFile, runCommand, step } from './e2e-helpers.mjs';
import { runPipeline } from '../../src/core/pipeline.ts';
import { LineIndex } from '../../src/core/lineIndex.ts';

const FILE = 'nnfs-wrong.json';
let wb;

describe('own gradients in a real VS Code', () => {
  before(async () => {
    wb = await examplesWorkbench();
  });
  after(async () => wb && (await wb.stop()));

  it('status bar, Yours vs exact cells equal to the core, click reveals the entry', { timeout: 180_000 }, async () => {
    await step(wb, 'own-gradients', async () => {
      const bytes = new Uint8Array(fs.readFileSync(path.join(wb.folder, FILE)));
      const report = runPipeline(bytes, FILE).userCheck;
      await openFile(wb.page, FILE);
      await wb.page
        .locator('.statusbar-item', { hasText: `gradient check: ${report.wrongEntries} of ${report.entries} entries differ` })
        .first()
        .waitFor({ timeout: 30_000 });

      await runCommand(wb.page, 'Gradient Lens: Analyze File');
      const frame = await findFrame(wb.page, '[data-testid="tab-own"]', 30_000);
      await frame.click('[data-testid="tab-own"]');
      const ti = report.tensors.findIndex((t) => t.name === 'layer 2 dweights');
      const t = report.tensors[ti];
      const section = `[data-testid="own-tensor"][data-name="layer 2 dweights"]`;
      await frame.waitForSelector(`${section} [data-testid="own-difference-heatmap"] [data-testid="heatmap-cell"]`, { timeout: 15_000 });
      const read = (part) =>
        frame.$$eval(`${section} [data-testid="own-${part}-heatmap"] [data-testid="heatmap-cell"]`, (els) =>
          els.map((e) => ({
            row: Number(e.getAttribute('data-row')),
            col: Number(e.getAttribute('data-col')),
            value: Number(e.getAttribute('data-value')),
          })),
        );
      const cols = t.shape[1];
      for (const [part, want] of [
        ['given', (i) => t.given[i]],
        ['expected', (i) => t.expected[i]],
        ['difference', (i) => t.given[i] - t.expected[i]],
      ]) {
        const found = await read(part);
        assert.equal(found.length, t.given.length, part);
        for (const c of found) assert.equal(c.value, want(c.row * cols + c.col), `${part}[${c.row}][${c.col}]`);
      }

      // The first worst entry of the tensor: clicking it puts the editor's cursor on its line.
      const index = Number(await frame.getAttribute(`${section} [data-testid="own-worst-entry"]`, 'data-index'));
      await frame.click(`${section} [data-testid="own-worst-entry"]`);
      const line = new LineIndex(bytes).position(t.spans[2 * index]).line + 1;
      await wb.page.waitForFunction(
        (l) => document.querySelector('.monaco-editor .line-numbers.active-line-number')?.textContent.trim() === String(l),
        line,
        { timeout: 15_000 },
      );
    });
  });
});
