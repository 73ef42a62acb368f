/**
 * The network's per-entry finite-difference check in the "Yours vs exact" shape (issue 18): given is
 * the central difference, expected the analytic gradient, and `relative` the check's own
 * |a − n| / max(|a|, |n|), so the panel's heatmaps show exactly the core's numbers.
 */
import { entryLabel, worstEntries, type FiniteDifferenceTensor } from '../core/networkFiniteDifferences';
import type { OwnGradientsPayload, OwnTensorPayload } from '../shared/protocol';

const WORST = 10;

/** The per-entry check of a classification or regression file, kept with its analysis until the file is analysed again. */
const byFile = new WeakMap<object, OwnGradientsPayload>();

export function rememberFiniteDifferences(file: object, payload: OwnGradientsPayload): void {
  byFile.set(file, payload);
}

export function rememberedFiniteDifferences(file: object): OwnGradientsPayload | null {
  return byFile.get(file) ?? null;
}

export function finiteDifferencePayload(tensors: FiniteDifferenceTensor[]): OwnGradientsPayload {
  const out: OwnTensorPayload[] = [];
  const unchecked: string[] = [];
  let entries = 0;
  let wrongEntries = 0;
  let worst = 0;
  for (const t of tensors) {
    const quantity =
      t.part === 'input' ? (/^∂L\/∂\w+/.exec(t.name)?.[0] ?? '∂L/∂x') : `${t.part === 'weights' ? '∂L/∂W' : '∂L/∂b'}${t.layer + 1}`;
    const skipped = t.skipped.reduce((s, v) => s + v, 0);
    if (skipped)
      unchecked.push(
        `${t.name}: ${skipped} ${skipped === 1 ? 'entry sits' : 'entries sit'} on a kink (${t.part === 'input' ? 'the probability clip or the loss’s own' : 'a ReLU'}), where a central difference measures neither side (blank cells).`,
      );
    const wrong = t.wrong.reduce((s, v) => s + v, 0);
    entries += t.check.checked;
    wrongEntries += wrong;
    worst = Math.max(worst, t.check.maxRelativeError);
    out.push({
      name: t.name,
      quantity,
      formula:
        t.part === 'input'
          ? `(L(x + h) − L(x − h)) / 2h of the loss, against the analytic gradient`
          : `(L(θ + h) − L(θ − h)) / 2h of the whole network's loss, against backpropagation`,
      rows: t.rows,
      cols: t.cols,
      given: t.numeric,
      expected: t.analytic,
      wrong: t.wrong,
      relative: t.relative,
      givenLabel: 'finite difference',
      expectedLabel: 'analytic',
      worst: worstEntries(t, WORST).map((i) => ({
        index: i,
        entry: entryLabel(t, i),
        given: t.numeric[i],
        expected: t.analytic[i],
        relative: t.relative[i],
        wrong: t.wrong[i] === 1,
      })),
      diagnosis: null,
    });
  }
  const summary = wrongEntries
    ? `${wrongEntries} of ${entries} entries differ from their central difference (worst relative error ${worst.toExponential(2)}).`
    : `Every one of ${entries} entries agrees with its central difference (worst relative error ${worst.toExponential(2)}).`;
  return { tensors: out, unchecked, summary, entries, wrongEntries };
}
