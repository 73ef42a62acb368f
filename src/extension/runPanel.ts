/**
 * The training-run panel: one webview per run folder showing the run's timeline from its manifest
 * (loss over steps, per-parameter gradient norms, flags), kept live by a ManifestTail. Choosing a
 * step opens that step's `.npz` in the existing Gradient Lens panel, through the same analysis
 * as any file, so every view of a batch (loss per sample, gradient, Jacobian, chain rule) is there.
 */
import { stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { ManifestChunk, RunStep } from '../core/trainingRun';
import { parseRunWebviewMessage, type FromRunWebview, type RunPoint, type ToRunWebview, type ViewId } from '../shared/protocol';
import type { AnalysisService } from './analysisService';
import { analyseForCommand } from './commandTarget';
import { readSettings } from './config';
import { ManifestTail } from './manifestTail';
import type { PanelController } from './panel';
import { newNonce, renderPanelHtml } from './panelHtml';

export const RUN_PANEL_VIEW_TYPE = 'gradientLens.runPanel';

export class RunPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly tail: ManifestTail;
  private ready = false;
  private readonly steps: RunStep[] = [];
  private readonly params: string[] = [];
  private readonly paramIndex = new Map<string, number>();
  private problems: string[] = [];
  private pending = false;
  /** Points read but not yet posted (the page was not ready). */
  private unsent: RunPoint[] = [];
  private needsReset = true;
  /** Counts openStep requests, so that an older one finishing late does not replace a newer one. */
  private openTicket = 0;
  private lastError = '';
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    readonly folder: vscode.Uri,
    private readonly extensionUri: vscode.Uri,
    private readonly service: AnalysisService,
    private readonly tensorPanel: PanelController,
    private readonly diagnostics: vscode.DiagnosticCollection,
    private readonly log: vscode.LogOutputChannel,
    onDispose: () => void,
  ) {
    const name = folder.path.split('/').pop() ?? 'run';
    this.panel = vscode.window.createWebviewPanel(RUN_PANEL_VIEW_TYPE, `Training Run: ${name}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      // The timeline is rebuilt from the manifest on 'ready', so a hidden panel needs no context.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
    });
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.panel.webview.html = this.html();
    this.panel.webview.onDidReceiveMessage((raw) => this.receive(raw), null, this.disposables);
    this.panel.onDidDispose(
      () => {
        this.dispose();
        onDispose();
      },
      null,
      this.disposables,
    );
    this.tail = new ManifestTail(
      this.manifest,
      (chunk, reset) => this.accept(chunk, reset),
      (message) => this.failed(message),
    );
  }

  get manifest(): vscode.Uri {
    return vscode.Uri.joinPath(this.folder, 'run.jsonl');
  }

  reveal(): void {
    this.panel.reveal();
  }

  private html(): string {
    const nonce = newNonce();
    const webview = this.panel.webview;
    return renderPanelHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'runWebview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'run.css')).toString(),
      cspSource: webview.cspSource,
      nonce,
      title: 'Gradient Lens: Training Run',
      emptyText: 'Reading the run’s manifest (run.jsonl)…',
    });
  }

  private accept(chunk: ManifestChunk, reset: boolean): void {
    if (reset) {
      this.steps.length = 0;
      this.problems = [];
      this.unsent = [];
      this.needsReset = true;
    }
    const changed = reset || chunk.steps.length > 0 || chunk.problems.length > 0 || this.pending !== chunk.pendingBytes > 0;
    this.pending = chunk.pendingBytes > 0;
    for (const s of chunk.steps) {
      this.steps.push(s);
      for (const p of s.params) {
        if (!this.paramIndex.has(p.name)) {
          this.paramIndex.set(p.name, this.params.length);
          this.params.push(p.name);
        }
      }
      this.unsent.push(this.point(s));
    }
    if (chunk.problems.length > 0 || reset) {
      this.problems.push(
        ...chunk.problems.map((p) => `run.jsonl:${p.line + 1}:${p.column + 1}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`),
      );
      const diagnostics = reset ? [] : [...(this.diagnostics.get(this.manifest) ?? [])];
      for (const p of chunk.problems) {
        const d = new vscode.Diagnostic(
          new vscode.Range(p.line, p.column, p.line, p.column + 1),
          p.message,
          p.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
        );
        d.source = 'Gradient Lens';
        d.code = p.code;
        diagnostics.push(d);
      }
      this.diagnostics.set(this.manifest, diagnostics);
    }
    if (changed) this.flush();
  }

  private point(s: RunStep): RunPoint {
    const gradNorms: (number | null)[] = new Array(this.params.length).fill(null);
    const weightNorms: (number | null)[] = new Array(this.params.length).fill(null);
    for (const p of s.params) {
      const i = this.paramIndex.get(p.name)!;
      gradNorms[i] = p.gradNorm;
      weightNorms[i] = p.weightNorm;
    }
    return { step: s.step, time: s.time, loss: s.loss, gradNorms, weightNorms };
  }

  private flush(): void {
    if (!this.ready) return;
    const { vanishingThreshold, explodingThreshold } = readSettings().pipeline;
    const message: ToRunWebview = {
      type: 'runUpdate',
      reset: this.needsReset,
      runName: this.folder.path.split('/').pop() ?? 'run',
      params: this.params,
      steps: this.unsent,
      problems: this.problems,
      pending: this.pending,
      thresholds: { vanishing: vanishingThreshold ?? 1e-6, exploding: explodingThreshold ?? 1e3 },
    };
    this.needsReset = false;
    this.unsent = [];
    void this.panel.webview.postMessage(message);
  }

  private failed(message: string): void {
    if (message === this.lastError) return;
    this.lastError = message;
    this.log.warn(`training run: ${message}`);
  }

  private receive(raw: unknown): void {
    const message = parseRunWebviewMessage(raw);
    if (!message) {
      this.log.warn(`ignored a message from the run panel that is not in its protocol: ${String(JSON.stringify(raw)).slice(0, 200)}`);
      return;
    }
    void this.handle(message);
  }

  private async handle(message: FromRunWebview): Promise<void> {
    switch (message.type) {
      case 'ready':
        // A new page (first load, or shown again): it gets the whole run so far.
        this.ready = true;
        this.needsReset = true;
        this.unsent = this.steps.map((s) => this.point(s));
        this.flush();
        return;
      case 'openStep':
        await this.openStep(message.index);
        return;
      case 'log':
        this.log[message.level](`run panel: ${message.message}`);
        return;
    }
  }

  private async openStep(index: number): Promise<void> {
    const s = this.steps[index];
    if (!s) return;
    // Keys on the slider send one request per step passed; only the newest may show its batch.
    const ticket = ++this.openTicket;
    const uri = vscode.Uri.joinPath(this.folder, ...s.file.split('/'));
    const reply = (ok: boolean, text: string) =>
      ticket === this.openTicket &&
      void this.panel.webview.postMessage({ type: 'runStepOpened', index, ok, message: text } satisfies ToRunWebview);
    try {
      await stat(uri.fsPath);
    } catch {
      reply(false, `step ${s.step}: its file ${s.file} is missing (run.jsonl line ${s.line + 1})`);
      return;
    }
    const file = await analyseForCommand(this.service, uri, this.log);
    if (ticket !== this.openTicket) return;
    if (!file) {
      reply(false, `step ${s.step}: ${s.file} could not be analysed (see the message)`);
      return;
    }
    const task = file.dataset?.task;
    const view: ViewId = this.tensorPanel.visibleView ?? (task === 'network' ? 'network' : task === 'regression' ? 'losses' : 'jacobian');
    // No sample given: the panel keeps the one selected, so a sample can be followed across steps.
    this.tensorPanel.show(file, view);
    const loss = file.analysis?.loss ?? file.network?.loss;
    reply(true, `step ${s.step}: ${s.file}${loss === undefined ? '' : `, loss ${loss}`}`);
  }

  dispose(): void {
    this.tail.dispose();
    this.diagnostics.delete(this.manifest);
    this.disposables.forEach((d) => d.dispose());
  }
}
