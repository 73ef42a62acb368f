/**
 * Heatmap on a canvas, for matrices too large for one DOM node per cell.
 *
 * Two ways to paint, picked per frame from how many cells share a device pixel:
 * - zoomed in (a cell covers ≥ 1 pixel): one pixel per cell written into ImageData and scaled
 *   up without smoothing, so cell edges stay sharp. Sources up to DENSE_MAX_CELLS keep that image
 *   for the whole matrix; larger ones build it for the visible cells only.
 * - zoomed out: tiles of TILE × TILE device pixels, each pixel coloured from the exact aggregate
 *   of the cells under it (the extreme of larger magnitude, so a lone spike survives), computed
 *   from the source on demand and cached per zoom level. A 10,000-class Jacobian is drawn this
 *   way from p alone.
 * Axis labels, the diagonal, the selected row and the keyboard focus are SVG drawn over the
 * canvas, so they stay crisp and take the theme's ink.
 */
import { select } from 'd3-selection';
import { zoom as d3zoom, zoomIdentity, type ZoomBehavior, type ZoomTransform } from 'd3-zoom';
import type { ChartUi } from '../tooltip';
import { cellsText } from './cellsText';
import { attachGridNav, type Block } from './gridNav';
import { drawHeatmapLabels, heatmapFrame, type AxisView } from './heatmapFrame';
import { blockValues } from './matrixSource';
import { appendDiagonalCell, appendFocus, appendFrame, appendSelection, outlineRow, r2, showFocus, showSelection } from './heatmapMarks';
import type { HeatmapHandle, HeatmapMode, HeatmapOptions } from './heatmapTypes';

/** Largest source whose whole one-pixel-per-cell image is kept (16 MB of RGBA). */
export const DENSE_MAX_CELLS = 1 << 22;
export const TILE = 256;
const MAX_TILES = 64;
/** Zooming stops when a cell is this many CSS pixels wide. */
const MAX_CELL_PX = 48;
/** Diagonal cells are outlined from this size (CSS px) up. */
export const DIAGONAL_MIN_PX = 6;
const SVG_NS = 'http://www.w3.org/2000/svg';

/** Cell range [start, end) under each of `pixels` pixels when `cellsPerPixel` cells share one. */
export function pixelSpans(first: number, pixels: number, cellsPerPixel: number, cells: number): Int32Array {
  const spans = new Int32Array(2 * pixels);
  for (let i = 0; i < pixels; i++) {
    const p = first + i;
    const a = Math.min(cells - 1, Math.max(0, Math.floor(p * cellsPerPixel)));
    const b = Math.min(cells, Math.max(a + 1, Math.floor((p + 1) * cellsPerPixel)));
    spans[2 * i] = a;
    spans[2 * i + 1] = b;
  }
  return spans;
}

