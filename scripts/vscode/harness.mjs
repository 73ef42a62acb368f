// Drives a real VS Code workbench: code-server (server + extension host) and Debian's Chromium
// through playwright-core. See scripts/vscode/README.md for why it is built this way.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { ensureCodeServer, repoRoot } from './install-code-server.mjs';

import { CHROMIUM, CHROMIUM_ARGS } from './chromium.mjs';

export { CHROMIUM };

export const USER_SETTINGS = {
  'telemetry.telemetryLevel': 'off',
  'workbench.startupEditor': 'none',
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'update.mode': 'none',
  'workbench.enableExperiments': false,
  'git.openRepositoryInParentFolders': 'never', // no prompt about a repo above the folder
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Links an unpacked extension folder into extensionsDir under the name VS Code scans for. */
export function linkExtension(extensionsDir, extensionFolder) {
  const manifest = JSON.parse(fs.readFileSync(path.join(extensionFolder, 'package.json'), 'utf8'));
  const target = path.join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  fs.mkdirSync(extensionsDir, { recursive: true });
  fs.rmSync(target, { recursive: true, force: true });
  // A symlink, not a copy: the product folder is the repo, node_modules included.
  fs.symlinkSync(path.resolve(extensionFolder), target, 'dir');
  return target;
}

export function writeUserSettings(userDataDir, extra = {}) {
  const dir = path.join(userDataDir, 'User');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'settings.json'), JSON.stringify({ ...USER_SETTINGS, ...extra }, null, 2));
}

export function workbenchUrl(port, folder) {
  return `http://127.0.0.1:${port}/?folder=${encodeURI(path.resolve(folder))}`;
}

// Processes that belong to the server: its process group, plus every descendant (found through
// /proc parent links) in case one moved to a session of its own (setsid, e.g. terminals).
function serverProcesses(rootPid) {
  const table = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid, pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') table.push({ pid: Number(entry), ppid: Number(ppid), pgrp: Number(pgrp) });
    } catch {
      // the process exited while we looked
    }
  }
  const found = new Set(table.filter((p) => p.pgrp === rootPid).map((p) => p.pid));
  let frontier = [rootPid];
  while (frontier.length) {
    frontier = table.filter((p) => frontier.includes(p.ppid)).map((p) => p.pid);
    for (const pid of frontier) found.add(pid);
  }
  return [...found];
}

/**
 * Starts code-server in its own process group and waits until it answers HTTP.
 * Returns { port, url, logs(), stop() }; stop() kills the whole tree.
 */
