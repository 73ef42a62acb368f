// `npm run demo`: builds, then opens examples/ in VS Code with Gradient Lens loaded.
// With a desktop `code` on PATH it uses that; otherwise it serves VS Code in the browser
// through code-server (installed on demand into .cache/) and prints the URL to open.
//   --check   start the code-server variant, verify the workbench loads in Chromium, print OK, exit.
//   --extension=DIR   load another unpacked extension instead of this repo, without building
//                     (for testing the demo itself).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCodeServer, repoRoot } from './vscode/install-code-server.mjs';
import {
  freePort,
  launchChromium,
  linkExtension,
  openWorkbench,
  runCommand,
  screenshotOnFailure,
  startCodeServer,
  writeUserSettings,
} from './vscode/harness.mjs';

const check = process.argv.includes('--check');
const extensionArg = process.argv.find((a) => a.startsWith('--extension='));
const extension = extensionArg ? path.resolve(extensionArg.slice('--extension='.length)) : repoRoot;
const examples = path.join(repoRoot, 'examples');

function onPath(cmd) {
  return (process.env.PATH || '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}

function fail(message) {
  console.error(`demo: ${message}`);
  process.exit(1);
}

if (!extensionArg) {
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], { cwd: repoRoot, stdio: 'inherit' });
  if (build.status !== 0) fail('the build failed (node scripts/build.mjs)');
}

if (!check && onPath('code')) {
  const code = spawn('code', [`--extensionDevelopmentPath=${extension}`, examples], { stdio: 'inherit' });
  code.on('exit', (status) => process.exit(status ?? 1));
} else {
  await ensureCodeServer();
  // --check gets its own state, so it can run beside a live demo.
  const demoDir = path.join(repoRoot, '.cache', check ? 'demo-check' : 'demo');
  const extensionsDir = path.join(demoDir, 'extensions');
  const userDataDir = path.join(demoDir, 'user-data');
  // Fresh each time: VS Code's extensions.json there would pin an older version's folder.
  fs.rmSync(extensionsDir, { recursive: true, force: true });
  linkExtension(extensionsDir, extension);
  if (!fs.existsSync(path.join(userDataDir, 'User', 'settings.json'))) writeUserSettings(userDataDir);

  const port = check ? await freePort() : Number(process.env.PORT || 8080);
  let server;
  try {
    server = await startCodeServer({ extensionsDir, userDataDir, folder: examples, port, stateDir: demoDir, handleSignals: false });
  } catch (err) {
    fail(`${err.message}\n(is port ${port} in use? set PORT=another)`);
  }

  if (check) {
    let browser;
    let page;
    try {
      browser = await launchChromium();
      page = await openWorkbench(browser, server.url);
      // Proves the server side too: the extension is listed among the enabled ones.
      const { displayName, name } = JSON.parse(fs.readFileSync(path.join(extension, 'package.json'), 'utf8'));
      await runCommand(page, 'Extensions: Show Enabled Extensions');
      await page
        .locator('.extensions-viewlet .monaco-list-row', { hasText: displayName || name })
        .first()
        .waitFor({ timeout: 30_000 });
      const shot = await screenshotOnFailure(page, 'demo-check');
      console.log(`OK: workbench loaded at ${server.url} (screenshot: ${shot})`);
    } catch (err) {
      if (page) await screenshotOnFailure(page, 'demo-check-failure');
      console.error(`demo --check failed: ${err.message}\n--- code-server output ---\n${server.logs()}`);
      process.exitCode = 1;
    } finally {
      await browser?.close().catch(() => {});
      await server.stop();
    }
  } else {
    console.log(`\nGradient Lens demo: open ${server.url}\n(VS Code in the browser, served by code-server; Ctrl-C to stop)\n`);
    let stopping = false;
    const shutdown = async () => {
      stopping = true;
      await server.stop();
      process.exit(0);
    };
    server.exited.then((how) => {
      if (!stopping) fail(`code-server stopped by itself (${JSON.stringify(how)}):\n${server.logs()}`);
    });
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  }
}
