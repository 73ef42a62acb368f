/**
 * The CLI's numbers against PyTorch autograd (float64), on every case of the golden set that
 * test/reference/make_reference.py generated.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertClose } from '../../helpers/close';
import { cli } from '../../helpers/cli';

const dir = join(__dirname, '..', '..', 'fixtures', 'reference');
const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
  suggestedTolerance: { relative: number; absolute: number };
  cases: { name: string; kind: string; input: string; expected: string }[];
};
const { relative, absolute } = index.suggestedTolerance;
const KEYS: Record<string, string[]> = {
  classification: ['loss', 'losses', 'probabilities', 'gradient', 'logitGradient'],
  regression: ['loss', 'losses', 'gradient'],
  network: ['loss', 'losses', 'gradients'],
};

describe('CLI analyze --json matches PyTorch', () => {
  for (const c of index.cases) {
    it(`${c.name} (${c.kind})`, () => {
      const { status, stdout, stderr } = cli('analyze', join(dir, c.input), '--json');
      assert.equal(stderr, '');
      assert.equal(status, 0);
      const actual = JSON.parse(stdout);
      const expected = JSON.parse(readFileSync(join(dir, c.expected), 'utf8'));
      assert.equal(actual.task, expected.task);
      for (const key of KEYS[c.kind]) assertClose(actual[key], expected[key], relative, absolute, key);
    });
  }
});

describe('CLI jacobian --json matches torch.autograd.functional.jacobian', () => {
  for (const c of index.cases) {
    const file = join(dir, `${c.name}.jacobian.expected.json`);
    if (!existsSync(file)) continue;
    const expected = JSON.parse(readFileSync(file, 'utf8')) as { sample: number; jacobian: number[][] }[];
    it(`${c.name}: samples ${expected.map((e) => e.sample).join(', ')}`, () => {
      for (const e of expected) {
        const { status, stdout } = cli('jacobian', join(dir, c.input), '--sample', String(e.sample), '--json');
        assert.equal(status, 0);
        const actual = JSON.parse(stdout);
        assert.equal(actual.sample, e.sample);
        assertClose(actual.jacobian, e.jacobian, relative, absolute, `sample ${e.sample}`);
      }
    });
  }
});

describe('CLI check: finite differences agree with every analytic gradient of the golden set', () => {
  for (const c of index.cases) {
    it(c.name, () => {
      const { status, stdout } = cli('check', join(dir, c.input), '--json');
      const checks = JSON.parse(stdout) as { name: string; passed: boolean; checked: number }[];
      assert.ok(checks.length > 0);
      for (const check of checks) assert.ok(check.passed, `${check.name}: ${JSON.stringify(check)}`);
      assert.equal(status, 0);
    });
  }
});
