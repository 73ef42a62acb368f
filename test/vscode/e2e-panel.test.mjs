// The side panel in a real VS Code: each view opened from the palette on the bundled examples,
// its cells read back from the webview's DOM and compared with the core's numbers; selection
// shared between the panel and the editor.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFrame } from '../../scripts/vscode/harness.mjs';
import { examplesWorkbench, openFile, runCommand, step } from './e2e-helpers.mjs';
import { runPipeline } from '../../src/core/pipeline.ts';
import { softmaxJacobian } from '../../src/core/softmax.ts';
import { networkFiniteDifferences } from '../../src/core/networkFiniteDifferences.ts';
import { formatNumber } from '../../src/shared/numberFormat.ts';
import { seededUniform } from '../helpers/seeded.ts';
import { datasetFiniteDifferences } from '../../src/core/datasetFiniteDifferences.ts';

let wb;
const core = (name) => runPipeline(new Uint8Array(fs.readFileSync(path.join(wb.folder, name))), name);
const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-12 + 1e-12 * Math.abs(b), `${what}: ${a} ≠ ${b}`);

/** Every [data-testid=testId] element's data attributes, read inside the webview frame. */
const cells = (frame, testId) =>
  frame.$$eval(`[data-testid="${testId}"]`, (els) =>
    els.map((e) => ({
      row: Number(e.getAttribute('data-row')),
      col: e.getAttribute('data-col'),
      index: Number(e.getAttribute('data-index')),
      value: Number(e.getAttribute('data-value')),
      ok: e.getAttribute('data-ok'),
    })),
  );

async function panelFrame(selector) {
  return findFrame(wb.page, selector, 30_000);
}

async function showTab(frame, view) {
  await frame.click(`[data-testid="tab-${view}"]`);
  await frame.waitForSelector(`[data-testid="view-${view}"] svg, [data-testid="view-${view}"] canvas`, { timeout: 15_000 });
}

