// `npm run test:electron`: the same extension-host suite as test/vscode/host, through the standard
// @vscode/test-electron entry, for machines that can download VS Code (ours cannot; there the suite
// runs inside code-server, see test/vscode/host-suite.test.mjs).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { runTests } from '@vscode/test-electron';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = path.join(root, 'out', 'vscode-host');
const hostDir = path.join(root, 'test', 'vscode', 'host');
await esbuild.build({
  entryPoints: [
    ...fs
      .readdirSync(hostDir)
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => path.join(hostDir, f)),
    path.join(root, 'test', 'electron', 'index.ts'),
  ],
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode', 'mocha'],
  logLevel: 'warning',
});
const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'gradient-lens-electron-'));
fs.cpSync(path.join(root, 'examples'), workspace, { recursive: true });
fs.writeFileSync(path.join(workspace, 'README.md'), '# not a tensor file\n');
try {
  await runTests({
    extensionDevelopmentPath: root,
    extensionTestsPath: path.join(out, 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (error) {
  console.error(`test:electron failed: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  fs.rmSync(workspace, { recursive: true, force: true });
}
