// A person's first minutes with Gradient Lens, in code-server driven by Chromium: open an example,
// read the status bar, hover a sample, open the broken file and read the Problems panel. Values are
// compared with the core's analysis of the same file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { examplesWorkbench, hoverOn, openFile, problemsListing, step, runCommand } from './e2e-helpers.mjs';
import { runPipeline } from '../../src/core/pipeline.ts';
import { num } from '../../src/extension/format.ts';

let wb;
const core = (name) => runPipeline(new Uint8Array(fs.readFileSync(path.join(wb.folder, name))), name);

describe('editor, as a user sees it', () => {
  before(async () => {
    wb = await examplesWorkbench();
  });
  after(async () => wb && (await wb.stop()));

  it('the status bar shows the batch mean loss of the active file', { timeout: 90_000 }, async () => {
    await step(wb, 'status-bar', async () => {
      await openFile(wb.page, 'cifar10-logits.json');
      const expected = `loss ${num(core('cifar10-logits.json').analysis.loss)}`;
      await wb.page.locator('.statusbar-item', { hasText: expected }).first().waitFor({ timeout: 30_000 });
    });
  });

  it('one edited logit reaches the status bar and CodeLens with the core’s new numbers (times logged)', { timeout: 90_000 }, async () => {
    await step(wb, 'live-update', async () => {
      // Right after the status-bar test: cifar10-logits.json is still the active editor.
      await wb.page.locator('.tab.active[aria-label*="cifar10-logits.json"]').first().waitFor({ timeout: 15_000 });
      await wb.page.locator('.monaco-editor .view-lines').first().click();
      const before = core('cifar10-logits.json');
      await wb.page
        .locator('.statusbar-item', { hasText: `loss ${num(before.analysis.loss)}` })
        .first()
        .waitFor({ timeout: 30_000 });
      // Line 4 is the first row, "    [-0.0962, …": a "1" after its minus makes the first logit −10.0962.
      const text = fs.readFileSync(path.join(wb.folder, 'cifar10-logits.json'), 'utf8');
      assert.ok(text.split('\n')[3].startsWith('    [-0.0962,'));
      const edited = text.replace('[-0.0962,', '[-10.0962,');
      const after = runPipeline(new TextEncoder().encode(edited), 'cifar10-logits.json');
      await wb.page.keyboard.press('Control+G');
      await wb.page.keyboard.type('4:7');
      await wb.page.keyboard.press('Enter');
      await wb.page.waitForTimeout(300);
      const started = Date.now();
      await wb.page.keyboard.type('1');
      await wb.page
        .locator('.statusbar-item', { hasText: `loss ${num(after.analysis.loss)}` })
        .first()
        .waitFor({ timeout: 30_000 });
      const statusMs = Date.now() - started;
      await wb.page
        .locator('.codelens-decoration', { hasText: `loss ${num(after.analysis.losses[0], 3)}` })
        .first()
        .waitFor({ timeout: 30_000 });
      const lensMs = Date.now() - started;
      console.log(`live update in code-server: keystroke → status bar ${statusMs} ms, → CodeLens ${lensMs} ms (debounce 300 ms)`);
      await wb.page.keyboard.press('Control+Z');
      await wb.page
        .locator('.statusbar-item', { hasText: `loss ${num(before.analysis.loss)}` })
        .first()
        .waitFor({ timeout: 30_000 });
      // code-server saves after a delay by default (files.autoSave is afterDelay on the web): the edit
      // may be on disk. Save the undone text and wait for it there, or a later test that reads the
      // file to compute its expected values would expect the edited numbers (sample 0's lens "loss
      // 0.651" instead of 0.698: the CodeLens test failed so in 3 of 5 runs, showing the right lens).
      await wb.page.keyboard.press('Control+S');
      const deadline = Date.now() + 15_000;
      // Three reads in a row, 250 ms apart: the autosave and Ctrl+S may both write, and the next test
      // once read the file half-written by the second (CI, 2026-12-06: row 8 missing in the hover test).
      for (let same = 0; same < 3;) {
        same = fs.readFileSync(path.join(wb.folder, 'cifar10-logits.json'), 'utf8') === text ? same + 1 : 0;
        assert.ok(Date.now() < deadline, 'the undone edit was not saved back to disk');
        await wb.page.waitForTimeout(250);
      }
    });
  });

  it('hovering a sample shows its loss and classes', { timeout: 90_000 }, async () => {
    await step(wb, 'hover', async () => {
      const { dataset, analysis } = core('cifar10-logits.json');
      const row5 = fs.readFileSync(path.join(wb.folder, 'cifar10-logits.json'), 'utf8').split('\n')[3 + 5].trim().slice(0, 20);
      // The provider's part of the hover, not only the diagnostic's (which also names Gradient Lens).
      const text = await hoverOn(wb.page, row5, { expect: 'sample 5 — loss' });
      assert.match(text, new RegExp(`sample 5 — loss ${num(analysis.losses[5]).replace('.', '\\.')}`));
      assert.ok(text.includes(`true class ${dataset.classes[analysis.actual[5]]}`), text);
      assert.ok(text.includes(`predicted ${dataset.classes[analysis.predicted[5]]}`), text);
      assert.ok(text.includes(`p_true = ${num(analysis.pTrue[5])}`), text);
    });
  });

  it('CodeLens shows each sample’s loss above its row', { timeout: 60_000 }, async () => {
    await step(wb, 'codelens', async () => {
      const { analysis } = core('cifar10-logits.json');
      await wb.page
        .locator('.contentWidgets .codelens-decoration, .codelens-decoration', { hasText: `loss ${num(analysis.losses[0], 3)}` })
        .first()
        .waitFor({ timeout: 30_000 })
        .catch(async (error) => {
          // What the editor shows instead, top to bottom (a stale lens, or none), for the failure report.
          const shown = await wb.page.$$eval('.codelens-decoration', (els) =>
            els
              .map((e) => ({ top: Math.round(e.getBoundingClientRect().top), text: e.textContent }))
              .sort((a, b) => a.top - b.top)
              .slice(0, 4),
          );
          throw new Error(
            `${error.message}\nlenses shown (top, text): ${JSON.stringify(shown)}; expected sample 0: loss ${num(analysis.losses[0], 3)}`,
          );
        });
    });
  });

  it('the broken file’s problems are listed in the Problems panel', { timeout: 90_000 }, async () => {
    await step(wb, 'problems', async () => {
      // Closing the other files clears their diagnostics, as it does for a user.
      await runCommand(wb.page, 'View: Close All Editors');
      await openFile(wb.page, 'broken.json');
      const expected = core('broken.json').problems;
      assert.ok(expected.length >= 4);
      const text = await problemsListing(
        wb.page,
        expected.map((p) => p.message),
      );
      for (const p of expected) assert.ok(text.includes(p.message), `missing "${p.message}" in:\n${text}`);
      assert.ok(!text.includes('cifar10-logits.json'), 'closed files keep no diagnostics');
    });
  });

  it('Analyze File from the palette reports the loss in the status bar, without a toast', { timeout: 90_000 }, async () => {
    await step(wb, 'analyze-file', async () => {
      await openFile(wb.page, 'regression.json');
      await runCommand(wb.page, 'Gradient Lens: Analyze File');
      const loss = num(core('regression.json').analysis.loss);
      await wb.page
        .locator('.statusbar-item', { hasText: `regression.json: 12 samples, mean squared error ${loss}` })
        .first()
        .waitFor({ timeout: 30_000 });
      // Issue 16: the panel shows the result, so no notification pops for a command that succeeded.
      assert.equal(await wb.page.locator('.notification-toast', { hasText: 'mean squared error' }).count(), 0);
    });
  });
});
