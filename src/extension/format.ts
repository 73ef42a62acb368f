/** Number formatting shared by hover, CodeLens and messages: 4 significant digits, exponent when tiny. */
export function num(x: number, digits = 4): string {
  if (x === 0) return '0';
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? Number(x.toPrecision(digits)).toString() : x.toExponential(digits - 1);
}

export function vector(xs: number[], digits = 4): string {
  return `[${xs.map((x) => num(x, digits)).join(', ')}]`;
}
