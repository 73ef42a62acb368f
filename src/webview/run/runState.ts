/**
 * What the run panel knows: every step read from the manifest so far, in the order logged, with
 * the parameters' gradient norms aligned to one stable list of names. Updates append; a reset
 * (first message, rewritten manifest) replaces. No DOM here, so it is unit-tested directly.
 */
import { paramHealth } from '../../core/runHealth';
import type { RunPoint, RunUpdateMessage } from '../../shared/protocol';

export type CellHealth = 'ok' | 'vanishing' | 'exploding' | 'none';

export class RunState {
  runName = '';
  params: string[] = [];
  steps: RunPoint[] = [];
  problems: string[] = [];
  pending = false;
  thresholds = { vanishing: 1e-6, exploding: 1e3 };

  /** Applies an update; returns how many steps it added. */
  apply(m: RunUpdateMessage): number {
    if (m.reset) this.steps = [];
    this.runName = m.runName;
    this.params = m.params;
    this.problems = m.problems;
    this.pending = m.pending;
    this.thresholds = m.thresholds;
    this.steps.push(...m.steps);
    return m.steps.length;
  }

  gradNorm(step: number, param: number): number | null {
    return this.steps[step]?.gradNorms[param] ?? null;
  }

  health(step: number, param: number): CellHealth {
    const s = this.steps[step];
    const weightNorm = s?.weightNorms[param];
    if (!s || weightNorm === null || weightNorm === undefined) return 'none';
    return paramHealth(
      { gradNorm: s.gradNorms[param] ?? null, weightNorm },
      { vanishingThreshold: this.thresholds.vanishing, explodingThreshold: this.thresholds.exploding },
    );
  }

  /** Smallest and largest positive finite gradient norm: the log colour scale's domain. */
  normRange(): [number, number] | null {
    let lo = Infinity;
    let hi = 0;
    for (const s of this.steps) {
      for (const v of s.gradNorms) {
        if (v !== null && v > 0 && Number.isFinite(v)) {
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
      }
    }
    if (!(hi > 0)) return null;
    return lo === hi ? [lo / 10, hi * 10] : [lo, hi];
  }

  /** Per parameter, how many steps are vanishing / exploding. */
  flagCounts(): { name: string; vanishing: number; exploding: number }[] {
    return this.params.map((name, p) => {
      let vanishing = 0;
      let exploding = 0;
      for (let i = 0; i < this.steps.length; i++) {
        const h = this.health(i, p);
        if (h === 'vanishing') vanishing++;
        else if (h === 'exploding') exploding++;
      }
      return { name, vanishing, exploding };
    });
  }
}
