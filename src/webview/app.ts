/**
 * The panel: receives host messages, keeps the selection shared by every view and the editor,
 * renders the active view (others lazily, when their tab opens), and posts exports and copies.
 */
import type { FromWebview, PanelQuery, Payload, SampleRow, ShowMessage, ToWebview, ViewId } from '../shared/protocol';
import { DataClient, StaleQueryError } from './dataClient';
import { readTheme } from './colors';
import { svgToPng, tableToCsv, tableToJson, viewToSvg } from './export';
import { grouped } from './format';
import { chooseView, clampIndex, restoreState, viewsFor, type PanelState } from './state';
import { buildShell, sampleSummary, type Shell } from './shell';
import { LiveRegion, Tooltip, type ChartUi } from './tooltip';
import { DEFAULT_FOCUS, type FocusPrefs, type ViewHandle } from './views/common';
import { rendererFor } from './views/index';
import { confirmation, showStatus } from './statusToast';

export interface Host {
  post(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}

const RENDER_START = 'gl-render-start';
const RENDER_END = 'gl-render-end';

export class App {
  private state: PanelState;
  private payload: Payload | null = null;
  private shell: Shell | null = null;
  private views: ViewId[] = [];
  private active: ViewId | null = null;
  private handles = new Map<ViewId, ViewHandle>();
  private dirty = new Set<ViewId>();
  private requestId = 0;
  private pending = new Map<number, string>();
  private ui: ChartUi;
  private width = 0;
  private resizeTimer = 0;
  /** Large-K views: sub-matrix or all classes, and pinned classes; kept while the file stays the same. */
  private focus: FocusPrefs = DEFAULT_FOCUS;
  /** The file's data is asked for, not sent (issue 14): rows, blocks, column statistics. */
  private readonly data: DataClient;
  /** Answers of the views' pulls for the shown file, by key; an entry is a promise while in flight. */
  private pulled = new Map<string, unknown>();
  /** Shows so far: a pull answered for an older show is dropped. */
  private generation = 0;

  constructor(
    private readonly doc: Document,
    private readonly root: HTMLElement,
    private readonly host: Host,
  ) {
    this.state = restoreState(host.getState());
    // Show-all and pinned classes come back with a reload of the same file.
    if (this.state.focus) this.focus = this.state.focus;
    this.data = new DataClient((m) => host.post(m));
    this.ui = {
      tooltip: new Tooltip(doc, doc.body),
      live: new LiveRegion(doc, doc.body),
      copy: (request) => ('refused' in request ? this.setStatus(request.refused, true) : this.postCopy(request.text, request.what)),
    };
    const view = doc.defaultView!;
    // Re-render when the theme changes (VS Code swaps the body's class) or the panel is resized.
    new view.MutationObserver(() => this.invalidate()).observe(doc.body, { attributes: true, attributeFilter: ['class'] });
    new view.ResizeObserver(() => {
      view.clearTimeout(this.resizeTimer);
      this.resizeTimer = view.setTimeout(() => {
        if (Math.abs(this.availableWidth() - this.width) > 24) this.invalidate();
      }, 150);
    }).observe(root);
  }

  handle(message: ToWebview): void {
    switch (message?.type) {
      case 'show':
        this.show(message);
        break;
      case 'select':
        this.setSelected(message.index, false);
        break;
      case 'showView':
        this.activate(message.view, true);
        break;
      case 'error':
        this.showError(message.fileName, message.message);
        break;
      case 'queryResult':
        this.data.accept(message);
        break;
      case 'ack': {
        const what = this.pending.get(message.requestId);
        this.pending.delete(message.requestId);
        this.setStatus(
          message.ok ? confirmation(what, message.message) : `${what ?? 'Request'} failed: ${message.message}`,
          !message.ok,
          message.ok,
        );
        break;
      }
    }
  }

