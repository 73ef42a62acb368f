/**
 * The full reader's message for a large CSV or JSON logits file, found without holding the file
 * (issue 22). The full reader holds the whole file and every value: a 1.13 GB CSV with one bad
 * cell took 14–29 s and 1.9–2.7 GB before it said where. Its parse errors depend only on the bytes
 * up to the bad value, so when the streaming reader of the simple layout stops at a CSV line or
 * inside a JSON row, the full reader's parse of the file's head and that one line or row
 * (csvLineCheck, jsonRowError) throws the error the whole file would. A file cut short (a run
 * killed while writing) is found so too: a CSV's last line with too few cells after clean rows
 * (csvLineCheck's ragged row), a JSON that ends inside "logits" or after it (its window runs to the file's
 * end). So are labels out of range, and ragged rows (a CSV line of other width, a JSON row of
 * other length), when they are a file's only fault, listed as the full reader lists them. Anything
 * else (another problem the full reader finds only after the parse, a line the streaming reader
 * does not take but the full reader does) returns null: the caller runs the full reader.
 */
import { ownOrSiblingClassNames, type ReadSibling } from '../core/classNames';
import type { ClassesEntry } from '../core/jsonClasses';
import { csvLineCheck, textCellEnd } from '../core/csv';
import { headerlessFileError, nthCellSpan } from '../core/csvRoles';
import { jsonRowError, nthElementSpan } from '../core/json';
import { notTextProblem } from '../core/fileSignature';
import { LineIndex, type LineTables } from '../core/lineIndex';
import { joinLineStretches } from '../core/lineTableBuilder';
import type { PipelineResult } from '../core/pipeline';
import { problem, type Problem } from '../core/problems';
import { DEFAULT_SUM_TOLERANCE, MAX_MESSAGES_PER_KIND, ProblemSink } from '../core/buildDataset';
import { labelProblem } from '../core/labelCheck';
import { oddRowProblem } from '../core/jsonRoles';
import {
  faultCount,
  notedDistributions,
  OddRows,
  OutOfRangeLabels,
  type LogitRowSummer,
  type NotedDistributions,
} from '../core/summaryRows';
import { offSumProblem, outsideUnitProblem, type DistributionWording } from '../core/distributionRows';
import {
  CsvSummaryStream,
  JsonSummaryStream,
  MAX_CSV_LABEL_CHARS,
  type CsvLineFailure,
  type CsvStop,
  type JsonRowFailure,
  type PartsStop,
  type ReadPastStop,
  type RowLayout,
  type SummaryStop,
  type SummaryStream,
  type TailLabels,
} from '../core/summaryStream';
import { indexOfByte } from '../core/byteSearch';
import { beyondFullReader } from './fullReaderMemory';
import { feedChunks, openChunkFile, readAt, READ_CHUNK_BYTES, type ChunkFile } from './chunkFile';
import { jsonTail, lineStretch, oddJsonRowReader, partsFormat, raggedLineReader, raggedRowCap, type PartsFormat } from './summaryParts';

/** The full readers' first check reads this much of the file (notTextProblem). */
const SIGNATURE_BYTES = 8192;
/** The full reader's header check looks this far for a line of numbers (summaryParts looks as far for the header); a longer line is left to the other reads. */
const HEADER_BYTES = 1 << 20;
/** A longer line or row is left to the full reader. */
const MAX_LINE_BYTES = 64 << 20;

/** What a reader of the whole file gave up with, for streamedProblem to start from. */
export type GaveUp = SummaryStop | NotingRead;

export interface StreamedProblemOptions {
  /** Also the full reader's first check, that the file's start is text (false: null for such a file, whose reader decides first whether it is a tensor file at all). */
  signature?: boolean;
  /**
   * A stream of the whole file that gave up already (the summary's), where its parts stopped or
   * what they read past, or the summary's NotingRead (one thread): that is taken instead of
   * reading the file again.
   */
  gaveUp?: GaveUp;
  /** The files beside this one, as the full reader is given them (class names): their problems would join a cut CSV's. */
  readSibling?: ReadSibling;
}

