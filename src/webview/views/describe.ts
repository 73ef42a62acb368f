/** Tooltip text shared by the heatmap views. */
import type { Aggregate } from '../charts/matrixSource';
import type { Block } from '../charts/gridNav';
import { precise, fmt, plural } from '../format';
import type { TooltipContent } from '../tooltip';

const range = (a: number, b: number) => (b - a === 1 ? String(a) : `${a}–${b - 1}`);

/** Many cells under one pixel: where they are and their min / mean / max. */
export function blockTooltip(b: Block, a: Aggregate, what: string, rowWord: string, colWord: string): TooltipContent {
  return {
    title: `${what}: ${plural(a.count, 'cell')}`,
    rows: [
      [`${rowWord}s`, range(b.r0, b.r1)],
      [`${colWord}s`, range(b.c0, b.c1)],
      ['min', precise(a.min)],
      ['mean', precise(a.mean)],
      ['max', precise(a.max)],
    ],
    cell: b,
    aggregate: a,
    note: `Zoom in (wheel, or + on the keyboard) for single cells. Colour shows the extreme of larger magnitude (${fmt(Math.abs(a.min) > Math.abs(a.max) ? a.min : a.max)}).`,
  };
}
