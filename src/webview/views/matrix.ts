/** ∂L/∂z of the whole batch, N × K; clicking a row selects that sample. */
import type { ClassificationPayload } from '../../shared/protocol';
import { heatmap } from '../charts/heatmap';
import { legend } from '../charts/legend';
import { denseSource } from '../charts/matrixSource';
import { divergingScale } from '../colors';
import { precise, fmt, fmtSigned, grouped } from '../format';
import { blockTooltip } from './describe';
import { batchScale, className, el, heading, type ViewContext, type ViewHandle } from './common';

/** Cells in a copied table; beyond it the copy stops at whole rows and says so. */
export const MATRIX_COPY_MAX_CELLS = 2_000_000;

export function renderMatrix(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  const { doc } = ctx;
  const { n, k } = payload;
  const g = payload.logitGradient;
  const source = denseSource(g, n, k);
  const scale = divergingScale(ctx.theme, source.maxAbs());
  const s = batchScale(payload);
  const name = (j: number) => className(payload.classes, j);
  host.appendChild(heading(doc, `∂L/∂z of the batch · ${grouped(n)} × ${grouped(k)}`, `One row per sample: ${s !== 1 ? '(p − y)/N' : 'p − y'}. Click a row, or press Enter on it, to select that sample.`));
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
      rowLabels: null,
      colLabels: payload.classes,
      rowTitle: 'sample',
      colTitle: 'class',
      highlightRow: ctx.selected,
      label: `Gradient of the loss with respect to the logits, for all ${n} samples`,
      testId: 'matrix-heatmap',
      activate: (b) => ctx.select(b.r0),
      describe(b, a) {
        if (a.count !== 1) return blockTooltip(b, a, '∂L/∂z', 'sample', 'class');
        const i = b.r0;
        const j = b.c0;
        const v = g[i * k + j];
        const p = payload.probabilities[i * k + j];
        const y = payload.targets[i * k + j];
        return {
          title: `sample ${i} · class ${j} · ${name(j)}`,
          formula: s !== 1 ? `(p − y)/N = (${fmt(p)} − ${fmt(y)})/${n} = ${fmtSigned(v)}` : `p − y = ${fmt(p)} − ${fmt(y)} = ${fmtSigned(v)}`,
          rows: [
            ['∂L/∂z', precise(v)],
            ['true', name(payload.actual[i])],
            ['predicted', name(payload.predicted[i])],
          ],
          value: v,
          cell: b,
          note: 'Click or Enter selects this sample.',
        };
      },
    },
    ctx.ui,
  );
  wrap.append(chart.element, legend(doc, { scale, title: '∂L/∂zₖ', ends: ['step raises zₖ', 'step lowers zₖ'] }));
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
      chart.setHighlightRow(i);
      return true;
    },
    destroy: () => chart.destroy(),
  };
}
