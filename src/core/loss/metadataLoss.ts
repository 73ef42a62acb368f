/**
 * A `.safetensors` file (or a `.pt` dict's string entries) names its loss in `__metadata__`, whose
 * values are strings, as a JSON file does with its "loss" key: `{"loss": "cross_entropy"}`, the JSON
 * object as a string (`{"loss": "{\"name\": \"nll\", \"weight\": [1, 2]}"}`), or the name with its
 * options beside it, `{"loss": "cross_entropy", "reduction": "sum", "label_smoothing": "0.1"}`, whose
 * values are read as JSON where they parse ("0.1" → 0.1, "[1, 2]" → a list) and as text otherwise
 * ("sum"). Other metadata entries are not options (metadata holds more than the loss).
 */
import type { LossSource } from './parse';
import { lossFromValue } from './parse';
import { LOSS_OPTIONS } from './spec';

export function metadataLoss(metadata: ReadonlyMap<string, string> | undefined, file: string): { source?: LossSource; error?: string } {
  const text = metadata?.get('loss');
  // A number is a logged loss value (a .pt dict's `loss: 0.35`), not the loss's name.
  if (text === undefined || text.trim() === '' || Number.isFinite(Number(text))) return {};
  const where = `"loss" in the metadata of ${file}`;
  const trimmed = text.trim();
  let value: unknown = trimmed;
  if (!trimmed.startsWith('{')) {
    const named = lossFromValue(trimmed);
    if (typeof named === 'string') return { error: `${where}: ${named}` };
    const withOptions: Record<string, unknown> = { name: trimmed };
    for (const option of LOSS_OPTIONS[named.name]) {
      const v = metadata!.get(option);
      if (v !== undefined) withOptions[option] = parsed(v);
    }
    value = withOptions;
  }
  const spec = lossFromValue(value);
  if (typeof spec === 'string') return { error: `${where}: ${spec}` };
  return { source: { spec, span: { start: 0, end: 0 }, options: {} } };
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text.trim();
  }
}
