/**
 * A numeric tensor together with where it came from: the shared shape that the JSON, CSV and
 * NumPy readers hand to role validation, so that every message can point at the exact bytes.
 */
export interface Located {
  /** Role name as the user wrote it ("logits", "label" column, ...). */
  name: string;
  rows: number;
  /** Columns per row; 1 for a vector. */
  cols: number;
  /** True when the source was 1-D (a vector), so messages say "entry" rather than "row". */
  vector: boolean;
  data: Float64Array;
  /** Span of the whole tensor. */
  span: { start: number; end: number };
  /** [start, end) per row (per element for a vector). */
  rowSpans: Float64Array;
  /** Span of element (i, j), found on demand by rescanning the row. */
  elementSpan(i: number, j: number): { start: number; end: number };
}

export function rowSpanOf(t: Located, i: number): { start: number; end: number } {
  if (t.rowSpans.length === 0) return t.span;
  return { start: t.rowSpans[2 * i], end: t.rowSpans[2 * i + 1] };
}

/** A Located over data with no position in a text file (NumPy arrays). */
export function unlocated(
  name: string,
  data: Float64Array,
  rows: number,
  cols: number,
  vector: boolean,
  span = { start: 0, end: 0 },
): Located {
  return { name, rows, cols, vector, data, span, rowSpans: new Float64Array(0), elementSpan: () => span };
}
