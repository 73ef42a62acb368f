/**
 * One array as a scrolling table that keeps only the rows and columns in view in the DOM and asks
 * the host for them in chunks (NpyRowsRequest), like vscode-hexeditor's ReadRangeRequest: a
 * 10,000 × 1,000 array costs a screenful of cells, never the whole array. Column headers are class
 * names when the columns are the classes; "label" / "predicted" columns follow the row number when
 * the analysis knows them. Chunks are cached (a few screens' worth); an answer for a chunk that
 * has scrolled away is kept but draws nothing.
 */
import type { NpyArrayInfo, NpyRowsMessage, NpyRowsRequest } from '../../shared/protocol';
import { valueText } from './numberText';
import { chunksOf, columnIndexText, visibleRange } from './virtualRange';

export const ROW_H = 22;
export const COL_W = 112;
const ROW_HEAD_W = 64;
const CLASS_COL_W = 120;
const ROW_CHUNK = 64;
const COL_CHUNK = 32;
const MAX_CHUNKS = 96;
const VISIBLE_ROWS = 16;
/** Browsers stop laying out elements some 16–33 M px tall: beyond this many rows only the first are scrollable. */
const MAX_ROWS = 600_000;

interface Chunk {
  values: Float64Array | null;
  strings: string[] | null;
  rowColumns: string[][];
  row0: number;
  col0: number;
  col1: number;
}

export interface VirtualTable {
  element: HTMLElement;
  accept(m: NpyRowsMessage): void;
  /** Scroll position, to keep it across a re-render of the page. */
  scroll: { top: number; left: number };
  /** Stops listening to the window (the page replaced this table). */
  destroy(): void;
}

