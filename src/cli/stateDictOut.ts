/**
 * `analyze` on a state dict of Linear layers with nothing to run it on (a .pt / .safetensors of
 * weights only): the network's shapes and norms per layer instead of an error.
 */
import type { LoadResult } from '../core/dataset';
import { shapeText } from '../core/arrayDescription';
import { readTensorArchive, stateDictSummary } from '../core/tensorArchives';

/** The summary as text (or JSON), or null when the load was not of such a state dict. */
export function stateDictOutput(file: string, bytes: Uint8Array, loaded: LoadResult, json: boolean): string | null {
  if (loaded.dataset || !loaded.problems.some((p) => p.code === 'state-dict')) return null;
  const layers = stateDictSummary(readTensorArchive(bytes, file).arrays);
  if (json) return JSON.stringify({ task: 'state_dict', layers }) + '\n';
  const rows = layers.map((l) => [
    l.name,
    shapeText(l.weightShape),
    l.weightNorm.toPrecision(6),
    l.biasShape ? shapeText(l.biasShape) : '—',
    l.biasNorm === null ? '—' : l.biasNorm.toPrecision(6),
  ]);
  const head = ['layer', 'weight', '‖W‖', 'bias', '‖b‖'];
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (r: string[]) => r.map((c, j) => (j === 0 ? c.padEnd(widths[j]) : c.padStart(widths[j]))).join('  ');
  const note =
    'Weights only: save "inputs" and "labels" (or "targets") in the same file, or inputs.npy and labels.npy beside it, to see the loss and gradients.';
  return `${file}: state dict of ${layers.length} Linear layer${layers.length === 1 ? '' : 's'}\n${[head, ...rows].map(line).join('\n')}\n${note}\n`;
}
