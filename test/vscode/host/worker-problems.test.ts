/**
 * Issue 16, "the worker's 100 problem(s) on a big file are shown nowhere": a file above
 * gradientLens.workerThresholdKB (lowered to 1 KB here, so the files stay a few KB) is analysed
 * in its worker, and every problem reaches the Problems panel at its range: 20 of a kind, then a
 * diagnostic that says how many more. Both as an open document and as a file analysed from disk
 * (not open: what VS Code does with a file too large to open), where nothing was published before.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { problemCount } from '../../../src/core/problems';
import { lineIndexOf } from '../../../src/core/load';
import { runPipeline } from '../../../src/core/pipeline';
import { activatedWith, waitFor, workspaceFile } from './util';

const N = 150;
const BAD_LABEL = 5;

/** `"labels"` after class names with non-ASCII letters on the same line: UTF-16 columns differ from byte columns. */
function jsonWithBadLabels(): { text: string; labelAt: number[] } {
  const rows = Array.from({ length: N }, (_, i) => `[${(i % 7) / 4}, ${-(i % 5) / 3}, 0.25]`);
  const head = `{"logits": [\n${rows.join(',\n')}\n],\n"classes": ["café", "naïve", "über"], "labels": [`;
  const labelAt: number[] = [];
  let text = head;
  for (let i = 0; i < N; i++) {
    if (i > 0) text += ', ';
    labelAt.push(text.length);
    text += String(BAD_LABEL);
  }
  return { text: `${text}]}\n`, labelAt };
}

/** A CSV whose rows 3 and 77 are ragged and whose every other row has label 5 of 3 classes. */
function csvWithBadLabels(): { text: string; rowAt: number[] } {
  const lines = ['logit_0,logit_1,logit_2,label'];
  for (let i = 0; i < N; i++) lines.push(i === 3 ? '1,2' : i === 77 ? '1,2,3,4,5' : `${i % 3},0.5,-1,${BAD_LABEL}`);
  const rowAt: number[] = [];
  let offset = lines[0].length + 1;
  for (let i = 1; i < lines.length; i++) {
    rowAt.push(offset);
    offset += lines[i].length + 1;
  }
  return { text: lines.join('\n') + '\n', rowAt };
}

function listed(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Gradient Lens');
}

const at = (d: vscode.Diagnostic) => `${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character}`;