export async function startCodeServer({
  extensionsDir,
  userDataDir,
  folder,
  env = {},
  port,
  host = '127.0.0.1',
  stateDir,
  handleSignals = true,
  onAbort = () => {},
}) {
  const bin = fs.realpathSync(await ensureCodeServer());
  port ??= await freePort();
  stateDir ??= userDataDir;
  const args = [
    bin,
    '--auth',
    'none',
    '--bind-addr',
    `${host}:${port}`,
    '--extensions-dir',
    extensionsDir,
    '--user-data-dir',
    userDataDir,
    // Its own config file, so it never writes ~/.config/code-server/config.yaml.
    '--config',
    path.join(stateDir, 'code-server.yaml'),
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    path.resolve(folder),
  ];
  fs.writeFileSync(path.join(stateDir, 'code-server.yaml'), 'auth: none\n');
  fs.mkdirSync(path.join(stateDir, 'tmp'), { recursive: true });
  // Variables of an enclosing VS Code would make code-server act as its CLI client instead, and
  // code-server lets $PORT / $CODE_SERVER_HOST override --bind-addr.
  const dropped = new Set(['ELECTRON_RUN_AS_NODE', 'PORT', 'CODE_SERVER_HOST']);
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VSCODE_') && !dropped.has(k)));
  const child = spawn(process.execPath, args, {
    // TMPDIR: the extension host's sockets (vscode-ipc-*, vscode-git-*) go away with stateDir.
    env: { ...inherited, XDG_DATA_HOME: path.join(stateDir, 'xdg-data'), TMPDIR: path.join(stateDir, 'tmp'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // own process group: stop() signals code-server and all its children at once
  });
  const output = [];
  child.stdout.on('data', (d) => output.push(d.toString()));
  child.stderr.on('data', (d) => output.push(d.toString()));
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, signal) => resolve((exited = { code, signal }))));

  let stopped = false;
  const known = new Set(); // once a setsid child is orphaned, only this remembers it
  const killAll = (signal) => {
    const pids = serverProcesses(child.pid);
    for (const pid of pids) known.add(pid);
    for (const pid of [-child.pid, ...known]) {
      try {
        process.kill(pid, signal);
      } catch {
        // already gone
      }
    }
    return pids;
  };
  // If this process exits without stop() (a crash, a Ctrl-C), take the server down with it.
  const onExit = () => {
    killAll('SIGKILL');
    onAbort();
  };
  const onSignal = (signal) => {
    // Exit now, as the default action would: Playwright's own handler would first wait for a
    // graceful browser close; its 'exit' hook still kills Chromium.
    process.exit(128 + os.constants.signals[signal]);
  };
  process.on('exit', onExit);
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }

  async function stop() {
    if (stopped) return;
    stopped = true;
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    killAll('SIGTERM');
    // Give them a moment to exit cleanly; re-scanning also catches a process forked just as the
    // signal went out (an extension host starting up), which would otherwise outlive the server.
    const deadline = Date.now() + 5000;
    while (serverProcesses(child.pid).length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    killAll('SIGKILL');
    await new Promise((r) => setTimeout(r, 100));
    killAll('SIGKILL');
    await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 2000))]);
  }

  const base = `http://${host}:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`code-server exited (${JSON.stringify(exited)}) before answering:\n${output.join('')}`);
    }
    try {
      const res = await fetch(`${base}/healthz`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer on ${base} within 60 s:\n${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { port, url: workbenchUrl(port, folder), logs: () => output.join(''), stop, pid: child.pid, exited: exitPromise };
}

export function launchChromium() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Opens url in a Chromium page and waits for the workbench to render. */
export async function openWorkbench(browser, url, { timeoutMs = 60_000, logs = [] } = {}) {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('console', (m) => logs.push(`[browser ${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[browser pageerror] ${e.message}`));
  await page.goto(url);
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  return page;
}

// The extension host's own logs (activation errors land there, not in code-server's output).
function hostLogs(userDataDir) {
  const logsDir = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logsDir)) return [];
  return fs.readdirSync(logsDir).flatMap((session) =>
    ['remoteagent.log', 'exthost1/remoteexthost.log']
      .map((f) => path.join(logsDir, session, f))
      .filter((f) => fs.existsSync(f))
      .map((f) => `--- ${f} ---\n${fs.readFileSync(f, 'utf8')}`),
  );
}

/**
 * Starts code-server with the given unpacked extensions and opens it in headless Chromium.
 * env reaches the extension host (it is set on the code-server process).
 */
export async function startWorkbench({ extensions = [], folder, env = {}, port } = {}) {
  if (!folder) throw new Error('startWorkbench: folder is required');
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gradient-lens-vscode-'));
  const extensionsDir = path.join(root, 'extensions');
  const userDataDir = path.join(root, 'user-data');
  fs.mkdirSync(extensionsDir);
  for (const extension of extensions) linkExtension(extensionsDir, extension);
  writeUserSettings(userDataDir);

  const browserLogs = [];
  let server;
  let browser;
  const stop = async () => {
    await browser?.close().catch(() => {});
    await server?.stop();
    if (!process.env.GRADIENT_LENS_KEEP_TMP) fs.rmSync(root, { recursive: true, force: true });
  };
  try {
    const removeRoot = () => process.env.GRADIENT_LENS_KEEP_TMP || fs.rmSync(root, { recursive: true, force: true });
    server = await startCodeServer({ extensionsDir, userDataDir, folder, env, port, stateDir: root, onAbort: removeRoot });
    browser = await launchChromium();
    const page = await openWorkbench(browser, server.url, { logs: browserLogs });
    const logs = () => [server.logs(), ...hostLogs(userDataDir), browserLogs.join('\n')].join('\n');
    return { browser, page, url: server.url, userDataDir, logs, stop };
  } catch (err) {
    const logs = server?.logs() ?? '';
    await stop();
    err.message += logs ? `\n--- code-server output ---\n${logs}` : '';
    throw err;
  }
}

/** Runs a command through the command palette, by its title as shown there. */
export async function runCommand(page, title, { timeoutMs = 30_000 } = {}) {
  const input = page.locator('.quick-input-widget input.input');
  const row = page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first();
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    // F1 can be swallowed where focus is (e.g. inside a webview): alternate with the other binding.
    await page.keyboard.press(attempt % 2 ? 'Control+Shift+P' : 'F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 3000 });
      // A panel that takes focus as it opens (the previous command's) can close the palette
      // between these two steps: fail fast and open it again rather than wait 30 s for it.
      await input.fill(`>${title}`, { timeout: 3000 });
      // Right after startup an extension's commands may not be registered yet: retry then.
      // Enter before the row is focused would run whatever was focused before filtering.
      await row.waitFor({ timeout: 2000 });
      break;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`Command "${title}" not found in the palette within ${timeoutMs} ms: ${err.message}`);
      await page.keyboard.press('Escape');
      await page.waitForTimeout(500);
    }
  }
  await page.keyboard.press('Enter');
  await input.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** Finds the frame (e.g. a webview's nested iframe) that contains selector. */
export async function findFrame(page, selector, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // frame detached or navigating
      }
    }
    if (Date.now() > deadline) {
      const urls = page
        .frames()
        .map((f) => `  ${f.url()}`)
        .join('\n');
      throw new Error(`No frame contains ${selector} after ${timeoutMs} ms; frames:\n${urls}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Saves a screenshot to test-results/<name>.png; never throws (the page may be gone). */
export async function screenshotOnFailure(page, name) {
  const file = path.join(repoRoot, 'test-results', `${name.replace(/[^\w.-]+/g, '_')}.png`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    await page.screenshot({ path: file });
    return file;
  } catch {
    return null;
  }
}
