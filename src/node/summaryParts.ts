/**
 * A CSV or JSON logits file in the simple layout read in parts (issue 22): the rows are cut at
 * row ends (a CSV's newlines, a JSON row's `]`) into parts of about equal bytes, and each part is
 * summarised by its own thread (summarizePart). For `analyze --summary --threads N` the parts'
 * per-row losses come back and are added in file order, so the loss is the same bits for every N;
 * for the extension's worker (issue 14, logitFileAnalysis.ts) every row goes into shared arrays.
 * A part that is not in the simple layout fails the whole file, and the single-threaded full
 * reader then reports the problem.
 */
import { isAscii } from 'node:buffer';
import { LineTableBuilder, type LineStretch } from '../core/lineTableBuilder';
import { formatOf, isJsonLines } from '../core/load';
import {
  faultCount,
  notedDistributions,
  OddRows,
  OutOfRangeLabels,
  type NotedFaults,
  type NotedLabels,
  type NotedOddRows,
  type RowTarget,
  type SummedInput,
} from '../core/summaryRows';
import { MAX_MESSAGES_PER_KIND } from '../core/buildDataset';
import {
  CsvSummaryStream,
  csvColumns,
  JsonSummaryStream,
  labelsFromHead,
  labelsFromTail,
  rowLayoutOf,
  takesColumns,
  type CsvLineFailure,
  type CsvStop,
  type JsonOddRow,
  type JsonStop,
  type ReadPastStop,
  type RowLayout,
  type RowsTaken,
  type TailLabels,
} from '../core/summaryStream';
import { csvLineCheck, firstLabelIsName } from '../core/csv';
import { startsWithBom } from '../core/fileSignature';
import type { LineTables } from '../core/lineIndex';
import { feedChunks, readAt, READ_CHUNK_BYTES, type ChunkFile } from './chunkFile';
import { indexOfByte } from '../core/byteSearch';
import { classesEndingAt, classesForward, isClassesKey, isSpace, type ClassesEntry } from '../core/jsonClasses';
import { RecordSummaryStream, type RecordPart } from '../core/recordStream';
import type { RecordColumns } from '../core/recordColumns';
import { ColumnsFrameStream, type ColumnsFramePart } from '../core/columnsFrameStream';

/** A part of a file for one thread; its RowLayout is the plan's. */
export interface PartJob extends RowLayout {
  path: string;
  /** File offsets of the part: start follows a newline; end follows one, or is the file's end. */
  start: number;
  end: number;
  k: number;
  final: boolean;
  /** A CSV's rows start: the header before it is what a part checks a line it does not take against. */
  rowsStart?: number;
  /**
   * A JSON file's part: its first row's index, whether it starts at the "logits" array's first
   * row, the labels, and the file's "classes" entry (the final part may meet it after the rows).
   */
  json?: { firstRow: number; first: boolean; labels: Int32Array; keyAt: number; classes?: ClassesEntry };
  /** A CSV part's labels are these classes' names (PartPlan.labelNames). */
  labelNames?: readonly string[];
  /** A part of JSON records (recordParts.ts): one a line or in an array, and whether it starts at the first record. */
  records?: Pick<RecordPart, 'lines' | 'first' | 'columns' | 'keyed' | 'inObject' | 'cells' | 'targets'>;
  /** A DataFrame in pandas' columns orient, the whole file (columnsFrameParts.ts). */
  columnsFrame?: Omit<ColumnsFramePart, 'target' | 'probabilities' | 'labelNames'>;
  /** The extension's worker (issue 14): every row goes into these arrays (shared memory), and the part's line tables come back. */
  target?: RowTarget;
  /** Only count this byte in [start, end) (`rows` of the result): a plan's row counts, on the threads. */
  countByte?: number;
  /** With a target: no line tables (the CLI has no use for them). */
  skipLines?: boolean;
  /** A JSON plan's part after the first: its first row is known once the parts before it are counted (runPlan). */
  after?: RowsBefore;
  /** A count job's count also goes here, for the parts that wait for it. */
  countInto?: RowsBefore;
  /** The run's earliest stop, shared by its parts (runPlan): a part after it gives up. */
  stops?: PartStops;
}

/**
 * A run's parts share the lowest index of a part that did not read all its rows. The file's answer
 * is then decided at or before that part (partsStopOf; readPastStopOf needs every part whole), so
 * a later part gives up when it sees it: a 1 GB file with a bad value early in its first part is
 * not read to its end by the other threads. They share whether any part found a fault too: the
 * logits of a faulty file are never asked for, so no part keeps them after (`check` of a 1 GB CSV
 * with ragged rows held 317 MB).
 */
export interface PartStops {
  /** [0]: the lowest index of a part that stopped; the number of parts until one does. */
  earliest: Int32Array;
  /** [0]: 1 once any part found the file faulty (RowTarget.faulty): no part keeps logits after. */
  faulty: Int32Array;
  index: number;
}

/**
 * Rows of a JSON plan's parts, counted while the first part is already being read (runPlan):
 * `counts[i]` is part i's rows (shared memory, −1 until its count job has run), and a part
 * at `index` starts at the sum of the counts before it.
 */
export interface RowsBefore {
  counts: Int32Array;
  index: number;
}

