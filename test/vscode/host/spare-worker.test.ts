/**
 * Once a large document has been analysed, the next analysis (an edit here) runs in a worker
 * booted beforehand (spareWorker.ts), with the core's result; forgetting the last large file
 * stops the spare. The suite drives an AnalysisService of its own, in this real extension host,
 * so that no other suite's open analyses keep a spare; gradientLens.workerThresholdKB is 1 KB.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FileAnalysis } from '../../../src/extension/analysisService';
import type { DocumentWorker } from '../../../src/extension/documentWorker';
import { activatedWith, assertSameAsCore, waitFor } from './util';
import { openWritten, ownAnalysisService } from './ownService';

function logitsText(rows: number): string {
  const logits = Array.from({ length: rows }, (_, i) => `[${((i * 7) % 11) / 4 - 1}, ${-((i * 3) % 5) / 3}, 0.25]`);
  logits[5] = '[12, -3, -3]'; // label 2: confidently wrong, a problem with a range
  return `{"logits": [\n${logits.join(',\n')}\n],\n"labels": [${logits.map((_, i) => i % 3).join(', ')}]}\n`;
}

function assertCore(file: FileAnalysis, text: string): void {
  assert.equal(file.data.where, 'worker');
  assertSameAsCore(file, text);
}

describe('a worker booted ahead of the next analysis', function () {
  this.timeout(120_000);
  activatedWith({ 'gradientLens.workerThresholdKB': 1, 'files.autoSave': 'off' });

  it('the edit’s analysis runs in the spare, a new spare follows, and none stays once the file is forgotten', async () => {
    const { service, dispose } = ownAnalysisService('spare');
    const text = logitsText(400);
    const { uri, document, editor } = await openWritten('spare-worker.json', text);
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
      dispose();
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
