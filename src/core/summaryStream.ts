/**
 * Streaming readers for `analyze --summary` (issue 22): the simple layouts only, fed a chunk at a
 * time, so the summary of a 1 GB file needs a few MB. CSV: a header `logit_0,…,logit_{K−1},label`
 * (the label first, target_0… in its place, columns no role reads before or after, another
 * delimiter, quoted names: csvColumns), then rows of K numbers and an integer label (or K
 * targets; LF or CRLF, blank lines only at the end). JSON:
 * `{"logits": [[…], …], "labels": […]}` (either order, any whitespace), with or without a
 * `"classes": […]` entry of names (jsonClasses.ts) before, between or after them. Probabilities
 * (`prob_0,…`, `"probabilities"`) when the caller asks. Numbers are read by scanNumber, as the full
 * readers read them.
 *
 * Anything else, including every input the full reader would report a problem in, makes `feed`
 * return -1 and the caller runs the full reader: its messages and positions stay the only ones.
 * `feed(b, last, base)` gets the unconsumed bytes (b starts at file offset `base`) and returns how
 * many it consumed; the caller keeps the rest in front of the next chunk.
 */
import { scanNumber, type NumberScan } from './numberScan';
import {
  faultCount,
  LogitRowSummer,
  type SummedInput,
  type NotedDistributions,
  type OddRows,
  type OutOfRangeLabels,
  type RowTarget,
} from './summaryRows';
import { indexOfByte } from './byteSearch';
import { passedCellEnd } from './rowValues';
import { startsWithBom } from './fileSignature';
import { namesAnyColumn } from './columnNames';
import { cellText, textCellEnd, trimmedCell } from './csv';
import { classIndex } from './labelNames';
import type { LineTables } from './lineIndex';
import { classesEndingAt, classesForward, isClassesKey, isSpace, namesIn, stringsBackward, type ClassesEntry } from './jsonClasses';

export interface SummaryStream {
  feed(b: Uint8Array, last: boolean, base: number): number;
  /** True once the rest of the file is known not to matter (JSON whose labels were read from the tail). */
  readonly done: boolean;
  /** The summer after the last feed, or null when the file was not complete in the simple layout. */
  finish(): LogitRowSummer | null;
  /** Done with the stream and its summer: their buffers may be reused on this thread. */
  release(): void;
}

/** Thrown inside a push reader's feed when a value runs past the bytes fed: it returns where that value began, and is fed again from there. */
export const NEED_MORE = Symbol('need more bytes');

/** A push reader's check before it reads b[i] of `len` bytes fed: NEED_MORE past them. */
export function needWithin(len: number): (i: number) => void {
  return (i) => {
    if (i >= len) throw NEED_MORE;
  };
}

/** Where a CSV stream of a whole file stopped at a data line: for the full reader's message there. */
export interface CsvLineFailure {
  /** File offset of the line's first byte. */
  offset: number;
  /** Data rows before it. */
  row: number;
  /** File offset just after the header's line break. */
  rowsStart: number;
  /** Classes: the header's logit columns. */
  k: number;
}

/** A row of "logits" that a JSON stream of a whole file does not take but may read past (its `oddRow`). */
export interface JsonOddRow {
  /** File offset of the row's '['. */
  offset: number;
  /** File offset just after the '[' that opens "logits". */
  rowsStart: number;
  /** Rows before it. */
  row: number;
  /** Its numbers, when it is a list of plain numbers; else −1. */
  length: number;
  /** The first row's length. */
  k: number;
}

/** Where a JSON read stopped in a row of "logits" (streamedProblem.ts): a JsonSummaryStream's, or where its parts stopped. */
export interface JsonStop {
  readonly failure: JsonRowFailure | null;
  /** The file's line tables, when parts built them (the extension's worker). */
  readonly lines?: LineTables;
}

/**
 * A file read whole in parts whose only faults they found are ones they read past and noted:
 * labels out of range, rows of another width, rows that are not distributions (summaryParts.ts).
 * For streamedProblem to list them without reading the file again.
 */
export interface ReadPastStop extends RowLayout {
  /** Rows counted from the file's first, in file order. */
  readonly labelsOutOfRange: OutOfRangeLabels;
  /** Rows of another width (a CSV's ragged lines, a JSON's rows of another length), counted from the file's first, in file order. */
  readonly oddRows: OddRows;
  /** Rows of probabilities or targets that are not distributions, counted from the file's first, in file order. */
  readonly distributions: NotedDistributions;
  readonly k: number;
  /** Where the rows start: the bytes before are a CSV's header (its ragged rows are checked against it). */
  readonly rowsStart: number;
  /** A JSON's labels read from its tail (their spans). */
  readonly tail: TailLabels | null;
  /** A JSON's own class names (the full reader then reads no classes.txt). */
  readonly classes?: ClassesEntry;
  /** The file's line tables, when the parts built them (the extension's worker). */
  readonly lines?: LineTables;
}

/**
 * How a file's rows lie beyond their K numbers, as a plan tells its parts, the read-back and the
 * list of problems (absent: none, the label last, ',', logits).
 */
export interface RowLayout {
  /** A CSV's columns before the logits that no role reads (CsvColumns.leading). */
  readonly leading?: number;
  /** A CSV's label column comes before the logits: its cell is a row's first, or the one after the columns no role reads. */
  readonly labelFirst?: boolean;
  /** A CSV's columns after the logits and the label that no role reads (CsvColumns.trailing). */
  readonly trailing?: number;
  /** A CSV's byte between cells when not ',' (CsvColumns.delimiter). */
  readonly delimiter?: number;
  /** What the rows are when not logits: probabilities (a CSV's prob_0…, a JSON's "probabilities") or log-probabilities (logprob_0…, "log_probabilities"). */
  readonly input?: SummedInput;
  /** A CSV's K columns after the logits are target_0…target_{K−1} (one-hot or soft rows), and there is no label. */
  readonly targets?: boolean;
}

/** A RowLayout with only the fields that differ from the usual. */
export function rowLayoutOf({ leading, labelFirst, trailing, delimiter, input, targets }: RowLayout): RowLayout {
  return {
    ...(leading ? { leading } : {}),
    ...(labelFirst ? { labelFirst } : {}),
    ...(trailing ? { trailing } : {}),
    ...(delimiter !== undefined && delimiter !== 44 ? { delimiter } : {}),
    ...(input && input !== 'logits' ? { input } : {}),
    ...(targets ? { targets } : {}),
  };
}

/** Where a file's parts stopped (summaryParts.ts), for streamedProblem. */
export type PartsStop = CsvStop | JsonStop | ReadPastStop;

/** What `analyze --summary` gave up with, for streamedProblem: its one-thread stream, or where its parts stopped. */
export type SummaryStop = SummaryStream | PartsStop;

