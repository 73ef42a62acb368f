/** Loss per sample, sorted bars or a histogram; clicking selects a sample. */
import { lossChart } from '../charts/lossChart';
import { precise, fmt, grouped } from '../format';
import { className, heading, type ViewContext, type ViewHandle } from './common';

export function renderLosses(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const { doc, payload } = ctx;
  const n = payload.n;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += payload.losses[i];
  mean = n ? mean / n : NaN;
  const what =
    payload.task === 'regression'
      ? 'squared error'
      : payload.task === 'network' && payload.head === 'mse'
        ? 'squared error'
        : 'cross-entropy';
  host.appendChild(
    heading(
      doc,
      `Loss per sample · ${what}`,
      `${reducedText(payload, n)}: ${fmt(payload.loss)}. Click a bar, or press Enter on it, to select that sample.`,
    ),
  );
  const cls = payload.task === 'classification' ? payload : null;
  const chart = lossChart(
    doc,
    {
      losses: payload.losses,
      selected: ctx.selected,
      reducedLoss: mean,
      reductionLabel: 'mean',
      width: Math.min(ctx.width, 900),
      height: 240,
      select: ctx.select,
      describe(i) {
        const rows: [string, string][] = [['loss', precise(payload.losses[i])]];
        if (cls) {
          rows.push(
            ['true', className(cls.classes, cls.actual[i])],
            ['predicted', className(cls.classes, cls.predicted[i])],
            ['p(true)', fmt(cls.pTrue[i])],
          );
        }
        return {
          title: `Sample ${i}`,
          rows,
          value: payload.losses[i],
          cell: { r0: i, r1: i + 1, c0: 0, c1: 1 },
          note: 'Click or Enter selects this sample.',
        };
      },
    },
    ctx.ui,
  );
  host.appendChild(chart.element);
  return {
    table() {
      const columns = cls ? ['sample', 'loss', 'true', 'predicted', 'p_true'] : ['sample', 'loss'];
      const rows = Array.from({ length: n }, (_, i) =>
        cls
          ? [i, payload.losses[i], className(cls.classes, cls.actual[i]), className(cls.classes, cls.predicted[i]), cls.pTrue[i]]
          : [i, payload.losses[i]],
      );
      return { name: 'loss-per-sample', columns, rows };
    },
    setSelected(i) {
      chart.setSelected(i);
      return true;
    },
  };
}

/**
 * A named elementwise loss sums as torch does, over all N × D terms: D times the sum of the bars
 * (each a sample's mean over its outputs), so say so rather than "sum over N samples".
 */
function reducedText(payload: ViewContext['payload'], n: number): string {
  if (payload.reduction === 'mean') return `Mean over ${grouped(n)} samples`;
  const width = payload.task === 'regression' ? payload.d : payload.task === 'classification' ? payload.k : 1;
  const elementwise =
    payload.task !== 'network' &&
    payload.lossName !== undefined &&
    (payload.task === 'regression' || payload.lossName.startsWith('binary_cross_entropy'));
  if (!elementwise || width === 1) return `Sum over ${grouped(n)} samples`;
  return `Sum over all ${grouped(n)} × ${grouped(width)} terms, as torch's reduction="sum" (${grouped(width)} × the sum of these per-sample means)`;
}