describe('the panel, in a real VS Code', () => {
  before(async () => {
    wb = await examplesWorkbench();
  });
  after(async () => wb && (await wb.stop()));

  it('Show Softmax Jacobian: every cell equals p_j(δ_jk − p_k) of the core', { timeout: 120_000 }, async () => {
    await step(wb, 'panel-jacobian', async () => {
      await openFile(wb.page, 'cifar10-logits.json');
      await runCommand(wb.page, 'Gradient Lens: Show Softmax Jacobian');
      // The quick pick offers each sample with its loss; accept the one under the cursor (sample 0).
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample 0' }).first().waitFor();
      await wb.page.keyboard.press('Enter');
      const frame = await panelFrame('[data-testid="jacobian-heatmap"] [data-testid="heatmap-cell"]');
      const { analysis } = core('cifar10-logits.json');
      const J = softmaxJacobian(analysis.probabilities.subarray(0, 10));
      const found = await cells(frame, 'jacobian-heatmap"] [data-testid="heatmap-cell');
      assert.equal(found.length, 100);
      for (const c of found) close(c.value, J[c.row * 10 + Number(c.col)], `J[${c.row}][${c.col}]`);
      for (let r = 0; r < 10; r++)
        assert.ok(Math.abs(found.filter((c) => c.row === r).reduce((s, c) => s + c.value, 0)) < 1e-15, 'rows sum to 0');
    });
  });

  it('the served panel HTML is locked down: CSP default-src none, nonce’d scripts, no remote content', { timeout: 30_000 }, async () => {
    const frame = await panelFrame('[data-testid="jacobian-heatmap"]');
    const csp = await frame.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content'));
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!.*vscode-cdn)/);
    // VS Code injects its own acquireVsCodeApi script (id _vscodeApiScript); every script of ours carries the nonce.
    const scripts = await frame.$$eval('script:not(#_vscodeApiScript)', (els) =>
      els.map((e) => ({ nonce: e.nonce || e.getAttribute('nonce'), src: e.getAttribute('src') })),
    );
    assert.ok(scripts.length > 0);
    for (const script of scripts) assert.ok(script.nonce, `script without nonce: ${script.src}`);
    const remote = await frame.$$eval('[src], [href]', (els) =>
      els
        .map((e) => e.getAttribute('src') ?? e.getAttribute('href'))
        .filter((u) => /^https?:/.test(u) && !/vscode-cdn|vscode-resource/.test(u)),
    );
    assert.deepEqual(remote, []);
  });

  it('Gradient, batch gradient, loss and chain-rule views hold the core’s numbers', { timeout: 120_000 }, async () => {
    await step(wb, 'panel-views', async () => {
      const frame = await panelFrame('[data-testid="tab-gradient"]');
      const { analysis } = core('cifar10-logits.json');
      const { n, k } = analysis;
      await showTab(frame, 'gradient');
      const bars = await cells(frame, 'view-gradient"] [data-testid="gradient-bar');
      assert.equal(bars.length, k);
      for (const b of bars) close(b.value, analysis.logitGradient[b.row] * n, `p − y for class ${b.row}`);

      await showTab(frame, 'matrix');
      const matrix = await cells(frame, 'view-matrix"] [data-testid="heatmap-cell');
      assert.equal(matrix.length, n * k);
      for (const c of matrix) close(c.value, analysis.logitGradient[c.row * k + Number(c.col)], `∂L/∂z[${c.row}][${c.col}]`);

      await showTab(frame, 'losses');
      const losses = await cells(frame, 'view-losses"] [data-testid="loss-bar');
      assert.equal(losses.length, n);
      for (const b of losses) close(b.value, analysis.losses[b.index], `loss ${b.index}`);

      await showTab(frame, 'chain');
      const check = await cells(frame, 'chain-product-check');
      assert.equal(check[0].ok, 'true', 'Jᵀ·∂L/∂p equals p − y');
    });
  });

  it('the palette commands open their views: Explain Chain Rule, Show Loss per Sample, Show Gradients', { timeout: 120_000 }, async () => {
    await step(wb, 'panel-commands', async () => {
      await openFile(wb.page, 'cifar10-logits.json');
      for (const [title, view] of [
        ['Gradient Lens: Explain Chain Rule for Sample', 'chain'],
        ['Gradient Lens: Show Loss per Sample', 'losses'],
        ['Gradient Lens: Show Gradients', 'gradient'],
      ]) {
        await runCommand(wb.page, title);
        const frame = await panelFrame(`[data-testid="tab-${view}"]`);
        await frame.waitForFunction(
          (v) => {
            const panel = document.querySelector(`[data-testid="view-${v}"]`);
            return panel && panel.checkVisibility() && panel.getBoundingClientRect().height > 0 && panel.querySelector('svg, canvas');
          },
          view,
          { timeout: 15_000 },
        );
        if (view === 'chain')
          assert.equal(await frame.getAttribute('[data-testid="view-chain"] [data-testid="chain-product-check"]', 'data-ok'), 'true');
      }
    });
  });

  it('clicking a sample in the panel moves the editor’s cursor to it; the cursor selects in the panel', { timeout: 90_000 }, async () => {
    await step(wb, 'panel-selection', async () => {
      const frame = await panelFrame('[data-testid="tab-losses"]');
      await showTab(frame, 'losses');
      await frame.click('[data-testid="loss-bar"][data-index="7"]');
      // Sample 7's row is line 11 of the file (3 header lines, 1-based lines): the editor's active line.
      await wb.page.waitForFunction(
        () => document.querySelector('.monaco-editor .line-numbers.active-line-number')?.textContent.trim() === '11',
        null,
        { timeout: 15_000 },
      );
      // Now move the cursor in the editor onto sample 12's row (line 16).
      await wb.page.locator('.monaco-editor .view-line').first().click();
      await wb.page.keyboard.press('Control+G');
      await wb.page.keyboard.type('16');
      await wb.page.keyboard.press('Enter');
      await frame.waitForFunction(() => document.querySelector('[data-testid="sample-input"]')?.value === '12', null, { timeout: 15_000 });
    });
  });

  it('a 1000-class Jacobian renders on canvas; its tooltip gives the core’s value', { timeout: 120_000 }, async () => {
    await step(wb, 'panel-1000', async () => {
      await openFile(wb.page, 'imagenet-1000-classes.json');
      await runCommand(wb.page, 'Gradient Lens: Show Softmax Jacobian');
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample 0' }).first().waitFor();
      await wb.page.keyboard.press('Enter');
      // The default view is the classes that matter; this test is about the full matrix.
      const focused = await panelFrame('[data-testid="jacobian-heatmap"]');
      await focused.waitForFunction(() => document.querySelector('[data-testid="sample-input"]')?.value === '0', null, { timeout: 15_000 });
      if ((await focused.getAttribute('[data-testid="jacobian-heatmap"]', 'data-view')) !== 'all')
        await focused.click('[data-testid="focus-toggle"]');
      const frame = await panelFrame('[data-testid="jacobian-heatmap"][data-rows="1000"]');
      const mode = await frame.getAttribute('[data-testid="jacobian-heatmap"]', 'data-mode');
      assert.ok(mode.startsWith('canvas'), mode);
      const canvas = await frame.$('[data-testid="jacobian-heatmap"] [data-testid="heatmap-canvas"]');
      const box = await canvas.boundingBox();
      await canvas.hover({ position: { x: box.width * 0.3, y: box.height * 0.6 } });
      const tip = await frame.waitForSelector('[data-testid="tooltip"][data-row]', { timeout: 10_000 });
      const attr = async (name) => Number(await tip.getAttribute(name));
      const p = core('imagenet-1000-classes.json').analysis.probabilities.subarray(0, 1000);
      const J = (r, c) => p[r] * ((r === c ? 1 : 0) - p[c]);
      const [r0, c0] = [await attr('data-row'), await attr('data-col')];
      const rowEnd = await tip.getAttribute('data-row-end');
      if (rowEnd === null) close(await attr('data-value'), J(r0, c0), `J[${r0}][${c0}]`);
      else {
        // A screen pixel covers a block: the tooltip gives its exact min and max.
        let min = Infinity;
        let max = -Infinity;
        for (let r = r0; r < Number(rowEnd); r++)
          for (let c = c0; c < Number(await tip.getAttribute('data-col-end')); c++) {
            min = Math.min(min, J(r, c));
            max = Math.max(max, J(r, c));
          }
        close(await attr('data-min'), min, 'block min');
        close(await attr('data-max'), max, 'block max');
      }
    });
  });

  it(
    'Shift+arrows select a block of the 1000-class Jacobian and Ctrl+C puts its values on the clipboard',
    { timeout: 120_000 },
    async () => {
      await step(wb, 'panel-copy-selection', async () => {
        // The 1000-class Jacobian of the previous test is still open (canvas).
        const frame = await panelFrame('[data-testid="jacobian-heatmap"][data-rows="1000"]');
        await wb.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(wb.page.url()).origin });
        await wb.page.evaluate(() => navigator.clipboard.writeText('before'));
        const root = await frame.$('[data-testid="jacobian-heatmap"]');
        await root.focus();
        await wb.page.keyboard.press('Home'); // focus on (row, 0)
        const focusRow = Number(await frame.getAttribute('[data-testid="jacobian-heatmap"] [data-testid="heatmap-focus"]', 'data-row'));
        await wb.page.keyboard.press('Shift+ArrowRight');
        await wb.page.keyboard.press('Shift+ArrowRight');
        await wb.page.keyboard.press('Shift+ArrowDown');
        const sel = await frame.$eval('[data-testid="jacobian-heatmap"] [data-testid="heatmap-selection"]', (e) =>
          ['data-row', 'data-row-end', 'data-col', 'data-col-end'].map((a) => Number(e.getAttribute(a))),
        );
        assert.deepEqual(sel, [focusRow, focusRow + 2, 0, 3]);
        await wb.page.keyboard.press('Control+C');
        await frame.waitForFunction(
          () => /^Copied .* to the clipboard\.$/.test(document.querySelector('[data-testid="status"]')?.textContent ?? ''),
          null,
          { timeout: 10_000 },
        );
        // Issue 16: the confirmation is a themed message on screen, read out by a polite live region,
        // in the notification colours of the real theme; it goes after a few seconds.
        const status = await frame.$eval('[data-testid="status"]', (e) => {
          const s = getComputedStyle(e);
          const r = e.getBoundingClientRect();
          const probe = document.createElement('div');
          probe.style.background = 'var(--vscode-notifications-background)';
          document.body.append(probe);
          const themed = getComputedStyle(probe).backgroundColor;
          probe.remove();
          return {
            text: e.textContent,
            kind: e.dataset.kind,
            role: e.getAttribute('role'),
            live: e.getAttribute('aria-live'),
            background: s.backgroundColor,
            themed,
            onScreen: r.top >= 0 && r.bottom <= window.innerHeight && r.width > 0,
          };
        });
        console.log(`copy confirmation: ${JSON.stringify(status)}`);
        // It names what was copied (the block's size), not only that something was.
        assert.match(status.text, /^Copied .*\d.* to the clipboard\.$/);
        assert.deepEqual([status.kind, status.role, status.live, status.onScreen], ['ok', 'status', 'polite', true]);
        assert.notEqual(status.themed, 'rgba(0, 0, 0, 0)', 'the workbench defines --vscode-notifications-background');
        assert.equal(status.background, status.themed);
        await frame.waitForFunction(() => document.querySelector('[data-testid="status"]')?.textContent === '', null, { timeout: 15_000 });
        const text = await wb.page.evaluate(() => navigator.clipboard.readText());
        const lines = text
          .trimEnd()
          .split('\n')
          .map((l) => l.split('\t'));
        assert.equal(lines.length, 3, text);
        assert.equal(lines[0].length, 4);
        assert.equal(lines[0][0], '');
        const p = core('imagenet-1000-classes.json').analysis.probabilities.subarray(0, 1000);
        for (let i = 0; i < 2; i++) {
          const r = focusRow + i;
          assert.equal(lines[i + 1].length, 4);
          for (let c = 0; c < 3; c++) close(Number(lines[i + 1][c + 1]), p[r] * ((r === c ? 1 : 0) - p[c]), `J[${r}][${c}]`);
        }
        // Back to the editor, as a user would: a file opened from inside the panel lands in the panel's
        // group, and the next test expects it beside the panel.
        await runCommand(wb.page, 'View: Focus First Editor Group');
      });
    },
  );

  it(
    'the 1000-class Jacobian of sample 7 shows the classes that matter: true and top-predicted class on both axes',
    { timeout: 120_000 },
    async () => {
      await step(wb, 'panel-1000-focus', async () => {
        // The panel still shows the ImageNet Jacobian of the tests above (all classes, sample 0): step to
        // sample 7 with the panel's own buttons, then back to the default view of the classes that matter.
        let frame = await panelFrame('[data-testid="jacobian-heatmap"][data-rows="1000"]');
        for (let i = 1; i <= 7; i++) {
          await frame.click('[data-testid="sample-next"]');
          await frame.waitForFunction((v) => document.querySelector('[data-testid="sample-input"]')?.value === String(v), i, {
            timeout: 15_000,
          });
        }
        await frame.click('[data-testid="focus-toggle"]');
        frame = await panelFrame('[data-testid="jacobian-heatmap"][data-view="focus"]');
        await frame.waitForFunction(() => document.querySelector('[data-testid="sample-input"]')?.value === '7', null, { timeout: 15_000 });
        const { analysis } = core('imagenet-1000-classes.json');
        const p = analysis.probabilities.subarray(7 * 1000, 8 * 1000);
        let top = 0;
        for (let j = 1; j < 1000; j++) if (p[j] > p[top]) top = j;
        const labels = (axis) =>
          frame.$$eval(`[data-testid="jacobian-heatmap"] .gl-${axis}-labels text`, (els) => els.map((e) => e.firstChild.textContent));
        for (const axis of ['row', 'col']) {
          const names = await labels(axis);
          assert.ok(names.length >= 2 && names.length <= 12, `${axis} labels: ${names}`);
          assert.ok(names.includes(String(analysis.actual[7])), `true class ${analysis.actual[7]} on the ${axis} axis: ${names}`);
          assert.equal(names[0], String(top), `top-predicted class ${top} first on the ${axis} axis`);
        }
        // The sub-matrix's cells are the full Jacobian's entries.
        const found = await frame.$$eval('[data-testid="jacobian-heatmap"] [data-testid="heatmap-cell"]', (els) =>
          els.map((e) => [Number(e.dataset.sourceRow), Number(e.dataset.sourceCol), Number(e.dataset.value)]),
        );
        for (const [r, c, v] of found) close(v, p[r] * ((r === c ? 1 : 0) - p[c]), `J[${r}][${c}]`);
        assert.ok(await frame.$('[data-testid="overview-strip"]'), 'the overview strip shows where the classes sit');
      });
    },
  );

  it('a 600 × 1,000 batch held by its worker: the panel pulls sample 599’s row, equal to the core’s', { timeout: 180_000 }, async () => {
    await step(wb, 'panel-chunked', async () => {
      // 600,000 logits (above the worker threshold, so a worker holds the analysis), labels as indices.
      const next = seededUniform(5);
      const rows = Array.from({ length: 600 }, () => `[${Array.from({ length: 1000 }, () => (8 * next() - 4).toFixed(4)).join(',')}]`);
      const labels = Array.from({ length: 600 }, () => Math.floor(next() * 1000));
      fs.writeFileSync(
        path.join(wb.folder, 'chunked-batch.json'),
        `{"logits": [\n${rows.join(',\n')}\n], "labels": [${labels.join(',')}]}\n`,
      );
      const { analysis } = core('chunked-batch.json');
      assert.ok(analysis.n * analysis.k > 1 << 19);
      await openFile(wb.page, 'chunked-batch.json');
      // As a user would, act once the editor shows the file's loss (the host has it as the active editor).
      await wb.page
        .locator('.statusbar-item', { hasText: `loss ${formatNumber(analysis.loss, 4)}` })
        .first()
        .waitFor({ timeout: 30_000 });
      await runCommand(wb.page, 'Gradient Lens: Show Softmax Jacobian');
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample 0' }).first().waitFor();
      await wb.page.keyboard.type('sample 599');
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'sample 599' }).first().waitFor();
      await wb.page.keyboard.press('Enter');
      const frame = await panelFrame('[data-testid="jacobian-heatmap"]');
      await frame.waitForFunction(() => document.querySelector('[data-testid="sample-input"]')?.value === '599', null, { timeout: 15_000 });
      await showTab(frame, 'gradient');
      const bars = await cells(frame, 'view-gradient"] [data-testid="gradient-bar');
      assert.ok(bars.length >= 2, `${bars.length} bars`);
      assert.ok(
        bars.some((b) => b.row === labels[599]),
        'the true class is among the bars',
      );
      for (const b of bars) close(b.value, analysis.logitGradient[599 * 1000 + b.row] * 600, `p − y of sample 599, class ${b.row}`);
      await showTab(frame, 'chain');
      assert.equal(
        await frame.getAttribute('[data-testid="view-chain"] [data-testid="chain-product-check"]', 'data-ok'),
        'true',
        'Jᵀ·∂L/∂p equals p − y for sample 599',
      );
    });
  });

  it('a network: per-layer gradient norms and ∂L/∂W cells equal the core’s', { timeout: 120_000 }, async () => {
    await step(wb, 'panel-network', async () => {
      await openFile(wb.page, 'network.json');
      await runCommand(wb.page, 'Gradient Lens: Analyze File');
      const frame = await panelFrame('[data-testid="norm-bar"]');
      const { network, dataset } = core('network.json');
      const norms = await cells(frame, 'norm-bar');
      assert.equal(new Set(norms.map((b) => b.value)).size >= 1, true);
      const byLayer = await frame.$$eval('[data-testid="norm-bar"]', (els) =>
        els.map((e) => ({ layer: Number(e.getAttribute('data-layer')), value: Number(e.getAttribute('data-value')) })),
      );
      for (const b of byLayer) close(b.value, network.analysis.layers[b.layer].gradNorm, `‖∂L/∂W‖ of layer ${b.layer}`);
      const heatmaps = await frame.$$('[data-testid="weight-gradient-heatmap"]');
      assert.equal(heatmaps.length, dataset.layers.length);
      const first = await heatmaps[0].$$eval('[data-testid="heatmap-cell"]', (els) =>
        els.map((e) => ({
          row: Number(e.getAttribute('data-row')),
          col: Number(e.getAttribute('data-col')),
          value: Number(e.getAttribute('data-value')),
        })),
      );
      const L0 = dataset.layers[0];
      assert.equal(first.length, L0.outputs * L0.inputs);
      for (const c of first) close(c.value, network.analysis.layers[0].gradWeights[c.row * L0.inputs + c.col], `∂L/∂W[${c.row}][${c.col}]`);
    });
  });

  it('the panel comes back after a reload of the window (serializer)', { timeout: 120_000 }, async () => {
    await step(wb, 'panel-reload', async () => {
      await runCommand(wb.page, 'Developer: Reload Window');
      await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      const frame = await panelFrame('[data-testid="norm-bar"]');
      assert.ok(await frame.$('[data-testid="file-name"]'));
    });
  });

  it('Compare with Finite Differences: the network’s per-entry heatmaps equal the core’s numbers', { timeout: 120_000 }, async () => {
    await step(wb, 'panel-finite-differences', async () => {
      await openFile(wb.page, 'network.json');
      await runCommand(wb.page, 'Gradient Lens: Compare with Finite Differences');
      const frame = await panelFrame('[data-testid="fd-relative-heatmap"] [data-testid="heatmap-cell"]');
      const { network, dataset } = core('network.json');
      const tensors = networkFiniteDifferences(dataset, network.analysis.reduction, network.analysis);
      const names = await frame.$$eval('[data-testid="fd-tensor"]', (els) => els.map((e) => e.getAttribute('data-name')));
      assert.deepEqual(
        names,
        tensors.map((t) => t.name),
      );
      for (const t of tensors) {
        for (const [part, want] of [
          ['given', t.numeric],
          ['expected', t.analytic],
          ['relative', t.relative],
        ]) {
          const found = await cells(
            frame,
            `fd-tensor"][data-name="${t.name}"] [data-testid="fd-${part}-heatmap"] [data-testid="heatmap-cell`,
          );
          assert.equal(found.length, t.rows * t.cols, `${t.name} ${part}`);
          for (const c of found) {
            const v = want[c.row * t.cols + Number(c.col)];
            if (Number.isNaN(v)) assert.ok(Number.isNaN(c.value), `${t.name} ${part}[${c.row}][${c.col}] is blank`);
            else close(c.value, v, `${t.name} ${part}[${c.row}][${c.col}]`);
          }
        }
      }
    });
  });
  it(
    'Compare with Finite Differences on a classification file: every logit’s heatmap cells equal the core’s',
    { timeout: 120_000 },
    async () => {
      await step(wb, 'panel-finite-differences-logits', async () => {
        // The keyboard is in the panel after the previous test: open the file from the explorer, as a user would.
        await wb.page.locator('.explorer-folders-view .monaco-list-row[aria-label*="cifar10-logits.json"]').first().click();
        await wb.page.locator('.tab.active[aria-label*="cifar10-logits.json"]').first().waitFor({ timeout: 15_000 });
        await runCommand(wb.page, 'Gradient Lens: Compare with Finite Differences');
        const { dataset } = core('cifar10-logits.json');
        const t = datasetFiniteDifferences(dataset, 'mean');
        const frame = await panelFrame(`[data-testid="fd-tensor"][data-name="${t.name}"] [data-testid="fd-relative-heatmap"]`);
        for (const [part, want] of [
          ['given', t.numeric],
          ['expected', t.analytic],
          ['relative', t.relative],
        ]) {
          const found = await cells(
            frame,
            `fd-tensor"][data-name="${t.name}"] [data-testid="fd-${part}-heatmap"] [data-testid="heatmap-cell`,
          );
          assert.equal(found.length, t.rows * t.cols, part);
          for (const c of found) close(c.value, want[c.row * t.cols + Number(c.col)], `${part}[${c.row}][${c.col}]`);
        }
      });
    },
  );
});

