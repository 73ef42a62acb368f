/**
 * Check your own gradients (issue 18): files written by test/fixtures/own-gradients/make_mistakes.py
 * (exact values from PyTorch autograd, each classic mistake made from them) through the core check
 * and the CLI contract.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadTensorFile } from '../../../src/core/load';
import { readNpz } from '../../../src/core/npz';
import { writeSafetensors } from '../../../src/core/safetensors';
import { checkUserGradients, distinct, sameShape, type UserGradientReport } from '../../../src/core/userGradientCheck';
import { cli } from '../../helpers/cli';

const DIR = join(__dirname, '..', '..', 'fixtures', 'own-gradients');
const path = (name: string) => join(DIR, name);

function check(name: string, options: { rtol?: number; atol?: number; reduction?: 'mean' | 'sum' } = {}): UserGradientReport {
  const bytes = new Uint8Array(readFileSync(path(name)));
  const loaded = loadTensorFile(bytes, name);
  assert.ok(loaded.dataset, `${name} loads: ${JSON.stringify(loaded.problems)}`);
  assert.ok(loaded.userGradients?.tensors.length, `${name} carries derivatives`);
  return checkUserGradients(loaded.dataset, loaded.userGradients, options);
}

function diagnosisOf(report: UserGradientReport, tensor: string): string | null {
  const t = report.tensors.find((x) => x.name === tensor);
  assert.ok(t, `no tensor ${tensor} in ${report.tensors.map((x) => x.name)}`);
  return t.diagnosis;
}

/** Softmax of one row, written out here so the test does not lean on the code it checks. */
function softmax(z: number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe('own gradients: right files pass', () => {
  for (const name of [
    'right.json',
    'right-jacobians.json',
    'right-float32-rounded.json',
    'right-float32-computed.json',
    'dlogits-alias.json',
    'reduction-sum.json',
    'probabilities-right.json',
    'regression-right.json',
    'network-right.json',
    'network-sigmoid-right.json',
    'network-dbiases-keepdims.json',
    'right.npz',
  ]) {
    it(name, () => {
      const r = check(name);
      assert.equal(r.wrongEntries, 0, r.problems.map((p) => p.message).join('\n'));
      assert.ok(r.entries > 0);
    });
  }

  it('agrees with PyTorch to 1e-9 relative (the fixtures hold autograd values to 12 digits)', () => {
    for (const name of [
      'right.json',
      'right-jacobians.json',
      'probabilities-right.json',
      'regression-right.json',
      'network-right.json',
      'network-sigmoid-right.json',
    ]) {
      const r = check(name, { rtol: 1e-9, atol: 1e-15 });
      assert.equal(r.wrongEntries, 0, `${name}: ${r.problems.map((p) => p.message).join('\n')}`);
    }
  });

  it('float32 arithmetic passes: rtol applies to the size of p and y where p − y cancels', () => {
    // nnfs computes (p − y)/N in float32; for p ≈ 0.9995 the difference loses digits: its relative
    // error is above 1e-5, yet it is as exact as float32 p allows.
    const r = check('right-float32-computed.json');
    assert.equal(r.wrongEntries, 0);
    assert.ok(r.worstRelative > 1e-5, String(r.worstRelative));
  });

  it('a float32 rounding of the right answer fails only when the tolerance is tighter than float32', () => {
    assert.equal(check('right-float32-rounded.json').wrongEntries, 0);
    assert.ok(check('right-float32-rounded.json', { rtol: 1e-10, atol: 0 }).wrongEntries > 0);
  });
});

describe('own gradients: each classic mistake is named', () => {
  const cases: [string, string, RegExp][] = [
    ['forgot-1-over-n.json', 'dinputs', /^forgot the 1\/N: these are p − y, not \(p − y\)\/N \(batch size N = 6\)$/],
    ['sign-flipped.json', 'dinputs', /^the sign is flipped: \(y − p\)\/N instead of \(p − y\)\/N$/],
    ['sign-flipped.npz', 'dinputs', /^the sign is flipped/],
    ['p-instead-of-p-minus-y.json', 'dinputs', /^used p instead of p − y/],
    ['dp-for-dz.json', 'dinputs', /^this is ∂L\/∂p = −y\/\(p·N\), given where ∂L\/∂z was expected/],
    ['dz-for-dp.json', 'dinputs', /^this is ∂L\/∂z = \(p − y\)\/N, given where ∂L\/∂p was expected/],
    ['regression-forgot-2.json', 'dinputs', /^forgot the factor 2/],
    ['jacobian-diagonal-only.json', 'jacobian', /^the diagonal only: .*off-diagonal terms are missing/],
    ['jacobian-ppt-without-diagonal.json', 'jacobian', /^−p pᵀ without diag\(p\)/],
    ['jacobian-wrong-sample.json', 'jacobian', /^this is the Jacobian of sample 0, but "sample" says 2$/],
    ['network-transposed-dweights.json', 'layer 1 dweights', /^transposed: 4 × 5 \(inputs × outputs/],
    ['network-dbiases-not-summed.json', 'layer 2 dbiases', /^not summed over the batch/],
    [
      'network-sigmoid-derivative-at-output.json',
      'layer 1 dweights',
      /^the sigmoid derivative was taken at the output a instead of the input z/,
    ],
  ];
  for (const [file, tensor, words] of cases) {
    it(`${file}: ${tensor}`, () => {
      const r = check(file);
      assert.ok(r.wrongEntries > 0);
      assert.match(diagnosisOf(r, tensor) ?? '(none)', words);
    });
  }

  it('the sigmoid mistake leaves the layer above it right and reaches dinputs and dbiases below', () => {
    const r = check('network-sigmoid-derivative-at-output.json');
    const byName = Object.fromEntries(r.tensors.map((t) => [t.name, t]));
    assert.equal(byName['layer 2 dweights'].wrong, 0);
    assert.equal(byName['layer 2 dbiases'].wrong, 0);
    assert.match(byName['layer 1 dbiases'].diagnosis ?? '', /taken at the output/);
    assert.match(byName['dinputs'].diagnosis ?? '', /taken at the output/);
  });

  it('a partial match names the entries instead of a mistake', () => {
    const r = check('partial.json');
    assert.equal(r.wrongEntries, 3);
    assert.equal(diagnosisOf(r, 'dinputs'), null);
    assert.deepEqual(
      r.wrong.map((w) => w.index),
      [1 * 4 + 2, 3 * 4 + 0, 4 * 4 + 3],
    );
  });

  it('a right tensor is never diagnosed, and each mistake only on the tensor that has it', () => {
    const r = check('network-transposed-dweights.json');
    for (const t of r.tensors) if (t.name !== 'layer 1 dweights') assert.equal(t.wrong, 0, t.name);
  });
});

describe('own gradients: reduction', () => {
  it('"reduction": "sum" in the file means no 1/N', () => {
    const r = check('reduction-sum.json');
    assert.equal(r.reduction, 'sum');
    assert.equal(r.wrongEntries, 0);
  });
  it('with reduction sum, p − y is right and (p − y)/N is "divided by N"', () => {
    assert.equal(check('forgot-1-over-n.json', { reduction: 'sum' }).wrongEntries, 0);
    const r = check('right.json', { reduction: 'sum' });
    assert.match(diagnosisOf(r, 'dinputs') ?? '', /^divided by N = 6, but the reduction is sum/);
    // The Jacobian does not depend on the reduction.
    assert.equal(r.tensors.find((t) => t.name === 'jacobian')!.wrong, 0);
  });
  it('network gradients with reduction sum are N times the mean ones', () => {
    const r = check('network-right.json', { reduction: 'sum' });
    for (const t of r.tensors) assert.match(t.diagnosis ?? '', /^divided by N = 6, but the reduction is sum/, t.name);
  });
});

describe('own gradients: messages and positions', () => {
  it('a wrong entry says given, exact and the formula with its numbers', () => {
    const r = check('partial.json');
    const file = JSON.parse(readFileSync(path('partial.json'), 'utf8'));
    const right = JSON.parse(readFileSync(path('right.json'), 'utf8'));
    const p = softmax(file.logits[1]);
    const y = file.labels[1] === 2 ? 1 : 0;
    const [g, e] = distinct(file.dinputs[1][2], right.dinputs[1][2]);
    assert.equal(
      r.wrong[0].message,
      `dinputs[1][2] is ${g} but ∂L/∂z is ${e} ((p − y)/N with p = ${Number(p[2].toPrecision(3))}, y = ${y}, N = 6)`,
    );
    assert.ok(Math.abs(r.wrong[0].expected - right.dinputs[1][2]) < 1e-12);
  });

  it('each wrong entry is located at its own number in the file', () => {
    const text = readFileSync(path('partial.json'), 'utf8');
    const r = check('partial.json');
    const values = JSON.parse(text).dinputs;
    for (const w of r.wrong) {
      const written = text.slice(w.start, w.end);
      assert.equal(Number(written), values[Math.floor(w.index / 4)][w.index % 4]);
    }
  });

  it('CSV cells are located too', () => {
    const text = readFileSync(path('own-gradients.csv'), 'utf8');
    const r = check('own-gradients.csv');
    assert.deepEqual(
      r.wrong.map((w) => w.index),
      [2 * 4 + 1, 4 * 4 + 0],
    );
    const lines = text.split('\n');
    for (const w of r.wrong) {
      const row = Math.floor(w.index / 4);
      const cells = lines[row + 1].split(',');
      assert.equal(text.slice(w.start, w.end), cells[5 + (w.index % 4)]);
    }
    assert.match(r.wrong[1].message, /^dinput_0 of sample 4 is -0\.101 but ∂L\/∂z is 0\.101 /);
  });

  it('shapes agree up to axes of length 1', () => {
    assert.ok(sameShape([1, 3], [3]));
    assert.ok(sameShape([6, 4], [6, 4]));
    assert.ok(!sameShape([4, 6], [6, 4]));
    assert.ok(sameShape([], [1]));
  });

  it('a tensor that is not numbers is a warning, and the file still loads', () => {
    const bytes = new TextEncoder().encode('{"logits": [[1, 2], [0, 1]], "labels": [0, 1], "dinputs": "todo"}');
    const loaded = loadTensorFile(bytes, 'x.json');
    assert.ok(loaded.dataset);
    const w = loaded.problems.find((p) => p.code === 'user-gradient')!;
    assert.equal(w.severity, 'warning');
    assert.match(w.message, /^"dinputs" must be an array of numbers/);
    assert.equal(new TextDecoder().decode(bytes.subarray(w.start, w.end)), '"todo"');
  });
});

describe('own gradients: gradient-lens check', () => {
  it('exit 0 and one line when every entry matches', () => {
    const r = cli('check', path('right.json'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'gradient check: all 40 entries of dinputs, jacobian match (rtol 1e-5, atol 1e-8, reduction mean)\n');
  });

  it('exit 1, FILE:LINE:COL per wrong entry, then the summary', () => {
    const file = path('partial.json');
    const text = readFileSync(file, 'utf8');
    const r = cli('check', file);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 3 + 2);
    // The positions, found independently: the row's line, the column of its j-th number.
    const textLines = text.split('\n');
    const first = textLines.findIndex((l) => l.includes('"dinputs"')) + 1;
    [
      [1, 2],
      [3, 0],
      [4, 3],
    ].forEach(([i, j], n) => {
      const line = textLines[first + i];
      let col = line.indexOf('[') + 1;
      for (let c = 0; c < j; c++) col = line.indexOf(',', col) + 1;
      while (line[col] === ' ') col++;
      assert.ok(lines[n].startsWith(`${file}:${first + i + 1}:${col + 1}: dinputs[${i}][${j}] is `), lines[n]);
    });
    assert.match(
      lines[3],
      /^gradient check: 3 of 24 entries differ \(rtol 1e-5, atol 1e-8, reduction mean\); worst relative error \d\.\d\de\+1$/,
    );
    assert.equal(lines[4], 'dinputs: 3 of 24 entries differ: dinputs[1][2], dinputs[3][0], dinputs[4][3]');
  });

  it('lists the first 20 wrong entries, then a count, and names the mistake', () => {
    const r = cli('check', path('forgot-1-over-n.json'));
    assert.equal(r.status, 1);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.filter((l) => / is .* but ∂L\/∂z is /.test(l)).length, 20);
    assert.equal(lines[20], '…and 4 more wrong entries');
    assert.match(lines[21], /^gradient check: 24 of 24 entries differ .*; worst relative error 5\.00e\+0$/);
    assert.equal(lines[22], 'dinputs: forgot the 1/N: these are p − y, not (p − y)/N (batch size N = 6)');
  });

  it('--rtol and --atol set the tolerance', () => {
    // Half of every entry: relative error 0.5 exactly.
    assert.equal(cli('check', path('regression-forgot-2.json'), '--rtol', '0.4').status, 1);
    assert.equal(cli('check', path('regression-forgot-2.json'), '--rtol', '0.6').status, 0);
    assert.equal(cli('check', path('right-float32-rounded.json')).status, 0);
    assert.equal(cli('check', path('right-float32-rounded.json'), '--rtol', '1e-12', '--atol', '0').status, 1);
    const bad = cli('check', path('right.json'), '--atol=-1');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--atol must be a number ≥ 0/);
  });

  it('--reduction sum and --json', () => {
    assert.equal(cli('check', path('forgot-1-over-n.json'), '--reduction', 'sum').status, 0);
    const r = cli('check', path('partial.json'), '--json');
    assert.equal(r.status, 1);
    const out = JSON.parse(r.stdout);
    assert.equal(out.passed, false);
    assert.equal(out.wrongEntries, 3);
    assert.deepEqual(
      out.wrong.map((w: { entry: string }) => w.entry),
      ['dinputs[1][2]', 'dinputs[3][0]', 'dinputs[4][3]'],
    );
  });

  it('a shape mismatch is one error at the tensor, with the mistake', () => {
    const file = path('network-dbiases-not-summed.json');
    const r = cli('check', file);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /:\d+:\d+: "layer 2 dbiases" has shape \[6, 3\] but ∂L\/∂b₂ has shape \[3\]: not summed over the batch/);
  });

  it('a tensor that cannot be compared is not a pass', () => {
    const dir = mkdtempSync(join(tmpdir(), 'own-'));
    const file = join(dir, 'x.json');
    writeFileSync(file, '{"logits": [[1, 0], [0, 1]], "labels": [0, 1], "sample": 9, "jacobian": [[0.2, -0.2], [-0.2, 0.2]]}');
    const r = cli('check', file);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /^.*x\.json:1:\d+: "sample" is 9 but the file has 2 samples \(0…1\); "jacobian" is not checked$/m);
    writeFileSync(file, '{"logits": [[1, 0], [0, 1]], "labels": [0, 1], "dinputs": []}');
    assert.equal(cli('check', file).status, 1);
    rmSync(dir, { recursive: true });
  });

  it('.npz files are named without a line', () => {
    const r = cli('check', path('sign-flipped.npz'));
    assert.equal(r.status, 1);
    assert.ok(r.stderr.startsWith(`${path('sign-flipped.npz')}: dinputs[0][0] is `), r.stderr);
  });

  it('.safetensors files too (their bytes have no lines: "1:1" named nothing), with the .npz file’s findings', () => {
    const arrays = readNpz(readFileSync(path('sign-flipped.npz')));
    const entry = (name: string) => {
      const a = arrays.get(name)!;
      return { data: a.kind === 'int' ? Int32Array.from(a.data) : a.data, shape: a.shape };
    };
    const dir = mkdtempSync(join(tmpdir(), 'own-'));
    const file = join(dir, 'sign-flipped.safetensors');
    writeFileSync(file, writeSafetensors({ logits: entry('logits'), labels: entry('labels'), dinputs: entry('dinputs') }));
    const r = cli('check', file);
    const npz = cli('check', path('sign-flipped.npz'));
    assert.equal(r.status, 1);
    assert.equal(r.stderr, npz.stderr.replaceAll(path('sign-flipped.npz'), file));
    rmSync(dir, { recursive: true });
  });

  it('files without derivatives keep the finite-difference check', () => {
    const r = cli('check', join(__dirname, '..', '..', '..', 'examples', 'network.json'));
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^ok {3}/);
  });

  it('the examples: nnfs-right passes, nnfs-wrong names the transposed weights and the wrong bias', () => {
    const ex = (n: string) => join(__dirname, '..', '..', '..', 'examples', n);
    assert.equal(cli('check', ex('nnfs-right.json')).status, 0);
    const r = cli('check', ex('nnfs-wrong.json'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /layer 2 dweights: transposed/);
    assert.match(r.stderr, /layer 1 dbiases: 1 of 3 entries differ: layer 1 dbiases\[1\]/);
  });
});
