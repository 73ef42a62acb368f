/**
 * Geometry and axis labels shared by the SVG and canvas heatmaps, so both look the same and a
 * view can switch between them without a jump.
 */
import type { Selection } from 'd3-selection';

export interface HeatmapLabels {
  rowLabels?: readonly string[] | null;
  colLabels?: readonly string[] | null;
  /** Axis titles, e.g. "output j" / "logit k". */
  rowTitle?: string;
  colTitle?: string;
  /** No row labels at all (a vector drawn beside a matrix that already has them). */
  noRowLabels?: boolean;
  /** A sub-matrix's rows and columns as indices of the full matrix (for the labels' titles). */
  rowIds?: readonly number[] | null;
  colIds?: readonly number[] | null;
}

export interface FrameOptions extends HeatmapLabels {
  rows: number;
  cols: number;
  width: number;
  maxHeight?: number;
  /** Largest cell side in px (a 3 × 3 matrix should not fill the screen). */
  maxCell?: number;
  /** Keep cells square (the Jacobian). */
  square?: boolean;
  /** Fixed cell size, so blocks drawn side by side line up row for row. */
  cell?: { w: number; h: number };
  /** Smallest top margin, for the same reason. */
  minTop?: number;
  /**
   * Smallest row height in px (not square heatmaps): many rows make a tall chart to scroll rather
   * than rows under a pixel, up to MAX_PLOT_H px in all.
   */
  minCellH?: number;
}

/** The tallest plot a minimum row height may ask for (a canvas of 12,000 × 900 px is 43 MB). */
export const MAX_PLOT_H = 12_000;
/** Taller charts scroll inside a box this high (see .gl-scroll in panel.css). */
export const SCROLL_BOX_H = 640;

export interface HeatmapFrame {
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  width: number;
  height: number;
  /** Cell size in px at zoom 1 (may be below 1 for large matrices drawn on canvas). */
  cw: number;
  ch: number;
  rotateCols: boolean;
}

const CHAR_W = 6.2;
const MAX_CHARS = 14;
export const LABEL_FONT = 11;

export function shortLabel(s: string): string {
  return s.length > MAX_CHARS ? s.slice(0, MAX_CHARS - 1) + '…' : s;
}

function longest(labels: readonly string[] | null | undefined, n: number): number {
  if (!labels) return String(Math.max(0, n - 1)).length;
  let m = 1;
  for (let i = 0; i < Math.min(n, labels.length, 5000); i++) m = Math.max(m, shortLabel(labels[i]).length);
  return m;
}

export function heatmapFrame(o: FrameOptions): HeatmapFrame {
  const rowChars = longest(o.rowLabels, o.rows);
  const colChars = longest(o.colLabels, o.cols);
  const left = o.noRowLabels ? 4 : Math.round(Math.min(110, rowChars * CHAR_W) + 10 + (o.rowTitle ? 18 : 0));
  const right = 10;
  const maxCell = o.maxCell ?? 56;
  const maxHeight = o.maxHeight ?? Infinity;
  let cw = Math.min(maxCell, Math.max(1e-6, o.width - left - right) / o.cols);
  // Column labels stand upright when they fit across a cell, and lean otherwise.
  const rotateCols = !!o.colLabels && cw < colChars * CHAR_W + 6;
  const top = Math.max(o.minTop ?? 0, Math.round((rotateCols ? Math.min(84, colChars * CHAR_W * 0.72) + 12 : 20) + (o.colTitle ? 18 : 0)));
  let ch = Math.min(cw, maxHeight / o.rows);
  if (o.square) cw = ch = Math.min(cw, ch);
  else if (o.minCellH) ch = Math.max(ch, Math.min(o.minCellH, MAX_PLOT_H / o.rows));
  if (o.cell) ({ w: cw, h: ch } = o.cell);
  const plotW = cw * o.cols;
  const plotH = ch * o.rows;
  return { left, top, plotW, plotH, width: Math.ceil(left + plotW + right), height: Math.ceil(top + plotH + 6), cw, ch, rotateCols };
}

