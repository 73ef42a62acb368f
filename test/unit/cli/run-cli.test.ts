// `gradient-lens run DIR`: the fixtures of test/fixtures/runs (make_runs.py) through the CLI, losses
// against torch's, located messages for bad and partial runs, exit status.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/commands';

const RUNS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'runs');
const EXPECTED = JSON.parse(readFileSync(join(RUNS, 'expected.json'), 'utf8')) as Record<
  string,
  { step: number; torchLoss: number; loggedLoss: number; norms: Record<string, { gradNorm: number; weightNorm: number }> }[]
>;

function cli(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const status = runCli(args, {
    readFile: (path) => new Uint8Array(readFileSync(path)),
    fileSize: () => 0,
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}

interface Json {
  steps: {
    step: number;
    loss: number | null;
    loggedLoss: number | null;
    layers: { name: string; gradNorm: number; weightNorm: number; health: string }[];
  }[];
}

describe('gradient-lens run', () => {
  it('--json: per step the loss recomputed from the logged tensors equals torch’s, the norms are torch’s', () => {
    for (const target of [join(RUNS, 'good'), join(RUNS, 'good', 'run.jsonl'), join(RUNS, 'good') + '/']) {
      const { status, stdout, stderr } = cli('run', target, '--json');
      assert.equal(stderr, '');
      assert.equal(status, 0);
      const out = JSON.parse(stdout) as Json;
      assert.deepEqual(
        out.steps.map((s) => s.step),
        [0, 1, 2, 3, 4],
      );
      for (const [i, want] of EXPECTED.good.entries()) {
        const s = out.steps[i];
        assert.ok(Math.abs(s.loss! - want.torchLoss) <= 1e-12 * want.torchLoss, `step ${i}: ${s.loss} vs torch ${want.torchLoss}`);
        assert.equal(s.loggedLoss, want.loggedLoss);
        assert.deepEqual(
          s.layers.map((l) => l.name),
          Object.keys(want.norms),
        );
        for (const l of s.layers) {
          assert.ok(Math.abs(l.gradNorm - want.norms[l.name].gradNorm) <= 1e-6 * want.norms[l.name].gradNorm, `${l.name} gradNorm`);
          assert.ok(Math.abs(l.weightNorm - want.norms[l.name].weightNorm) <= 1e-6 * want.norms[l.name].weightNorm, `${l.name} weightNorm`);
          assert.equal(l.health, 'ok');
        }
      }
    }
  });

  it('the table: one line per step with both losses and the gradient norms', () => {
    const { status, stdout } = cli('run', join(RUNS, 'good'));
    assert.equal(status, 0);
    const rows = stdout.split('\n').filter((l) => /^\s+\d+\s/.test(l));
    assert.equal(rows.length, 5);
    const cells = rows[2].trim().split(/\s+/).map(Number);
    assert.equal(cells[0], 2);
    assert.ok(Math.abs(cells[1] - EXPECTED.good[2].torchLoss) < 1e-6);
    assert.ok(Math.abs(cells[3] - EXPECTED.good[2].norms['0.weight'].gradNorm) < 1e-6);
    // --vanishing-threshold: a ratio ‖∂L/∂W‖/‖W‖ of ~0.1 is vanishing under a threshold of 1.
    assert.match(cli('run', join(RUNS, 'good'), '--vanishing-threshold', '1').stdout, /↓/);
  });

  it('a missing step file: FILE:LINE:COL at the step’s "file", exit 1, the other steps still reported', () => {
    const { status, stdout, stderr } = cli('run', join(RUNS, 'missing-step'), '--json');
    assert.equal(status, 1);
    const manifest = join(RUNS, 'missing-step', 'run.jsonl');
    const col = readFileSync(manifest, 'utf8').split('\n')[3].indexOf('"steps/') + 1;
    assert.equal(stderr, `${manifest}:4:${col}: step 2: its file steps/step-00000002.npz is missing\n`);
    const out = JSON.parse(stdout) as Json;
    assert.deepEqual(
      out.steps.map((s) => s.loss === null),
      [false, false, true, false, false],
    );
  });

  it('malformed lines: one located error each, exit 1; a line being written: a warning, exit 0', () => {
    const bad = cli('run', join(RUNS, 'malformed'));
    assert.equal(bad.status, 1);
    const manifest = join(RUNS, 'malformed', 'run.jsonl');
    const lines = readFileSync(manifest, 'utf8').split('\n');
    assert.deepEqual(bad.stderr.trimEnd().split('\n'), [
      `${manifest}:3:${lines[2].indexOf('"time" ') + 8}: not valid JSON: unexpected '1' after the key "time"; expected ':'`,
      `${manifest}:4:${lines[3].indexOf('"3"') + 1}: "step" must be a whole number, not a string ("3")`,
      `${manifest}:5:1: a step record has no "params"`,
    ]);
    const partial = cli('run', join(RUNS, 'truncated'), '--json');
    assert.equal(partial.status, 0);
    assert.equal(
      partial.stderr,
      `${join(RUNS, 'truncated', 'run.jsonl')}:7:1: warning: line 7 has no newline yet (it is being written, or the writer stopped); it is ignored until it is complete\n`,
    );
    assert.equal((JSON.parse(partial.stdout) as Json).steps.length, 5);
  });

  it('a logged loss that is not the loss of the logged tensors: a located warning naming the step and both values', () => {
    const { status, stderr } = cli('run', join(RUNS, 'loss-mismatch'));
    assert.equal(status, 0);
    const warnings = stderr.trimEnd().split('\n');
    assert.equal(warnings.length, 2);
    const want = EXPECTED['loss-mismatch'][1];
    assert.match(
      warnings[1],
      new RegExp(
        `run\\.jsonl:3:\\d+: warning: step 1: the loss recomputed from steps/step-00000001\\.npz is 1\\.09\\d+, the logged loss is ${want.loggedLoss}: 9\\.99e-4 relative`,
      ),
    );
  });

  it('a logged loss over a larger batch than the step file keeps (batchSize) is not compared; a null weight norm is read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gl-run-'));
    try {
      cpSync(join(RUNS, 'loss-mismatch'), dir, { recursive: true });
      const path = join(dir, 'run.jsonl');
      const lines = readFileSync(path, 'utf8').split('\n');
      // Step 1's logged loss differs from its rows' loss; a batch of 10,000 rows explains it.
      const step1 = JSON.parse(lines[2]);
      step1.batchSize = 10_000;
      step1.params[0].weightNorm = null;
      lines[2] = JSON.stringify(step1);
      writeFileSync(path, lines.join('\n'));
      const { status, stdout, stderr } = cli('run', dir, '--json');
      assert.equal(status, 0, stderr);
      assert.doesNotMatch(stderr, /step 1: the loss recomputed/);
      const json = JSON.parse(stdout) as Json;
      assert.equal(json.steps[1].loggedLoss, EXPECTED['loss-mismatch'][1].loggedLoss);
      assert.equal(json.steps[1].layers[0].weightNorm, null);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('not a run folder: a message and exit 1, never a throw', () => {
    const { status, stderr } = cli('run', join(RUNS, 'no-such-run'));
    assert.equal(status, 1);
    assert.match(stderr, /no-such-run\/run\.jsonl: no run\.jsonl here: not a training-run folder/);
  });
});
