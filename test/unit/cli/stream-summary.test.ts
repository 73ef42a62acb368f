/**
 * Issue 22: `analyze --summary` streams a logits file in the simple layout. Whatever the file, the
 * streamed CLI must print exactly what the full reader's path prints (stdout, stderr, status), on
 * every example, the whole bad-input corpus and generated files fed in pieces of a few bytes; and
 * its peak memory must not grow with the file.
 */
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../../../src/cli/commands';
import { streamedSummary } from '../../../src/cli/streamSummary';
import { READ_CHUNK_BYTES } from '../../../src/node/chunkFile';
import { cliProcess } from '../../helpers/cliProcess';
import { cliWithChunks, pieces } from '../../helpers/cli';
import { seededUniform } from '../../helpers/seeded';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-stream-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const run = (args: string[], openFile?: CliIo['openFile']) => cliWithChunks(args, openFile ?? null);

let streamed = 0;
function same(path: string, label = path) {
  for (const flags of [['--json', '--summary'], ['--summary'], ['--summary', '--reduction', 'sum']]) {
    const full = run(['analyze', path, ...flags]);
    for (const piece of [1 << 30, 7]) {
      const mine = run(['analyze', path, ...flags], pieces(piece));
      assert.deepEqual(mine, full, `${label} ${flags.join(' ')} in pieces of ${piece}`);
    }
  }
  if (streamedSummary(path, pieces(1 << 30), () => null, 'mean')) streamed++;
}

function logits(n: number, k: number, seed: number) {
  const rand = seededUniform(seed);
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    rows.push(Array.from({ length: k }, () => (rand() - 0.5) * 20));
    labels.push(Math.floor(rand() * k));
  }
  return { rows, labels };
}