export function heatmapCanvas(doc: Document, o: HeatmapOptions, ui: ChartUi): HeatmapHandle {
  const { source, scale } = o;
  const { rows, cols } = source;
  const frame = heatmapFrame({ ...o, rows, cols });
  const { left, top, plotW, plotH, cw, ch } = frame;
  const mode: HeatmapMode = rows * cols <= DENSE_MAX_CELLS ? 'canvas-dense' : 'canvas-tiled';
  const win = doc.defaultView!;

  const root = doc.createElement('div');
  root.className = 'gl-chart gl-heatmap gl-heatmap-canvas';
  Object.assign(root.dataset, { testid: o.testId, mode, rows: String(rows), cols: String(cols), zoom: '1' });
  root.style.width = `${frame.width}px`;
  root.style.height = `${frame.height}px`;
  root.setAttribute('role', 'application');
  root.setAttribute('aria-roledescription', 'heatmap');
  root.setAttribute('aria-label', `${o.label}. ${rows} by ${cols}. Arrow keys move between cells, plus and minus zoom, 0 resets the zoom.`);

  const canvas = doc.createElement('canvas');
  canvas.dataset.testid = 'heatmap-canvas';
  canvas.className = 'gl-canvas';
  canvas.style.left = `${left}px`;
  canvas.style.top = `${top}px`;
  canvas.style.width = `${r2(plotW)}px`;
  canvas.style.height = `${r2(plotH)}px`;
  // A very tall (scrolling) canvas keeps its backing store under 16 M pixels.
  const dpr = Math.max(0.25, Math.min(win.devicePixelRatio || 1, Math.sqrt(16e6 / Math.max(1, plotW * plotH))));
  canvas.width = Math.max(1, Math.round(plotW * dpr));
  canvas.height = Math.max(1, Math.round(plotH * dpr));
  const ctx = canvas.getContext('2d')!;

  const overlayEl = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const overlay = select(overlayEl)
    .attr('class', 'gl-overlay')
    .attr('width', frame.width)
    .attr('height', frame.height)
    .attr('aria-hidden', 'true');
  const labels = overlay.append('g').attr('class', 'gl-labels');
  appendFrame(overlay, { x: left, y: top, width: plotW, height: plotH }, false);
  // A nested <svg> clips the marks to the plot without needing a clipPath id.
  const plot = overlay
    .append('svg')
    .attr('x', left)
    .attr('y', top)
    .attr('width', r2(plotW))
    .attr('height', r2(plotH))
    .attr('overflow', 'hidden');
  const diag = plot.append('g').attr('class', 'gl-diagonal').attr('data-testid', 'heatmap-diagonal');
  const highlight = plot.append('g').attr('class', 'gl-row-highlight').attr('data-testid', 'row-highlight');
  const selectionRect = appendSelection(plot, false);
  const focusRect = appendFocus(plot, false);
  const marker = overlay.append('path').attr('class', 'gl-row-marker').attr('fill', 'currentColor').attr('display', 'none');

  const reset = doc.createElement('vscode-button');
  reset.className = 'gl-zoom-reset';
  reset.dataset.testid = 'zoom-reset';
  reset.setAttribute('secondary', '');
  reset.textContent = 'Reset zoom';
  reset.hidden = true;

  root.append(canvas, overlayEl, reset);

  let t: ZoomTransform = zoomIdentity;
  let highlightRow = o.highlightRow ?? null;
  let focus: { r: number; c: number } | null = null;
  let selected: Block | null = null;
  let dense: HTMLCanvasElement | null = null;
  const tiles = new Map<string, ImageData>();
  /** The values of one tile's pixels before colouring (reused by every tile). */
  let scratch: Float64Array | null = null;

  const cellImage = (r0: number, r1: number, c0: number, c1: number): HTMLCanvasElement => {
    const w = c1 - c0;
    const h = r1 - r0;
    const img = new ImageData(w, h);
    const data = img.data;
    const values = source.dense;
    for (let r = r0; r < r1; r++) {
      let off = (r - r0) * w * 4;
      for (let c = c0; c < c1; c++, off += 4) scale.write(values ? values[r * cols + c] : source.value(r, c), data, off);
    }
    const out = doc.createElement('canvas');
    out.width = w;
    out.height = h;
    out.getContext('2d')!.putImageData(img, 0, 0);
    return out;
  };

  const tile = (tx: number, ty: number, worldW: number, worldH: number): ImageData => {
    const key = `${t.k}:${tx}:${ty}`;
    const hit = tiles.get(key);
    if (hit) {
      tiles.delete(key);
      tiles.set(key, hit);
      return hit;
    }
    const w = Math.min(TILE, worldW - tx * TILE);
    const h = Math.min(TILE, worldH - ty * TILE);
    const colSpans = pixelSpans(tx * TILE, w, cols / worldW, cols);
    const rowSpans = pixelSpans(ty * TILE, h, rows / worldH, rows);
    const img = new ImageData(Math.max(1, w), Math.max(1, h));
    const data = img.data;
    scratch ??= new Float64Array(TILE * TILE);
    blockValues(source, rowSpans, colSpans, scratch, w);
    scale.writeAll(scratch, w * h, data);
    tiles.set(key, img);
    if (tiles.size > MAX_TILES) tiles.delete(tiles.keys().next().value!);
    return img;
  };

  const axes = (): { rowAxis: AxisView; colAxis: AxisView } => {
    const sx = t.k * cw;
    const sy = t.k * ch;
    const mk = (n: number, size: number, offset: number, extent: number): AxisView => ({
      first: Math.max(0, Math.floor(-offset / size)),
      last: Math.min(n - 1, Math.ceil((extent - offset) / size)),
      at: (i) => offset + i * size,
      size,
    });
    return { rowAxis: mk(rows, sy, t.y, plotH), colAxis: mk(cols, sx, t.x, plotW) };
  };

  const drawOverlay = () => {
    const { rowAxis, colAxis } = axes();
    drawHeatmapLabels(labels, frame, o, rowAxis, colAxis);
    diag.selectAll('*').remove();
    // Below a readable cell size the diagonal is not outlined (a band of rails would hide what it
    // marks); zooming in brings the outlines back.
    if (o.diagonal && colAxis.size >= DIAGONAL_MIN_PX) {
      const a = Math.max(rowAxis.first, colAxis.first);
      const b = Math.min(rowAxis.last, colAxis.last);
      for (let i = a; i <= b; i++) {
        const box = { x: colAxis.at(i) + 1, y: rowAxis.at(i) + 1, width: colAxis.size - 2, height: rowAxis.size - 2 };
        appendDiagonalCell(diag, box, 1, colAxis.size >= 12);
      }
    }
    highlight.selectAll('*').remove();
    marker.attr('display', 'none');
    if (highlightRow !== null && highlightRow >= 0 && highlightRow < rows) {
      const y = rowAxis.at(highlightRow);
      const h = Math.max(2, rowAxis.size);
      highlight.attr('data-row', highlightRow);
      outlineRow(
        highlight
          .append('rect')
          .attr('x', r2(Math.max(-2, colAxis.at(0) - 2)))
          .attr('y', r2(y - 1))
          .attr('width', r2(Math.min(plotW + 4, colAxis.size * cols + 4)))
          .attr('height', r2(h + 2)),
      );
      // A triangle beside the axis keeps a one-pixel row findable.
      const my = top + y + rowAxis.size / 2;
      if (my >= top && my <= top + plotH) marker.attr('display', null).attr('d', `M${left - 1},${r2(my)} l-6,-4 v8 z`);
    }
    // At least a few pixels each way, so a selection of thin cells stays visible when zoomed out.
    showSelection(selectionRect, selected, (s) => {
      const x0 = colAxis.at(s.c0);
      const y0 = rowAxis.at(s.r0);
      return { x: x0, y: y0, width: Math.max(3, colAxis.at(s.c1) - x0), height: Math.max(3, rowAxis.at(s.r1) - y0) };
    });
    // A ring of at least 6 px around a cell under a pixel.
    showFocus(focusRect, focus, (f) => {
      const fw = Math.max(6, colAxis.size);
      const fh = Math.max(6, rowAxis.size);
      return { x: colAxis.at(f.c) + colAxis.size / 2 - fw / 2, y: rowAxis.at(f.r) + rowAxis.size / 2 - fh / 2, width: fw, height: fh };
    });
  };

  const draw = () => {
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const pxPerCellX = t.k * cw * dpr;
    const pxPerCellY = t.k * ch * dpr;
    if (pxPerCellX >= 1 && pxPerCellY >= 1) {
      const { rowAxis, colAxis } = axes();
      const r0 = rowAxis.first;
      const r1 = rowAxis.last + 1;
      const c0 = colAxis.first;
      const c1 = colAxis.last + 1;
      ctx.imageSmoothingEnabled = false;
      if (mode === 'canvas-dense') {
        dense ??= cellImage(0, rows, 0, cols);
        ctx.drawImage(
          dense,
          c0,
          r0,
          c1 - c0,
          r1 - r0,
          (t.x + c0 * t.k * cw) * dpr,
          (t.y + r0 * t.k * ch) * dpr,
          (c1 - c0) * pxPerCellX,
          (r1 - r0) * pxPerCellY,
        );
      } else {
        ctx.drawImage(
          cellImage(r0, r1, c0, c1),
          (t.x + c0 * t.k * cw) * dpr,
          (t.y + r0 * t.k * ch) * dpr,
          (c1 - c0) * pxPerCellX,
          (r1 - r0) * pxPerCellY,
        );
      }
    } else {
      const worldW = Math.max(1, Math.round(plotW * t.k * dpr));
      const worldH = Math.max(1, Math.round(plotH * t.k * dpr));
      const ox = Math.round(-t.x * dpr);
      const oy = Math.round(-t.y * dpr);
      const tx0 = Math.max(0, Math.floor(ox / TILE));
      const ty0 = Math.max(0, Math.floor(oy / TILE));
      const tx1 = Math.min(Math.ceil(worldW / TILE), Math.ceil((ox + canvas.width) / TILE));
      const ty1 = Math.min(Math.ceil(worldH / TILE), Math.ceil((oy + canvas.height) / TILE));
      for (let ty = ty0; ty < ty1; ty++)
        for (let tx = tx0; tx < tx1; tx++) ctx.putImageData(tile(tx, ty, worldW, worldH), tx * TILE - ox, ty * TILE - oy);
    }
    root.dataset.zoom = String(r2(t.k));
    reset.hidden = t.k === 1 && t.x === 0 && t.y === 0;
    drawOverlay();
  };

  let pending = 0;
  const schedule = () => {
    if (!pending) pending = win.requestAnimationFrame(() => ((pending = 0), draw()));
  };

  const maxK = Math.max(1, MAX_CELL_PX / Math.min(cw, ch));
  const zoomer: ZoomBehavior<HTMLCanvasElement, unknown> = d3zoom<HTMLCanvasElement, unknown>()
    // In a scrolling box the plain wheel scrolls the box and Ctrl+wheel zooms; elsewhere the wheel zooms.
    .filter((ev: MouseEvent) => (ev.type === 'wheel' ? !o.scrollable || ev.ctrlKey : !ev.ctrlKey && !ev.button))
    .scaleExtent([1, maxK])
    .extent([
      [0, 0],
      [plotW, plotH],
    ])
    .translateExtent([
      [0, 0],
      [plotW, plotH],
    ])
    .on('zoom', (ev: { transform: ZoomTransform }) => {
      if (ev.transform.k !== t.k) tiles.clear();
      t = ev.transform;
      ui.tooltip.hide();
      schedule();
    });
  const canvasSel = select(canvas);
  canvasSel.call(zoomer);
  reset.addEventListener('click', () => canvasSel.call(zoomer.transform, zoomIdentity));

  // Pointer → the block of cells under that CSS pixel at the current zoom.
  const blockAt = (clientX: number, clientY: number): Block | null => {
    const box = canvas.getBoundingClientRect();
    const lx = clientX - box.left;
    const ly = clientY - box.top;
    if (lx < 0 || ly < 0 || lx >= plotW || ly >= plotH) return null;
    const span = (p: number, n: number, size: number) => pixelSpans(Math.floor(p), 1, 1 / (t.k * size), n);
    const cs = span(lx - t.x, cols, cw);
    const rs = span(ly - t.y, rows, ch);
    return { r0: rs[0], r1: rs[1], c0: cs[0], c1: cs[1] };
  };

  const nav = attachGridNav(
    root,
    {
      rows,
      cols,
      hit: (ev) => blockAt(ev.clientX, ev.clientY),
      anchor(r, c) {
        const box = canvas.getBoundingClientRect();
        return { x: box.left + t.x + (c + 1) * t.k * cw, y: box.top + t.y + (r + 1) * t.k * ch };
      },
      describe: (b) => o.describe(b, source.aggregate(b.r0, b.r1, b.c0, b.c1)),
      showFocus(cell) {
        focus = cell;
        drawOverlay();
      },
      reveal(r, c) {
        const x = t.x + (c + 0.5) * t.k * cw;
        const y = t.y + (r + 0.5) * t.k * ch;
        if (x < 0 || y < 0 || x > plotW || y > plotH) canvasSel.call(zoomer.translateTo, (c + 0.5) * cw, (r + 0.5) * ch);
      },
      activate: o.activate,
      initialFocus: () => o.initialFocus ?? { r: Math.max(0, highlightRow ?? 0), c: 0 },
      showSelection(b) {
        selected = b;
        drawOverlay();
      },
      copyText: (b) => cellsText(source, b, o),
    },
    ui,
  );
  // + and − zoom around the focused cell and bring it to the middle of the view (the wheel zooms
  // around the pointer); without a focused cell, around the middle.
  const zoomAround = (factor: number) => {
    const f = nav.focused();
    const k = Math.min(maxK, Math.max(1, t.k * factor));
    const [cx, cy] = f ? [(f.c + 0.5) * cw, (f.r + 0.5) * ch] : [(plotW / 2 - t.x) / t.k, (plotH / 2 - t.y) / t.k];
    // scaleTo then translateTo: both keep the view inside the matrix (transform would not).
    canvasSel.call(zoomer.scaleTo, k);
    canvasSel.call(zoomer.translateTo, cx, cy);
  };
  root.addEventListener('keydown', (ev) => {
    if (ev.key === '+' || ev.key === '=') zoomAround(2);
    else if (ev.key === '-') zoomAround(0.5);
    else if (ev.key === '0') canvasSel.call(zoomer.transform, zoomIdentity);
    else return;
    ev.preventDefault();
  });

  draw();
  return {
    element: root,
    mode,
    frame,
    setHighlightRow(r) {
      highlightRow = r;
      drawOverlay();
    },
    nav,
    destroy() {
      canvasSel.on('.zoom', null);
      if (pending) win.cancelAnimationFrame(pending);
      tiles.clear();
    },
  };
}