/**
 * The problems the full reader would report for the whole file, with file offsets: its one parse
 * error or short last row, or its labels out of range when they are all it would report; else null.
 */
export function streamedProblem(f: ChunkFile, fileName: string, options: StreamedProblemOptions = {}): Problem[] | null {
  const format = partsFormat(fileName);
  if (!format) return null;
  // JSON records' problems are the full reader's to find (a records stream stops at the first and
  // notes none), unless the file is a DataFrame too large for it to hold.
  const tooLarge = () => {
    const found = beyondFullReader(f, format, options.readSibling);
    return found && [found];
  };
  if (format === 'jsonl') return tooLarge();
  const notText = notTextProblem(readAt(f, 0, Math.min(f.size, SIGNATURE_BYTES)), format === 'json' ? 'JSON' : 'CSV');
  if (notText) return options.signature === false ? null : [notText.toProblem()];
  // The full reader decides this from the header alone, before anything a stream gave up with.
  const noHeader = format === 'json' ? null : headerlessFileError(readAt(f, 0, Math.min(f.size, HEADER_BYTES)), f.size, format === 'tsv');
  if (noHeader) return [noHeader.toProblem()];
  const gaveUp = options.gaveUp;
  if (gaveUp && 'labelsOutOfRange' in gaveUp) return readPastProblems(f, gaveUp, options.readSibling);
  const found =
    gaveUp instanceof NotingRead
      ? gaveUp.problems(f, options.readSibling)
      : format === 'json'
        ? jsonProblem(f, options)
        : csvProblem(f, options, format);
  return (found && !Array.isArray(found) ? [found] : found) ?? (format === 'json' ? tooLarge() : null);
}

/**
 * The labels out of range or rows of another width that parts read past (summaryParts.ts
 * readPastStopOf), listed: no second read of the file. Such rows beside labels out of range, or
 * more than the one-thread read lists, are the full reader's (null), as they are on one thread.
 */
function readPastProblems(f: ChunkFile, stop: ReadPastStop, readSibling?: ReadSibling): Problem[] | null {
  const { labelsOutOfRange: found, oddRows, k, tail, classes } = stop;
  if (oddRows.count > 0) return oddRowsListed(f, !!tail, stop, readSibling);
  const spanOf = tail
    ? (j: number) => [tail.spans[2 * found.rows[j]], tail.spans[2 * found.rows[j] + 1]]
    : (j: number) => csvLabelSpan(f, found.spans[2 * j], found.spans[2 * j + 1], stop, k);
  const sink = distributionProblems(f, stop.distributions, k, !!tail, stop, classes, readSibling);
  return outOfRangeProblems(k, found, spanOf, readSibling, classes, sink);
}

/**
 * The full reader's list of the rows of another width a file was read past (a JSON's when `json`),
 * when they are its only fault: no label out of range, no more than the cap, no class-name problem;
 * else null.
 */
function oddRowsListed(
  f: ChunkFile,
  json: boolean,
  { labelsOutOfRange, oddRows, distributions, k, rowsStart, classes, input }: Omit<ReadPastStop, 'tail'>,
  readSibling?: ReadSibling,
): Problem[] | null {
  const besideOthers = labelsOutOfRange.count > 0 || faultCount(distributions) > 0;
  if (besideOthers || oddRows.count > raggedRowCap(f.size) || !classNamesClean(k, readSibling, classes)) return null;
  if (input === 'log_probabilities') return null; // the full reader's (nll's own checks and warnings)
  return json
    ? oddJsonRowProblems(oddRows, k, input === 'probabilities' ? 'probabilities' : 'logits')
    : raggedRowProblems(f, oddRows, rowsStart);
}

/**
 * The full reader's list of ragged CSV rows read past: each listed line parsed again with the
 * file's header, now that its row's number in the file is known (its message names it).
 */
