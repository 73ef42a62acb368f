/**
 * The palette / explorer / editor-title commands. Each works on the file it is given (explorer,
 * hover link, CodeLens) or on the active editor, and reports bad input as a message, never a throw.
 */
import * as vscode from 'vscode';
import { sampleAtOffset } from '../core/dataset';
import type { GradientCheckAnswer } from '../core/tensorQuery';
import { finiteDifferencePayload, rememberFiniteDifferences } from './finiteDifferencePayload';
import type { ViewId } from '../shared/protocol';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { analyseForCommand, commandTarget } from './commandTarget';
import { readSettings } from './config';
import { num } from './format';
import { lossLabel } from '../core/loss/describe';
import type { PanelController } from './panel';
import { defaultView as defaultViewOf } from './panelFollow';
import { offsetOf } from './ranges';
import { viewUnavailable } from './viewAvailability';
import { finiteDifferencesOf } from './networkPayload';

/** Files VS Code never opens as text, whatever their size. */
const BINARY_TENSOR_FILE = /\.(npy|npz|safetensors|pt|pth)$/i;

export function registerCommands(service: AnalysisService, panel: PanelController, log: vscode.LogOutputChannel): vscode.Disposable[] {
  const open = (view: ViewId, askForSample: boolean) => async (target?: vscode.Uri | string, sample?: number) => {
    const file = await resolve(service, panel, target, log);
    if (!file) return;
    // Say why instead of asking for a sample and then showing nothing (a Jacobian of a regression file).
    const unavailable = file.dataset ? viewUnavailable(file.dataset.task, view, file.fileName) : null;
    if (unavailable) return void vscode.window.showInformationMessage(unavailable);
    let index = typeof sample === 'number' ? sample : cursorSample(file);
    if (askForSample && typeof sample !== 'number') {
      const picked = await pickSample(file, index);
      if (picked === undefined) return;
      index = picked;
    }
    panel.show(file, view, index);
  };
  return [
    vscode.commands.registerCommand('gradientLens.analyzeFile', async (target?: vscode.Uri | string) => {
      const file = await resolve(service, panel, target, log);
      if (!file) return;
      panel.show(file, defaultView(file), cursorSample(file));
      const summary = summaryLine(file);
      // The panel shows the result: a line in the status bar confirms it, not a toast on every run (issue 16).
      vscode.window.setStatusBarMessage(`$(graph) Gradient Lens: ${summary}`, 10_000);
      // fromDisk is also true of a binary .npy/.npz/.safetensors/.pt, which no text editor opens at any size.
      if (file.fromDisk && !BINARY_TENSOR_FILE.test(file.fileName))
        void vscode.window.showInformationMessage(
          `Gradient Lens: ${summary} Hover and CodeLens are unavailable for this file (VS Code does not open files this large in the editor): the analysis is in the panel, any problems in the Problems panel.`,
        );
      return summary;
    }),
    vscode.commands.registerCommand('gradientLens.showJacobian', open('jacobian', true)),
    vscode.commands.registerCommand('gradientLens.showGradients', open('gradient', false)),
    vscode.commands.registerCommand('gradientLens.showLossPerSample', open('losses', false)),
    vscode.commands.registerCommand('gradientLens.explainChainRule', open('chain', false)),
    vscode.commands.registerCommand('gradientLens.compareFiniteDifferences', async (target?: vscode.Uri | string) => {
      const file = await resolve(service, panel, target, log);
      if (!file?.dataset) return;
      const dataset = file.dataset;
      const { perEntry, checks } = await vscode.window.withProgress(
        {
          location: vscode.ProgressLocation.Notification,
          title: `Gradient Lens: finite differences on ${file.fileName}`,
          cancellable: false,
        },
        async () => {
          // A network of at most 5,000 parameters: every entry, shown as heatmaps in the panel's "Finite differences" tab.
          const network = dataset.task === 'network' && file.network ? finiteDifferencesOf(dataset, file.network.analysis) : null;
          if (network) return { perEntry: true, checks: network.tensors.map((t) => t.check) };
          // Otherwise the check runs where the file's arrays are (its worker, for a large file); a
          // small file's every entry comes back for the same tab.
          const reduction = readSettings().pipeline.reduction ?? 'mean';
          const answer = (await file.data.query({ kind: 'gradientCheck', reduction })) as GradientCheckAnswer;
          if (answer.perEntry) rememberFiniteDifferences(file, finiteDifferencePayload([answer.perEntry]));
          return { perEntry: answer.perEntry !== null, checks: answer.checks };
        },
      );
      if (perEntry) panel.show(file, 'finite', 0);
      for (const c of checks)
        log.info(
          `finite differences, ${c.name}: ${c.checked} coordinates, worst relative error ${c.maxRelativeError.toExponential(2)}, ${c.passed ? 'passed' : 'FAILED'}`,
        );
      const worst = Math.max(...checks.map((c) => c.maxRelativeError));
      const passed = checks.every((c) => c.passed);
      const text = `Finite differences ${passed ? 'agree with' : 'DISAGREE with'} the analytic gradients of ${file.fileName}: worst relative error ${worst.toExponential(2)} over ${checks.reduce((s, c) => s + c.checked, 0)} coordinates.`;
      if (passed) void vscode.window.showInformationMessage(text);
      else void vscode.window.showWarningMessage(text);
      return checks;
    }),
  ];
}

