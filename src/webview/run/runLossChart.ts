/**
 * The run's loss over steps: a line through the logged losses, a point per step (up to
 * MAX_POINTS, each carrying its step and value as data attributes for tests and an aria label
 * for screen readers), the chosen step as a vertical rule. Clicking picks the nearest step.
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select, type Selection } from 'd3-selection';
import { fmt } from '../format';
import type { RunState } from './runState';

const SVG_NS = 'http://www.w3.org/2000/svg';
const M = { top: 14, right: 16, bottom: 34, left: 56 };
/** Beyond this many steps the line alone is drawn (a circle per step would cost more than it shows). */
export const MAX_POINTS = 2000;
const r2 = (v: number) => Math.round(v * 100) / 100;

export interface RunChartOptions {
  width: number;
  height?: number;
  selected: number;
  pick(index: number): void;
}

export function styleAxis(g: Selection<SVGGElement, unknown, null, undefined>): void {
  g.attr('font-size', 10).attr('font-family', null);
  g.selectAll('.domain, .tick line').attr('stroke', 'currentColor').attr('stroke-opacity', 0.45);
  g.selectAll('.tick text').attr('fill', 'currentColor');
}

export function runLossChart(doc: Document, run: RunState, o: RunChartOptions): SVGSVGElement {
  const width = Math.max(260, o.width);
  const height = o.height ?? 200;
  const iw = width - M.left - M.right;
  const ih = height - M.top - M.bottom;
  const steps = run.steps;
  const logged = steps
    .map((s, i) => ({ i, step: s.step, loss: s.loss }))
    .filter((p): p is { i: number; step: number; loss: number } => p.loss !== null && Number.isFinite(p.loss));
  const el = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const svg = select(el)
    .attr('class', 'gl-chart gl-run-loss')
    .attr('data-testid', 'run-loss-chart')
    .attr('data-points', String(logged.length))
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'img');
  const first = steps.length ? Math.min(...steps.map((s) => s.step)) : 0;
  const last = steps.length ? Math.max(...steps.map((s) => s.step)) : 1;
  const x = scaleLinear()
    .domain([first, Math.max(last, first + 1)])
    .range([0, iw]);
  let lo = Infinity;
  let hi = -Infinity;
  for (const p of logged) {
    lo = Math.min(lo, p.loss);
    hi = Math.max(hi, p.loss);
  }
  if (!(hi >= lo)) [lo, hi] = [0, 1];
  const pad = (hi - lo) * 0.08 || Math.abs(hi) * 0.1 || 1;
  const y = scaleLinear()
    .domain([Math.max(0, lo - pad), hi + pad])
    .range([ih, 0])
    .nice();
  const last1 = logged[logged.length - 1];
  svg.attr(
    'aria-label',
    logged.length
      ? `Logged loss over ${logged.length} steps, from ${fmt(logged[0].loss)} at step ${logged[0].step} to ${fmt(last1.loss)} at step ${last1.step}`
      : 'No logged loss yet',
  );
  const g = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  g.append('g')
    .attr('transform', `translate(0,${ih})`)
    .call(
      axisBottom(x)
        .tickValues(x.ticks(Math.max(2, Math.floor(iw / 70))).filter((t) => Number.isInteger(t)))
        .tickFormat((d) => String(d)),
    )
    .call(styleAxis);
  g.append('g')
    .call(
      axisLeft(y)
        .ticks(5)
        .tickFormat((d) => fmt(d as number)),
    )
    .call(styleAxis);
  svg
    .append('text')
    .attr('x', M.left + iw / 2)
    .attr('y', height - 4)
    .attr('text-anchor', 'middle')
    .attr('font-size', 10)
    .attr('fill', 'currentColor')
    .text('step');
  svg
    .append('text')
    .attr('transform', `translate(12,${M.top + ih / 2}) rotate(-90)`)
    .attr('text-anchor', 'middle')
    .attr('font-size', 10)
    .attr('fill', 'currentColor')
    .text('logged loss');
  if (logged.length > 1) {
    const d = logged.map((p, k) => `${k ? 'L' : 'M'}${r2(x(p.step))},${r2(y(p.loss))}`).join('');
    g.append('path').attr('class', 'gl-run-line').attr('d', d).attr('fill', 'none').attr('stroke-width', 1.5);
  }
  const sel = steps[o.selected];
  if (sel)
    g.append('line')
      .attr('class', 'gl-run-rule')
      .attr('data-testid', 'run-selected-rule')
      .attr('data-step', sel.step)
      .attr('x1', r2(x(sel.step)))
      .attr('x2', r2(x(sel.step)))
      .attr('y1', 0)
      .attr('y2', ih);
  if (logged.length <= MAX_POINTS) {
    const rad = logged.length > 300 ? 1.5 : 3;
    for (const p of logged) {
      g.append('circle')
        .attr('class', p.i === o.selected ? 'gl-run-point selected' : 'gl-run-point')
        .attr('data-testid', 'run-loss-point')
        .attr('data-index', p.i)
        .attr('data-step', p.step)
        .attr('data-value', String(p.loss))
        .attr('cx', r2(x(p.step)))
        .attr('cy', r2(y(p.loss)))
        .attr('r', p.i === o.selected ? rad + 2 : rad)
        .append('title')
        .text(`step ${p.step}: loss ${fmt(p.loss)}`);
    }
  }
  // One transparent layer takes the clicks: the nearest step to the pointer, points or not.
  g.append('rect')
    .attr('width', iw)
    .attr('height', ih)
    .attr('fill', 'transparent')
    .attr('class', 'gl-run-hit')
    .on('click', (event: MouseEvent) => {
      if (!steps.length) return;
      const box = (event.currentTarget as SVGRectElement).getBoundingClientRect();
      const at = x.invert(((event.clientX - box.left) / box.width) * iw);
      let best = 0;
      for (let i = 1; i < steps.length; i++) if (Math.abs(steps[i].step - at) < Math.abs(steps[best].step - at)) best = i;
      o.pick(best);
    });
  return el;
}
