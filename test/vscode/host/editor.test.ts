/**
 * The editor integration through the real `vscode` API: hover, diagnostics, CodeLens and commands
 * on the bundled examples (a temp copy), each value compared with the core's own analysis.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { checkDatasetGradients } from '../../../src/core/datasetCheck';
import { sampleSpan } from '../../../src/core/dataset';
import { num } from '../../../src/extension/format';
import { coreAnalysis, hoverText, open, sha256, waitFor, workspaceFile } from './util';

const EXAMPLES = [
  'reference-example.json',
  'cifar10-logits.json',
  'soft-labels.json',
  'regression.json',
  'iris-logits.csv',
  'imagenet-1000-classes.json',
  'network.json',
  'broken.json',
];

describe('Gradient Lens in a real extension host', function () {
  this.timeout(60000);
  const hashes = new Map<string, string>();

  before(async () => {
    for (const name of EXAMPLES) hashes.set(name, sha256(workspaceFile(name)));
    await open('cifar10-logits.json');
    await waitFor('the extension to activate', () => vscode.extensions.getExtension('gradient-lens.gradient-lens')?.isActive, 30000);
  });

  it('hover on a sample shows its loss, classes, p_true and gradient, equal to the core', async () => {
    const editor = await open('cifar10-logits.json');
    const core = coreAnalysis(editor.document.uri);
    assert.ok(core.analysis?.task === 'classification' && core.dataset?.task === 'classification');
    for (const i of [0, 5, 23]) {
      const span = sampleSpan(core.dataset, i)!;
      const position = editor.document.positionAt(span.start + 2);
      const text = await waitFor(`hover on sample ${i}`, async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position);
        const t = hoverText(hovers);
        return t.includes('Gradient Lens') && t;
      });
      assert.ok(text.includes(`sample ${i}** — loss **${num(core.analysis.losses[i])}**`), text);
      assert.ok(text.includes(`true class **${core.dataset.classes![core.analysis.actual[i]]}**`), text);
      assert.ok(text.includes(`predicted **${core.dataset.classes![core.analysis.predicted[i]]}**`), text);
      assert.ok(text.includes(`p_true = ${num(core.analysis.pTrue[i])}`), text);
      for (let j = 0; j < 10; j++)
        assert.ok(text.includes(`| ${num(core.analysis.logitGradient[i * 10 + j])} |`), `gradient ${j} in ${text}`);
      assert.ok(text.includes('command:gradientLens.showJacobian'), 'links to the Jacobian');
    }
  });

  it('hover on a CSV row and on a label element', async () => {
    const csv = await open('iris-logits.csv');
    const core = coreAnalysis(csv.document.uri);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      csv.document.uri,
      new vscode.Position(3, 1),
    );
    assert.ok(hoverText(hovers).includes(`sample 2** — loss **${num(core.analysis!.losses[2])}**`), hoverText(hovers));
    const json = await open('cifar10-logits.json');
    const text = json.document.getText();
    const labelsAt = text.indexOf('"labels": [') + '"labels": ['.length;
    const third = json.document.positionAt(text.indexOf(',', text.indexOf(',', labelsAt) + 1) + 2);
    const onLabel = hoverText(
      await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', json.document.uri, third),
    );
    assert.ok(onLabel.includes('sample 2**'), onLabel);
  });

  it('diagnostics of the broken example: every problem of the core, at its exact range', async () => {
    const editor = await open('broken.json');
    const core = coreAnalysis(editor.document.uri);
    const diagnostics = await waitFor('diagnostics on broken.json', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri).filter((x) => x.source === 'Gradient Lens');
      return d.length === core.problems.length && d;
    });
    const actual = diagnostics.map((d) => ({
      message: d.message,
      start: editor.document.offsetAt(d.range.start),
      end: editor.document.offsetAt(d.range.end),
      error: d.severity === vscode.DiagnosticSeverity.Error,
    }));
    const expected = core.problems.map((p) => ({ message: p.message, start: p.start, end: p.end, error: p.severity === 'error' }));
    assert.deepEqual(actual, expected);
    assert.ok(actual.some((d) => d.message.startsWith('label 3 of sample 2 is out of range for 3 classes (valid: 0…2)')));
  });

  it('diagnostics follow edits (debounced) without saving, and clear when fixed', async () => {
    const editor = await open('reference-example.json');
    const document = editor.document;
    const at = document.getText().indexOf('0.7');
    const range = new vscode.Range(document.positionAt(at), document.positionAt(at + 3));
    await editor.edit((e) => e.replace(range, '0.9'));
    const broken = await waitFor('a sum diagnostic after the edit', () =>
      vscode.languages.getDiagnostics(document.uri).find((d) => d.message.startsWith('probabilities in sample 0 sum to 1.2')),
    );
    assert.equal(broken.range.start.line, document.positionAt(document.getText().indexOf('[0.1, 0.9')).line);
    await editor.edit((e) => e.replace(range, '0.7'));
    await waitFor('the diagnostic to clear', () => vscode.languages.getDiagnostics(document.uri).length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('warnings: confidently wrong samples of the CIFAR example', async () => {
    const editor = await open('cifar10-logits.json');
    const warnings = await waitFor('warnings', () => {
      const d = vscode.languages.getDiagnostics(editor.document.uri).filter((x) => x.severity === vscode.DiagnosticSeverity.Warning);
      return d.length > 0 && d;
    });
    const samples = warnings
      .filter((w) => w.message.startsWith('confidently wrong'))
      .map((w) => Number(/sample (\d+)/.exec(w.message)![1]));
    for (const i of [5, 13, 21]) assert.ok(samples.includes(i), `${samples}`);
  });

  it('log-probabilities (nll): a JSON and a CSV get hovers with −lp[label] as the loss, and a value above 0 its error at the value', async () => {
    // log_softmax of fixed logits, to 9 decimals; the labels by hand.
    const logits = [
      [2.0, 1.0, 0.1],
      [0.5, 2.5, -1.0],
      [-0.3, 0.2, 1.7],
      [1.1, 1.0, 0.9],
    ];
    const labels = [0, 1, 1, 2];
    const lp = logits.map((z) => {
      const lse = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
      return z.map((v) => Number((v - lse).toFixed(9)));
    });
    const files: Record<string, string> = {
      'nll-logp.json': JSON.stringify({ log_probabilities: lp, labels }, null, 1),
      'nll-logp.csv': ['logprob_0,logprob_1,logprob_2,label', ...lp.map((r, i) => [...r, labels[i]].join(','))].join('\n') + '\n',
    };
    for (const [name, text] of Object.entries(files)) {
      await vscode.workspace.fs.writeFile(workspaceFile(name), new TextEncoder().encode(text));
      const editor = await open(name);
      const core = coreAnalysis(editor.document.uri);
      assert.ok(core.analysis?.task === 'classification' && core.dataset?.task === 'classification', name);
      assert.equal(core.analysis.lossSpec?.name, 'nll', name);
      const span = sampleSpan(core.dataset, 2)!;
      const text2 = await waitFor(`${name}: hover on sample 2`, async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>(
          'vscode.executeHoverProvider',
          editor.document.uri,
          editor.document.positionAt(span.start + 1),
        );
        const t = hoverText(hovers);
        return t.includes('Gradient Lens') && t;
      });
      // nll: L_2 = −lp_2[label 1], by the formula.
      assert.equal(core.analysis.losses[2], -lp[2][1]);
      assert.ok(text2.includes(`sample 2** — nll loss **${num(-lp[2][1])}**`), `${name}: ${text2}`);
      assert.equal(
        vscode.languages.getDiagnostics(editor.document.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length,
        0,
      );
      // Analyze File names the loss as the panel does: nll, −(1/N) Σ lp[label].
      const summary = await vscode.commands.executeCommand<string>('gradientLens.analyzeFile', editor.document.uri);
      const mean = -lp.reduce((a, r, i) => a + r[labels[i]], 0) / lp.length;
      assert.ok(Math.abs(core.analysis.loss - mean) < 1e-15);
      assert.equal(summary, `${name}: 4 samples × 3 classes, mean nll ${num(core.analysis.loss)}`);
    }
    const broken = JSON.stringify({ log_probabilities: lp.map((r, i) => (i === 3 ? [r[0], 0.25, r[2]] : r)), labels });
    await vscode.workspace.fs.writeFile(workspaceFile('nll-broken.json'), new TextEncoder().encode(broken));
    const editor = await open('nll-broken.json');
    const error = await waitFor('the error of the value above 0', () =>
      vscode.languages.getDiagnostics(editor.document.uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error),
    );
    assert.equal(
      error.message.split(';')[0],
      'log-probability 0.25 in sample 3 (class 1) is above 0, so it is not the log of a probability',
    );
    const at = broken.indexOf('0.25');
    assert.deepEqual([editor.document.offsetAt(error.range.start), editor.document.offsetAt(error.range.end)], [at, at + 4]);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const name of [...Object.keys(files), 'nll-broken.json']) await vscode.workspace.fs.delete(workspaceFile(name));
  });

  it('a JSON file that is not a tensor file gets no diagnostics and no hover', async () => {
    const uri = workspaceFile('.vscode-like-settings.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode('{"editor.fontSize": 14, "files": [1, 2,]}'));
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Gradient Lens').length, 0);
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(0, 3));
    assert.ok(!hoverText(hovers).includes('Gradient Lens'));
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await vscode.workspace.fs.delete(uri);
  });

  it('CodeLens: the loss above each sample equals the core’s', async () => {
    const editor = await open('cifar10-logits.json');
    const core = coreAnalysis(editor.document.uri);
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 100);
      return l.some((x) => x.command?.title.startsWith('loss')) && l;
    });
    const losses = lenses.filter((l) => l.command?.title.startsWith('loss '));
    assert.equal(losses.length, 24);
    losses.forEach((l, i) => {
      assert.equal(l.command!.title, `loss ${num(core.analysis!.losses[i], 3)}`);
      assert.equal(l.range.start.line, editor.document.positionAt(sampleSpan(core.dataset!, i)!.start).line);
    });
    assert.equal(lenses.filter((l) => l.command?.title === 'Jacobian').length, 24);
  });

  it('CodeLens: one batch summary above a minified or large array', async () => {
    const editor = await open('imagenet-1000-classes.json');
    const core = coreAnalysis(editor.document.uri);
    const lenses = await waitFor('code lenses', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 100);
      return l.length > 0 && l;
    });
    // 16 samples on 16 lines: per-sample lenses; the summary form is exercised by the minified reference file below.
    assert.equal(lenses.filter((l) => l.command?.title.startsWith('loss ')).length, 16);
    const uri = workspaceFile('minified.json');
    await vscode.workspace.fs.writeFile(
      uri,
      new TextEncoder().encode('{"logits": [[1, 2, 3], [3, 2, 1], [0, 0, 5]], "labels": [2, 0, 2]}'),
    );
    const doc = await vscode.workspace.openTextDocument(uri);
    const summary = await waitFor('summary lens', async () => {
      const l = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', doc.uri, 100);
      return l.length > 0 && l;
    });
    const minCore = coreAnalysis(uri);
    assert.equal(summary.length, 1);
    assert.equal(summary[0].command!.title, `Gradient Lens: 3 samples · mean loss ${num(minCore.analysis!.loss)} · accuracy 100.0%`);
    await vscode.workspace.fs.delete(uri);
    void core;
  });

  it('Analyze File returns the batch summary; Compare with Finite Differences passes', async () => {
    const uri = workspaceFile('cifar10-logits.json');
    const core = coreAnalysis(uri);
    const summary = await vscode.commands.executeCommand<string>('gradientLens.analyzeFile', uri);
    assert.equal(summary, `cifar10-logits.json: 24 samples × 10 classes, mean cross-entropy ${num(core.analysis!.loss)}`);
    const checks = await vscode.commands.executeCommand<{ passed: boolean; checked: number }[]>(
      'gradientLens.compareFiniteDifferences',
      uri,
    );
    assert.ok(checks.length > 0 && checks.every((c) => c.passed && c.checked > 0));
  });

  it('Compare with Finite Differences on a file too large to probe every entry: the core figures, twice, the file unchanged', async () => {
    // 3,000 samples × 10 classes with class indices: above the per-entry cap, so 2,000 coordinates
    // are probed, ∂L/∂z a row at a time and the worker's logits moved in place and put back.
    const n = 3000;
    const k = 10;
    const logits = Array.from({ length: n }, (_, i) => Array.from({ length: k }, (_, j) => ((i * 7 + j * 13) % 17) / 4 - 2));
    const labels = Array.from({ length: n }, (_, i) => (i * 3) % k);
    const uri = workspaceFile('many-samples.json');
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify({ logits, labels })));
    const written = sha256(uri);
    const core = coreAnalysis(uri);
    assert.ok(core.dataset);
    const expected = checkDatasetGradients(core.dataset, 'mean');
    type Check = { name: string; passed: boolean; checked: number; maxAbsoluteError: number; worstIndex: number; numeric: number };
    const first = await vscode.commands.executeCommand<Check[]>('gradientLens.compareFiniteDifferences', uri);
    assert.equal(first.length, 1);
    assert.equal(first[0].checked, 2000);
    assert.ok(first[0].passed);
    for (const key of ['name', 'checked', 'maxAbsoluteError', 'worstIndex', 'numeric'] as const)
      assert.equal(first[0][key], expected[0][key], key);
    // A logit left moved by the first check would change the second's figures.
    assert.deepEqual(await vscode.commands.executeCommand<Check[]>('gradientLens.compareFiniteDifferences', uri), first);
    assert.equal(sha256(uri), written);
    await vscode.workspace.fs.delete(uri);
  });

  it('hover on a network weight shows ∂L/∂w and the layer norm, equal to the core', async () => {
    const editor = await open('network.json');
    const core = coreAnalysis(editor.document.uri);
    assert.ok(core.dataset?.task === 'network' && core.network);
    const layer = core.dataset.layers[1];
    const spans = layer.weightSpans!;
    const w = 1 * layer.inputs + 2; // neuron 1, input 2 of layer 2
    const position = editor.document.positionAt(spans[2 * w] + 1);
    const text = await waitFor('hover on a weight', async () => {
      const t = hoverText(
        await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, position),
      );
      return t.includes('layer 2') && t;
    });
    const r = core.network.analysis.layers[1];
    assert.ok(text.includes(`w[1][2] = ${num(layer.weights[w])} · ∂𝓛/∂w = **${num(r.gradWeights[w])}**`), text);
    assert.ok(text.includes(`‖∂𝓛/∂W‖ = ${num(r.gradNorm)}`), text);
  });

  it('a command on a file that is not a tensor file answers with a message, not an exception', async () => {
    const uri = workspaceFile('README.md');
    const result = await vscode.commands.executeCommand('gradientLens.analyzeFile', uri);
    assert.equal(result, undefined);
  });

  it('every command on every example leaves the files byte-identical', async () => {
    for (const name of EXAMPLES) {
      const uri = workspaceFile(name);
      for (const command of [
        'gradientLens.analyzeFile',
        'gradientLens.showGradients',
        'gradientLens.showLossPerSample',
        'gradientLens.explainChainRule',
        'gradientLens.compareFiniteDifferences',
      ]) {
        await vscode.commands.executeCommand(command, uri);
      }
      await vscode.commands.executeCommand('gradientLens.showJacobian', uri, 0);
    }
    for (const name of EXAMPLES) assert.equal(sha256(workspaceFile(name)), hashes.get(name), `${name} changed`);
  });
});
