/**
 * A CSV reader for numeric tables with a header row, over UTF-8 bytes. Cells are parsed as numbers
 * in place (no per-cell strings) into one row-major Float64Array; each data row keeps its span.
 * The delimiter is taken from the header: ',' unless the header has none and has tabs or ';'.
 */
import { InputError, problem, withinFile, type Problem } from './problems';
import { charHintAt, charLengthAt, charNameAt, clip, firstInvalidUtf8 } from './charNames';
import { notTextProblem, startsWithBom } from './fileSignature';
import { scanNumber, type NumberScan } from './numberScan';
import { Float64Builder } from './float64Builder';

export interface CsvTable {
  columns: string[];
  /** Span of each header cell. */
  columnSpans: Float64Array;
  delimiter: string;
  rows: number;
  /** Row-major values, rows × columns. */
  data: Float64Array;
  /** [start, end) of each data row (without its line break). */
  rowSpans: Float64Array;
  /**
   * Rows with more or fewer cells than the header, as [row, cells, trailingDelimiterAt (−1 if none)]
   * triples. They are read on (a short row padded with NaN, a long one cut at the header's width)
   * so that one odd row does not hide the other rows' problems; see raggedRowProblems.
   */
  ragged: number[];
  /**
   * When the label column's first row holds a class name, the column is read as text (its values
   * NaN) and its cells are here as [row, start, end) triples, as the parser passed them (labelNames.ts).
   */
  labelNameCells?: number[];
}

/** `delimiter`: given by the file's kind (a .tsv is split on tabs only); else read from the header. */
export function parseCsv(bytes: Uint8Array, delimiter?: '\t'): CsvTable {
  const notText = notTextProblem(bytes, 'CSV');
  if (notText) throw notText;
  try {
    return parseTable(bytes, delimiter);
  } catch (error) {
    throw withinFile(error, bytes.length);
  }
}

/**
 * The header alone (the first line that is not blank), read as parseCsv reads it: a table of no
 * rows. A fault of the header alone (csvRoles' missingHeaderError) is then found before a body of
 * hundreds of megabytes is read for nothing.
 */
export function parseCsvHeader(bytes: Uint8Array, delimiter?: '\t'): CsvTable {
  const notText = notTextProblem(bytes, 'CSV');
  if (notText) throw notText;
  let end = startsWithBom(bytes) ? 3 : 0;
  while (end < bytes.length && (bytes[end] === 10 || bytes[end] === 13)) end++;
  while (end < bytes.length && bytes[end] !== 10 && bytes[end] !== 13) end++;
  try {
    return parseTable(bytes.subarray(0, end), delimiter);
  } catch (error) {
    throw withinFile(error, bytes.length);
  }
}

/**
 * The names of the columns whose cells are numbers: those a role reads (csvRoles: logit_0…, prob_0…,
 * target_0…, prediction…, logprob_0…, label) or a user's gradient (userGradients: dinput_0…,
 * dlogit_0…). Any other column's cells are passed over, their values NaN: an id, a file name or a
 * date beside the logits is not "not a number".
 */
const READ_COLUMN = /^(?:(?:logit|prob|target|prediction|logprob)(?:_\d+)?|labels?|(?:dinput|dlogit)_\d+)$/;

const MISSING = /^(na|n\/a|nan|null|none|missing|-|\?)$/i;

/**
 * What parseCsv of a whole file too large to hold finds at `line`, one of its data lines (issue
 * 22): `head` is the file from its start through the header's line break, `row` the number of data
 * rows before the line, and `line` the line with its line break. The parser reads left to right
 * and throws at the first bad cell, so when the rows before were read without a problem, parseCsv
 * of the whole file throws the same `error`. When the line reads, `ragged` is its ragged-row
 * problem if it has more or fewer cells than the header (the last line of a file cut short, as a
 * run killed while writing leaves it; whether that is all the full reader would say is the
 * caller's to know), else null. Positions are in head + line. The caller checks the file's start
 * (notTextProblem), which parseCsv checks first.
 */
export function csvLineCheck(
  head: Uint8Array,
  line: Uint8Array,
  row: number,
  delimiter?: '\t',
): { error: InputError } | { ragged: Problem | null } {
  const read = readLine(head, line, row, delimiter);
  if (read instanceof InputError) return { error: read };
  return { ragged: read.rows === row + 1 && read.ragged.length === 3 ? raggedRowProblem(read, 0, row) : null };
}

