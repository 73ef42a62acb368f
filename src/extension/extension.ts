/**
 * Gradient Lens: activation wires the pieces; nothing heavy runs here (analyses start when a
 * tensor file is opened or a command runs).
 */
import * as vscode from 'vscode';
import { AnalysisService } from './analysisService';
import { LossCodeLensProvider } from './codeLens';
import { registerCommands } from './commands';
import { DiagnosticsController } from './diagnostics';
import { registerExportCommand } from './exportCommand';
import { registerNpyEditor } from './npyEditor';
import { SampleHoverProvider } from './hover';
import { PanelController } from './panel';
import { LossStatusBar } from './statusBar';
import { registerTrainingRuns } from './openTrainingRun';
import { GradientCheckStatusBar } from './gradientCheckStatus';
import { useNativeByteSearch } from '../node/nativeByteSearch';

/** Files the editor features attach to; analysis then checks the content is a tensor file. */
export const TENSOR_DOCUMENTS: vscode.DocumentSelector = [
  { language: 'json', pattern: '**/*.json' },
  { pattern: '**/*.{jsonl,ndjson}' },
  { language: 'csv' },
  { language: 'tsv' },
  { pattern: '**/*.{csv,tsv}' },
];

export function activate(context: vscode.ExtensionContext): { service: AnalysisService } {
  const started = performance.now();
  useNativeByteSearch();
  const log = vscode.window.createOutputChannel('Gradient Lens', { log: true });
  const service = new AnalysisService(context.extensionUri, log);
  const panel = new PanelController(context.extensionUri, service, log, context.workspaceState);
  context.subscriptions.push(
    log,
    service,
    panel,
    new DiagnosticsController(service, log),
    new LossStatusBar(service),
    new GradientCheckStatusBar(service),
    vscode.languages.registerHoverProvider(TENSOR_DOCUMENTS, new SampleHoverProvider(service)),
    vscode.languages.registerCodeLensProvider(TENSOR_DOCUMENTS, new LossCodeLensProvider(service)),
    ...registerCommands(service, panel, log),
    registerExportCommand(service, panel),
    registerNpyEditor(context, service),
    registerTrainingRuns(context.extensionUri, service, panel, log),
  );
  log.info(`Gradient Lens activated in ${(performance.now() - started).toFixed(1)} ms`);
  return { service };
}

export function deactivate(): void {}
