// `npm run package` builds a .vsix that code-server installs (--install-extension) and that works
// there: the installed copy, not the repository, analyses an example from the palette.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, it } from 'node:test';
import { ensureCodeServer, repoRoot } from '../../scripts/vscode/install-code-server.mjs';
import { examplesWorkbench, openFile, runCommand, step } from './e2e-helpers.mjs';

let tmp;
let installed;
let wb;

before(async () => {
  const codeServer = await ensureCodeServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradient-lens-vsix-'));
  const vsix = path.join(tmp, 'gradient-lens.vsix');
  execFileSync(
    process.execPath,
    [
      path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'),
      'package',
      '--no-dependencies',
      '--no-rewrite-relative-links',
      '--out',
      vsix,
    ],
    { cwd: repoRoot, stdio: 'pipe' },
  );
  const extensionsDir = path.join(tmp, 'extensions');
  const env = { ...process.env, XDG_DATA_HOME: tmp, XDG_CONFIG_HOME: tmp };
  delete env.PORT;
  execFileSync(
    codeServer,
    ['--extensions-dir', extensionsDir, '--user-data-dir', path.join(tmp, 'user-data'), '--install-extension', vsix],
    { env, stdio: 'pipe' },
  );
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
  installed = path.join(extensionsDir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
});

after(async () => {
  await wb?.stop();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

it('the .vsix holds only the bundles, media and docs', () => {
  assert.ok(fs.existsSync(path.join(installed, 'dist', 'extension.js')));
  assert.ok(fs.existsSync(path.join(installed, 'dist', 'worker.js')));
  assert.ok(fs.existsSync(path.join(installed, 'dist', 'webview.js')));
  assert.ok(fs.existsSync(path.join(installed, 'dist', 'npyViewer.js')), 'the NumPy viewer’s page');
  assert.ok(fs.existsSync(path.join(installed, 'media', 'npy.css')));
  assert.ok(!fs.existsSync(path.join(installed, 'src')), 'sources are not shipped');
  assert.ok(!fs.existsSync(path.join(installed, 'node_modules')), 'node_modules is not shipped');
});

it('the installed extension analyses an example from the palette', { timeout: 120_000 }, async () => {
  wb = await examplesWorkbench({ extensions: [installed] });
  await step(wb, 'vsix-analyze', async () => {
    await openFile(wb.page, 'reference-example.json');
    await runCommand(wb.page, 'Gradient Lens: Analyze File');
    // The reference document's two-sample example: mean cross-entropy 0.7803.
    await wb.page.locator('.statusbar-item', { hasText: 'mean cross-entropy 0.7803' }).first().waitFor({ timeout: 30_000 });
  });
});