describe('the NumPy viewer, in a real VS Code', () => {
  before(async () => {
    wb = await examplesWorkbench();
  });
  after(async () => wb && (await wb.stop()));

  it('opening a .npy shows its dtype, shape and the loss, and its button opens the panel', { timeout: 120_000 }, async () => {
    await step(wb, 'npy-viewer', async () => {
      await wb.page.keyboard.press('Control+P');
      await wb.page.locator('.quick-input-widget input.input').fill('scores.npy');
      await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'scores.npy' }).first().waitFor();
      await wb.page.keyboard.press('Enter');
      const frame = await findFrame(wb.page, 'button[data-command]', 30_000);
      const text = await frame.innerText('body');
      assert.match(text, /float32/);
      assert.match(text, /shape \(32, 5\)/);
      const bytes = (name) => new Uint8Array(fs.readFileSync(path.join(wb.folder, 'numpy', name)));
      const { analysis } = runPipeline(bytes('scores.npy'), 'scores.npy', {
        siblings: { 'scores_labels.npy': bytes('scores_labels.npy'), 'classes.txt': bytes('classes.txt') },
      });
      assert.ok(text.includes(String(Number(analysis.loss.toPrecision(6)))), `loss ${analysis.loss} in ${text}`);
      await frame.click('button[data-command="gradientLens.analyzeFile"]');
      const panel = await findFrame(wb.page, '[data-testid="file-name"]', 30_000);
      assert.equal((await panel.innerText('[data-testid="file-name"]')).trim(), 'scores.npy');
    });
  });
});
