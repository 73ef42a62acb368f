/**
 * How the loss of an analysis is named and written out: the `lossFunction` of `analyze --json`, and
 * the formula with its options that hover, CodeLens, status bar and panel show.
 */
import type { AnalysisSummary as Analysis } from '../resultSummary';
import { PROBABILITY_EPSILON } from '../losses';
import { describeSpec, type LossSpec } from './spec';

/** The loss an analysis computed, with the options used (the defaults spelled out). */
export function lossFunctionOf(a: Pick<Analysis, 'task' | 'lossSpec'> & { input?: string }): Record<string, unknown> {
  if (a.lossSpec) return describeSpec(a.lossSpec);
  if (a.task === 'regression') return { name: 'mse' };
  if (a.input === 'probabilities') return { name: 'cross_entropy', clip: PROBABILITY_EPSILON };
  return describeSpec({ name: 'cross_entropy' });
}

/** The spec an analysis computed (the default one when the file named none). */
export function lossSpecOf(a: Analysis): LossSpec {
  return a.lossSpec ?? { name: a.task === 'regression' ? 'mse' : 'cross_entropy' };
}

const fmt = (x: number) => String(Number(x.toPrecision(4)));
const list = (v: number[]) => (v.length <= 4 ? `[${v.map(fmt).join(', ')}]` : `[${v.slice(0, 3).map(fmt).join(', ')}, … (${v.length})]`);

/** A short label: `cross_entropy (label_smoothing=0.1, weight=[1, 2, 1])`. */
export function lossLabel(a: Analysis): string {
  const described = lossFunctionOf(a);
  const options = Object.entries(described)
    .filter(([key, value]) => key !== 'name' && !isDefault(key, value))
    .map(([key, value]) => `${key}=${Array.isArray(value) ? list(value as number[]) : fmt(value as number)}`);
  return `${described.name}${options.length ? ` (${options.join(', ')})` : ''}`;
}

function isDefault(key: string, value: unknown): boolean {
  return (
    (key === 'ignore_index' && value === -100) ||
    (key === 'label_smoothing' && value === 0) ||
    ((key === 'beta' || key === 'delta') && value === 1)
  );
}

/** The per-sample loss as a formula, with the options' values in it. */
export function lossFormula(a: Analysis): string {
  const spec = lossSpecOf(a);
  const w = spec.weight ? 'w_y ' : '';
  switch (spec.name) {
    case 'cross_entropy': {
      if (a.task === 'classification' && a.input === 'probabilities') return `−Σ_k y_k log clip(p_k, ${PROBABILITY_EPSILON})`;
      const eps = spec.label_smoothing ?? 0;
      if (eps > 0)
        return spec.weight
          ? `−(1−ε) w_y log p_y − ε/K Σ_k w_k log p_k, ε = ${fmt(eps)}`
          : `−(1−ε) log p_y − ε/K Σ_k log p_k, ε = ${fmt(eps)}`;
      return spec.weight ? '−w_y log p_y, mean over Σ w_y' : '−Σ_k y_k log p_k, p = softmax(z)';
    }
    case 'nll':
      return `−${w}log p_y${spec.weight ? ', mean over Σ w_y' : ''}`;
    case 'kl_div':
      return 'Σ_k t_k (log t_k − log p_k), batchmean';
    case 'binary_cross_entropy_with_logits':
      return spec.pos_weight
        ? `−mean_k [q_k t log σ(z) + (1−t) log(1−σ(z))], q = ${list(spec.pos_weight)}`
        : '−mean_k [t log σ(z) + (1−t) log(1−σ(z))]';
    case 'binary_cross_entropy':
      return '−mean_k [t log p + (1−t) log(1−p)], log clamped at −100';
    case 'mse':
      return 'mean_d (ŷ − y)²';
    case 'l1':
      return 'mean_d |ŷ − y|';
    case 'smooth_l1': {
      const b = fmt(spec.beta ?? 1);
      return `mean_d (½d²/β if |d| < β else |d| − ½β), β = ${b}`;
    }
    case 'huber': {
      const d = fmt(spec.delta ?? 1);
      return `mean_d (½d² if |d| < δ else δ(|d| − ½δ)), δ = ${d}`;
    }
  }
}
