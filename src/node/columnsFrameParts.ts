/**
 * The plan of a DataFrame in pandas' default JSON orient (`df.to_json()`, one object a column:
 * src/core/columnsFrameStream.ts): one part, the whole file. A column object holds no '}' but its
 * last byte (or the stream refuses the file), so one pass over the file finds every '}', and the
 * name after each gives the next column: K and the columns' roles before a value is read, by the
 * rule the full reader names them by (recordColumns.ts).
 */
import { indexOfByte } from '../core/byteSearch';
import { frameIndexOf, type ColumnsFramePart } from '../core/columnsFrameStream';
import { HeadCursor } from '../core/headCursor';
import { plainKeyEnd } from '../core/recordStream';
import { recordColumns } from '../core/recordColumns';
import { isTensorKey } from '../core/tensorKeys';
import { READ_CHUNK_BYTES, readAt, type ChunkFile } from './chunkFile';
import type { PartPlan } from './summaryParts';

/** More columns than this: not a frame of logits the stream reads (the names scan keeps one offset a column). */
const MAX_COLUMNS = 1 << 20;
/** The longest column name looked for after a '}'. */
const NAME_WINDOW = 512;

/**
 * The plan of a file that is a DataFrame in the columns orient, every column keyed by the first's
 * index (pandas' "0"…"N−1", or names), its columns logit_0… (or prob_0…, when `probabilities`)
 * and a label, other columns of plain values; null for anything else. Labels in quotes are class
 * names, numbered by `classNames(K)` (null when it gives none).
 */
export function planColumnsFrame(
  path: string,
  f: ChunkFile,
  {
    probabilities: takeProbabilities = false,
    classNames,
  }: { probabilities?: boolean; classNames?: (k: number) => readonly string[] | null } = {},
): PartPlan | null {
  const head = new HeadCursor(readAt(f, 0, Math.min(f.size, NAME_WINDOW)));
  const first = head.word('{') ? columnAfter(head.b, head.at, false) : null;
  if (!first) return null;
  const braces = bracesOf(f);
  if (!braces || braces.length < 3) return null;
  // Column c's object: from the '{' after its name to braces[c]; the last '}' closes the frame.
  const names = [first.name];
  const opens = [first.objectAt];
  for (let c = 0; c + 2 < braces.length; c++) {
    const next = columnAfter(readAt(f, braces[c] + 1, NAME_WINDOW), 0, true);
    if (!next) return null;
    names.push(next.name);
    opens.push(braces[c] + 1 + next.objectAt);
  }
  const columns = recordColumns(names);
  // A name the full reader takes for another orient's ("columns", "data", "schema") or a tensor's key.
  if (!columns || names.some((name) => name === 'columns' || name === 'data' || name === 'schema' || isTensorKey(name))) return null;
  if ((columns.probabilities && !takeProbabilities) || opens.some((open, c) => open > braces[c])) return null;
  const firstColumn = readAt(f, opens[0], braces[0] - opens[0] + 1);
  const index = frameIndexOf(firstColumn, 0, firstColumn.length - 1);
  if (!index) return null;
  const n = index.ends.length;
  const labelColumn = names.indexOf(columns.labelKey);
  const labelHead = readAt(f, opens[labelColumn], Math.min(NAME_WINDOW, braces[labelColumn] - opens[labelColumn]));
  const namedLabels = /^\{\s*"(?:[^"\\]|\\.)*"\s*:\s*"/.test(Buffer.from(labelHead).toString('latin1'));
  const k = columns.k;
  const labelNames = namedLabels ? classNames?.(k) : undefined;
  if (namedLabels && !labelNames) return null;
  const marks: Pick<PartPlan, 'input' | 'labelNames'> = {
    ...(columns.probabilities && { input: 'probabilities' }),
    ...(labelNames && { labelNames }),
  };
  const part: Omit<ColumnsFramePart, 'target' | 'probabilities' | 'labelNames'> = { names, places: columns.places, index, n, k };
  return {
    k,
    n,
    rowsStart: 0,
    jobs: [{ path, start: 0, end: f.size, k, final: true, columnsFrame: part, ...marks }],
    rows: [n],
    firstRows: [0],
    tail: null,
    columnsFrame: { labelKey: columns.labelKey },
    ...marks,
  };
}

/**
 * The column named at b[p] (after `,` when `comma`): `"name"`, ':' and the '{' of its object,
 * white space between; its name (printable ASCII, no escapes) and the offset of its '{'; else null.
 */
function columnAfter(b: Uint8Array, p: number, comma: boolean): { name: string; objectAt: number } | null {
  const c = new HeadCursor(b, p);
  if (comma && !c.word(',')) return null;
  const end = c.next() === 34 ? plainKeyEnd(b, c.at, b.length) : -1;
  if (end < 0) return null;
  const name = Buffer.from(b.subarray(c.at + 1, end - 1)).toString('latin1');
  c.at = end;
  return c.word(':') && c.next() === 123 ? { name, objectAt: c.at } : null;
}

/** The file offset of every '}' in the file, in order; null past MAX_COLUMNS. */
function bracesOf(f: ChunkFile): number[] | null {
  const out: number[] = [];
  for (let position = 0; position < f.size; position += READ_CHUNK_BYTES) {
    const b = readAt(f, position, Math.min(READ_CHUNK_BYTES, f.size - position));
    for (let q = indexOfByte(b, 125, 0); q >= 0; q = indexOfByte(b, 125, q + 1)) {
      if (out.length === MAX_COLUMNS) return null;
      out.push(position + q);
    }
  }
  return out;
}
