/**
 * A JSON file's `"classes": ["name", …]` entry beside its logits and labels, found by the
 * streaming readers (summaryStream.ts, summaryParts.ts) without a JSON tree, read forwards from
 * its key or backwards from its ']'. The names are the full reader's (rolesFromJson): its bytes
 * must be UTF-8 and parse as a JSON array of strings, else the entry is refused and the full
 * reader runs, with its own message.
 */

export interface ClassesEntry {
  names: string[];
  /** File offset of the `"classes"` key. */
  keyAt: number;
  /** File offsets of the array's '[' and just past its ']'. */
  start: number;
  end: number;
}

const KEY = '"classes"';

/** JSON's white space: space, line feed, carriage return, tab. */
export function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Whether b[p, p + 9) is the key `"classes"`. */
export function isClassesKey(b: Uint8Array, p: number): boolean {
  if (p < 0 || p + KEY.length > b.length) return false;
  for (let j = 0; j < KEY.length; j++) if (b[p + j] !== KEY.charCodeAt(j)) return false;
  return true;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The names of the array b[open, end) ('[' … ']'), which the caller found to hold one or more
 * strings and nothing else; null when their text is not valid. JSON.parse reads every escape as
 * the full reader's string parser does (it hands escaped strings to JSON.parse); both refuse bad
 * escapes, control characters and bytes that are not UTF-8.
 */
export function namesIn(b: Uint8Array, open: number, end: number): string[] | null {
  try {
    return JSON.parse(utf8.decode(b.subarray(open, end))) as string[];
  } catch {
    return null;
  }
}

/**
 * The entry whose `"classes"` key is at b[p] (b starts at file offset `base`), and the index just
 * past its ']'; 'more' when b ends before that; null when it is not a key, ':' and an array of
 * strings.
 */
export function classesForward(b: Uint8Array, p: number, base: number): { entry: ClassesEntry; next: number } | 'more' | null {
  if (p + KEY.length > b.length) return 'more';
  if (!isClassesKey(b, p)) return null;
  const keyAt = p;
  let i = p + KEY.length;
  const ws = () => {
    while (i < b.length && isSpace(b[i])) i++;
    return i < b.length;
  };
  if (!ws()) return 'more';
  if (b[i++] !== 58) return null;
  if (!ws()) return 'more';
  const open = i;
  if (b[i++] !== 91) return null;
  for (;;) {
    if (!ws()) return 'more';
    if (b[i++] !== 34) return null;
    // To the string's closing quote: an escape takes the byte after its backslash.
    for (;;) {
      if (i >= b.length) return 'more';
      const c = b[i++];
      if (c === 34) break;
      if (c === 92) i++;
    }
    if (!ws()) return 'more';
    const c = b[i++];
    if (c === 93) break;
    if (c !== 44) return null;
  }
  const names = namesIn(b, open, i);
  return names && { entry: { names, keyAt: base + keyAt, start: base + open, end: base + i }, next: i };
}

/**
 * The entry that b[close] ends when it is the ']' of an array of strings (a quote before it, past
 * white space): classesBackward's answer; 'none' when b[close] ends no such array.
 */
export function classesEndingAt(b: Uint8Array, close: number, base: number): ReturnType<typeof classesBackward> | 'none' {
  let j = close - 1;
  while (j >= 0 && isSpace(b[j])) j--;
  if (b[close] !== 93 || (j >= 0 && b[j] !== 34)) return 'none';
  return j < 0 ? 'more' : classesBackward(b, close, base);
}

/**
 * The entry whose array ends at b[close] (its ']'), read backwards (b starts at file offset
 * `base`), and the index of the last byte before its key; 'more' when b starts before the key
 * does; 'other' when it is an array of strings after another key (a quote before the ':'); null
 * when it is not a key, ':' and an array of strings. A quote is a string's end or start when an
 * even number of backslashes comes before it.
 */
export function classesBackward(
  b: Uint8Array,
  close: number,
  base: number,
): { entry: ClassesEntry; before: number } | 'more' | 'other' | null {
  const strings = stringsBackward(b, close);
  if (strings === 'more' || strings === null) return strings;
  let i = strings.open - 1;
  const back = () => {
    while (i >= 0 && isSpace(b[i])) i--;
    return i >= 0;
  };
  const open = i + 1;
  if (!back()) return 'more';
  if (b[i--] !== 58) return null;
  if (!back()) return 'more';
  const keyAt = i - KEY.length + 1;
  if (keyAt < 0) return 'more';
  if (!isClassesKey(b, keyAt)) return b[i] === 34 ? 'other' : null;
  const names = namesIn(b, open, close + 1);
  return names && { entry: { names, keyAt: base + keyAt, start: base + open, end: base + close + 1 }, before: keyAt - 1 };
}

/**
 * The array of strings whose ']' is b[close], read backwards: the index of its '[' and each
 * string's [start, end) in b (its quotes included), in order; 'more' when b starts before the
 * '['; null when it is not an array of one or more strings. A quote is a string's end or start
 * when an even number of backslashes comes before it.
 */
export function stringsBackward(b: Uint8Array, close: number): { open: number; spans: number[] } | 'more' | null {
  let i = close - 1;
  const back = () => {
    while (i >= 0 && isSpace(b[i])) i--;
    return i >= 0;
  };
  const spans: number[] = [];
  for (;;) {
    if (!back()) return 'more';
    const end = i + 1;
    if (b[i--] !== 34) return null;
    for (;;) {
      if (i < 0) return 'more';
      if (b[i] === 34) {
        let slashes = 0;
        while (i - 1 - slashes >= 0 && b[i - 1 - slashes] === 92) slashes++;
        if (i - 1 - slashes < 0 && slashes > 0) return 'more';
        if (slashes % 2 === 0) break;
      }
      i--;
    }
    spans.push(end, i);
    i--;
    if (!back()) return 'more';
    const c = b[i--];
    if (c === 91) break;
    if (c !== 44) return null;
  }
  return { open: i + 1, spans: spans.reverse() };
}
