// The read-only viewer in a real VS Code (issue 20): a rank-4 .npy drawn as a heatmap of a chosen
// 2-D slice, its values read back from the canvas's tooltip and compared with the array; a
// .safetensors opens in the same viewer with its metadata and the loss the core computes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFrame } from '../../scripts/vscode/harness.mjs';
import { examplesWorkbench, repoRoot, step } from './e2e-helpers.mjs';
import { writeNpy } from '../../src/core/npy.ts';
import { runPipeline } from '../../src/core/pipeline.ts';

let wb;
// a[i, j, k, l] = 60i + 20j + 5k + l − 60: negative and positive values, so a diverging scale.
const at = (i, j, k, l) => 60 * i + 20 * j + 5 * k + l - 60;

async function quickOpen(name) {
  await wb.page.keyboard.press('Control+P');
  await wb.page.locator('.quick-input-widget input.input').fill(name);
  await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 30_000 });
  await wb.page.keyboard.press('Enter');
}

describe('the array viewer, in a real VS Code', () => {
  before(async () => {
    wb = await examplesWorkbench();
    fs.writeFileSync(
      path.join(wb.folder, 'rank4.npy'),
      writeNpy(
        Float64Array.from({ length: 120 }, (_, i) => i - 60),
        [2, 3, 4, 5],
      ),
    );
    fs.copyFileSync(
      path.join(repoRoot, 'test', 'fixtures', 'formats', 'logits_labels.safetensors'),
      path.join(wb.folder, 'logits_labels.safetensors'),
    );
  });
  after(async () => wb && (await wb.stop()));

  it('a rank-4 array: pick the axes and an index, the heatmap shows that slice', { timeout: 120_000 }, async () => {
    await step(wb, 'rank4-viewer', async () => {
      await quickOpen('rank4.npy');
      const frame = await findFrame(wb.page, '[data-testid="heatmap"]', 30_000);
      const caption = () => frame.innerText('[data-testid="slice-caption"]');
      await frame.waitForFunction(
        () => /slice \[0, 0, :, :\]/.test(document.querySelector('[data-testid="slice-caption"]')?.textContent ?? ''),
        null,
        { timeout: 15_000 },
      );
      assert.match(await caption(), /diverging scale centred on 0, min -60, max -41/);
      // Rows = axis 0, columns = axis 3; axis 2 at index 3.
      await frame.selectOption('[data-testid="rowAxis"]', '0');
      await frame.fill('[data-testid="index-2"]', '3');
      await frame.dispatchEvent('[data-testid="index-2"]', 'change');
      await frame.waitForFunction(
        () => /slice \[:, 0, 3, :\]/.test(document.querySelector('[data-testid="slice-caption"]')?.textContent ?? ''),
        null,
        { timeout: 15_000 },
      );
      const [w, h] = await frame.$eval('[data-testid="heatmap"]', (c) => [c.width, c.height]);
      assert.deepEqual([w, h], [5 * 24, 2 * 24]);
      for (const [i, l] of [
        [0, 0],
        [1, 4],
        [1, 2],
      ]) {
        await frame.hover('[data-testid="heatmap"]', { position: { x: l * 24 + 6, y: i * 24 + 6 } });
        const title = await frame.$eval('[data-testid="heatmap"]', (c) => c.title);
        assert.equal(title, `[${i}, 0, 3, ${l}] = ${at(i, 0, 3, l)}`);
      }
      const text = await frame.innerText('body');
      assert.match(text, /shape \(2, 3, 4, 5\)/);
      assert.match(text, /std 34\.6/); // np.std(np.arange(120)) = 34.64…
    });
  });

  it('a .safetensors opens in the viewer with its metadata and loss', { timeout: 120_000 }, async () => {
    await step(wb, 'safetensors-viewer', async () => {
      await quickOpen('logits_labels.safetensors');
      const frame = await findFrame(wb.page, 'table.metadata', 30_000);
      await frame.waitForSelector('button[data-command]', { timeout: 30_000 });
      const text = await frame.innerText('body');
      assert.match(text, /source\s+make_formats\.py/);
      const { analysis } = runPipeline(
        new Uint8Array(fs.readFileSync(path.join(wb.folder, 'logits_labels.safetensors'))),
        'logits_labels.safetensors',
      );
      assert.ok(text.includes(String(Number(analysis.loss.toPrecision(6)))), `loss ${analysis.loss} in ${text}`);
    });
  });
});
