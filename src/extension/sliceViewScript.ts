/**
 * The viewer page's heatmap of any-rank arrays, as script text for its nonce'd <script>: for each
 * `.slicer` element, a choice of the two axes to draw and an index for every other axis; the
 * page asks the host for the slice ({type: 'slice', array, rowAxis, colAxis, index}) and draws the
 * answer on a canvas, with a colour bar: diverging blue–white–red centred on 0 when the slice has
 * negative values, sequential white→blue when it does not; NaN grey. No inline styles (the CSP
 * has no 'unsafe-inline'): sizes are canvas attributes.
 */
export const SLICE_SCRIPT = String.raw`
(() => {
  const slicers = new Map();
  const fmt = (v) => (Number.isFinite(v) ? (Math.abs(v) !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6) ? v.toExponential(3) : String(Number(v.toPrecision(5)))) : String(v));
  function color(v, lo, hi) {
    if (!Number.isFinite(v)) return Number.isNaN(v) ? [160, 160, 160] : v > 0 ? [103, 0, 13] : [5, 48, 97];
    if (lo < 0) {
      const m = Math.max(-lo, hi) || 1;
      const t = Math.max(-1, Math.min(1, v / m));
      const end = t < 0 ? [33, 102, 172] : [178, 24, 43];
      const a = Math.abs(t);
      return [0, 1, 2].map((k) => Math.round(255 + (end[k] - 255) * a));
    }
    const t = hi > lo ? (v - Math.min(0, lo)) / (hi - Math.min(0, lo)) : 0;
    const a = [247, 251, 255], b = [8, 48, 107];
    return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * t));
  }
  function request(s) {
    vscode.postMessage({ type: 'slice', array: s.array, rowAxis: s.rowAxis, colAxis: s.colAxis, index: s.index.slice() });
  }
  for (const el of document.querySelectorAll('.slicer')) {
    const shape = el.dataset.shape.split(',').map(Number);
    const rank = shape.length;
    const s = { array: Number(el.dataset.array), shape, rowAxis: rank - 2, colAxis: rank - 1, index: new Array(rank).fill(0), el };
    const controls = document.createElement('div');
    controls.className = 'slice-controls';
    const axisSelect = (label, key) => {
      const wrap = document.createElement('label');
      wrap.textContent = label + ' ';
      const sel = document.createElement('select');
      sel.dataset.testid = key;
      shape.forEach((n, d) => { const o = document.createElement('option'); o.value = String(d); o.textContent = 'axis ' + d + ' (' + n + ')'; sel.append(o); });
      sel.value = String(s[key]);
      sel.addEventListener('change', () => {
        const other = key === 'rowAxis' ? 'colAxis' : 'rowAxis';
        const v = Number(sel.value);
        if (v === s[other]) s[other] = s[key];
        s[key] = v;
        build();
        request(s);
      });
      wrap.append(sel);
      return wrap;
    };
    const indices = document.createElement('span');
    function build() {
      controls.querySelectorAll('select').forEach((sel) => { sel.value = String(s[sel.dataset.testid]); });
      indices.textContent = '';
      shape.forEach((n, d) => {
        if (d === s.rowAxis || d === s.colAxis) return;
        const wrap = document.createElement('label');
        wrap.textContent = ' axis ' + d + ' index ';
        const input = document.createElement('input');
        input.type = 'number'; input.min = '0'; input.max = String(n - 1); input.value = String(s.index[d]);
        input.dataset.testid = 'index-' + d;
        input.addEventListener('change', () => {
          const v = Math.max(0, Math.min(n - 1, Math.floor(Number(input.value)) || 0));
          input.value = String(v);
          s.index[d] = v;
          request(s);
        });
        wrap.append(input);
        indices.append(wrap);
      });
    }
    controls.append(axisSelect('rows', 'rowAxis'), ' ', axisSelect('columns', 'colAxis'), indices);
    const figure = document.createElement('div');
    figure.className = 'slice-figure';
    const canvas = document.createElement('canvas');
    canvas.dataset.testid = 'heatmap';
    const bar = document.createElement('canvas');
    bar.dataset.testid = 'colorbar';
    const barLabels = document.createElement('div');
    barLabels.className = 'bar-labels';
    const caption = document.createElement('p');
    caption.className = 'meta';
    caption.dataset.testid = 'slice-caption';
    figure.append(canvas, bar, barLabels);
    el.append(controls, figure, caption);
    s.canvas = canvas; s.bar = bar; s.barLabels = barLabels; s.caption = caption;
    canvas.addEventListener('mousemove', (e) => {
      if (!s.data) return;
      const r = Math.floor(e.offsetY / s.cell), c = Math.floor(e.offsetX / s.cell);
      if (r < 0 || c < 0 || r >= s.data.rows || c >= s.data.cols) return;
      const idx = s.index.slice(); idx[s.rowAxis] = r; idx[s.colAxis] = c;
      canvas.title = '[' + idx.join(', ') + '] = ' + fmt(s.data.values[r * s.data.cols + c]);
    });
    slicers.set(s.array, s);
    build();
    request(s);
  }
  window.addEventListener('message', (event) => {
    const m = event.data;
    if (!m || m.type !== 'slice') return;
    const s = slicers.get(m.array);
    if (!s) return;
    if (m.error) { s.caption.textContent = m.error; return; }
    s.data = m;
    const { rows, cols, values } = m;
    let lo = Infinity, hi = -Infinity;
    for (const v of values) if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
    if (lo > hi) { lo = 0; hi = 0; }
    const cell = Math.max(1, Math.min(24, Math.floor(480 / Math.max(rows, cols))));
    s.cell = cell;
    s.canvas.width = cols * cell; s.canvas.height = rows * cell;
    const ctx = s.canvas.getContext('2d');
    const img = ctx.createImageData(cols * cell, rows * cell);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      const [r, g, b] = color(values[i * cols + j], lo, hi);
      for (let y = 0; y < cell; y++) for (let x = 0; x < cell; x++) {
        const p = ((i * cell + y) * cols * cell + j * cell + x) * 4;
        img.data[p] = r; img.data[p + 1] = g; img.data[p + 2] = b; img.data[p + 3] = 255;
      }
    }
    ctx.putImageData(img, 0, 0);
    const h = Math.max(60, rows * cell);
    s.bar.width = 16; s.bar.height = h;
    const bctx = s.bar.getContext('2d');
    const top = lo < 0 ? Math.max(-lo, hi) : hi, bottom = lo < 0 ? -Math.max(-lo, hi) : Math.min(0, lo);
    for (let y = 0; y < h; y++) {
      const [r, g, b] = color(top + (bottom - top) * (y / Math.max(1, h - 1)), lo < 0 ? bottom : lo, top);
      bctx.fillStyle = 'rgb(' + r + ',' + g + ',' + b + ')';
      bctx.fillRect(0, y, 16, 1);
    }
    s.barLabels.textContent = '';
    for (const v of lo < 0 ? [top, 0, bottom] : [top, bottom]) { const d = document.createElement('div'); d.textContent = fmt(v); s.barLabels.append(d); }
    s.el.dataset.scale = lo < 0 ? 'diverging' : 'sequential';
    const more = m.totalRows > rows || m.totalCols > cols ? ' (first ' + rows + ' × ' + cols + ' of ' + m.totalRows + ' × ' + m.totalCols + ')' : '';
    const fixed = s.index.map((v, d) => (d === s.rowAxis || d === s.colAxis ? ':' : String(v)));
    s.caption.textContent = 'slice [' + fixed.join(', ') + ']: rows = axis ' + s.rowAxis + ', columns = axis ' + s.colAxis + more + ', ' + (lo < 0 ? 'diverging scale centred on 0' : 'sequential scale') + ', min ' + fmt(lo) + ', max ' + fmt(hi);
  });
})();
`;
