// Before the real-VS-Code suites: make sure what they need is here (Debian's chromium, ripgrep and
// libkrb5-dev; code-server in .cache/), installing it when we can (root with apt-get), and
// otherwise stopping at once with the exact command to run — not failing deep inside a suite.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { CHROMIUM } from './harness.mjs';
import { ensureCodeServer } from './install-code-server.mjs';

function onPath(cmd) {
  return (process.env.PATH || '').split(':').some((dir) => dir && fs.existsSync(`${dir}/${cmd}`));
}

/** Debian packages the suites need and do not have, by package name. */
function missingPackages() {
  const missing = [];
  if (!fs.existsSync(CHROMIUM)) missing.push('chromium');
  if (!onPath('rg')) missing.push('ripgrep');
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  return missing;
}

/** Resolves when the suites can run; throws an Error whose message says what to run otherwise. */
export async function preflight() {
  let missing = missingPackages();
  const canApt = process.getuid?.() === 0 && onPath('apt-get');
  if (missing.length && canApt) {
    console.log(`preflight: installing Debian packages: ${missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
    missing = missingPackages();
  }
  if (missing.length) {
    throw new Error(
      `the real-VS-Code suites need Debian packages: ${missing.join(' ')}\n` +
        `run: sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}` +
        (fs.existsSync(CHROMIUM) ? '' : `\n(or set CHROMIUM_PATH to a Chromium binary)`),
    );
  }
  await ensureCodeServer();
}
