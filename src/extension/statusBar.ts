/** The batch's mean loss for the active file; a click opens the panel. */
import * as vscode from 'vscode';
import { isNamedLoss, lossFormula, lossLabel } from './lossText';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { ActiveFileStatusItem } from './activeFileStatusItem';
import { num } from './format';
import { problemCount } from '../core/problems';

export class LossStatusBar extends ActiveFileStatusItem {
  constructor(service: AnalysisService) {
    super(service, 'gradientLens.loss', 100);
    this.item.name = 'Gradient Lens loss';
    this.item.command = 'gradientLens.analyzeFile';
    this.update();
  }

  protected override afterUpdate(file: FileAnalysis | undefined): void {
    void vscode.commands.executeCommand('setContext', 'gradientLens.isTensorFile', Boolean(file?.dataset));
  }

  protected render(file: FileAnalysis): void {
    void vscode.commands.executeCommand('setContext', 'gradientLens.isTensorFile', Boolean(file.dataset));
    const loss = file.analysis?.loss ?? file.network?.loss;
    if (loss === undefined) {
      // The true count: a kind past 20 is listed as 20 and "…and N more like this".
      const errors = problemCount(file.problems, 'error');
      this.item.text = `$(error) Gradient Lens: ${errors} error${errors === 1 ? '' : 's'}`;
      this.item.tooltip = 'This tensor file has errors; see the Problems panel.';
      this.item.show();
      return;
    }
    const named = file.analysis && isNamedLoss(file.analysis) ? file.analysis : null;
    const kind = named ? lossLabel(named) : file.analysis?.task === 'regression' || file.network?.head === 'mse' ? 'MSE' : 'cross-entropy';
    this.item.text = `$(graph) loss ${num(loss)}${named ? ` · ${named.lossSpec!.name}` : ''}`;
    const formula = file.analysis ? ` 𝓛_i = ${lossFormula(file.analysis)}.` : '';
    this.item.tooltip = `Gradient Lens: ${file.analysis?.reduction === 'sum' ? 'total' : 'mean'} ${kind} loss of ${file.fileName} over ${file.analysis?.n ?? file.network?.n} samples.${formula} Click to open the panel.`;
    this.item.show();
  }
}
