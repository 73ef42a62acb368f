/**
 * The columns of a DataFrame written as records (`df.to_json(orient="records")`, `lines=True` too):
 * `{"logit_0": 1.2, …, "logit_{K−1}": 0.3, "label": 3}`, one record a sample, each key a column.
 * The full reader names them as a CSV's header is named (columnNames.ts, jsonDataFrame.ts); the
 * records stream (recordStream.ts) takes a file of them when every record has the first one's keys
 * in its order, as pandas writes them.
 */
import { columnRoles, namesAnyColumn } from './columnNames';
import { isRecordTensorKey, RUN_MANIFEST_KEY } from './jsonRecords';
import { isTensorKey } from './tensorKeys';

/** A key's place in a row: the logit (or probability) column j ≥ 0, or one of these. */
export const LABEL_COLUMN = -1;
export const PASSED_COLUMN = -2;

export interface RecordColumns {
  /** The first record's keys, in order, as written (printable ASCII, no escapes). */
  keys: string[];
  /** Each key's place: column j of the row, LABEL_COLUMN, or PASSED_COLUMN (an id: a name no role reads). */
  places: number[];
  /** The label's key ("label" or "labels"): messages name its column `column "label"`. */
  labelKey: string;
  probabilities: boolean;
  k: number;
}

/**
 * The columns of a record whose keys are `keys`, when the full reader reads them as a DataFrame's
 * without a word: logit_0… (or prob_0…) and a label, other keys named for no role and guessed
 * for none; else null (the full reader reads the file, and says what it says).
 */
export function recordColumns(keys: string[]): RecordColumns | null {
  let picks;
  try {
    const roles = columnRoles(keys, () => ({ start: 0, end: 0 }), 'record 0');
    if (roles.nearMisses.length > 0) return null;
    picks = roles.picks;
  } catch {
    return null; // a key twice, a gap in logit_0…: the full reader's message
  }
  const row = picks.find((p) => p.role === 'logits' || p.role === 'probabilities');
  const label = picks.find((p) => p.role === 'labels');
  if (picks.length !== 2 || !row || !label || row.vector || row.cols.length < 2) return null;
  const places = keys.map(() => PASSED_COLUMN);
  row.cols.forEach((c, j) => (places[c] = j));
  places[label.cols[0]] = LABEL_COLUMN;
  // A key a record's tensors are read from (the object layout's "logits", …) makes the file jsonRecords'.
  if (keys.some((key, c) => places[c] === PASSED_COLUMN && (isRecordTensorKey(key) || key === RUN_MANIFEST_KEY))) return null;
  return { keys, places, labelKey: keys[label.cols[0]], probabilities: row.role === 'probabilities', k: row.cols.length };
}

/**
 * Whether `key` may key a row in pandas' index orient as the full reader reads it: it names no
 * column and no tensor (the full reader reads a frame by column when any key names one, and an
 * object with a tensor's key as tensors).
 */
export function isRowKey(key: string): boolean {
  return !namesAnyColumn([key]) && !isTensorKey(key);
}
