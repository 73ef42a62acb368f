/**
 * Colour legend of a diverging scale: a bar of swatches from −max to +max with ticks, the sign
 * spelled out at both ends so it reads without colour.
 */
import { select } from 'd3-selection';
import { COLOR_EXPONENT, type DivergingScale } from '../colors';
import { fmt } from '../format';
import { formatNumber } from '../../shared/numberFormat';

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
const SQRT_NOTE = COLOR_EXPONENT === 0.5 ? '√|value|' : `|value|^${COLOR_EXPONENT}`;

/** What the legend says about how colour follows the value. */
export function scaleNote(scale: DivergingScale): string {
  return scale.mapping === 'symlog' ? `symmetric log, ${scale.decades} decade${scale.decades === 1 ? '' : 's'} below max` : SQRT_NOTE;
}

export function legend(doc: Document, o: LegendOptions): SVGSVGElement {
  // A log scale has five ticks: it gets more room so their labels stay apart.
  const width = o.width ?? (o.scale.mapping === 'symlog' ? 320 : 240);
  const barW = width - 24;
  const x0 = 12;
  const el = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const m = o.scale.max;
  const symlog = o.scale.mapping === 'symlog';
  const scale_words = symlog
    ? `on a symmetric log scale: ${o.scale.decades} decade${o.scale.decades === 1 ? '' : 's'} below the largest magnitude get their own shades`
    : `proportional to ${SQRT_NOTE}`;
  const svg = select(el)
    .attr('class', 'gl-chart gl-legend')
    .attr('data-testid', o.testId ?? 'legend')
    .attr('data-min', String(-m))
    .attr('data-max', String(m))
    .attr('width', width)
    .attr('height', 62)
    .attr('viewBox', `0 0 ${width} 62`)
    .attr('role', 'img')
    .attr(
      'aria-label',
      `${o.title}: colour scale from ${fmt(-m)} (${o.ends?.[0] ?? 'negative'}) through 0 to ${fmt(m)} (${o.ends?.[1] ?? 'positive'}), colour ${scale_words}`,
    );
  const title = svg.append('text').attr('x', x0).attr('y', 11).attr('font-size', 11).attr('fill', 'currentColor');
  title.append('tspan').attr('font-weight', 600).text(o.title);
  title
    .append('tspan')
    .attr('fill-opacity', 0.75)
    .attr('font-size', 10)
    .text(symlog ? `  colour: ${scaleNote(o.scale)}` : `  colour ∝ ${SQRT_NOTE}`);
  const bar = svg.append('g').attr('class', 'gl-legend-bar');
  const step = barW / STEPS;
  for (let i = 0; i < STEPS; i++) {
    // Swatches are even steps of colour; the ticks say which values they are.
    const v = o.scale.valueAt(-1 + ((i + 0.5) / STEPS) * 2);
    bar
      .append('rect')
      .attr('x', r2(x0 + i * step))
      .attr('y', 18)
      .attr('width', r2(step + 0.3))
      .attr('height', 12)
      .attr('fill', o.scale.color(v));
  }
  bar
    .append('rect')
    .attr('x', x0)
    .attr('y', 18)
    .attr('width', barW)
    .attr('height', 12)
    .attr('fill', 'none')
    .attr('stroke', 'currentColor')
    .attr('stroke-opacity', 0.4);
  // Ticks placed by colour position, so on a log scale ±max/1000 sits where its shade is.
  const x = (v: number) => r2(x0 + ((o.scale.position(v) + 1) / 2) * barW);
  // Inner ticks halfway down the decades: ±max/1000 for five, ±max/100 for three.
  const inner = m * 10 ** -Math.ceil(o.scale.decades / 2);
  const ticks = symlog ? [-m, -inner, 0, inner, m] : [-m, 0, m];
  const axis = svg.append('g').attr('class', 'gl-legend-ticks').attr('font-size', 10);
  ticks.forEach((v, i) => {
    const tx = x(v);
    axis.append('line').attr('x1', tx).attr('x2', tx).attr('y1', 30).attr('y2', 34).attr('stroke', 'currentColor');
    const anchor = i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle';
    axis
      .append('text')
      .attr('x', i === 0 ? tx - 1 : i === ticks.length - 1 ? tx + 1 : tx)
      .attr('y', 44)
      .attr('text-anchor', anchor)
      .attr('fill', 'currentColor')
      .text(symlog ? formatNumber(v, 2) : fmt(v));
  });
  const ends = o.ends ?? ['negative', 'positive'];
  svg
    .append('text')
    .attr('x', x0)
    .attr('y', 58)
    .attr('font-size', 10)
    .attr('fill', 'currentColor')
    .attr('fill-opacity', 0.8)
    .text(`◀ − ${ends[0]}`);
  svg
    .append('text')
    .attr('x', x0 + barW)
    .attr('y', 58)
    .attr('text-anchor', 'end')
    .attr('font-size', 10)
    .attr('fill', 'currentColor')
    .attr('fill-opacity', 0.8)
    .text(`${ends[1]} + ▶`);
  return el;
}
