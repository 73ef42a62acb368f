/**
 * Issue 17, output hygiene: text from a file (CSV cells, .npy dtypes, .npz member names, class
 * names) reaches the terminal escaped, one problem per line; a BOM inside the text is a character,
 * not "not UTF-8"; a .tsv is split on tabs only; --sample "" is an error (jacobian-stream.test.ts);
 * a truncated zip directory is described as one (npz-bombs.test.ts).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { escapeControls, escapeJsonOutput } from '../../../src/core/safeText';
import { writeNpy } from '../../../src/core/npy';
import { cli } from '../../helpers/cli';
import { buildZip, member } from '../../helpers/zipBuild';

const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-hygiene-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** No raw control, C1 or bidi character in what reaches the terminal; one line per problem. */
const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('escapeControls', () => {
  test('ESC, newlines, C0, C1 and bidi overrides become visible escapes; other text is unchanged', () => {
    assert.equal(escapeControls('a\u001b[31mb\nc\rd\u0000e\u0085f\u202eg\u2066h'), 'a\\e[31mb\\nc\\rd\\x00e\\x85f\\u202eg\\u2066h');
    assert.equal(escapeControls('∂L/∂z … tab\there'), '∂L/∂z … tab\there');
    assert.equal(escapeControls('tab\there', true), 'tab\\there');
  });

  test('escapeJsonOutput keeps the JSON the same value', () => {
    const value = { classes: ['\u202eevil', 'a\u0085b', 'x\u001by', 'ok'] };
    const out = escapeJsonOutput(JSON.stringify(value));
    assert.doesNotMatch(out, RAW);
    assert.deepEqual(JSON.parse(out), value);
  });
});

describe('the CLI never prints file text raw', () => {
  test('a CSV cell with ESC and a quoted newline: one escaped line', () => {
    const path = file('esc.csv', 'logit_0,logit_1,label\n1,\u001b[31mred,0\n');
    const r = cli('analyze', path);
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stderr, RAW);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 1, r.stderr);
    assert.match(r.stderr, /\\e\[31mred/);
  });

  test('an .npy dtype holding ESC', () => {
    let h = "{'descr': '\u001b[2J<f8', 'fortran_order': False, 'shape': (2, 3), }";
    h = h.padEnd(117) + '\n';
    const bytes = new Uint8Array(10 + h.length + 48);
    bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length, 0]);
    bytes.set(
      Uint8Array.from(h, (c) => c.charCodeAt(0)),
      10,
    );
    const r = cli('analyze', file('dtype.npy', bytes));
    assert.equal(r.status, 1);
    assert.equal(r.stderr, `${join(dir, 'dtype.npy')}: unrecognised dtype '\\e[2J<f8' (at byte 20)\n`);
  });

  test('an .npz member name with a newline posing as a new FILE:LINE:COL line, and a bidi override', () => {
    const evil = 'x\n/etc/passwd:1:1: error\u202e.npy';
    const one = member(evil, writeNpy(Float64Array.of(1, 2, 3), [3]), 0);
    const zip = buildZip([one, one]); // the name twice: an error naming the member
    const r = cli('analyze', file('names.npz', zip));
    assert.equal(r.status, 1);
    const lines = r.stderr.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, r.stderr);
    assert.doesNotMatch(r.stderr, RAW);
    assert.match(lines[0], /member 'x\\n\/etc\/passwd:1:1: error\\u202e\.npy'/);
  });

  test('class names in the table (from classes.txt) and in --json', () => {
    const folder = join(dir, 'classes');
    mkdirSync(folder);
    writeFileSync(join(folder, 'classes.txt'), '\u001b]0;pwned\u0007cat\n\u202edog\n');
    const path = join(folder, 'x.json');
    writeFileSync(path, '{"logits": [[2, 1], [0, 3]], "labels": [0, 1]}');
    const table = cli('analyze', path);
    assert.equal(table.status, 0, table.stderr);
    assert.doesNotMatch(table.stdout, RAW);
    assert.match(table.stdout, /\\e\]0;pwned\\x07cat/);
    assert.match(table.stdout, /\\u202edog/);
    const json = cli('analyze', path, '--json');
    assert.doesNotMatch(json.stdout, RAW);
    assert.deepEqual(JSON.parse(json.stdout).classes, ['\u001b]0;pwned\u0007cat', '\u202edog']);
    const jac = cli('jacobian', path);
    assert.doesNotMatch(jac.stdout, RAW);
  });
});

describe('text that is not an error', () => {
  test('a BOM inside a JSON string is a character, not "not UTF-8 text"', () => {
    const r = cli(
      'analyze',
      file('bom-string.json', '{"logits": [[1, 2]], "labels": [0], "classes": ["\ufeffa", "b"]}'),
      '--json',
      '--summary',
    );
    assert.equal(r.stderr, '');
    assert.deepEqual(JSON.parse(r.stdout).classes, ['\ufeffa', 'b']);
  });

  test('a BOM before a CSV header that follows a blank line', () => {
    const r = cli('analyze', file('bom-later.csv', '\n\ufefflogit_0,logit_1,label\n1,2,0\n'), '--json', '--summary');
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    // F.cross_entropy(tensor([[1., 2.]]), tensor([0])) = log(1 + e)
    assert.ok(Math.abs(JSON.parse(r.stdout).loss - Math.log1p(Math.E)) < 1e-15);
  });

  test('a .tsv whose header has a comma is split on tabs only', () => {
    const r = cli('analyze', file('comma.tsv', 'logit_0\tlogit_1\tlabel\tnote, free text\n1\t2\t0\t5\n'), '--json', '--summary');
    assert.equal(r.stderr, '');
    const report = JSON.parse(r.stdout);
    assert.equal(report.k, 2);
    assert.ok(Math.abs(report.loss - Math.log1p(Math.E)) < 1e-15);
  });
});
