/**
 * A file larger than VS Code syncs to extensions (50 MB): read from disk through workspace.fs,
 * analysed in the worker thread, shown in the panel; the command says hover is unavailable.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { waitFor, workspaceFile } from './util';

describe('a 60 MB file', function () {
  this.timeout(180000);

  it('is analysed from disk in the worker, with the loss of the formula', async () => {
    // Each row is [a, 0, 0, …] with label 0: loss = log(1 + (K−1)·e^−a) for every sample.
    const n = 60000;
    const k = 100;
    const a = 2.5;
    const row = `[${[a, ...new Array(k - 1).fill(0)].map((v) => v.toFixed(12)).join(', ')}]`;
    const text = `{"logits": [\n${new Array(n).fill(row).join(',\n')}\n], "labels": [${new Array(n).fill(0).join(',')}]}`;
    const uri = workspaceFile('large.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    assert.ok(text.length > 50 * 1024 * 1024);
    const summary = await vscode.commands.executeCommand<string>('gradientLens.analyzeFile', uri);
    const expected = Math.log(1 + (k - 1) * Math.exp(-a));
    const loss = Number(/mean cross-entropy ([\d.e+-]+)/.exec(summary)![1]);
    assert.ok(Math.abs(loss - expected) < 1e-3 * expected, `${summary} vs ${expected}`);
    assert.ok(summary.startsWith(`large.json: ${n} samples × ${k} classes`));
    // A file from disk gets its problems published too (issue 16); this one has none.
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(vscode.languages.getDiagnostics(uri).length, 0);
    await waitFor('the file to stay untouched', async () => (await vscode.workspace.fs.stat(uri)).size === text.length);
    await vscode.workspace.fs.delete(uri);
  });
});