export function virtualTable(
  doc: Document,
  index: number,
  info: NpyArrayInfo,
  request: (r: NpyRowsRequest) => void,
  nextId: () => number,
): VirtualTable {
  const rows = Math.min(info.rows, MAX_ROWS);
  const { cols } = info;
  const kind = info.kind === 'bool' ? 'bool' : 'number';
  const extra = info.rowColumns ?? [];
  const showHeader = info.shape.length > 1 || extra.length > 0;
  const headH = showHeader ? ROW_H : 0;
  const win = doc.defaultView ?? window;
  const cache = new Map<string, Chunk>();
  const pending = new Map<number, string>();
  const asked = new Set<string>();

  const box = doc.createElement('div');
  box.className = 'npy-scroll';
  box.tabIndex = 0;
  Object.assign(box.dataset, { testid: 'npy-table', array: String(index), rows: String(info.rows), cols: String(cols) });
  box.setAttribute('role', 'region');
  box.setAttribute('aria-label', `${info.name}: ${info.rows} rows × ${cols} columns; scroll to see more`);
  box.style.height = `${headH + Math.min(rows, VISIBLE_ROWS) * ROW_H + 18}px`;
  const table = doc.createElement('table');
  table.className = 'npy-grid';
  box.append(table);
  const note = doc.createElement('p');
  note.className = 'meta';
  if (info.rows > MAX_ROWS) note.textContent = `The table scrolls through the first ${MAX_ROWS.toLocaleString('en-US')} rows.`;
  const wrap = doc.createElement('div');
  wrap.append(box, note);

  const stickyLeft = (i: number) => ROW_HEAD_W + i * CLASS_COL_W;
  const totalW = ROW_HEAD_W + extra.length * CLASS_COL_W + cols * COL_W;
  table.style.width = `${totalW}px`;

  const chunkKey = (rc: number, cc: number) => `${rc}:${cc}`;
  const ensure = (rc: number, cc: number) => {
    const key = chunkKey(rc, cc);
    if (cache.has(key) || asked.has(key)) return;
    asked.add(key);
    const requestId = nextId();
    pending.set(requestId, key);
    const row0 = rc * ROW_CHUNK;
    const col0 = cc * COL_CHUNK;
    request({
      type: 'npyRows',
      requestId,
      array: index,
      row0,
      row1: Math.min(rows, row0 + ROW_CHUNK),
      col0,
      col1: Math.min(cols, col0 + COL_CHUNK),
    });
  };

  const cell = (tag: 'td' | 'th', cls: string, text: string): HTMLTableCellElement => {
    const c = doc.createElement(tag);
    if (cls) c.className = cls;
    c.textContent = text;
    return c;
  };
  const spacer = (tag: 'td' | 'th', width: number) => {
    const c = doc.createElement(tag);
    c.className = 'npy-spacer';
    c.style.width = `${width}px`;
    return c;
  };

  let frame = 0;
  const draw = () => {
    frame = 0;
    const r = visibleRange(box.scrollTop - headH, box.clientHeight - headH, ROW_H, rows, 4);
    const left = box.scrollLeft - ROW_HEAD_W - extra.length * CLASS_COL_W;
    const c = visibleRange(left, box.clientWidth, COL_W, cols, 2);
    const rowChunks = chunksOf(r, ROW_CHUNK);
    const colChunks = chunksOf(c, COL_CHUNK);
    for (const rc of rowChunks) for (const cc of colChunks) ensure(rc, cc);
    table.textContent = '';
    if (showHeader) {
      const head = doc.createElement('thead');
      const tr = doc.createElement('tr');
      const corner = cell('th', 'npy-rowhead npy-corner', '');
      corner.style.width = `${ROW_HEAD_W}px`;
      tr.append(corner);
      extra.forEach((name, i) => {
        const th = cell('th', 'npy-classcol', name);
        th.style.width = `${CLASS_COL_W}px`;
        th.style.left = `${stickyLeft(i)}px`;
        th.dataset.testid = 'npy-rowcolumn-head';
        tr.append(th);
      });
      tr.append(spacer('th', c.first * COL_W));
      for (let j = c.first; j < c.end; j++) {
        const text = info.columnNames?.[j] ?? (info.shape.length > 1 ? columnIndexText(j, info.shape) : '');
        const th = cell('th', 'npy-colhead', text);
        th.style.width = `${COL_W}px`;
        th.title = info.columnNames ? `column ${j}: ${text}` : `column ${text}`;
        th.dataset.col = String(j);
        th.dataset.testid = 'npy-colhead';
        tr.append(th);
      }
      tr.append(spacer('th', (cols - c.end) * COL_W));
      head.append(tr);
      table.append(head);
    }
    const body = doc.createElement('tbody');
    const gapRow = (height: number) => {
      const tr = doc.createElement('tr');
      tr.className = 'npy-gap';
      tr.style.height = `${height}px`;
      return tr;
    };
    body.append(gapRow(r.first * ROW_H));
    for (let i = r.first; i < r.end; i++) {
      const tr = doc.createElement('tr');
      tr.dataset.row = String(i);
      const rowHead = cell('th', 'npy-rowhead', String(i));
      if (!showHeader) rowHead.style.width = `${ROW_HEAD_W}px`;
      tr.append(rowHead);
      const rc = Math.floor(i / ROW_CHUNK);
      extra.forEach((name, e) => {
        const chunk = cache.get(chunkKey(rc, Math.floor(c.first / COL_CHUNK)));
        const td = cell('td', 'npy-classcol', chunk ? (chunk.rowColumns[e]?.[i - chunk.row0] ?? '') : '…');
        td.style.left = `${stickyLeft(e)}px`;
        td.dataset.testid = `npy-${name}`;
        tr.append(td);
      });
      tr.append(spacer('td', c.first * COL_W));
      for (let j = c.first; j < c.end; j++) {
        const chunk = cache.get(chunkKey(rc, Math.floor(j / COL_CHUNK)));
        const td = doc.createElement('td');
        td.dataset.col = String(j);
        if (!chunk) td.textContent = '…';
        else {
          const at = (i - chunk.row0) * (chunk.col1 - chunk.col0) + (j - chunk.col0);
          if (chunk.strings) {
            td.className = 'text';
            td.textContent = JSON.stringify(chunk.strings[at] ?? '');
          } else if (chunk.values) {
            const v = chunk.values[at];
            td.textContent = valueText(v, kind);
            td.dataset.value = String(v);
          }
        }
        tr.append(td);
      }
      tr.append(spacer('td', (cols - c.end) * COL_W));
      body.append(tr);
    }
    body.append(gapRow((rows - r.end) * ROW_H));
    table.append(body);
    box.dataset.firstRow = String(r.first);
    box.dataset.endRow = String(r.end);
  };
  const schedule = () => {
    if (!frame) frame = win.requestAnimationFrame(draw);
  };
  box.addEventListener('scroll', schedule, { passive: true });
  win.addEventListener('resize', schedule);

  const handle: VirtualTable = {
    element: wrap,
    accept(m) {
      const key = pending.get(m.requestId);
      if (key === undefined) return;
      pending.delete(m.requestId);
      asked.delete(key);
      if (m.error) return;
      cache.set(key, { values: m.values, strings: m.strings, rowColumns: m.rowColumns, row0: m.row0, col0: m.col0, col1: m.col1 });
      if (cache.size > MAX_CHUNKS) cache.delete(cache.keys().next().value!);
      schedule();
    },
    get scroll() {
      return { top: box.scrollTop, left: box.scrollLeft };
    },
    destroy() {
      win.removeEventListener('resize', schedule);
      if (frame) win.cancelAnimationFrame(frame);
      frame = 0;
    },
    set scroll(s) {
      box.scrollTop = s.top;
      box.scrollLeft = s.left;
      schedule();
    },
  };
  // The first draw once the box is in the page and has a size.
  schedule();
  return handle;
}
