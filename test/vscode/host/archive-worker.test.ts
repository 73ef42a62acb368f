/**
 * Issue 17 inside a real extension host: a large ambiguous .npz is decoded in its worker, not on
 * the host's thread; the host only asks the user which arrays are which (the quick pick), and the
 * analysis of the chosen reading equals the core's.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { writeNpz } from '../../../src/core/npz';
import { runPipeline } from '../../../src/core/pipeline';
import { formatNumber } from '../../../src/shared/numberFormat';
import { workspaceFile } from './util';

describe('a large ambiguous .npz', function () {
  this.timeout(120_000);

  it('its worker finds the two readings; the one picked is analysed as the core analyses it', async () => {
    const n = 4000;
    const k = 10;
    const first = Float64Array.from({ length: n * k }, (_, i) => Math.sin(i));
    const second = Float64Array.from({ length: n * k }, (_, i) => 2 * Math.cos(i));
    const y = Int32Array.from({ length: n }, (_, i) => (7 * i) % k);
    const bytes = writeNpz({ first: { data: first, shape: [n, k] }, second: { data: second, shape: [n, k] }, y: { data: y, shape: [n] } });
    assert.ok(bytes.length > 512 * 1024, 'above the worker threshold');
    const uri = workspaceFile('ambiguous-large.npz');
    writeFileSync(uri.fsPath, bytes);
    const analysed = Promise.resolve(vscode.commands.executeCommand<string>('gradientLens.analyzeFile', uri));
    // The quick pick lists "first" then "second" as the logits: take the second.
    await new Promise((r) => setTimeout(r, 3000));
    await vscode.commands.executeCommand('workbench.action.quickOpenSelectNext');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const summary = await analysed;
    const core = runPipeline(bytes, 'ambiguous-large.npz', { roleChoice: { logits: 'second', labels: 'y' } });
    assert.ok(core.analysis);
    assert.equal(summary, `ambiguous-large.npz: ${n} samples × ${k} classes, mean cross-entropy ${formatNumber(core.analysis.loss, 4)}`);
    const other = runPipeline(bytes, 'ambiguous-large.npz', { roleChoice: { logits: 'first', labels: 'y' } });
    assert.notEqual(formatNumber(other.analysis!.loss, 4), formatNumber(core.analysis.loss, 4), 'the two readings differ');
    rmSync(uri.fsPath, { force: true });
  });
});
