/** ∂L/∂z of the whole batch, N × K; clicking a row selects that sample. */
import type { ClassificationPayload } from '../../shared/protocol';
import { heatmap } from '../charts/heatmap';
import { legend } from '../charts/legend';
import { SCROLL_BOX_H } from '../charts/heatmapFrame';
import { denseSource, symlogDecades } from '../charts/matrixSource';
import { divergingScale, GRADIENT_DECADES } from '../colors';
import { precise, fmt, fmtSigned, grouped } from '../format';
import { blockTooltip } from './describe';
import { batchScale, className, DEFAULT_FOCUS, el, heading, type ViewContext, type ViewHandle } from './common';
import { roleTag, FOCUS_MIN_K, FOCUS_TOP, focusColumnsFromMax } from './focusClasses';
import type { MatrixBlock } from '../../core/tensorQuery';
import { focusControls } from './focusControls';

/** Rows are at least this tall: a tall batch scrolls instead of drawing rows under a pixel. */
export const MATRIX_MIN_ROW_PX = 14;

/** Cells in a copied table; beyond it the copy stops at whole rows and says so. */
export const MATRIX_COPY_MAX_CELLS = 2_000_000;

/** Rows asked for in one query: 2¹⁹ cells (4 MB), one host turn each. */
const CHUNK_CELLS = 1 << 19;
/** Cells the full matrix shows at most (128 MB); a larger batch shows its first rows and says so. */
export const MATRIX_MAX_CELLS = 1 << 24;

