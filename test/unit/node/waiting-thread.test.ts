/**
 * The extension's file worker hands a large file's parts to warm threads and only waits for them
 * (src/extension/worker.ts): it must not spend its 5 ms on the readers' primer, and its result
 * must be the full pipeline's all the same. Its own file: the primer runs once per process.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Analysis } from '../../../src/core/analysis';
import { runPipeline } from '../../../src/core/pipeline';
import { PRIME_FROM_BYTES, readersPrimed } from '../../../src/core/readerPrimer';
import { openChunkFile } from '../../../src/node/chunkFile';
import { analyzeLogitFile, type PartRunner } from '../../../src/node/logitFileAnalysis';
import { summarizePart, type PartJob } from '../../../src/node/summaryParts';
import { seededUniform } from '../../helpers/seeded';

const dir = mkdtempSync(join(tmpdir(), 'gl-waiting-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A CSV of logits a little above the primer's threshold, so a reading thread would be primed. */
function largeCsv(): { path: string; bytes: Uint8Array } {
  const u = seededUniform(22);
  const k = 50;
  const lines = [[...Array.from({ length: k }, (_, j) => `logit_${j}`), 'label'].join(',')];
  let size = 0;
  while (size < PRIME_FROM_BYTES + (1 << 20)) {
    const line = `${Array.from({ length: k }, () => (8 * (u() - 0.5)).toFixed(6)).join(',')},${Math.floor(u() * k)}`;
    lines.push(line);
    size += line.length + 1;
  }
  const text = lines.join('\n') + '\n';
  const path = join(dir, 'big.csv');
  writeFileSync(path, text);
  return { path, bytes: new TextEncoder().encode(text) };
}

const predicted = (analysis: Analysis | null) => (analysis?.task === 'classification' ? analysis.predicted : null);

// The pool's threads, stood in for by this thread: the parts are the same jobs, read the same way.
const here = (jobs: PartJob[]) => jobs.map((job) => summarizePart(job, (p) => openChunkFile(p, 2 ** 40)));

test('a thread that only waits for warm threads is not primed; one that reads is; the same result', () => {
  const { path, bytes } = largeCsv();
  const full = runPipeline(bytes, 'big.csv', { rowsOnDemand: true });
  const runner: PartRunner = { count: 2, runParts: here, minPartBytes: 1 << 20, partsPerThread: 4 };

  const waiting = analyzeLogitFile(path, 'big.csv', {}, { ...runner, waitsOnly: true });
  assert.ok(waiting, 'the fast path read it');
  assert.equal(readersPrimed(), false, 'the waiting thread read the primer');
  assert.equal(waiting.result.analysis?.loss, full.analysis?.loss);
  assert.deepEqual(predicted(waiting.result.analysis), predicted(full.analysis));

  const reading = analyzeLogitFile(path, 'big.csv', {}, runner);
  assert.ok(reading, 'the fast path read it');
  assert.equal(readersPrimed(), true, 'a thread that reads parts is primed first');
  assert.equal(reading.result.analysis?.loss, full.analysis?.loss);
});
