/**
 * Check your own gradients in the editor (issue 18): on examples/nnfs-wrong.json every wrong entry
 * is a diagnostic at its own number with the expected value, hover shows expected vs given and the
 * formula, and gradientLens.check.rtol reaches the check.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { entryName } from '../../../src/core/userGradientCheck';
import { num } from '../../../src/extension/format';
import { gradientCheckText } from '../../../src/extension/gradientCheckStatus';
import { coreAnalysis, hoverText, open, waitFor } from './util';

const FILE = 'nnfs-wrong.json';
const CODES = ['gradient-mismatch', 'gradient-shape'];

function ownDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Gradient Lens' && CODES.includes(String(d.code)));
}

describe('Check your own gradients in a real extension host', function () {
  this.timeout(60000);

  it('each wrong entry is a diagnostic at its exact range, with the exact value in the message', async () => {
    const editor = await open(FILE);
    const core = coreAnalysis(editor.document.uri);
    const report = core.userCheck!;
    assert.ok(report && report.wrongEntries === 7, `the core finds 7 wrong entries, found ${report?.wrongEntries}`);
    assert.equal(gradientCheckText(report), 'gradient check: 7 of 33 entries differ');
    const diagnostics = await waitFor('own-gradient diagnostics', () => {
      const d = ownDiagnostics(editor.document.uri);
      return d.length === report.wrong.length && d;
    });
    const text = editor.document.getText();
    const actual = diagnostics.map((d) => ({
      message: d.message,
      start: editor.document.offsetAt(d.range.start),
      end: editor.document.offsetAt(d.range.end),
    }));
    const expected = report.wrong.map((w) => ({ message: w.message, start: w.start, end: w.end }));
    assert.deepEqual(actual, expected);
    for (const [i, d] of diagnostics.entries()) {
      const w = report.wrong[i];
      assert.equal(d.severity, vscode.DiagnosticSeverity.Error);
      // The range covers exactly the number the user wrote.
      assert.equal(Number(text.slice(actual[i].start, actual[i].end)), w.given);
      assert.ok(d.message.startsWith(`${entryName(report.tensors[w.tensor], w.index)} is `), d.message);
      assert.match(d.message, / but ∂L\/∂[Wb][₁₂] is -?\d/);
    }
    assert.ok(
      diagnostics.some((d) => d.message.startsWith('layer 1 dbiases[1] is ')),
      'the wrong bias entry',
    );
  });

  it('hover on a wrong entry shows given, exact and the formula', async () => {
    const editor = await open(FILE);
    const core = coreAnalysis(editor.document.uri);
    const report = core.userCheck!;
    const w = report.wrong.find((x) => report.tensors[x.tensor].name === 'layer 2 dweights')!;
    const t = report.tensors[w.tensor];
    const position = editor.document.positionAt(w.start + 1);
    const hover = await waitFor('hover on a wrong dweights entry', async () => {
      const h = hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position),
      );
      return h.includes('your layer 2 dweights') && h;
    });
    assert.ok(hover.includes(`**Gradient Lens · your ${entryName(t, w.index)}** — $(error) differs`), hover);
    assert.ok(hover.includes(`| given | ${num(w.given, 6)} |`), hover);
    assert.ok(hover.includes(`| exact ∂L/∂W₂ | ${num(w.expected, 6)} |`), hover);
    assert.ok(hover.includes('∂L/∂W₂ = Σ_s ∂L/∂z[s][o]·x[s][i] with N = 6'), hover);
    assert.ok(hover.includes('transposed'), hover);
    // A right entry says so.
    const right = report.tensors.find((x) => x.name === 'layer 1 dweights')!;
    const at = editor.document.positionAt(right.spans![0] + 1);
    const ok = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, at));
    assert.ok(ok.includes('your layer 1 dweights[0][0]** — $(pass) matches'), ok);
  });

  it('gradientLens.check.rtol reaches the check', async () => {
    const editor = await open(FILE);
    const config = vscode.workspace.getConfiguration('gradientLens');
    try {
      // The worst entry is 6.43 × its exact value away: rtol 10 lets every entry pass.
      await config.update('check.rtol', 10, vscode.ConfigurationTarget.Workspace);
      await waitFor('no own-gradient diagnostics at rtol 10', () => ownDiagnostics(editor.document.uri).length === 0);
    } finally {
      await config.update('check.rtol', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the diagnostics back at the default rtol', () => ownDiagnostics(editor.document.uri).length === 7);
  });
});
