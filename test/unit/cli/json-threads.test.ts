/**
 * Issue 22, `--threads N` for JSON: a logits file in the simple layout is cut at the rows of its
 * "logits" array by a structural pre-scan and summarised in parts; every N prints the same bits as
 * one thread, and a broken part (here the second) makes every N fall back to the single-threaded
 * full reader, whose message and line:column are the reference. In process the parts run one after
 * another; then the CLI's own bundle runs them on real worker threads (N = 1, 2, 3).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { openChunkFile, streamedSummary } from '../../../src/cli/streamSummary';
import { summarizePart, type PartJob } from '../../../src/node/summaryParts';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import { cli } from '../../helpers/cli';
import { seededUniform } from '../../helpers/seeded';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-json-threads-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const open = (p: string) => openChunkFile(p, DEFAULT_MAX_FILE_BYTES);

/** json.dump's layout: {"logits": [[z, …], …], "labels": [i, …]}. */
function rowsOf(n: number, k: number, seed: number, digits = 17) {
  const rand = seededUniform(seed);
  const rows: string[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(`[${Array.from({ length: k }, () => Number(((rand() - 0.5) * 30).toPrecision(digits))).join(', ')}]`);
    labels.push(Math.floor(rand() * k));
  }
  return { rows, labels };
}
const jsonText = (rows: string[], labels: number[], sep = ', ') => `{"logits": [${rows.join(sep)}], "labels": [${labels.join(', ')}]}`;