  private show(message: ShowMessage): void {
    const perf = this.doc.defaultView!.performance;
    perf.clearMarks(RENDER_START);
    perf.clearMarks(RENDER_END);
    perf.clearMeasures('gl-render');
    perf.mark(RENDER_START);
    for (const h of this.handles.values()) h.destroy?.();
    this.handles.clear();
    const payload = message.payload;
    const sameFile = this.state.fileName === payload.fileName;
    this.payload = payload;
    this.generation++;
    this.pulled = new Map();
    this.data.reset(message.row);
    if (!sameFile) this.focus = DEFAULT_FOCUS;
    else if (this.state.focus) this.focus = this.state.focus;
    this.views = viewsFor(payload);
    this.state = {
      view: chooseView(payload, message.view, this.state.view),
      selected: clampIndex(message.selected, payload.n),
      layer:
        payload.task === 'network'
          ? clampIndex(message.layer ?? (sameFile ? this.state.layer : payload.layers.length - 1), payload.layers.length)
          : 0,
      fileName: payload.fileName,
      ...(sameFile && this.focus !== DEFAULT_FOCUS ? { focus: { showAll: this.focus.showAll, pinned: [...this.focus.pinned] } } : {}),
    };
    this.shell = buildShell(this.doc, payload, this.views);
    this.wireShell(this.shell);
    this.root.replaceChildren(this.shell.root);
    this.root.setAttribute('aria-busy', 'false');
    this.root.dataset.task = payload.task;
    this.dirty = new Set(this.views);
    this.active = null;
    this.updateHeader();
    this.activate(this.state.view!, false);
    this.persist();
    perf.mark(RENDER_END);
    perf.measure('gl-render', RENDER_START, RENDER_END);
  }

  private wireShell(s: Shell): void {
    s.tabs.addEventListener('vsc-tabs-select', (ev) => {
      const index = (ev as CustomEvent<{ selectedIndex: number }>).detail.selectedIndex;
      const id = this.views[index];
      if (id && id !== this.active) this.activate(id, true);
    });
    s.prev.addEventListener('click', () => this.setSelected(this.state.selected - 1, true));
    s.next.addEventListener('click', () => this.setSelected(this.state.selected + 1, true));
    s.sampleInput.addEventListener('change', () => {
      const v = Number(s.sampleInput.value);
      if (Number.isFinite(v)) this.setSelected(v, true);
    });
    s.layerButtons.forEach((b, l) => b.addEventListener('click', () => this.setLayer(l, false)));
    s.actions.svg.addEventListener('click', () => this.exportView('svg'));
    s.actions.png.addEventListener('click', () => this.exportView('png'));
    s.actions.csv.addEventListener('click', () => this.copyView('csv'));
    s.actions.json.addEventListener('click', () => this.copyView('json'));
  }

  /**
   * Width for the charts, from the root (always laid out) rather than the tab panel, which
   * @vscode-elements may still be un-hiding when a view renders.
   */
  private availableWidth(): number {
    return Math.max(280, (this.root.clientWidth || 800) - 40);
  }

  /** Theme or size changed: every view is stale, the visible one is redrawn now. */
  private invalidate(): void {
    if (!this.payload) return;
    this.dirty = new Set(this.views);
    if (!this.active) return;
    // A redraw replaces the chart that may hold the keyboard focus: give it back.
    const focused = this.doc.activeElement?.closest('[data-testid]')?.getAttribute('data-testid');
    const view = this.shell?.views.get(this.active);
    const hadFocus = !!(focused && view?.contains(this.doc.activeElement));
    this.renderView(this.active);
    if (hadFocus) (view!.querySelector(`[data-testid="${focused}"]`) as HTMLElement | null)?.focus();
  }

  private activate(view: ViewId, fromUser: boolean): void {
    if (!this.shell || !this.views.includes(view)) return;
    this.active = view;
    this.state.view = view;
    const index = this.views.indexOf(view);
    if (this.shell.tabs.selectedIndex !== index) this.shell.tabs.selectedIndex = index;
    this.shell.tabs.setAttribute('selected-index', String(index));
    this.root.dataset.view = view;
    if (this.dirty.has(view)) this.renderView(view);
    if (fromUser) {
      this.persist();
      this.postViewState();
    }
  }

