/**
 * Issue 22: `analyze --summary` streams a logits file in the simple layout. Whatever the file, the
 * streamed CLI must print exactly what the full reader's path prints (stdout, stderr, status), on
 * every example, the whole bad-input corpus and generated files fed in pieces of a few bytes; and
 * its peak memory must not grow with the file.
 */
import assert from 'node:assert/strict';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
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

/**
 * Each file (named `prefix` + its key + `ext`) gives the full reader's output whole and in pieces
 * (same), and the streamed summary does not take it, on one thread or in parts.
 */
function refusedAlike(files: Record<string, string>, prefix: string, ext: string): void {
  for (const [what, text] of Object.entries(files)) {
    const path = join(scratch, `${prefix}${what.replace(/ /g, '-')}${ext}`);
    writeFileSync(path, text);
    same(path, what);
    assert.equal(
      streamedSummary(path, pieces(1 << 30), () => null, 'mean'),
      null,
      `${what}: not streamed`,
    );
    assert.equal(
      streamedSummary(path, pieces(1 << 30), () => null, 'mean', { count: 3, minPartBytes: 64 }),
      null,
      `${what}: not in parts`,
    );
  }
}

/**
 * Each file (named by its key) gives the full reader's output whole and in pieces (same), and the
 * streamed summary takes it, the same on one thread and in parts: the reports by name.
 */
