/**
 * A strip over all K classes showing where a sub-matrix's classes sit: p per pixel as a thin
 * profile (the largest p of the classes under each pixel, height ∝ √(p / max p)), and a mark per shown class. Clicking
 * picks the class of largest p under the pointer (to pin it).
 */
import { select } from 'd3-selection';

export interface OverviewStripOptions {
  /** Values over all classes drawn as the profile (p), ≥ 0. */
  values: ArrayLike<number>;
  /** Classes shown in the sub-matrix, with a short tag for those worth naming (true, pred). */
  marks: { index: number; tag?: string; name: string }[];
  width: number;
  label: string;
  /** Click on the strip: the class under the pointer. */
  pick?(index: number): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const H = 22;
const r2 = (v: number) => Math.round(v * 100) / 100;

export function overviewStrip(doc: Document, o: OverviewStripOptions): SVGSVGElement {
  const k = o.values.length;
  const w = Math.max(120, Math.round(o.width));
  const x0 = 4;
  const plotW = w - 8;
  const el = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const svg = select(el)
    .attr('class', 'gl-chart gl-overview')
    .attr('data-testid', 'overview-strip')
    .attr('data-classes', k)
    .attr('width', w)
    .attr('height', H + 18)
    .attr('role', 'img')
    .attr('aria-label', `${o.label}: ${o.marks.length} of ${k} classes shown, at ${o.marks.map((m) => `${m.index} ${m.name}`).join(', ')}`);
  svg
    .append('rect')
    .attr('x', x0)
    .attr('y', 2)
    .attr('width', plotW)
    .attr('height', H)
    .attr('fill', 'none')
    .attr('stroke', 'currentColor')
    .attr('stroke-opacity', 0.35);
  // The profile: one column per pixel, the largest value under it (a lone spike survives).
  const px = Math.max(1, Math.floor(plotW));
  let top = 0;
  for (let i = 0; i < k; i++) if (o.values[i] > top) top = o.values[i];
  let d = '';
  for (let x = 0; x < px; x++) {
    const a = Math.floor((x * k) / px);
    const b = Math.max(a + 1, Math.floor(((x + 1) * k) / px));
    let m = 0;
    for (let i = a; i < b; i++) if (o.values[i] > m) m = o.values[i];
    // √ of the share of the top p, so the runners-up show beside a dominant class.
    if (m > 0 && top > 0) d += `M${r2(x0 + x + 0.5)},${H + 2}v${-r2(Math.max(1, Math.sqrt(m / top) * (H - 4)))}`;
  }
  svg
    .append('path')
    .attr('class', 'gl-overview-profile')
    .attr('d', d)
    .attr('stroke', 'currentColor')
    .attr('stroke-opacity', 0.55)
    .attr('fill', 'none');
  const at = (i: number) => r2(x0 + ((i + 0.5) / k) * plotW);
  const marks = svg.append('g').attr('class', 'gl-overview-marks');
  for (const m of o.marks) {
    const g = marks.append('g').attr('data-testid', 'overview-mark').attr('data-class', m.index);
    g.append('path')
      .attr('d', `M${at(m.index)},${H + 3}l-3.5,6h7z`)
      .attr('fill', m.tag ? 'var(--vscode-focusBorder, currentColor)' : 'currentColor');
    g.append('title').text(`${m.index} · ${m.name}${m.tag ? ` (${m.tag})` : ''}`);
  }
  // Names for the tagged classes only, each centred on its mark where it fits, pushed apart so they
  // do not overlap: rightwards from the left edge, then leftwards from the right edge (two
  // classes near the end, as 932 and 975 of 1,000, would otherwise both be pinned to it).
  const names = [...o.marks]
    .filter((m) => m.tag)
    .sort((a, b) => a.index - b.index)
    .map((m) => {
      const text = `${m.tag}: ${m.name}`;
      const tw = Math.min(160, text.length * 6);
      return { text, tw, x: at(m.index) - tw / 2 };
    });
  let lastEnd = -6;
  for (const n of names) lastEnd = (n.x = Math.max(n.x, lastEnd + 6)) + n.tw;
  let nextStart = w + 6;
  for (const n of [...names].reverse()) nextStart = n.x = Math.max(0, Math.min(n.x, nextStart - 6 - n.tw));
  for (const n of names) {
    marks
      .append('text')
      .attr('x', r2(n.x))
      .attr('y', H + 17)
      .attr('font-size', 10)
      .attr('fill', 'currentColor')
      .text(n.text.length > 27 ? n.text.slice(0, 26) + '…' : n.text);
  }
  if (o.pick) {
    el.style.cursor = 'pointer';
    el.addEventListener('click', (ev) => {
      const box = el.getBoundingClientRect();
      const lx = (ev as MouseEvent).clientX - box.left - x0;
      if (lx < 0 || lx > plotW) return;
      // The class of largest value within ±3 px of the pointer: a one-pixel spike is easy to hit.
      const a = Math.max(0, Math.floor(((lx - 3) / plotW) * k));
      const b = Math.min(k, Math.max(a + 1, Math.ceil(((lx + 3) / plotW) * k)));
      let best = a;
      for (let i = a; i < b; i++) if (o.values[i] > o.values[best]) best = i;
      o.pick!(best);
    });
  }
  return el;
}
