/** Names the character at a byte offset of UTF-8 text for a message, with advice for the usual copy-paste culprits. */

const LOOKALIKE_MINUS: Record<number, string> = {
  0x2010: 'HYPHEN',
  0x2011: 'NON-BREAKING HYPHEN',
  0x2012: 'FIGURE DASH',
  0x2013: 'EN DASH',
  0x2014: 'EM DASH',
  0x2212: 'MINUS SIGN',
  0xfe63: 'SMALL HYPHEN-MINUS',
  0xff0d: 'FULLWIDTH HYPHEN-MINUS',
};

// ignoreBOM: a U+FEFF inside the text is a character (ZERO WIDTH NO-BREAK SPACE), valid UTF-8, not a BOM to drop.
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

/** The code point at `i`, or -1 when the bytes there are not valid UTF-8 (or there are none). */
function codePointAt(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c === undefined) return -1;
  if (c < 0x80) return c;
  const len = charLengthAt(b, i);
  if (len === 1 || i + len > b.length) return -1;
  const text = utf8.decode(b.subarray(i, i + len));
  const cp = text.codePointAt(0) ?? -1;
  // U+FFFD from the decoder means invalid bytes, unless the file really holds EF BF BD.
  if (cp === 0xfffd && !(c === 0xef && b[i + 1] === 0xbf && b[i + 2] === 0xbd)) return -1;
  return text.length === (cp > 0xffff ? 2 : 1) ? cp : -1;
}

/** Offset of the first byte in [start, end) that is not part of valid UTF-8, or -1. */
export function firstInvalidUtf8(b: Uint8Array, start: number, end: number): number {
  for (let i = start; i < end;) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    const len = charLengthAt(b, i);
    if (i + len > end || codePointAt(b, i) < 0) return i;
    i += len;
  }
  return -1;
}

/** A readable name for the (possibly multi-byte) character at `i`, without advice. */
export function charNameAt(b: Uint8Array, i: number): string {
  const c = b[i];
  if (c === undefined) return 'the end of the file';
  if (c < 0x80) {
    if (c === 10 || c === 13) return 'the end of the line';
    if (c < 0x20 || c === 0x7f) return `a control character (0x${c.toString(16).padStart(2, '0')})`;
    return c === 39 ? `"'"` : `'${String.fromCharCode(c)}'`;
  }
  const cp = codePointAt(b, i);
  if (cp < 0) return `the byte 0x${c.toString(16)}, which is not UTF-8 text`;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  const name =
    LOOKALIKE_MINUS[cp] ??
    (cp === 0xa0 ? 'NO-BREAK SPACE' : cp === 0xfeff ? 'BYTE ORDER MARK' : cp === 0x201c || cp === 0x201d ? 'CURLY QUOTE' : '');
  return `'${String.fromCodePoint(cp)}' (${hex}${name ? ' ' + name : ''})`;
}

/** Advice for the characters that sneak into numeric files by copy and paste, or ''. */
export function charHintAt(b: Uint8Array, i: number): string {
  const c = b[i];
  if (c === undefined || c < 0x80) return '';
  const cp = codePointAt(b, i);
  if (cp < 0) return '; save the file as UTF-8 text (or is it a binary file?)';
  if (LOOKALIKE_MINUS[cp]) return "; use the ASCII hyphen-minus '-'";
  if (cp === 0xa0) return '; use an ordinary space';
  if (cp === 0x201c || cp === 0x201d) return '; use straight double quotes (")';
  return '';
}

/** A readable name for the (possibly multi-byte) character at `i`, with advice where there is some. */
export function describeCharAt(b: Uint8Array, i: number): string {
  return charNameAt(b, i) + charHintAt(b, i);
}

/** Byte length of the UTF-8 character at `i` (1 for ASCII or invalid lead bytes). */
export function charLengthAt(b: Uint8Array, i: number): number {
  const c = b[i];
  return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/** Shortens text quoted in a message. */
export function clip(text: string, max = 40): string {
  return text.length > max ? text.slice(0, max) + '…' : text;
}
