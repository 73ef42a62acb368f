/**
 * Reads a loss description — a JSON file's top-level "loss" (a name, or {"name": …, options}), an
 * .npz's `loss` string, the CLI's flags, the gradientLens.loss setting — into a LossSpec, with a
 * located message for an unknown name, an unknown option or a value of the wrong kind.
 */
import type { JsonNode } from '../json';
import { InputError } from '../problems';
import { LOSS_NAMES, LOSS_OPTIONS, isLossName, type LossName, type LossOption, type LossSpec } from './spec';

type Span = { start: number; end: number };

/** A spec together with where its parts are written, for errors found later (a weight of the wrong length). */
export interface LossSource {
  spec: LossSpec;
  /** The whole "loss" value. */
  span: Span;
  options: Partial<Record<LossOption, Span>>;
}

/** Names people write for these losses: torch's functional (`mse_loss`) and module (`MSELoss`) names, and short ones. */
const ALIASES: Record<string, LossName> = {
  crossentropy: 'cross_entropy',
  crossentropyloss: 'cross_entropy',
  ce: 'cross_entropy',
  nllloss: 'nll',
  nll_loss: 'nll',
  kl: 'kl_div',
  kldiv: 'kl_div',
  kldivloss: 'kl_div',
  bcewithlogits: 'binary_cross_entropy_with_logits',
  bcewithlogitsloss: 'binary_cross_entropy_with_logits',
  bce: 'binary_cross_entropy',
  bceloss: 'binary_cross_entropy',
  mse_loss: 'mse',
  mseloss: 'mse',
  l1_loss: 'l1',
  l1loss: 'l1',
  smooth_l1_loss: 'smooth_l1',
  smoothl1loss: 'smooth_l1',
  huber_loss: 'huber',
  huberloss: 'huber',
};

/** The canonical name for a name as written, or null. Exact names and torch's `…_loss` / `…Loss` spellings are accepted. */
export function canonicalLossName(written: string): LossName | null {
  if (isLossName(written)) return written;
  const lower = written.trim().toLowerCase();
  if (isLossName(lower)) return lower;
  return ALIASES[lower] ?? ALIASES[lower.replace(/[_\s-]/g, '')] ?? null;
}

export function unknownNameMessage(written: string): string {
  return `unknown loss ${JSON.stringify(written)}; the losses are ${LOSS_NAMES.join(', ')} (torch.nn.functional's names)`;
}

/** Checks one option's value; returns the value to store or a message. */
export function checkOption(name: LossName, option: string, value: unknown): { value: LossSpec[LossOption] } | { error: string } {
  const allowed = LOSS_OPTIONS[name] as readonly string[];
  if (!allowed.includes(option)) {
    const takes = allowed.filter((o) => o !== 'reduction');
    return {
      error: `${name} has no option ${JSON.stringify(option)}; it takes ${takes.length ? takes.join(', ') + ' and reduction' : 'only reduction'}`,
    };
  }
  const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
  switch (option as LossOption) {
    case 'weight':
    case 'pos_weight': {
      const list = isNumber(value) && option === 'pos_weight' ? [value] : value;
      if (!Array.isArray(list) || list.length === 0 || !list.every(isNumber))
        return {
          error: `${option} must be a list of numbers${option === 'pos_weight' ? ' (one per output) or one number' : ', one per class'}`,
        };
      if (list.some((v) => v < 0)) return { error: `${option} must not be negative, found ${list.find((v) => v < 0)}` };
      return { value: list };
    }
    case 'ignore_index':
      return Number.isInteger(value)
        ? { value: value as number }
        : { error: `ignore_index must be a whole number (torch's default is -100), found ${JSON.stringify(value)}` };
    case 'label_smoothing':
      return isNumber(value) && value >= 0 && value <= 1
        ? { value }
        : { error: `label_smoothing must be a number from 0 to 1, found ${JSON.stringify(value)}` };
    case 'beta':
      return isNumber(value) && value >= 0 ? { value } : { error: `beta must be a number ≥ 0, found ${JSON.stringify(value)}` };
    case 'delta':
      return isNumber(value) && value > 0 ? { value } : { error: `delta must be a number > 0, found ${JSON.stringify(value)}` };
    case 'reduction':
      if (value === 'mean' || value === 'sum') return { value };
      if (value === 'batchmean' && name === 'kl_div') return { value: 'mean' };
      return { error: `reduction must be "mean" or "sum"${name === 'kl_div' ? ' (or "batchmean")' : ''}, found ${JSON.stringify(value)}` };
  }
  return { error: `unknown option ${option}` };
}

