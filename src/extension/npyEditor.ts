/**
 * The custom read-only editor for .npy / .npz (gradientLens.npyViewer): each array's name, dtype,
 * shape, min / max / mean and first rows, and — when the file can be analysed — the loss with
 * buttons that run the same gradientLens.* commands on this file. The page is static HTML under a
 * strict CSP (default-src 'none', one nonce for its style and its script); its only message is
 * "run this command", checked against a fixed list. Nothing here writes to the file.
 */
import * as vscode from 'vscode';
import { className } from '../core/dataset';
import { NpyError, readNpy, type NpyArray } from '../core/npy';
import { readNpz } from '../core/npz';
import { dtypeName, shapeText } from '../core/numpyRoles';
import { arrayStats, checkSlice, sliceArray, type ArrayStats } from '../core/arraySlice';
import { accuracy } from '../core/report';
import { SLICE_SCRIPT } from './sliceViewScript';
import type { LayerSummary } from '../core/tensorArchives';
import { archiveView, isArchiveName } from './archiveView';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { readSettings } from './config';
import { CancelledError } from './documentWorker';
import { lossLabel } from './lossText';

export const NPY_VIEW_TYPE = 'gradientLens.npyViewer';

/** The commands the page may ask for, with their button labels. */
const ACTIONS: readonly { command: string; label: string }[] = [
  { command: 'gradientLens.analyzeFile', label: 'Analyze' },
  { command: 'gradientLens.showLossPerSample', label: 'Loss per sample' },
  { command: 'gradientLens.showGradients', label: 'Gradients' },
  { command: 'gradientLens.showJacobian', label: 'Softmax Jacobian' },
  { command: 'gradientLens.explainChainRule', label: 'Chain rule' },
  { command: 'gradientLens.compareFiniteDifferences', label: 'Finite differences' },
  { command: 'gradientLens.exportAnalysis', label: 'Export…' },
];

const PREVIEW_ROWS = 8;
const PREVIEW_COLS = 10;

interface ArraySummary {
  name: string;
  dtype: string;
  shape: number[];
  count: number;
  stats: ArrayStats | null;
  /** Numeric, rank ≥ 2 and not empty: drawn as a heatmap of a chosen 2-D slice. */
  slice?: boolean;
  /** First rows (as a 2-D preview: a vector is one column) of formatted values. */
  preview: string[][];
  moreRows: boolean;
  moreCols: boolean;
  /** Why no values are shown (a tensor the viewer did not read). */
  note?: string;
}

class NpyDocument implements vscode.CustomDocument {
  constructor(
    readonly uri: vscode.Uri,
    public arrays: ArraySummary[],
    public error: string | null,
    /** safetensors `__metadata__` or a .pt's string entries; Linear layers of a state dict. */
    public metadata: [string, string][] = [],
    public layers: LayerSummary[] = [],
    /** The arrays themselves (null: not read), for the heatmap's slices. */
    public raw: (NpyArray | null)[] = [],
  ) {}
  dispose(): void {}
}

/** `context` is taken for symmetry with the other registrations; the provider keeps no state in it. */
export function registerNpyEditor(_context: vscode.ExtensionContext, service: AnalysisService): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(NPY_VIEW_TYPE, new NpyEditorProvider(service), {
    webviewOptions: { retainContextWhenHidden: false },
    supportsMultipleEditorsPerDocument: true,
  });
}

class NpyEditorProvider implements vscode.CustomReadonlyEditorProvider<NpyDocument> {
  constructor(private readonly service: AnalysisService) {}

  async openCustomDocument(uri: vscode.Uri): Promise<NpyDocument> {
    const document = new NpyDocument(uri, [], null);
    await this.read(document);
    return document;
  }