export function renderMatrix(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  const { doc } = ctx;
  const { n, k } = payload;
  const s = batchScale(payload);
  const name = (j: number) => className(payload.classes, j);
  // Large K: by default the columns that matter — the largest |∂L/∂z| anywhere in the batch, the
  // selected sample's true and predicted class, and pinned classes.
  const focus = ctx.focus ?? DEFAULT_FOCUS;
  const sel = ctx.selected;
  const colMax = k > FOCUS_MIN_K ? ctx.pull<Float64Array>('colMax:logitGradient', { kind: 'columnMaxAbs', field: 'logitGradient' }) : null;
  if (k > FOCUS_MIN_K && !colMax) return loading(host, ctx, 'Reading the largest |∂L/∂z| of each class…');
  const cols =
    colMax && !focus.showAll
      ? focusColumnsFromMax(colMax, 2 * FOCUS_TOP, [payload.actual[sel], payload.predicted[sel], ...focus.pinned])
      : null;
  const width = cols ? cols.length : k;
  const rowsShown = Math.min(n, Math.max(1, Math.floor(MATRIX_MAX_CELLS / width)));
  const g = pullRows(ctx, rowsShown, width, cols);
  if (!g) return loading(host, ctx, `Reading ∂L/∂z of ${grouped(rowsShown)} samples…`);
  const source = denseSource(g, rowsShown, width);
  const cls = (c: number) => (cols ? cols[c] : c);
  const scale = divergingScale(ctx.theme, source.maxAbs(), 'symlog', symlogDecades(source, GRADIENT_DECADES));
  host.appendChild(
    heading(
      doc,
      `∂L/∂z of the batch · ${grouped(n)} × ${grouped(k)}`,
      `One row per sample: ${s !== 1 ? '(p − y)/N' : 'p − y'}. Click a row, or press Enter on it, to select that sample.`,
    ),
  );
  if (rowsShown < n)
    host.appendChild(
      el(
        doc,
        'p',
        { class: 'gl-caption', 'data-testid': 'matrix-rows-note' },
        `The first ${grouped(rowsShown)} of ${grouped(n)} samples (every class of all of them would be more than ${grouped(MATRIX_MAX_CELLS)} cells); the classes that matter show every sample.`,
      ),
    );
  if (colMax) {
    const marks = (cols ?? []).map((j) => ({
      index: j,
      name: name(j),
      tag: roleTag([
        ...(j === payload.actual[sel] ? ['true' as const] : []),
        ...(j === payload.predicted[sel] ? ['predicted' as const] : []),
      ]),
    }));
    const summary = `the ${2 * FOCUS_TOP} with the largest |∂L/∂z| in the batch, sample ${sel}'s true and predicted class${focus.pinned.length ? ' and the pinned ones' : ''}, in class order.`;
    host.appendChild(
      focusControls(doc, ctx, {
        k,
        shown: cols?.length ?? k,
        summary,
        name,
        stripWhat: 'the largest |∂L/∂z| of each class over the batch',
        strip: { values: colMax, marks, width: Math.min(ctx.width, 720), label: 'largest |∂L/∂z| per class over the batch' },
      }),
    );
  }
  const wrap = el(doc, 'div', { class: 'gl-chart-row' });
  host.appendChild(wrap);
  const chart = heatmap(
    doc,
    {
      source,
      scale,
      theme: ctx.theme,
      width: Math.min(ctx.width, 900),
      maxHeight: 560,
      maxCell: 40,
      minCellH: MATRIX_MIN_ROW_PX,
      scrollable: true,
      rowLabels: null,
      colLabels: cols ? cols.map(name) : payload.classes,
      colIds: cols,
      rowTitle: 'sample',
      colTitle: 'class',
      highlightRow: ctx.selected,
      label: `Gradient of the loss with respect to the logits, for all ${n} samples`,
      testId: 'matrix-heatmap',
      activate: (b) => ctx.select(b.r0),
      describe(b, a) {
        if (a.count !== 1) return blockTooltip(b, a, '∂L/∂z', 'sample', 'class');
        const i = b.r0;
        const j = cls(b.c0);
        const v = g[i * width + b.c0];
        // p and y of the cell come with the sample's row: asked for once, shown from then on.
        const row = ctx.cachedRow?.(i);
        if (!row) ctx.prefetchRow?.(i);
        const p = row?.task === 'classification' ? row.p[j] : NaN;
        const y = row?.task === 'classification' ? row.yLoss[j] : NaN;
        const formula = row
          ? s !== 1
            ? `(p − y)/N = (${fmt(p)} − ${fmt(y)})/${n} = ${fmtSigned(v)}`
            : `p − y = ${fmt(p)} − ${fmt(y)} = ${fmtSigned(v)}`
          : `${s !== 1 ? '(p − y)/N' : 'p − y'} = ${fmtSigned(v)}`;
        return {
          title: `sample ${i} · class ${j} · ${name(j)}`,
          formula,
          rows: [
            ['∂L/∂z', precise(v)],
            ['true', name(payload.actual[i])],
            ['predicted', name(payload.predicted[i])],
          ],
          value: v,
          cell: { r0: i, r1: i + 1, c0: j, c1: j + 1 },
          note: 'Click or Enter selects this sample.',
        };
      },
    },
    ctx.ui,
  );
  // A batch taller than the box scrolls (plain wheel); Ctrl+wheel zooms.
  const tall = chart.frame.height > SCROLL_BOX_H;
  const box = tall ? el(doc, 'div', { class: 'gl-scroll', 'data-testid': 'matrix-scroll' }) : null;
  box?.appendChild(chart.element);
  chart.element.setAttribute('data-view', cols ? 'focus' : 'all');
  wrap.append(box ?? chart.element, legend(doc, { scale, title: '∂L/∂zₖ', ends: ['step raises zₖ', 'step lowers zₖ'] }));
  return {
    table() {
      // Every class of the batch, made as text where the data is (not from the columns drawn here).
      return {
        name: 'batch-gradient',
        remote: {
          kind: 'table',
          field: 'logitGradient',
          maxCells: MATRIX_COPY_MAX_CELLS,
          name: 'batch-gradient',
          classes: payload.classes,
        },
        columns: [],
        rows: [],
      };
    },
    setSelected(i) {
      ctx.prefetchRow?.(i);
      // The focused columns follow the selected sample's classes: redraw when they change.
      if (cols && (!cols.includes(payload.actual[i]) || !cols.includes(payload.predicted[i]))) return false;
      chart.setHighlightRow(i);
      return true;
    },
    destroy: () => chart.destroy(),
  };
}

/** The first `rows` rows of ∂L/∂z at `cols`, pulled in chunks of CHUNK_CELLS; null until all are here. */
function pullRows(ctx: ViewContext, rows: number, width: number, cols: number[] | null): Float64Array | null {
  const per = Math.max(1, Math.floor(CHUNK_CELLS / width));
  const key = cols ? cols.join(',') : 'all';
  const chunks: MatrixBlock[] = [];
  let missing = false;
  for (let r0 = 0; r0 < rows; r0 += per) {
    const block = ctx.pull<MatrixBlock>(`block:logitGradient:${key}:${r0}`, {
      kind: 'block',
      field: 'logitGradient',
      r0,
      r1: Math.min(rows, r0 + per),
      cols,
    });
    if (block) chunks.push(block);
    else missing = true;
  }
  if (missing) return null;
  if (chunks.length === 1) return chunks[0].data;
  const out = new Float64Array(rows * width);
  let at = 0;
  for (const c of chunks) {
    out.set(c.data, at);
    at += c.data.length;
  }
  return out;
}

function loading(host: HTMLElement, ctx: ViewContext, text: string): ViewHandle {
  host.appendChild(el(ctx.doc, 'p', { class: 'gl-caption', 'data-testid': 'loading' }, text));
  return { table: () => ({ name: 'batch-gradient', columns: [], rows: [], note: 'still reading' }) };
}
