/** A status bar item that shows something of the active editor's tensor file, kept current. */
import * as vscode from 'vscode';
import type { AnalysisService, FileAnalysis } from './analysisService';

export abstract class ActiveFileStatusItem implements vscode.Disposable {
  readonly item: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    protected readonly service: AnalysisService,
    id: string,
    priority: number,
  ) {
    this.item = vscode.window.createStatusBarItem(id, vscode.StatusBarAlignment.Right, priority);
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => this.update()),
      service.onDidAnalyze((a) => {
        if (a.uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) this.render(a);
      }),
    );
  }

  /** Subclasses call this at the end of their constructor, once their own fields are set. */
  protected update(): void {
    const document = vscode.window.activeTextEditor?.document;
    const cached = document && this.service.get(document.uri);
    if (cached) this.render(cached);
    else this.item.hide();
    this.afterUpdate(cached ?? undefined);
  }

  protected afterUpdate(_file: FileAnalysis | undefined): void {}

  protected abstract render(file: FileAnalysis): void;

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}
