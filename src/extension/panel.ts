/**
 * The side panel: one webview, a ready handshake, validated messages, a serializer so it comes
 * back after a reload, and sample selection shared with the editor in both directions.
 */
import * as vscode from 'vscode';
import { sampleAtOffset, sampleSpan } from '../core/dataset';
import { toWire, type PayloadWire } from '../shared/payloadWire';
import { parseWebviewMessage, type FromWebview, type ShowMessage, type ToWebview, type ViewId, VIEW_IDS } from '../shared/protocol';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { renderPanelHtml } from './panelHtml';
import { isSameFile } from './exportCommand';
import { ClipboardGate } from './clipboardGate';
import { payloadOf } from './payload';
import { ownPayloadOf } from './ownPayload';
import { offsetOf, rangeOf } from './ranges';

export const PANEL_VIEW_TYPE = 'gradientLens.panel';

type WireShow = Omit<ShowMessage, 'payload'> & { payload: PayloadWire };
/** What the host posts: the app's messages, with the show's payload in its wire form. */
type PanelMessage = Exclude<ToWebview, ShowMessage> | WireShow;

/** What the panel shows; also its serialized state. */
interface PanelState {
  uri: string;
  view: ViewId;
  selected: number;
}

export class PanelController implements vscode.Disposable {
  private panel: vscode.WebviewPanel | null = null;
  private state: PanelState | null = null;
  private ready = false;
  private transferId = 0;
  private readonly disposables: vscode.Disposable[] = [];
  /** Clipboard writes only right after a key press or click the panel reports, and capped. */
  private readonly clipboardGate = new ClipboardGate();

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: AnalysisService,
    private readonly log: vscode.LogOutputChannel,
    /** Where the panel's file is remembered for the serializer (the page itself knows only names). */
    private readonly memory: vscode.Memento,
  ) {
    this.disposables.push(
      vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => this.restore(panel, state),
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.followCursor(e)),
      service.onDidAnalyze((file) => {
        if (this.state && file.uri.toString() === this.state.uri) this.post(this.showMessage(file));
      }),
    );
  }

  get visibleFile(): string | null {
    return this.panel ? (this.state?.uri ?? null) : null;
  }

  /** The view the open panel shows (the training-run panel keeps it when it opens another step). */
  get visibleView(): ViewId | null {
    return this.panel ? (this.state?.view ?? null) : null;
  }

  /** Opens (or reveals) the panel on a file's analysis. */
  show(file: FileAnalysis, view: ViewId, selected?: number): void {
    const n = file.analysis?.n ?? file.dataset?.n ?? 0;
    const index = Math.max(0, Math.min(selected ?? this.state?.selected ?? 0, Math.max(0, n - 1)));
    this.state = { uri: file.uri.toString(), view, selected: index };
    void this.memory.update(PANEL_VIEW_TYPE, this.state);
    if (!this.panel)
      this.attach(
        vscode.window.createWebviewPanel(
          PANEL_VIEW_TYPE,
          'Gradient Lens',
          { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
          this.options(),
        ),
      );
    this.panel!.title = `Gradient Lens: ${file.fileName}`;
    this.panel!.reveal(undefined, true);
    if (this.ready) this.post(this.showMessage(file));
  }

  private options(): vscode.WebviewPanelOptions & vscode.WebviewOptions {
    return {
      enableScripts: true,
      // The page keeps its own state (getState/setState) and asks again when it comes back.
      retainContextWhenHidden: false,
      localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'dist'), vscode.Uri.joinPath(this.extensionUri, 'media')],
    };
  }

  private attach(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    this.ready = false;
    panel.webview.options = this.options();
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'icon.svg');
    panel.webview.html = this.html(panel.webview);
    panel.webview.onDidReceiveMessage((raw) => this.receive(raw), null, this.disposables);
    panel.onDidDispose(
      () => {
        this.panel = null;
        this.ready = false;
      },
      null,
      this.disposables,
    );
  }

  private async restore(panel: vscode.WebviewPanel, saved: unknown): Promise<void> {
    this.attach(panel);
    const remembered = this.memory.get<Partial<PanelState>>(PANEL_VIEW_TYPE);
    const page = (saved ?? {}) as Partial<PanelState>;
    if (!remembered || typeof remembered.uri !== 'string') return;
    const view = VIEW_IDS.includes(page.view as ViewId)
      ? (page.view as ViewId)
      : VIEW_IDS.includes(remembered.view as ViewId)
        ? (remembered.view as ViewId)
        : 'jacobian';
    const selected = Number.isInteger(page.selected)
      ? (page.selected as number)
      : Number.isInteger(remembered.selected)
        ? (remembered.selected as number)
        : 0;
    this.state = { uri: remembered.uri, view, selected };
    panel.title = `Gradient Lens: ${remembered.uri.split('/').pop()}`;
  }

  private html(webview: vscode.Webview): string {
    const nonce = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
    return renderPanelHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'dist', 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'panel.css')).toString(),
      cspSource: webview.cspSource,
      nonce,
    });
  }

  private showMessage(file: FileAnalysis): PanelMessage {
    const payload = payloadOf(file);
    if (!payload || !this.state) {
      const first = file.problems.find((p) => p.severity === 'error');
      return { type: 'error', fileName: file.fileName, message: first ? first.message : 'nothing to show for this file' };
    }
    if (file.userCheck) payload.own = ownPayloadOf(file.userCheck);
    return { type: 'show', payload, selected: this.state.selected, view: this.state.view };
  }

  private post(message: PanelMessage): void {
    if (!this.panel || !this.ready) return;
    if (message.type === 'show') void this.postShow(this.panel, message);
    else void this.panel.webview.postMessage(message);
  }

  /**
   * A show message in its wire form: the message, then its large arrays in chunks, one host turn
   * each (see src/shared/payloadWire.ts), so posting 100 MB of analysis never holds the host for
   * long. A newer show, or closing the panel, stops an older transfer.
   */
  private async postShow(panel: vscode.WebviewPanel, message: WireShow): Promise<void> {
    const id = ++this.transferId;
    const { show, chunks } = toWire(message, id);
    try {
      await panel.webview.postMessage(show);
      for (const chunk of chunks()) {
        if (id !== this.transferId || this.panel !== panel) return;
        await panel.webview.postMessage(chunk);
      }
    } catch (error) {
      if (this.panel === panel) this.log.warn(`could not send the analysis to the panel: ${(error as Error).message}`);
    }
  }

  private receive(raw: unknown): void {
    const message = parseWebviewMessage(raw);
    if (!message) {
      this.log.warn(`ignored a message from the panel that is not in the protocol: ${safeDescribe(raw)}`);
      return;
    }
    void this.handle(message);
  }

  private async handle(message: FromWebview): Promise<void> {
    switch (message.type) {
      case 'ready': {
        this.ready = true;
        if (!this.state) return;
        // After a reload the analysis may not exist yet: run it rather than leave the page empty.
        const uri = vscode.Uri.parse(this.state.uri);
        try {
          const file = this.service.get(uri) ?? (await this.service.analyzeUri(uri));
          this.post(this.showMessage(file));
        } catch (error) {
          this.post({ type: 'error', fileName: uri.path.split('/').pop() ?? this.state.uri, message: (error as Error).message });
        }
        return;
      }
      case 'selectSample':
        if (this.state) this.state.selected = message.index;
        await this.revealSample(message.index);
        return;
      case 'revealEntry':
        await this.revealEntry(message.tensor, message.index);
        return;
      case 'viewState':
        if (this.state) Object.assign(this.state, { view: message.view, selected: message.selected });
        return;
      case 'userGesture':
        this.clipboardGate.gesture();
        return;
      case 'copy': {
        const refused = this.clipboardGate.check(message.text.length);
        if (refused) {
          this.log.warn(`panel: ${refused}`);
          this.post({ type: 'ack', requestId: message.requestId, ok: false, message: refused });
          return;
        }
        await vscode.env.clipboard.writeText(message.text);
        this.post({ type: 'ack', requestId: message.requestId, ok: true, message: 'copied to the clipboard' });
        return;
      }
      case 'export':
        await this.export(message);
        return;
      case 'log':
        this.log[message.level](`panel: ${message.message}`);
        return;
    }
  }

  private async export(message: Extract<FromWebview, { type: 'export' }>): Promise<void> {
    const source = this.state ? vscode.Uri.parse(this.state.uri) : undefined;
    const folder = source ? vscode.Uri.joinPath(source, '..') : vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, message.suggestedName) : undefined,
      filters: { [message.format.toUpperCase()]: [message.format] },
      title: 'Export from Gradient Lens',
    });
    if (!target) {
      this.post({ type: 'ack', requestId: message.requestId, ok: false, message: 'export cancelled' });
      return;
    }
    // Never write over the data file the analysis came from.
    if (source && isSameFile(target, source)) {
      this.post({ type: 'ack', requestId: message.requestId, ok: false, message: 'refusing to overwrite the data file itself' });
      void vscode.window.showErrorMessage('Gradient Lens will not overwrite the data file it is analysing; choose another name.');
      return;
    }
    const bytes = typeof message.data === 'string' ? new TextEncoder().encode(message.data) : message.data;
    await vscode.workspace.fs.writeFile(target, bytes);
    this.post({ type: 'ack', requestId: message.requestId, ok: true, message: `saved ${target.fsPath}` });
  }

  /** Selecting in the panel reveals the sample in the file (never edits it). */
  private async revealSample(index: number): Promise<void> {
    if (!this.state) return;
    const file = this.service.get(vscode.Uri.parse(this.state.uri));
    const span = file?.dataset && sampleSpan(file.dataset, index);
    if (!file || !span || file.fromDisk) return;
    const range = rangeOf(file.lines, span.start, span.end);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.state!.uri);
    if (editor) {
      editor.selection = new vscode.Selection(range.start, range.start);
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } else {
      await vscode.window.showTextDocument(file.uri, {
        selection: new vscode.Range(range.start, range.start),
        preserveFocus: true,
        viewColumn: vscode.ViewColumn.One,
      });
    }
  }

  /** Clicking one of the user's own derivative entries selects its number in the file. */
  private async revealEntry(tensor: number, index: number): Promise<void> {
    if (!this.state) return;
    const file = this.service.get(vscode.Uri.parse(this.state.uri));
    const spans = file?.userCheck?.tensors[tensor]?.spans;
    if (!file || !spans || 2 * index + 1 >= spans.length || file.fromDisk) return;
    const range = rangeOf(file.lines, spans[2 * index], spans[2 * index + 1]);
    const selection = new vscode.Selection(range.start, range.end);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document.uri.toString() === this.state!.uri);
    if (editor) {
      editor.selection = selection;
      editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    } else {
      await vscode.window.showTextDocument(file.uri, { selection, preserveFocus: true, viewColumn: vscode.ViewColumn.One });
    }
  }

  /** Moving the cursor onto a sample selects it in the panel. */
  private followCursor(e: vscode.TextEditorSelectionChangeEvent): void {
    if (!this.panel || !this.state || e.textEditor.document.uri.toString() !== this.state.uri) return;
    const file = this.service.get(e.textEditor.document.uri);
    if (!file?.dataset || file.version !== e.textEditor.document.version) return;
    const active = e.selections[0].active;
    // A cursor in a row's indentation means that row too.
    const line = e.textEditor.document.lineAt(active.line);
    const hit =
      sampleAtOffset(file.dataset, offsetOf(file.lines, active)) ??
      sampleAtOffset(file.dataset, offsetOf(file.lines, new vscode.Position(active.line, line.firstNonWhitespaceCharacterIndex)));
    if (!hit || hit.index === this.state.selected) return;
    this.state.selected = hit.index;
    this.post({ type: 'select', index: hit.index });
  }

  dispose(): void {
    this.panel?.dispose();
    this.disposables.forEach((d) => d.dispose());
  }
}

function safeDescribe(raw: unknown): string {
  try {
    return JSON.stringify(raw).slice(0, 200);
  } catch {
    return typeof raw;
  }
}
