/**
 * A part after one that stopped gives up (PartStops, issue 22): the file's answer is decided at or
 * before the stopped part, so the later part's rows are not read (the CLI), or only its line tables
 * are built (the worker). The parts are run here in an order threads could take them: the last part
 * first, told mid-way (after a few of its reads) that the first part has stopped, as a thread
 * reading it beside the other would be. The answer is the full reader's either way. Once any part
 * finds a fault, no part keeps logits (`check` and the worker read them into shared memory).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import { lineIndexOf } from '../../../src/core/load';
import { runPipeline } from '../../../src/core/pipeline';
import type { PartsStop } from '../../../src/core/summaryStream';
import { streamedSummary } from '../../../src/cli/streamSummary';
import { openChunkFile, READ_CHUNK_BYTES, type ChunkFile } from '../../../src/node/chunkFile';
import { analyzeLogitFile } from '../../../src/node/logitFileAnalysis';
import { streamedProblem, streamedProblemAnalysis, type GaveUp } from '../../../src/node/streamedProblem';
import { rowArrays, withSmallBlocks } from '../../../src/core/summaryRows';
import { lineStretch, planCsvParts, runPlan, summarizePart, type PartJob, type PartResult } from '../../../src/node/summaryParts';
import { csvOf, jsonOf, seededLogitRows } from '../../helpers/logitFiles';

const dir = mkdtempSync(join(tmpdir(), 'gl-parts-give-up-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const open = (p: string) => openChunkFile(p, DEFAULT_MAX_FILE_BYTES);

/** The last part's job, result and bytes read, and the first part's result. */
interface Seen {
  job?: PartJob;
  result?: PartResult;
  first?: PartResult;
  bytes: number;
}

/**
 * A PartRunner's runParts that runs the count jobs, then the last part, then the others. With
 * `stopAfterReads`, after that many of the last part's reads the first part is marked stopped
 * (PartStops), as a thread reading it at the same time would mark it.
 */
function lastPartFirst(seen: Seen, stopAfterReads = Infinity): (jobs: PartJob[]) => PartResult[] {
  return (jobs) => {
    const results: PartResult[] = new Array(jobs.length);
    const parts = [...jobs.keys()].filter((i) => jobs[i].countByte === undefined);
    for (const [i, job] of jobs.entries()) if (job.countByte !== undefined) results[i] = summarizePart(job, open);
    if (parts.length === 0) return results; // a CSV plan's row counts
    const last = parts[parts.length - 1];
    const job = (seen.job = jobs[last]);
    let reads = 0;
    const counting = (p: string): ChunkFile | null => {
      const f = open(p)!;
      return {
        ...f,
        read: (into, at, length, position) => {
          if (++reads === stopAfterReads) Atomics.store(job.stops!.earliest, 0, 0);
          const got = f.read(into, at, length, position);
          seen.bytes += got;
          return got;
        },
      };
    };
    results[last] = seen.result = summarizePart(job, counting);
    for (const i of parts.slice(0, -1)) results[i] = summarizePart(jobs[i], open);
    seen.first = results[parts[0]];
    return results;
  };
}

/** `analyze --summary` of the file in 2 parts run by `runParts`: it must not summarise it; what it gave up with. */
function partsGaveUp(path: string, runParts: (jobs: PartJob[]) => PartResult[]): GaveUp | undefined {
  let gaveUp: GaveUp | undefined;
  const threads = { count: 2, minPartBytes: 2048, runParts };
  assert.equal(
    streamedSummary(
      path,
      open,
      () => null,
      'mean',
      threads,
      (s) => (gaveUp = s),
    ),
    null,
  );
  return gaveUp;
}

/** A runParts that runs the jobs in file order here, keeping the last part's result. */
function inFileOrder(seen: Seen): (jobs: PartJob[]) => PartResult[] {
  return (jobs) => {
    const results = jobs.map((job) => summarizePart(job, open));
    seen.result = results[results.length - 1];
    return results;
  };
}

/** 4,000 rows of 40 logits (about 1.8 MB: several reads a part) with `edit` applied to the text's lines. */
function fileWith(name: string, edit: (lines: string[]) => void): { path: string; text: string } {
  const rows = seededLogitRows(4000, 40, 61);
  const lines = (name.endsWith('.csv') ? csvOf(rows) : jsonOf(rows)).split('\n');
  edit(lines);
  const text = lines.join('\n');
  const path = join(dir, name);
  writeFileSync(path, text);
  assert.ok(text.length > 6 * READ_CHUNK_BYTES);
  return { path, text };
}

