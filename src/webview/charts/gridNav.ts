/**
 * Pointer and keyboard behaviour shared by every cell grid (SVG or canvas heatmaps, bar rows):
 * hover shows the tooltip, click or Enter activates, arrow keys move a focused cell whose
 * description goes to the live region.
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
}

export interface GridNav {
  focused(): { r: number; c: number } | null;
  focus(r: number, c: number): void;
}

export function attachGridNav(el: HTMLElement | SVGElement, target: GridTarget, ui: ChartUi): GridNav {
  let focus: { r: number; c: number } | null = null;
  el.setAttribute('tabindex', '0');

  const moveTo = (r: number, c: number) => {
    focus = { r: clamp(r, 0, target.rows - 1), c: clamp(c, 0, target.cols - 1) };
    target.reveal?.(focus.r, focus.c);
    target.showFocus(focus);
    const content = target.describe(cellBlock(focus.r, focus.c));
    ui.live.announce(content);
    const at = target.anchor(focus.r, focus.c);
    if (at) ui.tooltip.show(content, at.x, at.y);
  };

  el.addEventListener('pointermove', (ev) => {
    const block = target.hit(ev as MouseEvent);
    if (block) ui.tooltip.show(target.describe(block), (ev as MouseEvent).clientX, (ev as MouseEvent).clientY);
    else ui.tooltip.hide();
  });
  el.addEventListener('pointerleave', () => ui.tooltip.hide());
  el.addEventListener('click', (ev) => {
    const block = target.hit(ev as MouseEvent);
    if (block && target.activate) target.activate(block);
  });
  el.addEventListener('focus', () => {
    const start = focus ?? target.initialFocus?.() ?? { r: 0, c: 0 };
    moveTo(start.r, start.c);
  });
  el.addEventListener('blur', () => {
    target.showFocus(null);
    ui.tooltip.hide();
  });
  el.addEventListener('keydown', (ev) => {
    const e = ev as KeyboardEvent;
    if (!focus) return;
    const step = e.shiftKey ? 10 : 1;
    const { r, c } = focus;
    switch (e.key) {
      case 'ArrowUp':
        moveTo(r - step, c);
        break;
      case 'ArrowDown':
        moveTo(r + step, c);
        break;
      case 'ArrowLeft':
        moveTo(r, c - step);
        break;
      case 'ArrowRight':
        moveTo(r, c + step);
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
        return;
      default:
        return;
    }
    e.preventDefault();
  });

  return { focused: () => focus, focus: (r, c) => moveTo(r, c) };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
