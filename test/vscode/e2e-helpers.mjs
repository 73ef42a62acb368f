// Shared steps for the user-level suites: a workbench on a temp copy of examples/, and the
// things a person does in it (open a file, hover, look at Problems).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureCodeServer, repoRoot } from '../../scripts/vscode/install-code-server.mjs';
import { runCommand, screenshotOnFailure, startWorkbench } from '../../scripts/vscode/harness.mjs';

export { repoRoot, runCommand };

export async function examplesWorkbench({ extensions = [repoRoot], prepare = (_folder) => {} } = {}) {
  await ensureCodeServer();
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'gradient-lens-e2e-'));
  fs.cpSync(path.join(repoRoot, 'examples'), folder, { recursive: true });
  // Files written before the workbench opens are in the explorer's first listing (its watcher may miss later ones).
  prepare(folder);
  const wb = await startWorkbench({ extensions, folder });
  return {
    ...wb,
    folder,
    async stop() {
      await wb.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Runs a test step; on failure saves a screenshot named after it and rethrows with the logs' tail. */
export async function step(wb, name, fn) {
  try {
    return await fn();
  } catch (error) {
    const shot = await screenshotOnFailure(wb.page, name);
    error.message += `\n(screenshot: ${shot})\n--- last logs ---\n${wb.logs().slice(-4000)}`;
    throw error;
  }
}

/** Quick Open (Ctrl+P) a file by name and wait for its editor tab. */
export async function openFile(page, name) {
  // A file written a moment ago may not be in Quick Open's index yet: ask again, as a user would.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+P');
    const input = page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(name);
    try {
      await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor({ timeout: 10_000 });
      break;
    } catch (error) {
      await page.keyboard.press('Escape');
      if (attempt === 3) throw error;
    }
  }
  await page.keyboard.press('Enter');
  await page.locator(`.tab.active[aria-label*="${name}"]`).first().waitFor({ timeout: 15_000 });
  await page.locator('.monaco-editor .view-lines').first().waitFor();
}

/** Hovers the first editor line containing text; returns the hover widget's text. */
export async function hoverOn(page, text, { expect = 'Gradient Lens', timeoutMs = 20_000 } = {}) {
  const line = page.locator('.monaco-editor .view-line', { hasText: text }).first();
  await line.waitFor();
  const box = await line.boundingBox();
  const deadline = Date.now() + timeoutMs;
  for (let dx = 40; ; dx += 7) {
    await page.mouse.move(box.x + dx, box.y + box.height / 2);
    const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: expect }).first();
    try {
      await hover.waitFor({ state: 'visible', timeout: 2500 });
      return await hover.innerText();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await page.mouse.move(0, 0);
    }
  }
}

/** The Problems panel's text once it lists every expected message (diagnostics arrive debounced). */
export async function problemsListing(page, expectedMessages, timeoutMs = 20_000) {
  await runCommand(page, 'View: Focus Problems (Errors, Warnings, Infos)');
  const panel = page.locator('.markers-panel');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = (await panel.allInnerTexts()).join('\n');
    if (expectedMessages.every((m) => text.includes(m)) || Date.now() > deadline) return text;
    await page.waitForTimeout(250);
  }
}