function raggedRowProblems(f: ChunkFile, oddRows: OddRows, rowsStart: number): Problem[] | null {
  const head = readAt(f, 0, rowsStart);
  const sink = new ProblemSink();
  const listed = Math.min(oddRows.rows.length, MAX_MESSAGES_PER_KIND);
  for (let j = 0; j < listed; j++) {
    const [start, end] = [oddRows.spans[2 * j], oddRows.spans[2 * j + 1]];
    const read = csvLineCheck(head, readAt(f, start, end - start), oddRows.rows[j]);
    const ragged = 'ragged' in read && shifted(head, start, read.ragged);
    if (!ragged) return null;
    sink.add(ragged);
  }
  sink.countMore('ragged', oddRows.count - listed);
  return sink.summarize();
}

/**
 * The full reader's list of the JSON rows of another length read past, when the first row's length
 * stays the most common as each is met (it takes the most common length, switching when another's
 * count passes it), in file order: the readers keep every one. Else null.
 */
function oddJsonRowProblems(oddRows: OddRows, k: number, key: 'logits' | 'probabilities'): Problem[] | null {
  if (oddRows.rows.length !== oddRows.count) return null;
  const sink = new ProblemSink();
  const seen = new Map<number, number>();
  for (let j = 0; j < oddRows.count; j++) {
    const [row, length] = [oddRows.rows[j], oddRows.lengths[j]];
    const count = (seen.get(length) ?? 0) + 1;
    seen.set(length, count);
    // Rows of the first row's length before this one: all but the j odd ones.
    if (count > row - j) return null;
    if (j < MAX_MESSAGES_PER_KIND) sink.add(oddRowProblem(key, row, length, k, 0, oddRows.spans[2 * j], oddRows.spans[2 * j + 1]));
  }
  sink.countMore('ragged', oddRows.count - Math.min(oddRows.count, MAX_MESSAGES_PER_KIND));
  return sink.summarize();
}

/**
 * A CSV label's cell in the row at file offsets [start, end): its last, after the last delimiter;
 * or with the label first (or columns after it), the one after the columns no role reads (and the logits) (the streams take labels
 * of at most MAX_CSV_LABEL_CHARS characters).
 */
function csvLabelSpan(
  f: ChunkFile,
  start: number,
  end: number,
  { labelFirst = false, leading = 0, trailing = 0, delimiter = 44 }: RowLayout,
  k: number,
): number[] {
  if (labelFirst || trailing > 0) {
    // The label's cell comes after the columns no role reads, and after the logits unless it is first.
    const before = labelFirst ? leading : leading + k;
    const cell = (bytes: Uint8Array): number[] | null => {
      // The cells before it as the streams passed over them (quoted, one may hold the delimiter).
      let from = 0;
      for (let j = 0; j < before && from >= 0; j++) {
        const passed = textCellEnd(bytes, from, delimiter);
        from = passed >= 0 && passed < bytes.length ? passed + 1 : -1;
      }
      const to = from >= 0 ? bytes.indexOf(delimiter, from) : -1;
      return to < 0 ? null : [start + from, start + to];
    };
    // A cell the stream passed may be of any length: the whole row when 4 KB does not hold the label.
    return cell(readAt(f, start, Math.min(end - start, 4096))) ?? cell(readAt(f, start, end - start))!;
  }
  const last = MAX_CSV_LABEL_CHARS + 1;
  const tail = readAt(f, Math.max(start, end - last), Math.min(last, end - start));
  return [end - tail.length + tail.lastIndexOf(delimiter) + 1, end];
}

function csvProblem(f: ChunkFile, { gaveUp, readSibling }: StreamedProblemOptions, format: 'csv' | 'tsv'): Problem | Problem[] | null {
  if (gaveUp && 'rowsBeforeFailureClean' in gaveUp && gaveUp.failure) {
    const found = csvLineProblem(f, gaveUp, readSibling);
    if (found !== READ_AGAIN) return found;
  }
  // Read again (or first), noting ragged rows and labels out of range instead of stopping at the first.
  return readNoting(f, format, readSibling);
}

