/**
 * `loss 0.357 · Jacobian · Gradient` above each sample of a small file; one batch summary above
 * the tensor of a large one (or when samples share lines, as in minified JSON).
 */
import * as vscode from 'vscode';
import { isNamedLoss, lossFormula, lossLabel } from './lossText';
import type { AnalysisService } from './analysisService';
import { readSettings } from './config';
import { num } from './format';
import { rangeOf } from './ranges';
import { accuracy } from '../core/report';

export class LossCodeLensProvider implements vscode.CodeLensProvider {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly service: AnalysisService) {
    // Every new analysis: telling VS Code only about the ones it cannot see (issue 16's attempt to cut
    // the lag) left a stale or missing lens in 2 of 3 fresh-clone runs, so every analysis is announced.
    service.onDidAnalyze(() => this.changed.fire());
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('gradientLens.codeLens')) this.changed.fire();
    });
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    const settings = readSettings();
    if (!settings.codeLensEnabled) return [];
    const file = await this.service.analyzeDocument(document, token);
    const analysis = file?.analysis;
    if (token.isCancellationRequested) return [];
    if (!file?.dataset || !analysis) return [];
    const uri = file.uri.toString();
    const rows = file.dataset.spans[0];
    const n = analysis.n;
    const lenses: vscode.CodeLens[] = [];
    const firstLine = rangeOf(file.lines, rows.spans[0], rows.spans[0]);
    const lastLine = rangeOf(file.lines, rows.spans[2 * n - 2], rows.spans[2 * n - 2]);
    const oneLinePerSample = lastLine.start.line - firstLine.start.line >= n - 1;
    if (n > settings.codeLensMaxSamples || !oneLinePerSample) {
      const acc =
        analysis.task === 'classification' ? ` · accuracy ${(100 * accuracy(analysis.predicted, analysis.actual)).toFixed(1)}%` : '';
      const named = isNamedLoss(analysis) ? ` (${lossLabel(analysis)})` : '';
      lenses.push(
        new vscode.CodeLens(firstLine, {
          title: `Gradient Lens: ${n} samples · mean loss${named} ${num(analysis.loss)}${acc}`,
          command: 'gradientLens.analyzeFile',
          arguments: [uri],
        }),
      );
      return lenses;
    }
    for (let i = 0; i < n; i++) {
      const range = rangeOf(file.lines, rows.spans[2 * i], rows.spans[2 * i]);
      // The first sample's lens names a named loss and its formula (the others stay short).
      const named = i === 0 && isNamedLoss(analysis) ? `${lossLabel(analysis)}: ${lossFormula(analysis)} · ` : '';
      lenses.push(
        new vscode.CodeLens(range, {
          title: `${named}loss ${num(analysis.losses[i], 3)}`,
          command: 'gradientLens.showLossPerSample',
          arguments: [uri, i],
        }),
      );
      if (analysis.task === 'classification') {
        lenses.push(new vscode.CodeLens(range, { title: 'Jacobian', command: 'gradientLens.showJacobian', arguments: [uri, i] }));
      }
      lenses.push(new vscode.CodeLens(range, { title: 'Gradient', command: 'gradientLens.showGradients', arguments: [uri, i] }));
    }
    return lenses;
  }
}
