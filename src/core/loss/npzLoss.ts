/**
 * An .npz names its loss with a string member `loss`: np.savez(path, logits=…, labels=…,
 * loss="cross_entropy") or loss='{"name": "cross_entropy", "label_smoothing": 0.1}'. The member is
 * taken out of the arrays before roles are matched (a string array would otherwise look like class
 * names). A numeric `loss` member (a training run's losses) is left where it is.
 */
import type { NpyArray } from '../npy';
import type { LossSource } from './parse';
import { lossFromValue } from './parse';

export function takeNpzLoss(arrays: Map<string, NpyArray>, file: string): { source?: LossSource; error?: string } {
  const member = arrays.get('loss');
  if (!member || member.kind !== 'string') return {};
  arrays.delete('loss');
  const strings = member.strings ?? [];
  if (strings.length !== 1)
    return { error: `array "loss" in ${file} must hold one string, the loss's name (or a JSON object), found ${strings.length}` };
  const spec = lossFromValue(strings[0]);
  if (typeof spec === 'string') return { error: `array "loss" in ${file}: ${spec}` };
  return { source: { spec, span: { start: 0, end: 0 }, options: {} } };
}
