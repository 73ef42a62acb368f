/**
 * Pointer and keyboard behaviour shared by every cell grid (SVG or canvas heatmaps, bar rows):
 * hover shows the tooltip, click or Enter activates, arrow keys move a focused cell whose
 * description goes to the live region. Grids that can show a selection (heatmaps) also select a
 * block as a spreadsheet does, Shift+arrows, Shift+click or Ctrl/Cmd+A, and Ctrl/Cmd+C copies it
 * (or the focused cell) through ui.copy.
 */
import type { ChartUi, TooltipContent } from '../tooltip';

/** Half-open block of cells [r0, r1) × [c0, c1); one cell when r1 = r0 + 1 and c1 = c0 + 1. */
export interface Block {
  r0: number;
  r1: number;
  c0: number;
  c1: number;
}

export const cellBlock = (r: number, c: number): Block => ({ r0: r, r1: r + 1, c0: c, c1: c + 1 });

export interface GridTarget {
  rows: number;
  cols: number;
  /** Block under a pointer event, or null. */
  hit(ev: MouseEvent): Block | null;
  /** Viewport point where a keyboard-focused cell's tooltip goes. */
  anchor(r: number, c: number): { x: number; y: number } | null;
  describe(block: Block): TooltipContent;
  /** Draws (or with null clears) the focus outline. */
  showFocus(cell: { r: number; c: number } | null): void;
  /** Brings a cell into view (zoomed heatmaps pan to it). */
  reveal?(r: number, c: number): void;
  activate?(block: Block): void;
  initialFocus?(): { r: number; c: number };
  /** Draws (or with null clears) the selected block; a grid without it has no selection. */
  showSelection?(block: Block | null): void;
  /** The block's values as clipboard text, or why it cannot be copied (too large). */
  copyText?(block: Block): string | { refused: string };
}

export interface GridNav {
  focused(): { r: number; c: number } | null;
  focus(r: number, c: number): void;
  /** The selected block, if more than the focused cell is selected. */
  selection(): Block | null;
  /** Forgets the focused cell (and selection), so the next focus starts at initialFocus. */
  reset(): void;
}

/** The smallest block holding cells a and b. */
function spanning(a: { r: number; c: number }, b: { r: number; c: number }): Block {
  return { r0: Math.min(a.r, b.r), r1: Math.max(a.r, b.r) + 1, c0: Math.min(a.c, b.c), c1: Math.max(a.c, b.c) + 1 };
}

