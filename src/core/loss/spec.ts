/**
 * Which loss a file was trained with, and its options, named as PyTorch names them
 * (`torch.nn.functional.<name>`): the one description every reader, the analysis and the views share.
 */
import type { Reduction } from '../losses';

export const LOSS_NAMES = [
  'cross_entropy',
  'nll',
  'kl_div',
  'binary_cross_entropy_with_logits',
  'binary_cross_entropy',
  'mse',
  'l1',
  'smooth_l1',
  'huber',
] as const;

export type LossName = (typeof LOSS_NAMES)[number];

/** The tensor a loss reads: the key (JSON), the array (.npz) or the columns (CSV) that hold it. */
export type LossInput = 'logits' | 'probabilities' | 'log_probabilities' | 'predictions';

export interface LossSpec {
  name: LossName;
  /** Class weights (cross_entropy, nll: length K) or per-output weights (the binary losses: length K). */
  weight?: number[];
  /** Samples whose label is this are left out (cross_entropy, nll; torch's default −100). */
  ignore_index?: number;
  /** ε in [0, 1] (cross_entropy). */
  label_smoothing?: number;
  /** Weight of the positive term per output (binary_cross_entropy_with_logits: length K or 1). */
  pos_weight?: number[];
  /** smooth_l1's threshold (default 1). */
  beta?: number;
  /** huber's threshold (default 1). */
  delta?: number;
  /** Overrides the reduction setting when the file says how it reduced. */
  reduction?: Reduction;
}

export type LossOption = Exclude<keyof LossSpec, 'name'>;

/** Which options each loss takes (anything else is an error, not silently ignored). */
export const LOSS_OPTIONS: Record<LossName, readonly LossOption[]> = {
  cross_entropy: ['weight', 'ignore_index', 'label_smoothing', 'reduction'],
  nll: ['weight', 'ignore_index', 'reduction'],
  kl_div: ['reduction'],
  binary_cross_entropy_with_logits: ['weight', 'pos_weight', 'reduction'],
  binary_cross_entropy: ['weight', 'reduction'],
  mse: ['reduction'],
  l1: ['reduction'],
  smooth_l1: ['beta', 'reduction'],
  huber: ['delta', 'reduction'],
};

/** The tensor(s) each loss takes, first the preferred one. */
export const LOSS_INPUTS: Record<LossName, readonly LossInput[]> = {
  cross_entropy: ['logits', 'probabilities'],
  nll: ['log_probabilities'],
  kl_div: ['log_probabilities'],
  binary_cross_entropy_with_logits: ['logits'],
  binary_cross_entropy: ['probabilities'],
  mse: ['predictions'],
  l1: ['predictions'],
  smooth_l1: ['predictions'],
  huber: ['predictions'],
};

export const DEFAULT_IGNORE_INDEX = -100;

export function isRegressionLoss(name: LossName): boolean {
  return name === 'mse' || name === 'l1' || name === 'smooth_l1' || name === 'huber';
}

export function isLossName(name: string): name is LossName {
  return (LOSS_NAMES as readonly string[]).includes(name);
}

/**
 * True when the spec computes what the product computes for a file without a "loss": softmax
 * cross-entropy with no options (the fast kernels of losses.ts), or MSE. An ignore_index that no
 * label equals changes nothing; the caller checks the labels.
 */
export function isPlainSpec(spec: LossSpec): boolean {
  if (spec.reduction) return false; // the file's own reduction overrides the setting
  if (spec.name === 'mse') return true;
  if (spec.name !== 'cross_entropy') return false;
  return !spec.weight && !spec.label_smoothing;
}

/** The options that were given, in a stable order, for reports (`lossFunction` of analyze --json). */
export function describeSpec(spec: LossSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { name: spec.name };
  for (const option of LOSS_OPTIONS[spec.name]) {
    const value = spec[option];
    if (value !== undefined && option !== 'reduction') out[option] = value;
  }
  if ((spec.name === 'cross_entropy' || spec.name === 'nll') && out.ignore_index === undefined) out.ignore_index = DEFAULT_IGNORE_INDEX;
  if (spec.name === 'cross_entropy' && out.label_smoothing === undefined) out.label_smoothing = 0;
  if (spec.name === 'smooth_l1' && out.beta === undefined) out.beta = 1;
  if (spec.name === 'huber' && out.delta === undefined) out.delta = 1;
  return out;
}
