/**
 * The bad-input corpus (issue 8): every file in test/fixtures/bad/ goes through the CLI in-process,
 * and its exit status and each `FILE:LINE:COL: message` line must be exactly what
 * test/fixtures/bad/expected.json says. Some cases are expected to succeed (a BOM, CRLF, `;`
 * delimiters, 1e308, …): for those the manifest gives N, K and the loss instead.
 *
 * The two inputs too big to commit are generated here, into os.tmpdir(), and deleted afterwards:
 * 100,000 levels of nesting, and a 200 MB logits file whose loss is known in closed form (plus
 * the same file truncated mid-row).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cli } from '../../helpers/cli';

interface ExpectedProblem {
  line: number;
  column: number;
  /** As printed after `FILE:LINE:COL: ` (warnings keep their `warning: ` prefix). */
  message: string;
}

interface Case {
  file: string;
  /** What the file exercises, for people. */
  case: string;
  exit: 0 | 1;
  problems: ExpectedProblem[];
  /** For successful cases: samples, classes (outputs for regression) and the mean loss. */
  n?: number;
  k?: number;
  loss?: number;
}

const dir = fileURLToPath(new URL('../../fixtures/bad/', import.meta.url));
const manifest = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { cases: Case[] };
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-bad-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function stderrLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '');
}

function expectedLines(path: string, problems: ExpectedProblem[]): string[] {
  // NumPy files have no lines: line 0 means the CLI prints FILE: MESSAGE.
  return problems.map((p) => (p.line === 0 ? `${path}: ${p.message}` : `${path}:${p.line}:${p.column}: ${p.message}`));
}