export function attachGridNav(el: HTMLElement | SVGElement, target: GridTarget, ui: ChartUi): GridNav {
  let focus: { r: number; c: number } | null = null;
  // The selection runs from `anchor` to the focused cell; null when only the focus is selected.
  let anchor: { r: number; c: number } | null = null;
  let selection: Block | null = null;
  const selectable = !!target.showSelection;
  el.setAttribute('tabindex', '0');

  const select = (block: Block | null) => {
    selection = block && (block.r1 - block.r0 > 1 || block.c1 - block.c0 > 1) ? block : null;
    target.showSelection?.(selection);
  };

  /** Moves the focus; with `extend`, the selection grows from the anchor to it. */
  const moveTo = (r: number, c: number, extend = false) => {
    const from = focus;
    focus = { r: clamp(r, 0, target.rows - 1), c: clamp(c, 0, target.cols - 1) };
    if (extend) {
      anchor ??= from ?? focus;
      select(spanning(anchor, focus));
    } else {
      anchor = focus;
      if (selection) select(null);
    }
    target.reveal?.(focus.r, focus.c);
    target.showFocus(focus);
    const content = target.describe(cellBlock(focus.r, focus.c));
    if (selection) ui.live.announce(`${content.title}; ${selection.r1 - selection.r0} × ${selection.c1 - selection.c0} cells selected`);
    else ui.live.announce(content);
    const at = target.anchor(focus.r, focus.c);
    if (at) ui.tooltip.show(content, at.x, at.y);
  };

  const copy = () => {
    if (!target.copyText || !ui.copy || !focus) return false;
    const block = selection ?? cellBlock(focus.r, focus.c);
    const text = target.copyText(block);
    const single = block.r1 - block.r0 === 1 && block.c1 - block.c0 === 1;
    ui.copy(
      typeof text === 'string' ? { text, what: single ? 'the value' : `${block.r1 - block.r0} × ${block.c1 - block.c0} values` } : text,
    );
    return true;
  };

  el.addEventListener('pointermove', (ev) => {
    const block = target.hit(ev as MouseEvent);
    if (block) ui.tooltip.show(target.describe(block), (ev as MouseEvent).clientX, (ev as MouseEvent).clientY);
    else ui.tooltip.hide();
  });
  el.addEventListener('pointerleave', () => ui.tooltip.hide());
  el.addEventListener('click', (ev) => {
    const block = target.hit(ev as MouseEvent);
    if (!block) return;
    if (selectable && (ev as MouseEvent).shiftKey) {
      // Shift+click extends the selection to the clicked cell (or the block under a zoomed-out pixel).
      const start = anchor ?? focus ?? { r: block.r0, c: block.c0 };
      anchor = start;
      moveTo(block.r0 < start.r ? block.r0 : block.r1 - 1, block.c0 < start.c ? block.c0 : block.c1 - 1, true);
      return;
    }
    if (selectable) {
      focus = anchor = { r: block.r0, c: block.c0 };
      select(null);
      target.showFocus(focus);
    }
    target.activate?.(block);
  });
  el.addEventListener('focus', () => {
    const start = focus ?? target.initialFocus?.() ?? { r: 0, c: 0 };
    moveTo(start.r, start.c, selection !== null); // coming back keeps the selection
  });
  el.addEventListener('blur', () => {
    target.showFocus(null);
    ui.tooltip.hide();
  });
  el.addEventListener('keydown', (ev) => {
    const e = ev as KeyboardEvent;
    if (!focus) return;
    // Shift extends the selection where there is one, else it moves ten cells.
    const extend = e.shiftKey && selectable;
    const step = e.shiftKey && !selectable ? 10 : 1;
    const { r, c } = focus;
    const command = e.ctrlKey || e.metaKey;
    if (command && !e.altKey && (e.key === 'c' || e.key === 'C')) {
      if (copy()) e.preventDefault();
      return;
    }
    if (command && selectable && (e.key === 'a' || e.key === 'A')) {
      anchor = { r: 0, c: 0 };
      moveTo(target.rows - 1, target.cols - 1, true);
      e.preventDefault();
      return;
    }
    switch (e.key) {
      case 'ArrowUp':
        moveTo(r - step, c, extend);
        break;
      case 'ArrowDown':
        moveTo(r + step, c, extend);
        break;
      case 'ArrowLeft':
        moveTo(r, c - step, extend);
        break;
      case 'ArrowRight':
        moveTo(r, c + step, extend);
        break;
      case 'PageUp':
        moveTo(r - 10, c);
        break;
      case 'PageDown':
        moveTo(r + 10, c);
        break;
      case 'Home':
        moveTo(e.ctrlKey ? 0 : r, 0);
        break;
      case 'End':
        moveTo(e.ctrlKey ? target.rows - 1 : r, target.cols - 1);
        break;
      case 'Enter':
      case ' ':
        target.activate?.(cellBlock(r, c));
        break;
      case 'Escape':
        ui.tooltip.hide();
        if (!selection) return;
        anchor = focus;
        select(null);
        break;
      default:
        return;
    }
    e.preventDefault();
  });

  const reset = () => {
    focus = anchor = null;
    if (selection) select(null);
    target.showFocus(null);
  };
  return { focused: () => focus, focus: (r, c) => moveTo(r, c), selection: () => selection, reset };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