function takenAlike(files: Record<string, string>): Record<string, Record<string, unknown>> {
  const reports: Record<string, Record<string, unknown>> = {};
  for (const [name, text] of Object.entries(files)) {
    const path = join(scratch, name);
    writeFileSync(path, text);
    same(path, name);
    const one = streamedSummary(path, pieces(1 << 30), () => null, 'mean');
    assert.ok(one, `${name} streamed`);
    assert.deepEqual(
      streamedSummary(path, pieces(1 << 30), () => null, 'mean', { count: 3, minPartBytes: 64 }),
      one,
      `${name} in parts`,
    );
    reports[name] = one;
  }
  return reports;
}

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
    ].filter((p) => /\.(jsonl?|csv|tsv)$/.test(p) && !p.endsWith('expected.json'));
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
    const labelFirstHeader = 'label,logit_0,logit_1,logit_2,logit_3,logit_4';
    const probHeader = 'prob_0,prob_1,prob_2,prob_3,prob_4,label';
    // As np.savetxt's '%.18e' writes a number (two exponent digits at least).
    const savetxt = (v: number) => v.toExponential(18).replace(/e([+-])(\d)$/, 'e$10$2');
    const probRows = rows.map((r) => {
      const e = r.map((z) => Math.exp(z - Math.max(...r)));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => Number((v / sum).toPrecision(12)));
    });
    const probBody = probRows.map((r, i) => `${r.join(',')},${labels[i]}`);
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
      // An index cell that is not a number is passed over (the full reader passes over columns no role reads); one whose quote does not close is not.
      'pandas-text-index.csv': [',' + header, ...csvBody.map((line, i) => `${i === 20 ? 'x' : i},${line}`)].join('\n') + '\n',
      'pandas-open-index.csv': [',' + header, ...csvBody.map((line, i) => `${i === 20 ? '"x' : i},${line}`)].join('\n') + '\n',
      'two-unnamed.csv': [',,' + header, ...csvBody.map((line, i) => `${i},${i},${line}`)].join('\n') + '\n',
      // Named columns no role reads before the logits (an id, df.insert(0, "id", …); pandas' index given a name), passed over as the full reader passes them.
      'id-column.csv': ['id,' + header, ...csvBody.map((line, i) => `img_${i}.jpg,${line}`)].join('\n') + '\n',
      'id-columns-quoted.csv': ['"file",split,' + header, ...csvBody.map((line, i) => `"a, ${i}.jpg",${i % 2 ? 'val' : ''},${line}`)].join(
        '\n',
      ),
      'id-label-first.csv': ['id,' + labelFirstHeader, ...rows.map((r, i) => `${i},${labels[i]},${r.join(',')}`)].join('\n') + '\n',
      'id-range.csv': ['id,' + header, ...csvBody.map((line, i) => `s${i},${i === 30 ? line.replace(/\d+$/, '5') : line}`)].join('\n'),
      'id-bad-logit.csv': ['id,' + header, ...csvBody.map((line, i) => `s${i},${i === 30 ? line.replace(/^[^,]+/, 'x') : line}`)].join(
        '\n',
      ),
      'id-short-row.csv': ['id,' + header, ...csvBody.map((line, i) => `s${i},${i === 30 ? line.replace(/^[^,]+,/, '') : line}`)].join(
        '\n',
      ),
      // Columns no role reads after the label (df["id"] = … after it), or after the logits with the label first.
      'id-after.csv': [header + ',id', ...csvBody.map((line, i) => `${line},${i}`)].join('\n') + '\n',
      'ids-after-quoted.csv': [header + ',file,split', ...csvBody.map((line, i) => `${line},"a, ${i}.jpg",${i % 2 ? 'val' : ''}`)].join(
        '\n',
      ),
      'label-first-id-after.csv':
        [labelFirstHeader + ',id', ...rows.map((r, i) => `${labels[i]},${r.join(',')},s${i}`)].join('\r\n') + '\r\n',
      'id-after-range.csv': [header + ',id', ...csvBody.map((line, i) => `${i === 30 ? line.replace(/\d+$/, '5') : line},s${i}`)].join(
        '\n',
      ),
      'id-after-short.csv': [header + ',id', ...csvBody.map((line, i) => (i === 30 ? line : `${line},s${i}`))].join('\n'),
      'id-after-long.csv': [header + ',id', ...csvBody.map((line, i) => `${line},s${i}${i === 30 ? ',x' : ''}`)].join('\n'),
      // Names the full reader has a word for, or reads otherwise: a name twice, a near miss of "label", an unnamed column after the label.
      'id-twice.csv': ['id,ID,' + header, ...csvBody.map((line, i) => `${i},${i},${line}`)].join('\n') + '\n',
      'id-twice-after.csv': ['id,' + header + ',ID', ...csvBody.map((line, i) => `${i},${line},${i}`)].join('\n') + '\n',
      'id-near-miss.csv': ['y,' + header, ...csvBody.map((line, i) => `${i},${line}`)].join('\n') + '\n',
      'near-miss-after.csv': [header + ',target_class', ...csvBody.map((line, i) => `${line},${i % 5}`)].join('\n') + '\n',
      'unnamed-after.csv': [header + ',', ...csvBody.map((line) => `${line},`)].join('\n') + '\n',
      // The label's column first (a DataFrame built with it first).
      'label-first.csv': [labelFirstHeader, ...rows.map((r, i) => `${labels[i]},${r.join(',')}`)].join('\n') + '\n',
      'label-first-crlf.csv': [labelFirstHeader, ...rows.map((r, i) => `${labels[i]}.0,${r.join(',')}`)].join('\r\n') + '\r\n',
      'label-first-range.csv': [labelFirstHeader, ...rows.map((r, i) => `${i === 30 ? 5 : labels[i]},${r.join(',')}`)].join('\n') + '\n',
      'label-first-bad.csv': [labelFirstHeader, ...rows.map((r, i) => `${i === 30 ? 'cat' : labels[i]},${r.join(',')}`)].join('\n') + '\n',
      'label-first-bad-logit.csv': [labelFirstHeader, ...rows.map((r, i) => `${labels[i]},${r.join(',')}${i === 30 ? 'x' : ''}`)].join(
        '\n',
      ),
      'label-first-short.csv': [labelFirstHeader, ...rows.map((r, i) => `${labels[i]},${(i === 30 ? r.slice(1) : r).join(',')}`)].join(
        '\n',
      ),
      'index-label-first.csv': [',' + labelFirstHeader, ...rows.map((r, i) => `${i},${labels[i]},${r.join(',')}`)].join('\n') + '\n',
      // Tab- and ';'-separated, and a .tsv (split on tabs only, whatever its header holds).
      'tabs.csv': [header, ...csvBody].join('\n').replace(/,/g, '\t') + '\n',
      'semicolons.csv': [header, ...csvBody].join('\r\n').replace(/,/g, ';') + '\r\n',
      'tabs.tsv': [header, ...csvBody].join('\n').replace(/,/g, '\t') + '\n',
      'tabs-label-first.tsv': [labelFirstHeader, ...rows.map((r, i) => `${labels[i]},${r.join(',')}`)].join('\n').replace(/,/g, '\t'),
      'tabs-index.tsv': [',' + header, ...csvBody.map((line, i) => `${i},${line}`)].join('\n').replace(/,/g, '\t') + '\n',
      'tabs-range.tsv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,5', ...csvBody.slice(30)].join('\n').replace(/,/g, '\t'),
      'tabs-short-row.tsv': [header, ...csvBody.slice(0, 30), '1,2,3,4,1', ...csvBody.slice(30)].join('\n').replace(/,/g, '\t'),
      'tabs-spaced.tsv': [header, ...csvBody.slice(0, 30), '1\t 2\t3\t4\t5\t1', ...csvBody.slice(30)].join('\n').replace(/,/g, '\t'),
      'commas.tsv': [header, ...csvBody].join('\n') + '\n',
      'tabs-bad.tsv': [header, ...csvBody.slice(0, 30), '1,2,x,4,5,1'].join('\n').replace(/,/g, '\t'),
      'mixed-header.csv': [header.replace('logit_2,', 'logit_2;'), ...csvBody].join('\n') + '\n',
      'decimal-commas.csv': [
        header.replace(/,/g, ';'),
        ...rows.map((r, i) => `${r.map((v) => String(v).replace('.', ',')).join(';')};${labels[i]}`),
      ].join('\n'),
      // R's write.csv: quoted names (row.names = FALSE), and by default quoted row names in a first, unnamed column.
      'r-quoted.csv': [header.replace(/[^,]+/g, '"$&"'), ...csvBody].join('\n') + '\n',
      'r-rownames.csv':
        ['""' + ',' + header.replace(/[^,]+/g, '"$&"'), ...csvBody.map((line, i) => `"${i + 1}",${line}`)].join('\n') + '\n',
      'r-bad-rowname.csv': ['"",' + header, ...csvBody.map((line, i) => `"${i === 20 ? 'x' : i + 1}",${line}`)].join('\n') + '\n',
      'r-open-rowname.csv': ['"",' + header, ...csvBody.map((line, i) => `"${i + 1}${i === 20 ? '' : '"'},${line}`)].join('\n') + '\n',
      // pandas' index of strings (df.to_csv() of a DataFrame indexed by file name), quoted with commas in it.
      'string-index.csv': [',' + header, ...csvBody.map((line, i) => `"img ${i}, crop ""a"".jpg",${line}`)].join('\n') + '\n',
      'string-index-range.csv':
        [',' + header, ...csvBody.map((line, i) => `img_${i}.jpg,${i === 30 ? line.replace(/\d+$/, '5') : line}`)].join('\n') + '\n',
      'r-quoted-label.csv': [header, ...csvBody.map((line, i) => (i === 20 ? line.replace(/,(\d+)$/, ',"$1"') : line))].join('\n') + '\n',
      // A UTF-8 byte order mark (Excel's "CSV UTF-8", pandas' encoding='utf-8-sig'), and one not at the file's start.
      'bom.csv': '\ufeff' + [header, ...csvBody].join('\r\n') + '\r\n',
      'bom-range.csv': '\ufeff' + [header, ...csvBody.slice(0, 30), '1,2,3,4,5,5', ...csvBody.slice(30)].join('\n'),
      'bom-bad.csv': '\ufeff' + [header, ...csvBody.slice(0, 30), '1,2,x,4,5,1'].join('\n'),
      'bom-twice.csv': '\ufeff\ufeff' + [header, ...csvBody].join('\n'),
      // Probabilities (prob_0…: Keras' predict, predict_proba), read as the full reader checks them: each
      // row in [0, 1] and summing to 1 within its default tolerance (1e-4), else its message.
      'probs.csv': [probHeader, ...probBody].join('\n') + '\n',
      'probs-label-first.tsv': [
        ['label', ...probHeader.split(',').slice(0, -1)].join('\t'),
        ...probRows.map((r, i) => [labels[i], ...r].join('\t')),
      ].join('\n'),
      'probs-range.csv': [probHeader, ...probBody.slice(0, 30), '0.2,0.2,0.2,0.2,0.2,5', ...probBody.slice(30)].join('\n'),
      'probs-ragged.csv': [probHeader, ...probBody.slice(0, 30), '0.25,0.25,0.25,0.25,1', ...probBody.slice(30)].join('\n'),
      'probs-negative.csv': [probHeader, ...probBody.slice(0, 30), '-0.1,0.3,0.3,0.3,0.2,1', ...probBody.slice(30)].join('\n'),
      'probs-above-one.csv': [probHeader, ...probBody.slice(0, 30), '1.5,0,0,0,0,1', ...probBody.slice(30)].join('\n'),
      'probs-sum.csv': [probHeader, ...probBody.slice(0, 30), '0.1,0.2,0.2,0.2,0.2,1', ...probBody.slice(30)].join('\n'),
      'probs-rounded.csv': [probHeader, ...probBody.slice(0, 30), '0.2,0.2,0.2,0.2,0.2002,1', ...probBody.slice(30)].join('\n'),
      'probs-within.csv': [probHeader, ...probBody.slice(0, 30), '0.2,0.2,0.2,0.2,0.20009,1', ...probBody.slice(30)].join('\n'),
      'probs-range-and-sum.csv': [probHeader, ...probBody.slice(0, 30), '0.1,0.2,0.2,0.2,0.2,7', ...probBody.slice(30)].join('\n'),
      'probs-mixed.csv': [probHeader.replace('prob_1', 'logit_1'), ...probBody].join('\n'),
      'probs.json': JSON.stringify({ probabilities: probRows, labels }),
      'probs-labels-first.json': JSON.stringify({ labels, probabilities: probRows }, null, 2),
      'probs-classes.json': JSON.stringify({ classes: ['a', 'b', 'c', 'd', 'e'], probabilities: probRows, labels }),
      'probs-sum.json': JSON.stringify({
        probabilities: [...probRows.slice(0, 30), [0.1, 0.2, 0.2, 0.2, 0.2]],
        labels: labels.slice(0, 31),
      }),
      'probs-range.json': JSON.stringify({ labels: [...labels.slice(0, -1), 5], probabilities: probRows }),
      'probs-ragged.json': JSON.stringify({ probabilities: [...probRows.slice(0, 30), [0.5, 0.5]], labels: labels.slice(0, 31) }),
      'probs-and-logits.json': JSON.stringify({ probabilities: probRows, logits: rows, labels }),
      // A byte order mark (PowerShell's Out-File), and two.
      'bom.json': '\ufeff' + JSON.stringify({ logits: rows, labels }, null, 1),
      'bom-labels-first.json': '\ufeff' + JSON.stringify({ labels, logits: rows }),
      'bom-range.json': '\ufeff' + JSON.stringify({ logits: rows, labels: [...labels.slice(0, -1), 5] }),
      'bom-twice.json': '\ufeff\ufeff' + JSON.stringify({ logits: rows, labels }),
      'bom-cut.json': '\ufeff' + JSON.stringify({ logits: rows, labels }).slice(0, -30),
      'probs-key-cut.json': `{"probabilitie": ${JSON.stringify(probRows)}, "labels": ${JSON.stringify(labels)}}`,
      'half-quoted-header.csv': [header.replace('logit_1', '"logit_1'), ...csvBody].join('\n') + '\n',
      'float-label-range.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,5.0', ...csvBody.slice(30)].join('\n'),
      'half-label.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,2.5'].join('\n'),
      'long-label.csv': [header, ...csvBody.slice(0, 30), '1,2,3,4,5,1.00000000000000'].join('\n'),
      // np.savetxt's default fmt ('%.18e'): 3 is 3.000000000000000000e+00, 24 characters; then a label one past the longest the stream reads (31).
      'savetxt.csv': [header, ...rows.map((r, i) => [...r, labels[i]].map(savetxt).join(','))].join('\n') + '\n',
      // np.savetxt's default comments='# ' before the header, and near misses.
      'savetxt-comment.csv': ['# ' + header, ...rows.map((r, i) => [...r, labels[i]].map(savetxt).join(','))].join('\n') + '\n',
      'hash-tight.csv': ['#' + header, ...csvBody].join('\n') + '\n',
      'hash-alone.csv': ['#,' + header, ...csvBody.map((line, i) => `${i},${line}`)].join('\n') + '\n',
      'hash-space.csv': ['# ,' + header, ...csvBody.map((line, i) => `${i},${line}`)].join('\n') + '\n',
      'hash-later.csv': [header.replace('logit_2', '# logit_2'), ...csvBody].join('\n') + '\n',
      'savetxt-range.csv': [header, ...rows.map((r, i) => [...r, i === 20 ? 5 : labels[i]].map(savetxt).join(','))].join('\n') + '\n',
      'too-long-label.csv': [header, ...csvBody.slice(0, 30), `1,2,3,4,5,1.${'0'.repeat(30)}`].join('\n'),
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
      'extra-key.json': JSON.stringify({ logits: rows, labels, scores: [1] }),
      'twice.json': `{"logits": [[1,2]], "labels": [0], "labels": [1]}`,
      'trailing.json': JSON.stringify({ logits: rows, labels }) + ' x',
      'cut.json': JSON.stringify({ logits: rows, labels }).slice(0, -1),
      'label-range.json': JSON.stringify({ logits: rows, labels: [...labels.slice(0, -1), 5] }),
      'string-label.json': JSON.stringify({ logits: rows, labels: [...labels.slice(0, -1), '1'] }),
      // JSON records, one object a sample: json.dump of a list of dicts, or one a line (JSON Lines).
      'records.json': JSON.stringify(rows.map((logits, i) => ({ logits, label: labels[i] }))),
      'records-indent.json': JSON.stringify(
        rows.map((logits, i) => ({ label: labels[i], logits })),
        null,
        2,
      ),
      'records.jsonl': rows.map((logits, i) => JSON.stringify({ logits, label: labels[i] }) + '\n').join(''),
      'records-crlf.jsonl': rows.map((logits, i) => JSON.stringify({ label: labels[i], logits }) + '\r\n').join(''),
      'records-probs.jsonl': probRows.map((p, i) => JSON.stringify({ probabilities: p, label: labels[i] }) + '\n').join(''),
      'records-range.jsonl': rows.map((logits, i) => JSON.stringify({ logits, label: i === 30 ? 5 : labels[i] }) + '\n').join(''),
      'records-id.jsonl': rows.map((logits, i) => JSON.stringify({ id: `s${i}`, logits, label: labels[i] }) + '\n').join(''),
      'records-nested-id.jsonl': rows.map((logits, i) => JSON.stringify({ id: [i], logits, label: labels[i] }) + '\n').join(''),
      'records-cut.json': JSON.stringify(rows.map((logits, i) => ({ logits, label: labels[i] }))).slice(0, -40),
      // A DataFrame as records (to_json(orient="records"), lines=True): a key a column; NaN is null.
      'frame.json': JSON.stringify(rows.map((r, i) => ({ ...columnsOf(r), label: labels[i] }))),
      'frame.jsonl': rows.map((r, i) => JSON.stringify({ id: `s${i}`, ...columnsOf(r), label: labels[i] }) + '\n').join(''),
      // The same DataFrame as df.to_json() writes it by default: one object a column, keyed by the index.
      'frame-columns.json': JSON.stringify(byColumn(rows, labels)),
      'frame-columns-null.json': JSON.stringify(
        byColumn(
          rows.map((r, i) => (i === 30 ? [null, ...r.slice(1)] : r)),
          labels,
        ),
      ),
      // The same records in pandas' index and table orients.
      'frame-index.json': `{${rows.map((r, i) => `"${i}":${JSON.stringify({ ...columnsOf(r), label: labels[i] })}`).join(',')}}`,
      'frame-table.json': `{"schema":{"fields":[{"name":"index"}],"primaryKey":["index"]},"data":[${rows.map((r, i) => JSON.stringify({ index: i, ...columnsOf(r), label: labels[i] })).join(',')}]}`,
      'frame-split.json': `{"columns":${JSON.stringify([...Object.keys(columnsOf(rows[0])), 'label'])},"index":${JSON.stringify(rows.map((_, i) => i))},"data":${JSON.stringify(rows.map((r, i) => [...r, labels[i]]))}}`,
      'frame-null.jsonl': rows
        .map((r, i) => JSON.stringify({ ...columnsOf(i === 30 ? [null, ...r.slice(1)] : r), label: labels[i] }) + '\n')
        .join(''),
    };
    Object.assign(cases, classesCases(rows, labels));
    for (const [name, text] of Object.entries(cases)) {
      const path = join(scratch, name);
      // One case's é is a Latin-1 byte, not UTF-8.
      writeFileSync(path, name.includes('latin1') ? Buffer.from(text, 'latin1') : text);
      same(path, name);
      const simple =
        /^(plain|crlf|noeol|short|exp|spaced|pretty|labels-first|label-float|float-labels|pandas-index|pandas-text-index|two-unnamed|id-column|id-columns-quoted|id-label-first|id-after|ids-after-quoted|label-first-id-after|label-first|label-first-crlf|index-label-first|long-label|savetxt|savetxt-comment|hash-tight|hash-alone|hash-space|tabs|semicolons|tabs-label-first|tabs-index|r-quoted|r-rownames|r-bad-rowname|string-index|bom|bom-labels-first|probs|probs-label-first|probs-within|probs-labels-first|probs-classes|records|records-indent|records-crlf|records-probs|records-id|frame|frame-columns|frame-index|frame-table|frame-split|classes-in-.*)\./.test(
          name,
        );
      const one = streamedSummary(path, pieces(5), () => null, 'mean');
      assert.equal(one !== null, simple, `${name} streamed`);
      // The same report in parts; a JSON's own class names are the report's.
      if (simple) {
        assert.deepEqual(
          streamedSummary(path, pieces(1 << 30), () => null, 'mean', { count: 3, minPartBytes: 64 }),
          one,
          `${name} in parts`,
        );
      }
      if (/^classes-in-/.test(name)) assert.deepEqual(one!.classes, JSON.parse(text).classes, `${name}: its names`);
    }
    // The probability files the stream must leave: the full reader's own messages, which it gives.
    const stderrOf = (name: string) => run(['analyze', join(scratch, name), '--summary']).stderr;
    assert.match(stderrOf('probs-negative.csv'), /probability -0\.1 in sample 30 \(class 0\) is outside \[0, 1\]/);
    assert.match(stderrOf('probs-above-one.csv'), /probability 1\.5 in sample 30 .* is outside \[0, 1\]/);
    assert.match(stderrOf('probs-sum.csv'), /probabilities in sample 30 sum to 0\.9, expected 1/);
    assert.match(stderrOf('probs-rounded.csv'), /sum to 1\.0002, expected 1; if the values are rounded/);
    assert.match(stderrOf('probs-range.csv'), /label 5 .*out of range for 5 classes/);
    assert.equal(stderrOf('probs-within.csv'), '');
    assert.match(stderrOf('probs-sum.json'), /probabilities in sample 30 sum to 0\.9, expected 1/);
    // Class names from classes.txt beside the file, right count and wrong count.
    const dir = mkdtempSync(join(scratch, 'classes-'));
    writeFileSync(join(dir, 'x.csv'), cases['plain.csv']);
    writeFileSync(join(dir, 'classes.txt'), 'a\nb\nc\nd\ne\n');
    same(join(dir, 'x.csv'), 'classes.txt');
    // Labels written as class names, numbered by that classes.txt: streamed (on one thread too), the full reader's output.
    const namesCsv = [header, ...rows.map((r, i) => `${r.join(',')},${'abcde'[labels[i]]}`)].join('\n') + '\n';
    writeFileSync(join(dir, 'names.csv'), namesCsv);
    same(join(dir, 'names.csv'), 'labels as names');
    const fiveNames = (name: string) => (name === 'classes.txt' ? new TextEncoder().encode('a\nb\nc\nd\ne\n') : null);
    const byName = streamedSummary(join(dir, 'names.csv'), pieces(1 << 30), fiveNames, 'mean');
    assert.ok(byName?.classes, 'names streamed, with the names');
    assert.deepEqual(byName, streamedSummary(join(dir, 'x.csv'), pieces(1 << 30), fiveNames, 'mean'), 'names: the indices’ report');
    assert.deepEqual(
      streamedSummary(join(dir, 'names.csv'), pieces(1 << 30), fiveNames, 'mean', { count: 3, minPartBytes: 64 }),
      byName,
      'names in parts',
    );
    writeFileSync(join(dir, 'classes.txt'), 'a\nb\n');
    same(join(dir, 'names.csv'), 'labels as names, classes.txt of the wrong count');
    same(join(dir, 'x.csv'), 'classes.txt (wrong count)');
    // A JSON with its own names reads no classes.txt, even one the full reader would warn about.
    for (const name of ['classes-in-last.json', 'classes-count.json']) {
      writeFileSync(join(dir, name), cases[name]);
      same(join(dir, name), `${name} beside classes.txt (wrong count)`);
    }
    const wrongCount = (name: string) => (name === 'classes.txt' ? new TextEncoder().encode('a\nb\n') : null);
    const beside = streamedSummary(join(dir, 'classes-in-last.json'), pieces(1 << 30), wrongCount, 'mean');
    assert.deepEqual(beside?.classes, JSON.parse(cases['classes-in-last.json']).classes, 'the file’s names, not classes.txt’s');
  });
});

