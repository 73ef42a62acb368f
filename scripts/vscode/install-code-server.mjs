// Installs code-server (VS Code server + web workbench, from npm) on demand into the git-ignored
// .cache/code-server/<version>/, because @vscode/test-electron cannot download VS Code here.
// Usage: node scripts/vscode/install-code-server.mjs   (prints the executable's path)
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

// code-server's postinstall insists on one Node major. Each version pins an @vscode/ripgrep
// whose postinstall would download this ripgrep release from GitHub unless its cache has it.
const VERSIONS = {
  20: { codeServer: '4.100.3', ripgrepPackage: '1.15.11', ripgrepRelease: 'v13.0.0-10' },
  22: { codeServer: '4.104.0', ripgrepPackage: '1.15.14', ripgrepRelease: 'v13.0.0-13' },
};

export function pickVersion(nodeMajor = Number(process.versions.node.split('.')[0])) {
  const entry = VERSIONS[nodeMajor];
  if (!entry) {
    const known = Object.keys(VERSIONS)
      .map((m) => `Node ${m}`)
      .join(', ');
    throw new Error(
      `No code-server version known for Node ${nodeMajor} (known: ${known}). Add one to VERSIONS in ${fileURLToPath(import.meta.url)}.`,
    );
  }
  return entry;
}

export function installDir(version = pickVersion().codeServer) {
  return path.join(repoRoot, '.cache', 'code-server', version);
}

function executableIn(dir) {
  return path.join(dir, 'node_modules', '.bin', 'code-server');
}

function log(message) {
  process.stderr.write(`[code-server] ${message}\n`);
}

function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    const candidate = path.join(dir, cmd);
    if (dir && fs.existsSync(candidate)) return candidate;
  }
  return null;
}

export function checkPrerequisites() {
  const missing = [];
  if (!which('rg')) missing.push('ripgrep (provides rg, used to seed the @vscode/ripgrep cache)');
  // The `kerberos` native module is compiled during install and needs these headers.
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h') || !which('krb5-config')) {
    missing.push('libkrb5-dev (headers for the kerberos native module)');
  }
  // node-gyp compiles several native modules.
  for (const [cmd, pkg] of [
    ['python3', 'python3'],
    ['make', 'make'],
    ['g++', 'g++'],
  ]) {
    if (!which(cmd)) missing.push(`${pkg} (node-gyp builds native modules with ${cmd})`);
  }
  if (missing.length) {
    const names = missing.map((m) => m.split(' ')[0]).join(' ');
    throw new Error(
      `Cannot install code-server, missing Debian packages:\n  - ${missing.join('\n  - ')}\nInstall them with: apt-get update && apt-get install -y ${names}`,
    );
  }
}

// @vscode/ripgrep uses <tmpdir>/vscode-ripgrep-cache-<pkg>/ripgrep-<release>-<target>.tar.gz
// when present; that archive holds `rg` at its top level. Debian's rg stands in for it.
function seedRipgrepCache({ ripgrepPackage, ripgrepRelease }) {
  const target = { x64: 'x86_64-unknown-linux-musl', arm64: 'aarch64-unknown-linux-musl' }[os.arch()];
  if (!target) throw new Error(`No ripgrep cache seeding known for arch ${os.arch()}`);
  const cacheDir = path.join(os.tmpdir(), `vscode-ripgrep-cache-${ripgrepPackage}`);
  const archive = path.join(cacheDir, `ripgrep-${ripgrepRelease}-${target}.tar.gz`);
  if (fs.existsSync(archive)) return;
  fs.mkdirSync(cacheDir, { recursive: true });
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'rg-seed-'));
  try {
    fs.copyFileSync(fs.realpathSync(which('rg')), path.join(staging, 'rg'));
    fs.chmodSync(path.join(staging, 'rg'), 0o755);
    execFileSync('tar', ['-czf', `${archive}.tmp`, '-C', staging, 'rg']);
    fs.renameSync(`${archive}.tmp`, archive);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  log(`seeded ripgrep cache: ${archive}`);
}

function runNpmInstall(dir, version, logFile) {
  const args = ['install', `code-server@${version}`, '--no-audit', '--no-fund', '--no-save', '--foreground-scripts'];
  if (process.getuid?.() === 0) args.push('--unsafe-perm'); // its postinstall refuses root otherwise
  // node-pty's postinstall runs `npx node-gyp`, which would wait for a "y" without this.
  const env = { ...process.env, npm_config_yes: 'true' };
  const out = fs.openSync(logFile, 'w');
  return new Promise((resolve, reject) => {
    const child = spawn('npm', args, { cwd: dir, env, stdio: ['ignore', out, out] });
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) return resolve();
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
      reject(new Error(`npm install code-server@${version} failed (exit ${code}); full log: ${logFile}\n${tail}`));
    });
  });
}

async function withLock(lockDir, fn) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than any install could take was left by a killed run.
      if (Date.now() - fs.statSync(lockDir).mtimeMs > 15 * 60_000) fs.rmSync(lockDir, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`Timed out waiting for ${lockDir}`);
      else await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Returns the path of the code-server executable, installing it first when needed. */
export async function ensureCodeServer() {
  const versions = pickVersion();
  const dir = installDir(versions.codeServer);
  const bin = executableIn(dir);
  if (fs.existsSync(bin)) return bin;

  fs.mkdirSync(path.dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (fs.existsSync(bin)) return bin; // another process finished it while we waited
    checkPrerequisites();
    seedRipgrepCache(versions);
    // Install beside the final folder and rename at the end, so a half install is never used.
    const staging = `${dir}.partial`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging);
    fs.writeFileSync(path.join(staging, 'package.json'), '{ "private": true }\n');
    const logFile = `${dir}.install.log`;
    log(`installing code-server@${versions.codeServer} into ${dir} (about 80 s, 300 MB; log: ${logFile})`);
    const started = Date.now();
    await runNpmInstall(staging, versions.codeServer, logFile);
    if (!fs.existsSync(executableIn(staging))) throw new Error(`npm finished but ${executableIn(staging)} is missing; see ${logFile}`);
    fs.renameSync(staging, dir);
    log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
    return bin;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  ensureCodeServer().then(
    (bin) => console.log(bin),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
