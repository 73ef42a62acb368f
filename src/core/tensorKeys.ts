/** The keys of a JSON file's tensors (its object layout, {"logits": …, "labels": …}), shared by its readers. */
export const TENSOR_KEYS = ['logits', 'probabilities', 'predictions', 'labels', 'targets', 'log_probabilities'] as const;
export type TensorKey = (typeof TENSOR_KEYS)[number];

/** The tensors a file is analysed from; labels and targets only go with one. */
export const PRIMARY_TENSOR_KEYS: ReadonlySet<string> = new Set(['logits', 'probabilities', 'predictions', 'log_probabilities']);

export function isTensorKey(key: string): key is TensorKey {
  return (TENSOR_KEYS as readonly string[]).includes(key);
}
