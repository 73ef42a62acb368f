/**
 * The top-level keys of a JSON tensor file the product reads (here and in the other readers), so
 * that any other key gets a warning instead of being silently ignored: a "loss" or an option the
 * product did not know used to change nothing without a word.
 */
import { problem, type Problem } from './problems';

export const KNOWN_TOP_LEVEL_KEYS: readonly string[] = [
  'logits',
  'probabilities',
  'log_probabilities',
  'predictions',
  'labels',
  'targets',
  'classes',
  'loss',
  // Networks.
  'network',
  'inputs',
  // The user's own derivatives (checked against the analytic ones).
  'dinputs',
  'dlogits',
  'jacobian',
  'jacobians',
  'sample',
  // "reduction": "sum" says how the file's own derivatives were reduced.
  'reduction',
];

export function isKnownTopLevelKey(key: string): boolean {
  return KNOWN_TOP_LEVEL_KEYS.includes(key);
}

export function unknownKeyWarning(key: string, span: { start: number; end: number }): Problem {
  const shown = JSON.stringify(key.length > 40 ? key.slice(0, 40) + '…' : key);
  return problem(
    `the key ${shown} is not one Gradient Lens reads, so it is ignored; the keys it reads are logits, probabilities, log_probabilities, predictions, labels, targets, classes and loss`,
    span.start,
    span.end,
    'unknown-key',
    'warning',
  );
}
