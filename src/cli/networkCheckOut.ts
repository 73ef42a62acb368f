/**
 * `gradient-lens check net.json` without the user's own derivatives: the finite-difference check of
 * every layer's weights and biases, each tensor's summary line followed by its worst entries
 * (analytic vs finite difference, relative error), so a wrong backward pass points at the entry.
 */
import type { NetworkData } from '../core/dataset';
import type { Reduction } from '../core/losses';
import { entryLabel, networkFiniteDifferences, worstEntries } from '../core/networkFiniteDifferences';
import { escapeJsonOutput } from '../core/safeText';

/** Entries listed per tensor; the check probes at most MAX_COORDINATES of each (evenly spaced). */
const WORST = 3;
const MAX_COORDINATES = 2000;

export function networkCheckCommand(data: NetworkData, reduction: Reduction, io: { out(text: string): void }, json: boolean): number {
  const tensors = networkFiniteDifferences(data, reduction, undefined, MAX_COORDINATES);
  const worst = tensors.map((t) =>
    worstEntries(t, WORST).map((i) => ({
      index: i,
      entry: entryLabel(t, i),
      analytic: t.analytic[i],
      finiteDifference: t.numeric[i],
      relativeError: t.relative[i],
      passed: t.wrong[i] === 0,
    })),
  );
  if (json) io.out(escapeJsonOutput(JSON.stringify(tensors.map((t, k) => ({ ...t.check, worst: worst[k] })))) + '\n');
  else {
    tensors.forEach((t, k) => {
      const c = t.check;
      const skipped = c.skipped ? `, ${c.skipped} skipped at a ReLU kink` : '';
      io.out(
        `${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.checked} coordinates${skipped}; worst relative error ${c.maxRelativeError.toExponential(2)}, worst absolute ${c.maxAbsoluteError.toExponential(2)} (analytic ${c.analytic.toExponential(6)} vs finite difference ${c.numeric.toExponential(6)})\n`,
      );
      for (const w of worst[k])
        io.out(
          `       ${w.passed ? '' : 'wrong '}${w.entry}: analytic ${w.analytic.toExponential(6)}, finite difference ${w.finiteDifference.toExponential(6)}, relative error ${w.relativeError.toExponential(2)}\n`,
        );
    });
  }
  return tensors.every((t) => t.check.passed) ? 0 : 1;
}
