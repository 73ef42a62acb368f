/**
 * The viewer's heatmap of an array of any rank: a choice of the two axes to draw and an index for
 * every other axis; the page asks the host for that slice (NpySliceRequest) and draws the answer
 * on a canvas with a colour bar: diverging blue–white–red centred on 0 when the slice has negative
 * values, sequential white→blue when it does not; NaN grey. Sizes are canvas attributes.
 */
import type { NpySliceMessage, NpySliceRequest } from '../../shared/protocol';
import { fmt6 } from './numberText';

type Rgb = [number, number, number];

/** The colour of v on the slice's scale (exported for its test). */
export function sliceColor(v: number, lo: number, hi: number): Rgb {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? [160, 160, 160] : v > 0 ? [103, 0, 13] : [5, 48, 97];
  if (lo < 0) {
    const m = Math.max(-lo, hi) || 1;
    const t = Math.max(-1, Math.min(1, v / m));
    const end: Rgb = t < 0 ? [33, 102, 172] : [178, 24, 43];
    const a = Math.abs(t);
    return [0, 1, 2].map((k) => Math.round(255 + (end[k] - 255) * a)) as Rgb;
  }
  const t = hi > lo ? (v - Math.min(0, lo)) / (hi - Math.min(0, lo)) : 0;
  const a: Rgb = [247, 251, 255];
  const b: Rgb = [8, 48, 107];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t)) as Rgb;
}

export interface Slicer {
  element: HTMLElement;
  accept(m: NpySliceMessage): void;
}

export function slicer(doc: Document, array: number, shape: readonly number[], request: (r: NpySliceRequest) => void): Slicer {
  const rank = shape.length;
  const s = { rowAxis: rank - 2, colAxis: rank - 1, index: new Array<number>(rank).fill(0) };
  let data: NpySliceMessage | null = null;
  let cell = 1;
  const el = doc.createElement('div');
  el.className = 'slicer';
  const ask = () => request({ type: 'npySlice', array, rowAxis: s.rowAxis, colAxis: s.colAxis, index: s.index.slice() });
  const controls = doc.createElement('div');
  controls.className = 'slice-controls';
  const selects: HTMLSelectElement[] = [];
  const indices = doc.createElement('span');
  const axisSelect = (label: string, key: 'rowAxis' | 'colAxis') => {
    const wrap = doc.createElement('label');
    wrap.textContent = `${label} `;
    const sel = doc.createElement('select');
    sel.dataset.testid = key;
    shape.forEach((n, d) => {
      const o = doc.createElement('option');
      o.value = String(d);
      o.textContent = `axis ${d} (${n})`;
      sel.append(o);
    });
    sel.addEventListener('change', () => {
      const other = key === 'rowAxis' ? 'colAxis' : 'rowAxis';
      const v = Number(sel.value);
      if (v === s[other]) s[other] = s[key];
      s[key] = v;
      build();
      ask();
    });
    selects.push(sel);
    wrap.append(sel);
    return wrap;
  };
  function build() {
    for (const sel of selects) sel.value = String(s[sel.dataset.testid as 'rowAxis' | 'colAxis']);
    indices.textContent = '';
    shape.forEach((n, d) => {
      if (d === s.rowAxis || d === s.colAxis) return;
      const wrap = doc.createElement('label');
      wrap.textContent = ` axis ${d} index `;
      const input = doc.createElement('input');
      input.type = 'number';
      input.min = '0';
      input.max = String(n - 1);
      input.value = String(s.index[d]);
      input.dataset.testid = `index-${d}`;
      input.addEventListener('change', () => {
        const v = Math.max(0, Math.min(n - 1, Math.floor(Number(input.value)) || 0));
        input.value = String(v);
        s.index[d] = v;
        ask();
      });
      wrap.append(input);
      indices.append(wrap);
    });
  }
  controls.append(axisSelect('rows', 'rowAxis'), ' ', axisSelect('columns', 'colAxis'), indices);
  const figure = doc.createElement('div');
  figure.className = 'slice-figure';
  const canvas = doc.createElement('canvas');
  canvas.dataset.testid = 'heatmap';
  const bar = doc.createElement('canvas');
  bar.dataset.testid = 'colorbar';
  const barLabels = doc.createElement('div');
  barLabels.className = 'bar-labels';
  const caption = doc.createElement('p');
  caption.className = 'meta';
  caption.dataset.testid = 'slice-caption';
  figure.append(canvas, bar, barLabels);
  el.append(controls, figure, caption);
  canvas.addEventListener('mousemove', (e) => {
    if (!data) return;
    const r = Math.floor(e.offsetY / cell);
    const c = Math.floor(e.offsetX / cell);
    if (r < 0 || c < 0 || r >= data.rows || c >= data.cols) return;
    const idx = s.index.slice();
    idx[s.rowAxis] = r;
    idx[s.colAxis] = c;
    canvas.title = `[${idx.join(', ')}] = ${fmt6(data.values[r * data.cols + c])}`;
  });
  build();
  ask();

  function accept(m: NpySliceMessage) {
    if (m.error) {
      caption.textContent = m.error;
      return;
    }
    data = m;
    const { rows, cols, values } = m;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values)
      if (Number.isFinite(v)) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
    if (lo > hi) lo = hi = 0;
    cell = Math.max(1, Math.min(24, Math.floor(480 / Math.max(rows, cols))));
    canvas.width = cols * cell;
    canvas.height = rows * cell;
    const ctx = canvas.getContext('2d')!;
    const img = ctx.createImageData(cols * cell, rows * cell);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) {
        const [r, g, b] = sliceColor(values[i * cols + j], lo, hi);
        for (let y = 0; y < cell; y++)
          for (let x = 0; x < cell; x++) {
            const p = ((i * cell + y) * cols * cell + j * cell + x) * 4;
            img.data[p] = r;
            img.data[p + 1] = g;
            img.data[p + 2] = b;
            img.data[p + 3] = 255;
          }
      }
    ctx.putImageData(img, 0, 0);
    const h = Math.max(60, rows * cell);
    bar.width = 16;
    bar.height = h;
    const bctx = bar.getContext('2d')!;
    const top = lo < 0 ? Math.max(-lo, hi) : hi;
    const bottom = lo < 0 ? -Math.max(-lo, hi) : Math.min(0, lo);
    for (let y = 0; y < h; y++) {
      const [r, g, b] = sliceColor(top + (bottom - top) * (y / Math.max(1, h - 1)), lo < 0 ? bottom : lo, top);
      bctx.fillStyle = `rgb(${r},${g},${b})`;
      bctx.fillRect(0, y, 16, 1);
    }
    barLabels.textContent = '';
    for (const v of lo < 0 ? [top, 0, bottom] : [top, bottom]) {
      const d = doc.createElement('div');
      d.textContent = fmt6(v);
      barLabels.append(d);
    }
    el.dataset.scale = lo < 0 ? 'diverging' : 'sequential';
    const more = m.totalRows > rows || m.totalCols > cols ? ` (first ${rows} × ${cols} of ${m.totalRows} × ${m.totalCols})` : '';
    const fixed = s.index.map((v, d) => (d === s.rowAxis || d === s.colAxis ? ':' : String(v)));
    caption.textContent =
      `slice [${fixed.join(', ')}]: rows = axis ${s.rowAxis}, columns = axis ${s.colAxis}${more}, ` +
      `${lo < 0 ? 'diverging scale centred on 0' : 'sequential scale'}, min ${fmt6(lo)}, max ${fmt6(hi)}`;
  }
  return { element: el, accept };
}
