/**
 * "Yours vs exact": each of the user's own derivative tensors, the exact one and their difference
 * as heatmaps on one colour scale, with the worst entries listed; clicking an entry (or a cell)
 * reveals it in the file.
 */
import type { OwnTensorPayload } from '../../shared/protocol';
import { heatmap } from '../charts/heatmap';
import type { HeatmapHandle } from '../charts/heatmapTypes';
import { legend } from '../charts/legend';
import { denseSource } from '../charts/matrixSource';
import { divergingScale } from '../colors';
import { fmt, fmtSigned, grouped, precise } from '../format';
import { blockTooltip } from './describe';
import { figure } from './check';
import { el, heading, type ViewContext, type ViewHandle } from './common';

type Part = 'given' | 'expected' | 'difference';

/** How a comparison names its two tensors: the user's against the exact ones, or a finite difference against backpropagation. */
export interface CompareWords {
  /** data-testid prefix: "own" gives own-tensor, own-given-heatmap, … */
  prefix: string;
  given: string;
  expected: string;
  /** Whether clicking an entry reveals it in the file. */
  reveal: boolean;
}

const OWN_WORDS: CompareWords = { prefix: 'own', given: 'yours', expected: 'exact', reveal: true };

export function renderOwn(host: HTMLElement, ctx: ViewContext): ViewHandle {
  const own = ctx.payload.own;
  const { doc } = ctx;
  const charts: HeatmapHandle[] = [];
  if (!own || own.tensors.length === 0) {
    host.appendChild(heading(doc, 'Yours vs exact', 'This file carries none of your own derivatives (dinputs, jacobian, dweights, …).'));
    return { table: () => ({ name: 'own-gradients', columns: [], rows: [] }) };
  }
  host.appendChild(heading(doc, 'Yours vs exact', own.summary.split('\n')[0]));
  for (const text of own.unchecked) host.appendChild(el(doc, 'p', { class: 'gl-note', 'data-testid': 'own-unchecked' }, text));
  own.tensors.forEach((t, ti) => host.appendChild(tensorSection(ctx, t, ti, charts)));
  return {
    table() {
      const rows: (string | number)[][] = [];
      for (const t of own.tensors) {
        for (let i = 0; i < t.given.length; i++)
          rows.push([t.name, Math.floor(i / t.cols), i % t.cols, t.given[i], t.expected[i], t.given[i] - t.expected[i], t.wrong[i]]);
      }
      return { name: 'own-gradients', columns: ['tensor', 'row', 'col', 'yours', 'exact', 'difference', 'wrong'], rows };
    },
    destroy() {
      charts.forEach((c) => c.destroy());
    },
  };
}

