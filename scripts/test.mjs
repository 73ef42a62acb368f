// `npm test`: builds, runs the unit tests, the Python package's pytest suite, then the suites that drive a real VS Code
// (code-server + Chromium), and closes with one line that counts every suite: "N passed, N failed".
//   --unit   unit and Python tests only (no browser, no code-server)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPytest } from './pytest-suite.mjs';

const root = new URL('..', import.meta.url).pathname;
const unitOnly = process.argv.includes('--unit');

function listTests(dir, suffixes) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listTests(path, suffixes));
    else if (suffixes.some((s) => entry.name.endsWith(s))) out.push(path);
  }
  return out.sort();
}

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit', cwd: root });
if (build.status !== 0) {
  console.log('0 passed, 1 failed');
  process.exit(1);
}

// Strict type checking is part of the tests: a type error fails the run like a failing test.
const typecheck = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], {
  stdio: 'inherit',
  cwd: root,
});
const typecheckFailed = typecheck.status === 0 ? 0 : 1;
console.log(typecheckFailed ? 'typecheck: FAILED' : 'typecheck: ok');

// House rules (layer boundaries, no import cycles, the core type-checked without DOM or Node) fail
// the run like a failing test.
const lint = spawnSync('npm', ['run', '--silent', 'lint'], { stdio: 'inherit', cwd: root });
const lintFailed = lint.status === 0 ? 0 : 1;
console.log(lintFailed ? 'lint: FAILED' : 'lint: ok');

const suites = [{ name: 'unit', files: listTests(join(root, 'test/unit'), ['.test.ts', '.test.mjs']), concurrency: true }];
suites.push({
  name: 'python',
  files: listTests(join(root, 'python/tests'), ['.py']).filter((f) => /\/test_[^/]*\.py$/.test(f)),
  pytest: true,
});
let preflightFailed = 0;
if (!unitOnly) {
  try {
    const { preflight } = await import('./vscode/preflight.mjs');
    await preflight();
    suites.push({ name: 'real VS Code', files: listTests(join(root, 'test/vscode'), ['.test.mjs']), concurrency: false });
  } catch (error) {
    console.error(`\nreal-VS-Code suites not run: ${error.message}`);
    preflightFailed = 1;
  }
}

const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-test-'));
let passed = 0;
let failed = typecheckFailed + lintFailed + preflightFailed;
for (const suite of suites) {
  if (suite.files.length === 0) {
    console.error(`no ${suite.name} test files found`);
    failed++;
    continue;
  }
  if (suite.pytest) {
    console.log(`\n=== python tests (${suite.files.length} files, pytest) ===`);
    const result = runPytest(root, scratch);
    passed += result.passed;
    failed += result.failed;
    continue;
  }
  const tap = join(scratch, `${suite.name.replace(/\W/g, '-')}.tap`);
  console.log(`\n=== ${suite.name} tests (${suite.files.length} files) ===`);
  const args = [
    '--import',
    'tsx',
    '--test',
    '--test-reporter=spec',
    '--test-reporter-destination=stdout',
    '--test-reporter=tap',
    `--test-reporter-destination=${tap}`,
  ];
  if (!suite.concurrency) args.push('--test-concurrency=1');
  const run = spawnSync(process.execPath, [...args, ...suite.files], { stdio: 'inherit', cwd: root, env: process.env });
  const summary = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const pass = Number(/^# pass (\d+)/m.exec(summary)?.[1] ?? 0);
  const fail = Number(/^# fail (\d+)/m.exec(summary)?.[1] ?? 0) + Number(/^# cancelled (\d+)/m.exec(summary)?.[1] ?? 0);
  passed += pass;
  // A runner that died without a summary counts as a failure, never as silence.
  failed += fail + (run.status !== 0 && fail === 0 ? 1 : 0);
}
rmSync(scratch, { recursive: true, force: true });
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
