/**
 * Heatmap as SVG: one <rect> per cell carrying data-row / data-col / data-value, for matrices
 * small enough that the DOM stays fast (see SVG_MAX_CELLS in heatmap.ts).
 */
import { select } from 'd3-selection';
import { contrastRatio, parseColor, toHex } from '../colors';
import { formatToFit } from '../format';
import type { ChartUi } from '../tooltip';
import { cellsText } from './cellsText';
import { attachGridNav, cellBlock, type Block } from './gridNav';
import { drawHeatmapLabels, fullAxis, heatmapFrame, type HeatmapFrame } from './heatmapFrame';
import { appendDiagonalCell, appendFocus, appendFrame, appendSelection, outlineRow, r2, showFocus, showSelection } from './heatmapMarks';
import type { HeatmapHandle, HeatmapOptions } from './heatmapTypes';

const SVG_NS = 'http://www.w3.org/2000/svg';

export function heatmapSvg(doc: Document, o: HeatmapOptions, ui: ChartUi): HeatmapHandle {
  const { source, scale } = o;
  const frame: HeatmapFrame = heatmapFrame({ ...o, rows: source.rows, cols: source.cols });
  const svgEl = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const svg = select(svgEl)
    .attr('class', 'gl-chart gl-heatmap')
    .attr('data-testid', o.testId)
    .attr('data-mode', 'svg')
    .attr('data-rows', source.rows)
    .attr('data-cols', source.cols)
    .attr('width', frame.width)
    .attr('height', frame.height)
    .attr('viewBox', `0 0 ${frame.width} ${frame.height}`)
    .attr('role', 'application')
    .attr('aria-roledescription', 'heatmap')
    .attr('aria-label', `${o.label}. ${source.rows} by ${source.cols}. Arrow keys move between cells.`);

  drawHeatmapLabels(svg.append('g').attr('class', 'gl-labels'), frame, o, fullAxis(source.rows, frame.ch), fullAxis(source.cols, frame.cw));

  const { cw, ch, left, top } = frame;
  const gap = cw >= 10 && ch >= 10 ? 1 : 0;
  // Labels get the most digits that fit the cell (10 px digits and − are up to ~6.3 px wide); a cell too small
  // for two digits shows none, and its tooltip keeps the value.
  const showValues = o.showValues === true || (o.showValues === 'auto' && cw >= 22 && ch >= 14);
  // Cells under 56 px get 9 px labels, so that a two-digit exponent form (−9.9e−4) still fits at 47 px.
  const labelFont = cw >= 56 ? 10 : 9;
  const labelChars = Math.floor((cw - 6) / (0.63 * labelFont));
  const cells = svg.append('g').attr('class', 'gl-cells');
  const values = showValues
    ? svg
        .append('g')
        .attr('class', 'gl-cell-values')
        .attr('text-anchor', 'middle')
        .attr('font-size', labelFont)
        .attr('pointer-events', 'none')
    : null;
  for (let r = 0; r < source.rows; r++) {
    for (let c = 0; c < source.cols; c++) {
      const v = source.value(r, c);
      const fill = scale.color(v);
      cells
        .append('rect')
        .attr('data-testid', 'heatmap-cell')
        .attr('data-row', r)
        .attr('data-col', c)
        .attr('data-value', String(v))
        .attr('data-source-row', o.rowIds ? o.rowIds[r] : null)
        .attr('data-source-col', o.colIds ? o.colIds[c] : null)
        .attr('x', r2(left + c * cw + gap / 2))
        .attr('y', r2(top + r * ch + gap / 2))
        .attr('width', r2(cw - gap))
        .attr('height', r2(ch - gap))
        .attr('fill', fill);
      const label = values ? formatToFit(v, labelChars) : null;
      if (values && label !== null) {
        values
          .append('text')
          .attr('x', r2(left + (c + 0.5) * cw))
          .attr('y', r2(top + (r + 0.5) * ch))
          .attr('dy', '0.35em')
          .attr('fill', inkOn(fill, o.theme.foreground, o.theme.background))
          .text(label);
      }
    }
  }

  appendFrame(svg, { x: left, y: top, width: frame.plotW, height: frame.plotH }, true);

  if (o.diagonal) {
    // An outline, not a colour: the diagonal must stand out whatever its values are.
    const dg = svg.append('g').attr('class', 'gl-diagonal').attr('data-testid', 'heatmap-diagonal').attr('pointer-events', 'none');
    const inset = Math.min(1.5, cw / 6);
    for (let i = 0; i < Math.min(source.rows, source.cols); i++) {
      const box = {
        x: left + i * cw + inset,
        y: top + i * ch + inset,
        width: Math.max(0.5, cw - 2 * inset),
        height: Math.max(0.5, ch - 2 * inset),
      };
      appendDiagonalCell(dg, box, cw >= 8 ? 1.25 : 0.75, cw >= 12);
    }
  }

  const highlight = outlineRow(svg.append('rect').attr('class', 'gl-row-highlight').attr('data-testid', 'row-highlight')).attr(
    'pointer-events',
    'none',
  );
  const setHighlightRow = (r: number | null) => {
    if (r === null || r < 0 || r >= source.rows) {
      highlight.attr('display', 'none');
      return;
    }
    highlight
      .attr('display', null)
      .attr('data-row', r)
      .attr('x', left - 3)
      .attr('y', r2(top + r * ch - 1))
      .attr('width', r2(frame.plotW + 6))
      .attr('height', r2(ch + 2));
  };
  setHighlightRow(o.highlightRow ?? null);

  const selectionRect = appendSelection(svg, true);
  const focusRect = appendFocus(svg, true);

  const blockAt = (ev: MouseEvent): Block | null => {
    const t = ev.target as Element | null;
    const r = t?.getAttribute?.('data-row');
    const c = t?.getAttribute?.('data-col');
    return r != null && c != null && t?.getAttribute('data-testid') === 'heatmap-cell' ? cellBlock(Number(r), Number(c)) : null;
  };
  const describe = (b: Block) => o.describe(b, source.aggregate(b.r0, b.r1, b.c0, b.c1));
  const nav = attachGridNav(
    svgEl,
    {
      rows: source.rows,
      cols: source.cols,
      hit: blockAt,
      anchor(r, c) {
        const box = svgEl.getBoundingClientRect();
        return { x: box.left + left + (c + 1) * cw, y: box.top + top + (r + 1) * ch };
      },
      describe,
      showFocus(cell) {
        showFocus(focusRect, cell, (f) => ({ x: left + f.c * cw, y: top + f.r * ch, width: cw, height: ch }));
      },
      activate: o.activate,
      initialFocus: () => o.initialFocus ?? { r: Math.max(0, o.highlightRow ?? 0), c: 0 },
      showSelection(b) {
        showSelection(selectionRect, b, (s) => ({
          x: left + s.c0 * cw,
          y: top + s.r0 * ch,
          width: (s.c1 - s.c0) * cw,
          height: (s.r1 - s.r0) * ch,
        }));
      },
      copyText: (b) => cellsText(source, b, o),
    },
    ui,
  );

  return { element: svgEl, mode: 'svg', frame, setHighlightRow, nav, destroy() {} };
}

/** Text colour for a label inside a cell: whichever of the theme's ink or background reads better. */
function inkOn(fill: string, fg: [number, number, number], bg: [number, number, number]): string {
  const cell = parseColor(fill);
  if (!cell) return 'currentColor';
  return contrastRatio(cell, fg) >= contrastRatio(cell, bg) ? 'currentColor' : toHex(bg);
}