/** head + line parsed as a table whose data rows start at number `row`, or the error it throws. */
function readLine(head: Uint8Array, line: Uint8Array, row: number, delimiter?: '\t'): CsvTable | InputError {
  const window = new Uint8Array(head.length + line.length);
  window.set(head);
  window.set(line, head.length);
  try {
    return parseTable(window, delimiter, row);
  } catch (error) {
    if (error instanceof InputError) return withinFile(error, window.length) as InputError;
    throw error;
  }
}

/** `firstRow`: the number of the first data row (csvLineError's window of one line); 0 for a whole file. */
function parseTable(bytes: Uint8Array, fixedDelimiter?: string, firstRow = 0): CsvTable {
  const b = bytes;
  const n = b.length;
  let pos = startsWithBom(b) ? 3 : 0;
  // Leading blank lines carry nothing.
  while (pos < n && (b[pos] === 10 || b[pos] === 13)) pos++;
  if (pos >= n) throw new InputError('the file is empty; expected a header row such as logit_0,logit_1,logit_2,label', 0, 0, 'empty');

  const headerStart = pos;
  let headerEnd = pos;
  while (headerEnd < n && b[headerEnd] !== 10 && b[headerEnd] !== 13) headerEnd++;
  const delimiter = fixedDelimiter ?? detectDelimiter(b, headerStart, headerEnd);
  const delim = delimiter.charCodeAt(0);

  const { columns, columnSpans } = readHeader(b, headerStart, headerEnd, delim);
  const width = columns.length;
  const textAt = Uint8Array.from(columns, (name) => (READ_COLUMN.test(name.trim().toLowerCase()) ? 0 : 1));

  pos = skipLineBreak(b, headerEnd);
  // The file's first data line decides; a window of a later line (csvLineError) is of a file whose
  // first label read as a number.
  const labelNamesColumn = firstRow === 0 ? labelColumnOfNames(b, pos, delim, columns) : -1;
  if (labelNamesColumn >= 0) textAt[labelNamesColumn] = 1;
  const labelNameCells: number[] | null = labelNamesColumn >= 0 ? [] : null;
  // At least 8 bytes a number in practice; the pages of the buffer take memory only once written.
  // No more than the bytes need: a window of one line is parsed once per ragged row (streamedProblem.ts).
  const values = new Float64Builder(Math.min(1 << 27, Math.ceil((n - pos) / 8) + 16));
  const rowSpans = new Float64Builder(Math.min(1024, n - pos + 2));
  const scan: NumberScan = { value: 0, end: 0, error: null };
  const ragged: number[] = [];
  let rows = firstRow;

  // The hot loop: every message is built by a function outside it, to keep the loop small.
  while (pos < n) {
    const rowStart = pos;
    // Blank lines (often a trailing newline or two) are skipped.
    if (b[pos] === 10 || b[pos] === 13) {
      pos = skipLineBreak(b, pos);
      continue;
    }
    let col = 0;
    // Where the row's first empty cell beyond the header's width starts (a trailing delimiter).
    let extraEmptyAt = -1;
    for (;;) {
      // The usual cell, a plain number followed by the delimiter, straight through. Anything else
      // (spaces, quotes, '+1', '.5', '5.', a bad number, the row's last cell) is read again from
      // its start by the careful code below, which alone reports problems.
      // '-' or a digit, tested without a branch on which (signs are as random as the data):
      // bit c − 45 of 0x1ff9 is set for '-' (45) and '0'–'9' (48–57), not for '.' and '/'.
      const d0 = ((b[pos] | 0) - 45) >>> 0;
      if (col < width && d0 < 13 && ((0x1ff9 >>> d0) & 1) === 1) {
        scanNumber(b, pos, scan);
        if (scan.error === null && b[scan.end] === delim) {
          values.push(scan.value);
          col++;
          pos = scan.end + 1;
          continue;
        }
      }
      let i = pos;
      let cellAt = pos;
      let quoted = false;
      cell: {
        // A column no role reads (an id, a file name, a date): its cell is passed over, whatever it
        // holds, unless it is empty at the start of a line (a blank line, below).
        const textEnd = col < width && textAt[col] === 1 ? textCellEnd(b, pos, delim) : -2;
        if (textEnd === -1) throw textQuoteError(b, pos, columns, rows, col);
        if (textEnd >= 0 && (col > 0 || b[textEnd] === delim || !spacesOnly(b, pos, textEnd))) {
          if (col === labelNamesColumn) labelNameCells!.push(rows, pos, textEnd);
          values.push(NaN);
          col++;
          i = textEnd;
          break cell;
        }
        while (b[i] === 32 || b[i] === 9) {
          if (b[i] === delim) break;
          i++;
        }
        if (b[i] === 34) {
          quoted = true;
          i++;
          while (b[i] === 32) i++;
        }
        const c = b[i];
        cellAt = i;
        if (c === 45 || (c >= 48 && c <= 57) || c === 43 || c === 46) {
          // CSV writers emit '+1', '.5' and '5.'; accept them, then hold the rest to JSON's grammar.
          scanCsvNumber(b, i, scan);
        } else if (c === delim || c === 10 || c === 13 || c === undefined || (quoted && c === 34)) {
          if (col === 0 && !quoted && c !== delim) {
            // A line of nothing but spaces is as blank as an empty one.
            pos = c === undefined ? n : skipLineBreak(b, i);
            break;
          }
          // Unnamed columns (a pandas index, a trailing delimiter on every line) are never read.
          if (col >= width) {
            if (extraEmptyAt < 0) extraEmptyAt = pos - 1;
          } else if (columns[col] !== '') throw emptyCellError(columns, rows, col, cellAt);
          scan.value = NaN;
          scan.end = i;
          scan.error = null;
        } else {
          scan.error = 'x';
        }
        if (scan.error !== null) throw cellError(b, i, delim, scan.error, columns, rows, col);
        if (col < width) values.push(scan.value);
        col++;
        i = scan.end;
        if (quoted) {
          while (b[i] === 32) i++;
          if (b[i] !== 34) throw quoteError(b, cellAt, i, delim, columns, rows, col - 1);
          i++;
        }
        while (b[i] === 32 || (b[i] === 9 && delim !== 9)) i++;
      }
      const d = b[i];
      if (d === delim) {
        pos = i + 1;
        continue;
      }
      if (d === 10 || d === 13 || d === undefined) {
        if (col !== width) {
          ragged.push(rows, col, extraEmptyAt);
          for (let c = col; c < width; c++) values.push(NaN);
        }
        rowSpans.push(rowStart);
        rowSpans.push(i);
        rows++;
        pos = d === undefined ? n : skipLineBreak(b, i);
        break;
      }
      throw afterNumberError(b, i, cellAt, delimiter, columns, rows, col - 1);
    }
  }

  const table: CsvTable = {
    columns,
    columnSpans: Float64Array.from(columnSpans),
    delimiter,
    rows,
    data: values.take(),
    rowSpans: rowSpans.take(),
    ragged,
  };
  if (labelNameCells) table.labelNameCells = labelNameCells;
  return table;
}

