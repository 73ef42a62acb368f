/**
 * Gradient of the selected sample: per class, p and y beside ∂L/∂z = p − y (classification), or
 * per output, ŷ and y beside ∂L/∂ŷ (regression).
 */
import type { ClassificationPayload, RegressionPayload } from '../../shared/protocol';
import { bars, type BarColumn } from '../charts/bars';
import { divergingScale } from '../colors';
import { precise, fmt, fmtSigned, grouped, sub } from '../format';
import {
  batchScale,
  className,
  classificationSample,
  el,
  heading,
  classificationRow,
  topClasses,
  type ViewContext,
  type ViewHandle,
} from './common';

/** Rows shown as bars; the copy holds all of them. */
export const GRADIENT_MAX_ROWS = 30;

export function renderGradient(host: HTMLElement, ctx: ViewContext): ViewHandle {
  return ctx.payload.task === 'regression'
    ? regression(host, ctx, ctx.payload)
    : classification(host, ctx, ctx.payload as ClassificationPayload);
}

function classification(host: HTMLElement, ctx: ViewContext, payload: ClassificationPayload): ViewHandle {
  const { doc, selected: i } = ctx;
  const { p, y, pMinusY, ySum } = classificationSample(ctx);
  const k = payload.k;
  const actual = payload.actual[i];
  const predicted = payload.predicted[i];
  const name = (j: number) => className(payload.classes, j);
  const oneHot = Math.abs(ySum - 1) < 1e-12;
  const gradName = oneHot ? 'p − y' : 'p·Σy − y';
  const scale = divergingScale(ctx.theme, 1);
  const shown = topClasses(pMinusY, GRADIENT_MAX_ROWS, [actual, predicted]);
  const tags = new Map<number, string>();
  tags.set(actual, 'true');
  tags.set(predicted, actual === predicted ? 'true·pred' : 'pred');

  host.appendChild(
    heading(
      doc,
      `∂L/∂z = ${gradName} · sample ${i}`,
      `Per class: the probability p, the target y and their difference, the gradient of this sample's loss with respect to its logits${payload.reduction === 'mean' ? ` (the batch gradient divides it by N = ${payload.n})` : ''}. Negative: a gradient-descent step raises that logit; positive: lowers it.`,
    ),
  );
  if (shown.length < k)
    host.appendChild(
      el(
        doc,
        'p',
        { class: 'gl-note', 'data-export-text': 'note' },
        `Showing ${shown.length} of ${grouped(k)} classes: the largest |${gradName}|, with the true and predicted class. Copy gives all of them.`,
      ),
    );

  const columns: BarColumn[] = [
    { key: 'p', title: 'p', values: p, kind: 'unit', max: 1, testId: 'prob-bar' },
    { key: 'y', title: 'y', values: y, kind: 'unit', max: 1, testId: 'target-bar' },
    { key: 'grad', title: `∂L/∂z = ${gradName}`, values: pMinusY, kind: 'signed', testId: 'gradient-bar' },
  ];
  const chart = bars(
    doc,
    {
      rows: shown,
      rowLabel: name,
      tags,
      columns,
      scale,
      width: Math.min(ctx.width, 760),
      label: `Gradient of sample ${i}`,
      testId: 'gradient-bars',
      describe(j, col) {
        const rows: [string, string][] = [
          ['p', precise(p[j])],
          ['y', precise(y[j])],
          [gradName, precise(pMinusY[j])],
        ];
        const formula = oneHot
          ? `p${sub(j)} − y${sub(j)} = ${fmt(p[j])} − ${fmt(y[j])} = ${fmtSigned(pMinusY[j])}`
          : `p${sub(j)}·${fmt(ySum)} − y${sub(j)} = ${fmtSigned(pMinusY[j])}`;
        return {
          title: `class ${j} · ${name(j)}${tags.has(j) ? ` (${tags.get(j)})` : ''}`,
          formula,
          rows,
          value: col.values[j],
          cell: { r0: j, r1: j + 1, c0: 0, c1: 1 },
        };
      },
    },
    ctx.ui,
  );
  host.appendChild(chart);
  const batch = classificationRow(ctx).dLdz;
  return {
    table: () => ({
      name: `gradient-sample-${i}`,
      columns: ['class', 'name', 'p', 'y', 'p_minus_y', 'batch_dL_dz'],
      rows: Array.from({ length: k }, (_, j) => [j, name(j), p[j], y[j], pMinusY[j], batch[j]]),
    }),
  };
}

function regression(host: HTMLElement, ctx: ViewContext, payload: RegressionPayload): ViewHandle {
  const { doc, selected: i } = ctx;
  const d = payload.d;
  if (ctx.row?.task !== 'regression') throw new Error('this view needs the sample row of a regression file');
  const { yHat, y, gradient: g } = ctx.row;
  const scale = divergingScale(ctx.theme, 1);
  const shown = topClasses(g, GRADIENT_MAX_ROWS, []);
  const s = batchScale(payload);
  const rule = payload.lossName ? `of ${payload.lossName}` : `of the loss, 2(ŷ − y)/${s !== 1 ? '(N·d)' : 'd'} with d = ${d}`; // a named loss has its own
  host.appendChild(
    heading(
      doc,
      `∂L/∂ŷ · sample ${i}`,
      `Per output: the prediction ŷ, the target y and the gradient ${rule}. Negative: a step raises ŷ; positive: lowers it.`,
    ),
  );
  if (shown.length < d)
    host.appendChild(
      el(
        doc,
        'p',
        { class: 'gl-note', 'data-export-text': 'note' },
        `Showing ${shown.length} of ${d} outputs with the largest |∂L/∂ŷ|. Copy gives all of them.`,
      ),
    );
  const columns: BarColumn[] = [
    { key: 'prediction', title: 'ŷ', values: yHat, kind: 'signed', testId: 'prediction-bar' },
    { key: 'target', title: 'y', values: y, kind: 'signed', testId: 'target-bar' },
    { key: 'grad', title: '∂L/∂ŷ', values: g, kind: 'signed', testId: 'gradient-bar' },
  ];
  // ŷ and y share one scale so they compare by length.
  const both = Math.max(...Array.from(yHat, Math.abs), ...Array.from(y, Math.abs));
  columns[0].max = columns[1].max = both > 0 ? both : 1;
  host.appendChild(
    bars(
      doc,
      {
        rows: shown,
        rowLabel: (j) => `output ${j}`,
        columns,
        scale,
        width: Math.min(ctx.width, 860),
        label: `Gradient of sample ${i}`,
        testId: 'gradient-bars',
        describe: (j, col) => ({
          title: `output ${j}`,
          formula: `ŷ${sub(j)} − y${sub(j)} = ${fmt(yHat[j])} − ${fmt(y[j])} = ${fmtSigned(yHat[j] - y[j])}`,
          rows: [
            ['ŷ', precise(yHat[j])],
            ['y', precise(y[j])],
            ['∂L/∂ŷ', precise(g[j])],
          ],
          value: col.values[j],
          cell: { r0: j, r1: j + 1, c0: 0, c1: 1 },
        }),
      },
      ctx.ui,
    ),
  );
  return {
    table: () => ({
      name: `gradient-sample-${i}`,
      columns: ['output', 'prediction', 'target', 'dL_dprediction'],
      rows: Array.from({ length: d }, (_, j) => [j, yHat[j], y[j], g[j]]),
    }),
  };
}