/** Where a CSV read stopped at a data line, and whether the rows before it are clean (streamedProblem.ts). */
export interface CsvStop {
  readonly failure: CsvLineFailure | null;
  /** Whether the rows before the failure hold nothing the full reader would report, as for a file that ended there. */
  rowsBeforeFailureClean(): boolean;
  /** The file's line tables, when parts built them (the extension's worker). */
  readonly lines?: LineTables;
}

export class CsvSummaryStream implements SummaryStream, CsvStop {
  private summer: LogitRowSummer | null = null;
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };
  private ended = false;
  /** File offset just after the header's line break, once read (0 for a part, which has none). */
  rowsStart = 0;
  readonly done = false;
  /**
   * Set when `feed` gave up at a data line's cell or label (a stream over a whole file; a part's
   * rows are counted from its own start). Not set for the header, a blank line or a block.
   */
  failure: CsvLineFailure | null = null;

  /**
   * `part`: the rows between two newlines of a file read by several threads (no header; K and the
   * columns before the logits known);
   * a part that is not the file's last must not end in blank lines (one thread would refuse them).
   * `outOfRange`: labels out of range are noted there and the rows read on (streamedProblem.ts, and
   * a part's: summaryParts.ts).
   * `oddRow`: asked about a data line the stream does not take (with its line break, if it has
   * one); true reads on past it, the row summarised as a neutral row with label 0 (the file has
   * errors: that summary is never reported), as the full reader reads on past a ragged row.
   * `whole.distributions` (a whole file's stream or a part's): rows of probabilities or targets that
   * are not distributions are noted there and the rows read on (streamedProblem.ts lists them).
   * The rest of `whole`, for a stream of a whole file: `tsv`, a .tsv, whose header the full reader
   * splits on tabs only; `probabilities`, take a header of prob_0… (else only logit_0…);
   * `logProbabilities`, of logprob_0… with a label (`analyze --summary` only); `targets`, take
   * target_0… columns instead of a label (the summary's read: such a stream keeps no RowTarget).
   * A row of targets the stream does not take is the full reader's: no failure, no row read past.
   * A part's `labelNames`: the labels are class names (the file's first label is one, so the full
   * reader reads them as names: csv.ts firstLabelIsName), numbered by these names (a classes.txt's)
   * as numberNamedLabels numbers them. A row the stream does not take is then the full reader's:
   * no failure, no row read past (a window of that line alone would read its label as a number).
   */
  constructor(
    part?: { k: number; final: boolean; target?: RowTarget; labelNames?: readonly string[] } & RowLayout,
    private readonly outOfRange: OutOfRangeLabels | null = null,
    private readonly oddRow: ((line: Uint8Array, at: CsvLineFailure) => boolean) | null = null,
    private readonly whole: RowsTaken & { tsv?: boolean; distributions?: NotedDistributions } = {},
  ) {
    this.names = part?.labelNames ? classIndex(part.labelNames) : null;
    if (part) {
      const { distributions } = this.whole;
      const input = part.input ?? 'logits';
      this.summer = new LogitRowSummer(part.k, {
        keep: true,
        target: part.target,
        outOfRange: this.outOfRange,
        input,
        labelSpans: this.names !== null,
        targets: part.targets,
        distributions,
      });
    }
    this.final = part?.final ?? true;
    this.leading = part?.leading ?? 0;
    this.labelFirst = part?.labelFirst ?? false;
    this.trailing = part?.trailing ?? 0;
    this.delimiter = part?.delimiter ?? 44;
  }

  /** Columns before the logits that no role reads (CsvColumns.leading): from the header, or the part's plan. */
  leading: number;
  /** The label's column comes before the logits (CsvColumns.labelFirst): from the header, or the part's plan. */
  labelFirst: boolean;
  /** Columns after the logits and the label that no role reads (CsvColumns.trailing): from the header, or the part's plan. */
  trailing: number;
  /** The byte between cells (CsvColumns.delimiter): from the header, or the part's plan. */
  delimiter: number;
  /** Each class name's index, when the labels are names (`labelNames`). */
  private readonly names: Map<string, number> | null;

  /** What the rows are, once the header is read. */
  get rowsInput(): SummedInput | null {
    return this.summer?.input ?? null;
  }

  private readonly final: boolean;

  feed(b: Uint8Array, last: boolean, base = 0): number {
    const len = b.length;
    let p = 0;
    if (!this.summer) {
      const nl = indexOfByte(b, 10);
      if (nl < 0) return last ? -1 : 0;
      const columns = csvColumns(b, nl > 0 && b[nl - 1] === 13 ? nl - 1 : nl, this.whole.tsv);
      if (!columns || columns.k < 2 || !takesColumns(columns, this.whole)) return -1;
      this.leading = columns.leading;
      this.labelFirst = columns.labelFirst;
      this.trailing = columns.trailing;
      this.delimiter = columns.delimiter;
      const { input, targets } = columns;
      this.summer = new LogitRowSummer(columns.k, {
        outOfRange: this.outOfRange,
        input,
        targets,
        distributions: this.whole.distributions,
      });
      p = nl + 1;
      this.rowsStart = base + p;
    }
    const summer = this.summer;
    const { k, block, labels } = summer;
    const scan = this.scan;
    const delimiter = this.delimiter;
    rows: while (p < len) {
      const c = b[p];
      if (c === 10 || c === 13) {
        // A part that is not the file's last ends in no blank line (one thread would refuse them).
        const at = last && !this.final ? -1 : atBlankLines(b, p, last);
        this.ended = at === len;
        return at;
      }
      const lineEnd = lineEndAt(b, p, last);
      if (lineEnd < 0) return p;
      const end = withoutCr(b, p, lineEnd);
      summer.spans[2 * summer.rows] = base + p;
      summer.spans[2 * summer.rows + 1] = base + end;
      const at = summer.rows * k;
      const next = lineEnd === len ? len : lineEnd + 1;
      // Columns no role reads (pandas' index, of numbers or strings; R's row names, quoted; an id): passed over as the full reader passes them.
      for (let j = 0; j < this.leading; j++) {
        const after = passedCellEnd(b, p, end, delimiter);
        if (after < 0 || b[after] !== delimiter) {
          if (!this.readPast(summer, b, next, base)) return -1;
          p = next;
          continue rows;
        }
        p = after + 1;
      }
      let label = NOT_A_LABEL;
      if (this.labelFirst && this.names) {
        // A name may be quoted, and hold the delimiter ("bird, small").
        const cellEnd = textCellEnd(b, p, delimiter);
        if (cellEnd >= 0 && cellEnd < end && b[cellEnd] === delimiter) label = this.namedLabel(summer, b, p, cellEnd, base);
        if (label === NOT_A_LABEL) return -1;
        p = cellEnd + 1;
      } else if (this.labelFirst) {
        const cellEnd = indexOfByte(b, delimiter, p);
        if (cellEnd >= 0 && cellEnd < end) label = smallInteger(b, p, cellEnd, scan);
        if (label === NOT_A_LABEL) {
          if (!this.readPast(summer, b, next, base)) return -1;
          p = next;
          continue;
        }
        p = cellEnd + 1;
      }
      // Each logit ends at a delimiter; with the label first and no column after, the last one ends the line.
      const trailing = this.trailing;
      const followedByDelimiter = this.labelFirst && trailing === 0 ? k - 1 : k;
      for (let j = 0; j < followedByDelimiter; j++) {
        scanNumber(b, p, scan);
        if (scan.error !== null || b[scan.end] !== delimiter || scan.end >= end) {
          if (!this.readPast(summer, b, next, base)) return -1;
          p = next;
          continue rows;
        }
        block[at + j] = scan.value;
        p = scan.end + 1;
      }
      if (summer.targets) {
        if (!this.targetCells(summer.targets, summer.rows * k, k, b, p, end)) return -1;
        label = 0;
      } else if (trailing > 0) label = this.beforeTrailing(summer, b, p, end, base, label);
      else if (this.labelFirst) {
        scanNumber(b, p, scan);
        if (scan.error === null && scan.end === end) block[at + k - 1] = scan.value;
        else label = NOT_A_LABEL;
      } else if (this.names) label = textCellEnd(b, p, delimiter) === end ? this.namedLabel(summer, b, p, end, base) : NOT_A_LABEL;
      else label = smallInteger(b, p, end, scan);
      if (label === NOT_A_LABEL) {
        if (!this.readPast(summer, b, next, base)) return -1;
        p = next;
        continue;
      }
      labels[summer.rows++] = label;
      if (summer.rows === summer.blockRows && !summer.flush()) return -1;
      p = next;
    }
    if (last) this.ended = true;
    return len;
  }

  /**
   * At the current row, which the stream does not take (`feed` has put its span in the summer and
   * b[…, next) ends its line): whether oddRow reads on past it (summarised as a neutral row); else
   * the failure is recorded. False also when the neutral row's block is refused.
   */
  private readPast(summer: LogitRowSummer, b: Uint8Array, next: number, base: number): boolean {
    if (this.names || summer.targets) return false; // the full reader's (see the constructor)
    const rows = summer.rows;
    const start = summer.spans[2 * rows];
    this.failure = { offset: start, row: summer.n + rows, rowsStart: this.rowsStart, k: summer.k };
    if (!this.oddRow?.(b.subarray(start - base, next), this.failure)) return false;
    this.failure = null;
    summer.rowsReadPast++;
    summer.neutralRow(rows);
    summer.labels[rows] = 0;
    summer.rows++;
    return summer.rows < summer.blockRows || summer.flush();
  }

  /**
   * With columns after the logits and the label (the row's cells from b[p] to `end` are the label,
   * unless it came first, then those columns): the label (`first`'s when it came first), or
   * NOT_A_LABEL when the row is not so; each column no role reads passed over as the full reader
   * passes it.
   */
  private beforeTrailing(summer: LogitRowSummer, b: Uint8Array, p: number, end: number, base: number, first: number): number {
    const delimiter = this.delimiter;
    let label = first;
    if (!this.labelFirst) {
      const cellEnd = this.names ? textCellEnd(b, p, delimiter) : indexOfByte(b, delimiter, p);
      if (cellEnd < 0 || cellEnd >= end || b[cellEnd] !== delimiter) return NOT_A_LABEL;
      label = this.names ? this.namedLabel(summer, b, p, cellEnd, base) : smallInteger(b, p, cellEnd, this.scan);
      p = cellEnd + 1;
    }
    return this.trailingCellsEnd(b, p, end) ? label : NOT_A_LABEL;
  }

  /**
   * A row's K targets from b[p] on (after its logits), into `targets` at `at`, and the columns no
   * role reads after them up to `end`, passed over; false when the row is not so.
   */
  private targetCells(targets: Float64Array, at: number, k: number, b: Uint8Array, p: number, end: number): boolean {
    const { trailing, delimiter, scan } = this;
    for (let j = 0; j < k; j++) {
      scanNumber(b, p, scan);
      const last = j + 1 === k && trailing === 0;
      if (scan.error !== null || (last ? scan.end !== end : b[scan.end] !== delimiter || scan.end >= end)) return false;
      targets[at + j] = scan.value;
      p = scan.end + 1;
    }
    return this.trailingCellsEnd(b, p, end);
  }

  /** Whether b[p, end) is the row's `trailing` columns no role reads, each passed over as the full reader passes it. */
  private trailingCellsEnd(b: Uint8Array, p: number, end: number): boolean {
    const delimiter = this.delimiter;
    for (let j = 0; j < this.trailing; j++) {
      const after = textCellEnd(b, p, delimiter);
      if (j + 1 < this.trailing ? after < 0 || after >= end || b[after] !== delimiter : after !== end) return false;
      p = after + 1;
    }
    return true;
  }

  /**
   * The class index of the name in the cell b[start, end) (trimmed and unquoted as the full reader
   * reads it), its span noted as the label's; NOT_A_LABEL when it is none of the names.
   */
  private namedLabel(summer: LogitRowSummer, b: Uint8Array, start: number, end: number, base: number): number {
    const cell = trimmedCell(b, start, end, this.delimiter);
    const index = this.names!.get(cellText(b, cell.start, cell.end).trim());
    if (index === undefined) return NOT_A_LABEL;
    summer.labelSpans![2 * summer.rows] = base + cell.start;
    summer.labelSpans![2 * summer.rows + 1] = base + cell.end;
    return index;
  }

  /**
   * After a failure: whether the rows before it hold nothing the full reader would report (a label
   * out of range, a row read past, an overflowing loss), as for a file that ended there. Summarises them.
   */
  rowsBeforeFailureClean(): boolean {
    const summer = this.summer;
    const distributions = this.whole.distributions;
    const noted = (this.outOfRange?.count ?? 0) + (distributions ? faultCount(distributions) : 0);
    return this.failure !== null && summer !== null && summer.flush() && noted === 0 && summer.rowsReadPast === 0;
  }

  /**
   * A part's stop (summaryParts.ts): its offset, the part's rows before it, and their bounds when
   * they are clean (null: not; empty with a target, which holds them); null when it did not stop
   * at a data line.
   */
  partStop(): { offset: number; row: number; bounds: number[] | null } | null {
    const failure = this.failure;
    if (!failure) return null;
    const clean = this.rowsBeforeFailureClean();
    return { offset: failure.offset, row: failure.row, bounds: clean ? (this.summer?.kept?.bounds ?? []) : null };
  }

  release(): void {
    this.summer?.release();
  }

  finish(): LogitRowSummer | null {
    const s = this.summer;
    if (!s || !this.ended || !s.flush() || s.n === 0) return null;
    return s;
  }
}

