/**
 * "Finite differences" (issue 18): the finite-difference check entry by entry — a network's weights
 * and biases, or a small file's own tensor — drawn by the "Yours vs exact" sections with the central
 * difference in place of the user's tensor and the analytic gradient as the reference, and the
 * check's own relative error per entry.
 */
import type { HeatmapHandle } from '../charts/heatmapTypes';
import { el, heading, type ViewContext, type ViewHandle } from './common';
import { tensorSection, type CompareWords } from './own';

const WORDS: CompareWords = { prefix: 'fd', given: 'finite difference', expected: 'analytic', reveal: false };

export function renderFiniteDifferences(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const fd = ctx.payload.finiteDifferences ?? null;
  const { doc } = ctx;
  const charts: HeatmapHandle[] = [];
  if (!fd || fd.tensors.length === 0) {
    host.appendChild(
      heading(doc, 'Finite differences', 'The per-entry check runs for files of at most 5,000 entries (network parameters).'),
    );
    return { table: () => ({ name: 'finite-differences', columns: [], rows: [] }) };
  }
  const title = ctx.payload.task === 'network' ? 'Finite differences vs backpropagation' : 'Finite differences vs the analytic gradient';
  host.appendChild(heading(doc, title, fd.summary));
  for (const text of fd.unchecked) host.appendChild(el(doc, 'p', { class: 'gl-note', 'data-testid': 'fd-unchecked' }, text));
  fd.tensors.forEach((t, ti) => host.appendChild(tensorSection(ctx, t, ti, charts, WORDS)));
  return {
    table() {
      const rows: (string | number)[][] = [];
      for (const t of fd.tensors) {
        for (let i = 0; i < t.given.length; i++)
          rows.push([t.name, Math.floor(i / t.cols), i % t.cols, t.expected[i], t.given[i], t.relative?.[i] ?? NaN, t.wrong[i]]);
      }
      return {
        name: 'finite-differences',
        columns: ['tensor', 'row', 'col', 'analytic', 'finite difference', 'relative error', 'wrong'],
        rows,
      };
    },
    destroy() {
      charts.forEach((c) => c.destroy());
    },
  };
}
