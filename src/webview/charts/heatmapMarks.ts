/**
 * The marks the SVG and the canvas heatmaps both draw over their cells, in one place so the two
 * look alike: the plot's frame, the outlined diagonal cells, the selected row's outline, the
 * copy selection and the keyboard focus ring. Each caller decides where a mark goes (the SVG by
 * whole cells, the canvas by its zoomed axes); these decide what it is.
 */
import type { BaseType, Selection } from 'd3-selection';
import type { Block } from './gridNav';

/** Coordinates rounded to 1/100 px: short attributes, stable snapshots. */
export const r2 = (v: number): number => Math.round(v * 100) / 100;

type Parent<E extends BaseType> = Selection<E, unknown, null, undefined>;

type Cell = { r: number; c: number };

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

const place = <E extends BaseType>(rect: Parent<E>, b: Box) =>
  rect.attr('x', r2(b.x)).attr('y', r2(b.y)).attr('width', r2(b.width)).attr('height', r2(b.height));

/** A thin currentColor outline around the plot area. `inert`: the mark takes no pointer events itself. */
export function appendFrame<E extends BaseType>(parent: Parent<E>, b: Box, inert: boolean) {
  const frame = parent
    .append('rect')
    .attr('class', 'gl-frame')
    .attr('x', b.x)
    .attr('y', b.y)
    .attr('width', r2(b.width))
    .attr('height', r2(b.height))
    .attr('fill', 'none')
    .attr('stroke', 'currentColor')
    .attr('stroke-opacity', 0.35);
  if (inert) frame.attr('pointer-events', 'none');
  return frame;
}

/** One diagonal cell's outline (the Jacobian's δ_jk = 1 entries): ink, not colour, so it shows whatever the value. */
export function appendDiagonalCell<E extends BaseType>(parent: Parent<E>, b: Box, strokeWidth: number, dashed: boolean): void {
  place(parent.append('rect'), b)
    .attr('fill', 'none')
    .attr('stroke', 'currentColor')
    .attr('stroke-width', strokeWidth)
    .attr('stroke-dasharray', dashed ? '3 2' : null);
}

/** The selected row's outline: 2 px of ink. */
export function outlineRow<E extends BaseType>(rect: Parent<E>) {
  return rect.attr('fill', 'none').attr('stroke', 'currentColor').attr('stroke-width', 2);
}

/** The copy selection's rectangle (styled by .gl-selection), hidden until a block is selected. */
export function appendSelection<E extends BaseType>(parent: Parent<E>, inert: boolean) {
  const rect = parent.append('rect').attr('class', 'gl-selection').attr('data-testid', 'heatmap-selection');
  if (inert) rect.attr('pointer-events', 'none');
  return rect.attr('display', 'none');
}

/** The keyboard focus ring (stroked by .gl-focus), hidden until a cell has the focus. */
export function appendFocus<E extends BaseType>(parent: Parent<E>, inert: boolean) {
  const rect = parent
    .append('rect')
    .attr('class', 'gl-focus')
    .attr('data-testid', 'heatmap-focus')
    .attr('fill', 'none')
    .attr('stroke-width', 2);
  if (inert) rect.attr('pointer-events', 'none');
  return rect.attr('display', 'none');
}

/** Shows the selection over block `b` (its cells at `box`), or hides it. */
export function showSelection<E extends BaseType>(rect: Parent<E>, b: Block | null, box: (b: Block) => Box): void {
  if (!b) {
    rect.attr('display', 'none');
    return;
  }
  place(
    rect.attr('display', null).attr('data-row', b.r0).attr('data-col', b.c0).attr('data-row-end', b.r1).attr('data-col-end', b.c1),
    box(b),
  );
}

/** Shows the focus ring on cell `cell` (at `box`), or hides it. */
export function showFocus<E extends BaseType>(rect: Parent<E>, cell: Cell | null, box: (cell: Cell) => Box): void {
  if (!cell) {
    rect.attr('display', 'none');
    return;
  }
  place(rect.attr('display', null).attr('data-row', cell.r).attr('data-col', cell.c), box(cell));
}
