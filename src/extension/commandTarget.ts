/**
 * Which file a command acts on, and its analysis, shared by every command: bad input becomes a
 * message to the user, never an exception.
 */
import * as vscode from 'vscode';
import { NotATensorFileError, type AnalysisService, type FileAnalysis } from './analysisService';
import { CancelledError } from './documentWorker';
import { formatOf, isBinaryFormat } from '../core/load';
import { problemCount } from '../core/problems';

/** The file a command was given (explorer, link, CodeLens), else the active editor, custom editor tab or panel. */
export function commandTarget(
  target: vscode.Uri | string | undefined,
  panel?: { readonly visibleFile: string | null },
): vscode.Uri | undefined {
  if (typeof target === 'string') return vscode.Uri.parse(target);
  if (target instanceof vscode.Uri) return target;
  // The active tab first: right after a file is opened from a focused panel, activeTextEditor can
  // still be undefined for a moment, and the panel's own file would be taken instead.
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  const editor = vscode.window.activeTextEditor?.document.uri;
  if (editor) return editor;
  return panel?.visibleFile ? vscode.Uri.parse(panel.visibleFile) : undefined;
}

/** The analysis of a file, with a cancellable progress notification; null after telling the user why not. */
export async function analyseForCommand(
  service: AnalysisService,
  uri: vscode.Uri,
  log?: vscode.LogOutputChannel,
): Promise<FileAnalysis | null> {
  const name = uri.path.split('/').pop();
  try {
    const file = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Gradient Lens: analysing ${name}`, cancellable: true },
      (_progress, token) => service.analyzeUri(uri, token),
    );
    if (!file.dataset) {
      const errors = file.problems.filter((p) => p.severity === 'error');
      const first = errors[0];
      // A binary file's problems name their byte offset; a text file's get the line.
      const where = first && !isBinaryFormat(formatOf(file.fileName)) ? ` (line ${file.lines.position(first.start).line + 1})` : '';
      const others = problemCount(errors) - 1;
      const more = others > 0 ? ` and ${others.toLocaleString('en-US')} more error${others === 1 ? '' : 's'} in the Problems panel` : '';
      void vscode.window.showErrorMessage(
        `Gradient Lens: ${file.fileName} cannot be analysed: ${first?.message ?? 'unknown problem'}${where}${more}.`,
      );
      return null;
    }
    return file;
  } catch (error) {
    if (error instanceof CancelledError) return null;
    if (error instanceof NotATensorFileError) {
      void vscode.window.showWarningMessage(`Gradient Lens: ${error.message}.`);
      return null;
    }
    log?.error(`command failed on ${uri.toString()}: ${error instanceof Error ? error.stack : error}`);
    void vscode.window.showErrorMessage(`Gradient Lens could not read ${name}: ${(error as Error).message}`);
    return null;
  }
}