export function tensorSection(
  ctx: ViewContext,
  t: OwnTensorPayload,
  ti: number,
  charts: HeatmapHandle[],
  words: CompareWords = OWN_WORDS,
): HTMLElement {
  const { doc } = ctx;
  const { prefix } = words;
  const yours = t.givenLabel ?? words.given;
  const exact = t.expectedLabel ?? words.expected;
  const reveal = words.reveal ? (index: number) => ctx.revealEntry?.(ti, index) : undefined;
  const section = el(doc, 'section', { class: 'gl-own', 'data-testid': `${prefix}-tensor`, 'data-name': t.name });
  const wrong = t.wrong.reduce((s, v) => s + v, 0);
  const status = wrong === 0 ? 'every entry matches' : `${grouped(wrong)} of ${grouped(t.given.length)} entries differ`;
  section.appendChild(el(doc, 'h3', { 'data-export-text': 'title' }, `${t.name} · ${t.quantity} · ${status}`));
  section.appendChild(el(doc, 'p', { class: 'gl-caption', 'data-export-text': 'caption' }, `${t.quantity} = ${t.formula}`));
  if (t.diagnosis)
    section.appendChild(
      el(doc, 'p', { class: 'gl-check gl-check-fail', 'data-testid': `${prefix}-diagnosis`, role: 'status' }, t.diagnosis),
    );
  const difference = t.given.map((g, i) => g - t.expected[i]);
  let max = 0;
  for (const a of [t.given, t.expected, difference]) for (const v of a) if (Number.isFinite(v)) max = Math.max(max, Math.abs(v));
  // One scale for all three, so equal colours are equal numbers.
  const scale = divergingScale(ctx.theme, max || 1);
  const row = el(doc, 'div', { class: 'gl-chart-row' });
  section.appendChild(row);
  const width = Math.max(160, Math.floor((Math.min(ctx.width, 1000) - 120) / 3));
  const parts: [Part, string, Float64Array][] = [
    ['given', `${yours}: ${t.name}`, t.given],
    ['expected', `${exact} ${t.quantity}`, t.expected],
    ['difference', `${yours} − ${exact}`, difference],
  ];
  for (const [part, title, data] of parts) {
    const chart = heatmap(
      doc,
      {
        source: denseSource(data, t.rows, t.cols),
        scale,
        theme: ctx.theme,
        width,
        maxHeight: 360,
        maxCell: 36,
        rowLabels: null,
        colLabels: null,
        rowTitle: 'row',
        colTitle: 'column',
        label: `${title}, ${t.rows} × ${t.cols}`,
        testId: `${prefix}-${part}-heatmap`,
        activate: reveal && ((b) => reveal(b.r0 * t.cols + b.c0)),
        describe(b, a) {
          if (a.count !== 1) return blockTooltip(b, a, title, 'row', 'column');
          const i = b.r0 * t.cols + b.c0;
          const d = t.given[i] - t.expected[i];
          return {
            title: `${t.name} [${b.r0}][${b.c0}] · ${t.wrong[i] ? 'differs' : 'matches'}`,
            formula: `${t.quantity} = ${t.formula}`,
            rows: [
              [yours, precise(t.given[i])],
              [exact, precise(t.expected[i])],
              [`${yours} − ${exact}`, fmtSigned(d)],
            ],
            value: data[i],
            cell: b,
            note: reveal ? 'Click or Enter reveals this entry in the file.' : undefined,
          };
        },
      },
      ctx.ui,
    );
    charts.push(chart);
    row.appendChild(figure(doc, title, chart.element));
  }
  row.appendChild(legend(doc, { scale, title: t.quantity, ends: ['negative', 'positive'] }));
  section.appendChild(relativeRow(ctx, t, width, charts, { ...words, given: yours, expected: exact }, reveal));
  if (t.worst.length) {
    section.appendChild(
      el(
        doc,
        'p',
        { class: 'gl-caption' },
        wrong
          ? `The worst entries${reveal ? ' (click to reveal in the file)' : ''}:`
          : 'The largest relative differences, all within the tolerance:',
      ),
    );
    const list = el(doc, 'ol', { class: 'gl-own-worst', 'data-testid': `${prefix}-worst` });
    for (const w of t.worst) {
      const item = el(doc, 'li');
      const rel = w.relative === Infinity ? '∞' : fmt(w.relative);
      const button = el(
        doc,
        'button',
        {
          type: 'button',
          class: 'gl-link',
          'data-testid': `${prefix}-worst-entry`,
          'data-index': String(w.index),
          'data-wrong': String(w.wrong),
        },
        `${w.entry}: ${yours} ${fmt(w.given)}, ${exact} ${fmt(w.expected)} (relative error ${rel})`,
      );
      if (reveal) button.addEventListener('click', () => reveal(w.index));
      item.appendChild(button);
      list.appendChild(item);
    }
    section.appendChild(list);
  }
  return section;
}

/**
 * |yours − exact| / |exact| per entry on its own scale (blank where the exact value is 0 and yours is
 * not), or the producer's own relative error when the payload carries one.
 */
function relativeRow(
  ctx: ViewContext,
  t: OwnTensorPayload,
  width: number,
  charts: HeatmapHandle[],
  words: CompareWords,
  reveal: ((index: number) => void) | undefined,
): HTMLElement {
  const { doc } = ctx;
  const relative =
    t.relative ??
    t.given.map((g, i) => {
      const e = t.expected[i];
      return g === e ? 0 : e === 0 ? NaN : Math.abs(g - e) / Math.abs(e);
    });
  const title = t.relative
    ? `|${words.given} − ${words.expected}| / max(|${words.given}|, |${words.expected}|)`
    : `|${words.given} − ${words.expected}| / |${words.expected}|`;
  const blank = t.relative ? 'not probed' : `∞ (the ${words.expected} value is 0)`;
  let max = 0;
  for (const v of relative) if (Number.isFinite(v)) max = Math.max(max, v);
  const scale = divergingScale(ctx.theme, max || 1);
  const chart = heatmap(
    doc,
    {
      source: denseSource(relative, t.rows, t.cols),
      scale,
      theme: ctx.theme,
      width,
      maxHeight: 360,
      maxCell: 36,
      rowLabels: null,
      colLabels: null,
      rowTitle: 'row',
      colTitle: 'column',
      label: `relative error of ${t.name}, ${t.rows} × ${t.cols}`,
      testId: `${words.prefix}-relative-heatmap`,
      activate: reveal && ((b) => reveal(b.r0 * t.cols + b.c0)),
      describe(b, a) {
        if (a.count !== 1) return blockTooltip(b, a, 'relative error', 'row', 'column');
        const i = b.r0 * t.cols + b.c0;
        const r = relative[i];
        return {
          title: `${t.name} [${b.r0}][${b.c0}] · ${t.wrong[i] ? 'differs' : 'matches'}`,
          rows: [['relative error', Number.isNaN(r) ? blank : fmt(r)]],
          value: r,
          cell: b,
        };
      },
    },
    ctx.ui,
  );
  charts.push(chart);
  const row = el(doc, 'div', { class: 'gl-chart-row' });
  row.append(figure(doc, title, chart.element), legend(doc, { scale, title: 'relative error', ends: ['', 'larger'] }));
  return row;
}