/**
 * JSON files with a "classes" entry: the simple layouts with it first, between or last
 * (`classes-in-…`, read by the stream), and ones the full reader must read (a count other than K,
 * two entries, names that are not strings, a bad escape, a label out of range, a cut file).
 */
/** A row as a DataFrame's record holds it: logit_0, logit_1, … */
function columnsOf(row: (number | null)[]): Record<string, number | null> {
  return Object.fromEntries(row.map((z, j) => [`logit_${j}`, z]));
}

/** The rows and labels as a DataFrame's df.to_json() writes them: {"logit_0": {"0": z, …}, …, "label": {…}}. */
function byColumn(rows: (number | null)[][], labels: number[]): Record<string, Record<string, number | null>> {
  const column = (value: (i: number) => number | null) => Object.fromEntries(rows.map((_, i) => [String(i), value(i)]));
  return { ...Object.fromEntries(rows[0].map((_, j) => [`logit_${j}`, column((i) => rows[i][j])])), label: column((i) => labels[i]) };
}

function classesCases(rows: number[][], labels: number[]): Record<string, string> {
  const names = ['cat', 'dog', 'bird', 'fish', 'frog'];
  // Quotes, backslashes, brackets, commas, a \u escape, non-ASCII and an emoji: the backward read must find each string's start.
  const tricky = ['a"b', 'c\\', '] [', '\\"', 'caf\u00e9 🐸'];
  const dump = (o: object) => JSON.stringify(o, null, 1);
  // json.dump's default separators (", " and ": "), a dict in the given key order.
  const spaced = (entries: [string, unknown][]) =>
    `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v).replace(/,(?=[-\d[])/g, ', ')}`).join(', ')}}`;
  return {
    'classes-in-last.json': JSON.stringify({ logits: rows, labels, classes: names }),
    'classes-in-first.json': dump({ classes: names, logits: rows, labels }),
    'classes-in-between.json': spaced([
      ['logits', rows],
      ['classes', names],
      ['labels', labels],
    ]),
    'classes-in-labels-first-last.json': spaced([
      ['labels', labels],
      ['logits', rows],
      ['classes', names],
    ]),
    'classes-in-first-labels-first.json': dump({ classes: names, labels, logits: rows }),
    'classes-in-labels-first-between.json': JSON.stringify({ labels, classes: names, logits: rows }),
    'classes-in-tricky-last.json': JSON.stringify({ logits: rows, labels, classes: tricky }),
    'classes-in-tricky-first.json': JSON.stringify({ classes: tricky, labels, logits: rows }),
    'classes-in-escaped.json':
      JSON.stringify({ logits: rows, labels }).slice(0, -1) + ', "classes": ["\\u0063at", "d\\/g", "b\\n", "\\"", "\\\\"]}',
    'classes-count.json': JSON.stringify({ logits: rows, labels, classes: names.slice(1) }),
    'classes-count-first.json': JSON.stringify({ classes: [...names, 'x'], labels, logits: rows }),
    'classes-empty.json': JSON.stringify({ logits: rows, labels, classes: [] }),
    // Twice, with K names each time (a count other than K alone would send the file to the full reader).
    'classes-twice.json': JSON.stringify({ classes: names, logits: rows, labels }).slice(0, -1) + `, "classes": ${JSON.stringify(names)}}`,
    'classes-twice-labels-first.json':
      JSON.stringify({ classes: names, labels, logits: rows }).slice(0, -1) + `, "classes": ${JSON.stringify(names)}}`,
    'classes-twice-around-labels.json':
      JSON.stringify({ logits: rows, classes: names, labels }).slice(0, -1) + `, "classes": ${JSON.stringify(names)}}`,
    'classes-twice-in-head.json':
      JSON.stringify({ classes: names, labels }).slice(0, -1) + `, "classes": ${JSON.stringify(names)}, "logits": ${JSON.stringify(rows)}}`,
    'classes-numbers.json': JSON.stringify({ logits: rows, labels, classes: [1, 2, 3, 4, 5] }),
    'classes-mixed.json': JSON.stringify({ classes: ['a', 'b', null, 'd', 'e'], logits: rows, labels }),
    'classes-nested.json': JSON.stringify({ logits: rows, labels, classes: [['a'], 'b', 'c', 'd', 'e'] }),
    'classes-bad-escape.json': JSON.stringify({ logits: rows, labels }).slice(0, -1) + ', "classes": ["a", "b\\x", "c", "d", "e"]}',
    'classes-control.json': JSON.stringify({ logits: rows, labels }).slice(0, -1) + ', "classes": ["a", "b\tc", "c", "d", "e"]}',
    'classes-latin1.json': JSON.stringify({ logits: rows, labels }).slice(0, -1) + ', "classes": ["a", "caf\u00e9", "c", "d", "e"]}',
    'classes-range.json': JSON.stringify({ classes: names, logits: rows, labels: [...labels.slice(0, -1), 7] }),
    'classes-cut.json': JSON.stringify({ logits: rows, labels, classes: names }).slice(0, -8),
    'classes-unclosed.json': JSON.stringify({ logits: rows, labels }).slice(0, -1) + ', "classes": ["a", "b", "c", "d", "e}',
  };
}

describe('analyze --summary streamed: rows longer than a read', () => {
  test('K = 30,000 (a row of ~570 KB, more than two reads): the same as the full reader, whole, in pieces and in parts, a CSV, a JSON and records', () => {
    const k = 30_000;
    const { rows, labels } = logits(5, k, 3);
    const header = Array.from({ length: k }, (_, j) => `logit_${j}`).join(',') + ',label';
    const files = {
      'wide.csv': [header, ...rows.map((r, i) => `${r.join(',')},${labels[i]}`)].join('\n') + '\n',
      'wide.json': JSON.stringify({ logits: rows, labels }),
      // A record whose '}' is past the first reads of the file (the plan's head grows to find it).
      'wide.jsonl': rows.map((r, i) => JSON.stringify({ logits: r, label: labels[i] }) + '\n').join(''),
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
  test('seeded byte edits of a CSV, a JSON and JSON records: streamed (whole, in 7-byte pieces, in parts) = full reader', () => {
    const { rows, labels } = logits(12, 4, 21);
    const nineDecimals = (i: number) =>
      [
        [0.25, 0.25, 0.25, 0.25],
        [0.1, 0.2, 0.3, 0.4],
        [0.7, 0.1, 0.1, 0.1],
      ][i % 3].map((p) => p.toFixed(9));
    const seeds: Record<string, string> = {
      'f.csv':
        ['logit_0,logit_1,logit_2,logit_3,label', ...rows.map((r, i) => `${r.map((v) => v.toPrecision(5)).join(',')},${labels[i]}`)].join(
          '\n',
        ) + '\n',
      'f.json': JSON.stringify({ logits: rows.map((r) => r.map((v) => Number(v.toPrecision(5)))), labels }, null, 1),
      // A .tsv with its label first, and R's write.csv (quoted names and row names) after a byte order mark.
      't.tsv':
        [
          'label\tlogit_0\tlogit_1\tlogit_2\tlogit_3',
          ...rows.map((r, i) => [labels[i], ...r.map((v) => v.toPrecision(5))].join('\t')),
        ].join('\n') + '\n',
      'r.csv':
        '\ufeff' +
        [
          '"","logit_0","logit_1","logit_2","logit_3","label"',
          ...rows.map((r, i) => `"${i + 1}",${r.map((v) => v.toPrecision(5)).join(',')},${labels[i]}`),
        ].join('\r\n') +
        '\r\n',
      // Probabilities written to 9 decimals: an edit past the 4th keeps the row within the tolerance
      // (1e-4), one before it does not. Either is summed as the full reader sums it, or refused.
      'p.json': `{"probabilities": [${rows.map((_, i) => `[${nineDecimals(i).join(', ')}]`).join(', ')}], "labels": [${labels.join(', ')}]}`,
      'p.csv': ['prob_0,prob_1,prob_2,prob_3,label', ...rows.map((_, i) => `${nineDecimals(i).join(',')},${labels[i]}`)].join('\n') + '\n',
      // Log-probabilities to 9 decimals (nll): an edit is summed as the full reader sums it, or refused
      // (a value above 0, a row whose exp sums off 1: the full reader's error or warning).
      'lp.json': `{"log_probabilities": [${rows
        .map(
          (_, i) =>
            `[${nineDecimals(i)
              .map((p) => Math.log(Number(p)).toFixed(9))
              .join(', ')}]`,
        )
        .join(', ')}], "labels": [${labels.join(', ')}]}`,
      'lp.csv':
        [
          'logprob_0,logprob_1,logprob_2,logprob_3,label',
          ...rows.map(
            (_, i) =>
              `${nineDecimals(i)
                .map((p) => Math.log(Number(p)).toFixed(9))
                .join(',')},${labels[i]}`,
          ),
        ].join('\n') + '\n',
      // The object of logits and soft targets, and a regression's object of predictions and targets.
      'pair.json': JSON.stringify(
        { logits: rows.map((r) => r.map((v) => Number(v.toPrecision(5)))), targets: rows.map((_, i) => nineDecimals(i).map(Number)) },
        null,
        1,
      ),
      'preg.json': JSON.stringify({
        predictions: rows.map((r) => Number(r[0].toPrecision(4))),
        targets: rows.map((r) => Number(r[1].toPrecision(4))),
      }),
      // A regression's predictions and targets (prediction_0…, target_0…), CRLF.
      'reg.csv':
        [
          'prediction_0,prediction_1,target_0,target_1',
          ...rows.map((r) => [r[0], r[1], r[2], r[3]].map((v) => v.toPrecision(5)).join(',')),
        ].join('\r\n') + '\r\n',
      // Soft targets to 9 decimals beside logits, and an id after them: an edit in a target is summed or refused as above.
      'tg.csv':
        [
          'logit_0,logit_1,logit_2,logit_3,target_0,target_1,target_2,target_3,id',
          ...rows.map((r, i) => `${r.map((v) => v.toPrecision(5)).join(',')},${nineDecimals(i + labels[i]).join(',')},img_${i}.png`),
        ].join('\n') + '\n',
      // A "classes" entry first and last: edits in it must be refused, or read as the full reader reads them.
      'first.classes.json': JSON.stringify({
        classes: ['a"', 'b\\', '[c]', 'd,'],
        logits: rows.map((r) => r.map((v) => Number(v.toPrecision(3)))),
        labels,
      }),
      'last.classes.json': JSON.stringify({
        logits: rows.map((r) => r.map((v) => Number(v.toPrecision(3)))),
        labels,
        classes: ['a"', 'b\\', '[c]', 'd,'],
      }),
      // JSON records (json.dump of a list of dicts, and JSON Lines): an edit is read as the full reader reads it, or refused.
      'rec.json': JSON.stringify(rows.map((r, i) => ({ logits: r.map((v) => Number(v.toPrecision(4))), label: labels[i] }))),
      // Records of logits and soft targets to 9 decimals (an edit in a target is summed or refused as above).
      'rec.targets.json': `[${rows
        .map((r, i) => `{"logits": [${r.map((v) => v.toPrecision(4)).join(', ')}], "target": [${nineDecimals(i + labels[i]).join(', ')}]}`)
        .join(', ')}]`,
      'rec.jsonl': rows
        .map(
          (r, i) => JSON.stringify({ id: `s"${i}\\`, label: labels[i], logits: r.map((v) => Number(v.toPrecision(4))), ok: true }) + '\n',
        )
        .join(''),
      // Columns no role reads before and after (a quoted id, a split), and labels written as class names
      // numbered by the classes.txt of their folder (named/): as a CSV and as JSON Lines with UTF-8 text.
      'i.csv':
        [
          'id,logit_0,logit_1,logit_2,logit_3,label,split',
          ...rows.map((r, i) => `"s ${i}, a",${r.map((v) => v.toPrecision(5)).join(',')},${labels[i]},${i % 2 ? 'x' : ''}`),
        ].join('\n') + '\n',
      'named/n.csv':
        [
          'id,label,logit_0,logit_1,logit_2,logit_3',
          ...rows.map((r, i) => `s${i},${['a', '"b, c"', 'd', 'e'][labels[i]]},${r.map((v) => v.toPrecision(5)).join(',')}`),
        ].join('\n') + '\n',
      // A DataFrame's records with an id, values to 12 digits (so most edits land in a number, not in a key).
      'frame.jsonl': rows
        .map((r, i) => JSON.stringify({ id: `s"${i}`, ...columnsOf(r.map((v) => Number(v.toPrecision(12)))), label: labels[i] }) + '\n')
        .join(''),
      // A DataFrame's records in the index orient (pandas' index, and file names), in the table orient, and its rows in the split orient.
      'idx.json': `{${rows.map((r, i) => `"${i}": ${JSON.stringify({ ...columnsOf(r.map((v) => Number(v.toPrecision(12)))), label: labels[i] })}`).join(', ')}}`,
      'idxn.json': `{${rows.map((r, i) => `"s ${i}.jpg": ${JSON.stringify({ ...columnsOf(r.map((v) => Number(v.toPrecision(12)))), label: labels[i] })}`).join(', ')}}`,
      'table.json': `{"schema": {"fields": [{"name": "index"}]}, "data": [${rows.map((r, i) => JSON.stringify({ index: i, ...columnsOf(r.map((v) => Number(v.toPrecision(12)))), label: labels[i] })).join(', ')}]}`,
      'split.json': `{"columns": ["id", "logit_0", "logit_1", "logit_2", "logit_3", "label"], "index": ${JSON.stringify(rows.map((_, i) => i))}, "data": ${JSON.stringify(rows.map((r, i) => [`s${i}`, ...r.map((v) => Number(v.toPrecision(12))), labels[i]]))}}`,
      // A DataFrame as df.to_json() writes it by default, one object a column.
      'cols.json': JSON.stringify(
        byColumn(
          rows.map((r) => r.map((v) => Number(v.toPrecision(12)))),
          labels,
        ),
      ),
      'named/n.jsonl': rows
        .map(
          (r, i) =>
            JSON.stringify({ text: `é ${i}`, logits: r.map((v) => Number(v.toPrecision(4))), label: ['a', 'b, c', 'd', 'e'][labels[i]] }) +
            '\n',
        )
        .join(''),
    };
    mkdirSync(join(scratch, 'named'), { recursive: true });
    const fourNames = 'a\nb, c\nd\ne\n';
    writeFileSync(join(scratch, 'named', 'classes.txt'), fourNames);
    const readNames = (name: string) => (name === 'classes.txt' ? new TextEncoder().encode(fourNames) : null);
    const alphabet = '0123456789,.-+eE[]{}" \n\r\tx:;';
    const rand = seededUniform(99);
    const streamedMutants: Record<string, number> = {};
    for (const [name, text] of Object.entries(seeds)) {
      streamedMutants[name] = 0;
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
        const path = join(
          scratch,
          name.replace(/[^/]+$/, (file) => `m${m}-${file}`),
        );
        const readSibling = name.startsWith('named/') ? readNames : () => null;
        writeFileSync(path, chars.join(''));
        const full = run(['analyze', path, '--json', '--summary']);
        assert.deepEqual(run(['analyze', path, '--json', '--summary'], pieces(7)), full, `${name} mutant ${m}`);
        const one = streamedSummary(path, pieces(1 << 30), readSibling, 'mean');
        if (one) {
          streamedMutants[name]++;
          assert.deepEqual(one, JSON.parse(full.stdout), `${name} mutant ${m}: the full reader's report`);
        }
        if (
          /\.(csv|tsv|jsonl)$/.test(name) ||
          name.endsWith('.classes.json') ||
          name === 'p.json' ||
          name === 'lp.json' ||
          name.startsWith('rec.') ||
          name === 'cols.json' ||
          name === 'idx.json' ||
          name === 'idxn.json' ||
          name === 'table.json' ||
          name === 'split.json' ||
          name === 'pair.json' ||
          name === 'preg.json'
        )
          assert.deepEqual(
            streamedSummary(path, pieces(1 << 30), readSibling, 'mean', { count: 3, minPartBytes: 64 }),
            one,
            `${name} mutant ${m} in parts`,
          );
        rmSync(path);
      }
    }
    for (const [name, count] of Object.entries(streamedMutants)) assert.ok(count >= 10, `only ${count} mutants of ${name} streamed`);
  });
});

