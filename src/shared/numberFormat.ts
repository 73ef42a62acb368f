/**
 * The one number format of the panel, the hover and the CodeLens: significant digits, a typographic
 * minus (also in the exponent), plain notation between 10⁻³ and 10⁵ and `2.5e−10` outside it,
 * trailing zeros dropped. Pure: imported by the webview and the extension host alike.
 */
export const MINUS = '\u2212';

/** `v` to `digits` significant digits, e.g. 0.04167, −1269, −2.5e−10, 3.2e5. */
export function formatNumber(v: number, digits = 4): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '∞' : `${MINUS}∞`;
  if (v === 0) return '0';
  const rounded = Number(v.toPrecision(digits));
  const a = Math.abs(rounded);
  let s: string;
  if (a >= 1e-3 && a < 1e5) s = String(rounded);
  else {
    const [mantissa, exponent] = v.toExponential(digits - 1).split('e');
    s = `${mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa}e${exponent.replace('+', '')}`;
  }
  return s.replace(/-/g, MINUS);
}

/** Like formatNumber, with a sign on positive numbers too, so the sign reads without colour. */
export function formatSigned(v: number, digits = 4): string {
  const s = formatNumber(v, digits);
  return v > 0 ? `+${s}` : s;
}

/**
 * The most precise form of `v` (4, 3, then 2 significant digits) that fits in `maxChars`
 * characters, or null when not even two digits fit: a cell then shows no label (its tooltip has
 * the value).
 */
export function formatToFit(v: number, maxChars: number): string | null {
  for (const digits of [4, 3, 2]) {
    const s = formatNumber(v, digits);
    if (s.length <= maxChars) return s;
  }
  return null;
}
