/** The user-derivative check as the "Yours vs exact" view needs it: grids, wrong flags, worst entries. */
import { entryName, reportSummary, type UserGradientReport } from '../core/userGradientCheck';
import type { OwnGradientsPayload, OwnTensorPayload } from '../shared/protocol';

const WORST = 10;

export function ownPayloadOf(report: UserGradientReport | null | undefined): OwnGradientsPayload | null {
  if (!report) return null;
  const tensors: OwnTensorPayload[] = [];
  const unchecked: string[] = [];
  for (const t of report.tensors) {
    if (!t.expected || !t.wrongMask) {
      if (t.unchecked) unchecked.push(t.unchecked);
      continue;
    }
    // Rows × columns: the last axis is the columns; a vector is one row.
    const cols = t.shape.length ? Math.max(1, t.shape[t.shape.length - 1]) : 1;
    const rows = Math.max(1, t.given.length / cols);
    const order = Array.from({ length: t.given.length }, (_, i) => i);
    const rel = (i: number) => {
      const d = Math.abs(t.given[i] - t.expected![i]);
      return d === 0 ? 0 : t.expected![i] === 0 ? Infinity : d / Math.abs(t.expected![i]);
    };
    const relative = order.map(rel);
    order.sort((a, b) => t.wrongMask![b] - t.wrongMask![a] || relative[b] - relative[a]);
    const worst = order
      .slice(0, WORST)
      .filter((i) => relative[i] > 0)
      .map((i) => ({
        index: i,
        entry: entryName(t, i),
        given: t.given[i],
        expected: t.expected![i],
        relative: relative[i],
        wrong: t.wrongMask![i] === 1,
      }));
    tensors.push({
      name: t.name,
      quantity: t.quantity,
      formula: t.formula,
      rows,
      cols,
      given: t.given.slice(),
      expected: t.expected.slice(),
      wrong: t.wrongMask.slice(),
      worst,
      diagnosis: t.diagnosis,
    });
  }
  return { tensors, unchecked, summary: reportSummary(report), entries: report.entries, wrongEntries: report.wrongEntries };
}
