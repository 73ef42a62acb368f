/**
 * Issue 22: `analyze FILE --json`, `--out OUT` and `check FILE` of a CSV or JSON logits file in the
 * simple layout take their dataset from the parts reader (src/cli/streamedLogits.ts, the logits
 * kept as the parts are read) instead of the full reader. Everything they print and write must be
 * the full reader's byte for byte — stdout, stderr, status and the file written — for generated
 * files, every example and bad-input fixture, and seeded mutations.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../../src/cli/commands';
import { streamedLogits } from '../../../src/cli/streamedLogits';
import { openChunkFile } from '../../../src/cli/streamSummary';
import { readRegularFile } from '../../../src/cli/readRegular';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import {
  byteMutations,
  cellMutations,
  csvOf,
  cutsOf,
  exampleAndBadFiles,
  generatedLogitFiles,
  jsonOf,
  jsonValueMutations,
  seededLogitRows,
  seededProbabilityRows,
} from '../../helpers/logitFiles';
import { streamedProblem } from '../../../src/node/streamedProblem';
import { seededUniform } from '../../helpers/seeded';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gl-stream-commands-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  status: number;
  stdout: string;
  stderr: string;
  written: Record<string, string>;
}

/** Every path the CLI read whole (the full reader's readFile), in order. */
const readWhole: string[] = [];

/** The CLI in process, with the chunked reader (streamed: the parts path when it applies) or without (the full reader); files it writes are kept in memory. */
function run(args: string[], streamed: boolean): Run {
  let stdout = '';
  let stderr = '';
  const written: Record<string, string> = {};
  const keep = (path: string, bytes: Uint8Array) => (written[path] = Buffer.from(bytes).toString('base64'));
  const status = runCli(args, {
    readFile: (p, max = DEFAULT_MAX_FILE_BYTES) => (readWhole.push(p), readRegularFile(p, max)),
    fileSize: (p) => statSync(p).size,
    ...(streamed ? { openFile: (p: string) => openChunkFile(p, DEFAULT_MAX_FILE_BYTES) } : {}),
    writeFile: keep,
    writeChunks: (path, chunks) => {
      const all = Buffer.concat([...chunks]);
      keep(path, all);
      return all.length;
    },
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
  });
  return { status, stdout, stderr, written };
}

function assertBothWays(args: string[], label: string): Run {
  const full = run(args, false);
  assert.deepEqual(run(args, true), full, label);
  return full;
}

const out = (name: string) => join(scratch, 'out', name);
mkdirSync(join(scratch, 'out'));
const COMMANDS: string[][] = [
  ['analyze', '--json'],
  ['analyze', '--json', '--reduction', 'sum'],
  ['analyze', '--out', out('a.json')],
  ['analyze', '--out', out('a.csv'), '--json'],
  ['analyze', '--out', out('a.npz')],
  ['analyze', '--out', out('a.npy')],
  ['analyze', '--out', out('a.safetensors'), '--reduction', 'sum'],
  ['analyze', '--summary', '--out', out('s.json')],
  ['check'],
  ['check', '--json'],
];
const withFile = ([command, ...flags]: string[], path: string) => [command, path, ...flags];

test('generated logits files: --json, --out (every format) and check print and write the full reader’s bytes, and were streamed', () => {
  const files = generatedLogitFiles();
  for (const [name, text] of Object.entries(files)) {
    const path = join(scratch, name);
    writeFileSync(path, text);
    for (const command of COMMANDS) {
      const full = assertBothWays(withFile(command, path), `${name} ${command.join(' ')}`);
      assert.equal(full.status, 0, `${name} ${command.join(' ')}: ${full.stderr}`);
    }
    // Not vacuous: the parts reader answered for it.
    assert.ok(
      streamedLogits(path, () => null, 'mean', { count: 1, valuesNow: true }),
      `${name} was streamed`,
    );
  }
});

test('the object of logits (or probabilities) and targets: the table, --json, --out (every format), check and jacobian print and write the full reader’s bytes, read without it', () => {
  const rand = seededUniform(41);
  const [n, k] = [30, 5];
  const z = Array.from({ length: n }, () => Array.from({ length: k }, () => Number(((rand() - 0.5) * 8).toFixed(5))));
  const y = z.map((_, i) => Array.from({ length: k }, (_, j) => (j === i % k ? 0.9 : 0.025)));
  const p = z.map((r) => {
    const e = r.map((v) => Math.exp(v));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => Number((v / sum).toFixed(12)));
  });
  const files = {
    'pair.json': JSON.stringify({ logits: z, targets: y }),
    'pair-p.json': JSON.stringify({ classes: ['a', 'b', 'c', 'd', 'e'], probabilities: p, targets: y }, null, 1),
  };
  for (const [name, text] of Object.entries(files)) {
    const path = join(scratch, name);
    writeFileSync(path, text);
    for (const command of [['analyze'], ['jacobian', '--sample', '7'], ...COMMANDS]) {
      readWhole.length = 0;
      const full = assertBothWays(withFile(command, path), `${name} ${command.join(' ')}`);
      assert.equal(full.status, 0, `${name} ${command.join(' ')}: ${full.stderr}`);
    }
    readWhole.length = 0;
    run(['analyze', path], true);
    assert.ok(!readWhole.includes(path), `${name}: the table read the file in chunks only (${readWhole.join(', ')})`);
    // The loss by its formula: −(1/N) Σ_i Σ_j y_ij log softmax(z_i)_j (the logits' file).
    if (name === 'pair.json') {
      let total = 0;
      z.forEach((r, i) => {
        const lse = Math.log(r.reduce((a, v) => a + Math.exp(v), 0));
        r.forEach((v, j) => (total -= y[i][j] * (v - lse)));
      });
      const report = JSON.parse(run(['analyze', path, '--json'], true).stdout) as { loss: number };
      assert.ok(Math.abs(report.loss - total / n) < 1e-12, `${report.loss} vs ${total / n}`);
    }
  }
});