describe('a file above the worker threshold: its problems reach the Problems panel', function () {
  this.timeout(120_000);
  const service = activatedWith({ 'gradientLens.workerThresholdKB': 1 });

  it('an open document: 20 label errors at their ranges, then "…and 130 more like this (150 in all)"', async () => {
    const { text, labelAt } = jsonWithBadLabels();
    assert.ok(text.length > 1024 * 4, `${text.length} bytes`);
    const uri = workspaceFile('worker-problems.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    try {
      const diagnostics = await waitFor('the diagnostics of the open file', () => listed(uri).length === 21 && listed(uri), 30000);
      const file = service().get(uri)!;
      assert.equal(file.data.where, 'worker');
      assert.equal(file.fromDisk, false);
      assert.equal(problemCount(file.problems, 'error'), N);
      for (let i = 0; i < 20; i++) {
        const d = diagnostics[i];
        assert.equal(d.message, `label ${BAD_LABEL} of sample ${i} is out of range for 3 classes (valid: 0…2)`);
        assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
        const start = document.positionAt(labelAt[i]);
        // The column is the editor's (UTF-16, after "café", "naïve", "über"), not the byte offset's.
        assert.equal(at(d), `${start.line}:${start.character}-${start.line}:${start.character + 1}`, `sample ${i}`);
      }
      assert.equal(diagnostics[20].message, `…and ${N - 20} more like this (${N} in all)`);
      assert.equal(at(diagnostics[20]), at(diagnostics[19]));
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('a file analysed from disk (not open): the ragged rows and the label errors, each at its row, with the counts', async () => {
    const { text, rowAt } = csvWithBadLabels();
    const uri = workspaceFile('worker-problems.csv');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    try {
      assert.ok(!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString()));
      // Bad input: the command tells the user (an error message) and returns nothing.
      assert.equal(await vscode.commands.executeCommand('gradientLens.analyzeFile', uri), undefined);
      const file = service().get(uri)!;
      assert.equal(file.data.where, 'worker');
      assert.equal(file.fromDisk, true);
      assert.equal(problemCount(file.problems, 'error'), 2 + (N - 2));
      const diagnostics = await waitFor('the diagnostics of the file from disk', () => listed(uri).length === 23 && listed(uri), 30000);
      const lines = diagnostics.map((d) => `${at(d)} ${d.message}`);
      const row = (i: number) => i + 1; // sample i is on line i + 1 (0-based), after the header
      const rowEnd = (i: number) => text.indexOf('\n', rowAt[i]) - rowAt[i];
      const labels = Array.from({ length: 22 }, (_, i) => i)
        .filter((i) => i !== 3)
        .slice(0, 20);
      assert.deepEqual(lines, [
        `${row(3)}:0-${row(3)}:${rowEnd(3)} sample 3 has 2 values, expected 4 (one per header column)`,
        `${row(77)}:0-${row(77)}:${rowEnd(77)} sample 77 has 5 values, expected 4 (one per header column)`,
        ...labels.map(
          (i) =>
            `${row(i)}:${rowEnd(i) - 1}-${row(i)}:${rowEnd(i)} label ${BAD_LABEL} of sample ${i} is out of range for 3 classes (valid: 0…2)`,
        ),
        `${row(20)}:${rowEnd(20) - 1}-${row(20)}:${rowEnd(20)} …and ${N - 2 - 20} more like this (${N - 2} in all)`,
      ]);
    } finally {
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('a bad value deep in a CSV opened, and in a JSON from disk, and each cut short: the full reader’s one error at its range, the file read only to it', async () => {
    // Issue 22: the worker finds a parse error, or the end of a file cut short, a chunk at a time
    // (src/node/streamedProblem.ts) instead of holding the file and every value; the Problems
    // panel shows what the full reader says.
    const rows = Array.from({ length: 3000 }, (_, i) => Array.from({ length: 8 }, (_, j) => (((i * 7 + j * 3) % 11) - 5) / 4));
    const labels = rows.map((_, i) => i % 8);
    const csvRows = rows.map((r, i) => `${r.join(',')},${labels[i]}`);
    csvRows[2500] = csvRows[2500].replace(/^([^,]*,[^,]*,)[^,]*/, '$1x1.5');
    const csv = [`${rows[0].map((_, j) => `logit_${j}`).join(',')},label`, ...csvRows].join('\n') + '\n';
    const jsonRows = rows.map((r) => `[${r.join(', ')}]`);
    jsonRows[2700] = jsonRows[2700].replace(/, [^,]*\]$/, ', NaN]');
    const json = `{"logits": [${jsonRows.join(', ')}], "labels": [${labels.join(', ')}]}`;
    // Cut short as a run killed while writing leaves them: inside sample 2,900's row.
    const csvCut = [`${rows[0].map((_, j) => `logit_${j}`).join(',')},label`, ...csvRows.slice(0, 2900), csvRows[2900].slice(0, 9)].join(
      '\n',
    );
    const jsonCut = `{"logits": [${rows
      .slice(0, 2901)
      .map((r) => `[${r.join(', ')}]`)
      .join(', ')}`.slice(0, -12);
    for (const [name, text, open, message] of [
      ['bad-value.csv', csv, true, /^"x1\.5" \(sample 2500, column "logit_2"\) is not a number$/],
      ['bad-value.json', json, false, /^NaN is not a number JSON can hold/],
      ['cut-short.csv', csvCut.replace(/x1\.5/, '1.5'), false, /^sample 2900 has 3 values, expected 9 \(one per header column\)$/],
      ['cut-short.json', jsonCut, true, /^the file ends unexpectedly inside an array; is it truncated\?$/],
    ] as const) {
      const uri = workspaceFile(name);
      const bytes = new TextEncoder().encode(text);
      await vscode.workspace.fs.writeFile(uri, bytes);
      const [expected] = runPipeline(bytes, name).problems;
      assert.match(expected.message, message);
      const lines = lineIndexOf(bytes, name);
      const range = (s: number, e: number) => {
        const [a, b] = [lines.position(s), lines.position(e)];
        return `${a.line}:${a.character}-${b.line}:${b.character}`;
      };
      try {
        if (open) await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
        else assert.equal(await vscode.commands.executeCommand('gradientLens.analyzeFile', uri), undefined);
        const diagnostics = await waitFor(`the diagnostic of ${name}`, () => listed(uri).length === 1 && listed(uri), 30000);
        assert.equal(diagnostics[0].message, expected.message);
        assert.equal(at(diagnostics[0]), range(expected.start, expected.end), name);
        assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
        const file = service().get(uri)!;
        assert.equal(file.data.where, 'worker');
        assert.equal(file.read, 'for its problems', name);
        assert.equal(file.fromDisk, !open);
      } finally {
        if (open) await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
        await vscode.workspace.fs.delete(uri);
      }
    }
  });

  it('1-based labels, or ragged rows, in a CSV or JSON from disk: the full reader’s list and “…and N more” at their ranges, read for its problems', async () => {
    // Issue 22: labels out of range, or ragged rows inside the file, as its only fault, are listed a
    // chunk at a time (streamedProblem.ts), not by the full reader holding every value.
    const rows = Array.from({ length: 400 }, (_, i) => `${(i % 7) / 4},${-(i % 5) / 3},0.25,${i % 3}`);
    const csv = (edit: (row: string, i: number) => string) => `logit_0,logit_1,logit_2,label\n${rows.map(edit).join('\n')}\n`;
    for (const [name, text, count, first, last] of [
      [
        'one-based.csv',
        csv((r) => r.replace(/\d$/, (l) => String(Number(l) + 1))),
        21,
        /^label 3 of sample 2 is out of range for 3 classes \(valid: 0…2\); labels count from 0 \(are these 1-based\?\)$/,
        '…and 113 more like this (133 in all)',
      ],
      [
        'ragged.csv',
        csv((r, i) => (i % 16 === 5 ? r.replace(/,\d$/, '') : i === 300 ? `${r},` : r)),
        21,
        /^sample 5 has 3 values, expected 4 \(one per header column\)$/,
        '…and 6 more like this (26 in all)',
      ],
      [
        'odd-rows.json',
        `{"logits": [\n${rows.map((r, i) => `[${i % 16 === 5 ? r.split(',').slice(0, 2) : r.split(',').slice(0, 3)}]`).join(',\n')}\n], "labels": [${rows.map((_, i) => i % 3).join(', ')}]}\n`,
        21,
        /^sample 5 of "logits" has 2 values, expected 3 like sample 0; every row needs one value per class$/,
        '…and 5 more like this (25 in all)',
      ],
    ] as const) {
      const uri = workspaceFile(name);
      const bytes = new TextEncoder().encode(text);
      await vscode.workspace.fs.writeFile(uri, bytes);
      const expected = runPipeline(bytes, name).problems;
      assert.equal(expected.length, count, name);
      assert.match(expected[0].message, first);
      assert.equal(expected[count - 1].message, last);
      const lines = lineIndexOf(bytes, name);
      const range = (s: number, e: number) => {
        const [a, b] = [lines.position(s), lines.position(e)];
        return `${a.line}:${a.character}-${b.line}:${b.character}`;
      };
      try {
        assert.equal(await vscode.commands.executeCommand('gradientLens.analyzeFile', uri), undefined);
        const diagnostics = await waitFor(`the diagnostics of ${name}`, () => listed(uri).length === count && listed(uri), 30000);
        assert.deepEqual(
          diagnostics.map((d) => `${at(d)} ${d.message}`),
          expected.map((p) => `${range(p.start, p.end)} ${p.message}`),
        );
        const file = service().get(uri)!;
        assert.equal(file.data.where, 'worker');
        assert.equal(file.read, 'for its problems', name);
      } finally {
        await vscode.workspace.fs.delete(uri);
      }
    }
  });

  it('a document of more than 2²⁰ characters goes to its worker in slices: a character a slice cuts arrives whole', async () => {
    // Its text is sent 2²⁰ UTF-16 units a message (documentWorker.ts): a surrogate pair straddles
    // the first cut, and the rows follow it on the same line, so their columns count it as 2 units.
    const rows = Array.from({ length: 200 }, (_, i) => (i === 150 ? '[10, -5, -5]' : `[${(i % 7) / 4}, ${-(i % 5) / 3}, 0.25]`));
    const key = '"classes": ["';
    const pad = ' '.repeat(2 ** 20 - 2 - key.length);
    const labels = rows.map((_, i) => (i === 150 ? 1 : i % 3));
    const text = `{${pad}${key}🐱", "dog", "bird"], "logits": [${rows.join(', ')}], "labels": [${labels.join(', ')}]}\n`;
    assert.equal(text.indexOf('🐱'), 2 ** 20 - 1);
    const rowAt = text.indexOf('[10, -5, -5]');
    const uri = workspaceFile('worker-slices.json');
    // A byte-order mark, which VS Code drops, keeps the worker from reading the file (or making
    // edits on it) as the document: the text goes.
    await vscode.workspace.fs.writeFile(uri, new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    try {
      const file = await waitFor(
        'the analysis of the text',
        () => service().get(uri)?.version === document.version && service().get(uri),
        30000,
      );
      assert.equal(file.source, 'text');
      const wrong = () => listed(uri).filter((d) => d.message.startsWith('confidently wrong: sample 150 '));
      const diagnostics = await waitFor('the warning of the open file', () => wrong().length === 1 && wrong(), 30000);
      assert.equal(file.data.where, 'worker');
      assert.equal(file.fromDisk, false);
      assert.deepEqual(file.dataset?.task === 'classification' && file.dataset.classes, ['🐱', 'dog', 'bird']);
      const start = document.positionAt(rowAt);
      assert.equal(at(diagnostics[0]), `0:${start.character}-0:${start.character + 12}`);
      assert.match(diagnostics[0].message, /^confidently wrong: sample 150 is class dog but the model predicts 🐱 with p = 1\.000/);
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