describe('analyze --summary streamed: memory', { concurrency: false }, () => {
  test('a 120 MB logits CSV and JSON, a CSV, JSON Lines and a JSON object of logits and one-hot targets, and a regression CSV are summarised with a 64 MB heap in less memory than the file', () => {
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
    // The same rows with one-hot targets in place of the label (target_0…): 154 MB.
    const targets = join(scratch, 'big-targets.csv');
    fd = openSync(targets, 'w');
    writeSync(
      fd,
      [...Array.from({ length: 1000 }, (_, j) => `logit_${j}`), ...Array.from({ length: 1000 }, (_, j) => `target_${j}`)].join(',') + '\n',
    );
    const oneHot = labels.map((label) => Array.from({ length: 1000 }, (_, j) => (j === label ? '1' : '0')).join(','));
    for (let i = 0; i < n; i++) writeSync(fd, `${text[i % 16]},${oneHot[i % 16]}\n`);
    closeSync(fd);
    // And as JSON Lines records, {"logits": […], "target": […]} (the full reader holds about six times the file).
    const records = join(scratch, 'big-targets.jsonl');
    fd = openSync(records, 'w');
    for (let i = 0; i < n; i++) writeSync(fd, `{"logits": [${text[i % 16]}], "target": [${oneHot[i % 16]}]}\n`);
    closeSync(fd);
    // A regression's predictions and targets, 200,000 × 2 × 20 numbers (62 MB): the full reader holds about 3.5 times the file.
    const regression = join(scratch, 'big-regression.csv');
    fd = openSync(regression, 'w');
    const outputs = Array.from({ length: 20 }, (_, j) => `prediction_${j}`).concat(Array.from({ length: 20 }, (_, j) => `target_${j}`));
    writeSync(fd, outputs.join(',') + '\n');
    const regressionRows = rows.map((r) =>
      r
        .slice(0, 40)
        .map((v) => v.toFixed(4))
        .join(','),
    );
    for (let i = 0; i < 200_000; i++) writeSync(fd, `${regressionRows[i % 16]}\n`);
    closeSync(fd);
    // The object layout with one-hot targets in place of labels: {"logits": […], "targets": […]}.
    const paired = join(scratch, 'big-paired.json');
    fd = openSync(paired, 'w');
    writeSync(fd, '{"logits": [');
    for (let i = 0; i < n; i++) writeSync(fd, `${i ? ', ' : ''}[${text[i % 16]}]`);
    writeSync(fd, '], "targets": [');
    for (let i = 0; i < n; i++) writeSync(fd, `${i ? ', ' : ''}[${oneHot[i % 16]}]`);
    writeSync(fd, ']}');
    closeSync(fd);
    for (const path of [csv, json, targets, records, regression, paired]) {
      assert.ok(statSync(path).size > (path === regression ? 55 : 110) * 2 ** 20);
      const small = cliProcess(['analyze', path, '--json', '--summary'], { timeoutMs: 300_000, maxOldSpaceMB: 64, measure: true });
      assert.equal(small.status, 0, small.stderr);
      const report = JSON.parse(small.stdout) as { n: number; k?: number; d?: number; loss: number };
      assert.equal(report.n, path === regression ? 200_000 : n);
      if (path === regression) assert.equal(report.d, 20);
      else assert.equal(report.k, 1000);
      // The full path, in process (no openFile): the same report to the last bit.
      assert.deepEqual(JSON.parse(run(['analyze', path, '--json', '--summary']).stdout), report);
      // Peak RSS below the file itself (the full path holds the bytes and N × K doubles, > 210 MB).
      assert.ok(small.maxRssBytes! < 160 * 2 ** 20, `peak ${(small.maxRssBytes! / 2 ** 20).toFixed(0)} MB`);
    }
  });

  test('a 112 MB probabilities CSV written with 4 decimals (rows off 1 by more than the tolerance): the full reader’s list with a 64 MB heap in less memory than the file', () => {
    // 16,000 rows × 1,000 classes of softmax probabilities as "%.4f" writes them, repeated from 16 seeded rows.
    const { rows, labels } = logits(16, 1000, 12);
    const text = rows.map((z) => {
      const e = z.map((v) => Math.exp(v));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => (v / sum).toFixed(4)).join(',');
    });
    const path = join(scratch, 'big-rounded-probs.csv');
    const fd = openSync(path, 'w');
    writeSync(fd, Array.from({ length: 1000 }, (_, j) => `prob_${j}`).join(',') + ',label\n');
    for (let i = 0; i < 16_000; i++) writeSync(fd, `${text[i % 16]},${labels[i % 16]}\n`);
    closeSync(fd);
    assert.ok(statSync(path).size > 105 * 2 ** 20);
    // The full path, in process (no openFile): its list of rows whose sum is off 1.
    const full = run(['analyze', path, '--summary']);
    assert.equal(full.status, 1);
    const lines = full.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 21);
    assert.match(
      lines[0],
      /^.*big-rounded-probs\.csv:\d+:1: probabilities in sample \d+ sum to [\d.]+, expected 1; if the values are rounded, write more digits/,
    );
    assert.match(lines[20], /…and \d+ more like this \(\d+ in all\)$/);
    for (const args of [
      ['analyze', path, '--summary'],
      ['analyze', path],
      ['check', path],
    ]) {
      const small = cliProcess(args, { timeoutMs: 300_000, maxOldSpaceMB: 64, measure: true });
      assert.equal(small.status, 1, small.stderr.slice(0, 500));
      assert.equal(small.stderr, full.stderr, args.join(' '));
      assert.ok(small.maxRssBytes! < 160 * 2 ** 20, `${args.join(' ')}: peak ${(small.maxRssBytes! / 2 ** 20).toFixed(0)} MB`);
    }
  });

  test('a DataFrame’s JSON with a problem, too large for the full reader’s heap: refused where the streamed reader stopped, not a crash', () => {
    // 4,000 × 200 (16 MB): the full reader would hold about ten times that, past a 64 MB heap.
    const { rows, labels } = logits(4000, 200, 23);
    const cells = rows.map((r) => r.map((v) => Number(v.toFixed(6))));
    const jsonl = join(scratch, 'frame-null.jsonl');
    writeFileSync(
      jsonl,
      cells.map((r, i) => JSON.stringify({ ...columnsOf(i === 2500 ? [r[0], null, ...r.slice(2)] : r), label: labels[i] })).join('\n') +
        '\n',
    );
    const columns = join(scratch, 'frame-null-columns.json');
    const text = JSON.stringify(
      byColumn(
        cells.map((r, i) => (i === 2500 ? [...r.slice(0, 150), null, ...r.slice(151)] : r)),
        labels,
      ),
    );
    writeFileSync(columns, text);
    // The same records in the table orient, its schema first.
    const table = join(scratch, 'frame-null-table.json');
    const records = readFileSync(jsonl, 'utf8').trim().split('\n');
    const tableText = `{"schema":{"fields":[{"name":"index"}]},"data":[${records.map((r, i) => `{"index":${i},${r.slice(1)}`).join(',')}]}`;
    writeFileSync(table, tableText);
    for (const [path, where, fullMessage] of [
      [jsonl, ':2501:1:', /record 2500: "logit_1" is null/],
      [table, `:1:${tableText.indexOf('{"index":2500,') + 1}:`, /record 2500: "logit_1" is null/],
      [columns, `:1:${text.indexOf('"logit_150":') + 1}:`, /row "2500": "logit_150" is null/],
    ] as const) {
      const small = cliProcess(['analyze', path, '--summary'], { timeoutMs: 300_000, maxOldSpaceMB: 64 });
      assert.equal(small.status, 1, small.stderr);
      assert.ok(small.stderr.startsWith(path + where + ' the streamed reader stopped at this'), small.stderr);
      assert.match(small.stderr, /too large for the full reader/);
      // The problem is real: the full reader, with the test's heap, says what it is.
      assert.match(run(['analyze', path, '--summary']).stderr, fullMessage);
    }
  });
});

