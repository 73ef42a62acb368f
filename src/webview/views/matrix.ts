/** ∂L/∂z of the whole batch, N × K; clicking a row selects that sample. */
import type { ClassificationPayload } from '../../shared/protocol';
import { heatmap } from '../charts/heatmap';
import { legend } from '../charts/legend';
import { SCROLL_BOX_H } from '../charts/heatmapFrame';
import { denseSource, symlogDecades } from '../charts/matrixSource';
import { subMatrixSource } from '../charts/subMatrix';
import { divergingScale, GRADIENT_DECADES } from '../colors';
import { precise, fmt, fmtSigned, grouped } from '../format';
import { blockTooltip } from './describe';
import { batchScale, className, DEFAULT_FOCUS, el, heading, type ViewContext, type ViewHandle } from './common';
import { roleTag, FOCUS_MIN_K, FOCUS_TOP, focusColumns } from './focusClasses';
import { focusControls } from './focusControls';

/** Rows are at least this tall: a tall batch scrolls instead of drawing rows under a pixel. */
export const MATRIX_MIN_ROW_PX = 14;

/** Cells in a copied table; beyond it the copy stops at whole rows and says so. */
export const MATRIX_COPY_MAX_CELLS = 2_000_000;

export function renderMatrix(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  const { doc } = ctx;
  const { n, k } = payload;
  const g = payload.logitGradient;
  const full = denseSource(g, n, k);
  const s = batchScale(payload);
  const name = (j: number) => className(payload.classes, j);
  // Large K: by default the columns that matter — the largest |∂L/∂z| anywhere in the batch, the
  // selected sample's true and predicted class, and pinned classes.
  const focus = ctx.focus ?? DEFAULT_FOCUS;
  const sel = ctx.selected;
  const cols =
    k > FOCUS_MIN_K && !focus.showAll
      ? focusColumns(g, n, k, 2 * FOCUS_TOP, [payload.actual[sel], payload.predicted[sel], ...focus.pinned])
      : null;
  const source = cols ? subMatrixSource(full, null, cols) : full;
  const cls = (c: number) => (cols ? cols[c] : c);
  const scale = divergingScale(ctx.theme, source.maxAbs(), 'symlog', symlogDecades(source, GRADIENT_DECADES));
  host.appendChild(
    heading(
      doc,
      `∂L/∂z of the batch · ${grouped(n)} × ${grouped(k)}`,
      `One row per sample: ${s !== 1 ? '(p − y)/N' : 'p − y'}. Click a row, or press Enter on it, to select that sample.`,
    ),
  );
  if (k > FOCUS_MIN_K) {
    const colMax = new Float64Array(k);
    for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) colMax[j] = Math.max(colMax[j], Math.abs(g[r * k + j]));
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
        const v = g[i * k + j];
        const p = payload.probabilities[i * k + j];
        const y = payload.targets[i * k + j];
        return {
          title: `sample ${i} · class ${j} · ${name(j)}`,
          formula:
            s !== 1 ? `(p − y)/N = (${fmt(p)} − ${fmt(y)})/${n} = ${fmtSigned(v)}` : `p − y = ${fmt(p)} − ${fmt(y)} = ${fmtSigned(v)}`,
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
      const rows = Math.min(n, Math.max(1, Math.floor(MATRIX_COPY_MAX_CELLS / k)));
      return {
        name: 'batch-gradient',
        columns: ['sample', ...Array.from({ length: k }, (_, j) => name(j))],
        rows: Array.from({ length: rows }, (_, i) => [i, ...Array.from(g.subarray(i * k, (i + 1) * k))]),
        note: rows < n ? `First ${rows} of ${n} samples.` : undefined,
      };
    },
    setSelected(i) {
      // The focused columns follow the selected sample's classes: redraw when they change.
      if (cols && (!cols.includes(payload.actual[i]) || !cols.includes(payload.predicted[i]))) return false;
      chart.setHighlightRow(i);
      return true;
    },
    destroy: () => chart.destroy(),
  };
}
