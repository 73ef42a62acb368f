/**
 * A file that names its loss (issue 19): hover and CodeLens name the loss with its options and
 * formula, and show the numbers of that loss (the core's), not of the default cross-entropy.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { sampleSpan } from '../../../src/core/dataset';
import { num } from '../../../src/extension/format';
import { coreAnalysis, hoverText, open, waitFor } from './util';

describe('named losses in a real extension host', function () {
  this.timeout(60000);

  it('hover on a label-smoothing file names the loss, its options and formula, with its own numbers', async () => {
    const editor = await open('label-smoothing.json');
    const core = coreAnalysis(editor.document.uri);
    assert.ok(core.analysis?.task === 'classification' && core.dataset?.task === 'classification');
    assert.equal(core.analysis.lossSpec?.name, 'cross_entropy');
    for (const i of [0, 5]) {
      const position = editor.document.positionAt(sampleSpan(core.dataset, i)!.start + 2);
      const text = await waitFor(`hover on sample ${i}`, async () => {
        const t = hoverText(
          await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position),
        );
        return t.includes('Gradient Lens') && t.replace(/\\/g, '');
      });
      assert.ok(
        text.includes(
          `sample ${i}** — cross_entropy (weight=[1, 2, 1, 0.5], label_smoothing=0.1) loss **${num(core.analysis.losses[i])}**`,
        ),
        text,
      );
      assert.ok(text.includes('𝓛 = −(1−ε) w_y log p_y − ε/K Σ_k w_k log p_k, ε = 0.1'), text);
      for (let j = 0; j < 4; j++)
        assert.ok(text.includes(`| ${num(core.analysis.logitGradient[i * 4 + j])} |`), `gradient ${j} in ${text}`);
    }
    assert.equal(core.analysis.losses[5], 0); // its label is ignore_index
  });

  it('the first CodeLens names the loss and its formula', async () => {
    const editor = await open('label-smoothing.json');
    const lenses = await waitFor('CodeLens', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      return l && l.length > 0 ? l : null;
    });
    const titles = lenses.map((l) => l.command?.title ?? '');
    assert.ok(
      titles.some((t) => t.startsWith('cross_entropy (weight=[1, 2, 1, 0.5], label_smoothing=0.1): −(1−ε) w_y log p_y')),
      titles.join('\n'),
    );
  });
});
