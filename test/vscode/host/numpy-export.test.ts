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
import { exportAnalysis } from '../../../src/core/exportAnalysis';
import { sha256, workspaceFile } from './util';
import { seededUniform } from '../../helpers/seeded';

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

  it('exports a 1,000-class logits CSV read from disk in parts as JSON, CSV, .npz and .safetensors: the core’s bytes', async () => {
    // 600 × 1,000 (about 5 MB, above the worker threshold): the worker reads it in parts and an
    // export's rows are derived (and, as text, formatted on its part threads) as they are written (issue 22).
    const next = seededUniform(2203);
    const [n, k] = [600, 1000];
    const lines = [Array.from({ length: k }, (_, j) => `logit_${j}`).join(',') + ',label'];
    for (let i = 0; i < n; i++) lines.push(`${Array.from({ length: k }, () => (8 * next() - 4).toFixed(5)).join(',')},${(13 * i) % k}`);
    const bytes = new TextEncoder().encode(lines.join('\n') + '\n');
    const uri = workspaceFile('export-1000-classes.csv');
    await vscode.workspace.fs.writeFile(uri, bytes);
    const core = runPipeline(bytes, 'export-1000-classes.csv');
    assert.ok(core.analysis?.task === 'classification' && core.problems.length === 0);
    for (const kind of ['json', 'csv', 'npz', 'safetensors'] as const) {
      const target = workspaceFile(`exported-1000-classes.${kind}`);
      const written = await vscode.commands.executeCommand<vscode.Uri>('gradientLens.exportAnalysis', uri, { kind, target });
      assert.equal(written?.toString(), target.toString());
      const want = exportAnalysis(core.analysis, kind, { fileName: 'export-1000-classes.csv', classes: null, compress: true });
      assert.ok(Buffer.from(readFileSync(target.fsPath)).equals(Buffer.from(want)), `${kind}: the core's export`);
      await vscode.workspace.fs.delete(target);
    }
    await vscode.workspace.fs.delete(uri);
  });

  it('refuses to export over the data file itself, which stays byte-identical', async () => {
    const uri = workspaceFile('regression.json');
    const before = sha256(uri);
    const written = await vscode.commands.executeCommand('gradientLens.exportAnalysis', uri, { kind: 'json', target: uri });
    assert.equal(written, undefined);
    assert.equal(sha256(uri), before);
  });
});