function defaultView(file: FileAnalysis): ViewId {
  return defaultViewOf(file.dataset?.task);
}

/** The file's figures in a line, its loss named as the panel's header names it (a file's own loss, nll for log-probabilities). */
function summaryLine(file: FileAnalysis): string {
  const a = file.analysis;
  const loss = (unnamed: string) => `${a!.reduction} ${a!.lossSpec ? lossLabel(a!) : unnamed} ${num(a!.loss)}`;
  if (a?.task === 'classification') return `${file.fileName}: ${a.n} samples × ${a.k} classes, ${loss('cross-entropy')}`;
  if (a?.task === 'regression') return `${file.fileName}: ${a.n} samples, ${loss('squared error')}`;
  if (file.network) return `${file.fileName}: network, ${file.network.n} samples, loss ${num(file.network.loss)}`;
  return `${file.fileName}: no analysis`;
}

/** The file a command acts on, analysed; null (after telling the user why) when there is none. */
async function resolve(
  service: AnalysisService,
  panel: PanelController,
  target: vscode.Uri | string | undefined,
  log: vscode.LogOutputChannel,
): Promise<FileAnalysis | null> {
  const uri = commandTarget(target, panel);
  if (!uri) {
    void vscode.window.showWarningMessage(
      'Gradient Lens: open a tensor file (.json, .csv, .npy or .npz) or pick one in the explorer first.',
    );
    return null;
  }
  return analyseForCommand(service, uri, log);
}

function cursorSample(file: FileAnalysis): number {
  const editor = vscode.window.activeTextEditor;
  if (!editor || !file.dataset || editor.document.uri.toString() !== file.uri.toString()) return 0;
  return sampleAtOffset(file.dataset, offsetOf(file.lines, editor.selection.active))?.index ?? 0;
}

async function pickSample(file: FileAnalysis, current: number): Promise<number | undefined> {
  const a = file.analysis;
  if (!a || a.n <= 1) return 0;
  const names = file.dataset?.task === 'classification' ? file.dataset.classes : null;
  const items = Array.from({ length: Math.min(a.n, 10000) }, (_, i) => {
    const detail =
      a.task === 'classification'
        ? `true ${names?.[a.actual[i]] ?? a.actual[i]} · predicted ${names?.[a.predicted[i]] ?? a.predicted[i]} · p_true ${num(a.pTrue[i])}`
        : undefined;
    return { label: `sample ${i}`, description: `loss ${num(a.losses[i])}`, detail, index: i };
  });
  const quickPick = vscode.window.createQuickPick<(typeof items)[number]>();
  quickPick.items = items;
  quickPick.placeholder = `Sample for the softmax Jacobian (cursor is on sample ${current})`;
  quickPick.activeItems = [items[Math.min(current, items.length - 1)]];
  return new Promise((done) => {
    quickPick.onDidAccept(() => {
      done(quickPick.selectedItems[0]?.index ?? quickPick.activeItems[0]?.index);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      done(undefined);
      quickPick.dispose();
    });
    quickPick.show();
  });
}
