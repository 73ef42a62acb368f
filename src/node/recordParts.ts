/**
 * A file of JSON records (`[{"logits": […], "label": 3}, …]`, or one a line) cut into parts for
 * threads (issue 22), as a CSV is cut: a record holds no '}' but its last byte (the records the
 * stream takes: src/core/recordStream.ts), so each cut is just after one, and each part's records
 * are its '}'s, counted before the parts are read (on threads when there are threads), which gives
 * N. A part that is not such records fails the whole file, and the full reader reports it.
 */
import { indexOfByte } from '../core/byteSearch';
import { isSpace } from '../core/jsonClasses';
import { readAt, type ChunkFile } from './chunkFile';
import { countParts, firstRowsOf, jsonCuts, type PartCounter, type PartJob, type PartPlan } from './summaryParts';

const CLOSE_BRACE = 125;

/**
 * Parts of a file of records that starts as the stream takes one (`[{` or, `lines`, `{` with no
 * white space before, the first record's row key "logits", or "probabilities" when
 * `probabilities`), with each part's records counted; or null.
 */
export function planRecordParts(
  path: string,
  f: ChunkFile,
  parts: (rowBytes: number) => number,
  { lines, countOn, probabilities: takeProbabilities = false }: { lines: boolean; countOn?: PartCounter; probabilities?: boolean },
): PartPlan | null {
  const head = readAt(f, 0, Math.min(f.size, 1 << 16));
  let rowsStart = 0;
  if (!lines) {
    if (head[0] !== 91) return null;
    rowsStart = 1;
  }
  let at = rowsStart;
  while (!lines && at < head.length && isSpace(head[at])) at++;
  if (head[at] !== 123) return null;
  const shape = firstRecordShape(head, at);
  if (!shape || (shape.probabilities && !takeProbabilities)) return null;
  const { k, probabilities } = shape;
  const cuts = jsonCuts(f, rowsStart, f.size, Math.max(1, parts(f.size - rowsStart)), CLOSE_BRACE).concat(f.size);
  const counts = countParts(
    f,
    cuts.slice(0, -1).map((start, i): PartJob => ({ path, start, end: cuts[i + 1], k: 0, final: false, countByte: CLOSE_BRACE })),
    countOn,
  );
  if (!counts) return null;
  const n = counts.reduce((a, b) => a + b, 0);
  const jobs = cuts.slice(0, -1).map((start, i): PartJob => ({
    path,
    start,
    end: cuts[i + 1],
    k,
    final: i + 2 === cuts.length,
    records: { lines, first: i === 0 },
    ...(probabilities ? { probabilities } : {}),
  }));
  return {
    k,
    n,
    rowsStart,
    jobs,
    rows: counts,
    firstRows: firstRowsOf(counts),
    tail: null,
    records: { lines },
    ...(probabilities ? { probabilities } : {}),
  };
}

/**
 * K and the rows' key of the first record, at head[at] ('{'): the commas of its row's array (a
 * row that is not K plain numbers fails its part anyway); null when its row's ']' or key is not in
 * the first 64 KB.
 */
function firstRecordShape(head: Uint8Array, at: number): { k: number; probabilities: boolean } | null {
  const close = indexOfByte(head, CLOSE_BRACE, at);
  if (close < 0) return null;
  const text = Buffer.from(head.buffer, head.byteOffset + at, close - at).toString('latin1');
  const m = /"(logits|probabilities)"\s*:\s*\[([^\]]*)\]/.exec(text);
  if (!m) return null;
  const k = m[2].split(',').length;
  return k < 2 ? null : { k, probabilities: m[1] === 'probabilities' };
}
