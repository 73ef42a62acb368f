// Runs the Mocha suites of test/vscode/host inside code-server's real extension host, with the
// built extension loaded on a temp copy of examples/, and reports each Mocha test as a node:test.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { ensureCodeServer, repoRoot } from '../../scripts/vscode/install-code-server.mjs';
import { runHostSuite } from '../../scripts/vscode/run-host-suite.mjs';

let tmp;
let results;

before(async () => {
  await ensureCodeServer();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gradient-lens-host-'));
  const suiteDir = path.join(tmp, 'suite');
  const folder = path.join(tmp, 'examples');
  fs.cpSync(path.join(repoRoot, 'examples'), folder, { recursive: true });
  fs.writeFileSync(path.join(folder, 'README.md'), '# not a tensor file\n');
  fs.cpSync(path.join(repoRoot, 'test', 'fixtures', 'bad'), path.join(folder, 'bad'), { recursive: true });
  const hostDir = path.join(repoRoot, 'test', 'vscode', 'host');
  await esbuild.build({
    entryPoints: fs
      .readdirSync(hostDir)
      // GL_HOST_ONLY=worker-problems runs the host test files whose names contain it (development).
      .filter((f) => f.endsWith('.test.ts') && f.includes(process.env.GL_HOST_ONLY ?? ''))
      .map((f) => path.join(hostDir, f)),
    outdir: suiteDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });
  results = await runHostSuite({ extensionPath: repoRoot, suiteDir, folder, timeoutMs: 300_000 });
});

after(() => tmp && fs.rmSync(tmp, { recursive: true, force: true }));

describe('extension-host suite (Mocha inside code-server)', () => {
  it('ran at least one test and reported every result', () => {
    assert.ok(results.passed.length + results.failed.length > 0, 'no host test ran');
  });
  // One node:test per Mocha test, so the closing count covers the host suite too.
  it('every host test passed', async (t) => {
    for (const r of results.passed) await t.test(r.fullTitle, () => {});
    for (const r of results.failed) {
      await t.test(r.fullTitle, () => {
        assert.fail(`${r.error}\n${r.stack}`);
      });
    }
  });
});
