// The training-run manifest reader (RUN-FORMAT.md) and a step's recomputed loss, against the
// fixtures of test/fixtures/runs/make_runs.py (torch's losses and norms in expected.json).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';
import { loadTensorFile } from '../../../src/core/load';
import { writeNpz } from '../../../src/core/npz';
import { isRunMember } from '../../../src/core/npzRoles';
import { lossDisagreement, stepLoss } from '../../../src/core/runStep';
import { MANIFEST_START, readManifest, readManifestChunk, type ManifestCursor, type RunStep } from '../../../src/core/trainingRun';

const RUNS = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'runs');
const EXPECTED = JSON.parse(readFileSync(join(RUNS, 'expected.json'), 'utf8')) as Record<
  string,
  { step: number; torchLoss: number; loggedLoss: number; norms: Record<string, { gradNorm: number; weightNorm: number }> }[]
>;
const bytesOf = (path: string) => new Uint8Array(readFileSync(path));
const manifest = (run: string) => bytesOf(join(RUNS, run, 'run.jsonl'));
const enc = (s: string) => new TextEncoder().encode(s);
const close = (a: number, b: number, rel: number, what: string) => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b}`);

describe('training-run manifest', () => {
  it('reads the header and every step of a good run, norms as torch computed them', () => {
    const run = readManifest(manifest('good'));
    assert.deepEqual(run.problems, []);
    assert.equal(run.header?.version, 1);
    assert.equal(run.header?.maxSamples, 256);
    assert.deepEqual(run.header?.classes, ['cat', 'dog', 'bird']);
    assert.deepEqual(
      run.steps.map((s) => s.step),
      [0, 1, 2, 3, 4],
    );
    for (const [i, want] of EXPECTED.good.entries()) {
      const s = run.steps[i];
      assert.equal(s.file, `steps/step-0000000${i}.npz`);
      assert.equal(s.line, i + 1);
      assert.equal(s.loss, want.loggedLoss);
      assert.deepEqual(
        s.params.map((p) => p.name),
        ['0.weight', '0.bias', '2.weight', '2.bias'],
      );
      assert.deepEqual(s.params[0].shape, [8, 4]);
      for (const p of s.params) {
        close(p.gradNorm!, want.norms[p.name].gradNorm, 1e-6, `step ${i} ${p.name} gradNorm`);
        close(p.weightNorm, want.norms[p.name].weightNorm, 1e-6, `step ${i} ${p.name} weightNorm`);
        assert.equal(p.hasGrad, true);
      }
    }
  });

  it('fed in arbitrary pieces, returns the same steps as one read, keeping a partial last line pending', () => {
    const bytes = manifest('good');
    const whole = readManifest(bytes).steps;
    for (const piece of [1, 7, 100, 333]) {
      let cursor: ManifestCursor = MANIFEST_START;
      const steps: RunStep[] = [];
      for (let end = piece; ; end = Math.min(bytes.length, end + piece)) {
        // What a reader sees when the file has `end` bytes: the bytes from its cursor to there.
        const chunk = readManifestChunk(bytes.subarray(cursor.offset, end), cursor);
        assert.deepEqual(chunk.problems, [], `piece ${piece}, end ${end}`);
        assert.equal(chunk.pendingBytes, end - chunk.cursor.offset);
        steps.push(...chunk.steps);
        cursor = chunk.cursor;
        if (end === bytes.length) break;
      }
      assert.deepEqual(steps, whole, `pieces of ${piece} bytes`);
      assert.equal(cursor.offset, bytes.length);
    }
  });

  it('a truncated last line is pending, not an error; the CLI-style read warns at its line', () => {
    const bytes = manifest('truncated');
    const chunk = readManifestChunk(bytes);
    assert.deepEqual(chunk.problems, []);
    assert.equal(chunk.steps.length, 5);
    assert.equal(chunk.pendingBytes, 60);
    assert.equal(chunk.cursor.line, 6);
    const run = readManifest(bytes);
    assert.deepEqual(
      run.problems.map((p) => [p.severity, p.line, p.column, p.code]),
      [['warning', 6, 0, 'pending-line']],
    );
  });

  it('malformed lines are located by line and column and do not stop the lines after them', () => {
    const run = readManifest(manifest('malformed'));
    assert.deepEqual(
      run.steps.map((s) => s.step),
      [0, 4],
    );
    const lines = new TextDecoder().decode(manifest('malformed')).split('\n');
    const got = run.problems.map((p) => ({ line: p.line, column: p.column, code: p.code, message: p.message }));
    // line 3: '"time" 1733…' — the parser stops at the number where the colon should be.
    assert.equal(got[0].line, 2);
    assert.equal(got[0].code, 'manifest-json');
    assert.equal(got[0].column, lines[2].indexOf('"time" ') + 7);
    assert.match(got[0].message, /not valid JSON/);
    assert.deepEqual(got[1], {
      line: 3,
      column: lines[3].indexOf('"3"'),
      code: 'manifest-type',
      message: '"step" must be a whole number, not a string ("3")',
    });
    assert.deepEqual(got[2], { line: 4, column: 0, code: 'manifest-missing', message: 'a step record has no "params"' });
    assert.equal(got.length, 3);
  });

  it('wrong types, paths leaving the folder, a bad header, NaN and Infinity norms', () => {
    const head = '{"gradientLensRun": 1, "created": "x", "maxSamples": 4, "maxValues": 9}\n';
    const param = (extra: string) => `{"name": "w", "shape": [2], "weightNorm": 1.5, ${extra}}`;
    const text =
      head +
      `{"step": 0, "time": 1, "file": "../x.npz", "loss": null, "params": []}\n` +
      `{"step": 1, "time": 1, "file": "s/1.npz", "loss": null, "params": [${param('"gradNorm": NaN')}, ${param('"gradNorm": Infinity, "hasGrad": true')}]}\n` +
      `{"step": 2, "time": 1, "file": "s/2.npz", "loss": 1.5, "params": [${param('"gradNorm": null')}]}\n` +
      `{"step": 3, "time": 1, "file": "s/3.npz", "loss": 1, "params": [${param('"gradNorm": -1')}]}\n` +
      `[1, 2]\n\n  \n`;
    const run = readManifest(enc(text));
    assert.deepEqual(
      run.steps.map((s) => s.step),
      [1, 2],
    );
    assert.ok(Number.isNaN(run.steps[0].params[0].gradNorm!));
    assert.equal(run.steps[0].params[1].gradNorm, Infinity);
    assert.deepEqual([run.steps[1].params[0].gradNorm, run.steps[1].params[0].hasGrad, run.steps[1].loss], [null, false, 1.5]);
    const lines = text.split('\n');
    assert.deepEqual(
      run.problems.map((p) => [p.line, p.column, p.code]),
      [
        [1, lines[1].indexOf('"../'), 'manifest-file'],
        [4, lines[4].indexOf('-1'), 'manifest-range'],
        [5, 0, 'manifest-type'],
      ],
    );
    const bad = readManifest(enc('{"gradientLensRun": 2}\n'));
    assert.equal(bad.header, null);
    assert.deepEqual(
      bad.problems.map((p) => [p.line, p.column, p.code]),
      [[0, 20, 'manifest-version']],
    );
  });

  it('columns count UTF-16 units after non-ASCII text, and a BOM takes none', () => {
    const text = '\ufeff{"gradientLensRun": 1}\n{"step": 0, "time": 1, "file": "é/ü.npz", "loss": "x", "params": []}\n';
    const run = readManifest(enc(text));
    assert.equal(run.header?.version, 1);
    const line = text.split('\n')[1];
    assert.deepEqual(
      run.problems.map((p) => [p.line, p.column]),
      [[1, line.indexOf('"x"')]],
    );
  });
});

describe('a step file', () => {
  it('the loss recomputed from each step’s logits and labels is torch’s (float64), and agrees with the logged float32 loss', () => {
    for (const want of EXPECTED.good) {
      const file = `steps/step-0000000${want.step}.npz`;
      const result = stepLoss(bytesOf(join(RUNS, 'good', file)), file);
      assert.ok(result.ok, JSON.stringify(result));
      assert.equal(result.n, 6);
      close(result.loss, want.torchLoss, 1e-12, `step ${want.step}`);
      assert.equal(lossDisagreement(result.loss, want.loggedLoss), null);
    }
  });

  it('a logged loss 0.1% off is a disagreement; NaN against a number is one too', () => {
    const [want] = EXPECTED['loss-mismatch'];
    const result = stepLoss(bytesOf(join(RUNS, 'loss-mismatch', 'steps/step-00000000.npz')), 'step-00000000.npz');
    assert.ok(result.ok);
    close(
      lossDisagreement(result.loss, want.loggedLoss)!,
      Math.abs(want.torchLoss - want.loggedLoss) / want.loggedLoss,
      1e-9,
      'relative difference',
    );
    assert.ok(lossDisagreement(result.loss, want.loggedLoss)! > 9e-4);
    assert.equal(lossDisagreement(1, NaN), Infinity);
    assert.equal(lossDisagreement(1 + 5e-7, 1), null);
  });

  it('sample_indices, loss and grad.* never take a role: logits alone are not matched to sample_indices', () => {
    assert.deepEqual(['sample_indices', 'loss', 'grad.0.weight', 'labels', 'gradient'].map(isRunMember), [true, true, true, false, false]);
    const n = 4;
    const k = 3;
    const logits = { data: Float64Array.from({ length: n * k }, (_, i) => Math.sin(i)), shape: [n, k] };
    const indices = { data: Int32Array.from([0, 1, 2, 0]), shape: [n] };
    const grad = { data: new Float64Array(n * k), shape: [n, k] };
    const alone = loadTensorFile(
      writeNpz({ logits, sample_indices: indices, 'grad.fc.weight': grad, loss: { data: Float64Array.of(1), shape: [] } }),
      'step.npz',
    );
    assert.equal(alone.dataset, null);
    assert.equal(alone.problems[0].code, 'no-targets');
    assert.doesNotMatch(alone.problems[0].message, /sample_indices/);
    // An unnamed pair still matches by content: run members are the only names set aside.
    const plain = loadTensorFile(writeNpz({ scores_a: logits, idx: indices }), 'plain.npz');
    assert.equal(plain.dataset?.task, 'classification');
  });
});

describe('training-run manifest, fuzzed', () => {
  const good = new TextDecoder().decode(manifest('good'));
  const positionsInside = (text: string, problems: { line: number; column: number }[]) => {
    const lines = text.split('\n');
    for (const p of problems) {
      assert.ok(p.line >= 0 && p.line < lines.length, `line ${p.line} of ${lines.length}`);
      assert.ok(p.column >= 0 && p.column <= lines[p.line].length + 1, `column ${p.column} of line ${p.line} (${lines[p.line].length})`);
    }
  };

  it('mutated manifests: never a throw, every problem inside the text, steps only from complete lines', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.integer({ min: 0, max: 40 }),
        fc.string({ maxLength: 12 }),
        (at, cut, insert) => {
          const text = good.slice(0, at) + insert + good.slice(at + cut);
          const run = readManifest(enc(text));
          positionsInside(text, run.problems);
          for (const s of run.steps) assert.ok(Number.isInteger(s.step) && s.step >= 0);
        },
      ),
      { numRuns: 400, seed: 21 },
    );
  });

  it('random bytes and deep nesting: never a throw', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        readManifest(bytes);
      }),
      { numRuns: 400, seed: 22 },
    );
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    for (const text of [deep + '\n', `{"gradientLensRun": 1}\n${deep}\n`, `{"gradientLensRun": 1}\n{"step": 0, "params": ${deep}}\n`]) {
      const run = readManifest(enc(text));
      assert.ok(run.problems.length > 0);
      positionsInside(text, run.problems);
    }
  });
});