/** Visible index range and pixel mapping of one axis (identity at zoom 1, shifted when zoomed). */
export interface AxisView {
  first: number;
  last: number;
  /** Pixel position of the start of index i, relative to the plot's origin. */
  at(i: number): number;
  size: number;
}

export function fullAxis(n: number, size: number): AxisView {
  return { first: 0, last: n - 1, at: (i) => i * size, size };
}

const round2 = (v: number) => Math.round(v * 100) / 100;

/** Every `stride`-th index so labels never overlap; strides are 1, 2, 5 × 10^k. */
export function labelStride(cellPx: number, minGap: number): number {
  if (cellPx >= minGap) return 1;
  const need = minGap / Math.max(cellPx, 1e-9);
  for (let p = 1; ; p *= 10) for (const m of [1, 2, 5]) if (m * p >= need) return m * p;
}

type G = Selection<SVGGElement, unknown, null, undefined>;

/** Draws row and column labels and axis titles into `g` (whose origin is the svg's). */
export function drawHeatmapLabels(g: G, frame: HeatmapFrame, labels: HeatmapLabels, rows: AxisView, cols: AxisView): void {
  g.selectAll('*').remove();
  const name = (list: readonly string[] | null | undefined, i: number) => shortLabel(list?.[i] ?? String(i));
  const fullName = (list: readonly string[] | null | undefined, ids: readonly number[] | null | undefined, i: number) => {
    const index = ids ? ids[i] : i;
    return list?.[i] && list[i] !== String(index) ? `${index}: ${list[i]}` : String(index);
  };

  const rowStride = labelStride(rows.size, LABEL_FONT + 6);
  const rg = g.append('g').attr('class', 'gl-row-labels').attr('text-anchor', 'end').attr('font-size', LABEL_FONT);
  const lastRow = labels.noRowLabels ? -1 : rows.last;
  for (let i = Math.ceil(rows.first / rowStride) * rowStride; i <= lastRow; i += rowStride) {
    const y = frame.top + rows.at(i) + rows.size / 2;
    if (y < frame.top - 1 || y > frame.top + frame.plotH + 1) continue;
    rg.append('text')
      .attr('x', frame.left - 6)
      .attr('y', round2(y))
      .attr('dy', '0.32em')
      .attr('fill', 'currentColor')
      .text(name(labels.rowLabels, i))
      .append('title')
      .text(fullName(labels.rowLabels, labels.rowIds, i));
  }

  const colGap = frame.rotateCols ? LABEL_FONT + 2 : longest(labels.colLabels, cols.last + 1) * CHAR_W + 8;
  const colStride = labelStride(cols.size, colGap);
  const cg = g.append('g').attr('class', 'gl-col-labels').attr('font-size', LABEL_FONT);
  const baseY = frame.top - 6;
  for (let i = Math.ceil(cols.first / colStride) * colStride; i <= cols.last; i += colStride) {
    const x = frame.left + cols.at(i) + cols.size / 2;
    if (x < frame.left - 1 || x > frame.left + frame.plotW + 1) continue;
    const t = cg.append('text').attr('fill', 'currentColor').text(name(labels.colLabels, i));
    if (frame.rotateCols)
      t.attr('transform', `translate(${round2(x)},${baseY}) rotate(-50)`)
        .attr('dy', '0.32em')
        .attr('text-anchor', 'start');
    else t.attr('x', round2(x)).attr('y', baseY).attr('text-anchor', 'middle');
    t.append('title').text(fullName(labels.colLabels, labels.colIds, i));
  }

  if (labels.colTitle) {
    g.append('text')
      .attr('class', 'gl-axis-title')
      .attr('x', round2(frame.left + frame.plotW / 2))
      .attr('y', 12)
      .attr('text-anchor', 'middle')
      .attr('font-size', LABEL_FONT)
      .attr('fill', 'currentColor')
      .text(labels.colTitle + ' →');
  }
  if (labels.rowTitle) {
    g.append('text')
      .attr('class', 'gl-axis-title')
      .attr('transform', `translate(12,${round2(frame.top + frame.plotH / 2)}) rotate(-90)`)
      .attr('text-anchor', 'middle')
      .attr('font-size', LABEL_FONT)
      .attr('fill', 'currentColor')
      .text('← ' + labels.rowTitle);
  }
}
