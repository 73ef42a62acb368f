// The read-only viewer in a real VS Code (issue 20): a rank-4 .npy drawn as a heatmap of a chosen
// 2-D slice, its values read back from the canvas's tooltip and compared with the array; a
// .safetensors opens in the same viewer with its metadata and the loss the core computes; a
// 10,000 × 10 .npy with its labels and class names beside it scrolls with only a screenful of rows
// in the page, each value equal to the array's, under class-name headers with the true and
// predicted class per row and the role of each file named (issues 14 and 16).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFrame } from '../../scripts/vscode/harness.mjs';
import { examplesWorkbench, repoRoot, step } from './e2e-helpers.mjs';
import { readNpy, writeNpy } from '../../src/core/npy.ts';
import { runPipeline } from '../../src/core/pipeline.ts';
import { formatNumber } from '../../src/shared/numberFormat.ts';
import { seededUniform } from '../helpers/seeded.ts';

let wb;
// a[i, j, k, l] = 60i + 20j + 5k + l − 60: negative and positive values, so a diverging scale.
const at = (i, j, k, l) => 60 * i + 20 * j + 5 * k + l - 60;
const minus = (v) => String(v).replace('-', '\u2212');

// The large array: 10,000 samples × 10 classes of seeded logits (an LCG), labels and class names beside it.
const N = 10_000;
const K = 10;
const CLASSES = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const next = seededUniform(2026);
const bigBytes = writeNpy(
  Float64Array.from({ length: N * K }, () => next() * 10 - 5),
  [N, K],
);
const bigLabels = Int32Array.from({ length: N }, () => Math.floor(next() * K));
const labelBytes = writeNpy(bigLabels, [N]);
const big = readNpy(bigBytes, 'big.npy');

async function quickOpen(name) {
  await wb.page.keyboard.press('Control+P');
  await wb.page.locator('.quick-input-widget input.input').fill(name);
  // Click the row of this very file: Enter would take the first match (big_labels.npy for big.npy).
  const row = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
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
    const viewer = path.join(wb.folder, 'viewer');
    fs.mkdirSync(viewer);
    fs.writeFileSync(path.join(viewer, 'big.npy'), bigBytes);
    fs.writeFileSync(path.join(viewer, 'big_labels.npy'), labelBytes);
    fs.writeFileSync(path.join(viewer, 'classes.txt'), CLASSES.join('\n') + '\n');
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
      assert.match(await caption(), /diverging scale centred on 0, min \u221260, max \u221241/);
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
        assert.equal(title, `[${i}, 0, 3, ${l}] = ${minus(at(i, 0, 3, l))}`);
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
      assert.ok(text.includes(formatNumber(analysis.loss, 6)), `loss ${analysis.loss} in ${text}`);
    });
  });

  it('a 10,000 × 10 array scrolls, showing the array’s values, class names, labels and roles', { timeout: 180_000 }, async () => {
    await step(wb, 'big-npy-viewer', async () => {
      const { analysis } = runPipeline(bigBytes, 'big.npy', {
        siblings: { 'big_labels.npy': labelBytes, 'classes.txt': new TextEncoder().encode(CLASSES.join('\n') + '\n') },
      });
      assert.equal(analysis.task, 'classification');
      await quickOpen('big.npy');
      const table = '[data-testid="npy-array"][data-name="big.npy"] [data-testid="npy-table"]';
      const frame = await findFrame(wb.page, table, 30_000);
      // The analysis names the roles; the table then gets its class-name headers and label columns.
      await frame.waitForSelector('[data-testid="npy-roles"]', { timeout: 60_000 });
      const roles = await frame.innerText('[data-testid="npy-roles"]');
      assert.match(roles, /logits ← big\.npy/);
      assert.match(roles, /labels ← big_labels\.npy/);
      assert.match(roles, /class names ← classes\.txt/);
      const loss = await frame.innerText('[data-testid="npy-analysis"] strong');
      assert.equal(loss, formatNumber(analysis.loss, 6));

      const rowShown = (i) =>
        frame
          .waitForSelector(`${table} tr[data-row="${i}"] td[data-value]`, { timeout: 30_000 })
          .then(() =>
            frame.waitForFunction(
              ([sel, i]) => document.querySelector(`${sel} tr[data-row="${i}"] [data-testid="npy-label"]`)?.textContent !== '…',
              [table, i],
              { timeout: 30_000 },
            ),
          );
      const row = (i) =>
        frame.$eval(`${table} tr[data-row="${i}"]`, (tr) => ({
          cols: [...tr.querySelectorAll('td[data-value]')].map((td) => Number(td.dataset.col)),
          values: [...tr.querySelectorAll('td[data-value]')].map((td) => Number(td.dataset.value)),
          label: tr.querySelector('[data-testid="npy-label"]')?.textContent,
          predicted: tr.querySelector('[data-testid="npy-predicted"]')?.textContent,
        }));
      const check = async (i) => {
        const r = await row(i);
        assert.ok(r.cols.length > 0, `row ${i} shows values`);
        r.cols.forEach((c, n) => assert.equal(r.values[n], big.data[i * K + c], `big[${i}, ${c}]`));
        assert.equal(r.label, CLASSES[analysis.actual[i]]);
        assert.equal(r.label, CLASSES[bigLabels[i]]);
        assert.equal(r.predicted, CLASSES[analysis.predicted[i]]);
      };
      const rowsInPage = () => frame.$$eval(`${table} tr[data-row]`, (trs) => trs.length);

      await rowShown(0);
      assert.deepEqual(
        await frame.$$eval(`${table} [data-testid="npy-colhead"]`, (ths) => ths.map((th) => th.textContent)),
        CLASSES.slice(0, (await row(0)).cols.length),
      );
      for (const i of [0, 1, 9]) await check(i);
      assert.ok((await rowsInPage()) < 80, `rows in the page: ${await rowsInPage()}`);

      // Scroll to row 7,000 (the mouse wheel over the table, then the scrollbar's jump).
      await frame.hover(table);
      await wb.page.mouse.wheel(0, 600);
      // The wheel scrolls smoothly: let it end, or it lands after the jump and moves past row 7,000.
      await frame.waitForFunction(
        (sel) =>
          new Promise((done) => {
            const box = document.querySelector(sel);
            let last = box.scrollTop;
            const tick = () => (box.scrollTop === last ? done(true) : ((last = box.scrollTop), setTimeout(tick, 150)));
            setTimeout(tick, 150);
          }),
        table,
        { timeout: 10_000 },
      );
      await frame.$eval(table, (box) => (box.scrollTop = 7000 * 22));
      await rowShown(7005);
      for (const i of [7002, 7005, 7010]) await check(i);
      assert.ok((await rowsInPage()) < 80, `rows in the page after scrolling: ${await rowsInPage()}`);

      // Analyze on a binary file says nothing about files too large to open (a 768-byte .npy did).
      await frame.click('button[data-command="gradientLens.analyzeFile"]');
      const toast = wb.page.locator('.notification-toast', { hasText: 'big.npy' }).first();
      await toast.waitFor({ timeout: 30_000 });
      assert.doesNotMatch(await toast.innerText(), /files this large/);
    });
  });
});