export interface PartResult {
  ok: boolean;
  hits: number;
  /** Each row's loss and bound (without a target: those are in the target). */
  losses: Float64Array;
  bounds: Float64Array;
  /** Rows read. */
  rows?: number;
  /** With a target: the lines of [start, end). */
  lines?: LineStretch;
  /** A row-text job's text (partThreads.ts PoolJob; src/core/rowTextBlock.ts). */
  text?: string | null;
  /** Not ok because of its bytes (not the simple layout, or a problem in them): read again, it would fail again. */
  refused?: boolean;
  /** A part of records or of a DataFrame's columns refused: the offset where the record or column it refused begins (the separator before it). */
  refusedAt?: number;
  /** A part refused at a CSV data line or in a JSON row: its offset, the part's rows before it, and (CSV) their bounds when clean (else null). */
  stop?: { offset: number; row: number; bounds: number[] | null };
  /**
   * A part that read all its rows: its labels out of range (rows from its first; noted and read on,
   * as class 0), and whether it saw a 0. With any such label the part is not ok, but its rows,
   * losses, bounds and lines are there (readPastStopOf).
   */
  labels?: NotedLabels;
  /** A part that read all its rows: the rows of another width it read past (as neutral rows), when any; the part is then not ok. */
  odd?: NotedOddRows;
  /** A part that read all its rows: its rows of probabilities or targets that are not distributions, when any; the part is then not ok. */
  distributions?: { probabilities: NotedFaults; targets: NotedFaults };
  /** Given up because a part before it stopped (PartStops): its rows not read, but with a target its line tables built. */
  afterStop?: boolean;
}

/** What the parts readers take: a CSV; a .tsv, whose header the full reader splits on tabs only; a JSON; JSON Lines (records). */
export type PartsFormat = 'csv' | 'tsv' | 'json' | 'jsonl';

/** The format of a file the parts readers take, by its name, else null. */
export function partsFormat(fileName: string): PartsFormat | null {
  if (isJsonLines(fileName)) return 'jsonl';
  const format = formatOf(fileName);
  if (format === 'csv') return /\.tsv$/i.test(fileName) ? 'tsv' : 'csv';
  return format === 'json' ? format : null;
}

/**
 * A ragged row for every this many bytes of the file, at most, is parsed again alone (about 17 µs a
 * row, against the full reader's 10–20 ns a byte): a file with more is left to the full reader
 * before the checks cost more than it would.
 */
const BYTES_PER_RAGGED_ROW = 2048;
/** But this many in any file (17 ms). */
const MIN_RAGGED_ROWS = 1000;

/** The most ragged rows of a file of `bytes` that are checked and listed a row at a time (raggedRowCap ≥ count: listed). */
export function raggedRowCap(bytes: number): number {
  return Math.max(MIN_RAGGED_ROWS, bytes / BYTES_PER_RAGGED_ROW);
}

/** No part smaller than this: a part's set-up and a thread's start-up must pay for themselves. */
export const MIN_PART_BYTES = 8 << 20;

/**
 * Parts a thread for threads that are kept warm (the extension's): cut finer, a thread on a slower
 * core takes fewer. This VM at times gives one of its two cores about 25 % less (a warm part of the
 * 97 MB JSON in 70 ms on one thread, 90 ms on the other); in such a stretch two warm threads read
 * it in 225–242 ms with 2 parts a thread, 168–208 ms with 4 (bench/entries/parseCurve.mjs, 3
 * alternated runs each).
 */
export const WARM_PARTS_PER_THREAD = 4;

/**
 * How many parts a file of `bytes` (its rows) is cut into for `threads` threads: `perThread` per
 * thread, or one when two would be below minPartBytes. Threads that all start cold (the CLI) read
 * fastest with one part each: more parts was measured slower (4 per thread: 0.56 vs 0.51 s on the
 * 87 MB CSV), as a new thread runs cold for its first few hundred milliseconds whatever the size
 * of its part. Warm threads beside a cold one (the extension's) take more parts when cut finer.
 */
export function partsFor(threads: number, minPartBytes = MIN_PART_BYTES, perThread = 1): (bytes: number) => number {
  return (bytes) => {
    const most = Math.floor(bytes / minPartBytes);
    return threads <= 1 || most < 2 ? 1 : Math.min(most, threads * perThread);
  };
}

export function summarizePart(job: PartJob, open: (path: string) => ChunkFile | null): PartResult {
  const result = readPart(job, open);
  if (job.stops && !result.labels) noteStop(job.stops);
  if (job.stops && !result.ok) Atomics.store(job.stops.faulty, 0, 1);
  return result;
}

/** Lowers the run's earliest stop to this part's index. */
function noteStop({ earliest, index }: PartStops): void {
  for (let seen = Atomics.load(earliest, 0); index < seen;) {
    const was = Atomics.compareExchange(earliest, 0, seen, index);
    if (was === seen) return;
    seen = was;
  }
}