describe('analyze --summary streamed: the same output as the full reader', () => {
  test('every example and every bad-input corpus file', () => {
    const files = [
      ...readdirSync(join(root, 'examples')).map((f) => join(root, 'examples', f)),
      ...readdirSync(join(root, 'test/fixtures/bad')).map((f) => join(root, 'test/fixtures/bad', f)),
    ].filter((p) => /\.(json|csv|tsv)$/.test(p) && !p.endsWith('expected.json'));
    assert.ok(files.length > 100);
    const before = streamed;
    for (const path of files) same(path);
    // Not vacuous: the simple-layout files among them did go through the stream.
    assert.ok(streamed - before >= 3, `only ${streamed - before} files streamed`);
  });

  test('generated files: number forms, CRLF, whitespace, both key orders, classes.txt, and broken ones', () => {
    const { rows, labels } = logits(40, 5, 7);
    const csvBody = rows.map((r, i) => `${r.join(',')},${labels[i]}`);
    const header = 'logit_0,logit_1,logit_2,logit_3,logit_4,label';
    const cases: Record<string, string> = {
      'plain.csv': [header, ...csvBody].join('\n') + '\n',
      'crlf.csv': [header, ...csvBody].join('\r\n') + '\r\n\r\n',
      'noeol.csv': [header, ...csvBody].join('\n'),
      'short.csv': [header, ...rows.map((r, i) => `${r.map((v) => v.toPrecision(6)).join(',')},${labels[i]}`)].join('\n'),
      'exp.csv': [header, ...rows.map((r, i) => `${r.map((v) => v.toExponential(3)).join(',')},${labels[i]}`)].join('\n'),
      'blank-inside.csv': [header, csvBody[0], '', ...csvBody.slice(1)].join('\n'),
      'label-range.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,5', ...csvBody.slice(30)].join('\n'),
      'label-float.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,1.0'].join('\n'),
      // Labels as pandas writes a float column ("3.0"), and other forms the full reader takes.
      'float-labels.csv': [header, ...rows.map((r, i) => `${r.join(',')},${labels[i]}.0`)].join('\n') + '\n',
      'label-forms.csv': [header, ...rows.map((r, i) => `${r.join(',')},${['2.', '1e0', '+1', '0.000', '-0.0', '4e-0'][i % 6]}`)].join(
        '\n',
      ),
      // pandas' df.to_csv() writes its index as a first, unnamed column.
      'pandas-index.csv': [',' + header, ...csvBody.map((line, i) => `${i},${line}`)].join('\n') + '\n',
      'pandas-bad-index.csv': [',' + header, ...csvBody.map((line, i) => `${i === 20 ? 'x' : i},${line}`)].join('\n') + '\n',
      'two-unnamed.csv': [',,' + header, ...csvBody.map((line, i) => `${i},${i},${line}`)].join('\n') + '\n',
      'float-label-range.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,5.0', ...csvBody.slice(30)].join('\n'),
      'half-label.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,2.5'].join('\n'),
      'long-label.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,1.00000000000000'].join('\n'),
      'bad-number.csv': [header, ...csvBody.slice(0, 30), '1,2,x,4,5,1'].join('\n'),
      'short-row.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,1'].join('\n'),
      'overflow.csv': [header, '1e308,-1e308,0,0,0,1', ...csvBody].join('\n'),
      'header-only.csv': header + '\n',
      'plain.json': JSON.stringify({ logits: rows, labels }),
      'spaced.json': `{"logits": [${rows.map((r) => `[${r.join(', ')}]`).join(', ')}], "labels": [${labels.join(', ')}]}\n`,
      'pretty.json': JSON.stringify({ logits: rows, labels }, null, 2),
      'labels-first.json': JSON.stringify({ labels, logits: rows }, null, 1),
      'count.json': JSON.stringify({ logits: rows, labels: labels.slice(1) }),
      'ragged.json': JSON.stringify({ logits: [...rows, [1, 2]], labels: [...labels, 0] }),
      'extra-key.json': JSON.stringify({ logits: rows, labels, classes: ['a', 'b', 'c', 'd', 'e'] }),
      'twice.json': `{"logits": [[1,2]], "labels": [0], "labels": [1]}`,
      'trailing.json': JSON.stringify({ logits: rows, labels }) + ' x',
      'cut.json': JSON.stringify({ logits: rows, labels }).slice(0, -1),
      'label-range.json': JSON.stringify({ logits: rows, labels: [...labels.slice(0, -1), 5] }),
      'string-label.json': JSON.stringify({ logits: rows, labels: [...labels.slice(0, -1), '1'] }),
    };
    for (const [name, text] of Object.entries(cases)) {
      const path = join(scratch, name);
      writeFileSync(path, text);
      same(path, name);
      const simple = /^(plain|crlf|noeol|short|exp|spaced|pretty|labels-first|label-float|float-labels|pandas-index)\./.test(name);
      assert.equal(streamedSummary(path, pieces(5), () => null, 'mean') !== null, simple, `${name} streamed`);
    }
    // Class names from classes.txt beside the file, right count and wrong count.
    const dir = mkdtempSync(join(scratch, 'classes-'));
    writeFileSync(join(dir, 'x.csv'), cases['plain.csv']);
    writeFileSync(join(dir, 'classes.txt'), 'a\nb\nc\nd\ne\n');
    same(join(dir, 'x.csv'), 'classes.txt');
    writeFileSync(join(dir, 'classes.txt'), 'a\nb\n');
    same(join(dir, 'x.csv'), 'classes.txt (wrong count)');
  });
});

describe('analyze --summary streamed: rows longer than a read', () => {
  test('K = 30,000 (a row of ~570 KB, more than two reads): the same as the full reader, whole, in pieces and in parts', () => {
    const k = 30_000;
    const { rows, labels } = logits(5, k, 3);
    const header = Array.from({ length: k }, (_, j) => `logit_${j}`).join(',') + ',label';
    const files = {
      'wide.csv': [header, ...rows.map((r, i) => `${r.join(',')},${labels[i]}`)].join('\n') + '\n',
      'wide.json': JSON.stringify({ logits: rows, labels }),
    };
    const shortest = Math.min(...rows.map((r) => r.join(',').length));
    assert.ok(shortest > 2 * READ_CHUNK_BYTES, `rows of ${shortest} bytes: longer than two reads`);
    for (const [name, text] of Object.entries(files)) {
      const path = join(scratch, name);
      writeFileSync(path, text);
      const full = run(['analyze', path, '--json', '--summary']);
      assert.equal(full.status, 0, full.stderr);
      for (const piece of [1 << 30, 4099])
        assert.deepEqual(run(['analyze', path, '--json', '--summary'], pieces(piece)), full, `${name} in pieces of ${piece}`);
      const one = streamedSummary(path, pieces(1 << 30), () => null, 'mean');
      assert.deepEqual(one, JSON.parse(full.stdout), `${name}: streamed`);
      assert.deepEqual(
        streamedSummary(path, pieces(1 << 30), () => null, 'mean', { count: 3, minPartBytes: 64 }),
        one,
        `${name} in parts`,
      );
    }
  });
});

