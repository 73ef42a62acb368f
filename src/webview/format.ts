/** Number formatting for labels, tooltips and exported tables. */
import { format } from 'd3-format';

const MINUS = '\u2212';
const short = format('.4~g');
const signedShort = format('+.4~g');

/** Four significant digits with a typographic minus, for labels and ticks. */
export function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : `${MINUS}∞`;
  if (v === 0) return '0';
  return short(v).replace('-', MINUS);
}

/** Like fmt but always with a sign, so the sign is readable without colour. */
export function fmtSigned(v: number): string {
  if (v === 0 || Number.isNaN(v)) return fmt(v);
  if (!Number.isFinite(v)) return v > 0 ? '+∞' : `${MINUS}∞`;
  return signedShort(v).replace('-', MINUS);
}

/** The shortest text that reads back as exactly this double (for tooltips, CSV, JSON). */
export function exact(v: number): string {
  return String(v);
}

/** Subscript digits for formulas like p₃(δ₃₅ − p₅). */
export function sub(n: number): string {
  return String(n).replace(/\d/g, (d) => String.fromCharCode(0x2080 + Number(d)));
}

/**
 * An integer with thousands separators, as toLocaleString('en-US') writes it (12,345) but without
 * Intl: a webview's first Intl call sets up ICU data, some 25 ms of the panel's first render.
 * Anything but a safe integer (never a count) still goes through toLocaleString.
 */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

export function plural(n: number, word: string, words = `${word}s`): string {
  return `${grouped(n)} ${n === 1 ? word : words}`;
}
