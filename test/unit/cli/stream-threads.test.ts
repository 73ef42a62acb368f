/**
 * Issue 22, `--threads N`: a CSV summarised in parts on N threads prints the same bits as on one.
 * In process the parts run one after another (the split and the in-order sum are the same code);
 * then dist's own bundle (built here into a temp dir) runs them on real worker threads.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { defaultThreads, THREADS_FROM_BYTES } from '../../../src/cli/commands';
import { openChunkFile, streamedSummary } from '../../../src/cli/streamSummary';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import { cli, cliWithChunks } from '../../helpers/cli';
import { seededUniform } from '../../helpers/seeded';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-threads-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const open = (p: string) => openChunkFile(p, DEFAULT_MAX_FILE_BYTES);

function csvText(n: number, k: number, seed: number, digits = 17): string {
  const rand = seededUniform(seed);
  const lines = [Array.from({ length: k }, (_, j) => `logit_${j}`).join(',') + ',label'];
  for (let i = 0; i < n; i++) {
    const row = Array.from({ length: k }, () => ((rand() - 0.5) * 30).toPrecision(digits));
    lines.push(`${row.join(',')},${Math.floor(rand() * k)}`);
  }
  return lines.join('\n') + '\n';
}

describe('--threads: the same bits for every N', () => {
  test('in process, parts of a few hundred bytes: N = 1…5 give the same report, and the full reader agrees', () => {
    const files: Record<string, string> = {
      'a.csv': csvText(300, 7, 1),
      'b.csv': csvText(120, 3, 2, 6).replace(/\n/g, '\r\n'),
      'c.csv': csvText(200, 10, 3).trimEnd(),
      // Broken in the third part: every N falls back to the same full reader's message.
      'bad.csv': csvText(100, 4, 4) + '1,2,x,4,0\n' + csvText(50, 4, 5).split('\n').slice(1).join('\n'),
      'blank.csv': csvText(60, 4, 6) + '\n\n' + csvText(60, 4, 7).split('\n').slice(1).join('\n'),
    };
    for (const [name, text] of Object.entries(files)) {
      const path = join(scratch, name);
      writeFileSync(path, text);
      const one = JSON.stringify(streamedSummary(path, open, () => null, 'mean', { count: 1 }));
      assert.equal(one === 'null', name === 'bad.csv' || name === 'blank.csv', `${name} streamed`);
      for (const count of [2, 3, 4, 5]) {
        const many = JSON.stringify(streamedSummary(path, open, () => null, 'mean', { count, minPartBytes: 256 }));
        assert.equal(many, one, `${name}, ${count} threads`);
      }
      const full = cli('analyze', path, '--json', '--summary', '--threads', '1');
      if (one !== 'null') assert.deepEqual(JSON.parse(full.stdout), JSON.parse(one), `${name}: the full reader`);
      else assert.equal(full.stdout === '' || name === 'blank.csv', true, `${name}: fell back`);
    }
  });

  test('without --threads: one thread below 128 MB (a cold thread does not pay for itself there), every core from 128 MB', () => {
    const sized = (bytes: number) => ({
      fileSize: () => bytes,
    });
    assert.equal(defaultThreads('a.json', sized(THREADS_FROM_BYTES - 1)), 1);
    assert.equal(defaultThreads('a.json', sized(THREADS_FROM_BYTES)), availableParallelism());
    assert.equal(
      defaultThreads('a.json', {
        fileSize: () => {
          throw new Error('ENOENT');
        },
      }),
      1,
    );
  });

  test('--threads must be a whole number from 1', () => {
    for (const bad of ['0', '-1', '1.5', 'x', '']) assert.equal(cli('analyze', 'x.csv', '--threads', bad).status, 2, bad);
  });

  test('real worker threads (the CLI bundle): N = 1, 2, 3 print the same bytes, and the same errors', () => {
    const bundle = join(scratch, 'cli.js');
    buildSync({
      entryPoints: [join(root, 'src/cli/main.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'error',
    });
    // 27 MB: three parts of at least 8 MB.
    const path = join(scratch, 'big.csv');
    const body = csvText(400, 1000, 9, 9).split('\n');
    const fd = openSync(path, 'w');
    writeSync(fd, body[0] + '\n');
    for (let i = 0; i < 7200; i++) writeSync(fd, body[1 + (i % 400)] + '\n');
    closeSync(fd);
    const bad = join(scratch, 'big-bad.csv');
    const fd2 = openSync(bad, 'w');
    writeSync(fd2, body[0] + '\n');
    for (let i = 0; i < 7200; i++) writeSync(fd2, (i === 6000 ? body[1].replace(',', ',,') : body[1 + (i % 400)]) + '\n');
    closeSync(fd2);
    for (const file of [path, bad]) {
      const outs = [1, 2, 3].map((n) =>
        spawnSync(process.execPath, [bundle, 'analyze', file, '--summary', '--json', '--threads', String(n)], { encoding: 'utf8' }),
      );
      for (const r of outs.slice(1)) {
        assert.equal(r.stdout, outs[0].stdout);
        assert.equal(r.stderr, outs[0].stderr);
        assert.equal(r.status, outs[0].status);
      }
      if (file === bad) assert.match(outs[0].stderr, /big-bad\.csv:6002:\d+: /);
      else assert.equal((JSON.parse(outs[0].stdout) as { n: number }).n, 7200);
    }
    // The table and one sample's Jacobian read the file in parts too (row counts, then parts, on
    // one pool of threads): the same bytes for every N, and the table is the full reader's.
    // `check` needs every row: the logits are kept as the parts are read, on the same threads.
    for (const args of [
      ['analyze', path],
      ['jacobian', path, '--sample', '7000', '--json'],
      ['check', path, '--json'],
    ]) {
      // The Jacobian of K = 1,000 is 23 MB of JSON: more than spawnSync's default buffer.
      const outs = [1, 2, 3].map((n) =>
        spawnSync(process.execPath, [bundle, ...args, '--threads', String(n)], { encoding: 'utf8', maxBuffer: 1 << 27 }),
      );
      for (const r of outs) assert.deepEqual([r.status, r.stderr, r.stdout], [outs[0].status, outs[0].stderr, outs[0].stdout], args[0]);
      assert.equal(outs[0].status, 0, outs[0].stderr);
    }
    // The gradient written by --out: the same bytes on one thread and on two.
    const gradients = [1, 2].map((n) => {
      const out = join(scratch, `gradient-${n}.npy`);
      const r = spawnSync(process.execPath, [bundle, 'analyze', path, '--out', out, '--threads', String(n)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return readFileSync(out);
    });
    assert.equal(gradients[0].length, 128 + 8 * 7200 * 1000);
    assert.ok(gradients[1].equals(gradients[0]), '--out x.npy on two threads');
    const table = spawnSync(process.execPath, [bundle, 'analyze', path, '--threads', '2'], { encoding: 'utf8' }).stdout;
    assert.equal(table, cliWithChunks(['analyze', path], null).stdout, 'the full reader’s table');
    // --json and --out X.json: the rows of p and ∂L/∂z formatted in blocks on the threads (two
    // windows of blocks here), the same bytes as on one thread, which the full reader's tests check.
    const wide = join(scratch, 'wide.csv');
    writeFileSync(wide, csvText(2000, 100, 5, 4));
    const jsons = [1, 2, 3].map((n) => {
      const out = join(scratch, `analysis-${n}.json`);
      const r = spawnSync(process.execPath, [bundle, 'analyze', wide, '--json', '--out', out, '--threads', String(n)], {
        encoding: 'utf8',
        maxBuffer: 1 << 27,
      });
      assert.equal(r.status, 0, r.stderr);
      return { stdout: r.stdout, file: readFileSync(out) };
    });
    for (const r of jsons.slice(1)) {
      assert.equal(r.stdout, jsons[0].stdout, '--json');
      assert.ok(r.file.equals(jsons[0].file), '--out x.json');
    }
    assert.equal((JSON.parse(jsons[0].stdout) as { probabilities: number[][] }).probabilities.length, 2000);
    const csvs = [1, 2].map((n) => {
      const out = join(scratch, `analysis-${n}.csv`);
      const r = spawnSync(process.execPath, [bundle, 'analyze', wide, '--out', out, '--threads', String(n)], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return readFileSync(out);
    });
    assert.ok(csvs[1].equals(csvs[0]), '--out x.csv');
    assert.equal(csvs[0].toString('utf8').split('\n').length, 2002); // the header, 2,000 rows, the final newline
  });
});
