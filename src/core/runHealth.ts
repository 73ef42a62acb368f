/**
 * Vanishing / exploding flags for a training run's parameters, from the norms in its manifest,
 * with the same rule and thresholds as a network file's layers (layerHealth).
 */
import { DEFAULT_EXPLODING_THRESHOLD, DEFAULT_VANISHING_THRESHOLD, layerHealth, type LayerHealth } from './network';
import type { RunParam } from './trainingRun';

export interface HealthThresholds {
  vanishingThreshold?: number;
  explodingThreshold?: number;
}

/** 'none' for a parameter without a gradient at that step (requires_grad off, or unused). */
export function paramHealth(p: Pick<RunParam, 'gradNorm' | 'weightNorm'>, t: HealthThresholds = {}): LayerHealth | 'none' {
  if (p.gradNorm === null) return 'none';
  // ‖W‖ = 0 (a bias at its zero init): any gradient moves it, none leaves it where it is.
  const ratio = p.weightNorm > 0 ? p.gradNorm / p.weightNorm : p.gradNorm > 0 ? Infinity : 0;
  return layerHealth(
    ratio,
    p.gradNorm,
    t.vanishingThreshold ?? DEFAULT_VANISHING_THRESHOLD,
    t.explodingThreshold ?? DEFAULT_EXPLODING_THRESHOLD,
  );
}
