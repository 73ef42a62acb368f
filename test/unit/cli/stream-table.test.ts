/**
 * Issue 22: `analyze FILE`'s table of a CSV or JSON logits file in the simple layout is read in
 * parts and only the rows it shows are read back (src/cli/streamTable.ts). Its output must be the
 * full reader's byte for byte — stdout, stderr and status — for generated files (CSV LF and CRLF,
 * JSON, fewer and more rows than the table shows, classes.txt beside them, --reduction sum), for
 * every example and every bad-input fixture, on 1–3 parts.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { streamedTable } from '../../../src/cli/streamTable';
import { cli, cliWithChunks } from '../../helpers/cli';
import {
  byteMutations,
  csvOf,
  exampleAndBadFiles,
  generatedLogitFiles,
  jsonOf,
  seededLogitRows,
  seededProbabilityRows,
} from '../../helpers/logitFiles';
import { seededUniform } from '../../helpers/seeded';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gl-stream-table-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The table with the chunked reader (the streamed path when it applies) and without (the full reader). */
function bothWays(path: string, ...flags: string[]) {
  const args = ['analyze', path, ...flags];
  return { streamed: cli(...args), full: cliWithChunks(args, null) };
}

test('generated logits files: the streamed table is the full reader’s, and it was streamed', () => {
  const files = generatedLogitFiles();
  for (const [name, text] of Object.entries(files)) {
    const path = join(scratch, name);
    writeFileSync(path, text);
    for (const flags of [[], ['--reduction', 'sum'], ['--threads', '1'], ['--threads', '3']]) {
      const { streamed, full } = bothWays(path, ...flags);
      assert.equal(full.status, 0, `${name}: ${full.stderr}`);
      assert.deepEqual(streamed, full, `${name} ${flags.join(' ')}`);
    }
    // Not vacuous: the streamed path answered (the full reader would give the same table).
    assert.ok(
      streamedTable(path, () => null, 'mean', { count: 1 }),
      `${name} was streamed`,
    );
    assert.equal(
      streamedTable(path, () => null, 'mean', { count: 3, minPartBytes: 64 }),
      streamedTable(path, () => null, 'mean', { count: 1 }),
      `${name} in parts`,
    );
  }
});

test('class names from classes.txt beside the file name the predicted column', () => {
  const dir = join(scratch, 'named');
  mkdirSync(dir);
  const path = join(dir, 'logits.csv');
  writeFileSync(path, csvOf(seededLogitRows(60, 3, 7)));
  writeFileSync(join(dir, 'classes.txt'), 'cat\ndog\nbird\n');
  const { streamed, full } = bothWays(path);
  assert.deepEqual(streamed, full);
  assert.match(streamed.stdout, /\b(cat|dog|bird)\b/);
  assert.ok(streamedTable(path, (name) => (name === 'classes.txt' ? Buffer.from('cat\ndog\nbird\n') : null), 'mean', { count: 1 }));
});

test('every example and bad-input fixture: the same stdout, stderr and status as the full reader', () => {
  const files = exampleAndBadFiles(root);
  assert.ok(files.length > 50);
  let streamedCount = 0;
  for (const path of files) {
    const { streamed, full } = bothWays(path);
    assert.deepEqual(streamed, full, path);
    if (streamedTable(path, () => null, 'mean', { count: 1 })) streamedCount++;
  }
  assert.ok(streamedCount >= 2, `only ${streamedCount} files took the streamed path`);
});

test('fuzzing: 150 seeded byte mutations each of a CSV and a JSON of logits and of probabilities, the same output as the full reader', () => {
  const rand = seededUniform(99);
  for (const [name, text] of [
    ['m.csv', csvOf(seededLogitRows(40, 4, 8))],
    ['m.json', jsonOf(seededLogitRows(40, 4, 9))],
    ['p.csv', csvOf(seededProbabilityRows(40, 4, 10), 'prob')],
    ['p.json', jsonOf(seededProbabilityRows(40, 4, 11), 'probabilities')],
  ] as const) {
    const path = join(scratch, name);
    for (const [i, { at, mutated }] of [...byteMutations(text, 75, rand)].entries()) {
      writeFileSync(path, mutated);
      const { streamed, full } = bothWays(path);
      assert.deepEqual(streamed, full, `${name} mutation ${i} at ${at}`);
    }
  }
});
