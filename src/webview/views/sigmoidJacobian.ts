/**
 * The Jacobian view of a sigmoid (binary) loss: each output is its own sigmoid, so ∂p/∂z is the
 * diagonal σ(z_j)(1 − σ(z_j)); beside it, softmax's diag(q) − q qᵀ for q = softmax of the same
 * logits z = log(p/(1 − p)), whose off-diagonal −q_j q_k tie every output to every other.
 */
import type { ClassificationPayload } from '../../shared/protocol';
import { sigmoidJacobian } from '../../core/loss/sigmoidJacobian';
import { softmax } from '../../core/softmax';
import { heatmap } from '../charts/heatmap';
import { legend } from '../charts/legend';
import { denseSource, jacobianSource } from '../charts/matrixSource';
import { divergingScale } from '../colors';
import { fmt, precise, sub } from '../format';
import { blockTooltip } from './describe';
import { className, el, heading, classificationRow, type Table, type ViewContext, type ViewHandle } from './common';

export function renderSigmoidJacobian(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  const { doc, selected: i } = ctx;
  const k = payload.k;
  const p = classificationRow(ctx).p;
  const name = (j: number) => className(payload.classes, j);
  const sig = denseSource(sigmoidJacobian(p), k, k);
  // The logits behind p (clamped where σ saturates, so softmax stays finite).
  const z = Float64Array.from(p, (v) => Math.max(-745, Math.min(745, Math.log(v) - Math.log1p(-v))));
  const q = softmax(z, 1, k);
  const soft = jacobianSource(q);
  const scale = divergingScale(ctx.theme, Math.max(sig.maxAbs(), soft.maxAbs()));
  host.appendChild(
    heading(
      doc,
      `Sigmoid Jacobian ∂p/∂z · sample ${i}`,
      `${payload.lossName ?? 'A binary loss'}: p_j = σ(z_j) for each output alone, so ∂p_j/∂z_k = δ_jk p_j(1 − p_j): only the diagonal. Right: softmax's Jacobian of the same logits, q = softmax(z), diag(q) − q qᵀ — raising one logit would lower every other output. One shared colour scale.`,
    ),
  );
  const wrap = el(doc, 'div', { class: 'gl-chart-row' });
  host.appendChild(wrap);
  const width = Math.min((ctx.width - 40) / 2, 420);
  const common = {
    scale,
    theme: ctx.theme,
    width,
    maxHeight: 420,
    square: true,
    diagonal: true,
    rowLabels: payload.classes,
    colLabels: payload.classes,
    rowTitle: 'output',
    colTitle: 'logit zₖ',
    showValues: 'auto' as const,
  };
  const sigChart = heatmap(
    doc,
    {
      ...common,
      source: sig,
      label: `Sigmoid Jacobian of sample ${i}`,
      testId: 'sigmoid-jacobian-heatmap',
      describe(b, a) {
        if (a.count !== 1) return blockTooltip(b, a, '∂pⱼ/∂zₖ', 'row', 'column');
        const v = sig.value(b.r0, b.c0);
        const formula =
          b.r0 === b.c0
            ? `p${sub(b.r0)}(1 − p${sub(b.r0)}) = ${fmt(p[b.r0])} × ${fmt(1 - p[b.r0])} = ${fmt(v)}`
            : `0: output ${b.r0} does not depend on logit ${b.c0}`;
        return { title: `∂p${sub(b.r0)}/∂z${sub(b.c0)}`, formula, rows: [['value', precise(v)]], value: v, cell: b };
      },
    },
    ctx.ui,
  );
  const softChart = heatmap(
    doc,
    {
      ...common,
      source: soft,
      label: `Softmax Jacobian of the same logits, sample ${i}`,
      testId: 'softmax-comparison-heatmap',
      describe(b, a) {
        if (a.count !== 1) return blockTooltip(b, a, '∂qⱼ/∂zₖ', 'row', 'column');
        const v = soft.value(b.r0, b.c0);
        return {
          title: `softmax: ∂q${sub(b.r0)}/∂z${sub(b.c0)}`,
          formula: `q${sub(b.r0)}(δ − q${sub(b.c0)}) = ${fmt(v)}`,
          rows: [['value', precise(v)]],
          value: v,
          cell: b,
        };
      },
    },
    ctx.ui,
  );
  wrap.append(sigChart.element, softChart.element);
  host.appendChild(legend(doc, { scale, title: '∂p/∂z', ends: ['zₖ lowers the output', 'zₖ raises it'] }));
  return {
    table(): Table {
      return {
        name: `sigmoid-jacobian-sample-${i}`,
        columns: ['output', 'name', 'p', 'sigmoid_jacobian_diag', 'softmax_q', 'softmax_jacobian_diag'],
        rows: Array.from({ length: k }, (_, j) => [j, name(j), p[j], p[j] * (1 - p[j]), q[j], q[j] * (1 - q[j])]),
      };
    },
    destroy() {
      sigChart.destroy();
      softChart.destroy();
    },
  };
}
