/** How the NumPy viewer writes a value: exact integers, else the panel's format (six significant digits). */
import { formatNumber, MINUS } from '../../shared/numberFormat';

export function valueText(v: number, kind: 'number' | 'bool'): string {
  if (kind === 'bool') return v ? 'True' : 'False';
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v).replace('-', MINUS);
  return formatNumber(v, 6);
}

export const fmt6 = (v: number): string => formatNumber(v, 6);

/** NumPy's way: (3,) for a vector, (2, 3) otherwise (as src/core/npzRoles.ts, without its weight in the bundle). */
export function shapeText(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}