function readPart(job: PartJob, open: (path: string) => ChunkFile | null): PartResult {
  const failed: PartResult = { ok: false, hits: 0, losses: new Float64Array(0), bounds: new Float64Array(0) };
  if (job.after) {
    const firstRow = rowsBefore(job.after);
    if (firstRow < 0) return failed;
    job = { ...job, after: undefined, json: job.json && { ...job.json, firstRow }, target: job.target && { ...job.target, firstRow } };
  }
  if (job.countByte !== undefined) {
    // −2 if it cannot be counted: the parts waiting for it then give up now, not after COUNT_WAIT_MS.
    let rows = -2;
    const f = open(job.path);
    try {
      if (f) rows = countBytes(f, job.start, job.end, job.countByte);
    } finally {
      f?.close();
      if (job.countInto) {
        Atomics.store(job.countInto.counts, job.countInto.index, rows);
        Atomics.notify(job.countInto.counts, job.countInto.index);
      }
    }
    return rows < 0 ? failed : { ...failed, ok: true, rows };
  }
  const f = open(job.path);
  if (!f) return failed;
  try {
    const { json, stops } = job;
    const target = job.target && stops ? { ...job.target, faulty: stops.faulty } : job.target;
    // Labels out of range, rows of another width and rows that are not distributions are noted and
    // read past: a file whose only fault they are is listed from the parts (readPastStopOf), not
    // read again on one thread. A JSON part keeps every odd row's length (the most common length
    // decides), a CSV's 20 lines.
    const outOfRange = new OutOfRangeLabels(MAX_MESSAGES_PER_KIND);
    const odd = new OddRows(json ? raggedRowCap(f.size) : MAX_MESSAGES_PER_KIND);
    const distributions = notedDistributions(MAX_MESSAGES_PER_KIND);
    const stream = job.columnsFrame
      ? new ColumnsFrameStream({
          ...job.columnsFrame,
          target,
          probabilities: job.input === 'probabilities',
          ...(job.labelNames && { labelNames: job.labelNames }),
        })
      : job.records
        ? new RecordSummaryStream({
            ...job.records,
            k: job.k,
            final: job.final,
            target,
            probabilities: job.input === 'probabilities',
            ...(job.labelNames && { labelNames: job.labelNames }),
          })
        : json
          ? new JsonSummaryStream(
              { labels: json.labels, keyAt: json.keyAt, classes: json.classes },
              { k: job.k, firstRow: json.firstRow, first: json.first, final: job.final, target, input: job.input },
              { outOfRange, oddRow: oddJsonRowReader(f, json.firstRow, odd), distributions },
            )
          : new CsvSummaryStream(
              { k: job.k, final: job.final, target, ...rowLayoutOf(job), ...(job.labelNames && { labelNames: job.labelNames }) },
              outOfRange,
              job.rowsStart === undefined ? null : raggedLineReader(f, odd, job.rowsStart, true),
              { distributions },
            );
    // The line tables from the same chunks, each byte once as the reader takes it (a chunk's
    // unread end comes again with the next): no second read of the part.
    const lines = target && !job.skipLines ? new LineTableBuilder(job.start, true) : null;
    let givenUpAt = -1;
    // A records or columns stream's refusal: where the record or column it refused begins.
    let refusedAt = -1;
    try {
      const read = feedChunks(f, job.start, job.end, (bytes, last, offset) => {
        if (stops && Atomics.load(stops.earliest, 0) < stops.index) return ((givenUpAt = offset), -1);
        const used = stream.feed(bytes, last, offset);
        if (used < 0 && 'recordStart' in stream) refusedAt = offset + stream.recordStart;
        if (lines && used >= 0) {
          const fed = bytes.subarray(0, last ? bytes.length : used);
          // The reader takes only ASCII, but for the names of a "classes" entry, a CSV's text cells (an id, a file name) and records' strings.
          const names = json?.classes;
          const ascii = names
            ? offset + fed.length <= names.keyAt || offset >= names.end
            : !job.leading && !job.trailing && !job.labelNames && !job.records && !job.columnsFrame;
          lines.feed(fed, ascii || isAscii(fed));
        }
        return used;
      });
      if (givenUpAt >= 0) {
        // The lines fed so far end where it gave up; the rest are scanned here, on this thread.
        const rest = lines && feedLines(lines, f, givenUpAt, job.end, false).finish();
        return { ...failed, refused: true, afterStop: true, ...(rest && { lines: rest }) };
      }
      const summer = read && stream.finish();
      if (!summer) {
        const stop = !read ? stream.partStop() : null;
        return { ...failed, refused: true, ...(stop && { stop }), ...(refusedAt >= 0 && { refusedAt }) };
      }
      // Only now are the bytes known to be the simple layout (ASCII where the builder assumed it).
      const faults = faultCount(distributions);
      const noted = outOfRange.count + odd.count + faults;
      const whole = {
        ok: noted === 0,
        refused: noted > 0,
        hits: summer.hits,
        labels: outOfRange,
        ...(odd.count > 0 && { odd }),
        ...(faults > 0 && { distributions }),
      };
      if (target) return { ...failed, ...whole, rows: summer.n, lines: lines?.finish() };
      if (!summer.kept) return failed;
      return { ...whole, losses: Float64Array.from(summer.kept.losses), bounds: Float64Array.from(summer.kept.bounds) };
    } finally {
      stream.release();
    }
  } finally {
    f.close();
  }
}

/**
 * A CSV stream's `oddRow` (a part's, or streamedProblem's one-thread read): a line the stream does
 * not take is read past, and noted, when the full reader's parser of the header and that line
 * finds it ragged. A parse error, any other line, a ragged row past the file's cap, or with
 * `asciiOnly` (a part's line tables assume ASCII) a line that is not all ASCII stops the stream
 * there. `rowsStart`: where the header ends (null: the stream's own, a whole file's).
 */
export function raggedLineReader(
  f: ChunkFile,
  noted: OddRows,
  rowsStart: number | null,
  asciiOnly: boolean,
): (line: Uint8Array, at: CsvLineFailure) => boolean {
  let head: Uint8Array | null = null;
  const cap = raggedRowCap(f.size);
  return (line, at) => {
    if (noted.count >= cap || (asciiOnly && !isAscii(line))) return false;
    head ??= readAt(f, 0, rowsStart ?? at.rowsStart);
    const read = csvLineCheck(head, line, at.row);
    if (!('ragged' in read && read.ragged)) return false;
    noted.note(at.row, at.offset, at.offset + line.length);
    return true;
  };
}

