/**
 * Rows of horizontal bars side by side, one row per class (or output): e.g. p, y and
 * ∂L/∂z = p − y. Signed columns grow left or right from a zero line and print their value with
 * its sign, so the sign reads without colour.
 */
import { select } from 'd3-selection';
import type { DivergingScale } from '../colors';
import { fmt, fmtSigned } from '../format';
import type { ChartUi, TooltipContent } from '../tooltip';
import { attachGridNav, type Block } from './gridNav';
import { shortLabel } from './heatmapFrame';

export interface BarColumn {
  key: string;
  title: string;
  values: ArrayLike<number>;
  /** 'unit': a bar from 0 (probabilities, targets); 'signed': left or right of a zero line. */
  kind: 'unit' | 'signed';
  /** Largest |value| the column spans (defaults to the largest shown). */
  max?: number;
  testId: string;
}

export interface BarsOptions {
  /** Row indices to show, in order (all classes, or the largest few of thousands). */
  rows: readonly number[];
  rowLabel(i: number): string;
  /** Short tags after a row's label, e.g. "true", "pred". */
  tags?: ReadonlyMap<number, string>;
  columns: BarColumn[];
  scale: DivergingScale;
  width: number;
  label: string;
  testId: string;
  describe(row: number, column: BarColumn): TooltipContent;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const ROW_H = 20;
const HEAD_H = 22;
const TEXT_W = 50;
const r2 = (v: number) => Math.round(v * 100) / 100;

/** Room for a row's tag at 9 px (about 5.6 px a character, its leading space included): "true·pred" did not fit in 38. */
function tagWidth(tag: string | undefined): number {
  return tag ? Math.max(38, (tag.length + 1) * 5.6) : 0;
}

export function bars(doc: Document, o: BarsOptions, ui: ChartUi): SVGSVGElement {
  const labelW = Math.min(150, Math.max(48, ...o.rows.map((i) => shortLabel(o.rowLabel(i)).length * 6.2 + tagWidth(o.tags?.get(i))))) + 12;
  const weights = o.columns.map((c) => (c.kind === 'signed' ? 2 : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const avail = Math.max(120 * o.columns.length, o.width - labelW - 8);
  const colW = weights.map((w) => (avail * w) / total);
  const height = HEAD_H + o.rows.length * ROW_H + 6;
  const el = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const width = Math.ceil(labelW + colW.reduce((a, b) => a + b, 0) + 8);
  const svg = select(el)
    .attr('class', 'gl-chart gl-bars')
    .attr('data-testid', o.testId)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'application')
    .attr('aria-roledescription', 'bar chart')
    .attr('aria-label', `${o.label}. ${o.rows.length} rows. Arrow keys move between bars.`);

  const labels = svg.append('g').attr('class', 'gl-row-labels').attr('font-size', 11);
  o.rows.forEach((row, i) => {
    const y = HEAD_H + i * ROW_H + ROW_H / 2;
    const t = labels
      .append('text')
      .attr('x', labelW - 10)
      .attr('y', y)
      .attr('dy', '0.32em')
      .attr('text-anchor', 'end')
      .attr('fill', 'currentColor');
    t.text(shortLabel(o.rowLabel(row)));
    const tag = o.tags?.get(row);
    if (tag) t.append('tspan').attr('class', 'gl-tag').attr('font-size', 9).attr('fill-opacity', 0.75).text(` ${tag}`);
    if (i % 2 === 1)
      labels
        .append('rect')
        .attr('class', 'gl-zebra')
        .attr('x', 0)
        .attr('y', HEAD_H + i * ROW_H)
        .attr('width', width)
        .attr('height', ROW_H)
        .attr('fill', 'currentColor')
        .attr('fill-opacity', 0.04);
  });

  let x = labelW;
  o.columns.forEach((col, ci) => {
    const w = colW[ci];
    const g = svg.append('g').attr('class', `gl-bar-column gl-bar-${col.key}`).attr('data-column', col.key);
    g.append('text')
      .attr('x', r2(col.kind === 'signed' ? x + w / 2 : x))
      .attr('y', 14)
      .attr('text-anchor', col.kind === 'signed' ? 'middle' : 'start')
      .attr('font-size', 11)
      .attr('font-weight', 600)
      .attr('fill', 'currentColor')
      .text(col.title);
    let max = col.max ?? 0;
    if (!col.max) for (const row of o.rows) max = Math.max(max, Math.abs(col.values[row]) || 0);
    if (!(max > 0)) max = 1;
    if (col.kind === 'signed') {
      const mid = x + w / 2;
      const half = w / 2 - TEXT_W;
      g.append('line')
        .attr('class', 'gl-zero')
        .attr('x1', r2(mid))
        .attr('x2', r2(mid))
        .attr('y1', HEAD_H - 2)
        .attr('y2', height - 4)
        .attr('stroke', 'currentColor')
        .attr('stroke-opacity', 0.5);
      o.rows.forEach((row, i) => {
        const v = col.values[row];
        const len = (Math.min(1, Math.abs(v) / max) || 0) * half;
        const y = HEAD_H + i * ROW_H + 4;
        g.append('rect')
          .attr('data-testid', col.testId)
          .attr('data-row', row)
          .attr('data-col', col.key)
          .attr('data-value', String(v))
          .attr('x', r2(v < 0 ? mid - len : mid))
          .attr('y', y)
          .attr('width', r2(len))
          .attr('height', ROW_H - 8)
          .attr('fill', v < 0 ? o.scale.negative : o.scale.positive);
        g.append('text')
          .attr('x', r2(v < 0 ? mid - len - 4 : mid + len + 4))
          .attr('y', y + (ROW_H - 8) / 2)
          .attr('dy', '0.32em')
          .attr('text-anchor', v < 0 ? 'end' : 'start')
          .attr('font-size', 10)
          .attr('fill', 'currentColor')
          .text(fmtSigned(v));
      });
    } else {
      const barMax = w - TEXT_W - 8;
      o.rows.forEach((row, i) => {
        const v = col.values[row];
        const len = (Math.min(1, Math.max(0, v) / max) || 0) * barMax;
        const y = HEAD_H + i * ROW_H + 4;
        g.append('rect')
          .attr('class', 'gl-track')
          .attr('x', r2(x))
          .attr('y', y)
          .attr('width', r2(barMax))
          .attr('height', ROW_H - 8)
          .attr('fill', 'currentColor')
          .attr('fill-opacity', 0.07);
        g.append('rect')
          .attr('data-testid', col.testId)
          .attr('data-row', row)
          .attr('data-col', col.key)
          .attr('data-value', String(v))
          .attr('x', r2(x))
          .attr('y', y)
          .attr('width', r2(len))
          .attr('height', ROW_H - 8)
          .attr('fill', 'currentColor')
          .attr('fill-opacity', 0.6);
        g.append('text')
          .attr('x', r2(x + len + 4))
          .attr('y', y + (ROW_H - 8) / 2)
          .attr('dy', '0.32em')
          .attr('font-size', 10)
          .attr('fill', 'currentColor')
          .text(fmt(v));
      });
    }
    x += w;
  });

  const focusRect = svg
    .append('rect')
    .attr('class', 'gl-focus')
    .attr('data-testid', 'bars-focus')
    .attr('fill', 'none')
    .attr('stroke-width', 2)
    .attr('pointer-events', 'none')
    .attr('display', 'none');
  const colX = (c: number) => labelW + colW.slice(0, c).reduce((a, b) => a + b, 0);
  const hit = (ev: MouseEvent): Block | null => {
    const box = el.getBoundingClientRect();
    const lx = ev.clientX - box.left;
    const i = Math.floor((ev.clientY - box.top - HEAD_H) / ROW_H);
    if (i < 0 || i >= o.rows.length || lx < labelW) return null;
    let c = 0;
    while (c < o.columns.length - 1 && lx >= colX(c + 1)) c++;
    return { r0: i, r1: i + 1, c0: c, c1: c + 1 };
  };
  attachGridNav(
    el,
    {
      rows: o.rows.length,
      cols: o.columns.length,
      hit,
      anchor(r, c) {
        const box = el.getBoundingClientRect();
        return { x: box.left + colX(c + 1), y: box.top + HEAD_H + (r + 1) * ROW_H };
      },
      describe: (b) => o.describe(o.rows[b.r0], o.columns[b.c0]),
      showFocus(cell) {
        if (!cell) focusRect.attr('display', 'none');
        else
          focusRect
            .attr('display', null)
            .attr('x', r2(colX(cell.c)))
            .attr('y', HEAD_H + cell.r * ROW_H + 1)
            .attr('width', r2(colW[cell.c]))
            .attr('height', ROW_H - 2);
      },
    },
    ui,
  );
  return el;
}
