// The Python package's pytest suite (python/tests) for scripts/test.mjs. Runs Debian's python3 (apt's
// python3-torch, -numpy, -pytest, -pip; see .ci/run) unless GRADIENT_LENS_PYTHON names another,
// writes no cache or bytecode into the repository, and counts from pytest's JUnit XML summary.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export function runPytest(root, scratch) {
  const python = process.env.GRADIENT_LENS_PYTHON || (existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
  const xml = join(scratch, 'pytest.xml');
  const args = ['-m', 'pytest', '-p', 'no:cacheprovider', '-q', '-rs', `--junitxml=${xml}`, join(root, 'python/tests')];
  const run = spawnSync(python, args, { stdio: 'inherit', cwd: root, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  if (run.error) {
    console.error(`python tests: cannot run ${python}: ${run.error.message}`);
    return { passed: 0, failed: 1 };
  }
  const suite = existsSync(xml) ? (/<testsuite\b[^>]*>/.exec(readFileSync(xml, 'utf8'))?.[0] ?? '') : '';
  const count = (name) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
  const tests = count('tests');
  const broken = count('failures') + count('errors');
  // A skip means a missing dependency (torch, pip): CI must install it, so it counts as a failure.
  const failed = broken + count('skipped');
  if (count('skipped') > 0) console.error(`python tests: ${count('skipped')} skipped, counted as failed (see the reasons above)`);
  // Exit code 5 is "no tests collected"; any other non-zero exit without a counted failure is a
  // runner that died (pytest missing, a collection error): failures, never silence.
  const died = run.status !== 0 && failed === 0 ? 1 : 0;
  if (run.status === 5) console.error('python tests: pytest collected no tests');
  return { passed: tests - broken - count('skipped'), failed: failed + died };
}