/**
 * The label column's index when the first data line (from `pos`) holds a class name there, such
 * as "cat", rather than a number or a missing value; else −1. The first line decides for all,
 * and only when it has one cell a column (a ragged first row is reported as one, as before).
 */
function labelColumnOfNames(b: Uint8Array, pos: number, delim: number, columns: string[]): number {
  const c = columns.findIndex((name) => /^labels?$/.test(name.trim().toLowerCase()));
  return c >= 0 && firstLabelIsName(b, pos, delim, c, columns.length) ? c : -1;
}

/**
 * Whether the first data line at b[pos] (after blank lines) is well formed, `width` cells, and its
 * cell `column` holds a name, not a number: the full reader then reads that column as class names.
 */
export function firstLabelIsName(b: Uint8Array, pos: number, delim: number, column: number, width: number): boolean {
  while (pos < b.length && (b[pos] === 10 || b[pos] === 13)) pos++;
  let text = '';
  let cells = 0;
  for (let i = pos; ; cells++) {
    const end = cellEnd(b, i, delim);
    if (cells === column) text = cellText(b, i, end);
    if (b[end] !== delim) break;
    i = end + 1;
  }
  if (cells + 1 !== width) return false;
  return text !== '' && !MISSING.test(text) && Number.isNaN(Number(text));
}