/**
 * A JSON stream's `oddRow` (a part's, or streamedProblem's one-thread read, `firstRow` 0): a row of
 * plain numbers of another length is read past and noted (its row from `firstRow`, its span and
 * length); one that is not plain numbers, or past the file's cap, stops the stream there (its parse
 * error is the full reader's message).
 */
export function oddJsonRowReader(f: ChunkFile, firstRow: number, noted: OddRows): (row: Uint8Array, at: JsonOddRow) => boolean {
  const cap = raggedRowCap(f.size);
  return (row, at) => {
    if (at.length < 0 || noted.count >= cap) return false;
    noted.note(at.row - firstRow, at.offset, at.offset + row.length, at.length);
    return true;
  };
}

/**
 * Where the parts stopped, as the one-thread stream would have: the first part not read whole
 * stopped at a CSV data line or in a JSON row, and every part before it was read. A CSV's row is
 * counted from the file's first; the rows before it are clean when no part before noted a label
 * out of range or a ragged row, the stopped part's were clean, and their bounds (`boundsOf(i, rows)`: part i's
 * first `rows`) add up to a finite sum in file order (the one-thread summer's logitLossIsFinite).
 * A JSON's needs neither (its parse errors name no row).
 */
export function partsStopOf(
  results: PartResult[],
  plan: { k: number; rowsStart: number },
  format: PartsFormat,
  boundsOf: (i: number, rows: number) => ArrayLike<number>,
): CsvStop | JsonStop | null {
  const at = results.findIndex((r) => !r.labels);
  const stop = at >= 0 ? results[at].stop : undefined;
  if (!stop) return null;
  if (format === 'json') return { failure: { offset: stop.offset, rowsStart: plan.rowsStart } };
  let row = 0;
  let bounds = 0;
  let notedBefore = false;
  const add = (i: number, rows: number) => {
    const partBounds = boundsOf(i, rows);
    for (let j = 0; j < partBounds.length; j++) bounds += partBounds[j];
    row += rows;
  };
  for (let i = 0; i < at; i++) {
    add(i, results[i].rows ?? results[i].losses.length);
    notedBefore ||= !results[i].ok;
  }
  if (stop.bounds) add(at, stop.row);
  else row += stop.row;
  const clean = !notedBefore && stop.bounds !== null && Number.isFinite(bounds);
  return { failure: { offset: stop.offset, row, rowsStart: plan.rowsStart, k: plan.k }, rowsBeforeFailureClean: () => clean };
}

/**
 * The labels out of range, rows of another width and rows that are not distributions of a file
 * read whole in parts, in file order (part i's rows from `firstRows[i]`), when they are all its
 * parts refused; null when a part stopped or none noted any. The caller checks that the rows'
 * bounds add up finite in file order (the one-thread summer's check).
 */
export function readPastStopOf(
  results: PartResult[],
  firstRows: number[],
  plan: Pick<PartPlan, 'k' | 'rowsStart' | 'tail' | 'classes'> & RowLayout,
  lines?: LineTables,
): ReadPastStop | null {
  if (!results.every((r) => r.labels) || results.every((r) => r.ok)) return null;
  const labelsOutOfRange = new OutOfRangeLabels(MAX_MESSAGES_PER_KIND);
  // All the parts kept (a CSV part's first 20, a JSON part's every one).
  const oddRows = new OddRows(Infinity);
  const distributions = notedDistributions(MAX_MESSAGES_PER_KIND);
  results.forEach((r, i) => {
    labelsOutOfRange.add(r.labels!, firstRows[i]);
    if (r.odd) oddRows.add(r.odd, firstRows[i]);
    if (r.distributions) {
      distributions.probabilities.add(r.distributions.probabilities, firstRows[i]);
      distributions.targets.add(r.distributions.targets, firstRows[i]);
    }
  });
  const { k, rowsStart, tail, classes } = plan;
  return {
    labelsOutOfRange,
    oddRows,
    distributions,
    k,
    rowsStart,
    tail,
    ...(classes && { classes }),
    ...rowLayoutOf(plan),
    ...(lines && { lines }),
  };
}

/** How long a part waits for a count before it gives up (the thread counting it died): the file is then read whole. */
const COUNT_WAIT_MS = 60_000;

/**
 * The sum of the counts before `index`, waiting for each (its count job was taken before this
 * part by some thread, which is running it); −1 if one never comes.
 */
function rowsBefore({ counts, index }: RowsBefore): number {
  let sum = 0;
  for (let i = 0; i < index; i++) {
    if (Atomics.load(counts, i) < 0) Atomics.wait(counts, i, -1, COUNT_WAIT_MS);
    const count = Atomics.load(counts, i);
    if (count < 0) return -1;
    sum += count;
  }
  return sum;
}

/** lineStretch's buffer, one per thread, kept between parts (fresh pages cost a fault each: see chunkFile.ts). */
let lineChunk: Uint8Array | undefined;

/**
 * The lines of [start, end) of the file, read again a chunk at a time (from the page cache: the
 * part was just read). `knownAscii`: the streaming reader accepted the bytes, so they are all
 * ASCII; false for bytes it did not accept (a file it stopped in: streamedProblem.ts).
 */
export function lineStretch(f: ChunkFile, start: number, end: number, knownAscii = true): LineStretch {
  return feedLines(new LineTableBuilder(start, knownAscii), f, start, end, knownAscii).finish();
}