/** A NotingRead of the whole file, then its problems. */
function readNoting(f: ChunkFile, format: PartsFormat, readSibling?: ReadSibling): Problem | Problem[] | null {
  const read = new NotingRead(f, format);
  try {
    read.read();
    return read.problems(f, readSibling);
  } finally {
    read.stream.release();
  }
}

/**
 * A one-thread read of the whole file that notes labels out of range and rows of another width
 * instead of stopping at the first: streamedProblem's own read, and `--summary`'s on one thread,
 * which hands it over when the file has problems (then no second read).
 */
export class NotingRead {
  readonly outOfRange = new OutOfRangeLabels(MAX_MESSAGES_PER_KIND);
  /** Rows of probabilities or targets that are not distributions. */
  readonly distributions = notedDistributions(MAX_MESSAGES_PER_KIND);
  /** Every row of another width, up to the cap (a JSON's length rule needs them all). */
  readonly oddRows: OddRows;
  readonly stream: CsvSummaryStream | JsonSummaryStream;
  /** A JSON's labels read from its tail. */
  private readonly tail: TailLabels | null = null;
  /** Whether `read` went through the whole file. */
  private complete = false;

  /** A JSON's own "classes" entry, once read. */
  get classes(): ClassesEntry | null {
    return this.stream instanceof JsonSummaryStream ? this.stream.classes : null;
  }

  /**
   * `summary`: a CSV of prob_0…, target_0… or logprob_0… or a JSON of "probabilities" or
   * "log_probabilities" is read too (`--summary`'s read, which sums them); else it is refused at
   * its header or key (a read only for problems, before the full reader reads the file anyway).
   * `tail`: a JSON's labels from its tail, when the caller has already looked (jsonTail).
   */
  constructor(
    private readonly f: ChunkFile,
    private readonly format: PartsFormat,
    summary = false,
    tail?: TailLabels | null,
  ) {
    const oddRows = (this.oddRows = new OddRows(raggedRowCap(f.size)));
    const takes = { probabilities: summary, logProbabilities: summary };
    if (format !== 'json') {
      const whole = { tsv: format === 'tsv', ...takes, targets: summary, distributions: this.distributions };
      this.stream = new CsvSummaryStream(undefined, this.outOfRange, raggedLineReader(f, oddRows, null, false), whole);
      return;
    }
    // Labels not found from the tail of a file cut short (one that does not end in '}') are read
    // for where it stops; rows of another length are noted, not stopped at.
    tail = this.tail = tail === undefined ? jsonTail(f) : tail;
    this.stream = new JsonSummaryStream(tail, null, {
      ...takes,
      withoutLabels: !tail && !endsInBrace(f),
      outOfRange: this.outOfRange,
      oddRow: oddJsonRowReader(f, 0, oddRows),
      distributions: this.distributions,
    });
  }

  /** Reads the file; its summer when the file is in the simple layout with nothing noted (a valid file), else null. */
  read(): LogitRowSummer | null {
    this.complete = readWhole(this.f, this.stream);
    const summer = this.complete ? this.stream.finish() : null;
    return summer && this.outOfRange.count === 0 && this.oddRows.count === 0 && faultCount(this.distributions) === 0 ? summer : null;
  }

