/**
 * The side panel: one webview, a ready handshake, validated messages, a serializer so it comes
 * back after a reload, and sample selection shared with the editor in both directions.
 */
import * as vscode from 'vscode';
import { sampleAtOffset, sampleSpan } from '../core/dataset';
import type { SampleRow } from '../core/tensorQuery';
import { parseWebviewMessage, type FromWebview, type PanelQuery, type ToWebview, type ViewId, VIEW_IDS } from '../shared/protocol';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { renderPanelHtml } from './panelHtml';
import { isSameFile } from './sameResource';
import { ClipboardGate } from './clipboardGate';
import { payloadOf } from './payload';
import { ownPayloadOf } from './ownPayload';
import { offsetOf, rangeOf } from './ranges';
import { followTarget, PIN_MEMORY_KEY } from './panelFollow';

export const PANEL_VIEW_TYPE = 'gradientLens.panel';

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
  /** Shows of the panel so far: an answer to a query of an older show is dropped. */
  private showCount = 0;
  /** Queries the page cancelled (it moved on) before their answer came. */
  private readonly cancelled = new Set<number>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Clipboard writes only right after a key press or click the panel reports, and capped. */
  private readonly clipboardGate = new ClipboardGate();
  /** Pinned: the panel stays on its file when the user switches editors (remembered per workspace). */
  private pinned: boolean;

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
      vscode.window.onDidChangeActiveTextEditor((editor) => void this.followEditor(editor)),
      vscode.commands.registerCommand('gradientLens.pinPanel', () => this.setPinned(true)),
      vscode.commands.registerCommand('gradientLens.unpinPanel', () => this.setPinned(false)),
      service.onDidAnalyze((file) => {
        if (this.state && file.uri.toString() === this.state.uri) void this.postShow(file);
      }),
    );
    this.pinned = memory.get<boolean>(PIN_MEMORY_KEY) === true;
    void vscode.commands.executeCommand('setContext', 'gradientLens.panelPinned', this.pinned);
  }

  get isPinned(): boolean {
    return this.pinned;
  }

  setPinned(pinned: boolean): void {
    this.pinned = pinned;
    void this.memory.update(PIN_MEMORY_KEY, pinned);
    void vscode.commands.executeCommand('setContext', 'gradientLens.panelPinned', pinned);
    if (this.panel && this.state) this.panel.title = this.title(this.state.uri.split('/').pop() ?? '');
    // Unpinning catches up with the editor the user is on.
    if (!pinned) void this.followEditor(vscode.window.activeTextEditor);
  }

  private title(fileName: string): string {
    return `${this.pinned ? '📌 ' : ''}Gradient Lens: ${fileName}`;
  }

  /** The open panel moves to the tensor file the user switched to, in the same view when it applies. */
  private async followEditor(editor: vscode.TextEditor | undefined): Promise<void> {
    if (!this.panel || this.pinned || !editor || editor.document.uri.toString() === this.state?.uri) return;
    let file: FileAnalysis | null = null;
    try {
      file = await this.service.analyzeDocument(editor.document);
    } catch (error) {
      this.log.warn(`panel: could not follow ${editor.document.fileName}: ${(error as Error).message}`);
    }
    if (!file || editor !== vscode.window.activeTextEditor) return; // not a tensor file, or the user moved on
    const view = followTarget(
      { panelOpen: Boolean(this.panel), pinned: this.pinned, shownUri: this.state?.uri ?? null, view: this.state?.view ?? null },
      { uri: file.uri.toString(), fileName: file.fileName, task: file.dataset?.task },
    );
    if (!view) return;
    const atCursor = file.dataset ? sampleAtOffset(file.dataset, offsetOf(file.lines, editor.selection.active)) : null;
    this.state = { uri: file.uri.toString(), view, selected: atCursor?.index ?? 0 };
    void this.memory.update(PANEL_VIEW_TYPE, this.state);
    this.panel.title = this.title(file.fileName);
    if (this.ready) void this.postShow(file);
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
    this.panel!.title = this.title(file.fileName);
    this.panel!.reveal(undefined, true);
    if (this.ready) void this.postShow(file);
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
    panel.title = this.title(remembered.uri.split('/').pop() ?? '');
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

  /** The show message: the scalars and length-N arrays, and the selected sample's row (asked of the data's holder). */
  private async postShow(file: FileAnalysis): Promise<void> {
    const payload = payloadOf(file);
    if (!payload || !this.state) {
      const first = file.problems.find((p) => p.severity === 'error');
      this.post({ type: 'error', fileName: file.fileName, message: first ? first.message : 'nothing to show for this file' });
      return;
    }
    if (file.userCheck) payload.own = ownPayloadOf(file.userCheck);
    const show = ++this.showCount;
    const selected = this.state.selected;
    let row: SampleRow | null = null;
    if (payload.task !== 'network' && payload.n > 0) {
      try {
        row = (await file.data.query({ kind: 'row', index: Math.min(selected, payload.n - 1) })) as SampleRow;
      } catch (error) {
        this.log.warn(`panel: could not read sample ${selected} of ${file.fileName}: ${(error as Error).message}`);
      }
    }
    if (show !== this.showCount || !this.state) return; // a newer show went out meanwhile
    this.post({ type: 'show', payload, selected: this.state.selected, view: this.state.view, row });
  }

  private post(message: ToWebview): void {
    if (!this.panel || !this.ready) return;
    void this.panel.webview.postMessage(message).then(undefined, (error: Error) => {
      this.log.warn(`could not post to the panel: ${error.message}`);
    });
  }

  /** The shown file's analysis; analysed again if it was dropped meanwhile (files from disk are kept a few at a time). */
  private async shownFile(): Promise<FileAnalysis | undefined> {
    if (!this.state) return undefined;
    const uri = vscode.Uri.parse(this.state.uri);
    return this.service.get(uri) ?? (await this.service.analyzeUri(uri).catch(() => undefined));
  }

  /** Answers a view's query from the shown file's data, wherever it lives; a cancelled or stale answer is dropped. */
  private async answer(id: number, query: PanelQuery): Promise<void> {
    const show = this.showCount;
    const file = await this.shownFile();
    if (!file) {
      this.post({ type: 'queryResult', id, ok: false, error: 'the file is no longer analysed' });
      return;
    }
    try {
      const answer = await file.data.query(query);
      if (this.cancelled.delete(id) || show !== this.showCount) return;
      this.post({ type: 'queryResult', id, ok: true, answer });
    } catch (error) {
      if (this.cancelled.delete(id) || show !== this.showCount) return;
      this.post({ type: 'queryResult', id, ok: false, error: (error as Error).message });
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
          await this.postShow(file);
        } catch (error) {
          this.post({ type: 'error', fileName: uri.path.split('/').pop() ?? this.state.uri, message: (error as Error).message });
        }
        return;
      }
      case 'query':
        await this.answer(message.id, message.query);
        return;
      case 'cancelQuery':
        this.cancelled.add(message.id);
        if (this.cancelled.size > 10000) this.cancelled.clear();
        return;
      case 'copyQuery': {
        const file = await this.shownFile();
        let text: string;
        try {
          if (!file) throw new Error('the file is no longer analysed');
          text = (await file.data.query(message.query)) as string;
        } catch (error) {
          this.post({ type: 'ack', requestId: message.requestId, ok: false, message: (error as Error).message });
          return;
        }
        await this.copy(message.requestId, text);
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
      case 'copy':
        await this.copy(message.requestId, message.text);
        return;
      case 'export':
        await this.export(message);
        return;
      case 'log':
        this.log[message.level](`panel: ${message.message}`);
        return;
    }
  }

  private async copy(requestId: number, text: string): Promise<void> {
    const refused = this.clipboardGate.check(text.length);
    if (refused) {
      this.log.warn(`panel: ${refused}`);
      this.post({ type: 'ack', requestId, ok: false, message: refused });
      return;
    }
    await vscode.env.clipboard.writeText(text);
    this.post({ type: 'ack', requestId, ok: true, message: 'copied to the clipboard' });
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
