/**
 * Gradient norm per layer on a log scale, one horizontal bar per layer. Vanishing and exploding
 * layers are flagged in words and with a dashed outline, not by colour alone.
 */
import { axisBottom } from 'd3-axis';
import { scaleLog } from 'd3-scale';
import { select } from 'd3-selection';
import { fmt } from '../format';
import type { ChartUi, TooltipContent } from '../tooltip';
import { attachGridNav } from './gridNav';

export interface NormLayer {
  name: string;
  gradNorm: number;
  weightNorm: number;
  health: 'ok' | 'vanishing' | 'exploding';
}

export interface NormChartOptions {
  layers: NormLayer[];
  selected: number;
  width: number;
  describe(layer: number): TooltipContent;
  select(layer: number): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const ROW_H = 26;
const M = { top: 24, right: 96, bottom: 30, left: 96 };
const r2 = (v: number) => Math.round(v * 100) / 100;
const FLAG = { ok: '', vanishing: '▼ vanishing', exploding: '▲ exploding' };

/** Log domain covering every positive norm with a decade of room, [1e-8, 1] when there is none. */
export function normDomain(norms: number[]): [number, number] {
  const pos = norms.filter((v) => v > 0 && Number.isFinite(v));
  if (!pos.length) return [1e-8, 1];
  const lo = 10 ** Math.floor(Math.log10(Math.min(...pos)));
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...pos)));
  return [lo, hi > lo ? hi : lo * 10];
}

export function normChart(doc: Document, o: NormChartOptions, ui: ChartUi): SVGSVGElement {
  const n = o.layers.length;
  const width = Math.max(300, o.width);
  const iw = width - M.left - M.right;
  const height = M.top + n * ROW_H + M.bottom;
  const [lo, hi] = normDomain(o.layers.map((l) => l.gradNorm));
  const x = scaleLog().domain([lo, hi]).range([0, iw]).clamp(true);
  const el = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const svg = select(el)
    .attr('class', 'gl-chart gl-norm-chart')
    .attr('data-testid', 'norm-chart')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'application')
    .attr('aria-roledescription', 'bar chart')
    .attr('aria-label', `Gradient norm per layer, log scale, ${n} layers. Arrow keys move, Enter selects a layer.`);
  svg
    .append('text')
    .attr('x', M.left)
    .attr('y', 14)
    .attr('font-size', 11)
    .attr('font-weight', 600)
    .attr('fill', 'currentColor')
    .text('‖∂L/∂W‖ per layer (log scale)');
  const plot = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  const axis = plot
    .append('g')
    .attr('transform', `translate(0,${n * ROW_H})`)
    .call(axisBottom(x).ticks(Math.max(2, Math.min(8, Math.log10(hi / lo))), (d: unknown) => fmt(d as number)));
  axis.attr('font-size', 10).attr('font-family', null);
  axis.selectAll('.domain, .tick line').attr('stroke', 'currentColor').attr('stroke-opacity', 0.45);
  axis.selectAll('.tick text').attr('fill', 'currentColor');
  const sel = plot
    .append('rect')
    .attr('class', 'gl-selected-row')
    .attr('data-testid', 'norm-selected')
    .attr('fill', 'currentColor')
    .attr('fill-opacity', 0.08)
    .attr('x', -M.left)
    .attr('width', width)
    .attr('height', ROW_H);
  o.layers.forEach((layer, i) => {
    const y = i * ROW_H;
    const v = layer.gradNorm;
    const len = v > 0 && Number.isFinite(v) ? x(v) : 0;
    plot
      .append('text')
      .attr('x', -8)
      .attr('y', y + ROW_H / 2)
      .attr('dy', '0.32em')
      .attr('text-anchor', 'end')
      .attr('font-size', 11)
      .attr('fill', 'currentColor')
      .text(layer.name);
    plot
      .append('rect')
      .attr('data-testid', 'norm-bar')
      .attr('data-layer', i)
      .attr('data-value', String(v))
      .attr('data-health', layer.health)
      .attr('class', `gl-norm-bar gl-health-${layer.health}`)
      .attr('x', 0)
      .attr('y', y + 5)
      .attr('width', r2(Math.max(1, len)))
      .attr('height', ROW_H - 10)
      .attr('fill', 'currentColor')
      .attr('fill-opacity', layer.health === 'ok' ? 0.55 : 0.2)
      .attr('stroke', layer.health === 'ok' ? null : 'currentColor')
      .attr('stroke-dasharray', layer.health === 'ok' ? null : '3 2');
    const label = plot
      .append('text')
      .attr('x', r2(len + 6))
      .attr('y', y + ROW_H / 2)
      .attr('dy', '0.32em')
      .attr('font-size', 10)
      .attr('fill', 'currentColor')
      .text(fmt(v));
    if (layer.health !== 'ok')
      label
        .append('tspan')
        .attr('class', `gl-flag gl-flag-${layer.health}`)
        .attr('data-testid', 'norm-flag')
        .attr('font-weight', 600)
        .text(`  ${FLAG[layer.health]}`);
  });
  const focusRect = plot
    .append('rect')
    .attr('class', 'gl-focus')
    .attr('data-testid', 'norm-focus')
    .attr('fill', 'none')
    .attr('stroke-width', 2)
    .attr('display', 'none')
    .attr('pointer-events', 'none');
  const setSelected = (i: number) =>
    sel
      .attr('y', i * ROW_H)
      .attr('data-layer', i)
      .attr('display', i >= 0 && i < n ? null : 'none');
  setSelected(o.selected);
  attachGridNav(
    el,
    {
      rows: n,
      cols: 1,
      hit(ev) {
        const i = Math.floor((ev.clientY - el.getBoundingClientRect().top - M.top) / ROW_H);
        return i >= 0 && i < n ? { r0: i, r1: i + 1, c0: 0, c1: 1 } : null;
      },
      anchor(r) {
        const box = el.getBoundingClientRect();
        return { x: box.left + M.left + iw / 2, y: box.top + M.top + (r + 1) * ROW_H };
      },
      describe: (b) => o.describe(b.r0),
      showFocus(cell) {
        if (!cell) focusRect.attr('display', 'none');
        else
          focusRect
            .attr('display', null)
            .attr('x', -M.left + 2)
            .attr('y', cell.r * ROW_H)
            .attr('width', width - 4)
            .attr('height', ROW_H);
      },
      activate: (b) => o.select(b.r0),
      initialFocus: () => ({ r: Math.max(0, o.selected), c: 0 }),
    },
    ui,
  );
  return el;
}
