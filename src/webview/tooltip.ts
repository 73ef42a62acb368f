/**
 * One tooltip and one live region for the whole panel. Charts describe what is under the pointer
 * or the keyboard focus as TooltipContent; the same content is announced for screen readers.
 */

export interface TooltipContent {
  title: string;
  /** Label / value pairs. */
  rows: [string, string][];
  /** The formula with the numbers substituted, when there is one. */
  formula?: string;
  /** The value itself, carried exactly (data-value) for tests and copying. */
  value?: number;
  /** Where the value sits: for tests addressing a cell or a block of cells. */
  cell?: { r0: number; r1: number; c0: number; c1: number };
  /** Min / mean / max of a block of cells sharing a pixel. */
  aggregate?: { min: number; mean: number; max: number; count: number };
  note?: string;
}

export class Tooltip {
  readonly element: HTMLElement;

  constructor(doc: Document, parent: HTMLElement) {
    this.element = doc.createElement('div');
    this.element.className = 'gl-tooltip';
    this.element.dataset.testid = 'tooltip';
    this.element.setAttribute('role', 'tooltip');
    this.element.hidden = true;
    parent.appendChild(this.element);
  }

  /** Shows content near (x, y) in viewport coordinates. */
  show(content: TooltipContent, x: number, y: number): void {
    const el = this.element;
    const doc = el.ownerDocument;
    el.replaceChildren();
    const title = doc.createElement('div');
    title.className = 'gl-tt-title';
    title.textContent = content.title;
    el.appendChild(title);
    if (content.formula) {
      const f = doc.createElement('div');
      f.className = 'gl-tt-formula';
      f.dataset.testid = 'tooltip-formula';
      f.textContent = content.formula;
      el.appendChild(f);
    }
    if (content.rows.length) {
      const dl = doc.createElement('dl');
      for (const [k, v] of content.rows) {
        const dt = doc.createElement('dt');
        dt.textContent = k;
        const dd = doc.createElement('dd');
        dd.textContent = v;
        dl.append(dt, dd);
      }
      el.appendChild(dl);
    }
    if (content.note) {
      const n = doc.createElement('div');
      n.className = 'gl-tt-note';
      n.textContent = content.note;
      el.appendChild(n);
    }
    setCellData(el, content);
    el.hidden = false;
    const view = doc.defaultView;
    const vw = view?.innerWidth ?? 800;
    const vh = view?.innerHeight ?? 600;
    const w = el.offsetWidth || 240;
    const h = el.offsetHeight || 80;
    // Below-right of the point, flipped when it would leave the viewport.
    const left = x + 14 + w > vw ? Math.max(4, x - 14 - w) : x + 14;
    const top = y + 14 + h > vh ? Math.max(4, y - 14 - h) : y + 14;
    el.style.left = `${Math.round(left)}px`;
    el.style.top = `${Math.round(top)}px`;
  }

  hide(): void {
    this.element.hidden = true;
  }
}

function setCellData(el: HTMLElement, content: TooltipContent): void {
  for (const key of ['value', 'row', 'col', 'rowEnd', 'colEnd', 'min', 'mean', 'max', 'count']) delete el.dataset[key];
  if (content.value !== undefined) el.dataset.value = String(content.value);
  if (content.aggregate) {
    const a = content.aggregate;
    Object.assign(el.dataset, { min: String(a.min), mean: String(a.mean), max: String(a.max), count: String(a.count) });
  }
  if (content.cell) {
    el.dataset.row = String(content.cell.r0);
    el.dataset.col = String(content.cell.c0);
    el.dataset.rowEnd = String(content.cell.r1);
    el.dataset.colEnd = String(content.cell.c1);
  }
}

/** A polite live region: what the keyboard focus is on, in words. */
export class LiveRegion {
  readonly element: HTMLElement;

  constructor(doc: Document, parent: HTMLElement) {
    this.element = doc.createElement('div');
    this.element.className = 'gl-visually-hidden';
    this.element.dataset.testid = 'live';
    this.element.setAttribute('aria-live', 'polite');
    this.element.setAttribute('aria-atomic', 'true');
    parent.appendChild(this.element);
  }

  announce(content: TooltipContent | string): void {
    if (typeof content === 'string') {
      this.element.textContent = content;
      setCellData(this.element, { title: content, rows: [] });
      return;
    }
    const parts = [content.title, content.formula, ...content.rows.map(([k, v]) => `${k} ${v}`), content.note].filter(Boolean);
    this.element.textContent = parts.join('. ');
    setCellData(this.element, content);
  }
}

export interface ChartUi {
  tooltip: Tooltip;
  live: LiveRegion;
  /** Puts text on the clipboard (through the extension host), or says why not, on the status line. */
  copy?(request: { text: string; what: string } | { refused: string }): void;
}
