/**
 * The chain rule through softmax for the selected sample, multiplied out:
 * Jᵀ · ∂L/∂p = ∂L/∂z, laid side by side, with the check that it equals p − y.
 */
import type { ClassificationPayload } from '../../shared/protocol';
import { matTransposeVec, softmaxBackward, softmaxJacobian } from '../../core/softmax';
import { heatmap } from '../charts/heatmap';
import { heatmapFrame } from '../charts/heatmapFrame';
import type { HeatmapOptions } from '../charts/heatmapTypes';
import { legend } from '../charts/legend';
import { denseSource, jacobianSource } from '../charts/matrixSource';
import { divergingScale } from '../colors';
import { exact, fmt, sub } from '../format';
import { checkLine, figure, operator } from './check';
import { batchScale, checkTolerance, className, classificationSample, el, heading, maxAbsDiff, row, type ViewContext, type ViewHandle } from './common';
import { blockTooltip } from './describe';
import { renderSigmoidChain } from './sigmoidChain';

/** Above this K the product is taken in O(K) (softmaxBackward) instead of with the explicit J. */
const EXPLICIT_PRODUCT_MAX_K = 1024;

export function renderChain(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  if (payload.lossName?.startsWith('binary_')) return renderSigmoidChain(host, ctx); // a diagonal Jacobian
  const { doc, selected: i } = ctx;
  const { k } = payload;
  const { p, y, pMinusY, ySum } = classificationSample(payload, i);
  const name = (j: number) => className(payload.classes, j);
  const oneHot = Math.abs(ySum - 1) < 1e-12;
  const target = oneHot ? 'p − y' : 'p·Σy − y';

  // ∂L/∂p of this sample's loss −Σ y log p; where p underflows to 0 it is −∞ and the
  // product uses softmaxBackward, which takes p·(−y/p) = −y without forming ∞ · 0.
  const dLdp = new Float64Array(k);
  let finite = true;
  for (let j = 0; j < k; j++) {
    dLdp[j] = y[j] === 0 ? 0 : -y[j] / p[j];
    if (!Number.isFinite(dLdp[j])) finite = false;
  }
  const explicit = finite && k <= EXPLICIT_PRODUCT_MAX_K;
  const dLdz = explicit ? matTransposeVec(softmaxJacobian(p), dLdp) : softmaxBackward(p, dLdp);

  host.appendChild(
    heading(
      doc,
      `Chain rule through softmax · sample ${i}`,
      `∂L/∂zₖ = Σⱼ ∂L/∂pⱼ · ∂pⱼ/∂zₖ, i.e. ∂L/∂z = Jᵀ · ∂L/∂p with ∂L/∂pⱼ = −yⱼ/pⱼ for this sample's loss −Σ y log p. ${explicit ? 'Multiplied out with the explicit K × K Jacobian.' : 'Taken in O(K) as p ⊙ (g − p·g): J is never formed.'}`,
    ),
  );

  const jSource = jacobianSource(p);
  const jScale = divergingScale(ctx.theme, jSource.maxAbs());
  // ∂L/∂p (−y/p, often large) gets its own scale; the product and p − y share one so they compare.
  const gScale = divergingScale(ctx.theme, denseSource(dLdp, k, 1).maxAbs());
  const vScale = divergingScale(ctx.theme, Math.max(denseSource(dLdz, k, 1).maxAbs(), denseSource(pMinusY, k, 1).maxAbs()));
  // Narrow panels get slimmer vectors so the equation stays on one line as long as it can.
  const VECTOR_W = ctx.width < 760 ? 44 : 64;
  const blocksW = 3 * (VECTOR_W + 14) + 3 * 36;
  // Too narrow for one line: J takes a line of its own and the vectors wrap below it together.
  const jWidth = ctx.width - blocksW < 280 ? Math.min(ctx.width - 40, 560) : Math.min(560, ctx.width - blocksW);
  const common = { theme: ctx.theme, rowLabels: payload.classes, showValues: 'auto' as const };
  const jOpts: HeatmapOptions = {
    ...common,
    source: jSource,
    scale: jScale,
    width: jWidth,
    maxHeight: 560,
    square: true,
    diagonal: true,
    colLabels: payload.classes,
    label: `Jacobian of sample ${i}`,
    testId: 'chain-jacobian',
    describe(b, a) {
      if (a.count !== 1) return blockTooltip(b, a, 'Jᵀ', 'row', 'column');
      const v = jSource.value(b.r0, b.c0);
      const formula = `p${sub(b.r0)}(δ${sub(b.r0)}${sub(b.c0)} − p${sub(b.c0)}) = ${fmt(p[b.r0])} × (${b.r0 === b.c0 ? 1 : 0} − ${fmt(p[b.c0])}) = ${fmt(v)}`;
      return { title: `∂p${sub(b.r0)}/∂z${sub(b.c0)}`, formula, rows: [['value', exact(v)]], value: v, cell: b };
    },
  };
  const jFrame = heatmapFrame({ ...jOpts, rows: k, cols: k });
  const vector = (values: Float64Array, title: string, testId: string, what: (j: number) => string, scale = vScale) =>
    heatmap(
      doc,
      {
        ...common,
        source: denseSource(values, k, 1),
        scale,
        width: VECTOR_W + 8,
        maxHeight: jFrame.plotH,
        cell: { w: VECTOR_W, h: jFrame.ch },
        minTop: jFrame.top,
        noRowLabels: true,
        colLabels: [title],
        label: title,
        testId,
        describe: (b, a) => (a.count === 1 ? { title: `${title} · class ${b.r0} · ${name(b.r0)}`, formula: what(b.r0), rows: [['value', exact(a.mean)]], value: a.mean, cell: b } : blockTooltip(b, a, title, 'class', 'column')),
      },
      ctx.ui,
    );

  const eq = el(doc, 'div', { class: 'gl-equation', 'data-testid': 'chain-equation' });
  const jChart = heatmap(doc, jOpts, ctx.ui);
  const gChart = vector(dLdp, '∂L/∂p', 'chain-dLdp', (j) => `−y${sub(j)}/p${sub(j)} = −${fmt(y[j])}/${fmt(p[j])} = ${fmt(dLdp[j])}`, gScale);
  const zChart = vector(dLdz, '∂L/∂z', 'chain-dLdz', (j) => `Σⱼ ∂L/∂pⱼ · J${sub(j)}ⱼ = ${fmt(dLdz[j])}`);
  const tChart = vector(pMinusY, target, 'chain-target', (j) => `${fmt(p[j])}${oneHot ? '' : `·${fmt(ySum)}`} − ${fmt(y[j])} = ${fmt(pMinusY[j])}`);
  eq.append(figure(doc, 'Jᵀ = J', jChart.element), operator(doc, '×', 'times'), figure(doc, '∂L/∂p', gChart.element), operator(doc, '=', 'equals'), figure(doc, 'product', zChart.element), operator(doc, '≟', 'compared with'), figure(doc, target, tChart.element));
  host.appendChild(eq);

  const tol = checkTolerance(dLdz, pMinusY);
  host.appendChild(checkLine(doc, 'chain-product-check', `Jᵀ · ∂L/∂p and ${target}`, maxAbsDiff(dLdz, pMinusY), tol));
  const s = batchScale(payload);
  const batch = row(payload.logitGradient, k, i);
  const scaled = pMinusY.map((v) => v * s);
  host.appendChild(checkLine(doc, 'chain-batch-check', `(${target})${s !== 1 ? `/N` : ''} and the analysis's batch ∂L/∂z row`, maxAbsDiff(scaled, batch), checkTolerance(scaled, batch)));
  const legends = el(doc, 'div', { class: 'gl-chart-row' });
  legends.append(
    legend(doc, { scale: jScale, title: 'J = ∂p/∂z', testId: 'legend-jacobian' }),
    legend(doc, { scale: gScale, title: '∂L/∂p', testId: 'legend-dLdp' }),
    legend(doc, { scale: vScale, title: `∂L/∂z and ${target}`, testId: 'legend-vectors' }),
  );
  host.appendChild(legends);

  return {
    table: () => ({
      name: `chain-rule-sample-${i}`,
      columns: ['class', 'name', 'p', 'y', 'dL_dp', 'JT_dL_dp', 'p_minus_y'],
      rows: Array.from({ length: k }, (_, j) => [j, name(j), p[j], y[j], dLdp[j], dLdz[j], pMinusY[j]]),
    }),
    destroy() {
      for (const c of [jChart, gChart, zChart, tChart]) c.destroy();
    },
  };
}
