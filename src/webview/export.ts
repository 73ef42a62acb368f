/**
 * The current view as a standalone SVG or PNG, and its values as CSV or JSON. The SVG carries
 * the theme's colours resolved to literals (currentColor and --vscode-* variables mean nothing
 * outside the panel), canvases as embedded images, and headings and checks as text.
 */
import type { Table } from './views/common';
import { tableCsv, tableJson, type TextTable } from '../core/tableText';

const SVG_NS = 'http://www.w3.org/2000/svg';
/** Blank border around an exported view, in px. */
const MARGIN = 16;
const STYLE_PROPS = [
  'fill',
  'stroke',
  'fill-opacity',
  'stroke-opacity',
  'stroke-width',
  'stroke-dasharray',
  'opacity',
  'font-size',
  'font-weight',
  'font-family',
  'display',
];

export function tableToCsv(t: Table): string {
  return tableCsv(asTextTable(t));
}

export function tableToJson(t: Table): string {
  return tableJson(asTextTable(t));
}

function asTextTable(t: Table): TextTable {
  return { name: t.name, columns: t.columns, rowCount: t.rows.length, row: (i) => t.rows[i], note: t.note };
}

/**
 * Copies computed styles onto a clone as presentation attributes, element by element. Not as
 * style="…": the panel's CSP (no 'unsafe-inline') blocks style attributes, and nothing else in
 * the exported file competes with presentation attributes.
 */
function resolveStyles(source: Element, clone: Element, view: Window): void {
  const cs = view.getComputedStyle(source);
  for (const p of STYLE_PROPS) {
    const v = cs.getPropertyValue(p);
    if (v) clone.setAttribute(p, v);
  }
  for (let i = 0; i < source.children.length; i++) resolveStyles(source.children[i], clone.children[i], view);
}

function wrap(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

export interface SvgExport {
  svg: string;
  width: number;
  height: number;
}

export function viewToSvg(viewEl: HTMLElement): SvgExport {
  const doc = viewEl.ownerDocument;
  const view = doc.defaultView!;
  const origin = viewEl.getBoundingClientRect();
  const width = Math.ceil(viewEl.scrollWidth) + 2 * MARGIN;
  const height = Math.ceil(viewEl.scrollHeight) + 2 * MARGIN;
  const bodyStyle = view.getComputedStyle(doc.body);
  const rootStyle = view.getComputedStyle(viewEl);
  const out = doc.createElementNS(SVG_NS, 'svg');
  out.setAttribute('xmlns', SVG_NS);
  out.setAttribute('width', String(width));
  out.setAttribute('height', String(height));
  out.setAttribute('viewBox', `0 0 ${width} ${height}`);
  out.setAttribute('font-family', rootStyle.fontFamily);
  out.setAttribute('color', rootStyle.color);
  const bg = doc.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', bodyStyle.backgroundColor);
  out.appendChild(bg);
  const parts = viewEl.querySelectorAll('svg.gl-chart, .gl-heatmap-canvas > canvas, .gl-heatmap-canvas > svg, [data-export-text]');
  for (const part of Array.from(parts)) {
    if (part.getClientRects().length === 0) continue;
    const box = part.getBoundingClientRect();
    const x = Math.round(box.left - origin.left) + MARGIN;
    const y = Math.round(box.top - origin.top) + MARGIN;
    if (part instanceof HTMLCanvasElement) {
      const img = doc.createElementNS(SVG_NS, 'image');
      img.setAttribute('x', String(x));
      img.setAttribute('y', String(y));
      img.setAttribute('width', String(box.width));
      img.setAttribute('height', String(box.height));
      img.setAttribute('image-rendering', 'pixelated');
      img.setAttribute('href', part.toDataURL('image/png'));
      out.appendChild(img);
    } else if (part instanceof SVGSVGElement) {
      const clone = part.cloneNode(true) as SVGSVGElement;
      resolveStyles(part, clone, view);
      clone.setAttribute('x', String(x));
      clone.setAttribute('y', String(y));
      out.appendChild(clone);
    } else {
      const cs = view.getComputedStyle(part);
      const size = parseFloat(cs.fontSize) || 13;
      const lines = wrap(part.textContent ?? '', Math.max(8, Math.floor(box.width / (size * 0.52))));
      const text = doc.createElementNS(SVG_NS, 'text');
      text.setAttribute('font-size', String(size));
      text.setAttribute('font-weight', cs.fontWeight);
      text.setAttribute('fill', cs.color);
      lines.forEach((line, i) => {
        const span = doc.createElementNS(SVG_NS, 'tspan');
        span.setAttribute('x', String(x));
        span.setAttribute('y', String(Math.round(y + size + i * size * 1.35)));
        span.textContent = line;
        text.appendChild(span);
      });
      out.appendChild(text);
    }
  }
  return { svg: new view.XMLSerializer().serializeToString(out), width, height };
}

/** Rasterizes an SVG at `scale` × its size (a blob: image, allowed by the panel's CSP). */
export async function svgToPng(doc: Document, e: SvgExport, scale = 2): Promise<Uint8Array> {
  const view = doc.defaultView!;
  const url = view.URL.createObjectURL(new Blob([e.svg], { type: 'image/svg+xml' }));
  try {
    const img = new view.Image();
    img.decoding = 'sync';
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be rasterized'));
      img.src = url;
    });
    const canvas = doc.createElement('canvas');
    canvas.width = Math.max(1, Math.round(e.width * scale));
    canvas.height = Math.max(1, Math.round(e.height * scale));
    const ctx = canvas.getContext('2d')!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the PNG could not be encoded');
    return new Uint8Array(await blob.arrayBuffer());
  } finally {
    view.URL.revokeObjectURL(url);
  }
}
