/**
 * Reads a decimal number straight from UTF-8 bytes. The hot path of both parsers: digits are
 * accumulated into an exact integer mantissa and, when it is below 2^53 and the decimal exponent
 * is small, scaled by one exact power of ten (Clinger's fast path: correctly rounded). Longer
 * mantissas (float32 data printed with 17 digits, %.18e's 19) are rounded correctly by exact
 * arithmetic on doubles (longDecimal). Anything else goes through the engine's own correctly
 * rounded parseFloat.
 */
import { clip, describeCharAt } from './charNames';

const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

export interface NumberScan {
  /** Parsed value; NaN when `error` is set. */
  value: number;
  /** Offset just past the number. */
  end: number;
  /** Why the bytes are not a JSON number, if they are not. */
  error: string | null;
}

const latin1 = new TextDecoder('latin1');

/** m·10 + 9 stays below 2^53, so m takes another digit exactly, while m < ROOM_1. */
const ROOM_1 = 900719925474099;
const TWO_53 = 9007199254740992;

/**
 * Scans a JSON-grammar number starting at `start`. Writes into `out` to avoid allocating.
 *
 * The significant digits are kept exactly as w = m·10^k + low: m takes digits while it stays
 * below 2^53, low up to k = 8 more (a run of eight that m has no room for is split four and four
 * when m can take four), so at least 19 significant digits are always kept; a number with more
 * than fit goes to parseFloat. Fraction digits are read eight bytes at a time (two 4-byte words
 * checked and combined in a few integer steps, the digits before the first non-digit taken at
 * once), so a 17-digit number costs a few steps instead of seventeen rounds of a per-digit loop.
 */