  private async read(document: NpyDocument): Promise<void> {
    try {
      if (isArchiveName(document.uri.path)) return await this.readArchive(document);
      const stat = await vscode.workspace.fs.stat(document.uri);
      const max = readSettings().maxFileBytes;
      if (stat.size > max) {
        document.arrays = [];
        document.error = `This file is ${(stat.size / 2 ** 20).toFixed(0)} MB, above the gradientLens.maxFileSizeMB limit of ${(max / 2 ** 20).toFixed(0)} MB.`;
        return;
      }
      const bytes = await vscode.workspace.fs.readFile(document.uri);
      const arrays = readArrays(bytes, baseName(document.uri));
      document.raw = arrays.map(([, a]) => a);
      document.arrays = arrays.map(([name, a]) => summarizeArray(name, a));
      document.error = null;
    } catch (error) {
      document.arrays = [];
      document.error = error instanceof NpyError ? error.message : `cannot read the file: ${(error as Error).message}`;
    }
  }

  /** .safetensors / .pt: a local .safetensors is read lazily, so its size is no limit here. */
  private async readArchive(document: NpyDocument): Promise<void> {
    const name = baseName(document.uri);
    const lazy = document.uri.scheme === 'file' && /\.safetensors$/i.test(name);
    if (!lazy) {
      const stat = await vscode.workspace.fs.stat(document.uri);
      const max = readSettings().maxFileBytes;
      if (stat.size > max)
        throw new Error(
          `this file is ${(stat.size / 2 ** 20).toFixed(0)} MB, above the gradientLens.maxFileSizeMB limit of ${(max / 2 ** 20).toFixed(0)} MB`,
        );
    }
    const view = archiveView(name, lazy ? { path: document.uri.fsPath } : { bytes: await vscode.workspace.fs.readFile(document.uri) });
    document.arrays = view.tensors.map((t) =>
      t.array
        ? summarizeArray(t.name, t.array)
        : {
            name: t.name,
            dtype: t.dtype,
            shape: t.shape,
            count: t.shape.reduce((a, b) => a * b, 1),
            stats: null,
            preview: [],
            moreRows: false,
            moreCols: false,
            note: `not read by the viewer (${(t.bytes / 2 ** 20).toFixed(0)} MB)`,
          },
    );
    document.metadata = view.metadata;
    document.layers = view.layers;
    document.raw = view.tensors.map((t) => t.array);
    document.error = null;
  }

  async resolveCustomEditor(document: NpyDocument, panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: true, localResourceRoots: [] };
    let analysis: FileAnalysis | null = null;
    let analysisError: string | null = null;
    const render = () => {
      panel.webview.html = renderHtml(panel.webview.cspSource, nonce(), baseName(document.uri), document, analysis, analysisError);
    };
    const analyse = async () => {
      try {
        analysis = await this.service.analyzeUri(document.uri);
        analysisError = null;
      } catch (error) {
        analysis = null;
        analysisError =
          error instanceof CancelledError
            ? 'The analysis was cancelled (for an .npz whose arrays could be read more than one way: no arrays were chosen).'
            : (error as Error).message;
      }
      render();
    };
    render();
    const disposables: vscode.Disposable[] = [];
    panel.webview.onDidReceiveMessage(
      (raw: unknown) => {
        const command =
          typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'run'
            ? (raw as { command?: unknown }).command
            : undefined;
        if (typeof command === 'string' && ACTIONS.some((a) => a.command === command))
          void vscode.commands.executeCommand(command, document.uri);
        else if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'retry') void analyse();
        else if (typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'slice')
          void panel.webview.postMessage(answerSlice(document, raw as Record<string, unknown>));
      },
      null,
      disposables,
    );
    disposables.push(
      this.service.onDidAnalyze((file) => {
        if (file.uri.toString() !== document.uri.toString()) return;
        analysis = file;
        analysisError = null;
        render();
      }),
    );
    // The file changed on disk (re-saved by a training script): read it again.
    const folder = vscode.Uri.joinPath(document.uri, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(folder, baseName(document.uri).replace(/[[\]{}*?]/g, '[$&]')),
    );
    const reload = async () => {
      this.service.forget(document.uri);
      await this.read(document);
      await analyse();
    };
    disposables.push(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload));
    panel.onDidDispose(() => disposables.forEach((d) => d.dispose()));
    if (!document.error) await analyse();
  }
}

// ---- summaries ----------------------------------------------------------------------------------

export function summarize(bytes: Uint8Array, fileName: string): ArraySummary[] {
  return readArrays(bytes, fileName).map(([name, a]) => summarizeArray(name, a));
}

