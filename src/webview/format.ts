/** Number formatting for labels, tooltips and exported tables. */
import { formatNumber, formatSigned } from '../shared/numberFormat';

export { formatToFit } from '../shared/numberFormat';

/** Four significant digits with a typographic minus, for labels and ticks (src/shared/numberFormat.ts). */
export function fmt(v: number): string {
  return formatNumber(v, 4);
}

/** Like fmt but always with a sign, so the sign is readable without colour. */
export function fmtSigned(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+∞' : '\u2212∞';
  return formatSigned(v, 4);
}

/**
 * A value in a tooltip: six significant digits in the same format as every label. The exact double
 * stays in the tooltip's data-value and in every copy (Ctrl+C, Copy as CSV / JSON).
 */
export function precise(v: number): string {
  return formatNumber(v, 6);
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
