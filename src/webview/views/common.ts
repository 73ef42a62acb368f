/** What every view gets and gives back, and small helpers they share. */
import type { ClassificationRow, PanelQuery, Payload, SampleRow } from '../../shared/protocol';
import type { Theme } from '../colors';
import type { ChartUi } from '../tooltip';

export interface ViewContext {
  doc: Document;
  payload: Payload;
  /** The selected sample's row (null for a network file, whose payload holds everything). */
  row: SampleRow | null;
  /** Part of the file's data by key: here, or undefined while it is asked for (the view is drawn again when it comes). */
  pull<T>(key: string, query: PanelQuery): T | undefined;
  /** Another sample's row if it is here (a tooltip shows it); prefetchRow asks for it ahead. */
  cachedRow?(index: number): SampleRow | undefined;
  prefetchRow?(index: number): void;
  selected: number;
  layer: number;
  theme: Theme;
  /** Width available to the view's charts, in CSS px. */
  width: number;
  ui: ChartUi;
  /** The user picked a sample in the panel. */
  select(index: number): void;
  selectLayer(layer: number): void;
  /** The user picked one of their own derivative entries (the "Yours vs exact" view). */
  revealEntry?(tensor: number, index: number): void;
  /** Large-K views: the full matrix or the classes that matter, and the classes the user pinned. */
  focus?: FocusPrefs;
  setFocus?(next: Partial<FocusPrefs>): void;
}

export interface FocusPrefs {
  showAll: boolean;
  pinned: readonly number[];
}

export const DEFAULT_FOCUS: FocusPrefs = { showAll: false, pinned: [] };

/** The values under a view, for Copy as CSV / JSON. */
export interface Table {
  name: string;
  /** A matrix too large for the page: the copy is made where the data is, from this query. */
  remote?: Omit<Extract<PanelQuery, { kind: 'table' }>, 'format'>;
  columns: string[];
  rows: (string | number)[][];
  /** Said once above the values, e.g. what was left out. */
  note?: string;
}

export interface ViewHandle {
  table(): Table;
  /** Moves the selection without a re-render; false asks the caller to render again. */
  setSelected?(index: number): boolean;
  destroy?(): void;
}

export type ViewRenderer = (host: HTMLElement, ctx: ViewContext) => ViewHandle;

export function el<K extends keyof HTMLElementTagNameMap>(
  doc: Document,
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A heading plus a one-line explanation, marked for the SVG/PNG export. */
export function heading(doc: Document, title: string, caption?: string): HTMLElement {
  const h = el(doc, 'div', { class: 'gl-heading' });
  h.appendChild(el(doc, 'h2', { 'data-export-text': 'title' }, title));
  if (caption) h.appendChild(el(doc, 'p', { class: 'gl-caption', 'data-export-text': 'caption' }, caption));
  return h;
}

export function className(classes: readonly string[] | null, k: number): string {
  return classes?.[k] ?? String(k);
}

/** Row i of an n × k row-major matrix, as a view on the same buffer. */
export function row(data: Float64Array, k: number, i: number): Float64Array {
  return data.subarray(i * k, (i + 1) * k);
}

export interface ClassificationSample {
  p: Float64Array;
  y: Float64Array;
  /** p · Σy − y: the per-sample ∂L/∂z, which is p − y for targets summing to one. */
  pMinusY: Float64Array;
  ySum: number;
}

/** The selected sample's p and target (as the loss pulls: smoothed or weighted for a named loss), and p·Σy − y. */
export function classificationSample(ctx: { row: SampleRow | null }): ClassificationSample {
  const r = classificationRow(ctx);
  const p = r.p;
  const y = r.yLoss;
  let ySum = 0;
  for (let j = 0; j < y.length; j++) ySum += y[j];
  const pMinusY = new Float64Array(p.length);
  for (let j = 0; j < p.length; j++) pMinusY[j] = p[j] * ySum - y[j];
  return { p, y, pMinusY, ySum };
}

export function classificationRow(ctx: { row: SampleRow | null }): ClassificationRow {
  if (ctx.row?.task !== 'classification') throw new Error('this view needs the sample row of a classification file');
  return ctx.row;
}

/** 1/N for a mean, 1 for a sum: the factor between per-sample and batch gradients. */
export function batchScale(payload: { reduction: 'mean' | 'sum'; n: number; gradientScale?: number }): number {
  if (payload.gradientScale !== undefined) return payload.gradientScale; // a named loss's own (weighted) mean
  return payload.reduction === 'mean' && payload.n > 0 ? 1 / payload.n : 1;
}

/** Largest few classes by |value|, always keeping the `keep` ones, in class order. */
export function topClasses(values: ArrayLike<number>, count: number, keep: number[]): number[] {
  const k = values.length;
  if (k <= count) return Array.from({ length: k }, (_, j) => j);
  const order = Array.from({ length: k }, (_, j) => j).sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b);
  const chosen = new Set(keep.filter((j) => j >= 0 && j < k));
  for (const j of order) {
    if (chosen.size >= count) break;
    chosen.add(j);
  }
  return [...chosen].sort((a, b) => a - b);
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (d > m || Number.isNaN(d)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

/** Tolerance for "equal" in the checks: a few ulps of the largest magnitude involved. */
export function checkTolerance(...arrays: ArrayLike<number>[]): number {
  let m = 0;
  for (const a of arrays) for (let i = 0; i < a.length; i++) if (Number.isFinite(a[i])) m = Math.max(m, Math.abs(a[i]));
  const len = Math.max(1, ...arrays.map((a) => a.length));
  return 64 * Number.EPSILON * Math.max(1, m) * Math.sqrt(len);
}