describe('bad-input corpus: exit status and FILE:LINE:COL: message for every file', () => {
  test('the manifest covers every corpus file once, and the corpus has at least 50 files', () => {
    const files = readdirSync(dir).filter((f) => f !== 'expected.json' && f !== 'make_binary.mjs' && !f.startsWith('.'));
    const listed = manifest.cases.map((c) => c.file);
    assert.equal(new Set(listed).size, listed.length, 'a file is listed twice');
    assert.deepEqual([...listed].sort(), [...files].sort());
    assert.ok(files.length >= 50, `only ${files.length} corpus files`);
    for (const c of manifest.cases) {
      assert.ok(c.exit === 0 || c.problems.some((p) => !p.message.startsWith('warning: ')), `${c.file}: a failing case needs an error`);
      if (c.exit === 0)
        assert.ok(c.n !== undefined && c.k !== undefined && typeof c.loss === 'number', `${c.file}: a successful case needs n, k and loss`);
    }
  });

  for (const c of manifest.cases) {
    test(`${c.file}: ${c.case}`, () => {
      const path = join(dir, c.file);
      const r = cli('analyze', path, '--json', '--summary');
      assert.deepEqual(stderrLines(r.stderr), expectedLines(path, c.problems));
      assert.equal(r.status, c.exit);
      if (c.exit === 0) {
        const report = JSON.parse(r.stdout) as { n: number; k?: number; d?: number; loss: number };
        assert.equal(report.n, c.n);
        assert.equal(report.k ?? report.d, c.k);
        assert.ok(Math.abs(report.loss - c.loss!) <= 1e-12 * Math.max(1, Math.abs(c.loss!)), `loss ${report.loss}, expected ${c.loss}`);
      } else {
        assert.equal(r.stdout, '', 'nothing on stdout for bad input');
      }
    });
  }

  test('jacobian and check report the same located problems as analyze', () => {
    for (const c of manifest.cases.filter((k) => k.exit === 1)) {
      const path = join(dir, c.file);
      for (const command of ['jacobian', 'check']) {
        const r = cli(command, path);
        assert.equal(r.status, 1, `${command} ${c.file}`);
        assert.deepEqual(stderrLines(r.stderr), expectedLines(path, c.problems), `${command} ${c.file}`);
      }
    }
  });

  test('make_binary.mjs writes exactly the committed odd-byte files', () => {
    const out = join(scratch, 'made');
    const r = spawnSync(process.execPath, [join(dir, 'make_binary.mjs'), out], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const made = readdirSync(out);
    assert.ok(made.length >= 15, `only ${made.length} files made`);
    for (const file of made) assert.deepEqual(readFileSync(join(out, file)), readFileSync(join(dir, file)), file);
  });
});

describe('generated bad input (too large to commit)', () => {
  const DEPTH = 100_000;

  test('100,000 levels of nested arrays: a located depth error, no stack overflow', () => {
    const path = join(scratch, 'deep.json');
    writeFileSync(path, `{"logits": ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}, "labels": [0]}\n`);
    const r = cli('analyze', path);
    assert.equal(r.status, 1);
    // `{"logits": ` is 11 columns; the 256th '[' is the first one too deep.
    assert.deepEqual(stderrLines(r.stderr), [
      `${path}:1:267: arrays and objects are nested more than 256 levels deep here; a tensor file needs at most 3 (an object holding N×K arrays)`,
    ]);
  });

  test('100,000 unclosed brackets at the top level, and 100,000 nested objects', () => {
    const brackets = join(scratch, 'brackets.json');
    writeFileSync(brackets, '['.repeat(DEPTH));
    let r = cli('analyze', brackets);
    assert.equal(r.status, 1);
    assert.deepEqual(stderrLines(r.stderr), [
      `${brackets}:1:257: arrays and objects are nested more than 256 levels deep here; a tensor file needs at most 3 (an object holding N×K arrays)`,
    ]);

    const objects = join(scratch, 'objects.json');
    writeFileSync(objects, '{"a": '.repeat(DEPTH) + '1' + '}'.repeat(DEPTH));
    r = cli('analyze', objects);
    assert.equal(r.status, 1);
    assert.deepEqual(stderrLines(r.stderr), [
      `${objects}:1:${6 * 256 + 1}: arrays and objects are nested more than 256 levels deep here; a tensor file needs at most 3 (an object holding N×K arrays)`,
    ]);
  });

  /**
   * Row i holds the logits z_j = a·j (j = 0…K−1) with a = (i mod 8 + 1)/8, and label y = i mod K.
   * Then Σ_j e^{z_j} is a geometric series, and the loss of the row is
   *   L_i = log((e^{K·a} − 1) / (e^a − 1)) − a·y,
   * so the mean loss is known without running a softmax. Multiples of 1/8 print exactly.
   */
  test(
    'a 200 MB logits file parses to the right N, K and closed-form loss; cut mid-row it is a located truncation',
    { timeout: 600_000 },
    () => {
      const K = 16;
      const rows = Array.from(
        { length: 8 },
        (_, p) => '[' + Array.from({ length: K }, (_, j) => (((p + 1) / 8) * j).toFixed(6).padStart(9)).join(', ') + ']',
      );
      const head = '{"logits": [\n';
      const rowBytes = rows[0].length + 2; // every pattern prints to the same width, plus ",\n"
      const target = 200 * 1024 * 1024;
      const n = Math.ceil((target - head.length) / rowBytes / K) * K;
      const path = join(scratch, 'big.json');
      const fd = openSync(path, 'w');
      let chunk = head;
      for (let i = 0; i < n; i++) {
        chunk += rows[i % 8] + (i === n - 1 ? '\n' : ',\n');
        if (chunk.length > 1 << 20) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      chunk += '],\n"labels": [';
      for (let i = 0; i < n; i++) {
        chunk += (i % K) + (i === n - 1 ? '' : ',');
        if (chunk.length > 1 << 20) {
          writeSync(fd, chunk);
          chunk = '';
        }
      }
      writeSync(fd, chunk + ']}\n');
      closeSync(fd);
      assert.ok(statSync(path).size >= target, `the file is ${statSync(path).size} bytes`);
      assert.ok(rows.every((r) => r.length === rows[0].length));

      // (i mod 8, i mod K) repeats every lcm(8, K) = K rows, and n is a multiple of K.
      let expected = 0;
      for (let i = 0; i < K; i++) {
        const a = ((i % 8) + 1) / 8;
        expected += Math.log(Math.expm1(K * a) / Math.expm1(a)) - a * (i % K);
      }
      expected /= K;
      const r = cli('analyze', path, '--json', '--summary');
      assert.equal(r.stderr, '');
      assert.equal(r.status, 0);
      const report = JSON.parse(r.stdout) as { n: number; k: number; loss: number };
      assert.equal(report.n, n);
      assert.equal(report.k, K);
      assert.ok(Math.abs(report.loss - expected) <= 1e-9 * expected, `loss ${report.loss}, expected ${expected}`);

      // Cut inside row r, just after its third number: the file now ends in the middle of the array.
      const r0 = n - 1000;
      const within = rows[r0 % 8].indexOf(', ', rows[r0 % 8].indexOf(', ', rows[r0 % 8].indexOf(', ') + 1) + 1);
      truncateSync(path, head.length + r0 * rowBytes + within);
      const cut = cli('analyze', path, '--json', '--summary');
      assert.equal(cut.status, 1);
      // Line 1 is `{"logits": [`; row r is on line r + 2.
      assert.deepEqual(stderrLines(cut.stderr), [
        `${path}:${r0 + 2}:${within + 1}: the file ends unexpectedly inside an array; is it truncated?`,
      ]);
      rmSync(path);
    },
  );
});
