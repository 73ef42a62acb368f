// Proves the real-VS-Code harness on its own, without the product: a throwaway extension
// generated here contributes a webview command and a plaintext hover provider.
// Run: node --test test/vscode/harness-smoke.test.mjs   (first run installs code-server, ~80 s)
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { ensureCodeServer } from '../../scripts/vscode/install-code-server.mjs';
import { findFrame, runCommand, screenshotOnFailure, startWorkbench } from '../../scripts/vscode/harness.mjs';
import { runHostSuite, runnerExtension } from '../../scripts/vscode/run-host-suite.mjs';

const WEBVIEW_TEXT = 'smoke-webview-text-42';
let tmp;
let extensionDir;
let folder;

const extensionJs = `
const vscode = require('vscode');
exports.activate = (context) => {
  context.subscriptions.push(
    vscode.commands.registerCommand('smoke.showWebview', () => {
      const panel = vscode.window.createWebviewPanel('smoke', 'Smoke Webview', vscode.ViewColumn.One, { enableScripts: true });
      panel.webview.html = '<!DOCTYPE html><html><body><p id="smoke-static">${WEBVIEW_TEXT}</p><p id="smoke-script"></p>'
        + '<script>document.getElementById("smoke-script").textContent = "script-ran";</script></body></html>';
    }),
    vscode.languages.registerHoverProvider('plaintext', { provideHover: () => new vscode.Hover('hover-ok') }),
  );
};
`;

// The host suite: one real check, plus a failing and a pending test to prove the reporting.
const suiteJs = `
const assert = require('assert');
const vscode = require('vscode');
describe('smoke host suite', () => {
  it('gets hover-ok through vscode.executeHoverProvider', async () => {
    const doc = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'hello world' });
    let texts = [];
    // The provider's extension activates on the plaintext document: allow it a moment.
    for (let i = 0; i < 40 && !texts.includes('hover-ok'); i++) {
      const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 2));
      texts = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value)));
      if (!texts.includes('hover-ok')) await new Promise((r) => setTimeout(r, 250));
    }
    assert.deepStrictEqual(texts, ['hover-ok']);
  });
  it('is reported as failed', () => assert.strictEqual(1, 2));
  it.skip('is reported as pending', () => {});
});
`;

before(async () => {
  await ensureCodeServer(); // outside the timed tests: the first install takes a while
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-smoke-'));
  extensionDir = path.join(tmp, 'smoke-extension');
  folder = path.join(tmp, 'workspace');
  fs.mkdirSync(extensionDir);
  fs.mkdirSync(folder);
  fs.writeFileSync(path.join(folder, 'hello.txt'), 'hello world\n');
  fs.writeFileSync(path.join(extensionDir, 'extension.js'), extensionJs);
  fs.writeFileSync(
    path.join(extensionDir, 'package.json'),
    JSON.stringify({
      name: 'smoke',
      publisher: 'gradient-lens-smoke',
      version: '0.0.1',
      main: './extension.js',
      engines: { vscode: '^1.90.0' },
      activationEvents: ['onLanguage:plaintext'],
      contributes: { commands: [{ command: 'smoke.showWebview', title: 'Smoke: Show Webview' }] },
    }),
  );
  fs.mkdirSync(path.join(tmp, 'suite'));
  fs.writeFileSync(path.join(tmp, 'suite', 'smoke.test.js'), suiteJs);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test('a palette command opens a webview whose text Playwright reads', { timeout: 120_000 }, async () => {
  const wb = await startWorkbench({ extensions: [runnerExtension, extensionDir], folder });
  try {
    await runCommand(wb.page, 'Smoke: Show Webview');
    const frame = await findFrame(wb.page, '#smoke-static', 20_000);
    assert.equal((await frame.textContent('#smoke-static')).trim(), WEBVIEW_TEXT);
    await frame.waitForFunction(() => document.getElementById('smoke-script').textContent === 'script-ran');
    await screenshotOnFailure(wb.page, 'harness-smoke-webview'); // kept as a picture of a good run
  } catch (err) {
    await screenshotOnFailure(wb.page, 'harness-smoke-webview-failure');
    err.message += `\n--- logs ---\n${wb.logs()}`;
    throw err;
  } finally {
    await wb.stop();
  }
});

test('a host suite runs in the extension host and reports pass, fail and pending', { timeout: 120_000 }, async () => {
  const results = await runHostSuite({ extensionPath: extensionDir, suiteDir: path.join(tmp, 'suite'), folder, timeoutMs: 90_000 });
  assert.deepEqual(
    results.passed.map((t) => t.title),
    ['gets hover-ok through vscode.executeHoverProvider'],
    JSON.stringify(results, null, 2),
  );
  assert.deepEqual(
    results.failed.map((t) => t.fullTitle),
    ['smoke host suite is reported as failed'],
  );
  assert.match(results.failed[0].error, /1 !== 2|Expected values to be strictly equal/);
  assert.deepEqual(
    results.pending.map((t) => t.title),
    ['is reported as pending'],
  );
});
