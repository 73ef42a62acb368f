/**
 * Type feedback for the text logits readers before they meet a large file (issue 22). V8
 * optimises a hot function with the feedback its interpreter gathered so far; a branch not yet
 * taken then (an exponent, a fraction of 9 or more digits, a number cut by a read's end, the code
 * after a block's loop) has none, and the first value that takes it throws the optimised code
 * away and runs the interpreter until the function is hot again. In a cold run of the bench's
 * 97 MB JSON on two threads, --trace-deopt counted about 50 such deopts (scanNumber 7,
 * summarizeClassification 36). A small document that takes each of those branches once, read
 * first on each thread, gives the first optimised code the feedback of all of them (1–2 deopts
 * left). It changes no result: it is read by its own streams into its own arrays, and dropped.
 */
import { CsvSummaryStream, JsonSummaryStream, labelsFromTail, type SummaryStream } from './summaryStream';
import { rowArrays, withSmallBlocks, type LogitRowSummer, type RowTarget } from './summaryRows';

/** Each form of number the readers take another branch for, as a row of K = 6 logits. */
const ROWS = [
  ['-1.234567', '0.5', '2', '-0', '3.25', '-0.75'],
  ['0.123456789012', '-12.5e-3', '1E+2', '4e1', '-2.5E-1', '7'],
  ['0.12345678901234567', '-1.2345678901234567', '123456789.12345678', '1234567.123456789012', '-0.000123', '9.99'],
  ['1.5', '-3', '12345678901234567890123', '0.1e-2', '2.000000001', '-6.02214076e1'],
];
const LABELS = [0, 5, 2, 3];
/** Rows of the primer document: ROWS and LABELS, three times. */
export const PRIMER_ROWS = 12;
/** Rows a block of the primer's summers holds: blocks fill and are flushed inside a read, as a large file's are. */
export const PRIMER_BLOCK_ROWS = 2;
/** Rows in the first of the two parts: the third row ends in a short fraction just before the cut. */
const FIRST_PART_ROWS = 3;

/** The primer document in each layout, and its logits and labels. */
export function primerDocument(): { json: Uint8Array; jsonLabelsFirst: Uint8Array; csv: Uint8Array; logits: string[][]; labels: number[] } {
  const logits = Array.from({ length: PRIMER_ROWS }, (_, i) => ROWS[i % ROWS.length]);
  const labels = logits.map((_, i) => LABELS[i % LABELS.length]);
  const rows = `"logits": [${logits.map((r) => `[${r.join(', ')}]`).join(',\n ')}]`;
  const json = ascii(`{${rows}, "labels": [${labels.join(', ')}]}`);
  const jsonLabelsFirst = ascii(`{"labels": [${labels.join(', ')}],\n ${rows}}`);
  const header = `${ROWS[0].map((_, j) => `logit_${j}`).join(',')},label`;
  const csv = ascii(`${header}\n${logits.map((r, i) => `${r.join(',')},${labels[i]}`).join('\n')}\n`);
  return { json, jsonLabelsFirst, csv, logits, labels };
}

/**
 * Reads the primer document every way the summary readers are used: whole (JSON with its labels
 * read from the end, or before the logits; CSV) in pieces of 61 bytes, as feedChunks hands them
 * over, so numbers are cut at a piece's end; and in two parts as the threads read them, with and
 * without the extension's row arrays. Each read's summer, or null where a reader refused it.
 */
