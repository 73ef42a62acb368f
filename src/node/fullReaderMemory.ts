/**
 * A DataFrame written as JSON (its records, index, table or columns orient: a key for every value)
 * is read by the full reader into a node a value and a key: 213 MB of records took 1.6–2.0 GB of
 * JS heap (a JSON of arrays of numbers keeps them packed: 104 MB of `{"logits": […]}` records fit
 * in 120 MB). Past the heap's limit V8 ends the process, with nothing to catch: the CLI dies with a
 * stack dump, the extension's worker with "JS heap out of memory". A file the streamed readers
 * refused and the full reader cannot hold is refused here instead, at the record or column where
 * the streamed reader stopped, so the user knows where to look.
 */
import { getHeapStatistics } from 'node:v8';
import type { ReadSibling } from '../core/classNames';
import { cleanSiblingClassNames, siblingReader } from '../core/classNames';
import { HeadCursor } from '../core/headCursor';
import { isSpace } from '../core/jsonClasses';
import { problem, type Problem } from '../core/problems';
import { readAt, type ChunkFile } from './chunkFile';
import { planJsonFile, recordsLayout } from './recordParts';
import { summarizePart, type PartsFormat } from './summaryParts';

/** The full reader's heap per byte of a JSON with a key for every value, measured (7.5–9.4), rounded up. */
const HEAP_PER_FILE_BYTE = 10;
/** This many keys in the first 4 KB of the objects: a key every few values (a DataFrame's), not records of long arrays. */
const KEYS_OF_A_FRAME = 16;

/**
 * The error for a DataFrame's JSON too large for the full reader to hold, at the record or column
 * where the streamed reader stopped (the first object's when no plan took the file); null for any
 * other file, and for one the full reader can hold (it gives its own message).
 */
export function beyondFullReader(f: ChunkFile, format: PartsFormat, readSibling?: ReadSibling): Problem | null {
  const need = f.size * HEAP_PER_FILE_BYTE;
  const limit = getHeapStatistics().heap_size_limit;
  if ((format !== 'json' && format !== 'jsonl') || need <= limit) return null;
  const first = firstObjectAt(f, format);
  if (first < 0 || keysAt(f, first) < KEYS_OF_A_FRAME) return null;
  const at = objectAfter(f, streamStop(f, format, readSibling) ?? first);
  const gb = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  return problem(
    `the streamed reader stopped at this ${format === 'jsonl' ? 'line' : 'record or column'}, and this ${gb(f.size)} GB file is too large for the full reader to find what is wrong with it (it would hold about ${gb(need)} GB; the limit here is ${gb(limit)} GB): look here for a value it does not take (null for a missing value, a key missing, added or out of order, a label out of range or not a class), or split the file`,
    at,
    at + 1,
    'too-large',
  );
}

/** Where the first record or column object begins ('{'), when the file is a JSON of objects; else −1. */
function firstObjectAt(f: ChunkFile, format: PartsFormat): number {
  const c = new HeadCursor(readAt(f, 0, Math.min(f.size, 4096)));
  if (format === 'jsonl') return c.next() === 123 ? c.at : -1;
  if (c.word('[')) return c.next() === 123 ? c.at : -1;
  // {"key": {…}: a column, a row, or a table's schema.
  return c.word('{') && c.key() >= 0 && c.next() === 123 ? c.at : -1;
}

/**
 * The keys (`":`) in the 4 KB from `at`: as many as a DataFrame's (a key a value, or a table's
 * schema before its records), or records of a few numbers each, whose nodes weigh as much.
 */
function keysAt(f: ChunkFile, at: number): number {
  const window = readAt(f, at, Math.min(f.size - at, 4096));
  let keys = 0;
  for (let i = 1; i < window.length; i++) if (window[i] === 58 && window[i - 1] === 34) keys++;
  return keys;
}

/** Where the streamed reader, on one part, refused the file; null when no plan took it, or it did not refuse. */
function streamStop(f: ChunkFile, format: PartsFormat, readSibling?: ReadSibling): number | null {
  const classNames = (k: number) => cleanSiblingClassNames(k, siblingReader({ readSibling }));
  const plan = planJsonFile('', f, () => 1, recordsLayout(f, format), { probabilities: true, classNames });
  if (!plan) return null;
  const result = summarizePart(plan.jobs[0], () => ({ ...f, close: () => {} }));
  return result.refusedAt ?? null;
}

/** The first byte at or after `at` that is not white space or a separator (',' '[' ':'): the record's or column's own. */
function objectAfter(f: ChunkFile, at: number): number {
  const window = readAt(f, at, Math.min(f.size - at, 4096));
  let i = 0;
  while (i < window.length && (isSpace(window[i]) || window[i] === 44 || window[i] === 91)) i++;
  return at + i;
}