  /**
   * After `read`: the full reader's problems for the file when they can be found so, else null.
   * `f`: the file open again (the caller of `read` may have closed it).
   */
  problems(f: ChunkFile, readSibling?: ReadSibling): Problem | Problem[] | null {
    const { stream, oddRows, outOfRange } = this;
    // A file of log-probabilities: the full reader's (nll's own checks and warnings).
    if (stream.rowsInput === 'log_probabilities') return null;
    if (!this.complete) {
      // Stopped where a parse error is (its message), or at a line or row it does not take.
      if (stream instanceof CsvSummaryStream) return stream.failure && csvLineError(f, stream.failure);
      return stream.failure && jsonRowProblem(f, stream.failure);
    }
    const summer = stream.finish();
    if (!summer) return null;
    if (oddRows.count > 0) {
      const rowsStart = stream instanceof CsvSummaryStream ? stream.rowsStart : 0;
      const classes = this.classes ?? undefined;
      const noted = {
        labelsOutOfRange: outOfRange,
        oddRows,
        distributions: this.distributions,
        k: summer.k,
        rowsStart,
        classes,
        input: summer.input,
      };
      return oddRowsListed(f, this.format === 'json', noted, readSibling);
    }
    const layout = stream instanceof CsvSummaryStream ? stream : {};
    let spanOf = (j: number) => csvLabelSpan(f, outOfRange.spans[2 * j], outOfRange.spans[2 * j + 1], layout, summer.k);
    if (this.format === 'json') {
      // Each label's span: from the tail, or as the stream read them before the logits.
      const spans = this.tail ? this.tail.spans : (stream as JsonSummaryStream).labelSpans;
      spanOf = (j) => [spans[2 * outOfRange.rows[j]], spans[2 * outOfRange.rows[j] + 1]];
    }
    const sink = distributionProblems(f, this.distributions, summer.k, this.format === 'json', layout, this.classes, readSibling);
    return outOfRangeProblems(summer.k, outOfRange, spanOf, readSibling, this.classes, sink);
  }
}

/** csvLineProblem's answer for a ragged row that may not be all the full reader would say. */
const READ_AGAIN = 'read again';

/**
 * The problem of the line a stream stopped at, when it is all the full reader would say: a parse
 * error, or the short last row of a file cut short after clean rows; null when the full reader
 * must decide.
 */
function csvLineProblem(f: ChunkFile, stream: CsvStop, readSibling?: ReadSibling): Problem | null | typeof READ_AGAIN {
  const failure = stream.failure;
  const checked = failure && checkCsvLine(f, failure);
  if (!failure || !checked) return null;
  const { head, line, read } = checked;
  if ('error' in read) return shifted(head, failure.offset, read.error.toProblem());
  if (!read.ragged) return null;
  // A file cut short: its last line, after rows that alone would be read without a problem.
  const cut = blankToEnd(f, failure.offset + line.length) && stream.rowsBeforeFailureClean() && classNamesClean(failure.k, readSibling);
  return cut ? shifted(head, failure.offset, read.ragged) : READ_AGAIN;
}

/** The line a CSV stream stopped at, checked by the full reader's parser of the file's head and that line; null past MAX_LINE_BYTES. */
function checkCsvLine(f: ChunkFile, failure: CsvLineFailure) {
  const line = bytesThrough(f, failure.offset, 10);
  if (!line) return null;
  const head = readAt(f, 0, failure.rowsStart);
  return { head, line, read: csvLineCheck(head, line, failure.row) };
}

/** The full reader's parse error at the line a CSV stream stopped at, if it is one. */
function csvLineError(f: ChunkFile, failure: CsvLineFailure): Problem | null {
  const checked = checkCsvLine(f, failure);
  return checked && 'error' in checked.read ? shifted(checked.head, failure.offset, checked.read.error.toProblem()) : null;
}

function jsonProblem(f: ChunkFile, { gaveUp, readSibling }: StreamedProblemOptions): Problem | Problem[] | null {
  const stopped = gaveUp && !('rowsBeforeFailureClean' in gaveUp) && 'failure' in gaveUp ? gaveUp.failure : null;
  if (stopped) {
    const found = jsonRowProblem(f, stopped);
    // A row that parses inside the file (one of another length): read again, noting such rows.
    if (found || stopped.atEnd) return found;
  }
  // Read again (or first): labels not found from the tail of a file cut short, out of range, or
  // rows of another length (noted, not stopped at).
  return readNoting(f, 'json', readSibling);
}

