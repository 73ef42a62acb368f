/**
 * The bar above a large-K view: what the sub-matrix shows, the "show all K" toggle, the pinned
 * classes (each a button that unpins it) and the overview strip of where the shown classes sit.
 */
import { overviewStrip, type OverviewStripOptions } from '../charts/overviewStrip';
import { grouped } from '../format';
import { DEFAULT_FOCUS, el, type ViewContext } from './common';

export interface FocusControlsOptions {
  k: number;
  /** How many classes the sub-matrix shows (ignored when showing all). */
  shown: number;
  /** One sentence: which classes the sub-matrix holds and why. */
  summary: string;
  strip: Omit<OverviewStripOptions, 'pick'> | null;
  /** What the strip's profile is (default: p over all classes). */
  stripWhat?: string;
  name(j: number): string;
  /** What is counted (default: classes), e.g. "weights, 256 × 784". */
  noun?: string;
  /** The whole, as the toggle and the summary say it (default: grouped(k)). */
  total?: string;
}

export function focusControls(doc: Document, ctx: ViewContext, o: FocusControlsOptions): HTMLElement {
  const focus = ctx.focus ?? DEFAULT_FOCUS;
  const noun = o.noun ?? 'classes';
  const total = o.total ?? grouped(o.k);
  const box = el(doc, 'div', { class: 'gl-focus-bar', 'data-testid': 'focus-bar', 'data-show-all': String(focus.showAll) });
  const line = el(doc, 'div', { class: 'gl-focus-line' });
  line.appendChild(
    el(
      doc,
      'span',
      { class: 'gl-note', 'data-testid': 'focus-summary', 'data-export-text': 'note' },
      focus.showAll ? `All ${total} ${noun}.` : `Showing ${o.shown} of ${total} ${noun}: ${o.summary}`,
    ),
  );
  const toggle = el(
    doc,
    'vscode-button' as 'div',
    { 'data-testid': 'focus-toggle', 'aria-pressed': String(focus.showAll), secondary: '' },
    focus.showAll ? `Show the ${noun} that matter` : `Show all ${total} ${noun}`,
  );
  toggle.addEventListener('click', () => ctx.setFocus?.({ showAll: !focus.showAll }));
  line.appendChild(toggle);
  for (const j of focus.pinned) {
    const chip = el(
      doc,
      'vscode-button' as 'div',
      {
        'data-testid': 'unpin',
        'data-class': String(j),
        secondary: '',
        title: `Unpin class ${j}`,
        'aria-label': `Unpin class ${j} ${o.name(j)}`,
      },
      `📌 ${o.name(j)} ×`,
    );
    chip.addEventListener('click', () => ctx.setFocus?.({ pinned: focus.pinned.filter((p) => p !== j) }));
    line.appendChild(chip);
  }
  box.appendChild(line);
  if (o.strip && !focus.showAll) {
    const pick = (j: number) =>
      ctx.setFocus?.({ pinned: focus.pinned.includes(j) ? focus.pinned.filter((p) => p !== j) : [...focus.pinned, j] });
    box.appendChild(overviewStrip(doc, { ...o.strip, pick: ctx.setFocus ? pick : undefined }));
    box.appendChild(
      el(
        doc,
        'p',
        { class: 'gl-caption' },
        `The strip is ${o.stripWhat ?? 'p over all classes'}, ▲ the classes shown. Click it to pin (or unpin) the class under the pointer.`,
      ),
    );
  }
  return box;
}