describe('analyze --summary streamed: one-hot and soft targets beside the logits (target_0…)', () => {
  /** Row i's targets: one-hot at its label, or label-smoothed (1 − ε there, ε/K added to each class), written to 9 decimals. */
  const targetCells = (label: number, k: number, smoothing: number) =>
    Array.from({ length: k }, (_, j) => ((j === label ? 1 - smoothing : 0) + smoothing / k).toFixed(9).replace(/\.?0+$/, '') || '0');

  test('CSVs of logits or probabilities and targets: the full reader’s summary, whole, in pieces and in parts; the loss −Σ y log softmax(z)', () => {
    const { rows, labels } = logits(300, 9, 61);
    const k = 9;
    const names = (prefix: string) => Array.from({ length: k }, (_, j) => `${prefix}${j}`);
    const row = (i: number, smoothing: number) => [...rows[i].map((v) => v.toPrecision(6)), ...targetCells(labels[i], k, smoothing)];
    const softmax = (r: number[]) => {
      const max = Math.max(...r);
      const e = r.map((v) => Math.exp(v - max));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => v / sum);
    };
    const cases: Record<string, string> = {
      'onehot.csv': [[...names('logit_'), ...names('target_')].join(','), ...rows.map((_, i) => row(i, 0).join(','))].join('\n') + '\n',
      'soft.csv': [[...names('logit_'), ...names('target_')].join(','), ...rows.map((_, i) => row(i, 0.1).join(','))].join('\n') + '\n',
      // pandas' index first, a file name after, CRLF.
      'pandas.csv':
        [
          [',' + names('logit_').join(','), ...names('target_'), 'file'].join(','),
          ...rows.map((_, i) => [i, ...row(i, 0.1), `"a, ${i}.png"`].join(',')),
        ].join('\r\n') + '\r\n',
      'tabs.tsv': [[...names('logit_'), ...names('target_')].join('\t'), ...rows.map((_, i) => row(i, 0.2).join('\t'))].join('\n') + '\n',
      'probs.csv':
        [
          [...names('prob_'), ...names('target_')].join(','),
          ...rows.map((r, i) => [...softmax(r).map((p) => p.toFixed(12)), ...targetCells(labels[i], k, 0.1)].join(',')),
        ].join('\n') + '\n',
    };
    for (const [name, one] of Object.entries(takenAlike(cases))) assert.equal(one.input, name === 'probs.csv' ? 'probabilities' : 'logits');
    // The formula, with Math.exp: −Σ_j y_j log softmax(z)_j averaged over the samples; accuracy from argmax y.
    const report = streamedSummary(join(scratch, 'soft.csv'), pieces(1 << 30), () => null, 'mean')!;
    let total = 0;
    let hits = 0;
    rows.forEach((r, i) => {
      const z = r.map((v) => Number(v.toPrecision(6)));
      const p = softmax(z);
      targetCells(labels[i], k, 0.1).forEach((y, j) => (total -= Number(y) * Math.log(p[j])));
      if (p.indexOf(Math.max(...p)) === labels[i]) hits++;
    });
    assert.ok(Math.abs((report.loss as number) - total / 300) < 1e-12 * (total / 300), `${report.loss} vs ${total / 300}`);
    assert.equal(report.accuracy, hits / 300);
  });

  test('target rows the full reader reports, and headers it reads otherwise: its messages, nothing streamed', () => {
    const { rows, labels } = logits(40, 4, 62);
    const header = 'logit_0,logit_1,logit_2,logit_3,target_0,target_1,target_2,target_3';
    const lines = rows.map((r, i) => [...r.map((v) => v.toFixed(4)), ...targetCells(labels[i], 4, 0.2)]);
    const edited = (edit: (cells: string[][]) => void, head = header) => {
      const cells = lines.map((l) => [...l]);
      edit(cells);
      return [head, ...cells.map((c) => c.join(','))].join('\n') + '\n';
    };
    const cases: Record<string, string> = {
      'sums to 1.1': edited((c) => (c[30][5] = (Number(c[30][5]) + 0.1).toFixed(2))),
      'a negative target': edited((c) => ((c[7][4] = '-0.05'), (c[7][5] = (Number(c[7][5]) + 0.05).toFixed(2)))),
      'a ragged row': edited((c) => c[12].pop()),
      'a target not a number': edited((c) => (c[3][6] = 'x')),
      'three target columns': edited((c) => c.forEach((l) => l.pop()), header.replace(/,target_3$/, '')),
      'a label and targets': edited((c) => c.forEach((l, i) => l.push(String(labels[i]))), header + ',label'),
      'targets out of order': edited(() => {}, header.replace('target_1,target_2', 'target_2,target_1')),
    };
    refusedAlike(cases, 'bad-', '.csv');
    assert.match(run(['analyze', join(scratch, 'bad-sums-to-1.1.csv'), '--summary']).stderr, /:32:\d+: .*targets in sample 30 sum to 1\.1/);
  });

  test('JSON records of logits or probabilities and "targets" or "target": the full reader’s summary, whole, in pieces and in parts', () => {
    const { rows, labels } = logits(200, 6, 63);
    const k = 6;
    const z = (i: number) => rows[i].map((v) => Number(v.toPrecision(6)));
    const y = (i: number, smoothing: number) => targetCells(labels[i], k, smoothing).map(Number);
    const p = (i: number) => {
      const e = z(i).map((v) => Math.exp(v - Math.max(...z(i))));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => Number((v / sum).toFixed(12)));
    };
    const cases: Record<string, string> = {
      'rt.jsonl': rows.map((_, i) => JSON.stringify({ logits: z(i), target: y(i, 0) }) + '\n').join(''),
      'rt.json': JSON.stringify(
        rows.map((_, i) => ({ id: `img_${i}.jpg`, targets: y(i, 0.1), logits: z(i) })),
        null,
        1,
      ),
      'rp.ndjson': rows.map((_, i) => JSON.stringify({ probabilities: p(i), targets: y(i, 0.1), epoch: 3 }) + '\n').join(''),
    };
    takenAlike(cases);
    // The formula: −Σ y log softmax(z), averaged.
    let total = 0;
    rows.forEach((_, i) => {
      const zi = z(i);
      const max = Math.max(...zi);
      const logSum = max + Math.log(zi.reduce((a, v) => a + Math.exp(v - max), 0));
      y(i, 0.1).forEach((yj, j) => (total -= yj * (zi[j] - logSum)));
    });
    const report = streamedSummary(join(scratch, 'rt.json'), pieces(1 << 30), () => null, 'mean')!;
    assert.ok(Math.abs((report.loss as number) - total / 200) < 1e-12 * (total / 200), `${report.loss} vs ${total / 200}`);
    // Records the full reader reads otherwise or reports: its output, nothing streamed.
    const record = (i: number, extra: Record<string, unknown>) => JSON.stringify({ logits: z(i), target: y(i, 0), ...extra }) + '\n';
    const refused: Record<string, string> = {
      'target then targets': rows
        .map((_, i) => (i === 50 ? JSON.stringify({ logits: z(i), targets: y(i, 0) }) + '\n' : record(i, {})))
        .join(''),
      'a label too': rows.map((_, i) => record(i, { label: labels[i] })).join(''),
      'a short target': rows
        .map((_, i) => (i === 120 ? JSON.stringify({ logits: z(i), target: y(i, 0).slice(1) }) + '\n' : record(i, {})))
        .join(''),
      'a target summing to 1.1': rows
        .map((_, i) => (i === 9 ? record(i, { target: y(i, 0).map((v) => (v ? 1.1 : 0)) }) : record(i, {})))
        .join(''),
      'a class index under target': rows.map((_, i) => JSON.stringify({ logits: z(i), target: labels[i] }) + '\n').join(''),
    };
    refusedAlike(refused, 'bad-', '.jsonl');
    assert.match(
      run(['analyze', join(scratch, 'bad-a-target-summing-to-1.1.jsonl'), '--summary']).stderr,
      /:10:\d+: target 1\.1 in sample 9 \(class \d\) is outside \[0, 1\]/,
    );
  });
});

