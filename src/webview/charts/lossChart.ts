/**
 * Loss per sample: one bar per sample sorted from the worst down while they fit, a histogram
 * beyond. Clicking (or Enter on) a bar selects its sample; a histogram bin selects its worst sample,
 * and clicking it again steps to the next one in the bin.
 */
import { axisBottom, axisLeft } from 'd3-axis';
import { bin } from 'd3-array';
import { scaleLinear } from 'd3-scale';
import { select, type Selection } from 'd3-selection';
import { fmt, plural } from '../format';
import type { ChartUi, TooltipContent } from '../tooltip';
import { attachGridNav, type Block } from './gridNav';

export interface LossChartOptions {
  losses: ArrayLike<number>;
  selected: number;
  /** The reduced loss, drawn as a line. */
  reducedLoss?: number;
  reductionLabel?: string;
  width: number;
  height?: number;
  /** Sorted bars up to this many samples, histogram above. */
  maxBars?: number;
  describe(index: number): TooltipContent;
  select(index: number): void;
}

export interface LossChartHandle {
  element: SVGSVGElement;
  mode: 'sorted' | 'histogram';
  setSelected(i: number): void;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const M = { top: 22, right: 12, bottom: 34, left: 48 };
const r2 = (v: number) => Math.round(v * 100) / 100;
type Svg = Selection<SVGSVGElement, unknown, null, undefined>;

function styleAxis(g: Selection<SVGGElement, unknown, null, undefined>): void {
  g.attr('font-size', 10).attr('font-family', null);
  g.selectAll('.domain, .tick line').attr('stroke', 'currentColor').attr('stroke-opacity', 0.45);
  g.selectAll('.tick text').attr('fill', 'currentColor');
}

export function lossChart(doc: Document, o: LossChartOptions, ui: ChartUi): LossChartHandle {
  const n = o.losses.length;
  const width = Math.max(240, o.width);
  const height = o.height ?? 220;
  const iw = width - M.left - M.right;
  const ih = height - M.top - M.bottom;
  let yMax = 0;
  for (let i = 0; i < n; i++) if (Number.isFinite(o.losses[i])) yMax = Math.max(yMax, o.losses[i]);
  if (!(yMax > 0)) yMax = 1;
  const finite = (v: number) => (Number.isFinite(v) ? v : yMax);
  const mode = n <= (o.maxBars ?? 240) ? 'sorted' : 'histogram';

  const el = doc.createElementNS(SVG_NS, 'svg') as SVGSVGElement;
  const svg: Svg = select(el)
    .attr('class', 'gl-chart gl-loss-chart')
    .attr('data-testid', 'loss-chart')
    .attr('data-mode', mode)
    .attr('width', width)
    .attr('height', height)
    .attr('viewBox', `0 0 ${width} ${height}`)
    .attr('role', 'application')
    .attr('aria-roledescription', mode === 'sorted' ? 'bar chart' : 'histogram')
    .attr(
      'aria-label',
      `Loss per sample, ${plural(n, 'sample')}, ${mode === 'sorted' ? 'sorted from the largest' : 'as a histogram'}. Arrow keys move, Enter selects a sample.`,
    );

  const plot = svg.append('g').attr('transform', `translate(${M.left},${M.top})`);
  let setSelected: (i: number) => void;
  let cells: number;
  let blockOf: (i: number) => number;
  let activate: (c: number) => void;
  let describeCell: (c: number) => TooltipContent;
  let cellX: (c: number) => number;
  let cellW: number;

  if (mode === 'sorted') {
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => finite(o.losses[b]) - finite(o.losses[a]) || a - b);
    const rank = new Int32Array(n);
    order.forEach((s, r) => (rank[s] = r));
    const y = scaleLinear().domain([0, yMax]).nice().range([ih, 0]);
    cellW = iw / Math.max(1, n);
    const gap = cellW > 4 ? 1 : 0;
    const barsG = plot.append('g').attr('class', 'gl-loss-bars');
    order.forEach((s, r) => {
      const v = o.losses[s];
      barsG
        .append('rect')
        .attr('data-testid', 'loss-bar')
        .attr('data-index', s)
        .attr('data-rank', r)
        .attr('data-value', String(v))
        .attr('x', r2(r * cellW + gap / 2))
        .attr('y', r2(y(finite(v))))
        .attr('width', r2(Math.max(0.5, cellW - gap)))
        .attr('height', r2(ih - y(finite(v))))
        .attr('fill', 'currentColor')
        .attr('fill-opacity', 0.45);
    });
    if (cellW >= 16) {
      // Wide bars say which sample they are.
      const ids = plot
        .append('g')
        .attr('class', 'gl-sample-ids')
        .attr('font-size', 9)
        .attr('text-anchor', 'middle')
        .attr('fill', 'currentColor')
        .attr('fill-opacity', 0.75);
      order.forEach((s, r) =>
        ids
          .append('text')
          .attr('x', r2((r + 0.5) * cellW))
          .attr('y', ih + 11)
          .text(s),
      );
    }
    plot
      .append('g')
      .attr('class', 'gl-axis')
      .call(
        axisLeft(y)
          .ticks(4)
          .tickFormat((d) => fmt(d as number)),
      )
      .call(styleAxis);
    plot
      .append('text')
      .attr('x', iw / 2)
      .attr('y', ih + 27)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', 'currentColor')
      .text('samples, largest loss first');
    drawReduced(plot, o, y, iw);
    const sel = plot.append('g').attr('class', 'gl-selected').attr('data-testid', 'loss-selected').attr('pointer-events', 'none');
    setSelected = (i) => {
      sel.selectAll('*').remove();
      barsG.selectAll('rect').attr('fill-opacity', 0.45).classed('gl-is-selected', false);
      if (i < 0 || i >= n) return;
      const r = rank[i];
      barsG.select(`rect[data-index="${i}"]`).attr('fill-opacity', 1).classed('gl-is-selected', true);
      sel.attr('data-index', i);
      const cx = r2((r + 0.5) * cellW);
      const top = y(finite(o.losses[i]));
      sel
        .append('path')
        .attr('d', `M${cx},${r2(top - 3)} l-4,-6 h8 z`)
        .attr('fill', 'currentColor');
      sel
        .append('text')
        .attr('x', cx)
        .attr('y', r2(Math.max(-8, top - 12)))
        .attr('text-anchor', r > n * 0.8 ? 'end' : r < n * 0.2 ? 'start' : 'middle')
        .attr('font-size', 10)
        .attr('fill', 'currentColor')
        .text(`#${i} · ${fmt(o.losses[i])}`);
    };
    cells = n;
    blockOf = (i) => rank[i];
    activate = (c) => o.select(order[c]);
    describeCell = (c) => o.describe(order[c]);
    cellX = (c) => (c + 1) * cellW;
  } else {
    const values = Array.from({ length: n }, (_, i) => finite(o.losses[i]));
    const bins = bin()
      .domain([0, yMax])
      .thresholds(Math.min(40, Math.ceil(Math.sqrt(n))))(values);
    const members: number[][] = bins.map(() => []);
    const binOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let b = bins.findIndex((bn) => values[i] < (bn.x1 as number));
      if (b < 0) b = bins.length - 1;
      binOf[i] = b;
      members[b].push(i);
    }
    for (const m of members) m.sort((a, b) => values[b] - values[a] || a - b);
    const x = scaleLinear().domain([0, yMax]).range([0, iw]);
    const y = scaleLinear()
      .domain([0, Math.max(...members.map((m) => m.length))])
      .nice()
      .range([ih, 0]);
    const barsG = plot.append('g').attr('class', 'gl-loss-bins');
    bins.forEach((bn, b) => {
      barsG
        .append('rect')
        .attr('data-testid', 'loss-bin')
        .attr('data-bin', b)
        .attr('data-x0', String(bn.x0))
        .attr('data-x1', String(bn.x1))
        .attr('data-count', members[b].length)
        .attr('x', r2(x(bn.x0 as number) + 0.5))
        .attr('y', r2(y(members[b].length)))
        .attr('width', r2(Math.max(0.5, x(bn.x1 as number) - x(bn.x0 as number) - 1)))
        .attr('height', r2(ih - y(members[b].length)))
        .attr('fill', 'currentColor')
        .attr('fill-opacity', 0.45);
    });
    plot
      .append('g')
      .attr('class', 'gl-axis')
      .call(
        axisLeft(y)
          .ticks(4)
          .tickFormat((d) => fmt(d as number)),
      )
      .call(styleAxis);
    plot
      .append('g')
      .attr('class', 'gl-axis')
      .attr('transform', `translate(0,${ih})`)
      .call(
        axisBottom(x)
          .ticks(6)
          .tickFormat((d) => fmt(d as number)),
      )
      .call(styleAxis);
    plot
      .append('text')
      .attr('x', iw / 2)
      .attr('y', ih + 30)
      .attr('text-anchor', 'middle')
      .attr('font-size', 11)
      .attr('fill', 'currentColor')
      .text('loss (samples per bin)');
    const sel = plot.append('g').attr('class', 'gl-selected').attr('data-testid', 'loss-selected').attr('pointer-events', 'none');
    setSelected = (i) => {
      sel.selectAll('*').remove();
      barsG.selectAll('rect').attr('fill-opacity', 0.45);
      if (i < 0 || i >= n) return;
      barsG.select(`rect[data-bin="${binOf[i]}"]`).attr('fill-opacity', 0.85);
      const cx = r2(x(values[i]));
      sel.attr('data-index', i);
      sel
        .append('line')
        .attr('x1', cx)
        .attr('x2', cx)
        .attr('y1', -4)
        .attr('y2', ih)
        .attr('stroke', 'currentColor')
        .attr('stroke-width', 1.5);
      sel
        .append('text')
        .attr('x', cx)
        .attr('y', -8)
        .attr('text-anchor', values[i] > yMax * 0.8 ? 'end' : 'middle')
        .attr('font-size', 10)
        .attr('fill', 'currentColor')
        .text(`#${i} · ${fmt(o.losses[i])}`);
    };
    cells = bins.length;
    blockOf = (i) => binOf[i];
    let cursor = { bin: -1, pos: 0 };
    activate = (c) => {
      const m = members[c];
      if (!m.length) return;
      cursor = cursor.bin === c ? { bin: c, pos: (cursor.pos + 1) % m.length } : { bin: c, pos: 0 };
      o.select(m[cursor.pos]);
    };
    describeCell = (c) => ({
      title: `Loss ${fmt(bins[c].x0 as number)} – ${fmt(bins[c].x1 as number)}`,
      rows: [
        ['samples', String(members[c].length)],
        ['worst', members[c].length ? `#${members[c][0]} (${fmt(values[members[c][0]])})` : '–'],
      ],
      note: members[c].length ? 'Click selects the worst; click again for the next.' : undefined,
    });
    cellW = iw / bins.length;
    cellX = (c) => x(bins[c].x1 as number);
  }

  const focusRect = plot
    .append('rect')
    .attr('class', 'gl-focus')
    .attr('data-testid', 'loss-focus')
    .attr('fill', 'none')
    .attr('stroke-width', 2)
    .attr('pointer-events', 'none')
    .attr('display', 'none');
  const hit = (ev: MouseEvent): Block | null => {
    const box = el.getBoundingClientRect();
    const lx = ev.clientX - box.left - M.left;
    const ly = ev.clientY - box.top - M.top;
    if (lx < 0 || lx >= iw || ly < -10 || ly > ih) return null;
    let c = 0;
    while (c < cells - 1 && lx >= cellX(c)) c++;
    return { r0: 0, r1: 1, c0: c, c1: c + 1 };
  };
  // Whether the focus ring is drawn (the chart has keyboard focus), so a new selection can move it.
  let ringShown = false;
  let current = o.selected;
  const nav = attachGridNav(
    el,
    {
      rows: 1,
      cols: cells,
      hit,
      anchor(_r, c) {
        const box = el.getBoundingClientRect();
        return { x: box.left + M.left + cellX(c), y: box.top + M.top + ih / 2 };
      },
      describe: (b) => describeCell(b.c0),
      showFocus(cell) {
        ringShown = cell !== null;
        if (!cell) focusRect.attr('display', 'none');
        else
          focusRect
            .attr('display', null)
            .attr('x', r2(cellX(cell.c) - cellW))
            .attr('y', -2)
            .attr('width', r2(Math.max(3, cellW)))
            .attr('height', ih + 4);
      },
      activate: (b) => activate(b.c0),
      initialFocus: () => ({ r: 0, c: current >= 0 && current < n ? blockOf(current) : 0 }),
    },
    ui,
  );
  setSelected(o.selected);
  // A selection made elsewhere (the editor's cursor, a click, another view) takes the focus ring
  // with it; before, the ring stayed on the bar it was on (issue 16's stale focus ring).
  const selectAndFocus = (i: number) => {
    setSelected(i);
    current = i;
    if (i < 0 || i >= n) return;
    const c = blockOf(i);
    if (!ringShown) nav.reset();
    else if (nav.focused()?.c !== c) nav.focus(0, c);
  };
  return { element: el, mode, setSelected: selectAndFocus };
}

function drawReduced(
  plot: Selection<SVGGElement, unknown, null, undefined>,
  o: LossChartOptions,
  y: (v: number) => number,
  iw: number,
): void {
  if (o.reducedLoss === undefined || !Number.isFinite(o.reducedLoss)) return;
  const yy = r2(y(o.reducedLoss));
  const g = plot
    .append('g')
    .attr('class', 'gl-reduced')
    .attr('data-testid', 'loss-reduced')
    .attr('data-value', String(o.reducedLoss))
    .attr('pointer-events', 'none');
  g.append('line')
    .attr('x1', 0)
    .attr('x2', iw)
    .attr('y1', yy)
    .attr('y2', yy)
    .attr('stroke', 'currentColor')
    .attr('stroke-dasharray', '4 3')
    .attr('stroke-opacity', 0.8);
  g.append('text')
    .attr('x', iw)
    .attr('y', yy - 4)
    .attr('text-anchor', 'end')
    .attr('font-size', 10)
    .attr('fill', 'currentColor')
    .text(`${o.reductionLabel ?? 'mean'} ${fmt(o.reducedLoss)}`);
}
