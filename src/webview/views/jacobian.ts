/** The softmax Jacobian ∂p_j/∂z_k of the selected sample, drawn from p without storing it. */
import type { ClassificationPayload } from '../../shared/protocol';
import { heatmap } from '../charts/heatmap';
import { legend } from '../charts/legend';
import { jacobianSource } from '../charts/matrixSource';
import { divergingScale } from '../colors';
import { exact, fmt, grouped, sub } from '../format';
import { blockTooltip } from './describe';
import { renderSigmoidJacobian } from './sigmoidJacobian';
import { className, classificationSample, el, heading, type Table, type ViewContext, type ViewHandle } from './common';

/** Copying the full K × K matrix stops here; above it the copy holds p, from which J follows. */
export const JACOBIAN_COPY_MAX_K = 1000;

export function renderJacobian(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  if (payload.lossName?.startsWith('binary_')) return renderSigmoidJacobian(host, ctx); // diagonal σ(1 − σ)
  const { doc, selected: i } = ctx;
  const { p } = classificationSample(payload, i);
  const k = payload.k;
  const source = jacobianSource(p);
  const scale = divergingScale(ctx.theme, source.maxAbs());
  const name = (j: number) => className(payload.classes, j);

  host.appendChild(
    heading(
      doc,
      `Softmax Jacobian ∂p/∂z · sample ${i}`,
      'Jⱼₖ = ∂pⱼ/∂zₖ = pⱼ(δⱼₖ − pₖ). The outlined diagonal is pⱼ(1 − pⱼ) ≥ 0; off the diagonal −pⱼpₖ ≤ 0. J is symmetric and each row sums to 0.',
    ),
  );
  if (k > 2048) host.appendChild(el(doc, 'p', { class: 'gl-note', 'data-export-text': 'note' }, `${grouped(k)} × ${grouped(k)} entries are computed from p tile by tile as you zoom; the matrix is never stored.`));

  const row = el(doc, 'div', { class: 'gl-chart-row' });
  host.appendChild(row);
  const chart = heatmap(
    doc,
    {
      source,
      scale,
      theme: ctx.theme,
      width: Math.min(ctx.width, 720),
      maxHeight: 640,
      square: true,
      diagonal: true,
      rowLabels: payload.classes,
      colLabels: payload.classes,
      rowTitle: 'output pⱼ',
      colTitle: 'logit zₖ',
      showValues: 'auto',
      label: `Softmax Jacobian of sample ${i}`,
      testId: 'jacobian-heatmap',
      describe(b, a) {
        if (a.count !== 1) return blockTooltip(b, a, '∂pⱼ/∂zₖ', 'row', 'column');
        const j = b.r0;
        const c = b.c0;
        const v = source.value(j, c);
        const delta = j === c ? 1 : 0;
        return {
          title: `∂p${sub(j)}/∂z${sub(c)}${j === c ? ' · diagonal' : ''}`,
          formula: `p${sub(j)}(δ${sub(j)}${sub(c)} − p${sub(c)}) = ${fmt(p[j])} × (${delta} − ${fmt(p[c])}) = ${fmt(v)}`,
          rows: [
            ['row j', `${j} · ${name(j)}`],
            ['column k', `${c} · ${name(c)}`],
            ['value', exact(v)],
          ],
          value: v,
          cell: b,
        };
      },
    },
    ctx.ui,
  );
  row.appendChild(chart.element);
  row.appendChild(legend(doc, { scale, title: '∂pⱼ/∂zₖ', ends: ['zₖ lowers pⱼ', 'zₖ raises pⱼ'] }));

  return {
    table(): Table {
      if (k > JACOBIAN_COPY_MAX_K) {
        return {
          name: `jacobian-sample-${i}`,
          columns: ['class', 'name', 'p'],
          rows: Array.from({ length: k }, (_, j) => [j, name(j), p[j]]),
          note: `J = diag(p) − p pᵀ is ${k} × ${k}; its p is copied instead.`,
        };
      }
      return {
        name: `jacobian-sample-${i}`,
        columns: ['j \\ k', ...Array.from({ length: k }, (_, c) => name(c))],
        rows: Array.from({ length: k }, (_, j) => [name(j), ...Array.from({ length: k }, (_, c) => source.value(j, c))]),
      };
    },
    destroy: () => chart.destroy(),
  };
}