describe('analyze --summary streamed: the index orient’s first key', () => {
  test('a first key the full reader refuses (a control character, invalid UTF-8) gets its message, not a crash of the plan', () => {
    const record = JSON.stringify({ logit_0: 1.5, logit_1: -0.5, logit_2: 0.25, label: 2 });
    const files: Record<string, Uint8Array> = {
      'control.json': new TextEncoder().encode(`{"img\u0001_0.jpg": ${record}, "img_1.jpg": ${record}}`),
      'utf8.json': Buffer.concat([Buffer.from('{"img'), Buffer.from([0xc3, 0x28]), Buffer.from(`_0.jpg": ${record}}`)]),
    };
    for (const [name, bytes] of Object.entries(files)) {
      const path = join(scratch, name);
      writeFileSync(path, bytes);
      same(path, name);
      const { status, stderr } = run(['analyze', path, '--summary']);
      assert.equal(status, 1, name);
      assert.match(stderr, new RegExp(`${name}:1:\\d+: `), name);
    }
  });
});

describe('analyze --summary streamed: a regression CSV (prediction…, target…)', () => {
  test('predictions and targets: the full reader’s summary, whole and in pieces, and the mean squared error by its formula', () => {
    const { rows } = logits(400, 8, 71);
    const cell = (v: number) => v.toPrecision(6);
    const names = (prefix: string, d: number) => Array.from({ length: d }, (_, j) => `${prefix}${j}`);
    const cases: Record<string, string> = {
      'r1.csv': ['prediction,target', ...rows.map((r) => `${cell(r[0])},${cell(r[1])}`)].join('\n') + '\n',
      'r4.csv': [[...names('prediction_', 4), ...names('target_', 4)].join(','), ...rows.map((r) => r.map(cell).join(','))].join('\r\n'),
      'r4.tsv':
        [[...names('prediction_', 4), ...names('target_', 4)].join('\t'), ...rows.map((r) => r.map(cell).join('\t'))].join('\n') + '\n\n',
      'semi.csv': ['prediction;target', ...rows.map((r) => `${cell(r[2])};${cell(r[3])}`)].join('\n') + '\n',
    };
    for (const one of Object.values(takenAlike(cases))) assert.equal(one.task, 'regression');
    // The formula: the mean over samples of the mean over outputs of (ŷ − y)².
    let total = 0;
    for (const r of rows) total += r.slice(0, 4).reduce((a, v, j) => a + (Number(cell(v)) - Number(cell(r[4 + j]))) ** 2, 0) / 4;
    const report = streamedSummary(join(scratch, 'r4.csv'), pieces(1 << 30), () => null, 'mean')!;
    assert.equal(report.d, 4);
    assert.ok(Math.abs((report.loss as number) - total / 400) < 1e-12 * (total / 400), `${report.loss} vs ${total / 400}`);
  });

  test('regression CSVs the full reader reports or reads otherwise: its output, nothing streamed', () => {
    const { rows } = logits(30, 4, 72);
    const header = 'prediction_0,prediction_1,target_0,target_1';
    const body = (edit: (cells: string[][]) => void = () => {}) => {
      const cells = rows.map((r) => r.map((v) => v.toFixed(3)));
      edit(cells);
      return cells.map((c) => c.join(',')).join('\n') + '\n';
    };
    const cases: Record<string, string> = {
      'a ragged row': `${header}\n${body((c) => c[10].pop())}`,
      NaN: `${header}\n${body((c) => (c[4][1] = 'NaN'))}`,
      'a number too large': `${header}\n${body((c) => (c[7][2] = '1e999'))}`,
      'a quoted number': `${header}\n${body((c) => (c[3][0] = '"0.5"'))}`,
      'a blank line between rows': `${header}\n${body((c) => (c[12][3] += '\n'))}`,
      'an id column': `id,${header}\n${body((c) => c.forEach((l, i) => l.unshift(String(i))))}`,
      'targets of another width': `prediction_0,prediction_1,target_0\n${body((c) => c.forEach((l) => l.pop()))}`,
      'a vector and a column': `prediction,target_0\n${body((c) => c.forEach((l) => l.splice(2)))}`,
      'no rows': `${header}\n`,
      'a logits header': `logit_0,logit_1,target_0,target_1\n${body()}`,
    };
    refusedAlike(cases, 'bad-regression-', '.csv');
  });
});