function readArrays(bytes: Uint8Array, fileName: string): [string, NpyArray][] {
  if (/\.npz$/i.test(fileName) || (bytes[0] === 0x50 && bytes[1] === 0x4b)) return [...readNpz(bytes, fileName).entries()];
  return [[fileName, readNpy(bytes, fileName)]];
}

/** The page asked for a 2-D slice of array `array`: checked, cut (at most 512 × 512) and sent back. */
function answerSlice(document: NpyDocument, m: Record<string, unknown>): Record<string, unknown> {
  const array = m.array;
  const a = typeof array === 'number' && Number.isInteger(array) ? document.raw[array] : undefined;
  if (!a || a.kind === 'string') return { type: 'slice', array, error: 'no such array' };
  const request = { rowAxis: Number(m.rowAxis), colAxis: Number(m.colAxis), index: Array.isArray(m.index) ? m.index.map(Number) : [] };
  const problem = checkSlice(a.shape, request);
  if (problem) return { type: 'slice', array, error: problem };
  const s = sliceArray(a.shape, a.data, request);
  return { type: 'slice', array, rows: s.rows, cols: s.cols, totalRows: s.totalRows, totalCols: s.totalCols, values: Array.from(s.values) };
}

function summarizeArray(name: string, a: NpyArray): ArraySummary {
  const count = a.shape.reduce((x, y) => x * y, 1);
  let stats: ArraySummary['stats'] = null;
  if (a.kind !== 'string' && count > 0) stats = arrayStats(a.data);
  const rows = a.shape.length === 0 ? 1 : a.shape[0];
  const cols = a.shape.length <= 1 ? 1 : count / Math.max(1, rows);
  const preview: string[][] = [];
  const shownCols = Math.min(cols, PREVIEW_COLS);
  for (let i = 0; i < Math.min(rows, PREVIEW_ROWS); i++) {
    const row: string[] = [];
    for (let j = 0; j < shownCols; j++) {
      const index = i * cols + j;
      row.push(
        a.kind === 'string'
          ? JSON.stringify(a.strings?.[index] ?? '')
          : a.kind === 'bool'
            ? a.data[index]
              ? 'True'
              : 'False'
            : formatNumber(a.data[index]),
      );
    }
    preview.push(row);
  }
  const slice = a.kind !== 'string' && a.shape.length >= 2 && count > 0;
  return {
    name,
    dtype: a.dtype,
    shape: a.shape,
    count,
    stats,
    preview,
    moreRows: rows > PREVIEW_ROWS,
    moreCols: cols > PREVIEW_COLS,
    slice,
  };
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(4) : String(Number(v.toPrecision(6)));
}

// ---- page ---------------------------------------------------------------------------------------

