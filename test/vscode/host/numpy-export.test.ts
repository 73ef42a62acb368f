/**
 * NumPy files and exports through the real API: a .npy with sibling labels and classes.txt is
 * analysed like the CLI does; exports round-trip and never overwrite the data file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { readNpy } from '../../../src/core/npy';
import { runPipeline } from '../../../src/core/pipeline';
import { num } from '../../../src/extension/format';
import { sha256, workspaceFile } from './util';

const siblings = () => ({
  'scores_labels.npy': new Uint8Array(readFileSync(workspaceFile('numpy/scores_labels.npy').fsPath)),
  'classes.txt': new Uint8Array(readFileSync(workspaceFile('numpy/classes.txt').fsPath)),
});

describe('NumPy files and export', function () {
  this.timeout(60000);

  it('Analyze File on a .npy finds its labels and class names beside it', async () => {
    const uri = workspaceFile('numpy/scores.npy');
    const core = runPipeline(new Uint8Array(readFileSync(uri.fsPath)), 'scores.npy', { siblings: siblings() });
    assert.ok(core.analysis && core.dataset?.task === 'classification');
    assert.deepEqual(core.dataset.classes, ['setosa', 'versicolor', 'virginica', 'unknown', 'hybrid']);
    const summary = await vscode.commands.executeCommand<string>('gradientLens.analyzeFile', uri);
    assert.equal(summary, `scores.npy: 32 samples × 5 classes, mean cross-entropy ${num(core.analysis.loss)}`);
  });

  it('exports the gradient as .npy that reads back equal to the core’s', async () => {
    const uri = workspaceFile('cifar10-logits.json');
    const target = workspaceFile('exported-gradient.npy');
    const before = sha256(uri);
    const written = await vscode.commands.executeCommand<vscode.Uri>('gradientLens.exportAnalysis', uri, { kind: 'npy-gradient', target });
    assert.equal(written?.toString(), target.toString());
    const array = readNpy(new Uint8Array(readFileSync(target.fsPath)));
    const core = runPipeline(new Uint8Array(readFileSync(uri.fsPath)), 'cifar10-logits.json');
    assert.deepEqual(array.shape, [24, 10]);
    assert.deepEqual(Array.from(array.data), Array.from(core.analysis!.gradient));
    assert.equal(sha256(uri), before);
    await vscode.workspace.fs.delete(target);
  });

  it('refuses to export over the data file itself, which stays byte-identical', async () => {
    const uri = workspaceFile('regression.json');
    const before = sha256(uri);
    const written = await vscode.commands.executeCommand('gradientLens.exportAnalysis', uri, { kind: 'json', target: uri });
    assert.equal(written, undefined);
    assert.equal(sha256(uri), before);
  });
});