test('class names from classes.txt beside the file reach the report and the written files', () => {
  const dir = join(scratch, 'named');
  mkdirSync(dir);
  const path = join(dir, 'logits.csv');
  writeFileSync(path, csvOf(seededLogitRows(30, 3, 7)));
  writeFileSync(join(dir, 'classes.txt'), 'cat\ndog\nbird\n');
  const json = assertBothWays(['analyze', path, '--json'], 'classes --json');
  assert.deepEqual(JSON.parse(json.stdout).classes, ['cat', 'dog', 'bird']);
  const csv = assertBothWays(['analyze', path, '--out', out('named.csv')], 'classes --out csv');
  assert.match(Buffer.from(csv.written[out('named.csv')], 'base64').toString(), /^sample,label,predicted,loss,p_cat,p_dog,p_bird,/);
});

test('every example and bad-input fixture: the same output as the full reader', () => {
  const files = exampleAndBadFiles(root);
  assert.ok(files.length > 50);
  let streamedCount = 0;
  for (const path of files) {
    for (const command of [['analyze', '--json'], ['check'], ['analyze', '--out', out('x.npz')]]) {
      assertBothWays(withFile(command, path), `${path} ${command.join(' ')}`);
    }
    if (streamedLogits(path, () => null, 'mean', { count: 1, valuesNow: true })) streamedCount++;
  }
  assert.ok(streamedCount >= 2, `only ${streamedCount} files took the streamed path`);
});

test('fuzzing: 120 seeded byte mutations each of a CSV and a JSON of logits and of probabilities, the same output as the full reader', () => {
  const rand = seededUniform(77);
  for (const [name, text] of [
    ['m.csv', csvOf(seededLogitRows(30, 4, 8))],
    ['m.json', jsonOf(seededLogitRows(30, 4, 9))],
    ['p.csv', csvOf(seededProbabilityRows(30, 4, 10), 'prob')],
    ['p.json', jsonOf(seededProbabilityRows(30, 4, 11), 'probabilities')],
  ] as const) {
    const path = join(scratch, name);
    for (const [i, { at, mutated }] of [...byteMutations(text, 60, rand)].entries()) {
      writeFileSync(path, mutated);
      const command = i % 2 ? ['check', path] : ['analyze', path, '--json'];
      assertBothWays(command, `${name} mutation ${i} at ${at}: ${command[0]}`);
    }
  }
});

test('a CSV or JSON with a bad value, or cut short: every command prints the full reader’s message and position, found a chunk at a time', () => {
  const rand = seededUniform(91);
  const commands = [['analyze', '--summary'], ['analyze'], ['analyze', '--json'], ['check'], ['jacobian', '--sample', '0']];
  const [csvCut, jsonCut] = [csvOf(seededLogitRows(30, 4, 12)), jsonOf(seededLogitRows(30, 4, 13))];
  // [file, mutations, how many at least are found a chunk at a time (41 / 49 / 39 / 40 when set)]
  for (const [name, mutations, least] of [
    ['cell.csv', cellMutations(seededLogitRows(30, 4, 10), 60, rand), 35],
    ['value.json', jsonValueMutations(seededLogitRows(30, 4, 11), 60, rand), 35],
    // Files cut short: a CSV's short last row, a JSON that ends inside "logits" or after it.
    ['cut.csv', cutsOf(csvCut, csvCut.indexOf('\n') + 1, 40, rand), 35],
    ['cut.json', cutsOf(jsonCut, 12, 40, rand), 35],
  ] as const) {
    const path = join(scratch, name);
    let found = 0;
    for (const [i, { what, text }] of [...mutations].entries()) {
      writeFileSync(path, text);
      const command = withFile(commands[i % commands.length], path);
      const full = run(command, false);
      readWhole.length = 0;
      assert.deepEqual(run(command, true), full, `${name} ${what}: ${command.join(' ')}`);
      const f = openChunkFile(path, DEFAULT_MAX_FILE_BYTES)!;
      try {
        if (streamedProblem(f, path)) {
          found++;
          assert.ok(!readWhole.includes(path), `${name} ${what}: the file was not read whole`);
          assert.equal(full.status, 1, what);
          assert.match(full.stderr, new RegExp(`^[^\\n]*${name.replace('.', '\\.')}:\\d+:\\d+: [^\\n]+\\n$`), what);
        }
      } finally {
        f.close();
      }
    }
    assert.ok(found >= least, `${name}: only ${found} found a chunk at a time`);
  }
});
