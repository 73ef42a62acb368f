/**
 * Once a large document has been analysed, the next analysis (an edit here) runs in a worker
 * booted beforehand (spareWorker.ts), with the core's result; forgetting the last large file
 * stops the spare. The suite drives an AnalysisService of its own, in this real extension host,
 * so that no other suite's open analyses keep a spare; gradientLens.workerThresholdKB is 1 KB.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { runPipeline } from '../../../src/core/pipeline';
import { AnalysisService, type FileAnalysis } from '../../../src/extension/analysisService';
import type { DocumentWorker } from '../../../src/extension/documentWorker';
import { activatedWith, waitFor, workspaceFile } from './util';

function logitsText(rows: number): string {
  const logits = Array.from({ length: rows }, (_, i) => `[${((i * 7) % 11) / 4 - 1}, ${-((i * 3) % 5) / 3}, 0.25]`);
  logits[5] = '[12, -3, -3]'; // label 2: confidently wrong, a problem with a range
  return `{"logits": [\n${logits.join(',\n')}\n],\n"labels": [${logits.map((_, i) => i % 3).join(', ')}]}\n`;
}

function assertCore(file: FileAnalysis, text: string): void {
  const core = runPipeline(new TextEncoder().encode(text), file.fileName);
  assert.equal(file.data.where, 'worker');
  assert.equal(file.analysis?.loss, core.analysis?.loss, 'loss');
  assert.deepEqual(
    file.problems.map((p) => `${p.code} ${p.start}-${p.end}`),
    core.problems.map((p) => `${p.code} ${p.start}-${p.end}`),
  );
  assert.ok(file.problems.length > 0);
}

describe('a worker booted ahead of the next analysis', function () {
  this.timeout(120_000);
  activatedWith({ 'gradientLens.workerThresholdKB': 1, 'files.autoSave': 'off' });

  it('the edit’s analysis runs in the spare, a new spare follows, and none stays once the file is forgotten', async () => {
    const extension = vscode.extensions.getExtension('gradient-lens.gradient-lens')!;
    const log = vscode.window.createOutputChannel('Gradient Lens spare test', { log: true });
    const service = new AnalysisService(extension.extensionUri, log);
    const text = logitsText(400);
    const uri = workspaceFile('spare-worker.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    try {
      assert.equal(service.spareWorker, null, 'none before the first large file');
      const first = (await service.analyzeDocument(document))!;
      assertCore(first, text);
      const spare = await waitFor('the spare', () => service.spareWorker);
      assert.notEqual(spare, first.data);
      assert.ok(spare.alive);

      await editor.edit((b) => b.insert(document.positionAt(text.indexOf(', ') + 1), ' '));
      const edited = (await service.analyzeDocument(document))!;
      assert.equal(edited.version, document.version);
      assert.equal(edited.data, spare, 'the edit was analysed in the worker booted before it');
      assertCore(edited, document.getText());
      assert.equal((first.data as DocumentWorker).alive, false, 'the older analysis’s worker is stopped');

      const next = await waitFor('the next spare', () => service.spareWorker);
      assert.ok(next !== spare && next.alive);
      service.forget(uri);
      assert.equal(service.spareWorker, null, 'no large file left: no spare');
      assert.equal(next.alive, false);
      assert.equal(spare.alive, false);
    } finally {
      service.dispose();
      log.dispose();
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