/** The full reader's parse error at the row a JSON stream stopped in (or at the file's end after it), if any. */
function jsonRowProblem(f: ChunkFile, failure: JsonRowFailure): Problem | null {
  const row = failure.atEnd ? bytesToEnd(f, failure.offset) : bytesThrough(f, failure.offset, 93);
  if (!row) return null;
  const head = readAt(f, 0, failure.rowsStart);
  return shifted(head, failure.offset, jsonRowError(head, row, failure.offset + row.length === f.size)?.toProblem());
}

/** Whether `stream` read the whole file (nothing stopped it). */
function readWhole(f: ChunkFile, stream: SummaryStream): boolean {
  return feedChunks(
    f,
    0,
    f.size,
    (bytes, last, offset) => stream.feed(bytes, last, offset),
    () => stream.done,
  );
}

/**
 * The full reader's problems for rows of probabilities, then of targets, that are not
 * distributions (checkDistributionRows), in a sink the labels out of range then join: each value
 * outside [0, 1] at its number or cell (`layout`: a CSV row's cells), found again in its row; each
 * sum at its row.
 */
function distributionProblems(
  f: ChunkFile,
  distributions: NotedDistributions,
  k: number,
  json: boolean,
  { leading = 0, labelFirst = false, delimiter = 44 }: RowLayout,
  classes?: ClassesEntry | null,
  readSibling?: ReadSibling,
): ProblemSink {
  const sink = new ProblemSink();
  if (faultCount(distributions) === 0) return sink;
  const wording: DistributionWording = { names: ownOrSiblingClassNames(k, classes, readSibling ?? (() => null)).names, csv: !json };
  for (const faults of [distributions.probabilities, distributions.targets]) {
    // A CSV row's cells: the columns no role reads, the label when first, the inputs, the targets.
    const firstColumn = json ? 0 : leading + (faults.role === 'targets' ? k : labelFirst ? 1 : 0);
    let outside = 0;
    for (const { row, column, value, start, end } of faults.listed) {
      if (column < 0) {
        sink.add(offSumProblem(faults.role, row, value, k, DEFAULT_SUM_TOLERANCE, wording, start, end));
        continue;
      }
      outside++;
      const bytes = readAt(f, start, end - start);
      const at = json ? nthElementSpan(bytes, 0, column) : nthCellSpan(bytes, 0, bytes.length, firstColumn + column, delimiter);
      sink.add(outsideUnitProblem(faults.role, value, row, column, wording, start + at.start, start + at.end));
    }
    sink.countMore(`${faults.role}-range`, faults.outside - outside);
    sink.countMore(`${faults.role}-sum`, faults.offSum - (faults.listed.length - outside));
  }
  return sink;
}

/**
 * The full reader's list for a file read whole whose only fault is its labels out of range
 * (buildClassification: one problem a label, 20 listed, then "…and N more"), after those in `sink`
 * (rows that are not distributions, which it lists first); null when there are none, or class
 * names beside it that the full reader would warn about.
 */
function outOfRangeProblems(
  k: number,
  found: OutOfRangeLabels,
  spanOf: (j: number) => number[],
  readSibling?: ReadSibling,
  classes?: ClassesEntry | null,
  sink = new ProblemSink(),
): Problem[] | null {
  if ((found.count === 0 && sink.list.length === 0) || !classNamesClean(k, readSibling, classes)) return null;
  for (let j = 0; j < found.rows.length; j++) {
    const bad = labelProblem(found.values[j], found.rows[j], k, `${k} classes`, !found.sawZero)!;
    const [start, end] = spanOf(j);
    sink.add(problem(bad.message, start, end, bad.code));
  }
  sink.countMore('label-range', found.count - found.rows.length);
  return sink.summarize();
}

/**
 * Whether the file's class names draw no problem from the full reader: its own "classes" (a JSON's),
 * else the class-name files beside it (buildWithSiblingClasses).
 */
function classNamesClean(k: number, readSibling?: ReadSibling, own?: ClassesEntry | null): boolean {
  return ownOrSiblingClassNames(k, own, readSibling ?? (() => null)).problems.length === 0;
}

