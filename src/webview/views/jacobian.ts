/** The softmax Jacobian ∂p_j/∂z_k of the selected sample, drawn from p without storing it. */
import type { ClassificationPayload } from '../../shared/protocol';
import { heatmap } from '../charts/heatmap';
import { legend } from '../charts/legend';
import { jacobianSource, symlogDecades } from '../charts/matrixSource';
import { subMatrixSource } from '../charts/subMatrix';
import { divergingScale } from '../colors';
import { precise, fmt, grouped, sub } from '../format';
import { blockTooltip } from './describe';
import { className, classificationSample, DEFAULT_FOCUS, el, heading, type Table, type ViewContext, type ViewHandle } from './common';
import { roleTag, FOCUS_MIN_K, focusClasses } from './focusClasses';
import { focusControls } from './focusControls';
import { renderSigmoidJacobian } from './sigmoidJacobian';

/** Copying the full K × K matrix stops here; above it the copy holds p, from which J follows. */
export const JACOBIAN_COPY_MAX_K = 1000;

export function renderJacobian(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const payload = ctx.payload as ClassificationPayload;
  if (payload.lossName?.startsWith('binary_')) return renderSigmoidJacobian(host, ctx); // diagonal σ(1 − σ)
  const { doc, selected: i } = ctx;
  const { p, y } = classificationSample(ctx);
  const k = payload.k;
  const full = jacobianSource(p);
  const name = (j: number) => className(payload.classes, j);
  // Large K: by default the classes that matter (true, top by p, pinned) as a labelled sub-matrix.
  const focus = ctx.focus ?? DEFAULT_FOCUS;
  const fc = k > FOCUS_MIN_K ? focusClasses(p, y, focus.pinned) : null;
  const ids = fc && !focus.showAll ? fc.indices : null;
  const source = ids ? subMatrixSource(full, ids, ids) : full;
  const cls = (r: number) => (ids ? ids[r] : r);
  const labels = ids ? ids.map(name) : payload.classes;
  const scale = divergingScale(ctx.theme, source.maxAbs(), 'symlog', symlogDecades(source));

  host.appendChild(
    heading(
      doc,
      `Softmax Jacobian ∂p/∂z · sample ${i}`,
      'Jⱼₖ = ∂pⱼ/∂zₖ = pⱼ(δⱼₖ − pₖ). The outlined diagonal is pⱼ(1 − pⱼ) ≥ 0; off the diagonal −pⱼpₖ ≤ 0. J is symmetric and each row sums to 0.',
    ),
  );
  if (fc) {
    const tagged = (role: string) => fc.indices.filter((j) => fc.roles.get(j)!.includes(role as never));
    const list = (js: number[]) => js.map((j) => (name(j) === String(j) ? String(j) : `${j} · ${name(j)}`)).join(', ');
    const pinned = tagged('pinned');
    const summary = `true class ${list(tagged('true'))}; predicted ${list(tagged('predicted'))}; the top ${fc.top} by p (${fmt(100 * fc.mass)} % of the mass)${pinned.length ? `; pinned ${list(pinned)}` : ''}. Largest p first; the outlined row is the true class.`;
    const marks = fc.indices.map((j) => ({ index: j, name: name(j), tag: roleTag(fc.roles.get(j)!) }));
    host.appendChild(
      focusControls(doc, ctx, {
        k,
        shown: fc.indices.length,
        summary,
        name,
        strip: { values: p, marks, width: Math.min(ctx.width, 720), label: `p of sample ${i} over all classes` },
      }),
    );
  }
  if (k > 2048 && !ids)
    host.appendChild(
      el(
        doc,
        'p',
        { class: 'gl-note', 'data-export-text': 'note' },
        `${grouped(k)} × ${grouped(k)} entries are computed from p tile by tile as you zoom; the matrix is never stored.`,
      ),
    );

  const row = el(doc, 'div', { class: 'gl-chart-row' });
  host.appendChild(row);
  const chart = heatmap(
    doc,
    {
      source,
      scale,
      theme: ctx.theme,
      // Cells grow with the panel up to 72 px, so labels fit; a full large-K matrix stays ≤ 720 px.
      width: ids || k <= FOCUS_MIN_K ? Math.min(ctx.width, 1000) : Math.min(ctx.width, 720),
      maxHeight: ids || k <= FOCUS_MIN_K ? 760 : 640,
      maxCell: 72,
      square: true,
      diagonal: true,
      rowLabels: labels,
      colLabels: labels,
      rowIds: ids,
      colIds: ids,
      highlightRow: ids ? ids.indexOf(payload.actual[i]) : null,
      // The full large-K matrix: the keyboard starts (and + zooms) on the predicted class's diagonal.
      initialFocus: !ids && k > FOCUS_MIN_K ? { r: payload.predicted[i], c: payload.predicted[i] } : undefined,
      rowTitle: 'output pⱼ',
      colTitle: 'logit zₖ',
      showValues: 'auto',
      label: ids ? `Softmax Jacobian of sample ${i}, the ${ids.length} classes that matter of ${k}` : `Softmax Jacobian of sample ${i}`,
      testId: 'jacobian-heatmap',
      describe(b, a) {
        if (a.count !== 1) return blockTooltip(b, a, '∂pⱼ/∂zₖ', 'row', 'column');
        const j = cls(b.r0);
        const c = cls(b.c0);
        const v = full.value(j, c);
        const delta = j === c ? 1 : 0;
        return {
          title: `∂p${sub(j)}/∂z${sub(c)}${j === c ? ' · diagonal' : ''}`,
          formula: `p${sub(j)}(δ${sub(j)}${sub(c)} − p${sub(c)}) = ${fmt(p[j])} × (${delta} − ${fmt(p[c])}) = ${fmt(v)}`,
          rows: [
            ['row j', `${j} · ${name(j)}`],
            ['column k', `${c} · ${name(c)}`],
            ['value', precise(v)],
          ],
          value: v,
          // The cell in the full matrix's indices, wherever it is drawn.
          cell: { r0: j, r1: j + 1, c0: c, c1: c + 1 },
        };
      },
    },
    ctx.ui,
  );
  row.appendChild(chart.element);
  row.appendChild(legend(doc, { scale, title: '∂pⱼ/∂zₖ', ends: ['zₖ lowers pⱼ', 'zₖ raises pⱼ'] }));
  chart.element.setAttribute('data-view', ids ? 'focus' : 'all');

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
        rows: Array.from({ length: k }, (_, j) => [name(j), ...Array.from({ length: k }, (_, c) => full.value(j, c))]),
      };
    },
    destroy: () => chart.destroy(),
  };
}