  private renderView(view: ViewId): void {
    const el = this.shell!.views.get(view)!;
    const selected = this.state.selected;
    let row: SampleRow | null = null;
    if (this.payload!.task !== 'network') {
      const cached = this.data.cachedRow(selected);
      if (!cached) {
        this.awaitRow(view, el, selected);
        return;
      }
      row = cached;
    }
    this.handles.get(view)?.destroy?.();
    this.ui.tooltip.hide();
    el.replaceChildren();
    this.width = this.availableWidth();
    const handle = rendererFor(view, this.payload!)(el, {
      doc: this.doc,
      payload: this.payload!,
      row,
      pull: (key, query) => this.pull(view, key, query),
      cachedRow: (i) => this.data.cachedRow(i),
      prefetchRow: (i) => void this.data.row(i).catch(() => undefined),
      selected,
      layer: this.state.layer,
      theme: readTheme(el),
      width: this.width,
      ui: this.ui,
      select: (i) => this.setSelected(i, true),
      selectLayer: (l) => this.setLayer(l, true),
      revealEntry: (tensor, index) => this.host.post({ type: 'revealEntry', tensor, index }),
      focus: this.focus,
      setFocus: (next) => {
        this.focus = { ...this.focus, ...next };
        this.state.focus = { showAll: this.focus.showAll, pinned: [...this.focus.pinned] };
        this.persist();
        this.invalidate();
      },
    });
    this.handles.set(view, handle);
    this.dirty.delete(view);
    this.prefetchNeighbours(selected);
  }

  /** The selected sample's row is not here yet: ask, and draw the view when it comes (if still wanted). */
  private awaitRow(view: ViewId, el: HTMLElement, selected: number): void {
    const generation = this.generation;
    el.setAttribute('aria-busy', 'true');
    if (!el.firstChild) el.append(this.loadingNote(`Reading sample ${selected}…`));
    this.data.row(selected).then(
      () => {
        el.removeAttribute('aria-busy');
        if (generation === this.generation && this.state.selected === selected && this.active === view) this.renderView(view);
      },
      (error: Error) => {
        el.removeAttribute('aria-busy');
        if (error instanceof StaleQueryError || generation !== this.generation) return;
        el.replaceChildren(this.loadingNote(`Could not read sample ${selected}: ${error.message}`));
      },
    );
  }

  private loadingNote(text: string): HTMLElement {
    const p = this.doc.createElement('p');
    p.className = 'gl-caption';
    p.dataset.testid = 'loading';
    p.textContent = text;
    return p;
  }

  /** Next and Previous answer from the cache: the rows beside the selected one are asked for ahead. */
  private prefetchNeighbours(i: number): void {
    if (!this.payload || this.payload.task === 'network') return;
    for (const j of [i + 1, i - 1]) if (j >= 0 && j < this.payload.n) this.data.row(j).catch(() => undefined);
  }

  /**
   * A view's pull: the answer if it is here, else undefined — the query goes out and the view is
   * drawn again when the answer comes (for the same file, if the view is still the active one).
   */
  private pull<T>(view: ViewId, key: string, query: PanelQuery): T | undefined {
    const hit = this.pulled.get(key);
    if (hit !== undefined && !(hit instanceof Promise)) return hit as T;
    if (hit === undefined) {
      const generation = this.generation;
      const pending = this.data.query<T>(query).then(
        (answer) => {
          if (generation !== this.generation) return;
          this.pulled.set(key, answer);
          if (this.active === view) this.renderView(view);
          else this.dirty.add(view);
        },
        (error: Error) => {
          if (generation !== this.generation || error instanceof StaleQueryError) return;
          this.pulled.delete(key);
          this.setStatus(`Could not read the data for this view: ${error.message}`, true);
        },
      );
      this.pulled.set(key, pending);
    }
    return undefined;
  }

  private setSelected(index: number, fromPanel: boolean): void {
    if (!this.payload) return;
    const i = clampIndex(index, this.payload.n);
    const changed = i !== this.state.selected;
    this.state.selected = i;
    if (changed) {
      for (const view of this.views) {
        const handle = this.handles.get(view);
        if (!handle?.setSelected?.(i)) this.dirty.add(view);
      }
      if (this.active && this.dirty.has(this.active)) this.renderView(this.active);
      this.updateHeader();
      this.persist();
    }
    if (fromPanel) {
      this.host.post({ type: 'selectSample', index: i });
      this.postViewState();
    }
  }

  private setLayer(layer: number, showChain: boolean): void {
    if (this.payload?.task !== 'network') return;
    this.state.layer = clampIndex(layer, this.payload.layers.length);
    this.dirty.add('network');
    this.dirty.add('chain');
    this.updateHeader();
    this.persist();
    if (showChain) this.activate('chain', true);
    else if (this.active) this.renderView(this.active);
  }