/** Feeds [start, end) of the file to `lines` (fed up to `start`), a chunk at a time. */
function feedLines(lines: LineTableBuilder, f: ChunkFile, start: number, end: number, knownAscii: boolean): LineTableBuilder {
  // No bigger than the stretch: a fresh buffer of a read's size costs a new worker page faults for a header of a few bytes.
  const want = Math.min(READ_CHUNK_BYTES, Math.max(1, end - start));
  if (!lineChunk || lineChunk.length < want) lineChunk = new Uint8Array(want);
  const chunk = lineChunk.subarray(0, want);
  for (let at = start; at < end;) {
    const got = f.read(chunk, 0, Math.min(chunk.length, end - at), at);
    if (got === 0) break;
    // Node's native check spares the scan's own look for non-ASCII bytes (1.7 -> 1.2 s for a 1.1 GB file).
    const piece = chunk.subarray(0, got);
    lines.feed(piece, knownAscii || isAscii(piece));
    at += got;
  }
  return lines;
}

/**
 * Where to cut [rowsStart, size) into at most `parts` parts: each cut just after a newline, so no
 * row is split (the simple layout has no quoted newlines; if a cut lands in one, its part fails).
 */
export function csvCuts(f: ChunkFile, rowsStart: number, parts: number): number[] {
  const cuts = [rowsStart];
  const window = new Uint8Array(64 << 10);
  for (let i = 1; i < parts; i++) {
    let at = Math.max(cuts[cuts.length - 1], rowsStart + Math.floor(((f.size - rowsStart) * i) / parts));
    for (;;) {
      const got = at < f.size ? f.read(window, 0, Math.min(window.length, f.size - at), at) : 0;
      if (got === 0) return cuts.concat(f.size);
      const nl = indexOfByte(window.subarray(0, got), 10);
      if (nl >= 0) {
        at += nl + 1;
        break;
      }
      at += got;
    }
    if (at >= f.size) break;
    if (at > cuts[cuts.length - 1]) cuts.push(at);
  }
  return cuts.concat(f.size);
}

/** Runs count jobs (PartJob.countByte) on threads; a result's `rows` is its count. */
export type PartCounter = (jobs: PartJob[]) => PartResult[];

/**
 * Where to cut a JSON file's "logits" array, [rowsStart, end), into at most `parts` parts (issue
 * 22); records (recordParts.ts) are cut after their '}' (`closeByte`). Each cut is just after the first ']' at or after its target (the simple layout's rows hold
 * numbers only; a string or a nested array in them fails its part, and the file is then read on
 * one thread); a target the last cut already passed is skipped. The rows before each cut are
 * counted by the plan's count jobs (planJsonParts, runPlan).
 */
export function jsonCuts(f: ChunkFile, rowsStart: number, end: number, parts: number, closeByte = 93): number[] {
  const cuts = [rowsStart];
  const window = new Uint8Array(64 << 10);
  for (let i = 1; i < parts; i++) {
    let at = rowsStart + Math.floor(((end - rowsStart) * i) / parts);
    if (at < cuts[cuts.length - 1]) continue;
    let found = -1;
    while (found < 0 && at < end) {
      const got = f.read(window, 0, Math.min(window.length, end - at), at);
      if (got === 0) break;
      const close = indexOfByte(window.subarray(0, got), closeByte);
      if (close >= 0) found = at + close + 1;
      else at += got;
    }
    if (found < 0) break;
    if (found > cuts[cuts.length - 1]) cuts.push(found);
  }
  return cuts;
}

/** Each count job's count: on threads when `countOn` is given and there are two or more, else here; null if one failed. */
export function countParts(f: ChunkFile, jobs: PartJob[], countOn?: PartCounter): number[] | null {
  if (!countOn || jobs.length < 2) return jobs.map((job) => countBytes(f, job.start, job.end, job.countByte!));
  const counted = countOn(jobs);
  return counted.some((r) => !r.ok || r.rows === undefined) ? null : counted.map((r) => r.rows!);
}

/** countBytes' window, one per thread, kept between parts. */
let countWindow: Uint8Array | undefined;

/** How many times `byte` occurs in [start, end) of the file. */
function countBytes(f: ChunkFile, start: number, end: number, byte: number): number {
  const window = (countWindow ??= new Uint8Array(READ_CHUNK_BYTES));
  let count = 0;
  for (let at = start; at < end;) {
    const got = f.read(window, 0, Math.min(window.length, end - at), at);
    if (got === 0) break;
    const read = window.subarray(0, got);
    for (let j = indexOfByte(read, byte); j >= 0; j = indexOfByte(read, byte, j + 1)) count++;
    at += got;
  }
  return count;
}

/** Labels read from a JSON file's end: beyond this the full reader runs. */
const MAX_TAIL = 64 << 20;

/**
 * `parse` of the file's last bytes (or, `fromHead`, its first), read from 64 KB (the labels of
 * about 10,000 samples), growing while it answers 'more': fresh pages are slow to touch here.
 * Null when it answers 'more' for the whole file or MAX_TAIL.
 */
function readGrowing<T>(f: ChunkFile, fromHead: boolean, parse: (bytes: Uint8Array, start: number) => T | 'more'): T | null {
  for (let size = 64 << 10; ; size *= 4) {
    const length = Math.min(size, f.size, MAX_TAIL);
    const start = fromHead ? 0 : f.size - length;
    const bytes = new Uint8Array(length);
    let got = 0;
    while (got < length) {
      const n = f.read(bytes, got, length - got, start + got);
      if (n === 0) return null;
      got += n;
    }
    const found = parse(bytes, start);
    if (found !== 'more') return found;
    if (length === f.size || length === MAX_TAIL) return null;
  }
}