describe('JSON --threads: the same bits for every N', () => {
  test('in process, parts of a few hundred bytes: N = 1…5 give the same report, and the full reader agrees', () => {
    const a = rowsOf(300, 7, 1);
    const b = rowsOf(120, 3, 2, 6);
    const c = rowsOf(200, 10, 3);
    const badRows = [...c.rows];
    badRows[100] = badRows[100].replace(', ', ', "x", '); // in the second of three parts
    const files: Record<string, string> = {
      'a.json': jsonText(a.rows, a.labels),
      'b.json': jsonText(b.rows, b.labels, ',\n  ').replace('{"logits": [', '{\n "logits" : [\n  ') + '\n',
      'c.json': jsonText(c.rows, c.labels),
      'bad.json': jsonText(badRows, c.labels),
      'short-labels.json': jsonText(a.rows, a.labels.slice(1)),
    };
    for (const [name, text] of Object.entries(files)) {
      const path = join(scratch, name);
      writeFileSync(path, text);
      const one = JSON.stringify(streamedSummary(path, open, () => null, 'mean', { count: 1 }));
      assert.equal(one === 'null', name === 'bad.json' || name === 'short-labels.json', `${name} streamed`);
      for (const count of [2, 3, 4, 5]) {
        const failed: boolean[] = [];
        const gaveUp: boolean[] = []; // after the part that failed (PartStops)
        let counted = 0; // the pre-scan's row counts, run on the threads too
        const runParts = (jobs: PartJob[]) =>
          jobs.map((job) => {
            const r = summarizePart(job, open);
            if (job.countByte === undefined) {
              failed.push(!r.ok && !r.afterStop);
              gaveUp.push(r.afterStop === true);
            } else counted++;
            return r;
          });
        const many = JSON.stringify(streamedSummary(path, open, () => null, 'mean', { count, minPartBytes: 256, runParts }));
        assert.equal(many, one, `${name}, ${count} threads`);
        // Not vacuous: the file was cut into `count` parts, and only the broken one failed.
        assert.equal(failed.length, count, `${name}: ${count} parts`);
        // The rows before each cut: counted on the threads, beside the parts (runPlan).
        assert.equal(counted, count - 1, `${name}: the pre-scan's count jobs`);
        if (name === 'bad.json') {
          assert.equal(failed.filter(Boolean).length, 1, `${name}: one part failed`);
          // Every part after it gave up, none before it.
          assert.deepEqual(
            gaveUp,
            failed.map((_, i) => i > failed.indexOf(true)),
            `${name}: the parts after the failed one gave up`,
          );
        }
        if (one !== 'null')
          assert.ok(
            failed.every((f) => !f),
            `${name}: every part read`,
          );
      }
      const full = cli('analyze', path, '--json', '--summary', '--threads', '1');
      if (one !== 'null') assert.deepEqual(JSON.parse(full.stdout), JSON.parse(one), `${name}: the full reader`);
      else assert.equal(full.status, 1, `${name}: the full reader's error`);
    }
  });

  test('every example and bad-input corpus JSON file: parts of 16 bytes give what one thread gives', () => {
    const files = [
      ...readdirSync(join(root, 'examples')).map((f) => join(root, 'examples', f)),
      ...readdirSync(join(root, 'test/fixtures/bad')).map((f) => join(root, 'test/fixtures/bad', f)),
    ].filter((p) => p.endsWith('.json') && !p.endsWith('expected.json'));
    assert.ok(files.length > 50);
    let split = 0;
    for (const path of files) {
      const one = JSON.stringify(streamedSummary(path, open, () => null, 'mean', { count: 1 }));
      let parts = 0;
      const runParts = (jobs: PartJob[]) => ((parts = jobs.length), jobs.map((job) => summarizePart(job, open)));
      for (const count of [2, 3]) {
        assert.equal(JSON.stringify(streamedSummary(path, open, () => null, 'mean', { count, minPartBytes: 16, runParts })), one, path);
      }
      if (parts > 1) split++;
    }
    assert.ok(split >= 3, `only ${split} files were split`);
  });

  test('fuzzing: 300 seeded mutations of a small file, parts of 16 bytes give what one thread gives', () => {
    const { rows, labels } = rowsOf(40, 5, 21, 6);
    const text = jsonText(rows, labels);
    const rand = seededUniform(22);
    const pieces = ['[', ']', ',', '"', '\\', ' ', '\n', '1', '-', 'e', '.', 'x', '{', '}', ':', '"logits"'];
    const path = join(scratch, 'fuzz.json');
    let differentOutcomes = 0;
    for (let round = 0; round < 300; round++) {
      let mutated = text;
      for (let m = 0; m < 1 + Math.floor(rand() * 3); m++) {
        const at = Math.floor(rand() * mutated.length);
        const piece = pieces[Math.floor(rand() * pieces.length)];
        mutated = rand() < 0.5 ? mutated.slice(0, at) + piece + mutated.slice(at + 1) : mutated.slice(0, at) + piece + mutated.slice(at);
      }
      writeFileSync(path, mutated);
      const one = JSON.stringify(streamedSummary(path, open, () => null, 'mean', { count: 1 }));
      for (const count of [2, 3]) {
        const many = JSON.stringify(streamedSummary(path, open, () => null, 'mean', { count, minPartBytes: 16 }));
        assert.equal(many, one, `round ${round}, ${count} threads: ${mutated.slice(0, 200)}`);
      }
      if (one === 'null') differentOutcomes++;
    }
    // Not vacuous: many mutations break the simple layout, many leave it readable.
    assert.ok(differentOutcomes > 30 && differentOutcomes < 290, `${differentOutcomes} of 300 fell back`);
  });

  test('real worker threads (the CLI bundle): N = 1, 2, 3 print the same bytes, and the same error at the same line:column', () => {
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
    // About 27 MB, one row a line: three parts of at least 8 MB.
    const { rows, labels } = rowsOf(400, 1000, 9, 9);
    const write = (path: string, broken: number) => {
      const fd = openSync(path, 'w');
      writeSync(fd, '{"logits": [\n');
      for (let i = 0; i < 1400; i++) writeSync(fd, (i ? ',\n' : '') + (i === broken ? rows[i % 400].replace(', ', ', , ') : rows[i % 400]));
      writeSync(fd, `\n], "labels": [${Array.from({ length: 1400 }, (_, i) => labels[i % 400]).join(', ')}]}\n`);
      closeSync(fd);
    };
    const good = join(scratch, 'big.json');
    const bad = join(scratch, 'big-bad.json');
    write(good, -1);
    write(bad, 700); // the middle of the file: the second of two or three parts
    for (const file of [good, bad]) {
      const outs = [1, 2, 3].map((n) =>
        spawnSync(process.execPath, [bundle, 'analyze', file, '--summary', '--json', '--threads', String(n)], { encoding: 'utf8' }),
      );
      for (const r of outs.slice(1)) {
        assert.equal(r.stdout, outs[0].stdout);
        assert.equal(r.stderr, outs[0].stderr);
        assert.equal(r.status, outs[0].status);
      }
      if (file === bad) assert.match(outs[0].stderr, /big-bad\.json:702:\d+: /);
      else assert.equal((JSON.parse(outs[0].stdout) as { n: number }).n, 1400);
    }
  });
});