function renderHtml(
  cspSource: string,
  nonceValue: string,
  fileName: string,
  document: NpyDocument,
  file: FileAnalysis | null,
  analysisError: string | null,
): string {
  const csp = `default-src 'none'; style-src ${cspSource} 'nonce-${nonceValue}'; script-src 'nonce-${nonceValue}'; img-src ${cspSource}`;
  const body: string[] = [`<h1>${esc(fileName)}</h1>`];
  if (document.error) body.push(`<p class="error">${esc(document.error)}</p>`);
  else {
    body.push(analysisSection(file, analysisError));
    body.push(archiveSections(document.metadata, document.layers));
    document.arrays.forEach((a, i) => body.push(arraySection(a, i)));
  }
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${esc(fileName)}</title>
<style nonce="${nonceValue}">
  body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1.5em 2em; }
  h1 { font-size: 1.3em; } h2 { font-size: 1.1em; margin-top: 1.6em; }
  .meta { color: var(--vscode-descriptionForeground); }
  .error { color: var(--vscode-errorForeground); white-space: pre-wrap; }
  .warning { color: var(--vscode-editorWarning-foreground); }
  table { border-collapse: collapse; font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  .slice-controls { margin: 0.4em 0; } .slice-controls input { width: 5em; }
  .slice-figure { display: flex; gap: 6px; align-items: flex-start; margin-bottom: 0.4em; }
  .bar-labels { display: flex; flex-direction: column; justify-content: space-between; font-size: 0.85em; min-height: 60px; }
  td.text { text-align: left; white-space: pre-wrap; word-break: break-all; }
  td, th { padding: 2px 10px; text-align: right; border-bottom: 1px solid var(--vscode-editorWidget-border, transparent); }
  th { color: var(--vscode-descriptionForeground); font-weight: normal; }
  .loss { font-size: 1.2em; }
  .actions { display: flex; flex-wrap: wrap; gap: 6px; margin: 0.8em 0; }
  button { background: var(--vscode-button-secondaryBackground); color: var(--vscode-button-secondaryForeground); border: none; padding: 4px 12px; cursor: pointer; }
  button.primary { background: var(--vscode-button-background); color: var(--vscode-button-foreground); }
  button:hover { background: var(--vscode-button-hoverBackground); color: var(--vscode-button-foreground); }
</style>
</head>
<body>
${body.join('\n')}
<script nonce="${nonceValue}">
  const vscode = acquireVsCodeApi();
  for (const b of document.querySelectorAll('button[data-command]')) b.addEventListener('click', () => vscode.postMessage({ type: 'run', command: b.dataset.command }));
  for (const b of document.querySelectorAll('button[data-retry]')) b.addEventListener('click', () => vscode.postMessage({ type: 'retry' }));
${SLICE_SCRIPT}
</script>
</body>
</html>`;
}

function analysisSection(file: FileAnalysis | null, analysisError: string | null): string {
  if (analysisError)
    return `<section><h2>Analysis</h2><p class="error">${esc(analysisError)}</p><div class="actions"><button class="primary" data-retry="1">Analyse again</button></div></section>`;
  if (!file) return `<section><h2>Analysis</h2><p class="meta">Analysing…</p></section>`;
  const warnings = file.problems.filter((p) => p.severity === 'warning').map((p) => `<li class="warning">${esc(p.message)}</li>`);
  if (!file.dataset && file.problems.some((p) => p.code === 'state-dict')) {
    return `<section><h2>Analysis</h2><p class="meta">Weights only (a state dict): save "inputs" and "labels" (or "targets") in the same file, or inputs.npy and labels.npy beside it, to see the loss and the gradient of every layer.</p></section>`;
  }
  if (!file.dataset) {
    const errors = file.problems.filter((p) => p.severity === 'error').map((p) => `<li class="error">${esc(p.message)}</li>`);
    const ambiguous = file.problems.some((p) => p.code === 'ambiguous-roles');
    const action = ambiguous
      ? `<div class="actions"><button class="primary" data-command="gradientLens.analyzeFile">Choose the arrays…</button></div>`
      : '';
    return `<section><h2>Not analysable</h2><ul>${errors.join('')}${warnings.join('')}</ul>${action}</section>`;
  }
  const lines: string[] = [];
  const a = file.analysis;
  if (a?.task === 'classification') {
    const classes = file.dataset.task === 'classification' ? file.dataset.classes : null;
    lines.push(
      `<p class="loss">${a.lossSpec ? esc(lossLabel(a)) : 'Cross-entropy'} (${a.reduction}) <strong>${esc(formatNumber(a.loss))}</strong> over ${a.n} samples × ${a.k} classes, from ${a.input}; accuracy ${(accuracy(a.predicted, a.actual) * 100).toFixed(1)}%</p>`,
    );
    let worst = 0;
    for (let i = 1; i < a.n; i++) if (a.losses[i] > a.losses[worst]) worst = i;
    if (a.n > 0)
      lines.push(
        `<p class="meta">Highest loss: sample ${worst} (${esc(formatNumber(a.losses[worst]))}), true ${esc(className(classes, a.actual[worst]))}, predicted ${esc(className(classes, a.predicted[worst]))}</p>`,
      );
    if (classes) lines.push(`<p class="meta">Classes: ${esc(classes.slice(0, 50).join(', '))}${classes.length > 50 ? ', …' : ''}</p>`);
  } else if (a?.task === 'regression') {
    lines.push(
      `<p class="loss">${a.lossSpec ? esc(lossLabel(a)) : 'Mean squared error'} (${a.reduction}) <strong>${esc(formatNumber(a.loss))}</strong> over ${a.n} samples × ${a.d} outputs</p>`,
    );
  } else if (file.network) {
    lines.push(`<p class="loss">Network, ${file.network.n} samples, loss <strong>${esc(formatNumber(file.network.loss))}</strong></p>`);
  }
  const task = file.dataset.task;
  const buttons = ACTIONS.filter(
    (x) =>
      task === 'classification' ||
      (x.command !== 'gradientLens.showJacobian' && x.command !== 'gradientLens.explainChainRule') ||
      task === 'network',
  )
    .map((x, i) => `<button${i === 0 ? ' class="primary"' : ''} data-command="${esc(x.command)}">${esc(x.label)}</button>`)
    .join('');
  return `<section><h2>Analysis</h2>${lines.join('\n')}${warnings.length ? `<ul>${warnings.join('')}</ul>` : ''}<div class="actions">${buttons}</div></section>`;
}

function arraySection(a: ArraySummary, index: number): string {
  const stats = a.stats
    ? `min ${esc(formatNumber(a.stats.min))} · max ${esc(formatNumber(a.stats.max))} · mean ${esc(formatNumber(a.stats.mean))} · std ${esc(formatNumber(a.stats.std))}` +
      (a.stats.nan || a.stats.inf ? ` · <span class="warning">${a.stats.nan} NaN, ${a.stats.inf} ±Inf</span>` : '')
    : '';
  const note = a.note ? ` · ${esc(a.note)}` : '';
  const header = `<h2>${esc(a.name)}</h2><p class="meta">${esc(dtypeName(a.dtype))} (${esc(a.dtype)}) · shape ${esc(shapeText(a.shape))} · ${a.count.toLocaleString('en-US')} values${stats ? ` · ${stats}` : ''}${note}</p>`;
  if (a.preview.length === 0) return header;
  const slicer = a.slice ? `<div class="slicer" data-array="${index}" data-shape="${a.shape.join(',')}"></div>` : '';
  const cols = a.preview[0].length;
  const head = `<tr><th></th>${Array.from({ length: cols }, (_, j) => `<th>${j}</th>`).join('')}${a.moreCols ? '<th>…</th>' : ''}</tr>`;
  const rows = a.preview
    .map((r, i) => `<tr><th>${i}</th>${r.map((v) => `<td>${esc(v)}</td>`).join('')}${a.moreCols ? '<td>…</td>' : ''}</tr>`)
    .join('');
  const more = a.moreRows ? `<tr><th>…</th>${'<td>…</td>'.repeat(cols)}</tr>` : '';
  return `${header}${slicer}<table>${a.shape.length > 1 ? head : ''}${rows}${more}</table>`;
}

/** The file's metadata and, for a state dict, one row per Linear layer. */
function archiveSections(metadata: [string, string][], layers: LayerSummary[]): string {
  const parts: string[] = [];
  if (metadata.length > 0) {
    const rows = metadata
      .map(([k, v]) => `<tr><th>${esc(k)}</th><td class="text">${esc(v.length > 500 ? `${v.slice(0, 500)}…` : v)}</td></tr>`)
      .join('');
    parts.push(`<section><h2>Metadata</h2><table class="metadata">${rows}</table></section>`);
  }
  if (layers.length > 0) {
    const rows = layers
      .map(
        (l) =>
          `<tr><th>${esc(l.name)}</th><td>${esc(shapeText(l.weightShape))}</td><td>${esc(formatNumber(l.weightNorm))}</td><td>${l.biasShape ? esc(shapeText(l.biasShape)) : '—'}</td><td>${l.biasNorm === null ? '—' : esc(formatNumber(l.biasNorm))}</td></tr>`,
      )
      .join('');
    parts.push(
      `<section><h2>Network: ${layers.length} Linear layer${layers.length === 1 ? '' : 's'}</h2><table class="layers"><tr><th>layer</th><th>weight</th><th>‖W‖</th><th>bias</th><th>‖b‖</th></tr>${rows}</table></section>`,
    );
  }
  return parts.join('\n');
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function nonce(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
