/**
 * The CLI's loss flags: --loss NAME and one flag per option (--label-smoothing, --weight w0,w1,…,
 * --ignore-index, --pos-weight, --beta, --delta). They override the file's own "loss" (name, and
 * options one by one); checking them against the loss happens where the file's loss is known.
 */
import type { LossChoice } from '../core/loss/lossDataset';

export const LOSS_FLAG_OPTIONS = {
  loss: { type: 'string' },
  'label-smoothing': { type: 'string' },
  weight: { type: 'string' },
  'ignore-index': { type: 'string' },
  'pos-weight': { type: 'string' },
  beta: { type: 'string' },
  delta: { type: 'string' },
} as const;

export const LOSS_FLAGS_USAGE = `  --loss NAME        the loss to compute, overriding the file's "loss": cross_entropy, nll, kl_div,
                     binary_cross_entropy_with_logits, binary_cross_entropy, mse, l1, smooth_l1, huber
  --label-smoothing E, --weight W0,W1,…, --ignore-index I   options of cross_entropy (nll: weight, ignore_index)
  --pos-weight Q0,Q1,… (or Q)   binary_cross_entropy_with_logits; --beta B smooth_l1; --delta D huber`;

type Flags = Partial<Record<keyof typeof LOSS_FLAG_OPTIONS, string | undefined>>;

/** The flags as an override, or a message naming the bad flag. */
export function lossChoiceFromFlags(flags: Flags): LossChoice['override'] | string {
  const options: Record<string, unknown> = {};
  const number = (flag: string, text: string): number | string => {
    const v = text.trim() === '' ? NaN : Number(text);
    return Number.isFinite(v) ? v : `--${flag} must be a number, not "${text}"`;
  };
  const numbers = (flag: string, text: string): number[] | string => {
    const parts = text.split(',').map((s) => s.trim());
    const values = parts.map(Number);
    const bad = parts.findIndex((s, i) => s === '' || !Number.isFinite(values[i]));
    return bad >= 0 ? `--${flag} must be numbers separated by commas, such as 1,2.5,1; "${parts[bad]}" is not a number` : values;
  };
  const scalars = [
    ['label-smoothing', 'label_smoothing'],
    ['ignore-index', 'ignore_index'],
    ['beta', 'beta'],
    ['delta', 'delta'],
  ] as const;
  for (const [flag, key] of scalars) {
    const text = flags[flag];
    if (text === undefined) continue;
    const v = number(flag, text);
    if (typeof v === 'string') return v;
    options[key] = v;
  }
  for (const [flag, key] of [
    ['weight', 'weight'],
    ['pos-weight', 'pos_weight'],
  ] as const) {
    const text = flags[flag];
    if (text === undefined) continue;
    const v = numbers(flag, text);
    if (typeof v === 'string') return v;
    options[key] = v;
  }
  if (flags.loss === undefined && Object.keys(options).length === 0) return undefined;
  return { name: flags.loss, options };
}