/** A cell's text between `start` and `end`, without the spaces around it and its quotes ("" is one quote). */
export function cellText(b: Uint8Array, start: number, end: number): string {
  const text = decoder.decode(b.subarray(start, end)).trim();
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

/** The cell [start, end) without the padding around its value (spaces, and tabs unless they delimit). */
export function trimmedCell(b: Uint8Array, start: number, end: number, delimiter: number): { start: number; end: number } {
  while (start < end && (b[start] === 32 || b[start] === 9) && b[start] !== delimiter) start++;
  while (end > start && (b[end - 1] === 32 || b[end - 1] === 9) && b[end - 1] !== delimiter) end--;
  return { start, end };
}

/**
 * Where a cell of a column no role reads ends: the delimiter or line break after it (or the file's
 * end). A quoted cell may hold the delimiter, and "" for a quote, but must close on its line; -1
 * when it does not, or when more than spaces follow the closing quote (textQuoteError).
 */
export function textCellEnd(b: Uint8Array, start: number, delim: number): number {
  let i = start;
  while (b[i] === 32 || (b[i] === 9 && delim !== 9)) i++;
  if (b[i] !== 34) {
    while (i < b.length && b[i] !== delim && b[i] !== 10 && b[i] !== 13) i++;
    return i;
  }
  for (i++; ; i++) {
    const c = b[i];
    if (c === undefined || c === 10 || c === 13) return -1;
    if (c !== 34) continue;
    if (b[i + 1] !== 34) break;
    i++;
  }
  i++;
  while (b[i] === 32 || (b[i] === 9 && delim !== 9)) i++;
  return i >= b.length || b[i] === delim || b[i] === 10 || b[i] === 13 ? i : -1;
}

/**
 * Where the cell starting at `start` ends (the delimiter or line break after it): a quoted cell may
 * hold the delimiter, as the parser reads it; a cell whose quotes do not close ends at the next
 * delimiter. For finding the nth cell of a row that parsed.
 */
export function cellEnd(b: Uint8Array, start: number, delim: number): number {
  const end = textCellEnd(b, start, delim);
  if (end >= 0) return end;
  let i = start;
  while (i < b.length && b[i] !== delim && b[i] !== 10 && b[i] !== 13) i++;
  return i;
}

function spacesOnly(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 32 && b[i] !== 9) return false;
  return true;
}

function readHeader(b: Uint8Array, headerStart: number, headerEnd: number, delim: number): { columns: string[]; columnSpans: number[] } {
  const columns: string[] = [];
  const columnSpans: number[] = [];
  let cellStart = headerStart;
  for (let i = headerStart; i <= headerEnd; i++) {
    if (i === headerEnd || b[i] === delim) {
      let s = cellStart;
      let e = i;
      while (s < e && (b[s] === 32 || b[s] === 9)) s++;
      while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
      // np.savetxt writes its header after its comment mark, '# ' by default (np.genfromtxt reads it so).
      if (cellStart === headerStart && b[s] === 35 && e - s > 1) {
        s++;
        while (s < e && (b[s] === 32 || b[s] === 9)) s++;
      }
      if (e - s >= 2 && b[s] === 34 && b[e - 1] === 34) {
        s++;
        e--;
      }
      const bad = firstInvalidUtf8(b, s, e);
      if (bad >= 0) {
        throw new InputError(
          `the header holds the byte 0x${b[bad].toString(16)}, which is not UTF-8 text; save the file as UTF-8 (or is it a binary file?)`,
          bad,
          bad + 1,
          'encoding',
        );
      }
      columns.push(decoder.decode(b.subarray(s, e)));
      columnSpans.push(cellStart, i);
      cellStart = i + 1;
    }
  }
  return { columns, columnSpans };
}

/** How messages name column `col`: its header name, or its number when it has none. */
function columnName(columns: string[], col: number): string {
  if (col >= columns.length) return `${col + 1} (beyond the ${columns.length} header columns)`;
  return columns[col] === '' ? `${col + 1} (unnamed)` : `"${clip(columns[col])}"`;
}

function where(columns: string[], rows: number, col: number): string {
  return `sample ${rows}, column ${columnName(columns, col)}`;
}

function emptyCellError(columns: string[], rows: number, col: number, cellAt: number): InputError {
  return new InputError(
    `empty cell in column ${columnName(columns, col)} of sample ${rows}; every cell needs a number (fill it in or drop the sample)`,
    cellAt,
    cellAt,
    'empty-cell',
  );
}

/**
 * One error per ragged row, at the row (a trailing delimiter: at the delimiter). Past `cap` rows the
 * rest share the last object: the problem sink lists `cap` of a kind and counts the others, so a
 * file whose every row is ragged costs a reference per row, not a message.
 */