/** A problem found in head + what follows it, moved to the file's offsets (that part starts at `offset`). */
function shifted(head: Uint8Array, offset: number, found: Problem | null | undefined): Problem | null {
  if (!found || found.start < head.length) return null;
  const shift = offset - head.length;
  return { ...found, start: found.start + shift, end: found.end + shift };
}

/**
 * The extension worker's analysis of a CSV or JSON file from disk that the full reader would
 * refuse with a parse error in a row: the full pipeline's result (that one problem) and the file's
 * line tables, read a chunk at a time. Null when the problem cannot be found so (the full reader
 * runs). The streaming reader got to a row, past the header or the "logits" key the worker's
 * tensor-file check looks for, so that check would pass; a file that is not text at its start is
 * left to it (signature false). `gaveUp`: where the worker's parts stopped (analyzeLogitFile), or
 * the labels out of range or ragged rows they read past, whose line tables they built too.
 */
export function streamedProblemAnalysis(
  path: string,
  fileName: string,
  maxBytes: number,
  readSibling?: ReadSibling,
  gaveUp?: PartsStop,
): { result: PipelineResult; lines: LineTables; byteLength: number } | null {
  const f = partsFormat(fileName) ? openChunkFile(path, maxBytes) : null;
  if (!f) return null;
  try {
    const problems = streamedProblem(f, fileName, { signature: false, readSibling, gaveUp });
    if (!problems) return null;
    // What runPipeline returns when the file's problems are errors.
    const result: PipelineResult = { dataset: null, analysis: null, network: null, problems };
    const lines = (gaveUp && 'lines' in gaveUp && gaveUp.lines) || joinLineStretches([lineStretch(f, 0, f.size, false)], f.size);
    return { result, lines, byteLength: f.size };
  } finally {
    f.close();
  }
}

/**
 * The CLI's FILE:LINE:COL for an offset of a file it does not hold: the line tables up to the
 * offset, read a chunk at a time, and the bytes of its line read again when it has non-ASCII text.
 */
export function fileLineIndex(f: ChunkFile, upTo: number): LineIndex {
  const end = Math.min(f.size, upTo + 1);
  const window = { length: f.size, subarray: (start: number, stop: number) => readAt(f, start, Math.max(0, stop - start)) };
  return new LineIndex(window, joinLineStretches([lineStretch(f, 0, end, false)], end));
}

/** Whether the file's last byte but white space is '}' (a JSON document's end). */
function endsInBrace(f: ChunkFile): boolean {
  const end = readAt(f, Math.max(0, f.size - 256), Math.min(f.size, 256));
  let i = end.length - 1;
  while (i >= 0 && (end[i] === 32 || end[i] === 10 || end[i] === 13 || end[i] === 9)) i--;
  return end[i] === 125;
}

/** The file from `offset` to its end; null past MAX_LINE_BYTES. */
function bytesToEnd(f: ChunkFile, offset: number): Uint8Array | null {
  return f.size - offset > MAX_LINE_BYTES ? null : readAt(f, offset, f.size - offset);
}

/** Whether the file holds only line breaks from `offset` to its end (as the full reader's trailing blank lines). */
function blankToEnd(f: ChunkFile, offset: number): boolean {
  const rest = f.size - offset;
  if (rest > READ_CHUNK_BYTES) return false;
  return readAt(f, offset, rest).every((c) => c === 10 || c === 13);
}

/** The file from `offset` through the first `byte` at or after it (or to the file's end); null past MAX_LINE_BYTES. */
function bytesThrough(f: ChunkFile, offset: number, byte: number): Uint8Array | null {
  for (let length = READ_CHUNK_BYTES; ; length *= 2) {
    const bytes = readAt(f, offset, Math.min(length, f.size - offset));
    const at = indexOfByte(bytes, byte);
    if (at >= 0) return bytes.subarray(0, at + 1);
    if (offset + bytes.length >= f.size) return bytes;
    if (length >= MAX_LINE_BYTES) return null;
  }
}
