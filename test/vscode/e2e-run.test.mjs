// The training-run panel in a real VS Code: Open Training Run from the palette on a run folder,
// then a Python script appends steps (and a half-written line) while the panel is open; the
// panel's points, heatmap cells and flags are read back from its DOM and checked against the
// manifest, and choosing a step opens its batch in the Gradient Lens panel with the core's loss.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { findFrame } from '../../scripts/vscode/harness.mjs';
import { examplesWorkbench, repoRoot, runCommand, step } from './e2e-helpers.mjs';
import { readManifest } from '../../src/core/trainingRun.ts';
import { stepLoss } from '../../src/core/runStep.ts';

const APPEND = path.join(repoRoot, 'test', 'fixtures', 'runs', 'append_steps.py');
let wb;
let runDir;
const append = (...args) => execFileSync('/usr/bin/python3', [APPEND, runDir, ...args.map(String)], { stdio: 'pipe' });
const manifest = () => readManifest(new Uint8Array(fs.readFileSync(path.join(runDir, 'run.jsonl'))));

/** The loss chart's points, in the panel's DOM order. */
const points = (frame) =>
  frame.$$eval('[data-testid="run-loss-point"]', (els) =>
    els.map((e) => ({
      index: Number(e.getAttribute('data-index')),
      step: Number(e.getAttribute('data-step')),
      value: Number(e.getAttribute('data-value')),
    })),
  );

async function waitForPoints(frame, count) {
  await frame.waitForFunction((n) => document.querySelectorAll('[data-testid="run-loss-point"]').length === n, count, { timeout: 20_000 });
  return points(frame);
}

function assertPointsMatchManifest(found) {
  const run = manifest();
  assert.deepEqual(
    found.map((p) => p.step),
    run.steps.map((s) => s.step),
  );
  for (const [i, p] of found.entries()) assert.equal(p.value, run.steps[i].loss, `step ${p.step}: the point holds the manifest's loss`);
}

