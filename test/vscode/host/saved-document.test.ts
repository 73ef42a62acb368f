/**
 * A large open document that is saved is read by its worker from its file (savedFileInput.ts);
 * with unsaved edits, from its file and the edits since (editLog.ts); when its file's bytes are
 * not its text (a UTF-8 byte-order mark, which VS Code drops), from its text. Every way, the
 * analysis and the problems' places are the core's on the document's own text.
 * gradientLens.workerThresholdKB is lowered to 1 KB here.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { FileAnalysis } from '../../../src/extension/analysisService';
import { activatedWith, assertSameAsCore, waitFor, workspaceFile } from './util';

/** A logits file in the simple layout with a confidently wrong sample (a warning with a range). */
function logitsText(): string {
  const rows = Array.from({ length: 300 }, (_, i) => `[${((i * 7) % 11) / 4 - 1}, ${-((i * 3) % 5) / 3}, 0.25]`);
  const labels = Array.from({ length: 300 }, (_, i) => i % 3);
  rows[4] = '[-3, 12, -3]'; // label 1 of row 4 is 1: right; make row 5 confidently wrong
  rows[5] = '[12, -3, -3]';
  return `{"logits": [\n${rows.join(',\n')}\n],\n"labels": [${labels.join(', ')}]}\n`;
}

function assertCore(file: FileAnalysis, text: string, source: FileAnalysis['source']): void {
  assert.equal(file.source, source, 'read from');
  assertSameAsCore(file, text);
}

describe('a large saved document is read from its file', function () {
  this.timeout(120_000);
  // code-server saves an edit after a second by default: the edited document must stay unsaved.
  const service = activatedWith({ 'gradientLens.workerThresholdKB': 1, 'files.autoSave': 'off' });

  const analysed = (document: vscode.TextDocument) =>
    waitFor(
      `the analysis of version ${document.version}`,
      () => service().get(document.uri)?.version === document.version && service().get(document.uri),
      30000,
    );

  it('saved: its file; edited: its file and the edit; saved and analysed again: its file; each the core’s', async () => {
    const text = logitsText();
    const uri = workspaceFile('saved-large.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const document = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(document);
    try {
      assertCore(await analysed(document), text, 'file');
      assert.equal(service().get(uri)!.data.where, 'worker');

      // Rows above the wrong sample grow by a byte each: its problem moves with the edit. The
      // worker makes the edit on the file (editLog.ts).
      await editor.edit((b) => b.insert(document.positionAt(text.indexOf(', ') + 1), ' '));
      assert.ok(document.isDirty);
      assertCore(await analysed(document), document.getText(), 'edits');

      // Saving keeps the version: the text's analysis stands. Analysed again (as a settings change
      // does), the saved document is read from its file.
      await document.save();
      const saved = readFileSync(uri.fsPath, 'utf8');
      assert.equal(saved, document.getText());
      service().forget(uri);
      assertCore((await service().analyzeDocument(document))!, saved, 'file');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('a file with a UTF-8 byte-order mark is analysed from the text VS Code shows, at the same places', async () => {
    const text = logitsText();
    const uri = workspaceFile('saved-large-bom.json');
    await vscode.workspace.fs.writeFile(uri, new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    try {
      assert.equal(document.getText(), text, 'VS Code drops the mark');
      assertCore(await analysed(document), text, 'text');
    } finally {
      await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
