/**
 * Gradient norms over the run: one row per parameter, one column per step, colour on a log scale
 * (norms span orders of magnitude), with vanishing / exploding cells outlined and a legend that
 * says so. Small runs are SVG rects carrying their values (tests, tooltips); large ones a canvas
 * where each pixel column shows the largest norm of the steps it covers.
 */
import { axisBottom } from 'd3-axis';
import { scaleLinear, scaleLog, scaleSequentialLog } from 'd3-scale';
import { interpolateViridis } from 'd3-scale-chromatic';
import { select } from 'd3-selection';
import { fmt } from '../format';
import { styleAxis } from './runLossChart';
import type { RunState } from './runState';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Above this many cells, a canvas. */
export const SVG_MAX_CELLS = 4000;
const ROW_H = 18;
const r2 = (v: number) => Math.round(v * 100) / 100;

export interface NormHeatmapOptions {
  width: number;
  selected: number;
  pick(index: number): void;
}

export function normColorScale(run: RunState): ((v: number) => string) & { domain(): number[] } {
  const range = run.normRange() ?? [1e-3, 1];
  return scaleSequentialLog(interpolateViridis).domain(range).clamp(true) as never;
}

export function normHeatmap(doc: Document, run: RunState, o: NormHeatmapOptions): HTMLElement {
  const wrap = doc.createElement('div');
  wrap.className = 'gl-run-heatmap';
  wrap.dataset.testid = 'run-norm-heatmap';
  const rows = run.params.length;
  const cols = run.steps.length;
  const flags = run.flagCounts();
  const labels = run.params.map(
    (name, p) => `${name}${flags[p].vanishing ? ` ↓${flags[p].vanishing}` : ''}${flags[p].exploding ? ` ↑${flags[p].exploding}` : ''}`,
  );
  const labelW = Math.min(220, 16 + 7 * Math.max(4, ...labels.map((l) => l.length)));
  const width = Math.max(260, o.width);
  const iw = width - labelW - 12;
  const height = rows * ROW_H + 40;
  const color = normColorScale(run);
  const x = (i: number) => (i / Math.max(cols, 1)) * iw;

  const svgEl = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const svg = select(svgEl)
    .attr('class', 'gl-chart')
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img')
    .attr('aria-label', `Gradient norm per parameter (rows) and step (columns), ${rows} × ${cols}, log colour scale`);
  run.params.forEach((name, p) => {
    const f = flags[p];
    svg
      .append('text')
      .attr('x', labelW - 6)
      .attr('y', p * ROW_H + ROW_H / 2 + 4)
      .attr('text-anchor', 'end')
      .attr('font-size', 11)
      .attr('fill', 'currentColor')
      .attr('data-testid', 'run-param-label')
      .attr('data-param', name)
      .text(labels[p])
      .append('title')
      .text(`${name}: ${f.vanishing} vanishing and ${f.exploding} exploding steps`);
  });
  const g = svg.append('g').attr('transform', `translate(${labelW},0)`);
  if (cols > 0) {
    const steps = run.steps;
    const xs = scaleLinear().domain([0, cols]).range([0, iw]);
    const ticks = xs.ticks(Math.max(2, Math.floor(iw / 70))).filter((t) => Number.isInteger(t) && t < cols);
    g.append('text')
      .attr('x', iw / 2)
      .attr('y', rows * ROW_H + 36)
      .attr('text-anchor', 'middle')
      .attr('font-size', 10)
      .attr('fill', 'currentColor')
      .text('step');
    g.append('g')
      .attr('transform', `translate(0,${rows * ROW_H + 2})`)
      .call(
        axisBottom(xs)
          .tickValues(ticks.map((t) => t + 0.5))
          .tickFormat((d) => String(steps[Math.floor(d as number)]?.step ?? '')),
      )
      .call(styleAxis);
  }
  if (rows * cols <= SVG_MAX_CELLS) {
    const w = iw / Math.max(cols, 1);
    for (let p = 0; p < rows; p++) {
      for (let i = 0; i < cols; i++) {
        const v = run.gradNorm(i, p);
        const health = run.health(i, p);
        const cell = g
          .append('rect')
          .attr('class', `gl-run-cell${health === 'vanishing' || health === 'exploding' ? ` gl-flag-${health}` : ''}`)
          .attr('data-testid', 'run-norm-cell')
          .attr('data-param', run.params[p])
          .attr('data-step', run.steps[i].step)
          .attr('data-value', v === null ? '' : String(v))
          .attr('data-health', health)
          .attr('x', r2(x(i)))
          .attr('y', p * ROW_H + 1)
          .attr('width', r2(Math.max(w - (w > 4 ? 1 : 0), 0.5)))
          .attr('height', ROW_H - 2)
          .attr('fill', v !== null && v > 0 && Number.isFinite(v) ? color(v) : v === Infinity ? color(color.domain()[1]) : 'transparent');
        cell.on('click', () => o.pick(i));
        cell
          .append('title')
          .text(
            `${run.params[p]}, step ${run.steps[i].step}: ‖∂L/∂W‖ = ${v === null ? 'no gradient' : fmt(v)}${health === 'vanishing' || health === 'exploding' ? ` (${health})` : ''}`,
          );
      }
    }
  } else {
    const canvas = doc.createElement('canvas');
    canvas.className = 'gl-run-canvas';
    canvas.dataset.testid = 'run-norm-canvas';
    const dpr = globalThis.devicePixelRatio || 1;
    canvas.width = Math.round(iw * dpr);
    canvas.height = Math.round(rows * ROW_H * dpr);
    canvas.style.width = `${iw}px`;
    canvas.style.height = `${rows * ROW_H}px`;
    canvas.style.left = `${labelW}px`;
    const ctx = canvas.getContext('2d');
    if (ctx) {
      ctx.scale(dpr, dpr);
      const css = getComputedStyle(doc.body);
      const flagColor = {
        vanishing: css.getPropertyValue('--vscode-editorWarning-foreground').trim() || '#cca700',
        exploding: css.getPropertyValue('--vscode-errorForeground').trim() || '#f14c4c',
      };
      const px = Math.max(1, Math.floor(iw));
      for (let c = 0; c < px; c++) {
        const from = Math.floor((c / px) * cols);
        const to = Math.max(from + 1, Math.floor(((c + 1) / px) * cols));
        for (let p = 0; p < rows; p++) {
          let max = -Infinity;
          let flag: 'vanishing' | 'exploding' | null = null;
          for (let i = from; i < to && i < cols; i++) {
            const v = run.gradNorm(i, p);
            if (v !== null && v > max) max = v;
            const h = run.health(i, p);
            if (h === 'exploding' || (h === 'vanishing' && flag === null)) flag = h;
          }
          if (max > 0) {
            ctx.fillStyle = color(Number.isFinite(max) ? max : color.domain()[1]);
            ctx.fillRect(c, p * ROW_H + 1, 1, ROW_H - 2);
          }
          if (flag) {
            ctx.fillStyle = flagColor[flag];
            ctx.fillRect(c, p * ROW_H + (flag === 'exploding' ? 1 : ROW_H - 4), 1, 3);
          }
        }
      }
      canvas.addEventListener('click', (e) => o.pick(Math.min(cols - 1, Math.floor((e.offsetX / iw) * cols))));
    }
    wrap.appendChild(canvas);
  }
  if (run.steps[o.selected]) {
    g.append('rect')
      .attr('class', 'gl-run-selected-col')
      .attr('x', r2(x(o.selected)) - 1)
      .attr('y', 0)
      .attr('width', r2(Math.max(iw / Math.max(cols, 1), 1)) + 2)
      .attr('height', rows * ROW_H)
      .attr('fill', 'none');
  }
  wrap.prepend(svgEl);
  wrap.appendChild(normLegend(doc, run, color));
  return wrap;
}

