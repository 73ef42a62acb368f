/**
 * Colour legend of a diverging scale: a bar of swatches from −max to +max with ticks, the sign
 * spelled out at both ends so it reads without colour.
 */
import { axisBottom } from 'd3-axis';
import { scaleLinear } from 'd3-scale';
import { select } from 'd3-selection';
import { COLOR_EXPONENT, type DivergingScale } from '../colors';
import { fmt } from '../format';

export interface LegendOptions {
  scale: DivergingScale;
  title: string;
  width?: number;
  /** Words for the two ends, e.g. ['pushes z down', 'pushes z up']. */
  ends?: [string, string];
  testId?: string;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const STEPS = 48;
const r2 = (v: number) => Math.round(v * 100) / 100;
const SCALE_NOTE = COLOR_EXPONENT === 0.5 ? '√|value|' : `|value|^${COLOR_EXPONENT}`;

export function legend(doc: Document, o: LegendOptions): SVGSVGElement {
  const width = o.width ?? 240;
  const barW = width - 24;
  const x0 = 12;
  const el = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const m = o.scale.max;
  const svg = select(el)
    .attr('class', 'gl-chart gl-legend')
    .attr('data-testid', o.testId ?? 'legend')
    .attr('data-min', String(-m))
    .attr('data-max', String(m))
    .attr('width', width)
    .attr('height', 62)
    .attr('viewBox', `0 0 ${width} 62`)
    .attr('role', 'img')
    .attr('aria-label', `${o.title}: colour scale from ${fmt(-m)} (${o.ends?.[0] ?? 'negative'}) through 0 to ${fmt(m)} (${o.ends?.[1] ?? 'positive'}), colour proportional to ${SCALE_NOTE}`);
  const title = svg.append('text').attr('x', x0).attr('y', 11).attr('font-size', 11).attr('fill', 'currentColor');
  title.append('tspan').attr('font-weight', 600).text(o.title);
  title.append('tspan').attr('fill-opacity', 0.75).attr('font-size', 10).text(`  colour ∝ ${SCALE_NOTE}`);
  const bar = svg.append('g').attr('class', 'gl-legend-bar');
  const step = barW / STEPS;
  for (let i = 0; i < STEPS; i++) {
    const v = -m + ((i + 0.5) / STEPS) * 2 * m;
    bar.append('rect').attr('x', r2(x0 + i * step)).attr('y', 18).attr('width', r2(step + 0.3)).attr('height', 12).attr('fill', o.scale.color(v));
  }
  bar.append('rect').attr('x', x0).attr('y', 18).attr('width', barW).attr('height', 12).attr('fill', 'none').attr('stroke', 'currentColor').attr('stroke-opacity', 0.4);
  const x = scaleLinear().domain([-m, m]).range([x0, x0 + barW]);
  const axis = svg.append('g').attr('transform', 'translate(0,30)');
  axis.call(axisBottom(x).tickValues([-m, 0, m]).tickSize(4).tickFormat((d) => fmt(d as number)));
  axis.attr('font-size', 10).attr('font-family', null);
  axis.select('.domain').remove();
  axis.selectAll('.tick text').attr('fill', 'currentColor');
  axis.select('.tick:first-of-type text').attr('text-anchor', 'start').attr('x', -1);
  axis.select('.tick:last-of-type text').attr('text-anchor', 'end').attr('x', 1);
  const ends = o.ends ?? ['negative', 'positive'];
  svg.append('text').attr('x', x0).attr('y', 58).attr('font-size', 10).attr('fill', 'currentColor').attr('fill-opacity', 0.8).text(`◀ − ${ends[0]}`);
  svg.append('text').attr('x', x0 + barW).attr('y', 58).attr('text-anchor', 'end').attr('font-size', 10).attr('fill', 'currentColor').attr('fill-opacity', 0.8).text(`${ends[1]} + ▶`);
  return el;
}