describe('the training-run panel, in a real VS Code', () => {
  before(async () => {
    wb = await examplesWorkbench();
    runDir = path.join(wb.folder, 'runs', 'live');
    // A dark theme for the screenshot (a workspace setting, applied live).
    fs.mkdirSync(path.join(wb.folder, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(wb.folder, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': 'Default Dark Modern' }));
    append('--init');
    append(0, 3);
  });
  after(async () => wb && (await wb.stop()));

  it('opens from the palette, grows while a script appends steps, and opens a chosen step’s batch', { timeout: 240_000 }, async () => {
    const frame = await step(wb, 'run-open', async () => {
      await runCommand(wb.page, 'Gradient Lens: Open Training Run');
      // With more than one run in the workspace a quick pick asks which: take ours.
      const pick = wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'runs/live' }).first();
      if (await pick.isVisible().catch(() => false)) await pick.click();
      return findFrame(wb.page, '[data-testid="run-loss-chart"]', 30_000);
    });

    await step(wb, 'run-initial', async () => {
      assertPointsMatchManifest(await waitForPoints(frame, 3));
      assert.match(await frame.textContent('[data-testid="run-title"]'), /Training run: live/);
    });

    await step(wb, 'run-live-append', async () => {
      // A training loop logging while the panel is open: three steps, one every 0.7 s.
      append(3, 3, '--delay', 0.7);
      assertPointsMatchManifest(await waitForPoints(frame, 6));
      // A line being written is not a step yet, and the panel says one is coming.
      append('--partial', 6);
      await frame.waitForFunction(
        () => /being written/.test(document.querySelector('[data-testid="run-status"]')?.textContent ?? ''),
        null,
        { timeout: 20_000 },
      );
      assert.equal((await points(frame)).length, 6);
      append('--finish', 6);
      assertPointsMatchManifest(await waitForPoints(frame, 7));
      assert.deepEqual(await frame.$$eval('[data-testid="run-problem"]', (els) => els.length), 0);
    });

    await step(wb, 'run-heatmap', async () => {
      const run = manifest();
      const cells = await frame.$$eval('[data-testid="run-norm-cell"]', (els) =>
        els.map((e) => ({
          param: e.getAttribute('data-param'),
          step: Number(e.getAttribute('data-step')),
          value: Number(e.getAttribute('data-value')),
          health: e.getAttribute('data-health'),
        })),
      );
      assert.equal(cells.length, 4 * 7);
      for (const c of cells) {
        const p = run.steps.find((s) => s.step === c.step).params.find((q) => q.name === c.param);
        assert.equal(c.value, p.gradNorm, `${c.param} at step ${c.step}`);
        const expected = c.param === '2.bias' ? 'vanishing' : c.param === '0.weight' && c.step === 4 ? 'exploding' : 'ok';
        assert.equal(c.health, expected, `${c.param} at step ${c.step}: ‖∂L/∂W‖ ${p.gradNorm}, ‖W‖ ${p.weightNorm}`);
      }
      assert.equal(await frame.getAttribute('[data-testid="run-norm-legend"]', 'data-scale'), 'log');
      fs.mkdirSync(path.join(repoRoot, 'test-results'), { recursive: true });
      await wb.page.screenshot({ path: path.join(repoRoot, 'test-results', 'run-panel-dark.png') });
    });

    await step(wb, 'run-open-step', async () => {
      // The slider follows the latest step (index 6); Home then → chooses step 1 and opens it.
      await frame.focus('[data-testid="run-step-slider"]');
      await wb.page.keyboard.press('Home');
      await wb.page.keyboard.press('ArrowRight');
      await frame.waitForFunction(
        () =>
          /^step 1: steps\/step-00000001\.npz, loss /.test(document.querySelector('[data-testid="run-open-status"]')?.textContent ?? ''),
        null,
        { timeout: 30_000 },
      );
      const text = await frame.textContent('[data-testid="run-open-status"]');
      const file = 'steps/step-00000001.npz';
      const core = stepLoss(new Uint8Array(fs.readFileSync(path.join(runDir, file))), file);
      assert.ok(core.ok);
      assert.equal(Number(text.split('loss ')[1]), core.loss);
      assert.ok(Math.abs(core.loss - manifest().steps[1].loss) <= 1e-12 * core.loss, 'the logged loss is the loss of the logged tensors');
      // The existing panel shows that batch: its Jacobian view and a tab named after the file.
      await findFrame(wb.page, '[data-testid="jacobian-heatmap"] [data-testid="heatmap-cell"]', 30_000);
      await wb.page.locator('.tab', { hasText: 'step-00000001.npz' }).first().waitFor({ timeout: 15_000 });
    });
  });

  it(
    'a long run is drawn from the manifest alone (canvas heatmap); a step whose file is missing says so; CSP locked down',
    { timeout: 120_000 },
    async () => {
      const frame = await findFrame(wb.page, '[data-testid="run-loss-chart"]', 30_000);
      await step(wb, 'run-long', async () => {
        // 2,000 more manifest lines at once, with no step files: the timeline must not need them.
        const base = manifest().steps[0];
        let text = '';
        for (let s = 7; s < 2007; s++)
          text +=
            JSON.stringify({
              ...base,
              step: s,
              line: undefined,
              fileColumn: undefined,
              file: `steps/step-${String(s).padStart(8, '0')}.npz`,
              loss: 1 / (1 + s),
              time: 1733140000 + s,
            }) + '\n';
        fs.appendFileSync(path.join(runDir, 'run.jsonl'), text);
        await frame.waitForFunction(
          () => document.querySelector('[data-testid="run-loss-chart"]')?.getAttribute('data-points') === '2007',
          null,
          { timeout: 30_000 },
        );
        assert.ok(await frame.$('[data-testid="run-norm-canvas"]'), 'a heatmap of 4 × 2,007 cells is a canvas');
        assert.match(await frame.textContent('[data-testid="run-status"]'), /^2007 steps · latest step 2006, loss 4\.983e−4/);
        await frame.focus('[data-testid="run-step-slider"]');
        await wb.page.keyboard.press('End');
        await wb.page.keyboard.press('ArrowLeft');
        await frame.waitForFunction(
          () =>
            /step 2005: its file steps\/step-00002005\.npz is missing \(run\.jsonl line 2007\)/.test(
              document.querySelector('[data-testid="run-open-status"]')?.textContent ?? '',
            ),
          null,
          { timeout: 30_000 },
        );
      });
      const csp = await frame.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.getAttribute('content'));
      assert.match(csp, /default-src 'none'/);
      assert.match(csp, /script-src 'nonce-[A-Za-z0-9+/=]{16,}'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    },
  );
});
