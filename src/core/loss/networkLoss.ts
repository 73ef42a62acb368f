/**
 * A network file's head fixes its loss (cross-entropy after softmax, MSE otherwise). A "loss" it
 * names is checked against that instead of being ignored without a word: an unknown name is an
 * error (lossFromJson), another loss a warning that it is not the one computed.
 */
import type { LoadResult } from '../dataset';
import type { JsonObject } from '../json';
import { problem } from '../problems';
import { lossFromJson } from './parse';

export function withNetworkLossCheck(result: LoadResult, root: JsonObject): LoadResult {
  const entry = root.entries.find((e) => e.key === 'loss');
  if (!entry || result.dataset?.task !== 'network') return result;
  const source = lossFromJson(entry.value); // throws a located InputError for a bad name or option
  const head = result.dataset.head === 'cross-entropy' ? 'cross_entropy' : 'mse';
  const options = Object.keys(source.spec).filter((k) => k !== 'name');
  if (source.spec.name === head && options.length === 0) return result;
  const what = source.spec.name === head ? `${head} with options (${options.join(', ')})` : source.spec.name;
  const warning = problem(
    `this network's head computes ${head} (${head === 'cross_entropy' ? 'its last layer is a softmax' : 'its last layer is not a softmax'}), not ${what}; the "loss" is not used for networks`,
    entry.value.start,
    entry.value.end,
    'network-loss',
    'warning',
  );
  return { ...result, problems: [...result.problems, warning] };
}