/**
 * The labels at the end of a JSON file (`…, "labels": […]}`, a "classes" entry before or after
 * them), or null. Labels written as class names with no "classes" entry there are numbered by the
 * one before the logits (`{"classes": […], "logits": …`), when the file has it.
 */
export function jsonTail(f: ChunkFile): TailLabels | null {
  const found = readGrowing(f, false, (tail, start) => labelsFromTail(tail, start));
  if (found) return found;
  const headClasses = readGrowing(f, true, logitsHead)?.classes;
  return headClasses ? readGrowing(f, false, (tail, start) => labelsFromTail(tail, start, headClasses)) : null;
}

/** Where a JSON file's logits rows start and end (before what follows them), its labels and its "classes" entry. */
interface JsonLayout {
  tail: TailLabels;
  rowsStart: number;
  rowsEnd: number;
  classes?: ClassesEntry;
  /** The rows' key when not "logits": "probabilities" or "log_probabilities". */
  input?: SummedInput;
  /** The file starts with a byte order mark: the lines before the rows are not ASCII. */
  bom?: boolean;
}

/**
 * `{"logits": [` at the head (a "classes" entry may come first) and the labels at the end; null
 * when the file is not so, or has two "classes" entries.
 */
function logitsFirst(f: ChunkFile): JsonLayout | null {
  const tail = jsonTail(f);
  if (!tail) return null;
  const head = readGrowing(f, true, logitsHead);
  if (!head || (head.classes && tail.classes)) return null;
  const classes = head.classes ?? tail.classes;
  // Entries between the rows and the labels are read by the final part, not cut into parts.
  const rowsEnd = classes && classes.keyAt > head.rowsStart ? Math.min(classes.keyAt, tail.keyAt) : tail.keyAt;
  return { tail, rowsStart: head.rowsStart, rowsEnd, ...(classes && { classes }), ...headMarks(head) };
}