/** The columns of a CSV in the simple layout: K logits, after `leading` columns no role reads, the label last or first. */
export interface CsvColumns {
  k: number;
  /**
   * The first columns no role reads, which the full reader passes over: pandas' index (`df.to_csv()`), unnamed or named;
   * R's row names, quoted; an id or a file name.
   */
  leading: number;
  /** The label's column comes just before the logits (a DataFrame built with it first; after pandas' index too), not after them. */
  labelFirst: boolean;
  /** Columns after the logits and the label that no role reads (`df["id"] = …` after them): named, as passedColumns passes them. */
  trailing: number;
  /** The byte between cells: ',' (44), a tab (9) or ';' (59), as the full reader takes it from the header (csv.ts). */
  delimiter: number;
  /** The header starts with a UTF-8 byte order mark (Excel's "CSV UTF-8", pandas' `utf-8-sig`), which the full reader skips. */
  bom: boolean;
  /**
   * What the K columns are: logit_0…logit_{K−1}, prob_0… (probabilities: Keras' predict,
   * scikit-learn's predict_proba) or logprob_0… (log_softmax outputs, for nll).
   */
  input: SummedInput;
  /** target_0…target_{K−1} (one-hot or soft rows) follow the K columns, in place of a label. */
  targets: boolean;
}

