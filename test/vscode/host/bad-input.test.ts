/**
 * The bad-input corpus in the real editor: each file's diagnostics are the CLI's problems, at the
 * same line and column; the extension host keeps answering afterwards.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { looksLikeTensorFile, looksLikeTensorText } from '../../../src/extension/analysisService';
import { hoverText, waitFor, workspaceFile } from './util';

interface Case {
  file: string;
  exit: number;
  problems?: { line: number; column: number; message: string }[];
}

describe('bad input in the editor', function () {
  this.timeout(120000);

  it('every corpus file gets the CLI’s messages as diagnostics at the same positions', async () => {
    const manifest = JSON.parse(readFileSync(workspaceFile('bad/expected.json').fsPath, 'utf8')) as { cases: Case[] };
    let checked = 0;
    for (const c of manifest.cases) {
      if (!/\.(json|csv|tsv)$/i.test(c.file)) continue;
      const uri = workspaceFile(`bad/${c.file}`);
      let document: vscode.TextDocument;
      try {
        document = await vscode.workspace.openTextDocument(uri);
      } catch {
        continue; // VS Code itself refuses binary files; the commands answer those with a message.
      }
      const disk = new Uint8Array(readFileSync(uri.fsPath));
      const shown = new TextEncoder().encode(document.getText());
      // Not UTF-8: the editor shows decoded text, not the file's bytes, so positions differ by design.
      if (shown.length !== disk.length || shown.some((b, i) => b !== disk[i])) continue;
      // A CSV or JSON file that does not look like a tensor file is left alone in the editor.
      const ours = looksLikeTensorFile(c.file, disk);
      // The editor decides on the document's text (before encoding it): the same answer as on the bytes.
      assert.equal(looksLikeTensorText(c.file, document.getText()), ours, `${c.file}: the text and byte tests disagree`);
      const expected = ours ? (c.problems ?? []).map((p) => `${p.line}:${p.column}: ${p.message}`) : [];
      const errorsExpected = ours && c.exit !== 0;
      const actual = await waitFor(
        `diagnostics of ${c.file}`,
        () => {
          const d = vscode.languages
            .getDiagnostics(uri)
            .filter((x) => x.source === 'Gradient Lens' && (errorsExpected ? true : x.severity === vscode.DiagnosticSeverity.Error));
          const lines = d.map((x) => `${x.range.start.line + 1}:${x.range.start.character + 1}: ${x.message}`);
          return (errorsExpected ? expected.every((e) => lines.includes(e)) : lines.length === 0) && lines;
        },
        10000,
      ).catch((error) => {
        throw new Error(
          `${c.file}: ${(error as Error).message}; expected ${JSON.stringify(expected)} got ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((x) => `${x.range.start.line + 1}:${x.range.start.character + 1}: ${x.message}`))}`,
        );
      });
      if (errorsExpected) assert.ok(actual.length >= expected.length);
      checked++;
      void document;
    }
    assert.ok(checked >= 50, `only ${checked} corpus files were checked`);
  });

  it('100,000 nested arrays: a located message, and the extension host still answers', async () => {
    const uri = workspaceFile('deep.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(`{"logits": ${'['.repeat(100000)}${']'.repeat(100000)}}`));
    await vscode.workspace.openTextDocument(uri);
    const d = await waitFor('the nesting diagnostic', () => vscode.languages.getDiagnostics(uri).find((x) => /nest/i.test(x.message)));
    assert.equal(d.range.start.line, 0);
    const cifar = await vscode.workspace.openTextDocument(workspaceFile('cifar10-logits.json'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      cifar.uri,
      new vscode.Position(3, 6),
    );
    assert.ok(hoverText(hovers).includes('Gradient Lens'), 'hover still works');
    await vscode.workspace.fs.delete(uri);
  });
});