  private updateHeader(): void {
    const s = this.shell;
    if (!s || !this.payload) return;
    const i = this.state.selected;
    s.sampleInput.value = String(i);
    s.sampleInput.setAttribute('value', String(i));
    s.sampleSummary.textContent = sampleSummary(this.payload, i);
    s.root.dataset.selected = String(i);
    s.prev.toggleAttribute('disabled', i <= 0);
    s.next.toggleAttribute('disabled', i >= this.payload.n - 1);
    s.layerButtons.forEach((b, l) => {
      b.toggleAttribute('secondary', l !== this.state.layer);
      b.setAttribute('aria-pressed', String(l === this.state.layer));
    });
  }

  private persist(): void {
    this.host.setState(this.state);
  }

  private postViewState(): void {
    if (this.state.view) this.host.post({ type: 'viewState', view: this.state.view, selected: this.state.selected });
  }

  private baseName(ext: string): string {
    const file = (this.payload?.fileName ?? 'gradient-lens')
      .split(/[\\/]/)
      .pop()!
      .replace(/\.[^.]*$/, '');
    const name = `${file}-${this.active}-sample-${this.state.selected}`.replace(/[^\w.\- ]+/g, '_').slice(0, 180);
    return `${name}.${ext}`;
  }

  private async exportView(format: 'svg' | 'png'): Promise<void> {
    const el = this.active && this.shell?.views.get(this.active);
    if (!el) return;
    try {
      const svg = viewToSvg(el);
      const data = format === 'svg' ? svg.svg : await svgToPng(this.doc, svg);
      const requestId = ++this.requestId;
      this.pending.set(requestId, `Saving ${format.toUpperCase()}`);
      this.host.post({ type: 'export', requestId, format, suggestedName: this.baseName(format), data });
      this.setStatus(`Saving the ${this.active} view as ${format.toUpperCase()}…`, false);
    } catch (e) {
      this.setStatus(`Export failed: ${(e as Error).message}`, true);
    }
  }

  private copyView(format: 'csv' | 'json'): void {
    const handle = this.active && this.handles.get(this.active);
    if (!handle) return;
    const table = handle.table();
    if (table.remote) {
      this.postCopyQuery({ ...table.remote, format }, `the ${table.name} matrix as ${format.toUpperCase()}`);
      return;
    }
    this.postCopy(
      format === 'csv' ? tableToCsv(table) : tableToJson(table),
      `${grouped(table.rows.length)} rows as ${format.toUpperCase()}`,
    );
  }

  /** A whole matrix as CSV/JSON: made where the data is, put on the clipboard by the host. */
  private postCopyQuery(query: Extract<PanelQuery, { kind: 'table' }>, what: string): void {
    const requestId = ++this.requestId;
    this.pending.set(requestId, `Copying ${what}`);
    this.host.post({ type: 'copyQuery', requestId, query });
    this.setStatus(`Copying ${what}…`, false);
  }

  /** The webview cannot write the clipboard itself: the host does (vscode.env.clipboard) and acks. */
  private postCopy(text: string, what: string): void {
    const requestId = ++this.requestId;
    this.pending.set(requestId, `Copying ${what}`);
    this.host.post({ type: 'copy', requestId, text });
    this.setStatus(`Copying ${what}…`, false);
  }

  /** A themed message under the toolbar's buttons, read out by its live region; see statusToast.ts. */
  private setStatus(text: string, error: boolean, done = false): void {
    if (!this.shell) return;
    showStatus(this.shell.status, this.shell.actions.csv.parentElement, text, error ? 'error' : done ? 'ok' : 'progress');
  }

  private showError(fileName: string, message: string): void {
    for (const h of this.handles.values()) h.destroy?.();
    this.handles.clear();
    this.payload = null;
    this.shell = null;
    const box = this.doc.createElement('div');
    box.className = 'gl-error';
    box.dataset.testid = 'error';
    box.setAttribute('role', 'alert');
    const title = this.doc.createElement('h2');
    title.textContent = `${fileName} cannot be analysed`;
    const text = this.doc.createElement('p');
    text.textContent = message;
    const hint = this.doc.createElement('p');
    hint.className = 'gl-caption';
    hint.textContent = 'Its problems are listed in the Problems panel.';
    box.append(title, text, hint);
    this.root.replaceChildren(box);
    this.root.setAttribute('aria-busy', 'false');
  }
}
