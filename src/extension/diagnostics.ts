/**
 * Problems panel: every located problem of a tensor file, updated as the user types (debounced)
 * and on save; cleared when the document closes.
 */
import * as vscode from 'vscode';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { readSettings } from './config';
import { rangeOf } from './ranges';
import { escapeControls } from '../core/safeText';

export const DIAGNOSTIC_SOURCE = 'Gradient Lens';

export class DiagnosticsController implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('gradientLens');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly service: AnalysisService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.collection,
      service.onDidAnalyze((analysis) => this.publish(analysis)),
      vscode.workspace.onDidOpenTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document, readSettings().debounceMs)),
      vscode.workspace.onDidSaveTextDocument((d) => this.schedule(d, 0)),
      vscode.workspace.onDidCloseTextDocument((d) => this.clear(d.uri)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('gradientLens')) this.refreshAll();
      }),
    );
    this.refreshAll();
  }

  refreshAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      this.service.forget(document.uri);
      this.schedule(document, 0);
    }
  }

  private schedule(document: vscode.TextDocument, delay: number): void {
    if (!isCandidate(document)) return;
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(
      key,
      setTimeout(() => {
        this.timers.delete(key);
        this.service.analyzeDocument(document).then(
          (analysis) => {
            if (!analysis) this.collection.delete(document.uri);
          },
          (error) => this.log.error(`analysis of ${document.fileName} failed: ${error instanceof Error ? error.stack : error}`),
        );
      }, delay),
    );
  }

  private publish(analysis: FileAnalysis): void {
    // A text file analysed from disk (too large for VS Code to open, or not open) gets its problems
    // too: the Problems panel lists files that are not open. A binary file's byte offsets have no
    // line to point at; its viewer lists its problems.
    if (analysis.fromDisk && !TEXT_TENSOR_FILE.test(analysis.fileName)) return;
    const diagnostics = analysis.problems.map((p) => {
      // File text in a message (a cell, a name) is escaped as on the CLI: one readable line, no ESC.
      const d = new vscode.Diagnostic(
        rangeOf(analysis.lines, p.start, p.end),
        escapeControls(p.message, true),
        p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
      );
      d.source = DIAGNOSTIC_SOURCE;
      d.code = p.code;
      return d;
    });
    this.collection.set(analysis.uri, diagnostics);
  }

  private clear(uri: vscode.Uri): void {
    clearTimeout(this.timers.get(uri.toString()));
    this.timers.delete(uri.toString());
    this.collection.delete(uri);
    this.service.forget(uri);
  }

  dispose(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.disposables.forEach((d) => d.dispose());
  }
}

const TEXT_TENSOR_FILE = /\.(json|jsonl|ndjson|csv|tsv)$/i;

export function isCandidate(document: vscode.TextDocument): boolean {
  return document.uri.scheme !== 'output' && TEXT_TENSOR_FILE.test(document.fileName);
}