describe('analyze --summary streamed: the object of two arrays (logits and targets, or predictions and targets)', () => {
  test('logits or probabilities with one-hot or soft targets, names, a regression: the full reader’s summary, whole and in pieces', () => {
    const { rows, labels } = logits(300, 7, 91);
    const z = rows.map((r) => r.map((v) => Number(v.toPrecision(6))));
    const soft = labels.map((label) => Array.from({ length: 7 }, (_, j) => (j === label ? 0.9 : 0) + 0.1 / 7));
    const p = z.map((r) => {
      const e = r.map((v) => Math.exp(v - Math.max(...r)));
      const sum = e.reduce((a, b) => a + b, 0);
      return e.map((v) => Number((v / sum).toFixed(12)));
    });
    const cases: Record<string, string> = {
      'o1.json': JSON.stringify({ logits: z, targets: labels.map((label) => Array.from({ length: 7 }, (_, j) => (j === label ? 1 : 0))) }),
      'o2.json': JSON.stringify({ targets: soft, logits: z }, null, 2),
      'o3.json': '\ufeff' + JSON.stringify({ classes: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], probabilities: p, targets: soft }),
      'o4.json': JSON.stringify({ logits: z, targets: soft, classes: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }, null, '\t'),
      'r1.json': JSON.stringify({ predictions: z.map((r) => r[0]), targets: z.map((r) => r[1]) }),
      'r2.json': JSON.stringify({ predictions: z.map((r) => r.slice(0, 3)), targets: z.map((r) => r.slice(3, 6)) }, null, 1),
    };
    for (const [name, one] of Object.entries(takenAlike(cases)))
      assert.equal(one.task, name.startsWith('r') ? 'regression' : 'classification', name);
    assert.deepEqual(streamedSummary(join(scratch, 'o4.json'), pieces(1 << 30), () => null, 'mean')!.classes, [
      'a',
      'b',
      'c',
      'd',
      'e',
      'f',
      'g',
    ]);
    // The formulas: −Σ y log softmax(z) averaged; the mean over samples of the mean over outputs of (ŷ − y)².
    let total = 0;
    z.forEach((r, i) => {
      const max = Math.max(...r);
      const logSum = max + Math.log(r.reduce((a, v) => a + Math.exp(v - max), 0));
      soft[i].forEach((y, j) => (total -= y * (r[j] - logSum)));
    });
    const loss = streamedSummary(join(scratch, 'o2.json'), pieces(1 << 30), () => null, 'mean')!.loss as number;
    assert.ok(Math.abs(loss - total / 300) < 1e-12 * (total / 300), `${loss} vs ${total / 300}`);
    let squared = 0;
    z.forEach((r) => (squared += ((r[0] - r[3]) ** 2 + (r[1] - r[4]) ** 2 + (r[2] - r[5]) ** 2) / 3));
    const mse = streamedSummary(join(scratch, 'r2.json'), pieces(1 << 30), () => null, 'mean')!.loss as number;
    assert.ok(Math.abs(mse - squared / 300) < 1e-12 * (squared / 300), `${mse} vs ${squared / 300}`);
  });

  test('objects the full reader reads otherwise or reports: its output, nothing streamed', () => {
    const { rows, labels } = logits(40, 4, 92);
    const z = rows.map((r) => r.map((v) => Number(v.toFixed(4))));
    const y = labels.map((label) => Array.from({ length: 4 }, (_, j) => (j === label ? 1 : 0)));
    const cases: Record<string, unknown> = {
      'a loss named': { logits: z, targets: y, loss: 'cross_entropy' },
      'labels too': { logits: z, targets: y, labels },
      'an unknown key': { logits: z, targets: y, epoch: 3 },
      'a target row short': { logits: z, targets: y.map((r, i) => (i === 20 ? r.slice(1) : r)) },
      'a target row summing to 2': { logits: z, targets: y.map((r, i) => (i === 7 ? r.map(() => 0.5) : r)) },
      'fewer targets': { logits: z, targets: y.slice(1) },
      'names of another count': { logits: z, targets: y, classes: ['a', 'b', 'c'] },
      'three dimensions': { logits: z.map((r) => [r]), targets: y.map((r) => [r]) },
      'a string among the logits': { logits: z.map((r, i) => (i === 3 ? [...r.slice(0, 3), 'x'] : r)), targets: y },
      'a regression of rows of one': { predictions: z.map((r) => [r[0]]), targets: z.map((r) => [r[1]]) },
      'a regression with a null': { predictions: z.map((r, i) => (i === 5 ? null : r[0])), targets: z.map((r) => r[1]) },
      'a regression of different widths': { predictions: z.map((r) => r.slice(0, 2)), targets: z.map((r) => r.slice(0, 3)) },
    };
    refusedAlike(Object.fromEntries(Object.entries(cases).map(([what, value]) => [what, JSON.stringify(value)])), 'bad-paired-', '.json');
    // Text after the object, and an object cut short.
    const whole = JSON.stringify({ logits: z, targets: y });
    refusedAlike({ 'text after': whole + ' x', 'cut short': whole.slice(0, -30) }, 'bad-paired-', '.json');
  });
});

