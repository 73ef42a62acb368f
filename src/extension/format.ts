/** Number formatting shared by hover, CodeLens and messages: the panel's format (src/shared/numberFormat.ts). */
import { formatNumber } from '../shared/numberFormat';

export function num(x: number, digits = 4): string {
  return formatNumber(x, digits);
}

export function vector(xs: number[], digits = 4): string {
  return `[${xs.map((x) => num(x, digits)).join(', ')}]`;
}