export function scanNumber(b: Uint8Array, start: number, out: NumberScan): void {
  const n = b.length;
  // 1 after a '-', else 0, without a branch: signs are as random as the data.
  const minus = ((b[start] ^ 45) - 1) >>> 31;
  const negative = minus === 1;
  let i = start + minus;
  let m = 0; // the leading significant digits, exactly (below 2^53)
  let low = 0; // the lowDigits digits after m's, exactly
  let lowDigits = 0;
  let over = false; // more digits than m and low hold: parseFloat decides
  let exponent = 0; // decimal exponent of the last digit kept
  let c = b[i];
  if (!(c >= 48 && c <= 57)) return fail(out, i, expectedDigit(b, i, negative ? "after '-'" : ''));
  // The integer part, a leading '0' included: whether it starts with one is not tested apart.
  const intStart = i;
  while (i < n && (c = b[i]) >= 48 && c <= 57) {
    if (lowDigits === 0 && m < ROOM_1) m = m * 10 + (c - 48);
    else if (lowDigits < 8) {
      low = low * 10 + (c - 48);
      lowDigits++;
    } else over = true;
    i++;
  }
  // A '0' followed by more digits (one branch, and it is not taken for numbers).
  if ((((b[intStart] ^ 48) - 1) >>> 31) * (i - intStart) > 1) return fail(out, intStart + 1, 'a number cannot have a leading zero');
  if (c === 46 /* . */) {
    i++;
    c = b[i];
    if (!(c >= 48 && c <= 57)) return fail(out, i, expectedDigit(b, i, 'after the decimal point'));
    // Up to eight digits a step, from two little-endian words x (digits 1–4) and y (5–8).
    if (i + 8 <= n) {
      const view = b === viewBytes ? viewOfBytes! : viewOf(b);
      for (;;) {
        const x = view.getUint32(i, true);
        const y = view.getUint32(i + 4, true);
        // A byte is a digit (0x30–0x39) when its high nibble is 3 and still is after adding 6; the
        // first non-digit is the lowest nonzero byte of tx or ty (carries only run upwards from it).
        const tx = ((x & 0xf0f0f0f0) | (((x + 0x06060606) & 0xf0f0f0f0) >>> 4)) ^ 0x33333333;
        const ty = ((y & 0xf0f0f0f0) | (((y + 0x06060606) & 0xf0f0f0f0) >>> 4)) ^ 0x33333333;
        // kx, ky: the digits before the first non-digit of each word (4 when all are digits);
        // y's count only when all of x's bytes are digits.
        const kx = (32 - Math.clz32(~tx & (tx - 1))) >>> 3;
        const jy = ((32 - Math.clz32(~ty & (ty - 1))) >>> 3) & ~((tx | -tx) >> 31);
        const k = kx + jy; // digits taken
        const vx = leadingDigits(x, kx);
        const v = vx * POW10[jy] + leadingDigits(y, jy); // their value
        if (lowDigits === 0) {
          const t = m * POW10[k] + v; // exact when below 2^53
          if (t < TWO_53) m = t;
          else if (k === 8 && m * 10000 + vx < TWO_53) {
            // m has room for four of the eight digits: low takes the other four.
            m = m * 10000 + vx;
            low = leadingDigits(y, 4);
            lowDigits = 4;
          } else {
            low = v;
            lowDigits = k;
          }
        } else if (lowDigits + k <= 8) {
          low = low * POW10[k] + v;
          lowDigits += k;
        } else over = true;
        exponent -= k;
        i += k;
        c = b[i];
        if (k < 8 || !(c >= 48 && c <= 57) || i + 8 > n) break;
      }
    }
    // The last few digits of a buffer, byte by byte.
    while (i < n && (c = b[i]) >= 48 && c <= 57) {
      if (lowDigits === 0 && m < ROOM_1) {
        m = m * 10 + (c - 48);
        exponent--;
      } else if (lowDigits < 8) {
        low = low * 10 + (c - 48);
        lowDigits++;
        exponent--;
      } else over = true;
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
  if (!over && exponent >= -22 && exponent <= 22) {
    let w = m;
    if (lowDigits !== 0) {
      // w = m·10^k + low as s + e exactly: m = mH + mL (Veltkamp: 26 bits each), so A = mH·10^k
      // (26 bits times 5^k < 2^19, then a power of two) and B = mL·10^k + low (< 2^53) are
      // exact, and A ≥ |B| (m ≥ 2^26 whenever low has digits), so Fast2Sum's s + e is w.
      const scale = POW10[lowDigits];
      const x = SPLIT * m;
      const mH = x - (x - m);
      const A = mH * scale;
      const B = (m - mH) * scale + low;
      const s = A + B;
      if (s >= TWO_53) {
        const value = exponent < 0 ? longDecimal(s, B - (s - A), -exponent) : NaN;
        if (value === value) {
          out.value = value * (1 - 2 * minus); // ±1: exact, and −0 for −0
          return;
        }
        w = NaN;
      } else w = s; // below 2^53, s is w exactly
    }
    if (w === w) {
      // Clinger's fast path: an exact integer of at most 2^53 times or over an exact power of
      // ten is one correctly rounded operation.
      const value = exponent >= 0 ? w * POW10[exponent] : w / POW10[-exponent];
      out.value = value * (1 - 2 * minus);
      return;
    }
  }
  // The text includes the sign, so parseFloat's result is already signed.
  out.value = parseFloat(latin1.decode(b.subarray(start, i)));
  if (!Number.isFinite(out.value)) {
    out.error = `${clip(latin1.decode(b.subarray(start, i)))} is too large for a 64-bit float (the largest is about 1.8e308); rescale the values`;
    out.value = NaN;
  }
}

/**
 * The DataView scanNumber reads `b` through: one for all the numbers of a file. It is kept only
 * until the current task ends (a microtask forgets it), so it never holds on to a file's bytes.
 */
let viewBytes: Uint8Array | null = null;
let viewOfBytes: DataView | null = null;
function viewOf(b: Uint8Array): DataView {
  if (viewBytes === null) {
    queueMicrotask(() => {
      viewBytes = null;
      viewOfBytes = null;
    });
  }
  // To the end of the buffer: reads are bounded by b.length anyway, and the view follows b when
  // b tracks a resizable buffer.
  viewOfBytes = new DataView(b.buffer, b.byteOffset);
  viewBytes = b;
  return viewOfBytes;
}

/** The value of four digits 0–9 packed little-endian in v (the first digit in the low byte). */
function fourDigits(v: number): number {
  v = (Math.imul(v, 10) + (v >>> 8)) & 0x00ff00ff; // bytes 0 and 2: two-digit pairs
  return (Math.imul(v, 100) + (v >>> 16)) & 0xffff;
}

/** The value of the first j (0–4) of the ASCII digits packed little-endian in x. */
function leadingDigits(x: number, j: number): number {
  // Shifted up by 32 − 8j bits (in two steps: a shift counts mod 32), the j digits become the
  // last of four, after zeros; the other bytes fall out.
  const h = 16 - 4 * j;
  return fourDigits(((x - 0x30303030) << h) << h);
}

const SPLIT = 134217729; // 2^27 + 1, Veltkamp's splitter

/**
 * 1/10^k as a double-double, R_HI[k] + R_LO[k] (within ~2^-105 relatively), for k = 1…22, with
 * R_HI[k] split by Veltkamp into R_HI_H[k] + R_HI_L[k] (26 bits each) for Dekker's product.
 * R_LO is (1 − R_HI·10^k) / 10^k, the parenthesis exact (Dekker's product, then Sterbenz).
 */
const R_HI = new Float64Array(23);
const R_LO = new Float64Array(23);
const R_HI_H = new Float64Array(23);
const R_HI_L = new Float64Array(23);
for (let k = 1; k <= 22; k++) {
  const d = POW10[k];
  const r = 1 / d;
  let x = SPLIT * r;
  const rH = x - (x - r);
  const rL = r - rH;
  x = SPLIT * d;
  const dH = x - (x - d);
  const dL = d - dH;
  const p = r * d;
  const pErr = rH * dH - p + rH * dL + rL * dH + rL * dL; // r·d = p + pErr exactly
  R_HI[k] = r;
  R_LO[k] = (1 - p - pErr) / d;
  R_HI_H[k] = rH;
  R_HI_L[k] = rL;
}
/** 1 + 2^-40: how far from a tie longDecimal's answer must be to be trusted. */
const ZIV = 1 + 2 ** -40;

/**
 * The double nearest to w / 10^scale, where w = s + e exactly, s = fl(w) ≥ 2^53 (so |e| ≤ half
 * an ulp of s) and 1 ≤ scale ≤ 22; NaN when w / 10^scale lies within 2^-40 (relatively) of
 * halfway between two doubles, for the caller to ask parseFloat.
 *
 * t = w / 10^scale = (s + e)·(R_HI + R_LO) is formed as a double-double h + l without dividing:
 * s·R_HI = h0 + e0 exactly (Dekker's product), l0 = e0 + s·R_LO + e·R_HI, and (h, l) = Fast2Sum
 * (h0, l0). Its error is below 2^-102·t: the three small products and two sums each round by at
 * most 2^-53 of a term of at most 3·2^-53·t, and R_HI + R_LO is within ~2^-105 of 1/10^scale.
 * Since |l| ≤ half the spacing of the doubles at h, h is t correctly rounded when l, enlarged by
 * 2^-40 (far more than the error), still rounds away in h + l·ZIV: then |t − h| ≤ |l| + 2^-102·t
 * is below half the spacing on t's side of h.
 */
function longDecimal(s: number, e: number, scale: number): number {
  const rHi = R_HI[scale];
  const h0 = s * rHi;
  const x = SPLIT * s;
  const sH = x - (x - s);
  const sL = s - sH;
  const rH = R_HI_H[scale];
  const rL = R_HI_L[scale];
  const e0 = sH * rH - h0 + sH * rL + sL * rH + sL * rL;
  const l0 = e0 + s * R_LO[scale] + e * rHi;
  const h = h0 + l0;
  const l = l0 - (h - h0);
  return h + l * ZIV === h ? h : NaN;
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