/**
 * The columns when the header line b[0, end) is exactly [C,…]logit_0,…,logit_{K−1},label[,C,…] or
 * [C,…]label,logit_0,…[,C,…] or [C,…]logit_0,…,target_0,…,target_{K−1}[,C,…] (or prob_0,… for
 * probabilities), the Cs columns no role reads
 * (passedColumns; those after named), after a byte order mark or np.savetxt's
 * comment mark ('# ') or neither, each name bare or in double quotes (R's write.csv), split at the
 * full reader's delimiter: ',' unless the header has none, then a tab, then ';' (`tsv`: a .tsv's,
 * tabs only); else null. A header with two
 * kinds of delimiter is left to the full reader, so that the ragged-line checks, which take the
 * delimiter from the header again (csvLineCheck), split it as the full reader does.
 */
export function csvColumns(b: Uint8Array, end: number, tsv = false): CsvColumns | null {
  const bom = startsWithBom(b);
  let text = '';
  for (let i = bom ? 3 : 0; i < end; i++) {
    if (b[i] > 126 || (b[i] < 32 && b[i] !== 9)) return null;
    text += String.fromCharCode(b[i]);
  }
  const kinds = [',', '\t', ';'].filter((d) => text.includes(d));
  if (kinds.length > 1 || (tsv && kinds[0] !== '\t')) return null;
  const delimiter = kinds[0] ?? ',';
  // The full reader's header cell: np.savetxt's '# ' before the first; "name" is name ("" an unnamed column).
  const cells = text
    .split(delimiter)
    .map((cell, j) => (j === 0 ? cell.replace(/^#[ \t]*(?=[^ \t])/, '') : cell))
    .map((cell) => (cell.length >= 2 && cell[0] === '"' && cell[cell.length - 1] === '"' ? cell.slice(1, -1) : cell));
  const leading = passedColumns(cells);
  const named = cells.splice(0, leading);
  const labelFirst = cells[0] === 'label';
  if (labelFirst) cells.shift();
  const input = cells[0] === 'prob_0' ? 'probabilities' : cells[0] === 'logprob_0' ? 'log_probabilities' : 'logits';
  const name = input === 'probabilities' ? 'prob_' : input === 'log_probabilities' ? 'logprob_' : 'logit_';
  let k = 0;
  while (k < cells.length && cells[k] === `${name}${k}`) k++;
  let targets = 0;
  if (!labelFirst) while (targets < k && cells[k + targets] === `target_${targets}`) targets++;
  if (targets > 0 && targets < k) return null;
  if (!labelFirst && !targets && cells[k] !== 'label') return null;
  // The columns after them: each named, once (with those before too), none a role's.
  const after = cells.slice(labelFirst ? k : targets ? 2 * k : k + 1);
  if (after.length > 0 && (after.some((cell) => cell.trim() === '') || passedColumns([...named, ...after]) !== leading + after.length))
    return null;
  return { k, leading, labelFirst, trailing: after.length, delimiter: delimiter.charCodeAt(0), bom, input, targets: targets > 0 };
}

/** What kinds of rows a reader takes beside logits (CsvColumns.input, .targets; a JSON's rows key). */
export interface RowsTaken {
  probabilities?: boolean;
  /** Log-probabilities with labels (nll): `analyze --summary` only. */
  logProbabilities?: boolean;
  targets?: boolean;
}

/** Whether a reader taking `takes` takes a header's columns (log-probabilities with targets are kl_div's: the full reader's). */
export function takesColumns(columns: Pick<CsvColumns, 'input' | 'targets'>, takes: RowsTaken): boolean {
  if (columns.targets && (!takes.targets || columns.input === 'log_probabilities')) return false;
  if (columns.input === 'probabilities') return takes.probabilities === true;
  if (columns.input === 'log_probabilities') return takes.logProbabilities === true;
  return true;
}

/**
 * How many of the header's first cells name columns the full reader reads past without a word:
 * unnamed ones (pandas' index, R's row names) and names no role reads or is guessed for (an `id`,
 * a file name: `df.insert(0, "id", …)`, or pandas' index given a name), each once. Names with a
 * quote inside are left to the full reader (the header was split without quotes in mind).
 */
function passedColumns(cells: readonly string[]): number {
  const seen = new Set<string>();
  let count = 0;
  for (const cell of cells) {
    const key = cell.trim().toLowerCase();
    if (cell.includes('"') || seen.has(key) || namesAnyColumn([cell])) break;
    if (key !== '') seen.add(key);
    count++;
  }
  return count;
}

/**
 * What a CSV stream's `feed` returns at a line break where a row would start: blank lines only end
 * the file (elsewhere the full reader decides: −1), so `p` to wait for the rest of the chunks, or
 * b's length when this is the file's last chunk.
 */
export function atBlankLines(b: Uint8Array, p: number, last: boolean): number {
  let i = p;
  while (i < b.length && (b[i] === 10 || b[i] === 13)) i++;
  if (i < b.length) return -1;
  return last ? b.length : p;
}

/** The '\n' ending the line at b[p], or b's length in the file's last chunk; −1 when the line goes on in the next chunk. */
export function lineEndAt(b: Uint8Array, p: number, last: boolean): number {
  const nl = indexOfByte(b, 10, p);
  return nl >= 0 ? nl : last ? b.length : -1;
}

/** The end of the line b[p, lineEnd) without its CR (CRLF line endings). */
export function withoutCr(b: Uint8Array, p: number, lineEnd: number): number {
  return lineEnd > p && b[lineEnd - 1] === 13 ? lineEnd - 1 : lineEnd;
}

/** smallInteger's answer for anything but a plain integer. */
const NOT_A_LABEL = -(2 ** 31);

/**
 * Whether a number read as a label is one the streams take: a whole number in (−2³¹, 2³¹), in
 * range or not (the summers refuse, or note, those out of range, as the full reader lists them).
 */
export function isLabelValue(v: number): boolean {
  return Number.isInteger(v) && v > NOT_A_LABEL && v < 2 ** 31;
}

/**
 * The integer written exactly in b[p, end): an optional '-', up to 9 digits, no leading zero (a
 * negative label is out of range, as torch's ignore_index −100 is to the full reader, which lists
 * it; "-0" is 0 to both); else wholeNumber's.
 */
function smallInteger(b: Uint8Array, p: number, end: number, scan: NumberScan): number {
  const start = p;
  const negative = b[p] === 45;
  if (negative) p++;
  const digits = end - p;
  if (digits < 1 || digits > 9 || (b[p] === 48 && digits > 1)) return wholeNumber(b, start, end, scan);
  let v = 0;
  for (let i = p; i < end; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return wholeNumber(b, start, end, scan);
    v = v * 10 + d;
  }
  return negative ? -v : v;
}

/** The longest label cell the CSV streams read: np.savetxt's default `%.18e` writes 3 as `3.000000000000000000e+00` (24). */
export const MAX_CSV_LABEL_CHARS = 31;

/**
 * A label written as another number ("3.0", as pandas writes a float column; "3e0"), read as the
 * full reader reads the cell: a whole number in (−2³¹, 2³¹) of up to MAX_CSV_LABEL_CHARS characters
 * (streamedProblem finds a label's cell in its row's last bytes); else NOT_A_LABEL ("2.5" is the
 * full reader's to report).
 */
function wholeNumber(b: Uint8Array, p: number, end: number, scan: NumberScan): number {
  if (end <= p || end - p > MAX_CSV_LABEL_CHARS) return NOT_A_LABEL;
  scanNumber(b, p, scan);
  const v = scan.value;
  return scan.error === null && scan.end === end && isLabelValue(v) ? v : NOT_A_LABEL;
}

const enum State {
  Start,
  Key,
  Rows,
  Labels,
  AfterValue,
  End,
  Done,
}

/** Where a JSON stream of a whole file stopped in a row of "logits": for the full reader's message there. */
export interface JsonRowFailure {
  /**
   * File offset of the row's '['. When `atEnd`, the last row begun ("logits" start when none was),
   * and the file ended in it or after it.
   */
  offset: number;
  /** File offset just after the '[' that opens "logits". */
  rowsStart: number;
  /** The file ended in or after the row, before the document did (a file cut short). */
  atEnd?: boolean;
}

export class JsonSummaryStream implements SummaryStream, JsonStop {
  /**
   * Set when `feed` gave up inside a row, or at the file's end after "logits" began (not a part's
   * stream). Not set elsewhere between rows or for a block.
   */
  failure: JsonRowFailure | null = null;
  private rowsStart = 0;
  /** File offset of the last row begun, −1 before the first. */
  private lastRowAt = -1;
  /** A part's stream: file offset of the row it stopped in, −1 if none. */
  private partStoppedAt = -1;
  private state = State.Start;
  private summer: LogitRowSummer | null = null;
  private labels: Int32Array | null;
  private labelList: number[] = [];
  /**
   * With `reading.outOfRange`, each label's [start, end) in the file when the labels come before
   * the logits (the tail gives them otherwise): for the full reader's list of those out of range.
   */
  readonly labelSpans: number[] = [];
  private rowsSeen = 0;
  /** Whether the next row or label is the array's first (no ',' before it). */
  private first = true;
  private seenLogits = false;
  /** The rows' key: "logits", or "probabilities" or "log_probabilities" (taken when `reading` says). */
  private input: SummedInput = 'logits';
  /** The file's "classes" entry when this stream read it (not a part's: the plan's is known). */
  private ownClasses: ClassesEntry | null = null;
  private readonly scan: NumberScan = { value: 0, end: 0, error: null };

  /**
   * `tail`: the labels and the offset of their key, read from the end of the file (see labelsFromTail),
   * and the file's "classes" entry when it was found before the stream reads it (the tail's, or a
   * part's plan's): the one entry a "classes" key may start. A whole file's stream reads any other
   * one itself (`classes`); a part's takes no other.
   * `part` (a file read by several threads): the bytes start inside the "logits" array, before row
   * `firstRow` (at its '[' when `first`, else at the ',' before it); a part that is not `final` ends
   * just after a row's ']'.
   * `reading` (streamedProblem.ts): `withoutLabels` reads a file whose labels were not found from
   * the tail (a file cut short) for where it stops (`failure`), with no summary; `outOfRange`
   * notes labels out of range and reads on; `oddRow` is asked about a row (its bytes from '[' to
   * ']') the stream does not take: true reads on past it, summarised as a neutral row;
   * `distributions` notes rows of probabilities that are not distributions and reads on.
   */
  constructor(
    private readonly tail: { labels: Int32Array; keyAt: number; classes?: ClassesEntry } | null,
    private readonly part: {
      k: number;
      firstRow: number;
      first: boolean;
      final: boolean;
      target?: RowTarget;
      input?: SummedInput;
    } | null = null,
    private readonly reading: Omit<RowsTaken, 'targets'> & {
      withoutLabels?: boolean;
      outOfRange?: OutOfRangeLabels;
      oddRow?: (row: Uint8Array, at: JsonOddRow) => boolean;
      distributions?: NotedDistributions;
    } = {},
  ) {
    this.labels = tail ? tail.labels : null;
    if (part) {
      this.state = State.Rows;
      this.seenLogits = true;
      this.first = part.first;
      this.rowsSeen = part.firstRow;
      this.summer = new LogitRowSummer(part.k, {
        keep: true,
        target: part.target,
        outOfRange: this.reading.outOfRange,
        input: part.input,
        distributions: this.reading.distributions,
      });
    }
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  /** What the rows are, once their key is read. */
  get rowsInput(): SummedInput | null {
    return this.summer?.input ?? null;
  }

  /** The file's "classes" entry: the tail's, or the one this stream read. */
  get classes(): ClassesEntry | null {
    return this.tail?.classes ?? this.ownClasses;
  }

  feed(b: Uint8Array, last: boolean, base: number): number {
    const len = b.length;
    let checkpoint = 0;
    let p = 0;
    const need = needWithin(len);
    const ws = () => {
      while (p < len && isSpace(b[p])) p++;
      need(p);
    };
    const number = (): number => {
      const scan = this.scan;
      scanNumber(b, p, scan);
      // A number cut by the chunk's end may continue in the next chunk.
      if (!last && (scan.end >= len || (scan.error !== null && len - p < 1100))) throw NEED_MORE;
      if (scan.error !== null) throw NOT_SIMPLE;
      p = scan.end;
      return scan.value;
    };
    try {
      for (;;) {
        checkpoint = p;
        switch (this.state) {
          case State.Start:
            // A byte order mark at the file's start, which the full reader skips (PowerShell's Out-File writes one).
            if (base === 0 && p === 0 && b[0] === 0xef) {
              need(2);
              if (startsWithBom(b)) p = 3;
            }
            ws();
            if (b[p++] !== 123) return -1;
            this.state = State.Key;
            break;
          case State.Key: {
            ws();
            const keyAt = base + p;
            need(p + 8);
            if (isClassesKey(b, p)) {
              p = this.classesEntry(b, p, base);
              if (p < 0) return -1;
              this.state = State.AfterValue;
              break;
            }
            const key = keyName(b, p, need);
            p += key.length + 2;
            ws();
            if (b[p++] !== 58) return -1;
            ws();
            if (b[p++] !== 91) return -1;
            if (key !== 'labels' && takesColumns({ input: key, targets: false }, this.reading) && !this.seenLogits) {
              if (!this.labels && !this.reading.withoutLabels) return -1; // labels after the logits but not found from the tail
              this.input = key;
              this.seenLogits = true;
              this.state = State.Rows;
              this.rowsStart = base + p;
            } else if (key === 'labels' && this.tail && keyAt === this.tail.keyAt && this.seenLogits) {
              this.state = State.Done; // the tail read and checked the rest
              return len;
            } else if (key === 'labels' && !this.tail && !this.labels) {
              this.state = State.Labels;
            } else return -1;
            this.first = true;
            break;
          }
          case State.Rows: {
            if (this.part && !this.part.final && last) {
              while (p < len && isSpace(b[p])) p++;
              if (p === len) {
                this.state = State.Done; // the part's end, just after a row
                return len;
              }
            }
            ws();
            if (!this.first) {
              const c = b[p++];
              if (c === 93) {
                this.state = State.AfterValue;
                break;
              }
              if (c !== 44) return -1;
              ws();
            }
            if (b[p] !== 91) return -1;
            const rowAt = p;
            this.lastRowAt = base + rowAt;
            if (indexOfByte(b, 93, p) < 0) throw NEED_MORE;
            p = this.row(b, p, base);
            if (p < 0) {
              // Not a block the summer refused (-2: a label out of range, an overflowing loss), which no row's parse explains.
              if (p === -1 && this.part) this.partStoppedAt = base + rowAt;
              else if (p === -1) this.failure = { offset: base + rowAt, rowsStart: this.rowsStart };
              return -1;
            }
            this.first = false;
            break;
          }
          case State.Labels: {
            ws();
            if (!this.first) {
              const c = b[p++];
              if (c === 93) {
                this.labels = Int32Array.from(this.labelList);
                this.labelList = [];
                this.state = State.AfterValue;
                break;
              }
              if (c !== 44) return -1;
              ws();
            }
            const start = p;
            const v = number();
            // Negative ones too when noted (torch's ignore_index −100); the summer refuses them otherwise.
            if (!isLabelValue(v)) return -1;
            this.labelList.push(v);
            if (this.reading.outOfRange) this.labelSpans.push(base + start, base + p);
            this.first = false;
            break;
          }
          case State.AfterValue: {
            ws();
            const c = b[p++];
            if (c === 44) this.state = State.Key;
            else if (c === 125) this.state = State.End;
            else return -1;
            break;
          }
          case State.End:
            while (p < len && isSpace(b[p])) p++;
            if (p < len) return -1;
            return len;
          case State.Done:
            return len;
        }
      }
    } catch (error) {
      if (error === NEED_MORE) return last ? this.endedEarly() : checkpoint;
      if (error === NOT_SIMPLE) return -1;
      throw error;
    }
  }

  /**
   * The "classes" entry whose key is at b[p]: the offset just past its ']', or −1 when it is not
   * names, not the entry known beforehand, or a second one (the full reader refuses a key twice).
   */
  private classesEntry(b: Uint8Array, p: number, base: number): number {
    const found = classesForward(b, p, base);
    if (found === 'more') throw NEED_MORE;
    if (!found) return -1;
    const known = this.tail?.classes;
    if (known) return known.keyAt === found.entry.keyAt ? found.next : -1;
    if (this.part || this.ownClasses) return -1;
    this.ownClasses = found.entry;
    return found.next;
  }

  /** The file ended before the document did: where, once "logits" began (not a part's stream). */
  private endedEarly(): -1 {
    if (this.seenLogits && !this.part)
      this.failure = { offset: this.lastRowAt >= 0 ? this.lastRowAt : this.rowsStart, rowsStart: this.rowsStart, atEnd: true };
    return -1;
  }

  /**
   * One row `[z, z, …]` at b[p] (its ']' is in b): the offset just past it, −1 when it is not K
   * plain numbers, −2 when the block it filled was refused (flush). Its numbers are read by
   * rowNumbers; no allocation here but the first row's list.
   */
  private row(b: Uint8Array, p: number, base: number): number {
    const summer = this.summer;
    const values: number[] | null = summer ? null : []; // the first row, before K is known
    const k = summer ? summer.k : Infinity;
    const scan = this.scan;
    const j = rowNumbers(b, p, scan, summer ? summer.block : null, summer ? summer.rows * k : 0, k, values);
    if (values) {
      if (j < 2) return -1;
      this.summer = new LogitRowSummer(j, {
        outOfRange: this.reading.outOfRange,
        input: this.input,
        distributions: this.reading.distributions,
      });
      this.summer.block.set(values);
    } else if (j !== k && !this.readPast(b, p, base)) return -1;
    const at = scan.end;
    const s = this.summer!;
    const labels = this.labels;
    if (labels && this.rowsSeen >= labels.length) return -1;
    s.spans[2 * s.rows] = base + p;
    s.spans[2 * s.rows + 1] = base + at;
    // Without labels (withoutLabels), class 0 stands in: no summary is made.
    s.labels[s.rows++] = labels ? labels[this.rowsSeen] : 0;
    this.rowsSeen++;
    return s.rows < s.blockRows || s.flush() ? at : -2;
  }

  /**
   * The row at b[p] (K known) is not K plain numbers: whether `oddRow` reads on past it, its
   * logits 0 in the block, with scan.end just past its ']' (the caller's check found one in b).
   */
  private readPast(b: Uint8Array, p: number, base: number): boolean {
    const oddRow = this.reading.oddRow;
    if (!oddRow) return false;
    const s = this.summer!;
    const close = indexOfByte(b, 93, p);
    const length = rowNumbers(b, p, this.scan, null, 0, Infinity, []);
    const at: JsonOddRow = { offset: base + p, rowsStart: this.rowsStart, row: this.rowsSeen, length, k: s.k };
    if (!oddRow(b.subarray(p, close + 1), at)) return false;
    s.rowsReadPast++;
    s.neutralRow(s.rows);
    this.scan.end = close + 1;
    return true;
  }

  /**
   * A part's stop inside a row (summaryParts.ts): its offset and the part's rows before it (the
   * JSON parser's messages name no row, and its parse errors do not depend on the rows before);
   * null when it stopped elsewhere.
   */
  partStop(): { offset: number; row: number; bounds: null } | null {
    const s = this.summer;
    return this.partStoppedAt < 0 ? null : { offset: this.partStoppedAt, row: s ? s.n + s.rows : 0, bounds: null };
  }

  release(): void {
    this.summer?.release();
  }

  finish(): LogitRowSummer | null {
    const s = this.summer;
    if (!s || (this.state !== State.End && this.state !== State.Done)) return null;
    const complete = this.part && !this.part.final ? this.rowsSeen <= (this.labels?.length ?? 0) : this.rowsSeen === this.labels?.length;
    if (!this.labels || !complete || !s.flush()) return null;
    return s;
  }
}

/**
 * The numbers of the row `[z, z, …]` at b[p] (its ']' is in b), into block[offset…] or, for the first
 * row (K not known yet), pushed to `values`: how many, with scan.end just past the row's ']'; or −1
 * when it is not at most K plain numbers. The hot loop of a JSON file, a function of its own:
 * as a method its OSR code checked the stream's map after the loop and fell back to the interpreter
 * on every row (V8 --trace-deopt: ~1,300 "wrong map" deopts of one 10,000-row file, in a cold process).
 */
export function rowNumbers(
  b: Uint8Array,
  p: number,
  scan: NumberScan,
  block: Float64Array | null,
  offset: number,
  k: number,
  values: number[] | null,
): number {
  // The row's ']' is in b (the caller checked), so no number here is cut by the chunk's end:
  // scanNumber is called directly, and a bad number fails the row.
  let at = p + 1;
  let j = 0;
  while (isSpace(b[at])) at++;
  if (b[at] === 93) return -1;
  for (;;) {
    if (j >= k) return -1;
    scanNumber(b, at, scan);
    if (scan.error !== null) return -1;
    at = scan.end;
    if (block) block[offset + j] = scan.value;
    else values!.push(scan.value);
    j++;
    while (isSpace(b[at])) at++;
    const c = b[at++];
    if (c === 93) break;
    if (c !== 44) return -1;
    while (isSpace(b[at])) at++;
  }
  scan.end = at;
  return j;
}

const NOT_SIMPLE = Symbol('not the simple layout');

/**
 * "logits", "labels", "probabilities" or "log_probabilities" when b[p, …) is that key in quotes
 * (b[p, p + 8) is there; `need` asks for a longer key's bytes), else throws NOT_SIMPLE.
 */
function keyName(b: Uint8Array, p: number, need: (i: number) => void): SummedInput | 'labels' {
  // "p… is "probabilities"; "log_… "log_probabilities"; else "logits" or "labels".
  const length = b[p + 1] === 112 ? 15 : b[p + 4] === 95 ? 19 : 8;
  need(p + length - 1);
  let text = '';
  for (let i = p; i < p + length; i++) text += String.fromCharCode(b[i]);
  if (text === '"logits"') return 'logits';
  if (text === '"labels"') return 'labels';
  if (text === '"probabilities"') return 'probabilities';
  if (text === '"log_probabilities"') return 'log_probabilities';
  throw NOT_SIMPLE;
}

/** Labels read from a JSON file's end, the offset of their key, and each label's [start, end). */
export interface TailLabels {
  labels: Int32Array;
  keyAt: number;
  spans: Float64Array;
  /** The file's "classes" entry, when it follows the labels (or, from the head, comes before the logits). */
  classes?: ClassesEntry;
}

/** A byte a list of labels may hold: digits, ',', '.', '+', '-', 'e', 'E' and white space (the list is read by tailLabelList). */
function isLabelListByte(c: number): boolean {
  return (c >= 48 && c <= 57) || c === 44 || c === 46 || c === 43 || c === 45 || c === 101 || c === 69 || isSpace(c);
}

/**
 * The labels of a JSON file that ends `, "labels": [i, …]}`, read backwards from `tail` (the last
 * bytes of the file, starting at file offset `tailStart`): the labels and the file offset of the
 * `"labels"` key; 'more' when the array starts before `tail`; null when the file does not end so.
 * One "classes" entry may follow the labels or come just before them. Labels written as class names
 * are numbered by it, or by `headClasses` (the file's entry before its logits) when there is none.
 */
export function labelsFromTail(tail: Uint8Array, tailStart: number, headClasses?: ClassesEntry): TailLabels | 'more' | null {
  let i = tail.length - 1;
  const back = () => {
    while (i >= 0 && isSpace(tail[i])) i--;
  };
  let classes: ClassesEntry | undefined;
  // A "classes" entry whose ']' is at tail[i] (a string's quote before it), and the ',' before its
  // key: i then moves before that ','. True when there is none there (or, `labelsMayEnd`, an array
  // of strings under another key: the labels, written as class names).
  const classesEnding = (labelsMayEnd: boolean): true | 'more' | null => {
    const found = classesEndingAt(tail, i, tailStart);
    if (found === 'none' || (found === 'other' && labelsMayEnd)) return true;
    if (classes) return null; // a second entry
    if (found === 'more' || found === 'other' || !found) return found === 'more' ? 'more' : null;
    classes = found.entry;
    i = found.before;
    back();
    if (i < 0) return 'more';
    if (tail[i--] !== 44) return null;
    back();
    return true;
  };
  back();
  if (tail[i--] !== 125) return i < 0 && tailStart > 0 ? 'more' : null;
  back();
  const trailing = classesEnding(true);
  if (trailing !== true) return trailing === 'more' && tailStart > 0 ? 'more' : null;
  if (tail[i--] !== 93) return i < 0 && tailStart > 0 ? 'more' : null;
  const close = i + 1;
  let commas = 0;
  // Labels written as class names ("cat"): numbered by the "classes" entry beside them.
  let named: { open: number; spans: number[] } | null = null;
  back();
  if (tail[i] === 34) {
    const strings = stringsBackward(tail, close);
    if (strings === null || strings === 'more') return strings === 'more' && tailStart > 0 ? 'more' : null;
    named = strings;
    i = strings.open;
  }
  while (i >= 0 && tail[i] !== 91) {
    const c = tail[i];
    if (!isLabelListByte(c)) return null;
    if (c === 44) commas++;
    i--;
  }
  const open = i;
  i--;
  back();
  if (tail[i--] !== 58) return i < 0 && tailStart > 0 ? 'more' : null;
  back();
  if (i < 7) return tailStart > 0 ? 'more' : null;
  const keyAt = i - 7;
  let key = '';
  for (let j = keyAt; j <= i; j++) key += String.fromCharCode(tail[j]);
  if (key !== '"labels"') return null;
  i = keyAt - 1;
  back();
  if (i < 0) return tailStart > 0 ? 'more' : null;
  if (tail[i--] !== 44) return null;
  back();
  const before = i < 0 ? 'more' : classesEnding(false);
  if (before !== true) return before === 'more' && tailStart > 0 ? 'more' : null;
  const found = named
    ? namedTailLabels(tail, tailStart, open, close, named.spans, classes ?? headClasses)
    : tailLabelList(tail, tailStart, open + 1, close, commas + 1);
  return found && { ...found, keyAt: tailStart + keyAt, ...(classes && { classes }) };
}

/**
 * The labels of the array of names tail[open, close] (each string's span in `spans`) numbered by
 * the file's own class names as the full reader numbers them (numberNamedLabels: the name trimmed,
 * the first of a name given twice); null without class names, or for a name that is none of them
 * (the full reader's to report).
 */
function namedTailLabels(
  tail: Uint8Array,
  tailStart: number,
  open: number,
  close: number,
  spans: number[],
  classes: ClassesEntry | undefined,
): Omit<TailLabels, 'keyAt'> | null {
  const names = classes && namesIn(tail, open, close + 1);
  if (!names) return null;
  const index = classIndex(classes.names);
  const labels = new Int32Array(names.length);
  for (let n = 0; n < names.length; n++) {
    const j = index.get(names[n].trim());
    if (j === undefined) return null;
    labels[n] = j;
  }
  return { labels, spans: Float64Array.from(spans, (at) => tailStart + at) };
}

/** Labels read from a JSON file's head (`{"labels": […], "logits": [`) and where the logits' rows start. */
export interface HeadLabels extends TailLabels {
  rowsStart: number;
  /** The rows' key when not "logits": "probabilities" or "log_probabilities". */
  input?: SummedInput;
  /** The file starts with a byte order mark. */
  bom?: boolean;
}

/**
 * The labels of a JSON file that begins `{"labels": [i, …], "logits": [` (json.dump of a dict
 * whose labels come first), read from `head`, its first bytes: the labels, each one's [start, end),
 * and the offset just past the logits' '[' (`keyAt` is −1: no key follows the logits; the rows
 * may be "probabilities" or "log_probabilities" instead, `input` then set); 'more' when the head ends before
 * that '['; null when the file does not begin so. The same labels as
 * labelsFromTail takes at the end. One "classes" entry may come before the labels or the logits.
 */
export function labelsFromHead(head: Uint8Array): HeadLabels | 'more' | null {
  if (head.length < 3) return 'more';
  const bom = startsWithBom(head);
  let i = bom ? 3 : 0;
  const ws = () => {
    while (i < head.length && isSpace(head[i])) i++;
    return i < head.length;
  };
  const expect = (byte: number) => (ws() ? (head[i++] === byte ? true : null) : 'more');
  const key = (name: string): true | 'more' | null => {
    if (!ws()) return 'more';
    if (i + name.length > head.length) return 'more';
    for (let j = 0; j < name.length; j++) if (head[i + j] !== name.charCodeAt(j)) return null;
    i += name.length;
    return true;
  };
  let classes: ClassesEntry | undefined;
  // A "classes" entry and its ',', when the next key is "classes".
  const maybeClasses = (): true | 'more' | null => {
    if (!ws()) return 'more';
    if (head.length - i < 9) return 'more';
    if (!isClassesKey(head, i)) return true;
    if (classes) return null;
    const found = classesForward(head, i, 0);
    if (found === 'more' || !found) return found;
    classes = found.entry;
    i = found.next;
    return expect(44);
  };
  for (const step of [() => expect(123), maybeClasses, () => key('"labels"'), () => expect(58), () => expect(91)]) {
    const got = step();
    if (got !== true) return got;
  }
  const open = i - 1;
  let commas = 0;
  for (; i < head.length && head[i] !== 93; i++) {
    const c = head[i];
    if (!isLabelListByte(c)) return null;
    if (c === 44) commas++;
  }
  if (i === head.length) return 'more';
  const close = i++;
  let input: SummedInput = 'logits';
  const rowsKey = () => {
    if (!ws() || head.length - i < 5) return 'more';
    // "p… is "probabilities"; "log_… "log_probabilities".
    input = head[i + 1] === 112 ? 'probabilities' : head[i + 4] === 95 ? 'log_probabilities' : 'logits';
    return key(`"${input}"`);
  };
  for (const step of [() => expect(44), maybeClasses, rowsKey, () => expect(58), () => expect(91)]) {
    const got = step();
    if (got !== true) return got;
  }
  const found = tailLabelList(head, 0, open + 1, close, commas + 1);
  return (
    found && {
      ...found,
      keyAt: -1,
      rowsStart: i,
      ...(classes && { classes }),
      ...(input !== 'logits' ? { input } : {}),
      ...(bom ? { bom } : {}),
    }
  );
}

/**
 * The `count` labels between `p` and `close` (the array's ']'), each a whole number in (−2³¹, 2³¹)
 * (a class index, or one out of range that a summer refuses or notes), and each one's [start, end)
 * in the file; null if they are not. The threads wait for these, so: no closure
 * over the position, typed arrays sized from the commas, plain indices without scanNumber (41,500
 * labels, warm: 17 ms as a closure pushing to arrays, 3.4 ms so).
 */
function tailLabelList(tail: Uint8Array, tailStart: number, p: number, close: number, count: number): Omit<TailLabels, 'keyAt'> | null {
  const labels = new Int32Array(count);
  const spans = new Float64Array(2 * count);
  const scan: NumberScan = { value: 0, end: 0, error: null };
  while (p < close && isSpace(tail[p])) p++;
  for (let n = 0; ;) {
    if (p === close || n === count) return null;
    // A plain index (up to 9 digits, no leading zero) is read here; anything else (`3.0`, `1e2`, `-0`) by scanNumber.
    let end = p;
    let v = 0;
    for (let c; end < close && (c = tail[end] - 48) >= 0 && c <= 9 && end - p < 9; end++) v = v * 10 + c;
    const next = tail[end];
    if (end === p || (tail[p] === 48 && end - p > 1) || !(next === 44 || end === close || isSpace(next))) {
      scanNumber(tail, p, scan);
      v = scan.value;
      // Negative ones too: out of range (torch's ignore_index −100), listed as the full reader lists them.
      if (scan.error !== null || !isLabelValue(v)) return null;
      end = scan.end;
    }
    labels[n] = v;
    spans[2 * n] = tailStart + p;
    spans[2 * n + 1] = tailStart + end;
    n++;
    p = end;
    while (p < close && isSpace(tail[p])) p++;
    if (p === close) return n === count ? { labels, spans } : null;
    if (tail[p++] !== 44) return null;
    while (p < close && isSpace(tail[p])) p++;
  }
}
