/**
 * A table of values as CSV or JSON text, row by row: the webview's Copy of what a view shows and
 * the worker's Copy of a whole matrix write the same text through these two functions.
 */
import { neutraliseFormula } from './csvSafe';

export interface TextTable {
  name: string;
  columns: string[];
  rowCount: number;
  /** Row i's cells; may return the same array each call (it is used before the next call). */
  row(i: number): readonly (string | number)[];
  /** Said once above the values, e.g. what was left out. */
  note?: string;
}

function csvCell(v: string | number): string {
  // Text cells (class names) cannot start a spreadsheet formula; numbers are left as they are.
  const s = typeof v === 'number' ? String(v) : neutraliseFormula(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tableCsv(t: TextTable): string {
  const lines = t.note ? [`# ${t.note}`] : [];
  lines.push(t.columns.map(csvCell).join(','));
  for (let i = 0; i < t.rowCount; i++) lines.push(t.row(i).map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

/** One object per row; ±Infinity and NaN, which JSON cannot hold, become strings. */
export function tableJson(t: TextTable): string {
  const rows = Array.from({ length: t.rowCount }, (_, i) => {
    const r = t.row(i);
    return Object.fromEntries(t.columns.map((c, j) => [c, typeof r[j] === 'number' && !Number.isFinite(r[j]) ? String(r[j]) : r[j]]));
  });
  return JSON.stringify({ name: t.name, ...(t.note ? { note: t.note } : {}), columns: t.columns, rows }, null, 1) + '\n';
}

export function tableText(t: TextTable, format: 'csv' | 'json'): string {
  return format === 'csv' ? tableCsv(t) : tableJson(t);
}
