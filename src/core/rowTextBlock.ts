/**
 * A block of rows of p or ∂L/∂z, derived from logits with class indices, as the JSON writer writes
 * them: each row's JSON array, joined by commas (issue 22). The CLI formats these blocks on its
 * threads from the logits in shared memory: 3 × 10⁷ numbers are about 3 s of JSON.stringify on one.
 */
import { derivedLogitGradientRow, derivedProbabilityRow, gradientScale } from './derivedRows';
import type { Reduction } from './losses';
import { NumberRow } from './numberRow';

export interface RowTextSpec {
  /** The n × k logits and the labels (shared memory, for a thread). */
  values: Float64Array;
  labels: Int32Array;
  n: number;
  k: number;
  reduction: Reduction;
  /** A JSON matrix's rows, or (csvLines) the CSV export's lines: sample, label, predicted, loss, p…, ∂L/∂z…. */
  field: 'probabilities' | 'logitGradient' | 'csvLines';
  from: number;
  to: number;
  /** NaN and ±Infinity as strings (the file exports): such a row is the caller's to write. */
  nonFiniteString: boolean;
  /** csvLines: rows [from, to) of the analysis's per-sample columns. */
  csv?: { actual: Int32Array; predicted: Int32Array; losses: Float64Array };
}

/** The spec of rows [from, to) of `field`, derived from `dataset`'s logits and labels for analysis `a`. */
export function rowTextSpec(
  dataset: { values: Float64Array; labels: Int32Array | null },
  a: { n: number; k: number; reduction: Reduction },
  field: RowTextSpec['field'],
  { from, to }: RowRange,
  nonFiniteString: boolean,
): RowTextSpec {
  return { values: dataset.values, labels: dataset.labels!, n: a.n, k: a.k, reduction: a.reduction, field, from, to, nonFiniteString };
}

/**
 * Starts formatting specs (on threads, or here) and returns the function that gives each one's text
 * or null, in order: between the two the caller writes what it has.
 */
export type RowTextRunner = (specs: RowTextSpec[]) => () => (string | null)[];

/** Rows [from, to) of a matrix: one block. */
export interface RowRange {
  from: number;
  to: number;
}

/** Blocks asked for at once (about 3 MB of text): enough to keep the threads busy while a window is written. */
const WINDOW_BLOCKS = 64;

/**
 * Rows [0, rows) in blocks of `perBlock`, each with its text (null: the caller writes those rows),
 * in order. `start` formats a window of blocks; the next window is started before this one is
 * handed out, so the threads format while the caller writes.
 */
export function* rowBlocksInOrder(
  rows: number,
  perBlock: number,
  start: (ranges: RowRange[]) => () => (string | null)[],
): Generator<RowRange & { text: string | null }, void, undefined> {
  const windowRows = perBlock * WINDOW_BLOCKS;
  const rangesFrom = (first: number): RowRange[] => {
    const ranges = [];
    for (let from = first; from < Math.min(rows, first + windowRows); from += perBlock)
      ranges.push({ from, to: Math.min(rows, from + perBlock) });
    return ranges;
  };
  let ranges = rangesFrom(0);
  let finish = start(ranges);
  for (let first = 0; first < rows; first += windowRows) {
    const texts = finish();
    const these = ranges;
    if (first + windowRows < rows) finish = start((ranges = rangesFrom(first + windowRows)));
    for (let b = 0; b < these.length; b++) yield { ...these[b], text: texts[b] };
  }
}

/**
 * The rows' JSON joined by commas (csvLines: the CSV lines joined by newlines); null when a row
 * holds NaN or ±Infinity and those are written otherwise (as strings, or a CSV cell at a time).
 */
export function rowTextBlock(spec: RowTextSpec): string | null {
  const { values, labels, k, from, to, csv } = spec;
  const targets = { labels, targets: null };
  const scale = gradientScale(spec.reduction, spec.n);
  const p = new Float64Array(k);
  const gradient = new Float64Array(k);
  const row = new NumberRow();
  let text = '';
  for (let i = from; i < to; i++) {
    derivedProbabilityRow(values, k, i, p);
    if (spec.field === 'probabilities') {
      if (!row.load(p, 0, k) && spec.nonFiniteString) return null;
      text += (i > from ? ',' : '') + row.json();
      continue;
    }
    derivedLogitGradientRow(targets, k, scale, i, p, gradient);
    if (spec.field === 'logitGradient') {
      if (!row.load(gradient, 0, k) && spec.nonFiniteString) return null;
      text += (i > from ? ',' : '') + row.json();
      continue;
    }
    // analysisCsvLines' line: the numbers as String() writes them (JSON's, for finite ones).
    const r = i - from;
    if (!row.load(p, 0, k)) return null;
    const pCells = row.json().slice(1, -1);
    if (!row.load(gradient, 0, k)) return null;
    text += `${i > from ? '\n' : ''}${i},${csv!.actual[r]},${csv!.predicted[r]},${String(csv!.losses[r])},${pCells},${row.json().slice(1, -1)}`;
  }
  return text;
}

/** rowTextBlock on this thread, for each spec. */
export const rowTextHere: RowTextRunner = (specs) => {
  const texts = specs.map(rowTextBlock);
  return () => texts;
};