/** Where the rows start in a head `{"logits": [` or `{"classes": […], "logits": [` (or "probabilities", "log_probabilities"), and that entry. */
function logitsHead(head: Uint8Array): { rowsStart: number; classes?: ClassesEntry; input?: SummedInput; bom?: boolean } | 'more' | null {
  if (head.length < 3) return 'more';
  const bom = startsWithBom(head);
  let i = bom ? 3 : 0;
  const ws = () => {
    while (i < head.length && isSpace(head[i])) i++;
    return i < head.length;
  };
  if (!ws()) return 'more';
  if (head[i++] !== 123) return null;
  if (!ws() || head.length - i < 9) return 'more';
  let classes: ClassesEntry | undefined;
  if (isClassesKey(head, i)) {
    const found = classesForward(head, i, 0);
    if (found === 'more' || !found) return found;
    classes = found.entry;
    i = found.next;
    if (!ws()) return 'more';
    if (head[i++] !== 44) return null;
  }
  const text = Buffer.from(head.buffer, head.byteOffset + i, Math.min(head.length - i, 64)).toString('latin1');
  const m = /^[ \t\r\n]*"(logits|probabilities|log_probabilities)"[ \t\r\n]*:[ \t\r\n]*\[/.exec(text);
  if (!m) return head.length - i < 64 ? 'more' : null;
  return {
    rowsStart: i + m[0].length,
    ...(classes && { classes }),
    ...(m[1] !== 'logits' ? { input: m[1] as SummedInput } : {}),
    ...(bom ? { bom } : {}),
  };
}

/**
 * `{"labels": […], "logits": [` at the head (read growing, as jsonTail reads the end; a "classes"
 * entry may come before either); the rows then run to the file's end, or to a "classes" entry
 * after them.
 */
function labelsFirst(f: ChunkFile): JsonLayout | null {
  const head = readGrowing(f, true, labelsFromHead);
  if (!head) return null;
  const after = readGrowing(f, false, classesAtEnd);
  if (!after || (after.entry && head.classes)) return null;
  const classes = after.entry ?? head.classes;
  return {
    tail: head,
    rowsStart: head.rowsStart,
    rowsEnd: after.entry ? after.entry.keyAt : f.size,
    ...(classes && { classes }),
    ...headMarks(head),
  };
}

/** What a JSON head says of the file beside where its rows start: "probabilities" or "log_probabilities" rows, a byte order mark. */
function headMarks(head: { input?: SummedInput; bom?: boolean }): Pick<JsonLayout, 'input' | 'bom'> {
  return { ...(head.input && { input: head.input }), ...(head.bom && { bom: true }) };
}

/**
 * A "classes" entry that ends the file (`…, "classes": […]}`), read backwards from `end`, its last
 * bytes (at file offset `start`): `entry` undefined when the file ends otherwise ('}' after no
 * string array); null when it ends in one that is not names.
 */
function classesAtEnd(end: Uint8Array, start: number): { entry?: ClassesEntry } | 'more' | null {
  let i = end.length - 1;
  const back = () => {
    while (i >= 0 && isSpace(end[i])) i--;
    return i >= 0;
  };
  if (!back()) return start > 0 ? 'more' : {};
  if (end[i--] !== 125 || !back()) return {};
  const found = classesEndingAt(end, i, start);
  if (found === 'none') return {};
  if (found === 'more') return start > 0 ? 'more' : null;
  return found === 'other' ? null : found && { entry: found.entry };
}

/** A simple-layout file cut into parts: the jobs, each part's planned rows, and where the rows start. */
export interface PartPlan extends RowLayout {
  k: number;
  n: number;
  /** The first row's offset: bytes before it are the header (CSV) or `{"logits": [` (JSON). */
  rowsStart: number;
  jobs: PartJob[];
  /**
   * Rows in each part (each job must read exactly these), and the first row of each. A JSON
   * plan's come from runPlan, which counts them: here only the first part's first row (0).
   */
  rows: number[];
  firstRows: number[];
  tail: TailLabels | null;
  /** A JSON's own class names ("classes"): the full reader then reads no classes.txt. */
  classes?: ClassesEntry;
  /** The file starts with a byte order mark: the lines before the rows are not ASCII. */
  bom?: boolean;
  /** JSON records (recordParts.ts): each row's label has its own span. A DataFrame's have columns; records of targets, their key. */
  records?: { lines: boolean; columns?: RecordColumns; targets?: 'targets' | 'target' };
  /** A DataFrame in the columns orient (columnsFrameParts.ts): its label's key names its column. */
  columnsFrame?: { labelKey: string };
  /** A CSV's labels are these classes' names (its first label is a name): each label has its own span. */
  labelNames?: readonly string[];
  /** A JSON plan's count jobs: the ']' of each part but the last, run beside the parts (runPlan). */
  counts?: { jobs: PartJob[]; rows: Int32Array };
}

/**
 * Runs a plan's jobs (on threads when `run` is given, else each by `here`): each part's result in
 * part order, with the parts' rows and first rows; null when a count failed. A part after one that
 * did not read all its rows gives up (PartStops), its result `afterStop`. A JSON plan's parts
 * after the first wait for the counts before them (a count job takes each part's ']' but the
 * last's), so the jobs go in the order the threads take them: the first count, the first part (it
 * starts at row 0, so one thread reads while another counts), the other counts, the other parts.
 * Measured on two warm threads, 97 MB: 177–178 ms, against 186–197 ms with every count made before
 * any part (and 204–210 ms with the first part first: the counts all fell to the other thread).
 */
export function runPlan(
  plan: PartPlan,
  jobs: PartJob[],
  run: ((jobs: PartJob[]) => PartResult[]) | undefined,
  here: (job: PartJob) => PartResult,
): { results: PartResult[]; rows: number[]; firstRows: number[] } | null {
  const runAll = run ?? ((all: PartJob[]) => all.map(here));
  // A fresh earliest stop each run (PartStops): none yet, and no fault.
  const earliest = new Int32Array(new SharedArrayBuffer(4)).fill(jobs.length);
  const faulty = new Int32Array(new SharedArrayBuffer(4));
  const parts = jobs.map((job, index) => ({ ...job, stops: { earliest, faulty, index } }));
  if (!plan.counts) return { results: runAll(parts), rows: plan.rows, firstRows: plan.firstRows };
  const [firstCount, ...otherCounts] = plan.counts.jobs;
  const order = [firstCount, parts[0], ...otherCounts, ...parts.slice(1)];
  const results = runAll(order).filter((_, i) => order[i].countByte === undefined);
  // Every count job has written its count (−2: not counted) by the time every job has run.
  const counts = Array.from(plan.counts.rows.subarray(0, plan.counts.jobs.length));
  const last = plan.n - counts.reduce((a, b) => a + b, 0);
  if (counts.some((c) => c < 0) || last < 0) return null;
  const rows = [...counts, last];
  return { results, rows, firstRows: firstRowsOf(rows) };
}

/** The first row of each part, from the parts' row counts. */
export function firstRowsOf(rows: number[]): number[] {
  const firstRows: number[] = [];
  let first = 0;
  for (const r of rows) {
    firstRows.push(first);
    first += r;
  }
  return firstRows;
}

/**
 * Parts of a JSON file in the simple layout, `{"logits": [[…], …], "labels": […]}` or with the
 * labels first (`{"labels": […], "logits": [[…], …]}`, json.dump of a dict built in that order),
 * or null. `takes.probabilities`: take "probabilities" rows too (`analyze --summary` sums them; the
 * worker's analysis of them is the full pipeline's); `takes.logProbabilities`, "log_probabilities"
 * (`analyze --summary` sums their nll).
 */
export function planJsonParts(path: string, f: ChunkFile, parts: (rowBytes: number) => number, takes: RowsTaken = {}): PartPlan | null {
  const layout = logitsFirst(f) ?? labelsFirst(f);
  if (!layout || !takesColumns({ input: layout.input ?? 'logits', targets: false }, takes)) return null;
  const { tail, rowsStart, rowsEnd, classes, input, bom } = layout;
  // K from the first row: its commas (a row that is not K plain numbers fails its part anyway).
  const first = readAt(f, rowsStart, Math.min(f.size - rowsStart, 1 << 16));
  // One byte, one character; natively: a loop of String.fromCharCode took 20 ms in a new (cold) file worker.
  const text = Buffer.from(first.buffer, first.byteOffset, first.length).toString('latin1');
  const open = text.indexOf('[');
  const close = text.indexOf(']', open);
  if (open < 0 || close < 0) return null;
  const k = text.slice(open, close).split(',').length;
  if (k < 2) return null;
  const cuts = jsonCuts(f, rowsStart, rowsEnd, Math.max(1, parts(rowsEnd - rowsStart)));
  const n = tail.labels.length;
  const rows = new Int32Array(new SharedArrayBuffer(4 * cuts.length)).fill(-1);
  const jobs: PartJob[] = cuts.map((start, i) => ({
    path,
    start,
    end: i + 1 < cuts.length ? cuts[i + 1] : f.size,
    k,
    final: i + 1 === cuts.length,
    json: { firstRow: 0, first: i === 0, labels: tail.labels, keyAt: tail.keyAt, ...(classes && { classes }) },
    ...(input ? { input } : {}),
    ...(i > 0 ? { after: { counts: rows, index: i } } : {}),
  }));
  const countJobs = cuts.slice(0, -1).map((start, i): PartJob => ({
    path,
    start,
    end: cuts[i + 1],
    k: 0,
    final: false,
    countByte: 93,
    countInto: { counts: rows, index: i },
  }));
  const single = cuts.length === 1;
  return {
    k,
    n,
    rowsStart,
    jobs,
    rows: single ? [n] : [],
    firstRows: [0],
    tail,
    ...(classes && { classes }),
    ...(input ? { input } : {}),
    ...(bom ? { bom } : {}),
    ...(single ? {} : { counts: { jobs: countJobs, rows } }),
  };
}

/**
 * Parts of a CSV in the simple layout (header `logit_0,…,logit_{K−1},label`), with each part's rows
 * counted (unless `countRows` is false: on threads when `countOn` runs them); or null. `tsv`: a
 * .tsv, whose header is split on tabs only. `probabilities`: take prob_0… columns too (`analyze
 * --summary` sums them; the worker's analysis of them, ∂L/∂p, is the full pipeline's);
 * `logProbabilities`, logprob_0… with a label (`analyze --summary` sums their nll).
 */
export function planCsvParts(
  path: string,
  f: ChunkFile,
  parts: (rowBytes: number) => number,
  {
    countRows = true,
    countOn,
    tsv = false,
    probabilities = false,
    logProbabilities = false,
    classNames,
  }: {
    countRows?: boolean;
    countOn?: PartCounter;
    tsv?: boolean;
    probabilities?: boolean;
    logProbabilities?: boolean;
    /** The class names the full reader would number labels written as names by (null: it would not read them without a word). */
    classNames?: (k: number) => readonly string[] | null;
  } = {},
): PartPlan | null {
  // The header line: 64 KB holds K ≈ 7,000 names; up to 1 MB is looked at (fresh pages are slow to touch here).
  let head = new Uint8Array(0);
  let got = 0;
  let nl = -1;
  for (let size = 64 << 10; nl < 0 && head.length < Math.min(f.size, 1 << 20); size *= 4) {
    head = new Uint8Array(Math.min(f.size, size, 1 << 20));
    got = f.read(head, 0, head.length, 0);
    nl = indexOfByte(head.subarray(0, got), 10);
  }
  if (nl < 0) return null;
  const columns = csvColumns(head, nl > 0 && head[nl - 1] === 13 ? nl - 1 : nl, tsv);
  if (!columns || columns.k < 2 || !takesColumns(columns, { probabilities, logProbabilities, targets: true })) return null;
  const { k, leading, labelFirst, trailing, delimiter, bom, input, targets } = columns;
  const layout = rowLayoutOf({ leading, labelFirst, trailing, delimiter, input, targets });
  const rowsStart = nl + 1;
  // Labels written as class names ("cat"), when the first data line says so, as it does to the full reader.
  const width = leading + k + 1 + trailing;
  const named = !targets && firstLabelIsName(head.subarray(0, got), rowsStart, delimiter, labelFirst ? leading : leading + k, width);
  const labelNames = named ? classNames?.(k) : undefined;
  if (named && !labelNames) return null;
  const cuts = csvCuts(f, rowsStart, Math.max(1, parts(f.size - rowsStart)));
  const rows = countRows ? csvRowCounts(path, f, cuts, countOn) : [];
  if (!rows) return null;
  const n = rows.reduce((a, b) => a + b, 0);
  const jobs: PartJob[] = [];
  for (let i = 0; i + 1 < cuts.length; i++)
    jobs.push({
      path,
      start: cuts[i],
      end: cuts[i + 1],
      k,
      final: i + 2 === cuts.length,
      rowsStart,
      ...layout,
      ...(labelNames && { labelNames }),
    });
  return {
    k,
    n,
    rowsStart,
    jobs,
    rows,
    firstRows: firstRowsOf(rows),
    tail: null,
    ...layout,
    ...(bom && { bom }),
    ...(labelNames && { labelNames }),
  };
}

/**
 * Rows between consecutive cuts: a part ends just after a newline, so its rows are its newlines;
 * the last part's rows end where its trailing line ends (\r, \n) begin, the last row maybe
 * without one. Counted a part at a time (countParts), on threads when `countOn` runs them; null
 * if a count failed.
 */
function csvRowCounts(path: string, f: ChunkFile, cuts: number[], countOn?: PartCounter): number[] | null {
  let contentEnd = cuts[cuts.length - 1];
  const probe = new Uint8Array(1);
  while (contentEnd > cuts[0] && f.read(probe, 0, 1, contentEnd - 1) === 1 && (probe[0] === 10 || probe[0] === 13)) contentEnd--;
  const last = cuts.length - 2;
  const jobs = cuts
    .slice(0, -1)
    .map((start, i): PartJob => ({ path, start, end: i === last ? contentEnd : cuts[i + 1], k: 0, final: false, countByte: 10 }));
  return countParts(f, jobs, countOn)?.map((count, i) => count + (i === last && contentEnd > cuts[i] ? 1 : 0)) ?? null;
}
