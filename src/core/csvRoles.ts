/**
 * Reads roles out of a CSV header: logit_0…logit_{K−1} or prob_0…, with label or target_0…;
 * or prediction,target / prediction_0…,target_0… for regression.
 */
import { cellEnd, cellText, parseCsvHeader, raggedRowProblems, trimmedCell, type CsvTable } from './csv';
import { namedLabelsLocated } from './labelNames';
import type { Located } from './located';
import { columnRoles } from './columnNames';
import { InputError } from './problems';
import { MAX_MESSAGES_PER_KIND, type Roles } from './buildDataset';

/**
 * The error for a first line of numbers (np.savetxt without `header=`; its default of spaces
 * between the numbers too), or null. The header alone decides it (parseCsvHeader), so the loader
 * asks before it reads the body (and rolesFromCsv does not ask again).
 */
export function missingHeaderError(table: Pick<CsvTable, 'columns' | 'columnSpans'>): InputError | null {
  const isNumber = (cell: string) => cell.trim() !== '' && !Number.isNaN(Number(cell));
  const start = table.columnSpans[0];
  const end = table.columnSpans[table.columnSpans.length - 1];
  if (table.columns.length > 0 && table.columns.every(isNumber)) {
    const k = Math.max(2, table.columns.length - 1);
    return new InputError(
      `the first line holds numbers, not column names; add a header row such as ${exampleHeader(k)}`,
      start,
      end,
      'no-header',
    );
  }
  const spaced = table.columns.length === 1 ? table.columns[0].trim().split(/[ \t]+/) : [];
  if (spaced.length > 1 && spaced.every(isNumber)) {
    const k = spaced.length - 1;
    return new InputError(
      `the first line holds numbers separated by spaces, not column names; separate them with commas and add a header row such as ${exampleHeader(k)} (np.savetxt(path, a, delimiter=',', header='…'))`,
      start,
      end,
      'no-header',
    );
  }
  return null;
}

/**
 * missingHeaderError of the header in `head`, a file's first bytes (the file has `fileSize`), or
 * null: also when the header line runs past `head`, or does not parse (that error is the full
 * reader's to give, in its order). For a reader that holds only the start of the file.
 */
export function headerlessFileError(head: Uint8Array, fileSize: number, tsv: boolean): InputError | null {
  try {
    const header = parseCsvHeader(head, tsv ? '\t' : undefined);
    if (head.length < fileSize && header.columnSpans[header.columnSpans.length - 1] >= head.length) return null;
    return missingHeaderError(header);
  } catch {
    return null;
  }
}

/** K logit columns then the label, every name written out up to K = 10 (one to copy), the ends only beyond. */
function exampleHeader(k: number): string {
  const names = k <= 10 ? Array.from({ length: k }, (_, j) => `logit_${j}`) : ['logit_0', 'logit_1', '…', `logit_${k - 1}`];
  return `${names.join(',')},label${k > 10 ? ` (${k} logit columns, then the label)` : ''}`;
}

export function rolesFromCsv(table: CsvTable, bytes: Uint8Array): Roles {
  const spanOf = (c: number) => ({ start: table.columnSpans[2 * c], end: table.columnSpans[2 * c + 1] });
  const { picks, nearMisses } = columnRoles(table.columns, spanOf, 'the header');
  const roles: Roles = { whole: { start: 0, end: bytes.length }, format: 'csv', nearMisses };
  const headerStart = table.columnSpans[0];
  const headerEnd = table.columnSpans[table.columnSpans.length - 1];
  // The widest group last (columnRoles' order): it may take table.data's own buffer (see columnsLocated).
  picks.forEach(
    ({ role, cols, vector }, i) =>
      (roles[role] = columnsLocated(role === 'labels' ? 'label' : role, table, cols, bytes, vector, i === picks.length - 1)),
  );
  if (roles.labels && table.labelNameCells) labelsAsNames(roles, roles.labels, table, bytes);
  if (table.rows === 0) {
    throw new InputError(
      'the file has a header but no data rows (N = 0); add one row per sample below the header',
      headerStart,
      headerEnd,
      'empty-tensor',
    );
  }
  if (table.ragged.length > 0) {
    roles.errors = raggedRowProblems(table, MAX_MESSAGES_PER_KIND);
    neutralRaggedRows(roles, table.ragged);
  }
  return roles;
}

/**
 * The label column read as text (csv.ts' labelNameCells, the cells the parser passed): its names,
 * for labelNames.ts to number. A short row without one has the empty place at its end; a ragged
 * row (reported as one) takes row 0's name, so it is not reported again.
 */