function normLegend(doc: Document, run: RunState, color: ((v: number) => string) & { domain(): number[] }): SVGSVGElement {
  const [lo, hi] = color.domain();
  const width = 300;
  const barW = width - 24;
  const el = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const svg = select(el)
    .attr('class', 'gl-chart gl-legend')
    .attr('data-testid', 'run-norm-legend')
    .attr('data-scale', 'log')
    .attr('data-min', String(lo))
    .attr('data-max', String(hi))
    .attr('width', width)
    .attr('height', 92)
    .attr('viewBox', `0 0 ${width} 92`)
    .attr('role', 'img')
    .attr(
      'aria-label',
      `Gradient norm ‖∂L/∂W‖: logarithmic colour scale from ${fmt(lo)} to ${fmt(hi)}; outlined cells are flagged vanishing or exploding`,
    );
  const title = svg.append('text').attr('x', 12).attr('y', 11).attr('font-size', 11).attr('fill', 'currentColor');
  title.append('tspan').attr('font-weight', 600).text('‖∂L/∂W‖');
  title.append('tspan').attr('fill-opacity', 0.75).attr('font-size', 10).text('  log colour scale');
  const n = 48;
  for (let i = 0; i < n; i++) {
    const v = lo * Math.pow(hi / lo, (i + 0.5) / n);
    svg
      .append('rect')
      .attr('x', r2(12 + (i * barW) / n))
      .attr('y', 18)
      .attr('width', r2(barW / n + 0.3))
      .attr('height', 12)
      .attr('fill', color(v));
  }
  const x = scaleLog()
    .domain([lo, hi])
    .range([12, 12 + barW]);
  const axis = svg.append('g').attr('transform', 'translate(0,30)');
  const decades = Math.log10(hi / lo);
  axis
    .call(
      axisBottom(x)
        .ticks(decades > 16 ? 4 : 6, '~e')
        .tickSize(4),
    )
    .call(styleAxis);
  axis.select('.domain').remove();
  const t = run.thresholds;
  svg
    .append('rect')
    .attr('x', 12)
    .attr('y', 54)
    .attr('width', 10)
    .attr('height', 10)
    .attr('class', 'gl-flag-vanishing')
    .attr('fill', 'none');
  svg
    .append('text')
    .attr('x', 26)
    .attr('y', 63)
    .attr('font-size', 10)
    .attr('fill', 'currentColor')
    .text(`↓ vanishing: ‖∂L/∂W‖/‖W‖ < ${fmt(t.vanishing)}`);
  svg
    .append('rect')
    .attr('x', 12)
    .attr('y', 72)
    .attr('width', 10)
    .attr('height', 10)
    .attr('class', 'gl-flag-exploding')
    .attr('fill', 'none');
  svg
    .append('text')
    .attr('x', 26)
    .attr('y', 81)
    .attr('font-size', 10)
    .attr('fill', 'currentColor')
    .text(`↑ exploding: ‖∂L/∂W‖ > ${fmt(t.exploding)}`);
  return el;
}
