/**
 * An array of any rank as the viewer's table: one row per index of the first axis, the other axes
 * flattened into columns (a vector is one column, a 0-d array one cell). The viewer asks for the
 * block of rows and columns it shows; `readBlock` cuts exactly that block, clamped to the table,
 * so a 10,000-row array sends a screenful at a time. Pure.
 */

export interface TableShape {
  rows: number;
  cols: number;
}

export function tableShape(shape: readonly number[]): TableShape {
  if (shape.length === 0) return { rows: 1, cols: 1 };
  const rows = shape[0];
  let cols = 1;
  for (let d = 1; d < shape.length; d++) cols *= shape[d];
  return { rows, cols };
}

export interface Block {
  row0: number;
  row1: number;
  col0: number;
  col1: number;
}

/** The part of [row0, row1) × [col0, col1) that lies inside the table (empty ranges when none does). */
export function clampBlock(table: TableShape, b: Block): Block {
  const row0 = Math.min(Math.max(0, b.row0), table.rows);
  const col0 = Math.min(Math.max(0, b.col0), table.cols);
  return { row0, row1: Math.min(Math.max(row0, b.row1), table.rows), col0, col1: Math.min(Math.max(col0, b.col1), table.cols) };
}

/** The block's numbers, row-major, from the array's flat row-major data; `b` must be clamped. */
export function readNumberBlock(data: ArrayLike<number>, table: TableShape, b: Block): Float64Array {
  const w = b.col1 - b.col0;
  const values = new Float64Array((b.row1 - b.row0) * w);
  for (let i = b.row0; i < b.row1; i++) for (let j = 0; j < w; j++) values[(i - b.row0) * w + j] = data[i * table.cols + b.col0 + j];
  return values;
}

/** The same for an array of strings. */
export function readStringBlock(strings: readonly string[], table: TableShape, b: Block): string[] {
  const values: string[] = [];
  for (let i = b.row0; i < b.row1; i++) for (let j = b.col0; j < b.col1; j++) values.push(strings[i * table.cols + j] ?? '');
  return values;
}
