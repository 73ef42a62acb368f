/** The problems of a file that must not load, each as "LINE:COL: message" and the text its range covers. */
import assert from 'node:assert/strict';
import { LineIndex, formatLocation } from '../../src/core/lineIndex';
import { loadTensorFile, type LoadOptions } from '../../src/core/load';

export function problemsAt(text: string, fileName: string, options: LoadOptions = {}): { at: string; text: string }[] {
  const bytes = new TextEncoder().encode(text);
  const index = new LineIndex(bytes);
  const loaded = loadTensorFile(bytes, fileName, options);
  assert.equal(loaded.dataset, null, text);
  return loaded.problems.map((p) => ({
    at: `${formatLocation('', index, p.start).slice(1)}: ${p.message}`,
    text: text.slice(p.start, p.end),
  }));
}
