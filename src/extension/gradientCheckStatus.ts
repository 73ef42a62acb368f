/**
 * "gradient check: 3 of 24 entries differ" in the status bar while the active file carries the
 * user's own derivatives; a click opens the Problems panel where each wrong entry is listed.
 */
import * as vscode from 'vscode';
import { reportSummary, type UserGradientReport } from '../core/userGradientCheck';
import { ActiveFileStatusItem } from './activeFileStatusItem';
import type { AnalysisService, FileAnalysis } from './analysisService';

export function gradientCheckText(report: UserGradientReport): string {
  if (report.wrongEntries === 0) return `gradient check: all ${report.entries} entries match`;
  return `gradient check: ${report.wrongEntries} of ${report.entries} ${report.entries === 1 ? 'entry differs' : 'entries differ'}`;
}

export class GradientCheckStatusBar extends ActiveFileStatusItem {
  constructor(service: AnalysisService) {
    super(service, 'gradientLens.gradientCheck', 99);
    this.item.name = 'Gradient Lens gradient check';
    this.item.command = 'workbench.actions.view.problems';
    this.update();
  }

  protected render(file: FileAnalysis): void {
    const report = file.userCheck;
    if (!report || !file.dataset) {
      this.item.hide();
      return;
    }
    const failed = report.wrongEntries > 0;
    this.item.text = `${failed ? '$(error)' : '$(pass)'} ${gradientCheckText(report)}`;
    this.item.tooltip = `Gradient Lens: your derivatives in ${file.fileName} against the exact values.\n${reportSummary(report)}`;
    this.item.backgroundColor = failed ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
  }
}
