/**
 * Which items of a long list a scrolled viewport shows: the virtualised table of the NumPy viewer
 * keeps only these (plus a margin) in the DOM, and asks the host for the chunks that hold them.
 * Pure, so the arithmetic is tested without a browser.
 */

export interface Range {
  /** First index shown. */
  first: number;
  /** One past the last index shown. */
  end: number;
}

/** Items of `size` px under a viewport at `scroll` px, `extent` px long, with `margin` more each side. */
export function visibleRange(scroll: number, extent: number, size: number, count: number, margin = 0): Range {
  if (count <= 0 || size <= 0) return { first: 0, end: 0 };
  const first = Math.max(0, Math.min(count - 1, Math.floor(Math.max(0, scroll) / size) - margin));
  const end = Math.min(count, Math.ceil((Math.max(0, scroll) + Math.max(0, extent)) / size) + margin);
  return { first, end: Math.max(first + 1, end) };
}

/** The chunks of `chunk` items that cover [first, end): their indices, in order. */
export function chunksOf(r: Range, chunk: number): number[] {
  const out: number[] = [];
  for (let c = Math.floor(r.first / chunk); c * chunk < r.end; c++) out.push(c);
  return out;
}

/** A flat column index of a table whose columns are the axes after the first, as NumPy writes it ("2, 3"). */
export function columnIndexText(j: number, shape: readonly number[]): string {
  if (shape.length <= 2) return String(j);
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 1; d--) {
    index.unshift(j % shape[d]);
    j = Math.floor(j / shape[d]);
  }
  return index.join(', ');
}
