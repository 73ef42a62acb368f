/**
 * A large document with unsaved edits is analysed from its saved file plus the edits since
 * (editLog.ts): typing, a multi-cursor edit, a deletion across lines, an undo and a pair of
 * surrogates, each the core's analysis of VS Code's own text; after a save the file is the base
 * again; a file changed on disk behind the edits is not used. The suite drives an
 * AnalysisService of its own; gradientLens.workerThresholdKB is 1 KB.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { FileAnalysis } from '../../../src/extension/analysisService';
import { activatedWith, assertSameAsCore } from './util';
import { openWritten, ownAnalysisService } from './ownService';

function logitsText(rows: number): string {
  const logits = Array.from({ length: rows }, (_, i) => `[${((i * 7) % 11) / 4 - 1}, ${-((i * 3) % 5) / 3}, 0.25]`);
  logits[5] = '[12, -3, -3]'; // label 2: confidently wrong, a problem with a range
  const labels = logits.map((_, i) => i % 3).join(', ');
  return `{"classes": ["café", "🐱", "dog"],\n"logits": [\n${logits.join(',\n')}\n],\n"labels": [${labels}]}\n`;
}

/** The analysis is of this version, read as `source`, and the core's on VS Code's text. */
function assertCore(file: FileAnalysis | null, document: vscode.TextDocument, source: FileAnalysis['source']): void {
  assert.ok(file);
  assert.equal(file.version, document.version);
  assert.equal(file.source, source, `version ${document.version} read from`);
  assertSameAsCore(file, document.getText());
}

describe('a large document with unsaved edits: its file and the edits since', function () {
  this.timeout(120_000);
  activatedWith({ 'gradientLens.workerThresholdKB': 1, 'files.autoSave': 'off' });

  it('typing, several cursors, a deletion, an undo: each the core’s on the editor’s text; a save makes the file the base again', async () => {
    const { service, dispose } = ownAnalysisService('edit-replay');
    const text = logitsText(300);
    const { uri, document, editor } = await openWritten('edit-replay.json', text);
    const analysed = () => service.analyzeDocument(document);
    try {
      assertCore(await analysed(), document, 'file');

      await editor.edit((b) => b.insert(document.positionAt(text.indexOf(', ') + 1), ' '));
      assertCore(await analysed(), document, 'edits');

      // One change event of three changes: a space after three commas at once, and a number replaced.
      const at = (needle: string, from = 0) => document.positionAt(document.getText().indexOf(needle, from));
      await editor.edit((b) => {
        b.insert(at('[0.75, '), ' ');
        b.insert(at('[-0.5, '), ' ');
        b.replace(new vscode.Range(at('0.25]', 2000), at('0.25]', 2000).translate(0, 4)), '1e-3');
      });
      assertCore(await analysed(), document, 'edits');

      // A deletion across lines (rows 11 to 13 join row 10 on its line), then a cat typed into a class name.
      await editor.edit((b) => b.delete(new vscode.Range(document.lineAt(12).range.end, document.lineAt(15).range.start)));
      await editor.edit((b) => b.insert(at('dog"'), '🐱'));
      assertCore(await analysed(), document, 'edits');

      await vscode.commands.executeCommand('undo');
      assert.ok(document.isDirty);
      assertCore(await analysed(), document, 'edits');

      // Saved: the version and its analysis stand; the file is the base of the edits after.
      const undone = await analysed();
      await document.save();
      assert.equal(await analysed(), undone);
      await new Promise((resolve) => setTimeout(resolve, 200)); // the saved file's size and time are read asynchronously
      await editor.edit((b) => b.insert(document.positionAt(document.getText().length - 2), ' '));
      assertCore(await analysed(), document, 'edits');

      // The file rewritten behind the unsaved edits (the same size, so only its time tells): the
      // last analysis's worker makes the next version all the same, from the text it holds.
      const saved = readFileSync(uri.fsPath, 'utf8');
      writeFileSync(uri.fsPath, saved.replace('0.25]', '0.35]'));
      assert.equal(statSync(uri.fsPath).size, Buffer.byteLength(saved));
      await editor.edit((b) => b.insert(document.positionAt(document.getText().length - 2), ' '));
      assertCore(await analysed(), document, 'edits');
      // That worker gone: the file is tried, found changed, and the text is sent.
      service.get(uri)!.data.dispose();
      await editor.edit((b) => b.insert(document.positionAt(document.getText().length - 2), ' '));
      assertCore(await analysed(), document, 'text');
    } finally {
      dispose();
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });

  it('a CSV of a line a sample: its text is not asked for while typing; an edit that renames its columns makes it no tensor file', async () => {
    const { service, dispose } = ownAnalysisService('edit-replay-csv');
    const rows = Array.from({ length: 200 }, (_, i) => `${((i * 7) % 11) / 4 - 1},${-((i * 3) % 5) / 3},0.25,${i % 3}`);
    rows[5] = '12,-3,-3,2'; // confidently wrong, a problem with a range
    const text = `logit_0,logit_1,logit_2,label\n${rows.join('\n')}\n`;
    const { uri, document, editor } = await openWritten('edit-replay.csv', text);
    // The document as the service sees it, counting getText() calls (VS Code's own object is frozen).
    let getTextCalls = 0;
    const counted: vscode.TextDocument = Object.create(document, {
      getText: { value: (range?: vscode.Range) => (getTextCalls++, document.getText(range)) },
    });
    const analysed = async (calls: number) => {
      getTextCalls = 0;
      const file = await service.analyzeDocument(counted);
      assert.equal(getTextCalls, calls, `getText() calls for version ${document.version}`);
      return file;
    };
    try {
      assertCore(await analysed(1), document, 'file'); // its UTF-8 length against the file's size
      for (const line of [150, 90, 30]) {
        const comma = document.lineAt(line).text.indexOf(',');
        await editor.edit((b) => b.insert(new vscode.Position(line, comma), '0'));
        assertCore(await analysed(0), document, 'edits');
      }
      const header = new vscode.Range(0, 0, 0, 'logit_0'.length);
      await editor.edit((b) => b.replace(header, 'score_0'));
      assert.equal(await analysed(0), null, 'no tensor file without logit_0');
      await editor.edit((b) => b.replace(header, 'logit_0'));
      assertCore(await analysed(0), document, 'edits');

      // A save the user types past (as with VS Code's auto save): the edits after it are made on the saved file.
      const saving = document.save();
      await editor.edit((b) => b.insert(new vscode.Position(60, 0), '1'));
      await saving;
      await editor.edit((b) => b.insert(new vscode.Position(61, 0), '1'));
      assertCore(await analysed(0), document, 'edits');

      // A save under way (code-server writes a file in place, 256 KB at a time): the last
      // analysis's worker makes the next version from the text it holds, not from the file.
      writeFileSync(uri.fsPath, text.slice(0, 100));
      await editor.edit((b) => b.insert(new vscode.Position(70, 0), '1'));
      assertCore(await analysed(0), document, 'edits');

      // That worker gone and the file not the base: the text after all, asked for once by two callers at once.
      service.get(uri)!.data.dispose();
      await editor.edit((b) => b.insert(new vscode.Position(40, 0), '1'));
      getTextCalls = 0;
      const [hover, codeLens] = await Promise.all([service.analyzeDocument(counted), service.analyzeDocument(counted)]);
      assert.equal(getTextCalls, 1, 'getText() calls of two callers');
      assert.equal(hover, codeLens);
      assertCore(hover, document, 'text');
    } finally {
      dispose();
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      await vscode.workspace.fs.delete(uri);
    }
  });
});
