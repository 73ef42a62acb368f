/**
 * Gradient Lens: Open Training Run — from the explorer (a run folder or its run.jsonl), the active
 * run.jsonl editor, or the palette (the workspace's runs in a quick pick, or a folder dialog).
 * One run panel per folder; opening it again reveals it.
 */
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { AnalysisService } from './analysisService';
import type { PanelController } from './panel';
import { RunPanel } from './runPanel';

export function registerTrainingRuns(
  extensionUri: vscode.Uri,
  service: AnalysisService,
  tensorPanel: PanelController,
  log: vscode.LogOutputChannel,
): vscode.Disposable {
  const panels = new Map<string, RunPanel>();
  const diagnostics = vscode.languages.createDiagnosticCollection('gradientLens.runs');
  const command = vscode.commands.registerCommand('gradientLens.openTrainingRun', async (target?: vscode.Uri | string) => {
    const folder = await runFolder(typeof target === 'string' ? vscode.Uri.parse(target) : target);
    if (!folder) return;
    try {
      await stat(vscode.Uri.joinPath(folder, 'run.jsonl').fsPath);
    } catch {
      void vscode.window.showWarningMessage(
        `Gradient Lens: ${folder.fsPath} has no run.jsonl, so it is not a training-run folder (see README, Training runs).`,
      );
      return;
    }
    const key = folder.toString();
    const open = panels.get(key);
    if (open) {
      open.reveal();
      return key;
    }
    log.info(`opening training run ${folder.fsPath}`);
    panels.set(key, new RunPanel(folder, extensionUri, service, tensorPanel, diagnostics, log, () => panels.delete(key)));
    return key;
  });
  return vscode.Disposable.from(command, diagnostics, { dispose: () => [...panels.values()].forEach((p) => p.dispose()) });
}

async function runFolder(target: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const manifestOf = (uri: vscode.Uri) => (uri.path.endsWith('/run.jsonl') ? vscode.Uri.joinPath(uri, '..') : uri);
  if (target instanceof vscode.Uri) return manifestOf(target);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.path.endsWith('/run.jsonl')) return manifestOf(active);
  const found = await vscode.workspace.findFiles('**/run.jsonl', '**/node_modules/**', 200);
  const browse = { label: '$(folder-opened) Browse…', description: 'choose a run folder', folder: undefined as vscode.Uri | undefined };
  const items = found
    .map((uri) => ({
      label: vscode.workspace.asRelativePath(vscode.Uri.joinPath(uri, '..')),
      description: 'run.jsonl',
      folder: vscode.Uri.joinPath(uri, '..') as vscode.Uri | undefined,
    }))
    .sort((a, b) => a.label.localeCompare(b.label));
  const picked =
    items.length === 1
      ? items[0]
      : await vscode.window.showQuickPick([...items, browse], { placeHolder: 'Training run to open (a folder with a run.jsonl)' });
  if (!picked) return undefined;
  if (picked.folder) return picked.folder;
  const chosen = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Open Training Run',
  });
  return chosen?.[0];
}
