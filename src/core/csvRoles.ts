/**
 * Reads roles out of a CSV header: logit_0…logit_{K−1} or prob_0…, with label or target_0…;
 * or prediction,target / prediction_0…,target_0… for regression.
 */
import type { CsvTable } from './csv';
import type { Located } from './located';
import { InputError } from './problems';
import type { Roles } from './roles';

const GROUPS = [
  { prefix: 'logit', role: 'logits' },
  { prefix: 'prob', role: 'probabilities' },
  { prefix: 'target', role: 'targets' },
  { prefix: 'prediction', role: 'predictions' },
] as const;

export function rolesFromCsv(table: CsvTable, bytes: Uint8Array): Roles {
  const roles: Roles = { whole: { start: 0, end: bytes.length } };
  const seen = new Map<string, number>();
  table.columns.forEach((name, c) => {
    const key = name.trim().toLowerCase();
    const previous = seen.get(key);
    if (previous !== undefined) {
      throw new InputError(`column "${name}" appears twice (columns ${previous + 1} and ${c + 1})`, table.columnSpans[2 * c], table.columnSpans[2 * c + 1], 'duplicate-column');
    }
    seen.set(key, c);
  });
  const headerEnd = table.columnSpans[table.columnSpans.length - 1];
  for (const { prefix, role } of GROUPS) {
    const single = seen.get(prefix);
    const indexed: number[] = [];
    for (let j = 0; seen.has(`${prefix}_${j}`); j++) indexed.push(seen.get(`${prefix}_${j}`)!);
    // Catch gaps such as logit_0, logit_2 (logit_1 missing).
    for (const [name, c] of seen) {
      const m = name.match(new RegExp(`^${prefix}_(\\d+)$`));
      if (m && Number(m[1]) >= indexed.length) {
        throw new InputError(`column "${prefix}_${indexed.length}" is missing (found "${table.columns[c]}")`, table.columnSpans[2 * c], table.columnSpans[2 * c + 1], 'missing-column');
      }
    }
    if (indexed.length > 0) roles[role] = columnsLocated(role, table, indexed, bytes, false);
    else if (single !== undefined) roles[role] = columnsLocated(role, table, [single], bytes, true);
  }
  const label = seen.get('label') ?? seen.get('labels');
  if (label !== undefined) roles.labels = columnsLocated('label', table, [label], bytes, true);
  if (!roles.logits && !roles.probabilities && !roles.predictions) {
    throw new InputError(
      `no recognised columns in the header (${table.columns.join(', ')}); expected logit_0…logit_{K-1} or prob_0… with label or target_0…, or prediction,target`,
      0,
      headerEnd,
      'no-tensor',
    );
  }
  return roles;
}

function columnsLocated(name: string, table: CsvTable, cols: number[], bytes: Uint8Array, vector: boolean): Located {
  const n = table.rows;
  const k = cols.length;
  const width = table.columns.length;
  const data = new Float64Array(n * k);
  const src = table.data;
  for (let i = 0; i < n; i++) {
    const base = i * width;
    for (let j = 0; j < k; j++) data[i * k + j] = src[base + cols[j]];
  }
  const delimiter = table.delimiter.charCodeAt(0);
  const rowSpans = table.rowSpans;
  const headerSpan = { start: table.columnSpans[2 * cols[0]], end: table.columnSpans[2 * cols[k - 1] + 1] };
  const cellSpan = (i: number, j: number) => nthCellSpan(bytes, rowSpans[2 * i], rowSpans[2 * i + 1], cols[j], delimiter);
  return {
    name: vector ? table.columns[cols[0]] : `${name} columns`,
    rows: n,
    cols: k,
    vector,
    data,
    span: n > 0 ? { start: headerSpan.start, end: rowSpans[rowSpans.length - 1] } : headerSpan,
    // Whole rows: finding every label cell up front would rescan the file; elementSpan does it on demand.
    rowSpans,
    elementSpan: cellSpan,
  };
}

export function nthCellSpan(b: Uint8Array, rowStart: number, rowEnd: number, column: number, delimiter: number): { start: number; end: number } {
  let i = rowStart;
  for (let c = 0; c < column && i < rowEnd; i++) if (b[i] === delimiter) c++;
  let end = i;
  while (end < rowEnd && b[end] !== delimiter) end++;
  return { start: i, end };
}
