/**
 * PartThreadPool (issue 22): each thread takes the next unread part. On real worker threads,
 * with as many parts as threads or more, the results come back in job order, equal to reading
 * every part here; with no thread to be had (a script that does not exist) every part is read
 * here. partsFor cuts a file into one part per thread, none below the minimum size.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import { openChunkFile } from '../../../src/node/chunkFile';
import { Worker } from 'node:worker_threads';
import { connectPartThread, PartThreadPool } from '../../../src/node/partThreads';
import {
  partsFor,
  planCsvParts,
  planJsonParts,
  runPlan,
  summarizePart,
  type PartJob,
  type PartPlan,
  type PartResult,
} from '../../../src/node/summaryParts';
import { seededUniform } from '../../helpers/seeded';

const scratch = mkdtempSync(join(tmpdir(), 'gl-part-threads-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const open = (p: string) => openChunkFile(p, DEFAULT_MAX_FILE_BYTES);

function writeCsv(n: number, k: number, seed: number): string {
  const rand = seededUniform(seed);
  const lines = [Array.from({ length: k }, (_, j) => `logit_${j}`).join(',') + ',label'];
  for (let i = 0; i < n; i++) {
    lines.push(`${Array.from({ length: k }, () => ((rand() - 0.5) * 20).toPrecision(17)).join(',')},${Math.floor(rand() * k)}`);
  }
  const path = join(scratch, `rows-${n}x${k}-${seed}.csv`);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** The CSV's plan in `parts` parts (rows not counted). */
function csvPlan(path: string, parts: number) {
  const f = open(path)!;
  try {
    return planCsvParts(path, f, () => parts, { countRows: false })!;
  } finally {
    f.close();
  }
}

const plain = (r: PartResult) => ({ ok: r.ok, hits: r.hits, losses: [...r.losses], bounds: [...r.bounds] });

/** A plan run by `run` (runPlan): the parts' losses joined in file order, and each part's first row. */
function plainRun(plan: PartPlan, run: (jobs: PartJob[]) => PartResult[]) {
  const ran = runPlan(plan, plan.jobs, run, () => assert.fail('run takes every job'));
  if (!ran) return null;
  assert.ok(ran.results.every((r) => r.ok));
  return { losses: ran.results.flatMap((r) => [...r.losses]), firstRows: ran.firstRows };
}

test('partsFor: one part on one thread or below two minimum parts, else one per thread', () => {
  assert.equal(partsFor(1, 100)(10_000), 1);
  assert.equal(partsFor(2, 100)(199), 1);
  assert.equal(partsFor(2, 100)(200), 2);
  assert.equal(partsFor(3, 100)(250), 2);
  assert.equal(partsFor(3, 100)(10_000), 3);
});

test('parts pulled by real threads come back in job order, as if read here; no thread: read here', () => {
  const script = join(scratch, 'part-worker.cjs');
  const entry = join(scratch, 'entry.ts');
  writeFileSync(
    entry,
    `import { runPartWorker } from ${JSON.stringify(fileURLToPath(new URL('../../../src/node/partThreads.ts', import.meta.url)))};\nrunPartWorker();\n`,
  );
  buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'silent' });
  const path = writeCsv(300, 40, 5);
  const plan = csvPlan(path, 12);
  assert.equal(plan.jobs.length, 12, 'more parts than threads');
  const here = plan.jobs.map((job) => plain(summarizePart(job, open)));
  assert.ok(here.every((r) => r.ok && r.losses.length > 0));
  // Every row once, in file order: the parts' rows add up to the file's.
  assert.equal(
    here.reduce((s, r) => s + r.losses.length, 0),
    300,
  );
  for (const threads of [1, 2, 3, 5]) {
    assert.deepEqual(new PartThreadPool(script).run(plan.jobs, threads).map(plain), here, `${threads} threads`);
  }
  assert.deepEqual(new PartThreadPool(join(scratch, 'missing.cjs')).run(plan.jobs, 3).map(plain), here, 'no worker could start');
  // Started before the run (the CLI, while it plans): the run uses those threads and starts none.
  const prestarted = new PartThreadPool(script);
  prestarted.prestart(3);
  assert.equal(prestarted.size, 2, 'threads − 1 started: this thread is the third');
  assert.deepEqual(prestarted.run(plan.jobs, 3).map(plain), here, 'prestarted threads');
  assert.equal(prestarted.size, 2, 'no thread started again');
  prestarted.close();
});