/** A JSON node as a plain value (numbers, strings, lists), for checkOption. */
function plain(node: JsonNode): unknown {
  switch (node.kind) {
    case 'number':
      return node.value;
    case 'string':
      return node.value;
    case 'vector':
      return Array.from(node.data);
    case 'array':
      return node.items.map(plain);
    case 'true':
      return true;
    case 'false':
      return false;
    case 'null':
      return null;
    default:
      return { kind: node.kind };
  }
}

/** The top-level "loss" of a JSON file. Throws InputError at the offending bytes. */
export function lossFromJson(node: JsonNode): LossSource {
  const span = { start: node.start, end: node.end };
  if (node.kind === 'string') {
    const name = canonicalLossName(node.value);
    if (!name) throw new InputError(unknownNameMessage(node.value), node.start, node.end, 'loss-name');
    return { spec: { name }, span, options: {} };
  }
  if (node.kind !== 'object') {
    throw new InputError(
      '"loss" must be a loss name such as "cross_entropy", or an object {"name": "cross_entropy", "label_smoothing": 0.1, …}',
      node.start,
      node.end,
      'loss-name',
    );
  }
  const nameEntry = node.entries.find((e) => e.key === 'name');
  if (!nameEntry)
    throw new InputError(
      'the "loss" object needs a "name", e.g. {"name": "cross_entropy", "label_smoothing": 0.1}',
      node.start,
      node.start + 1,
      'loss-name',
    );
  if (nameEntry.value.kind !== 'string')
    throw new InputError(
      'the loss "name" must be a string such as "cross_entropy"',
      nameEntry.value.start,
      nameEntry.value.end,
      'loss-name',
    );
  const name = canonicalLossName(nameEntry.value.value);
  if (!name) throw new InputError(unknownNameMessage(nameEntry.value.value), nameEntry.value.start, nameEntry.value.end, 'loss-name');
  const spec: LossSpec = { name };
  const options: LossSource['options'] = {};
  const seen = new Set<string>();
  for (const entry of node.entries) {
    if (entry.key === 'name') continue;
    if (seen.has(entry.key))
      throw new InputError(
        `the loss option "${entry.key}" appears twice; keep only one`,
        entry.keySpan.start,
        entry.keySpan.end,
        'loss-option',
      );
    seen.add(entry.key);
    const checked = checkOption(name, entry.key, plain(entry.value));
    if ('error' in checked) {
      const unknown = !(LOSS_OPTIONS[name] as readonly string[]).includes(entry.key);
      const at = unknown ? entry.keySpan : entry.value;
      throw new InputError(checked.error, at.start, at.end, 'loss-option');
    }
    (spec as unknown as Record<string, unknown>)[entry.key] = checked.value;
    options[entry.key as LossOption] = { start: entry.value.start, end: entry.value.end };
  }
  return { spec, span, options };
}

/**
 * A loss given as plain data (the gradientLens.loss setting, an .npz's `loss` string, which may be
 * a name or a JSON object): the spec, or a message.
 */
export function lossFromValue(value: unknown): LossSpec | string {
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.startsWith('{')) {
      try {
        return lossFromValue(JSON.parse(text));
      } catch {
        return `the loss ${JSON.stringify(text.slice(0, 60))} is not valid JSON`;
      }
    }
    const name = canonicalLossName(text);
    return name ? { name } : unknownNameMessage(text);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return 'a loss is a name such as "cross_entropy" or an object {"name": …, options}';
  const obj = value as Record<string, unknown>;
  if (typeof obj.name !== 'string') return 'the loss object needs a "name", e.g. {"name": "cross_entropy", "label_smoothing": 0.1}';
  const name = canonicalLossName(obj.name);
  if (!name) return unknownNameMessage(obj.name);
  const spec: LossSpec = { name };
  for (const [key, v] of Object.entries(obj)) {
    if (key === 'name' || v === undefined || v === null) continue;
    const checked = checkOption(name, key, v);
    if ('error' in checked) return checked.error;
    (spec as unknown as Record<string, unknown>)[key] = checked.value;
  }
  return spec;
}
