/**
 * Issue 16 in a real extension host: the panel follows the active tensor file unless pinned (its
 * tab's title names the file it shows); the weight hover flags network.json's dead ReLU neuron.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { coreAnalysis, hoverText, open, waitFor } from './util';

/** The title of the Gradient Lens panel's tab, or null when it is not open. */
function panelTitle(): string | null {
  const tab = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => /Gradient Lens: /.test(t.label));
  return tab?.label ?? null;
}

describe('the panel follows the active tensor file', function () {
  this.timeout(60000);

  after(async () => {
    await vscode.commands.executeCommand('gradientLens.unpinPanel');
  });

  it('switching editors moves the panel to the new file; pinned, it stays', async () => {
    await open('cifar10-logits.json');
    await vscode.commands.executeCommand('gradientLens.analyzeFile');
    await waitFor('the panel on cifar10', () => panelTitle() === 'Gradient Lens: cifar10-logits.json');
    await open('regression.json');
    await waitFor('the panel to follow to regression.json', () => panelTitle() === 'Gradient Lens: regression.json');
    // A JSON file that is not a tensor file is not followed.
    await open('README.md');
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(panelTitle(), 'Gradient Lens: regression.json');
    await vscode.commands.executeCommand('gradientLens.pinPanel');
    await waitFor('the pin in the title', () => panelTitle() === '📌 Gradient Lens: regression.json');
    await open('cifar10-logits.json');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(panelTitle(), '📌 Gradient Lens: regression.json', 'pinned: the panel keeps its file');
    // Unpinning catches up with the active editor.
    await vscode.commands.executeCommand('gradientLens.unpinPanel');
    await waitFor('the panel to catch up', () => panelTitle() === 'Gradient Lens: cifar10-logits.json');
  });

  it('the weight hover of network.json flags hidden neuron 4 as a dead ReLU', async () => {
    const editor = await open('network.json');
    const core = coreAnalysis(editor.document.uri);
    assert.ok(core.dataset?.task === 'network');
    const layer = core.dataset.layers[0];
    const w = 4 * layer.inputs + 1; // neuron 4, input 1 of the hidden layer
    const position = editor.document.positionAt(layer.weightSpans![2 * w] + 1);
    const text = await waitFor('hover on a dead neuron’s weight', async () => {
      const t = hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position),
      );
      return t.includes('layer 1') && t;
    });
    assert.ok(text.includes('dead ReLU neuron 4'), text);
    const alive = 0 * layer.inputs + 1;
    const other = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>(
        'vscode.executeHoverProvider',
        editor.document.uri,
        editor.document.positionAt(layer.weightSpans![2 * alive] + 1),
      ),
    );
    assert.ok(other.includes('layer 1') && !other.includes('dead ReLU'), other);
  });
});
