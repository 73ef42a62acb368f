/**
 * Reads a decimal number straight from UTF-8 bytes. The hot path of both parsers: digits are
 * accumulated into an exact integer mantissa and, when it has at most 15 digits and the decimal
 * exponent is small, scaled by one exact power of ten (Clinger's fast path: correctly rounded).
 * Anything longer goes through the engine's own correctly rounded parseFloat.
 */
const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

export interface NumberScan {
  /** Parsed value; NaN when `error` is set. */
  value: number;
  /** Offset just past the number. */
  end: number;
  /** Why the bytes are not a JSON number, if they are not. */
  error: string | null;
}

const latin1 = new TextDecoder('latin1');

/** Scans a JSON-grammar number starting at `start`. Writes into `out` to avoid allocating. */
export function scanNumber(b: Uint8Array, start: number, out: NumberScan): void {
  let i = start;
  const n = b.length;
  let negative = false;
  if (b[i] === 45 /* - */) {
    negative = true;
    i++;
  }
  let mantissa = 0;
  let digits = 0; // significant digits accumulated in mantissa
  let exponent = 0; // decimal exponent to apply to mantissa
  let c = b[i];
  if (c === 48 /* 0 */) {
    i++;
    c = b[i];
    if (c >= 48 && c <= 57) return fail(out, i, 'a number cannot have a leading zero');
  } else if (c >= 49 && c <= 57) {
    while (i < n && (c = b[i]) >= 48 && c <= 57) {
      if (digits < 19) {
        mantissa = mantissa * 10 + (c - 48);
        if (mantissa !== 0) digits++;
      } else exponent++;
      i++;
    }
  } else {
    return fail(out, i, expectedDigit(b, i));
  }
  if (c === 46 /* . */) {
    i++;
    c = b[i];
    if (!(c >= 48 && c <= 57)) return fail(out, i, expectedDigit(b, i, 'after the decimal point'));
    while (i < n && (c = b[i]) >= 48 && c <= 57) {
      if (digits < 19) {
        mantissa = mantissa * 10 + (c - 48);
        if (mantissa !== 0) digits++;
        exponent--;
      }
      i++;
    }
  }
  if (c === 101 || c === 69 /* e E */) {
    i++;
    c = b[i];
    let expNegative = false;
    if (c === 43 || c === 45) {
      expNegative = c === 45;
      i++;
      c = b[i];
    }
    if (!(c >= 48 && c <= 57)) return fail(out, i, expectedDigit(b, i, 'in the exponent'));
    let e = 0;
    while (i < n && (c = b[i]) >= 48 && c <= 57) {
      if (e < 100000) e = e * 10 + (c - 48);
      i++;
    }
    exponent += expNegative ? -e : e;
  }
  out.end = i;
  out.error = null;
  let value: number;
  if (digits <= 15 && exponent >= -22 && exponent <= 22) {
    value = exponent >= 0 ? mantissa * POW10[exponent] : mantissa / POW10[-exponent];
  } else {
    value = parseFloat(latin1.decode(b.subarray(start, i)));
  }
  out.value = negative ? -value : value;
  if (!Number.isFinite(out.value)) {
    out.error = `${latin1.decode(b.subarray(start, i))} is too large for a 64-bit float (the limit is about 1.8e308)`;
    out.value = NaN;
  }
}

function fail(out: NumberScan, at: number, message: string): void {
  out.end = at;
  out.value = NaN;
  out.error = message;
}

/** Names the character that stopped a number, with a hint for the usual copy-paste culprits. */
function expectedDigit(b: Uint8Array, i: number, where = ''): string {
  const suffix = where ? ` ${where}` : '';
  if (i >= b.length) return `the file ends where a digit was expected${suffix}`;
  return `expected a digit${suffix}, found ${describeCharAt(b, i)}`;
}

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

/** A readable name for the (possibly multi-byte) character at `i`. */
export function describeCharAt(b: Uint8Array, i: number): string {
  const c = b[i];
  if (c === undefined) return 'the end of the file';
  if (c < 0x80) {
    if (c === 10 || c === 13) return 'the end of the line';
    if (c < 0x20 || c === 0x7f) return `a control character (0x${c.toString(16).padStart(2, '0')})`;
    return `'${String.fromCharCode(c)}'`;
  }
  const len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
  const text = new TextDecoder('utf-8').decode(b.subarray(i, i + len));
  const cp = text.codePointAt(0) ?? 0xfffd;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  if (cp === 0xfffd) return `a byte that is not UTF-8 text (0x${c.toString(16)}); is this a binary file?`;
  const name = LOOKALIKE_MINUS[cp];
  if (name) return `'${text}' (${hex} ${name}); use the ASCII hyphen-minus '-'`;
  return `'${text}' (${hex})`;
}

/** Byte length of the UTF-8 character at `i` (1 for ASCII or invalid lead bytes). */
export function charLengthAt(b: Uint8Array, i: number): number {
  const c = b[i];
  return c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}
