// The NumPy viewer's page (custom editor gradientLens.npyViewer): the file's arrays with their
// dtype, shape and statistics, each as a virtualised table (rows asked for as they scroll into
// view) and, from rank 2, a heatmap of a chosen 2-D slice; which array the analysis took for which
// role; the loss with buttons that run the Gradient Lens commands on this file. Messages follow
// src/shared/protocol.ts (FromNpyViewer / ToNpyViewer).
import type { FromNpyViewer, NpyAnalysisInfo, NpyArrayInfo, NpyShowMessage, ToNpyViewer } from '../../shared/protocol';
import { vscodeApi } from '../post';
import { fmt6, shapeText } from './numberText';
import { slicer, type Slicer } from './slicer';
import { virtualTable, type VirtualTable } from './virtualTable';

const api = vscodeApi();
const post = (m: FromNpyViewer) => api.postMessage(m as never);
const doc = document;
const root = doc.getElementById('gl-root') ?? doc.body.appendChild(doc.createElement('main'));
let tables = new Map<number, VirtualTable>();
let slicers = new Map<number, Slicer>();
let shown: NpyShowMessage | null = null;
let requestId = 0;
const nextId = () => ++requestId;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls = '', text?: string, testId?: string): HTMLElementTagNameMap[K] {
  const e = doc.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  if (testId) e.dataset.testid = testId;
  return e;
}

function analysisSection(a: NpyAnalysisInfo): HTMLElement {
  const section = el('section', 'npy-analysis');
  section.dataset.testid = 'npy-analysis';
  const notAnalysable = a.status === 'done' && a.lines.length === 0 && a.errors.length > 0;
  section.append(el('h2', '', notAnalysable ? 'Not analysable' : 'Analysis'));
  if (a.status === 'pending') section.append(el('p', 'meta', 'Analysing…'));
  a.lines.forEach((line, i) => {
    const p = el('p', i === 0 && a.emphasis ? 'loss' : 'meta');
    const at = i === 0 && a.emphasis ? line.indexOf(a.emphasis) : -1;
    if (at < 0) p.textContent = line;
    else p.append(line.slice(0, at), el('strong', '', a.emphasis), line.slice(at + a.emphasis!.length));
    section.append(p);
  });
  if (a.roles.length > 0) {
    const list = el('p', 'meta npy-roles', undefined, 'npy-roles');
    list.append('Roles: ');
    a.roles.forEach((r, i) => {
      if (i > 0) list.append(' · ');
      const item = el('span', 'npy-role', undefined, 'npy-role');
      item.dataset.role = r.role;
      item.append(el('strong', '', r.role), r.source ? ` ← ${r.source}` : '');
      list.append(item);
    });
    section.append(list);
  }
  if (a.errors.length + a.warnings.length > 0) {
    const ul = el('ul');
    for (const e of a.errors) ul.append(el('li', 'error', e));
    for (const w of a.warnings) ul.append(el('li', 'warning', w));
    section.append(ul);
  }
  const buttons = el('div', 'actions');
  if (a.retry) {
    const b = el('button', 'primary', 'Analyse again');
    b.dataset.retry = '1';
    b.addEventListener('click', () => post({ type: 'retry' }));
    buttons.append(b);
  }
  a.actions.forEach((x, i) => {
    const b = el('button', i === 0 ? 'primary' : '', x.label);
    b.dataset.command = x.command;
    b.addEventListener('click', () => post({ type: 'run', command: x.command }));
    buttons.append(b);
  });
  if (buttons.childElementCount > 0) section.append(buttons);
  return section;
}

function metadataSection(m: NpyShowMessage): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (m.metadata.length > 0) {
    const section = el('section');
    const table = el('table', 'metadata');
    for (const [k, v] of m.metadata) {
      const tr = el('tr');
      tr.append(el('th', '', k), el('td', 'text', v.length > 500 ? `${v.slice(0, 500)}…` : v));
      table.append(tr);
    }
    section.append(el('h2', '', 'Metadata'), table);
    parts.push(section);
  }
  if (m.layers.length > 0) {
    const section = el('section');
    const table = el('table', 'layers');
    const head = el('tr');
    for (const h of ['layer', 'weight', '‖W‖', 'bias', '‖b‖']) head.append(el('th', '', h));
    table.append(head);
    for (const l of m.layers) {
      const tr = el('tr');
      tr.append(
        el('th', '', l.name),
        el('td', '', shapeText(l.weightShape)),
        el('td', '', fmt6(l.weightNorm)),
        el('td', '', l.biasShape ? shapeText(l.biasShape) : '—'),
        el('td', '', l.biasNorm === null ? '—' : fmt6(l.biasNorm)),
      );
      table.append(tr);
    }
    section.append(el('h2', '', `Network: ${m.layers.length} Linear layer${m.layers.length === 1 ? '' : 's'}`), table);
    parts.push(section);
  }
  return parts;
}

function arraySection(a: NpyArrayInfo, index: number): HTMLElement {
  const section = el('section', 'npy-array');
  section.dataset.testid = 'npy-array';
  section.dataset.name = a.name;
  const title = el('h2', '', a.name);
  if (a.role) title.append(' ', el('span', 'npy-role-badge', a.role, 'npy-role-badge'));
  const facts = [`${a.dtypeName} (${a.dtype})`, `shape ${shapeText(a.shape)}`, `${a.count.toLocaleString('en-US')} values`];
  if (a.stats) facts.push(`min ${fmt6(a.stats.min)}`, `max ${fmt6(a.stats.max)}`, `mean ${fmt6(a.stats.mean)}`, `std ${fmt6(a.stats.std)}`);
  if (a.note) facts.push(a.note);
  const meta = el('p', 'meta', facts.join(' · '));
  if (a.stats && (a.stats.nan || a.stats.inf)) meta.append(' · ', el('span', 'warning', `${a.stats.nan} NaN, ${a.stats.inf} ±Inf`));
  section.append(title, meta);
  if (a.kind === 'unread' || a.count === 0) return section;
  if (a.sliceable) {
    const s = slicer(doc, index, a.shape, (r) => post(r));
    slicers.set(index, s);
    section.append(s.element);
  }
  const t = virtualTable(doc, index, a, (r) => post(r), nextId);
  tables.set(index, t);
  section.append(t.element);
  return section;
}

function show(m: NpyShowMessage) {
  // Same file, same arrays: keep where each table was scrolled to.
  const same =
    shown && shown.fileName === m.fileName && shown.arrays.map((a) => a.name).join('\0') === m.arrays.map((a) => a.name).join('\0');
  const scrolls = same ? new Map([...tables].map(([i, t]) => [i, t.scroll])) : new Map<number, { top: number; left: number }>();
  shown = m;
  for (const t of tables.values()) t.destroy();
  tables = new Map();
  slicers = new Map();
  root.textContent = '';
  root.removeAttribute('aria-busy');
  root.append(el('h1', '', m.fileName));
  if (m.error) {
    root.append(el('p', 'error', m.error, 'npy-error'));
    return;
  }
  root.append(analysisSection(m.analysis), ...metadataSection(m));
  m.arrays.forEach((a, i) => root.append(arraySection(a, i)));
  for (const [i, s] of scrolls) {
    const t = tables.get(i);
    if (t) t.scroll = s;
  }
}

window.addEventListener('message', (event: MessageEvent<ToNpyViewer>) => {
  const m = event.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'npyShow') show(m);
  else if (m.type === 'npyRows') tables.get(m.array)?.accept(m);
  else if (m.type === 'npySlice') slicers.get(m.array)?.accept(m);
});

post({ type: 'ready' });