export function primerReads(): { read: string; summer: LogitRowSummer | null; target?: RowTarget }[] {
  const { json, jsonLabelsFirst, csv } = primerDocument();
  const k = ROWS[0].length;
  const tail = labelsFromTail(json, 0);
  if (!tail || tail === 'more') return [{ read: 'the labels at the JSON end', summer: null }];
  const reads: ReturnType<typeof primerReads> = [
    { read: 'JSON, labels from the end', summer: feedInPieces(new JsonSummaryStream(tail), json, 61) },
    { read: 'JSON, labels first', summer: feedInPieces(new JsonSummaryStream(null), jsonLabelsFirst, 61) },
    { read: 'CSV', summer: feedInPieces(new CsvSummaryStream(), csv, 61) },
  ];
  const jsonRows = json.indexOf(91 /* [ */, 1) + 1;
  const jsonCut = nthIndexOf(json, 93 /* ] */, jsonRows, FIRST_PART_ROWS) + 1;
  const csvRows = csv.indexOf(10) + 1;
  const csvCut = nthIndexOf(csv, 10, csvRows, FIRST_PART_ROWS) + 1;
  for (const intoRows of [false, true]) {
    // The extension's reads put each row into arrays of the whole file (one set each: JSON, CSV).
    const jsonTarget = intoRows ? rowTarget(k) : undefined;
    const csvTarget = intoRows ? rowTarget(k) : undefined;
    const rows = (firstRow: number, whole: RowTarget | undefined) => whole && { ...whole, firstRow };
    const jsonPart = (firstRow: number, first: boolean, final: boolean) => ({
      k,
      firstRow,
      first,
      final,
      target: rows(firstRow, jsonTarget),
    });
    const csvPart = (firstRow: number, final: boolean) => ({ k, final, target: rows(firstRow, csvTarget) });
    const kind = intoRows ? 'into row arrays' : 'kept';
    reads.push(
      {
        read: `JSON, first part, ${kind}`,
        summer: feedInPieces(new JsonSummaryStream(tail, jsonPart(0, true, false)), json.subarray(jsonRows, jsonCut), 4096, jsonRows),
        target: jsonTarget,
      },
      {
        read: `JSON, last part, ${kind}`,
        summer: feedInPieces(new JsonSummaryStream(tail, jsonPart(FIRST_PART_ROWS, false, true)), json.subarray(jsonCut), 4096, jsonCut),
        target: jsonTarget,
      },
      {
        read: `CSV, first part, ${kind}`,
        summer: feedInPieces(new CsvSummaryStream(csvPart(0, false)), csv.subarray(csvRows, csvCut), 4096, csvRows),
        target: csvTarget,
      },
      {
        read: `CSV, last part, ${kind}`,
        summer: feedInPieces(new CsvSummaryStream(csvPart(FIRST_PART_ROWS, true)), csv.subarray(csvCut), 4096, csvCut),
        target: csvTarget,
      },
    );
  }
  return reads;
}

let primed = false;

/**
 * Files smaller than this are read without the primer. Measured whole process, alternated: it
 * cost 5–13 ms on a 0.25–1 MB CSV, and paid for itself from the bench's 4 MB files on (CSV
 * 230 → 226 ms, JSON 231 → 228 ms).
 */
export const PRIME_FROM_BYTES = 4 << 20;

/**
 * Reads the primer document every way above, once per thread (module state is per thread), before
 * a file of `fileBytes` (none given: a part thread, which only large files have).
 */
export function primeTextReaders(fileBytes = Infinity): void {
  if (primed || fileBytes < PRIME_FROM_BYTES) return;
  primed = true;
  try {
    withSmallBlocks(PRIMER_BLOCK_ROWS, primerReads);
  } catch {
    // A primer that failed costs its speed-up, never the read it was for (its tests are where it fails).
  }
}

/** Whether this thread has read the primer (for tests: a thread that only waits must not). */
export function readersPrimed(): boolean {
  return primed;
}

function feedInPieces(stream: SummaryStream, bytes: Uint8Array, piece = 4096, base = 0): LogitRowSummer | null {
  let from = 0;
  for (let to = Math.min(piece, bytes.length); ; to = Math.min(to + piece, bytes.length)) {
    const last = to === bytes.length;
    const used = stream.feed(bytes.subarray(from, to), last, base + from);
    if (used < 0) return null;
    if (last || stream.done) break;
    from += used;
  }
  // Not released: the summer's block stays out of the thread's spare (a real file's may be there).
  return stream.finish();
}

function rowTarget(k: number): RowTarget {
  return { firstRow: 0, values: new Float64Array(PRIMER_ROWS * k), ...rowArrays(PRIMER_ROWS) };
}

function nthIndexOf(bytes: Uint8Array, byte: number, from: number, nth: number): number {
  let at = from - 1;
  for (let i = 0; i < nth; i++) at = bytes.indexOf(byte, at + 1);
  return at;
}

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