describe('analyze --summary streamed: labels written as class names, numbered by the file’s "classes"', () => {
  test('after or before the labels or first in the file, padded, with quotes and UTF-8 in the names: the full reader’s summary, whole, in pieces and in parts; the loss by its formula', () => {
    const { rows, labels } = logits(200, 5, 93);
    const z = rows.map((r) => r.map((v) => Number(v.toPrecision(7))));
    const names = ['cat', 'dog "good"', 'bird [small]', 'ïbis', 'fish, gold'];
    const named = labels.map((l, i) => (i % 4 === 1 ? ` ${names[l]} ` : names[l]));
    const cases: Record<string, string> = {
      'names-last.json': JSON.stringify({ logits: z, labels: named, classes: names }),
      'names-after-classes.json': JSON.stringify({ logits: z, classes: names, labels: named }, null, 1),
      // The classes first in the file (json.dump of a dict built so): numbered by them.
      'names-classes-first.json': JSON.stringify({ classes: names, logits: z, labels: named }),
      'names-probabilities.json': JSON.stringify({
        probabilities: z.map((r) => {
          const e = r.map((v) => Math.exp(v - Math.max(...r)));
          const sum = e.reduce((a, b) => a + b, 0);
          return e.map((v) => Number((v / sum).toFixed(12)));
        }),
        labels: named,
        classes: names,
      }),
    };
    const reports = takenAlike(cases);
    assert.deepEqual(reports['names-last.json'].classes, names);
    // −(1/N) Σ log softmax(z)[label], each label its name's index among the classes.
    let total = 0;
    z.forEach((r, i) => {
      const max = Math.max(...r);
      total -= r[labels[i]] - max - Math.log(r.reduce((a, v) => a + Math.exp(v - max), 0));
    });
    const loss = reports['names-last.json'].loss as number;
    assert.ok(Math.abs(loss - total / 200) < 1e-12 * (total / 200), `${loss} vs ${total / 200}`);
  });

  test('a name none of the classes is, no "classes", classes of another count, a number among the names: the full reader’s output, nothing streamed', () => {
    const { rows, labels } = logits(60, 3, 94);
    const z = rows.map((r) => r.map((v) => Number(v.toFixed(4))));
    const names = ['cat', 'dog', 'bird'];
    const named = labels.map((l) => names[l]);
    const cases: Record<string, unknown> = {
      'an unknown name': { logits: z, labels: named.map((n, i) => (i === 40 ? 'horse' : n)), classes: names },
      'no classes': { logits: z, labels: named },
      'a number among the names': { logits: z, labels: named.map((n, i) => (i === 3 ? 1 : n)), classes: names },
      'classes of another count': { logits: z, labels: named, classes: ['cat', 'dog'] },
    };
    refusedAlike(Object.fromEntries(Object.entries(cases).map(([what, value]) => [what, JSON.stringify(value)])), 'bad-named-', '.json');
    assert.match(
      run(['analyze', join(scratch, 'bad-named-an-unknown-name.json'), '--summary']).stderr,
      /label "horse" of sample 40 is not one of the 3 class names/,
    );
  });
});

describe('analyze --summary streamed: log-probabilities with labels (nll)', () => {
  /** log_softmax of each row, written to 9 decimals (Σ exp within the tolerance of 1). */
  const logSoftmax = (rows: number[][]) =>
    rows.map((r) => {
      const max = Math.max(...r);
      const lse = max + Math.log(r.reduce((a, v) => a + Math.exp(v - max), 0));
      return r.map((v) => Number((v - lse).toFixed(9)));
    });
  const names = (prefix: string, k: number) => Array.from({ length: k }, (_, j) => `${prefix}${j}`);

  test('a JSON object (labels after or before, classes, names) and CSVs (pandas’ index, the label first, tabs, CRLF): the full reader’s summary, whole, in pieces and in parts; −(1/N) Σ lp[label] and argmax exp(lp)', () => {
    const { rows, labels } = logits(240, 7, 95);
    const lp = logSoftmax(rows);
    const k = 7;
    const classes = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const csv = (header: string[], cells: (i: number) => (string | number)[], eol = '\n', delimiter = ',') =>
      [header.join(delimiter), ...lp.map((_, i) => cells(i).join(delimiter))].join(eol) + eol;
    const cases: Record<string, string> = {
      'logp.json': JSON.stringify({ log_probabilities: lp, labels }),
      'logp-labels-first.json': JSON.stringify({ labels, log_probabilities: lp }, null, 2),
      'logp-classes.json': JSON.stringify({ classes, log_probabilities: lp, labels }),
      'logp-names.json': JSON.stringify({ log_probabilities: lp, labels: labels.map((l) => classes[l]), classes }),
      'logp.csv': csv([...names('logprob_', k), 'label'], (i) => [...lp[i], labels[i]]),
      'logp-pandas.csv': csv(['', 'label', ...names('logprob_', k), 'file'], (i) => [i, labels[i], ...lp[i], `"x, ${i}.png"`], '\r\n'),
      'logp.tsv': csv([...names('logprob_', k), 'label'], (i) => [...lp[i], labels[i]], '\n', '\t'),
    };
    const reports = takenAlike(cases);
    for (const [name, report] of Object.entries(reports)) {
      assert.equal(report.input, 'log_probabilities', name);
      assert.deepEqual(report.lossFunction, { name: 'nll', ignore_index: -100 }, name);
    }
    assert.deepEqual(reports['logp-classes.json'].classes, classes);
    // The formula: nll = −(1/N) Σ_i lp_i[label_i]; the prediction argmax exp(lp) (= argmax lp here).
    let total = 0;
    let hits = 0;
    lp.forEach((r, i) => {
      total -= r[labels[i]];
      if (r.indexOf(Math.max(...r)) === labels[i]) hits++;
    });
    for (const report of Object.values(reports)) {
      assert.ok(Math.abs((report.loss as number) - total / 240) < 1e-13 * (total / 240), `${report.loss} vs ${total / 240}`);
      assert.equal(report.accuracy, hits / 240);
    }
    assert.ok(hits > 0 && hits < 240, 'the accuracy is not vacuous');
  });

  test('values and layouts the full reader reports or reads otherwise: its messages and warnings, nothing streamed', () => {
    const { rows, labels } = logits(50, 5, 96);
    const lp = logSoftmax(rows);
    const edited = (edit: (lp: number[][], labels: number[]) => void) => {
      const l = lp.map((r) => [...r]);
      const y = [...labels];
      edit(l, y);
      return { l, y };
    };
    const json = (e: { l: number[][]; y: number[] }, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ log_probabilities: e.l, labels: e.y, ...extra });
    const csv = (e: { l: number[][]; y: number[] }) =>
      [[...names('logprob_', 5), 'label'].join(','), ...e.l.map((r, i) => [...r, e.y[i]].join(','))].join('\n') + '\n';
    const cases: Record<string, [string, string]> = {
      'a positive value': ['.json', json(edited((l) => (l[20][2] = 0.25)))],
      'a row whose exp sums to 1.1': [
        '.json',
        json(
          edited((l) => {
            const j = l[33].indexOf(Math.min(...l[33])); // p + 0.1 stays below 1
            l[33][j] = Math.log(Math.exp(l[33][j]) + 0.1);
          }),
        ),
      ],
      'ignore index': ['.json', json(edited((_, y) => (y[4] = -100)))],
      'a label out of range': ['.json', json(edited((_, y) => (y[11] = 5)))],
      'a row of another length': ['.json', json(edited((l) => l[7].pop()))],
      'the loss named': [
        '.json',
        json(
          edited(() => {}),
          { loss: 'nll' },
        ),
      ],
      'csv a positive value': ['.csv', csv(edited((l) => (l[3][4] = 1e-3)))],
      'csv a ragged row': ['.csv', csv(edited((l) => l[9].pop()))],
      'csv a row whose exp sums to 0.9': ['.csv', csv(edited((l) => (l[40] = l[40].map((v) => v + Math.log(0.9)))))],
      'csv a label out of range': ['.csv', csv(edited((_, y) => (y[2] = 9)))],
    };
    for (const [what, [ext, text]] of Object.entries(cases)) refusedAlike({ [what]: text }, 'bad-logp-', ext);
    // Targets beside log-probabilities are kl_div's: the full reader's.
    const header = [...names('logprob_', 5), ...names('target_', 5)].join(',');
    const withTargets = [header, ...lp.map((r, i) => [...r, ...names('', 5).map((_, j) => (j === labels[i] ? 1 : 0))].join(','))].join(
      '\n',
    );
    refusedAlike({ 'kl-div': withTargets + '\n' }, 'bad-logp-', '.csv');
    const out = (what: string, ext: string) => run(['analyze', join(scratch, `bad-logp-${what.replace(/ /g, '-')}${ext}`), '--summary']);
    assert.match(out('a positive value', '.json').stderr, /log-probability 0\.25 in sample 20 \(class 2\) is above 0/);
    const warned = out('a row whose exp sums to 1.1', '.json');
    assert.match(warned.stderr, /the log-probabilities of sample 33 add up, as probabilities, to 1\.1/);
    assert.match(warned.stdout, /nll \(mean\) = /);
  });
});
