/**
 * Issue 22: a large CSV's parse error found a chunk at a time (src/node/csvProblem.ts) must be the
 * full reader's: the same message, code and range; for the extension's worker the same pipeline
 * result and line tables. Whenever it cannot be found so, null (the full reader then runs), never
 * another message.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatLocation, LineIndex } from '../../../src/core/lineIndex';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import { lineIndexOf } from '../../../src/core/load';
import { runPipeline } from '../../../src/core/pipeline';
import { openChunkFile, READ_CHUNK_BYTES } from '../../../src/node/chunkFile';
import { csvProblemAnalysis, fileLineIndex, streamedCsvProblem } from '../../../src/node/csvProblem';
import { cellMutations, csvOf, exampleAndBadFiles, seededLogitRows } from '../../helpers/logitFiles';
import { seededUniform } from '../../helpers/seeded';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gl-csv-problem-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** streamedCsvProblem of the file, and the full pipeline of its bytes. */
function bothReaders(path: string, name: string) {
  const f = openChunkFile(path, DEFAULT_MAX_FILE_BYTES)!;
  try {
    const error = streamedCsvProblem(f, name);
    const location = error && formatLocation(name, fileLineIndex(f, error.start), error.start);
    const bytes = new Uint8Array(readFileSync(path));
    const full = runPipeline(bytes, name);
    return {
      error,
      location,
      full,
      fullLocation: full.problems[0] && formatLocation(name, lineIndexOf(bytes, name), full.problems[0].start),
    };
  } finally {
    f.close();
  }
}

/** Found a chunk at a time: the full reader's one error, at the same FILE:LINE:COL. False when not found so. */
function assertSameOrNull(path: string, name: string, what: string): boolean {
  const { error, location, full, fullLocation } = bothReaders(path, name);
  if (error === null) return false;
  assert.equal(full.dataset, null, `${what}: the full reader refuses the file`);
  assert.deepEqual([error.toProblem()], full.problems, what);
  assert.equal(location, fullLocation, what);
  return true;
}

test('a bad cell at a seeded place, alone or beside a second defect: the full reader’s error and position, or null', () => {
  const rand = seededUniform(2212);
  let found = 0;
  for (const [i, { what, text }] of [...cellMutations(seededLogitRows(40, 5, 31), 300, rand)].entries()) {
    const path = join(dir, `cell${i}.csv`);
    writeFileSync(path, text);
    if (assertSameOrNull(path, 'cells.csv', what)) found++;
  }
  // Not vacuous: most bad cells are parse errors, found without the full reader.
  assert.ok(found >= 180, `only ${found} of 300 found a chunk at a time`);
});

test('past the first read of 256 KB and its first 8 KB: the same, with the line and column of the whole file', () => {
  const rows = seededLogitRows(3000, 24, 32);
  const text = csvOf(rows);
  assert.ok(text.length > 2.5 * READ_CHUNK_BYTES);
  const rand = seededUniform(2213);
  let found = 0;
  let past = 0;
  for (const [i, { what, text: mutated }] of [...cellMutations(rows, 40, rand)].entries()) {
    const path = join(dir, `big${i}.csv`);
    writeFileSync(path, mutated);
    const { error } = bothReaders(path, 'big.csv');
    if (assertSameOrNull(path, 'big.csv', what)) found++;
    if (error && error.start > READ_CHUNK_BYTES) past++;
  }
  assert.ok(found >= 24 && past >= 12, `found ${found}, ${past} of them past the first read`);
});

test('the worker’s analysis of such a file is the full pipeline’s result, with the line tables of the whole file', () => {
  const rows = seededLogitRows(300, 6, 33);
  const text = csvOf(rows);
  const lines = text.split('\n');
  lines[250] = lines[250].replace(/^[^,]*/, 'caf\u00e9');
  const mutated = lines.join('\n');
  const path = join(dir, 'worker.csv');
  writeFileSync(path, mutated);
  const found = csvProblemAnalysis(path, 'worker.csv', DEFAULT_MAX_FILE_BYTES);
  assert.ok(found, 'found a chunk at a time');
  const bytes = new TextEncoder().encode(mutated);
  const full = runPipeline(bytes, 'worker.csv', { rowsOnDemand: true });
  assert.deepEqual(found.result, full);
  assert.match(full.problems[0].message, /"café" \(sample 249, column "logit_0"\) is not a number/);
  assert.deepEqual(found.lines, lineIndexOf(bytes, 'worker.csv').tables);
  assert.equal(found.byteLength, bytes.length);
  // The host places it from those tables, as it places the full reader's.
  const index = new LineIndex(bytes, found.lines);
  assert.deepEqual(index.position(found.result.problems[0].start), { line: 250, character: 0 });
  // A file the full reader reads, and a JSON: nothing to find.
  writeFileSync(path, text);
  assert.equal(csvProblemAnalysis(path, 'worker.csv', DEFAULT_MAX_FILE_BYTES), null);
  assert.equal(csvProblemAnalysis(path, 'worker.json', DEFAULT_MAX_FILE_BYTES), null);
});

test('every example and bad-input CSV: the full reader’s error, or null', () => {
  const files = exampleAndBadFiles(root).filter((p) => p.endsWith('.csv'));
  assert.ok(files.length > 30);
  let found = 0;
  for (const path of files) if (assertSameOrNull(path, path, path)) found++;
  // The binary and UTF-16 fixtures are refused by the first 8 KB; the bad cells after the header.
  assert.ok(found >= 5, `only ${found} fixtures found a chunk at a time`);
});
