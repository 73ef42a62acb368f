/**
 * One step of a training run: its `.npz` through the same reader and analysis as any tensor file
 * (the run's extra members are ignored by role matching, see isRunMember), giving the loss of the
 * logged tensors to set beside the loss the user logged.
 */
import { runPipeline } from './pipeline';
import type { Reduction } from './losses';

/** Relative difference above which a recomputed loss and a logged loss are said to disagree. */
export const LOSS_TOLERANCE = 1e-6;

export type StepLoss = { ok: true; loss: number; n: number } | { ok: false; message: string };

export function stepLoss(bytes: Uint8Array, fileName: string, reduction: Reduction = 'mean'): StepLoss {
  const result = runPipeline(bytes, fileName, { warnings: false, reduction });
  const loss = result.analysis?.loss ?? result.network?.loss;
  const n = result.analysis?.n ?? result.network?.n ?? 0;
  if (loss === undefined) {
    const first = result.problems.find((p) => p.severity === 'error');
    return { ok: false, message: first?.message ?? 'nothing to analyse in the step file' };
  }
  return { ok: true, loss, n };
}

/** |recomputed − logged| / |logged|, or null when they agree within LOSS_TOLERANCE. */
export function lossDisagreement(recomputed: number, logged: number, tolerance = LOSS_TOLERANCE): number | null {
  if (Number.isNaN(recomputed) || Number.isNaN(logged)) return Number.isNaN(recomputed) && Number.isNaN(logged) ? null : Infinity;
  const diff = Math.abs(recomputed - logged);
  if (diff <= tolerance * Math.abs(logged)) return null;
  return logged === 0 ? Infinity : diff / Math.abs(logged);
}