export function raggedRowProblems(table: CsvTable, cap: number): Problem[] {
  const out: Problem[] = [];
  for (let t = 0; t < table.ragged.length; t += 3) out.push(out.length >= cap ? out[cap - 1] : raggedRowProblem(table, t));
  return out;
}

/** The problem of the ragged triple at `t`; `firstRow`: the number of the table's first data row. */
function raggedRowProblem(table: CsvTable, t: number, firstRow = 0): Problem {
  const width = table.columns.length;
  const [row, cells, trailingAt] = [table.ragged[t], table.ragged[t + 1], table.ragged[t + 2]];
  if (cells === width + 1 && trailingAt >= 0) {
    const message = `sample ${row} has an extra empty cell after its ${width} values; remove the trailing ${nameOf(table.delimiter)}`;
    return problem(message, trailingAt, trailingAt + 1, 'ragged');
  }
  const message = `sample ${row} has ${cells} value${cells === 1 ? '' : 's'}, expected ${width} (one per header column)`;
  const at = row - firstRow;
  return problem(message, table.rowSpans[2 * at], table.rowSpans[2 * at + 1], 'ragged');
}

function afterNumberError(
  b: Uint8Array,
  i: number,
  cellAt: number,
  delimiter: string,
  columns: string[],
  rows: number,
  col: number,
): InputError {
  const d = b[i];
  if (d === 44) {
    const comma = decimalComma(b, cellAt, i, delimiter.charCodeAt(0));
    if (comma) return comma(where(columns, rows, col));
  }
  const hint =
    d === 44 || d === 59 || d === 9
      ? ` (the header uses ${nameOf(delimiter)} as the delimiter, so every line must)`
      : d >= 48 && d <= 57
        ? '; a number cannot contain spaces'
        : charHintAt(b, i);
  return new InputError(
    `unexpected ${charNameAt(b, i)} after the number in ${where(columns, rows, col)}${hint}`,
    i,
    i + charLengthAt(b, i),
    'syntax',
  );
}

/** Why a cell is not a number, naming what it holds. */
function cellError(b: Uint8Array, i: number, delim: number, scanError: string, columns: string[], rows: number, col: number): InputError {
  const at = where(columns, rows, col);
  const columnName = columns[col];
  let e = i;
  while (e < b.length && b[e] !== delim && b[e] !== 10 && b[e] !== 13) e++;
  let text = decoder.decode(b.subarray(i, e)).trim();
  if (text.endsWith('"')) text = text.slice(0, -1).trim();
  const end = Math.max(e, i + 1);
  if (/^[-+]?(nan|inf|infinity)$/i.test(text))
    return new InputError(
      `${text} (${at}) is not a finite number and no loss can be computed from it; replace it with a number or drop the sample`,
      i,
      end,
      'non-finite',
    );
  if (MISSING.test(text))
    return new InputError(
      `"${text}" (${at}) marks a missing value, which cannot be analysed; fill it in or drop the sample`,
      i,
      end,
      'not-a-number',
    );
  if (scanError.includes('too large'))
    return new InputError(
      `${clip(text)} (${at}) is too large for a 64-bit float (the largest is about 1.8e308); rescale the values`,
      i,
      end,
      'non-finite',
    );
  let hint = '';
  for (let k = i; k < e; k++) {
    if (b[k] >= 0x80) {
      const advice = charHintAt(b, k);
      if (advice) hint = `: it contains ${charNameAt(b, k)}${advice}`;
      break;
    }
  }
  if (!hint && /^labels?$/i.test(columnName?.trim() ?? ''))
    hint = "; the first row's label is a number, so every label must be a class index 0…K−1 (or every label a class name)";
  return new InputError(`"${clip(text)}" (${at}) is not a number${hint}`, i, end, 'not-a-number');
}

/** A quoted cell of a column no role reads that does not close on its line, or has more after its closing quote. */
function textQuoteError(b: Uint8Array, start: number, columns: string[], rows: number, col: number): InputError {
  const open = b.indexOf(34, start);
  let end = open + 1;
  while (end < b.length && b[end] !== 10 && b[end] !== 13) end++;
  return new InputError(
    `${where(columns, rows, col)}: this quoted cell does not end at a closing quote on its line; keep the cell on one line, write a quote inside it as "", and put the delimiter right after the closing quote`,
    open,
    end,
    'syntax',
  );
}