describe('analyze --summary streamed: fuzzing', () => {
  test('seeded byte edits of a CSV and a JSON: streamed (whole, in 7-byte pieces, in parts) = full reader', () => {
    const { rows, labels } = logits(12, 4, 21);
    const seeds: Record<string, string> = {
      'f.csv':
        ['logit_0,logit_1,logit_2,logit_3,label', ...rows.map((r, i) => `${r.map((v) => v.toPrecision(5)).join(',')},${labels[i]}`)].join(
          '\n',
        ) + '\n',
      'f.json': JSON.stringify({ logits: rows.map((r) => r.map((v) => Number(v.toPrecision(5)))), labels }, null, 1),
    };
    const alphabet = '0123456789,.-+eE[]{}" \n\r\tx:';
    const rand = seededUniform(99);
    let streamedMutants = 0;
    for (const [name, text] of Object.entries(seeds)) {
      for (let m = 0; m < 150; m++) {
        const chars = [...text];
        const edits = 1 + Math.floor(rand() * 3);
        for (let e = 0; e < edits; e++) {
          const at = Math.floor(rand() * chars.length);
          const op = rand();
          const c = alphabet[Math.floor(rand() * alphabet.length)];
          if (op < 0.4) chars[at] = c;
          else if (op < 0.7) chars.splice(at, 1);
          else chars.splice(at, 0, c);
        }
        const path = join(scratch, `m${m}-${name}`);
        writeFileSync(path, chars.join(''));
        const full = run(['analyze', path, '--json', '--summary']);
        assert.deepEqual(run(['analyze', path, '--json', '--summary'], pieces(7)), full, `${name} mutant ${m}`);
        const one = streamedSummary(path, pieces(1 << 30), () => null, 'mean');
        if (one) {
          streamedMutants++;
          assert.deepEqual(one, JSON.parse(full.stdout), `${name} mutant ${m}: the full reader's report`);
        }
        if (name.endsWith('.csv'))
          assert.deepEqual(
            streamedSummary(path, pieces(1 << 30), () => null, 'mean', { count: 3, minPartBytes: 64 }),
            one,
            `${name} mutant ${m} in parts`,
          );
        rmSync(path);
      }
    }
    assert.ok(streamedMutants >= 10, `only ${streamedMutants} mutants streamed`);
  });
});

describe('analyze --summary streamed: memory', { concurrency: false }, () => {
  test('a 120 MB logits CSV and JSON are summarised with a 64 MB heap in less memory than the file', () => {
    // 14,000 rows × 1,000 classes of 9-byte numbers (126 MB); each row repeated from a few seeded rows.
    const { rows, labels } = logits(16, 1000, 11);
    const text = rows.map((r) => r.map((v) => v.toFixed(5)).join(','));
    const n = 14_000;
    const csv = join(scratch, 'big.csv');
    const json = join(scratch, 'big.json');
    let fd = openSync(csv, 'w');
    writeSync(fd, Array.from({ length: 1000 }, (_, j) => `logit_${j}`).join(',') + ',label\n');
    for (let i = 0; i < n; i++) writeSync(fd, `${text[i % 16]},${labels[i % 16]}\n`);
    closeSync(fd);
    fd = openSync(json, 'w');
    writeSync(fd, '{"logits": [');
    for (let i = 0; i < n; i++) writeSync(fd, `${i ? ', ' : ''}[${text[i % 16]}]`);
    writeSync(fd, `], "labels": [${Array.from({ length: n }, (_, i) => labels[i % 16]).join(', ')}]}`);
    closeSync(fd);
    for (const path of [csv, json]) {
      assert.ok(statSync(path).size > 110 * 2 ** 20);
      const small = cliProcess(['analyze', path, '--json', '--summary'], { timeoutMs: 300_000, maxOldSpaceMB: 64, measure: true });
      assert.equal(small.status, 0, small.stderr);
      const report = JSON.parse(small.stdout) as { n: number; k: number; loss: number };
      assert.equal(report.n, n);
      assert.equal(report.k, 1000);
      // The full path, in process (no openFile): the same report to the last bit.
      assert.deepEqual(JSON.parse(run(['analyze', path, '--json', '--summary']).stdout), report);
      // Peak RSS below the file itself (the full path holds the bytes and N × K doubles, > 210 MB).
      assert.ok(small.maxRssBytes! < 160 * 2 ** 20, `peak ${(small.maxRssBytes! / 2 ** 20).toFixed(0)} MB`);
    }
  });
});