function labelsAsNames(roles: Roles, labels: Located, table: CsvTable, bytes: Uint8Array): void {
  const n = table.rows;
  const spans = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) spans.fill(table.rowSpans[2 * i + 1], 2 * i, 2 * i + 2);
  const delimiter = table.delimiter.charCodeAt(0);
  const cells = table.labelNameCells!;
  for (let t = 0; t < cells.length; t += 3) {
    const { start, end } = trimmedCell(bytes, cells[t + 1], cells[t + 2], delimiter);
    spans[2 * cells[t]] = start;
    spans[2 * cells[t] + 1] = end;
  }
  const ragged = new Set<number>();
  for (let t = 0; t < table.ragged.length; t += 3) ragged.add(table.ragged[t]);
  const names: string[] = [];
  for (let i = 0; i < n; i++) names.push(ragged.has(i) ? names[0] : cellText(bytes, spans[2 * i], spans[2 * i + 1]));
  roles.labels = namedLabelsLocated(labels.name, spans, labels.span);
  roles.labelNames = { names, classesKey: false };
}

/**
 * The ragged rows' values (NaN-padded or cut) replaced by ones no later check flags, so that the
 * other rows' problems are still found and nothing is reported twice: logits and predictions 0,
 * probabilities and targets 1/K (a valid distribution and soft target), log-probabilities −log K,
 * the row's own label if it is in range, else one another row has (else 1, which keeps "are these
 * 1-based?" as it was). The
 * file has errors, so these values are never analysed.
 */
function neutralRaggedRows(roles: Roles, ragged: number[]): void {
  const odd = new Set<number>();
  for (let t = 0; t < ragged.length; t += 3) odd.add(ragged[t]);
  const fill = (t: Located | undefined, value: number) => {
    if (!t) return;
    for (const r of odd) t.data.fill(value, r * t.cols, (r + 1) * t.cols);
  };
  const k = (roles.logits ?? roles.probabilities ?? roles.log_probabilities)?.cols ?? 0;
  fill(roles.logits, 0);
  fill(roles.predictions, 0);
  if (roles.probabilities) fill(roles.probabilities, 1 / roles.probabilities.cols);
  if (roles.targets) fill(roles.targets, 1 / roles.targets.cols);
  if (roles.log_probabilities) fill(roles.log_probabilities, -Math.log(roles.log_probabilities.cols));
  const labels = roles.labels;
  if (labels) {
    const inRange = (v: number) => Number.isInteger(v) && v >= 0 && v < k;
    let valid = -1;
    for (let i = 0; i < labels.rows && valid < 0; i++) if (!odd.has(i) && inRange(labels.data[i])) valid = labels.data[i];
    const other = valid >= 0 ? valid : Math.min(1, Math.max(0, k - 1));
    // A row's own label when it read as one (a trailing delimiter leaves it in place).
    for (const r of odd) if (!inRange(labels.data[r])) labels.data[r] = other;
  }
}

/**
 * The columns `cols` of the table as an n × k matrix. With `readLast` (no column is read after this
 * one) and columns in file order, the matrix is compacted inside table.data's own buffer instead
 * of a new one: each value moves to an index no greater than its own, after it was read, and
 * never onto a value still to be read. For a 600 MB CSV that is 560 MB less at the peak.
 */
function columnsLocated(name: string, table: CsvTable, cols: number[], bytes: Uint8Array, vector: boolean, readLast: boolean): Located {
  const n = table.rows;
  const k = cols.length;
  const width = table.columns.length;
  const src = table.data;
  const inPlace = readLast && cols.every((c, j) => c >= j) && src.length >= n * k;
  const data = inPlace ? src.subarray(0, n * k) : new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const base = i * width;
    for (let j = 0; j < k; j++) data[i * k + j] = src[base + cols[j]];
  }
  const delimiter = table.delimiter.charCodeAt(0);
  const rowSpans = table.rowSpans;
  const headerSpan = { start: table.columnSpans[2 * cols[0]], end: table.columnSpans[2 * cols[k - 1] + 1] };
  const cellSpan = (i: number, j: number) => nthCellSpan(bytes, rowSpans[2 * i], rowSpans[2 * i + 1], cols[j], delimiter);
  const first = table.columns[cols[0]].trim();
  const last = table.columns[cols[k - 1]].trim();
  return {
    name: vector ? `column "${first}"` : k === 1 ? `column ${first}` : `columns ${first}…${last}`,
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

export function nthCellSpan(
  b: Uint8Array,
  rowStart: number,
  rowEnd: number,
  column: number,
  delimiter: number,
): { start: number; end: number } {
  let i = rowStart;
  // Cell by cell: a quoted cell of a column no role reads (a file name) may hold the delimiter.
  for (let c = 0; c < column && i < rowEnd; c++) i = cellEnd(b, i, delimiter) + 1;
  i = Math.min(i, rowEnd); // a short row: the empty place at its end
  // To the cell's end as the parser reads it: past a delimiter inside quotes too.
  return trimmedCell(b, i, Math.min(cellEnd(b, i, delimiter), rowEnd), delimiter);
}
