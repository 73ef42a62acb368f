// Runs a folder of compiled Mocha *.test.js files inside code-server's real extension host,
// through test/vscode/runner-extension, and returns its results.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './install-code-server.mjs';
import { screenshotOnFailure, startWorkbench } from './harness.mjs';

export const runnerExtension = path.join(repoRoot, 'test', 'vscode', 'runner-extension');

/**
 * @param {{ extensionPath?: string, suiteDir: string, folder: string, timeoutMs?: number }} options
 * @returns {Promise<{ passed: object[], failed: object[], pending: object[] }>}
 */
export async function runHostSuite({ extensionPath, suiteDir, folder, timeoutMs = 180_000 }) {
  const resultsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gradient-lens-results-'));
  const resultsFile = path.join(resultsDir, 'results.json');
  const workbench = await startWorkbench({
    extensions: [extensionPath, runnerExtension].filter(Boolean),
    folder,
    env: {
      GRADIENT_LENS_TEST_SUITE: path.resolve(suiteDir),
      GRADIENT_LENS_MOCHA: path.join(repoRoot, 'node_modules', 'mocha'),
      GRADIENT_LENS_TEST_RESULTS: resultsFile,
    },
  });
  try {
    // Chromium stays connected meanwhile: without a client the extension host does not start.
    const deadline = Date.now() + timeoutMs;
    while (!fs.existsSync(resultsFile)) {
      if (Date.now() > deadline) {
        const shot = await screenshotOnFailure(workbench.page, `host-suite-timeout-${path.basename(suiteDir)}`);
        throw new Error(`No results from ${suiteDir} within ${timeoutMs} ms (screenshot: ${shot}).\n--- logs ---\n${workbench.logs()}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    return JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
  } finally {
    await workbench.stop();
    fs.rmSync(resultsDir, { recursive: true, force: true });
  }
}
