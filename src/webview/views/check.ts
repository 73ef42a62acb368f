/** A line stating that two ways of computing the same numbers agree, in words and a mark. */
import { fmt } from '../format';
import { el } from './common';

export function checkLine(doc: Document, testId: string, claim: string, maxError: number, tolerance: number): HTMLElement {
  const ok = maxError <= tolerance;
  const p = el(doc, 'p', {
    class: `gl-check ${ok ? 'gl-check-ok' : 'gl-check-fail'}`,
    'data-testid': testId,
    'data-ok': String(ok),
    'data-max-error': String(maxError),
    'data-tolerance': String(tolerance),
    'data-export-text': 'check',
    role: 'status',
  });
  p.appendChild(el(doc, 'span', { class: 'gl-check-mark', 'aria-hidden': 'true' }, ok ? '✓' : '✗'));
  p.appendChild(
    doc.createTextNode(` ${claim}: ${ok ? 'equal' : 'NOT equal'} (largest |difference| ${fmt(maxError)}, tolerance ${fmt(tolerance)})`),
  );
  return p;
}

/** The "×", "=" between blocks of a chain-rule equation. */
export function operator(doc: Document, symbol: string, label: string): HTMLElement {
  return el(doc, 'div', { class: 'gl-operator', 'aria-label': label, 'data-export-text': 'operator' }, symbol);
}

/** One factor of an equation: its chart with a caption under it. */
export function figure(doc: Document, title: string, chart: Element): HTMLElement {
  const b = el(doc, 'figure', { class: 'gl-block' });
  b.appendChild(chart);
  b.appendChild(el(doc, 'figcaption', { 'data-export-text': 'caption' }, title));
  return b;
}