function quoteError(b: Uint8Array, cellAt: number, i: number, delim: number, columns: string[], rows: number, col: number): InputError {
  const at = where(columns, rows, col);
  let close = i;
  while (close < b.length && b[close] !== 34 && b[close] !== 10 && b[close] !== 13) close++;
  if (b[close] !== 34) {
    let open = cellAt - 1;
    while (open > 0 && b[open] !== 34) open--;
    return new InputError(
      `${at}: the quote that opens this cell is never closed; close it after the number, as in "1.5"`,
      open,
      open + 1,
      'syntax',
    );
  }
  const comma = b[i] === 44 ? decimalComma(b, cellAt, i, delim) : null;
  if (comma) return comma(at);
  return new InputError(
    `unexpected ${charNameAt(b, i)} in the quoted cell of ${at}; a quoted cell must hold just a number, like "1.5"${charHintAt(b, i)}`,
    i,
    i + charLengthAt(b, i),
    'syntax',
  );
}

/**
 * When [start, comma) is a whole number and the comma is followed by digits up to the end of the
 * cell, the comma is a decimal comma ("2,5"), not a delimiter: returns the error that says so.
 */
function decimalComma(b: Uint8Array, start: number, comma: number, delim: number): ((where: string) => InputError) | null {
  let k = start;
  if (b[k] === 45 || b[k] === 43) k++;
  if (k === comma) return null;
  for (; k < comma; k++) if (!(b[k] >= 48 && b[k] <= 57)) return null;
  let e = comma + 1;
  while (b[e] >= 48 && b[e] <= 57) e++;
  if (e === comma + 1) return null;
  const c = b[e];
  if (!(c === undefined || c === delim || c === 10 || c === 13 || c === 34 || c === 32 || c === 9) || c === 44) return null;
  const text = decoder.decode(b.subarray(start, e));
  return (where) =>
    new InputError(
      `${where}: "${text}" has a decimal comma; write numbers with a '.' decimal point (${text.replace(',', '.')})`,
      start,
      e,
      'decimal-comma',
    );
}

const decoder = new TextDecoder('utf-8');

function scanCsvNumber(b: Uint8Array, i: number, scan: NumberScan): void {
  const c = b[i];
  if (c === 43 /* + */) {
    const next = b[i + 1];
    if (!((next >= 48 && next <= 57) || next === 46)) {
      scan.error = 'a sign must be followed by a digit';
      scan.end = i + 1;
      return;
    }
    scanCsvNumber(b, i + 1, scan);
    return;
  }
  // '.5' or '-.5': the JSON grammar wants a leading digit; CSV exporters do not always write one.
  const afterSign = c === 45 ? i + 1 : i;
  if (b[afterSign] === 46) {
    scanNumber(withLeadingZero(b, i, afterSign), 0, scan);
    scan.end = scan.end - 1 + i;
    return;
  }
  scanNumber(b, i, scan);
  // '5.' (a trailing point) parses as the integer it is.
  if (scan.error !== null && b[scan.end - 1] === 46 && !(b[scan.end] >= 48 && b[scan.end] <= 57)) {
    scanNumber(b.subarray(0, scan.end - 1), i, scan);
    if (scan.error === null) scan.end++;
  }
}

function withLeadingZero(b: Uint8Array, start: number, point: number): Uint8Array {
  let end = point + 1;
  while (end < b.length && ((b[end] >= 48 && b[end] <= 57) || b[end] === 101 || b[end] === 69 || b[end] === 43 || b[end] === 45)) end++;
  const out = new Uint8Array(end - start + 1);
  let k = 0;
  if (point !== start) out[k++] = 45;
  out[k++] = 48;
  out.set(b.subarray(point, end), k);
  return out;
}

function detectDelimiter(b: Uint8Array, start: number, end: number): string {
  let commas = 0;
  let tabs = 0;
  let semicolons = 0;
  for (let i = start; i < end; i++) {
    if (b[i] === 44) commas++;
    else if (b[i] === 9) tabs++;
    else if (b[i] === 59) semicolons++;
  }
  if (commas > 0) return ',';
  if (tabs > 0) return '\t';
  if (semicolons > 0) return ';';
  return ',';
}

function nameOf(delimiter: string): string {
  return delimiter === '\t' ? 'tab' : `'${delimiter}'`;
}

function skipLineBreak(b: Uint8Array, i: number): number {
  if (b[i] === 13) return b[i + 1] === 10 ? i + 2 : i + 1;
  if (b[i] === 10) return i + 1;
  return i;
}