test('a part that is not in the simple layout fails on a thread as it does here', () => {
  const script = join(scratch, 'part-worker.cjs');
  const path = writeCsv(200, 30, 6);
  const plan = csvPlan(path, 6);
  // A job that ends inside a row is not a part in the simple layout: it must fail, not vanish.
  const jobs = plan.jobs.map((job, i) => (i === 3 ? { ...job, end: job.end - 5 } : job));
  const results = new PartThreadPool(script).run(jobs, 2);
  assert.equal(results.length, jobs.length);
  assert.equal(results[3].ok, false);
  // Answered by its thread as refused (its bytes), not read again here.
  assert.equal(results[3].refused, true);
  assert.deepEqual(
    results.map((r) => r.ok),
    jobs.map((job) => summarizePart(job, open).ok),
  );
});

test('a pool keeps its threads between runs: the same results each time, no new threads', () => {
  const script = join(scratch, 'part-worker.cjs');
  const path = writeCsv(240, 20, 8);
  const plan = csvPlan(path, 5);
  const here = plan.jobs.map((job) => plain(summarizePart(job, open)));
  const pool = new PartThreadPool(script);
  try {
    for (let run = 0; run < 3; run++) {
      assert.deepEqual(pool.run(plan.jobs, 3).map(plain), here, `run ${run}`);
      assert.equal(pool.size, 2, 'two threads beside this one, kept');
    }
    // Fewer threads asked for: the pool's first ones do it, none are added.
    assert.deepEqual(pool.run(plan.jobs, 2).map(plain), here);
    assert.equal(pool.size, 2);
  } finally {
    pool.close();
  }
  assert.equal(pool.size, 0);
});

test('threads started elsewhere (the extension host’s), reached through ports: each new pool finds them, same results', async () => {
  const script = join(scratch, 'part-worker.cjs');
  const path = writeCsv(260, 16, 10);
  const plan = csvPlan(path, 8);
  const here = plan.jobs.map((job) => plain(summarizePart(job, open)));
  const threads = [0, 1].map(() => new Worker(script, { workerData: { gradientLensPartPool: true } }));
  try {
    // Two file workers in turn, each with its own ports to the same two threads.
    for (let file = 0; file < 2; file++) {
      const pool = new PartThreadPool(threads.map(connectPartThread));
      assert.equal(pool.size, 2);
      for (const count of [3, 2]) assert.deepEqual(pool.run(plan.jobs, count).map(plain), here, `file ${file}, ${count} threads`);
      pool.close();
    }
  } finally {
    await Promise.all(threads.map((t) => t.terminate()));
  }
});

