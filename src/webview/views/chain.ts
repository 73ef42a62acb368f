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
import { denseSource, jacobianSource, symlogDecades } from '../charts/matrixSource';
import { subMatrixSource } from '../charts/subMatrix';
import { divergingScale } from '../colors';
import { precise, fmt, sub } from '../format';
import { checkLine, figure, operator } from './check';
import {
  batchScale,
  checkTolerance,
  className,
  classificationSample,
  DEFAULT_FOCUS,
  el,
  heading,
  maxAbsDiff,
  classificationRow,
  type ViewContext,
  type ViewHandle,
} from './common';
import { blockTooltip } from './describe';
import { roleTag, FOCUS_MIN_K, focusClasses } from './focusClasses';
import { focusControls } from './focusControls';
import { renderSigmoidChain } from './sigmoidChain';

/** Above this K the product is taken in O(K) (softmaxBackward) instead of with the explicit J. */
const EXPLICIT_PRODUCT_MAX_K = 1024;

export function renderChain(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  if (payload.lossName?.startsWith('binary_')) return renderSigmoidChain(host, ctx); // a diagonal Jacobian
  const { doc, selected: i } = ctx;
  const { k } = payload;
  const { p, y, pMinusY, ySum } = classificationSample(ctx);
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

  const s = batchScale(payload);
  host.appendChild(
    heading(
      doc,
      `Chain rule through softmax · sample ${i}`,
      `∂ℓ/∂zₖ = Σⱼ ∂ℓ/∂pⱼ · ∂pⱼ/∂zₖ, i.e. ∂ℓ/∂z = Jᵀ · ∂ℓ/∂p with ∂ℓ/∂pⱼ = −yⱼ/pⱼ, for this sample's own loss ℓ = −Σ y log p (per sample${s !== 1 ? `; the batch-mean loss's ∂L/∂z is this ÷ N = ${payload.n}` : ''}). ${explicit ? 'Multiplied out with the explicit K × K Jacobian.' : 'Taken in O(K) as p ⊙ (g − p·g): J is never formed.'}`,
    ),
  );

  // Large K: the classes that matter. With every class of y > 0 among them, the shown rows of the
  // product are exact: Σⱼ over the hidden classes adds ∂ℓ/∂pⱼ = 0.
  const focus = ctx.focus ?? DEFAULT_FOCUS;
  const fc = k > FOCUS_MIN_K ? focusClasses(p, y, focus.pinned) : null;
  const ids = fc && !focus.showAll ? fc.indices : null;
  if (fc) {
    const marks = fc.indices.map((j) => ({ index: j, name: name(j), tag: roleTag(fc.roles.get(j)!) }));
    host.appendChild(
      focusControls(doc, ctx, {
        k,
        shown: fc.indices.length,
        summary:
          'the true class, the top predictions by p and pinned classes, largest p first. Every class with y > 0 is shown, so these rows of the product are exact.',
        name,
        strip: { values: p, marks, width: Math.min(ctx.width, 720), label: `p of sample ${i} over all classes` },
      }),
    );
  }
  const m = ids ? ids.length : k;
  const cls = (r: number) => (ids ? ids[r] : r);
  const pick = (v: Float64Array) => (ids ? Float64Array.from(ids, (j) => v[j]) : v);
  const trueClass = payload.actual[i];
  const trueAt = oneHot ? (ids ? ids.indexOf(trueClass) : trueClass) : -1;
  if (oneHot && trueAt >= 0) {
    host.appendChild(
      el(
        doc,
        'p',
        { class: 'gl-note', 'data-testid': 'chain-one-hot', 'data-export-text': 'note' },
        `One-hot target: only ∂ℓ/∂p${sub(trueClass)} = −1/p${sub(trueClass)} = ${fmt(dLdp[trueClass])} is non-zero (${name(trueClass)}, the true class), so ∂ℓ/∂z = ${fmt(dLdp[trueClass])} × row ${trueClass} of J — the outlined row and entry.`,
      ),
    );
  }

  const jSource = ids ? subMatrixSource(jacobianSource(p), ids, ids) : jacobianSource(p);
  const jScale = divergingScale(ctx.theme, jSource.maxAbs(), 'symlog', symlogDecades(jSource));
  const dLdpShown = pick(dLdp);
  const dLdzShown = pick(dLdz);
  const targetShown = pick(pMinusY);
  // ∂ℓ/∂p (−y/p, often large) gets its own scale; the product and p − y share one so they compare.
  const gSource = denseSource(dLdpShown, m, 1);
  const gScale = divergingScale(ctx.theme, gSource.maxAbs(), 'symlog', symlogDecades(gSource));
  const vSources = [denseSource(dLdzShown, m, 1), denseSource(targetShown, m, 1)];
  const vScale = divergingScale(
    ctx.theme,
    Math.max(...vSources.map((v) => v.maxAbs())),
    'symlog',
    Math.max(...vSources.map((v) => symlogDecades(v))),
  );
  // Narrow panels get slimmer vectors; the equation stays on one row and scrolls sideways when it
  // must (.gl-equation), so J keeps at least 260 px.
  const VECTOR_W = ctx.width < 760 ? 48 : 64;
  const blocksW = 3 * (VECTOR_W + 14) + 3 * 36;
  const jWidth = Math.max(260, Math.min(560, ctx.width - blocksW));
  const labels = ids ? ids.map(name) : payload.classes;
  const common = { theme: ctx.theme, rowLabels: labels, rowIds: ids, showValues: 'auto' as const };
  const jOpts: HeatmapOptions = {
    ...common,
    source: jSource,
    scale: jScale,
    width: jWidth,
    maxHeight: 560,
    square: true,
    diagonal: true,
    colLabels: labels,
    colIds: ids,
    highlightRow: trueAt >= 0 ? trueAt : null,
    label: `Jacobian of sample ${i}`,
    testId: 'chain-jacobian',
    describe(b, a) {
      if (a.count !== 1) return blockTooltip(b, a, 'Jᵀ', 'row', 'column');
      const [r, c] = [cls(b.r0), cls(b.c0)];
      const v = jSource.value(b.r0, b.c0);
      const formula = `p${sub(r)}(δ${sub(r)}${sub(c)} − p${sub(c)}) = ${fmt(p[r])} × (${r === c ? 1 : 0} − ${fmt(p[c])}) = ${fmt(v)}`;
      return {
        title: `∂p${sub(r)}/∂z${sub(c)}`,
        formula,
        rows: [['value', precise(v)]],
        value: v,
        cell: { r0: r, r1: r + 1, c0: c, c1: c + 1 },
      };
    },
  };
  const jFrame = heatmapFrame({ ...jOpts, rows: m, cols: m });
  const vector = (
    values: Float64Array,
    title: string,
    testId: string,
    what: (j: number) => string,
    scale = vScale,
    highlight: number | null = null,
  ) =>
    heatmap(
      doc,
      {
        ...common,
        highlightRow: highlight,
        source: denseSource(values, m, 1),
        scale,
        width: VECTOR_W + 8,
        maxHeight: jFrame.plotH,
        cell: { w: VECTOR_W, h: jFrame.ch },
        rowIds: ids,
        minTop: jFrame.top,
        noRowLabels: true,
        colLabels: [title],
        label: title,
        testId,
        describe: (b, a) =>
          a.count === 1
            ? {
                title: `${title} · class ${cls(b.r0)} · ${name(cls(b.r0))}`,
                formula: what(cls(b.r0)),
                rows: [['value', precise(a.mean)]],
                value: a.mean,
                cell: { r0: cls(b.r0), r1: cls(b.r0) + 1, c0: 0, c1: 1 },
              }
            : blockTooltip(b, a, title, 'class', 'column'),
      },
      ctx.ui,
    );

  const eq = el(doc, 'div', { class: 'gl-equation', 'data-testid': 'chain-equation' });
  const jChart = heatmap(doc, jOpts, ctx.ui);
  const hl = trueAt >= 0 ? trueAt : null;
  const gChart = vector(
    dLdpShown,
    '∂ℓ/∂p',
    'chain-dLdp',
    (j) => `−y${sub(j)}/p${sub(j)} = −${fmt(y[j])}/${fmt(p[j])} = ${fmt(dLdp[j])}`,
    gScale,
    hl,
  );
  const zChart = vector(dLdzShown, '∂ℓ/∂z', 'chain-dLdz', (j) => `Σⱼ ∂ℓ/∂pⱼ · J${sub(j)}ⱼ = ${fmt(dLdz[j])}`);
  const tChart = vector(
    targetShown,
    target,
    'chain-target',
    (j) => `${fmt(p[j])}${oneHot ? '' : `·${fmt(ySum)}`} − ${fmt(y[j])} = ${fmt(pMinusY[j])}`,
  );
  eq.append(
    figure(doc, 'Jᵀ = J', jChart.element),
    operator(doc, '×', 'times'),
    figure(doc, '∂ℓ/∂p, per sample', gChart.element),
    operator(doc, '=', 'equals'),
    figure(doc, '∂ℓ/∂z, per sample', zChart.element),
    operator(doc, '≟', 'compared with'),
    figure(doc, target, tChart.element),
  );
  host.appendChild(eq);

  const tol = checkTolerance(dLdz, pMinusY);
  host.appendChild(checkLine(doc, 'chain-product-check', `Jᵀ · ∂L/∂p and ${target}`, maxAbsDiff(dLdz, pMinusY), tol));
  const batch = classificationRow(ctx).dLdz;
  const scaled = pMinusY.map((v) => v * s);
  host.appendChild(
    checkLine(
      doc,
      'chain-batch-check',
      `(${target})${s !== 1 ? `/N` : ''} and the analysis's batch ∂L/∂z row`,
      maxAbsDiff(scaled, batch),
      checkTolerance(scaled, batch),
    ),
  );
  const legends = el(doc, 'div', { class: 'gl-chart-row' });
  legends.append(
    legend(doc, { scale: jScale, title: 'J = ∂p/∂z', testId: 'legend-jacobian' }),
    legend(doc, { scale: gScale, title: '∂ℓ/∂p', testId: 'legend-dLdp' }),
    legend(doc, { scale: vScale, title: `∂ℓ/∂z and ${target}`, testId: 'legend-vectors' }),
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
