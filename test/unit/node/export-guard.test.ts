/**
 * Issue 17, security of what leaves the extension: one guard keeps every export (CLI --out, the
 * panel's Export, the Export command) off the data file, through links and case variants; text
 * cells never become spreadsheet formulas (numbers stay numbers); the host copies to the
 * clipboard only right after a key press or click the panel reports, and only up to a size.
 */
import assert from 'node:assert/strict';
import { linkSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sameFile } from '../../../src/node/sameFile';
import { neutraliseFormula } from '../../../src/core/csvSafe';
import { cellsText } from '../../../src/webview/charts/cellsText';
import type { MatrixSource } from '../../../src/webview/charts/matrixSource';
import { tableToCsv } from '../../../src/webview/export';
import { exportAnalysis, exportJacobian } from '../../../src/core/exportAnalysis';
import { analyze, type ClassificationAnalysis } from '../../../src/core/analysis';
import { loadTensorFile } from '../../../src/core/load';
import { ClipboardGate, GESTURE_WINDOW_MS, MAX_CLIPBOARD_CHARS } from '../../../src/extension/clipboardGate';
import { parseWebviewMessage } from '../../../src/shared/protocol';
import { runCli, type CliIo } from '../../../src/cli/commands';

const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-guard-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const DATA = '{"logits": [[2, 1, 0.1], [0.5, 2.5, 0.2]], "labels": [0, 1], "classes": ["=HYPERLINK(\\"http://x\\")", "+cmd", "-1"]}\n';

describe('one export guard for the CLI and the editor', () => {
  const data = join(dir, 'data.json');
  writeFileSync(data, DATA);

  test('same path, dotted path, hard link, symlink: the same file; a new name is not', () => {
    assert.ok(sameFile(data, join(dir, '.', 'data.json')));
    linkSync(data, join(dir, 'hard.json'));
    assert.ok(sameFile(join(dir, 'hard.json'), data));
    symlinkSync(data, join(dir, 'soft.json'));
    assert.ok(sameFile(join(dir, 'soft.json'), data));
    assert.ok(!sameFile(join(dir, 'new.json'), data));
  });

  test('case variants: the same file where the file system folds case', () => {
    assert.ok(sameFile(join(dir, 'DATA.JSON'), data, { caseInsensitive: true }));
    assert.ok(!sameFile(join(dir, 'DATA.JSON'), data, { caseInsensitive: false }));
  });

  test('the CLI refuses --out through a symlink to the input and leaves the input as it was', () => {
    let stderr = '';
    const io: CliIo = {
      readFile: (p) => new Uint8Array(readFileSync(p)),
      fileSize: () => 0,
      writeFile: (p, b) => writeFileSync(p, b),
      sameFile,
      out: () => {},
      err: (t) => (stderr += t),
    };
    const status = runCli(['analyze', data, '--out', join(dir, 'soft.json')], io);
    assert.equal(status, 2);
    assert.match(stderr, /refusing to write over the input file/);
    assert.equal(readFileSync(data, 'utf8'), DATA);
  });
});

describe('CSV / TSV injection (OWASP): text cells only', () => {
  test('neutraliseFormula', () => {
    for (const t of ['=1+1', '+cmd', '-cmd', '@SUM(A1)', '\tx', '\rx']) assert.equal(neutraliseFormula(t), `'${t}`);
    for (const t of ['-1', '+0.5', '-2.5e-3', '-Infinity', 'cat', 'p_=x', '']) assert.equal(neutraliseFormula(t), t);
  });

  test('Copy as TSV: labels neutralised, values (negative ones included) untouched', () => {
    const values = [
      [0.25, -0.125],
      [-0.5, 1],
    ];
    const source = { rows: 2, cols: 2, value: (r: number, c: number) => values[r][c] } as unknown as MatrixSource;
    const text = cellsText(source, { r0: 0, r1: 2, c0: 0, c1: 2 }, { rowLabels: ['=A1', '@x'], colLabels: ['+y', '-1'] });
    assert.equal(text, "\t'+y\t-1\n'=A1\t0.25\t-0.125\n'@x\t-0.5\t1\n");
  });

  test('Copy CSV of a view: text cells neutralised, numbers not', () => {
    const csv = tableToCsv({
      name: 't',
      columns: ['class', 'p'],
      rows: [
        ['=cmd|x', -0.5],
        ['-0.5', 0.5],
      ],
    });
    assert.equal(csv, "class,p\n'=cmd|x,-0.5\n-0.5,0.5\n");
  });

  test('CSV exports: class names in headers and row labels never start a formula', () => {
    const loaded = loadTensorFile(new TextEncoder().encode(DATA), 'data.json');
    const a = analyze(loaded.dataset!) as ClassificationAnalysis;
    const classes = ['=HYPERLINK("http://x")', '+cmd', '-1'];
    const cells = (csv: string) => csv.split('\n').flatMap((line) => line.split(','));
    for (const csv of [
      new TextDecoder().decode(exportAnalysis(a, 'csv', { classes })),
      new TextDecoder().decode(exportJacobian(a, 0, 'csv', { classes })),
    ]) {
      for (const cell of cells(csv)) assert.ok(!/^"?[=+@\t\r]/.test(cell) && !/^"?-[^\d.]/.test(cell), `cell ${JSON.stringify(cell)}`);
    }
  });
});

describe('clipboard writes from the panel', () => {
  test('only right after a reported key press or click, once per gesture, and capped', () => {
    let now = 1000;
    const gate = new ClipboardGate(() => now);
    assert.match(gate.check(10)!, /without a key press or click/);
    gate.gesture();
    now += 50;
    assert.equal(gate.check(10), null);
    assert.match(gate.check(10)!, /without a key press or click/, 'one copy per gesture');
    gate.gesture();
    now += GESTURE_WINDOW_MS + 1;
    assert.match(gate.check(10)!, /without a key press or click/, 'a stale gesture');
    gate.gesture();
    assert.match(gate.check(MAX_CLIPBOARD_CHARS + 1)!, /more than the/);
    assert.equal(gate.check(MAX_CLIPBOARD_CHARS), null);
  });

  test('the protocol knows the gesture message and nothing like it', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'userGesture', kind: 'key' }), { type: 'userGesture', kind: 'key' });
    assert.deepEqual(parseWebviewMessage({ type: 'userGesture', kind: 'pointer' }), { type: 'userGesture', kind: 'pointer' });
    assert.equal(parseWebviewMessage({ type: 'userGesture', kind: 'script' }), null);
  });
});