test('row counts on the threads (count jobs): a CSV plan is the one-thread pre-scan’s; a JSON plan’s parts, counted beside them, read the rows a whole-file read gives', () => {
  const count = (jobs: PartJob[]) => jobs.map((job) => summarizePart(job, open));
  const rand = seededUniform(12);
  const cases: [string, string][] = [];
  for (const [n, k] of [
    [1, 3],
    [7, 2],
    [90, 6],
    [300, 4],
  ]) {
    const logits = Array.from({ length: n }, () => Array.from({ length: k }, () => (rand() * 10 - 5).toFixed(1 + Math.floor(rand() * 12))));
    const labels = Array.from({ length: n }, () => Math.floor(rand() * k));
    const csv = [
      Array.from({ length: k }, (_, j) => `logit_${j}`).join(',') + ',label',
      ...logits.map((r, i) => `${r.join(',')},${labels[i]}`),
    ].join('\n');
    cases.push([`c${n}.csv`, csv + '\n'], [`c${n}-crlf.csv`, csv.replace(/\n/g, '\r\n') + '\r\n\r\n'], [`c${n}-open.csv`, csv]);
    cases.push([`j${n}.json`, `{"logits": [${logits.map((r) => `[${r.join(',')}]`).join(',\n ')}], "labels": [${labels.join(',')}]}`]);
  }
  for (const [name, text] of cases) {
    const path = join(scratch, name);
    writeFileSync(path, text);
    const f = open(path)!;
    try {
      const whole = name.endsWith('.json')
        ? plainRun(
            planJsonParts(path, f, () => 1)!,
            count,
          )!
        : null;
      for (const parts of [1, 2, 3, 5, 16, 400]) {
        if (name.endsWith('.json')) {
          const plan = planJsonParts(path, f, () => parts)!;
          assert.equal(plan.counts?.jobs.length ?? 0, plan.jobs.length - 1, `${name}, ${parts} parts: a count job before each cut`);
          const ran = plainRun(plan, count);
          // A cut past the logits' own ']' (a file of a row or two): not read in parts, read whole.
          const logitsEnd = text.lastIndexOf(']', text.indexOf('"labels"'));
          if (plan.jobs.some((job) => job.start > logitsEnd)) {
            assert.equal(ran, null, `${name}, ${parts} parts: a cut after the rows`);
            continue;
          }
          assert.ok(ran, `${name}, ${parts} parts`);
          // The rows before each cut, counted apart from the reader: the rows' ']' in the text before it.
          const before = plan.jobs.map((job) => text.slice(0, job.start).split(']').length - 1);
          assert.deepEqual(ran.firstRows, before, `${name}, ${parts} parts: first rows`);
          assert.deepEqual(ran.losses, whole!.losses, `${name}, ${parts} parts: every row read, with its own label`);
          continue;
        }
        const serial = planCsvParts(path, f, () => parts)!;
        const counted = planCsvParts(path, f, () => parts, { countOn: count })!;
        assert.ok(serial, name);
        assert.deepEqual(
          { jobs: counted.jobs, rows: counted.rows, firstRows: counted.firstRows, n: counted.n },
          { jobs: serial.jobs, rows: serial.rows, firstRows: serial.firstRows, n: serial.n },
          `${name}, ${parts} parts`,
        );
      }
    } finally {
      f.close();
    }
  }
});

test(
  'a JSON plan whose count cannot be made: the parts waiting for it give up at once, and the plan is refused',
  { timeout: 20_000 },
  () => {
    const rows = Array.from({ length: 40 }, (_, i) => `[${i % 7}.5, -1.25, ${i}]`);
    const path = join(scratch, 'uncounted.json');
    writeFileSync(path, `{"logits": [${rows.join(',\n ')}], "labels": [${rows.map((_, i) => i % 3).join(', ')}]}`);
    const f = open(path)!;
    try {
      const plan = planJsonParts(path, f, () => 4)!;
      assert.equal(plan.counts?.jobs.length, 3);
      // The file is gone for the count jobs (a thread that cannot open it): each marks its count failed.
      const ran = runPlan(plan, plan.jobs, undefined, (job) => summarizePart(job, job.countByte === undefined ? open : () => null));
      assert.equal(ran, null);
      assert.deepEqual([...plan.counts!.rows.subarray(0, 3)], [-2, -2, -2]);
      // And with every count made, the same plan reads every row.
      const fresh = planJsonParts(path, f, () => 4)!;
      const whole = runPlan(fresh, fresh.jobs, undefined, (job) => summarizePart(job, open))!;
      assert.deepEqual(
        whole.results.map((r) => r.losses.length),
        whole.rows,
      );
      assert.equal(
        whole.rows.reduce((a, b) => a + b, 0),
        40,
      );
    } finally {
      f.close();
    }
  },
);
