/**
 * Issue 22: `jacobian FILE --sample i` of a CSV or JSON logits file in the simple layout reads
 * the file in parts and reads back only that sample's row (src/cli/jacobianCommand.ts,
 * streamedJacobianSource). Everything it prints or writes must be the full reader's, byte for
 * byte: the table, --json, every --out format, the messages (a sample out of range, a bad
 * --sample), for generated files, class names, every example and bad-input fixture.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '../../../src/cli/commands';
import { streamedJacobianSource } from '../../../src/cli/jacobianCommand';
import { readRegularFile } from '../../../src/cli/readRegular';
import { openChunkFile } from '../../../src/cli/streamSummary';
import { DEFAULT_MAX_FILE_BYTES } from '../../../src/core/limits';
import { seededUniform } from '../../helpers/seeded';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gl-stream-jacobian-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The CLI in-process, writes kept in memory; `streamed`: with the chunked reader (else the full reader only). */
function run(args: string[], streamed: boolean) {
  let stdout = '';
  let stderr = '';
  const files = new Map<string, string>();
  const io: CliIo = {
    readFile: (p, max = DEFAULT_MAX_FILE_BYTES) => readRegularFile(p, max),
    fileSize: (p) => statSync(p).size,
    ...(streamed ? { openFile: (p: string) => openChunkFile(p, DEFAULT_MAX_FILE_BYTES) } : {}),
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
    writeFile: (p, bytes) => void files.set(p, Buffer.from(bytes).toString('base64')),
    writeChunks: (p, chunks) => {
      const bytes = Buffer.concat([...chunks]);
      files.set(p, bytes.toString('base64'));
      return bytes.length;
    },
  };
  const status = runCli(args, io);
  return { status, stdout, stderr, files: Object.fromEntries(files) };
}

function bothWays(...args: string[]) {
  return { streamed: run(args, true), full: run(args, false) };
}

function logits(n: number, k: number, seed: number) {
  const rand = seededUniform(seed);
  return {
    rows: Array.from({ length: n }, () => Array.from({ length: k }, () => ((rand() - 0.5) * 16).toPrecision(1 + Math.floor(rand() * 17)))),
    labels: Array.from({ length: n }, () => Math.floor(rand() * k)),
  };
}
const csvOf = ({ rows, labels }: ReturnType<typeof logits>) =>
  [rows[0].map((_, j) => `logit_${j}`).join(',') + ',label', ...rows.map((r, i) => `${r.join(',')},${labels[i]}`)].join('\n') + '\n';
const jsonOf = ({ rows, labels }: ReturnType<typeof logits>) =>
  `{"logits": [${rows.map((r) => `[${r.join(', ')}]`).join(', ')}], "labels": [${labels.join(', ')}]}`;

test('generated files: table, --json and every --out format are the full reader’s, and the streamed path answered', () => {
  const files = {
    'j.json': jsonOf(logits(40, 6, 1)),
    'c.csv': csvOf(logits(30, 4, 2)),
    'crlf.csv': csvOf(logits(25, 5, 3)).replace(/\n/g, '\r\n'),
  };
  for (const [name, text] of Object.entries(files)) {
    const path = join(scratch, name);
    writeFileSync(path, text);
    assert.ok(
      streamedJacobianSource(path, () => null, 'mean', { count: 1 }),
      `${name} was streamed`,
    );
    const runs = [
      [],
      ['--sample', '0'],
      ['--sample', '17'],
      ['--sample', '24', '--json'],
      ...['json', 'csv', 'npy', 'npz', 'safetensors'].map((ext) => ['--sample', '3', '--out', join(scratch, `J-${name}.${ext}`)]),
      // Messages: the same text and status.
      ['--sample', '999'],
      ['--sample', ' '],
      ['--sample', '1.5'],
    ];
    for (const flags of runs) {
      const { streamed, full } = bothWays('jacobian', path, ...flags);
      assert.deepEqual(streamed, full, `${name} ${flags.join(' ')}`);
    }
    // Not vacuous: the row is the analysis's (Σp = 1 in the printed JSON's Jacobian rows: each sums to 0).
    const json = JSON.parse(run(['jacobian', path, '--sample', '2', '--json'], true).stdout) as { jacobian: number[][] };
    for (const row of json.jacobian) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0)) < 1e-15);
  }
});

test('class names from classes.txt, and every example and bad-input fixture: the same output either way', () => {
  const dir = join(scratch, 'named');
  mkdirSync(dir);
  const named = join(dir, 'logits.json');
  writeFileSync(named, jsonOf(logits(12, 3, 4)));
  writeFileSync(join(dir, 'classes.txt'), 'cat\ndog\nbird\n');
  const files = [
    named,
    ...readdirSync(join(root, 'examples')).map((f) => join(root, 'examples', f)),
    ...readdirSync(join(root, 'test/fixtures/bad')).map((f) => join(root, 'test/fixtures/bad', f)),
  ].filter((p) => /\.(json|csv)$/.test(p) && !p.endsWith('expected.json'));
  for (const path of files) {
    for (const flags of [['--sample', '1'], ['--json']]) {
      const { streamed, full } = bothWays('jacobian', path, ...flags);
      assert.deepEqual(streamed, full, `${path} ${flags.join(' ')}`);
    }
  }
  assert.match(run(['jacobian', named, '--sample', '1'], true).stdout, /cat.*dog.*bird/);
});
