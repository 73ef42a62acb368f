/**
 * Issue 17, crashes on huge K: `gradient-lens jacobian` streams the K × K matrix row by row (stdout
 * JSON and table, --out .json/.csv/.npy) and refuses, located and with the size it would need, an
 * output that cannot fit. The streamed bytes equal what the whole-matrix export gives.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { analyze, type ClassificationAnalysis } from '../../../src/core/analysis';
import { exportJacobian } from '../../../src/core/exportAnalysis';
import { jacobianFileChunks, jacobianJsonLines, jacobianTooLarge } from '../../../src/core/jacobianStream';
import { loadTensorFile } from '../../../src/core/load';
import { readNpy } from '../../../src/core/npy';
import { toRows } from '../../../src/core/analysisReport';
import { softmaxJacobian } from '../../../src/core/softmax';
import { crashLine } from '../../../src/cli/crashLine';
import { cli } from '../../helpers/cli';
import { cliProcess } from '../../helpers/cliProcess';
import { seededUniform } from '../../helpers/seeded';

const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-jacobian-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Seeded logits rows, so the file is the same on every run. */
function logitsFile(k: number, n = 2): string {
  const next = seededUniform(12345);
  const rows = Array.from({ length: n }, () => Array.from({ length: k }, () => (8 * next() - 4).toFixed(3)));
  return JSON.stringify({ logits: rows.map((r) => r.map(Number)), labels: Array.from({ length: n }, (_, i) => i % k) });
}

const concat = (chunks: Iterable<Uint8Array>) => Buffer.concat([...chunks].map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));

describe('the streamed Jacobian equals the whole one', () => {
  const bytes = new TextEncoder().encode(logitsFile(7, 3));
  const loaded = loadTensorFile(bytes, 'x.json');
  const a = analyze(loaded.dataset!) as ClassificationAnalysis;
  const p = a.probabilities.slice(7, 14);

  test("json, csv and npy chunks concatenate to exportJacobian's bytes (with class names)", () => {
    const classes = ['a', 'b,c', 'd', '=e', 'f', 'g', 'h'];
    for (const format of ['json', 'csv', 'npy'] as const) {
      assert.deepEqual(
        concat(jacobianFileChunks(p, 1, format, { fileName: 'x.json', classes })),
        Buffer.from(exportJacobian(a, 1, format, { fileName: 'x.json', classes })),
        format,
      );
    }
  });

  test('the CLI --json lines are {"sample","jacobian"} of softmaxJacobian', () => {
    const text = [...jacobianJsonLines(p, 1)].join('');
    assert.deepEqual(JSON.parse(text), { sample: 1, jacobian: toRows(softmaxJacobian(p), 7, 7) });
    const path = join(dir, 'seven.json');
    writeFileSync(path, bytes);
    assert.equal(cli('jacobian', path, '--sample', '1', '--json').stdout, text);
  });
});

describe('huge K: refused with the size it would need, exit 1, one line', () => {
  test('K = 66,000 (a 130 KB file): no RangeError, no stack trace, in a child process', () => {
    const path = join(dir, 'k66000.json');
    writeFileSync(path, `{"logits": [[${new Array(66_000).fill('0').join(',')}]], "labels": [0]}`);
    for (const args of [['--json'], [], ['--out', join(dir, 'j.npy')], ['--out', join(dir, 'j.npz')]]) {
      const r = cliProcess(['jacobian', path, ...args], { timeoutMs: 60_000, maxOldSpaceMB: 300 });
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stdout, '');
      const lines = r.stderr.split('\n').filter(Boolean);
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0],
        new RegExp(
          `^${path.replace(/[.\\/]/g, '\\$&')}: the softmax Jacobian of 66,000 classes has 4,356,000,000 entries, about [\\d.]+ GB .*above the (2\\.0 GB|256\\.0 MB) an output may have`,
        ),
      );
      assert.doesNotMatch(r.stderr, /RangeError|at .*\.js:\d+/);
    }
  });

  test('the sizes: K = 20,000 is refused for every format; K = 6,000 streams as JSON and .npy, not as .npz', () => {
    assert.match(jacobianTooLarge(20_000, 'json')!, /about 8\.9 GB as JSON/);
    assert.match(jacobianTooLarge(20_000, 'npy')!, /about 3\.0 GB as \.npy/);
    assert.match(jacobianTooLarge(20_000, 'table')!, /as a table/);
    assert.equal(jacobianTooLarge(6_000, 'json'), null);
    // A sigmoid loss's JSON holds two K × K matrices: the guard counts both.
    assert.equal(jacobianTooLarge(9_000, 'json'), null);
    assert.match(
      jacobianTooLarge(9_000, 'json', 10, true)!,
      /^the sigmoid and softmax Jacobians of 9,000 classes have 162,000,000 entries, about 3\.\d GB as JSON/,
    );
    assert.equal(jacobianTooLarge(6_000, 'npy'), null);
    assert.match(jacobianTooLarge(6_000, 'npz')!, /in an \.npz \(built in memory\).*--out J\.npy streams it/);
  });

  test('K = 1,500 --json streams in a 64 MB heap (building it whole needs far more) and has the right entries', () => {
    const path = join(dir, 'k1500.json');
    writeFileSync(path, logitsFile(1500));
    const r = cliProcess(['jacobian', path, '--sample', '1', '--json'], { timeoutMs: 300_000, maxOldSpaceMB: 64 });
    assert.equal(r.status, 0, r.stderr);
    const { sample, jacobian } = JSON.parse(r.stdout) as { sample: number; jacobian: number[][] };
    assert.equal(sample, 1);
    assert.equal(jacobian.length, 1500);
    const a = analyze(loadTensorFile(new Uint8Array(readFileSync(path)), path).dataset!) as ClassificationAnalysis;
    const J = softmaxJacobian(a.probabilities.slice(1500, 3000));
    for (const [j, c] of [
      [0, 0],
      [3, 1499],
      [1499, 3],
      [700, 700],
    ])
      assert.equal(jacobian[j][c], J[j * 1500 + c], `J[${j}][${c}]`);
  });

  test('--out j.npy of K = 1,500 is written in rows and reads back as the matrix', () => {
    const path = join(dir, 'k1500.json');
    const out = join(dir, 'k1500.npy');
    const r = cliProcess(['jacobian', path, '--sample', '1', '--out', out], { timeoutMs: 300_000, maxOldSpaceMB: 64 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^wrote .*k1500\.npy \(18000128 bytes\)\n$/);
    const a = analyze(loadTensorFile(new Uint8Array(readFileSync(path)), path).dataset!) as ClassificationAnalysis;
    assert.deepEqual(readNpy(new Uint8Array(readFileSync(out))).data, softmaxJacobian(a.probabilities.slice(1500, 3000)));
  });

  test('--sample "" and " " are errors, not sample 0', () => {
    const path = join(dir, 'seven2.json');
    writeFileSync(path, logitsFile(3, 2));
    for (const s of ['', ' ']) {
      const r = cli('jacobian', path, '--sample', s);
      assert.equal(r.status, 1);
      assert.equal(r.stderr, `${path}: --sample must be a whole number from 0 to 1, not "${s}"\n`);
    }
  });

  test('anything escaping the CLI is one line, control characters replaced', () => {
    const e = new RangeError('Invalid string length\n    at x (dist/cli.js:1:2)');
    assert.equal(crashLine(e), 'gradient-lens: internal error, please report it: RangeError: Invalid string length\n');
    assert.equal(crashLine(new Error('bad \u001b[31m')), 'gradient-lens: internal error, please report it: bad ?[31m\n');
  });
});