/** A value of line `at` made "abc" (a CSV's first cell, a JSON row's second value). */
const badValueAt = (at: number) => (lines: string[]) => {
  lines[at] = lines[at].replace(/^(\[?[^,]*, ?)[^,]*/, '$1abc');
};

test('a part told mid-way that an earlier part stopped gives up: the CLI reads no more of it, the answer is the full reader’s', () => {
  for (const name of ['early.csv', 'early.json']) {
    const { path, text } = fileWith(name, badValueAt(150));
    const full = runPipeline(new TextEncoder().encode(text), name);
    assert.match(full.problems[0].message, /abc/, name);
    const seen: Seen = { bytes: 0 };
    const gaveUp = partsGaveUp(path, lastPartFirst(seen, 2));
    const job = seen.job!;
    assert.equal(seen.result!.afterStop, true, `${name}: the last part gave up`);
    assert.equal(seen.result!.losses.length, 0, name);
    // It read two chunks of its bytes, no more.
    assert.ok(seen.bytes <= 2 * READ_CHUNK_BYTES && job.end - job.start > 3 * READ_CHUNK_BYTES, `${name}: read ${seen.bytes}`);
    const f = open(path)!;
    try {
      assert.deepEqual(streamedProblem(f, name, { gaveUp }), full.problems, name);
    } finally {
      f.close();
    }
    // In file order, the first part's own stop is what the last part sees.
    const inOrder: Seen = { bytes: 0 };
    partsGaveUp(path, inFileOrder(inOrder));
    assert.equal(inOrder.result!.afterStop, true, `${name} in file order: the last part gave up`);
    assert.equal(inOrder.result!.losses.length, 0, name);
  }
});

test('the worker’s part that gives up mid-way still builds its line tables: the whole file’s, and the full pipeline’s result', () => {
  // A non-ASCII byte in the last part, after where it gives up: its lines must say so.
  const withCafe = (lines: string[]) => {
    badValueAt(150)(lines);
    lines[3800] = lines[3800].replace('e', '\u00e9');
  };
  for (const name of ['lines.csv', 'lines.json']) {
    const { path, text } = fileWith(name, withCafe);
    const bytes = new TextEncoder().encode(text);
    const seen: Seen = { bytes: 0 };
    let stop: PartsStop | undefined;
    const threads = { count: 2, minPartBytes: 2048, runParts: lastPartFirst(seen, 2), gaveUp: (s: PartsStop) => (stop = s) };
    assert.equal(analyzeLogitFile(path, name, {}, threads), null, name);
    const result = seen.result!;
    assert.equal(result.afterStop, true, `${name}: the last part gave up`);
    assert.equal(result.rows, undefined, `${name}: its rows not read`);
    const f = open(path)!;
    try {
      assert.deepEqual(result.lines, lineStretch(f, seen.job!.start, seen.job!.end, false), `${name}: the part's line tables`);
    } finally {
      f.close();
    }
    assert.ok(stop && 'failure' in stop && stop.lines, name);
    const found = streamedProblemAnalysis(path, name, DEFAULT_MAX_FILE_BYTES, undefined, stop)!;
    assert.deepEqual(found.result, runPipeline(bytes, name, { rowsOnDemand: true }), name);
    assert.deepEqual(found.lines, lineIndexOf(bytes, name).tables, name);
  }
});

test('a part before the one that stopped reads on, though it runs after it: the stop is still the first', () => {
  for (const name of ['late.csv', 'late.json']) {
    const { path, text } = fileWith(name, badValueAt(3700));
    const seen: Seen = { bytes: 0 };
    const gaveUp = partsGaveUp(path, lastPartFirst(seen));
    assert.equal(seen.result!.refused, true, `${name}: the last part stopped`);
    assert.equal(seen.result!.afterStop, undefined, name);
    assert.ok(seen.first!.ok && seen.first!.losses.length > 1000, `${name}: the first part read all its rows`);
    const f = open(path)!;
    try {
      assert.deepEqual(streamedProblem(f, name, { gaveUp }), runPipeline(new TextEncoder().encode(text), name).problems, name);
    } finally {
      f.close();
    }
  }
});

/**
 * The CSV `name` read in 2 parts into a RowTarget with logits (as `check` reads it), the parts run
 * by `order` (part indices): each part's result, and the logits kept (NaN where none was).
 */
function keptLogits(
  path: string,
  order: number[],
): { results: PartResult[]; values: Float64Array; firstRows: number[]; k: number; faultSeenWhileReading: boolean[] } {
  const f = open(path)!;
  try {
    const plan = planCsvParts(path, f, () => 2)!;
    assert.equal(plan.jobs.length, 2);
    const shared = (bytes: number) => new SharedArrayBuffer(bytes);
    const values = new Float64Array(shared(8 * plan.n * plan.k)).fill(NaN);
    const arrays = rowArrays(plan.n, shared);
    const jobs = plan.jobs.map((job, i) => ({ ...job, target: { firstRow: plan.firstRows[i], ...arrays, values } }));
    // Whether a part's own reads saw the shared fault flag raised (by itself, before it ended).
    const faultSeenWhileReading = plan.jobs.map(() => false);
    const run = (all: PartJob[]) => {
      const results: PartResult[] = new Array(all.length);
      for (const i of order) {
        const watching = (p: string): ChunkFile | null => {
          const f = open(p)!;
          return {
            ...f,
            read: (into, at, length, position) => {
              if (Atomics.load(all[i].stops!.faulty, 0) > 0) faultSeenWhileReading[i] = true;
              return f.read(into, at, length, position);
            },
          };
        };
        results[i] = summarizePart(all[i], watching);
      }
      return results;
    };
    const ran = runPlan(plan, jobs, run, () => assert.fail('run takes every job'))!;
    return { results: ran.results, values, firstRows: plan.firstRows, k: plan.k, faultSeenWhileReading };
  } finally {
    f.close();
  }
}

/** Whether rows [from, to) of `values` (k a row) were all kept, or none was. */
function rowsKept(values: Float64Array, k: number, from: number, to: number): 'all' | 'none' | 'some' {
  const part = values.subarray(from * k, to * k);
  const kept = part.filter((v) => !Number.isNaN(v)).length;
  return kept === part.length ? 'all' : kept === 0 ? 'none' : 'some';
}

test('once any part finds a fault, no part keeps logits: a ragged row in the first part, a bad value in the last read first', () => {
  const n = 4000;
  // Valid: every row kept, the full reader's numbers.
  const valid = fileWith('kept.csv', () => {});
  const whole = keptLogits(valid.path, [0, 1]);
  assert.ok(whole.results.every((r) => r.ok));
  assert.equal(rowsKept(whole.values, whole.k, 0, n), 'all');
  const full = runPipeline(new TextEncoder().encode(valid.text), 'kept.csv').dataset as { values: Float64Array };
  assert.deepEqual(whole.values, full.values);
  // A ragged row early in the first part: the second part, clean and read after, keeps none.
  const ragged = fileWith('ragged.csv', (lines) => {
    lines[150] = lines[150].replace(/,\d+$/, '');
  });
  // Blocks of 16 rows: the row's block is summarised long before the part ends.
  const noted = withSmallBlocks(16, () => keptLogits(ragged.path, [0, 1]));
  assert.ok(noted.results[0].odd && noted.results[1].ok, 'the first part read past it, the second is clean');
  assert.equal(rowsKept(noted.values, noted.k, noted.firstRows[1], n), 'none', 'the second part kept no logits');
  // Raised as soon as the row's block was summarised, for the parts reading at the same time.
  assert.equal(noted.faultSeenWhileReading[0], true, 'the first part raised the flag while it was still reading');
  // A bad value in the last part, read first: the first part, read whole after it, keeps none.
  const late = fileWith('late-kept.csv', badValueAt(3700));
  const stopped = keptLogits(late.path, [1, 0]);
  assert.ok(stopped.results[1].stop && stopped.results[0].ok, 'the last part stopped, the first read all its rows');
  assert.equal(rowsKept(stopped.values, stopped.k, 0, stopped.firstRows[1]), 'none', 'the first part kept no logits');
  // Read in file order, the first part kept its rows before the stop was found.
  assert.equal(rowsKept(keptLogits(late.path, [0, 1]).values, stopped.k, 0, stopped.firstRows[1]), 'all');
});
