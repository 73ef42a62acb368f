/**
 * The panel's frame around the views: file line, sample picker, layer picker, export and copy
 * buttons, the tabs, a status line. Built once per payload; the app fills and updates it.
 */
import type { Payload, ViewId } from '../shared/protocol';
import { fmt, grouped, plural } from './format';
import { VIEW_TITLES } from './state';
import { className, el } from './views/common';

export interface Shell {
  root: HTMLElement;
  tabs: HTMLElement & { selectedIndex: number };
  views: Map<ViewId, HTMLElement>;
  sampleInput: HTMLElement & { value: string };
  sampleSummary: HTMLElement;
  prev: HTMLElement;
  next: HTMLElement;
  layerButtons: HTMLElement[];
  actions: Record<'svg' | 'png' | 'csv' | 'json', HTMLElement>;
  status: HTMLElement;
}

function button(doc: Document, testId: string, label: string, text: string, secondary = true): HTMLElement {
  const b = el(doc, 'vscode-button' as 'div', { 'data-testid': testId, 'aria-label': label, title: label }, text);
  if (secondary) b.setAttribute('secondary', '');
  return b;
}

export function describePayload(p: Payload): string {
  switch (p.task) {
    case 'classification':
      return `${p.input} · ${plural(p.n, 'sample')} × ${plural(p.k, 'class', 'classes')} · ${p.reduction} ${p.lossName ?? 'cross-entropy'} ${fmt(p.loss)}${p.lossFormula ? ` · 𝓛_i = ${p.lossFormula}` : ''}`;
    case 'regression':
      return `regression · ${plural(p.n, 'sample')} × ${plural(p.d, 'output')} · ${p.reduction} ${p.lossName ?? 'squared error'} ${fmt(p.loss)}${p.lossFormula ? ` · 𝓛_i = ${p.lossFormula}` : ''}`;
    case 'network':
      return `network · ${plural(p.layers.length, 'layer')} · ${plural(p.n, 'sample')} · ${p.reduction} ${p.head} ${fmt(p.loss)}`;
  }
}

export function sampleSummary(p: Payload, i: number): string {
  const loss = `loss ${fmt(p.losses[i])}`;
  if (p.task !== 'classification') return loss;
  const actual = p.actual[i];
  const predicted = p.predicted[i];
  const verdict = actual === predicted ? '✓ correct' : '✗ wrong';
  return `true ${className(p.classes, actual)} · predicted ${className(p.classes, predicted)} ${verdict} · ${loss}`;
}

export function buildShell(doc: Document, payload: Payload, views: ViewId[]): Shell {
  const root = el(doc, 'div', { class: 'gl-shell' });
  const header = el(doc, 'header', { class: 'gl-header' });
  const title = el(doc, 'div', { class: 'gl-title' });
  title.append(
    el(doc, 'span', { class: 'gl-file', 'data-testid': 'file-name' }, payload.fileName),
    el(doc, 'span', { class: 'gl-meta', 'data-testid': 'file-meta' }, describePayload(payload)),
  );
  header.appendChild(title);

  const toolbar = el(doc, 'div', { class: 'gl-toolbar' });
  const picker = el(doc, 'div', { class: 'gl-sample', role: 'group', 'aria-label': 'Selected sample', 'data-testid': 'sample-picker' });
  const prev = button(doc, 'sample-prev', 'Previous sample', '‹');
  const next = button(doc, 'sample-next', 'Next sample', '›');
  const sampleInput = el(doc, 'vscode-textfield' as 'input', {
    type: 'number',
    min: '0',
    max: String(payload.n - 1),
    'data-testid': 'sample-input',
    'aria-label': 'Sample index',
    class: 'gl-sample-input',
  }) as unknown as Shell['sampleInput'];
  const label = el(doc, 'span', { class: 'gl-sample-label' }, 'Sample');
  const of = el(doc, 'span', { class: 'gl-sample-of', 'data-testid': 'sample-count' }, `of ${grouped(payload.n)}`);
  const summary = el(doc, 'span', { class: 'gl-sample-summary', 'data-testid': 'sample-summary' });
  picker.append(label, prev, sampleInput, next, of, summary);
  toolbar.appendChild(picker);

  const layerButtons: HTMLElement[] = [];
  if (payload.task === 'network') {
    const layers = el(doc, 'div', {
      class: 'gl-layers',
      role: 'group',
      'aria-label': 'Layer for the chain rule',
      'data-testid': 'layer-select',
    });
    payload.layers.forEach((layer, l) => {
      // The file's layer name, else "Layer 1" (not "L1", which reads as a regulariser).
      const b = button(doc, 'layer-button', `Layer ${l + 1} (${layer.activation})`, layer.name ?? `Layer ${l + 1}`);
      b.dataset.layer = String(l);
      layerButtons.push(b);
      layers.appendChild(b);
    });
    toolbar.appendChild(layers);
  }

  const actionsEl = el(doc, 'div', { class: 'gl-actions', role: 'group', 'aria-label': 'Export and copy' });
  const actions = {
    svg: button(doc, 'export-svg', 'Save the current view as SVG', 'SVG'),
    png: button(doc, 'export-png', 'Save the current view as PNG', 'PNG'),
    csv: button(doc, 'copy-csv', 'Copy the values of the current view as CSV', 'Copy CSV'),
    json: button(doc, 'copy-json', 'Copy the values of the current view as JSON', 'Copy JSON'),
  };
  actionsEl.append(actions.svg, actions.png, actions.csv, actions.json);
  toolbar.appendChild(actionsEl);
  header.appendChild(toolbar);
  root.appendChild(header);

  const tabs = el(doc, 'vscode-tabs' as 'div', { 'data-testid': 'tabs', class: 'gl-tabs', panel: '' }) as unknown as Shell['tabs'];
  const viewEls = new Map<ViewId, HTMLElement>();
  for (const id of views) {
    tabs.appendChild(
      el(doc, 'vscode-tab-header' as 'div', { slot: 'header', 'data-testid': `tab-${id}`, 'data-view': id }, VIEW_TITLES[id]),
    );
    const panel = el(doc, 'vscode-tab-panel' as 'div', { 'data-testid': `panel-${id}`, 'data-view': id, panel: '' });
    const view = el(doc, 'div', { class: 'gl-view', 'data-testid': `view-${id}`, 'data-view': id });
    panel.appendChild(view);
    tabs.appendChild(panel);
    viewEls.set(id, view);
  }
  root.appendChild(tabs);
  const status = el(doc, 'div', { class: 'gl-status', role: 'status', 'aria-live': 'polite', 'data-testid': 'status' });
  root.appendChild(status);
  return { root, tabs, views: viewEls, sampleInput, sampleSummary: summary, prev, next, layerButtons, actions, status };
}
