/**
 * The custom read-only editor for .npy / .npz / .safetensors / .pt (gradientLens.npyViewer). The
 * page (src/webview/npy, bundled into dist/npyViewer.js) is built by the panels' HTML builder and
 * speaks the typed protocol of src/shared/protocol.ts: the host sends the file's outline (arrays,
 * roles, the analysis) and answers the page's requests for the rows and 2-D slices it shows, each
 * validated by parseNpyViewerMessage. Its buttons run the gradientLens.* commands on this file.
 * Nothing here writes to the file.
 */
import * as vscode from 'vscode';
import { clampBlock, readNumberBlock, readStringBlock, tableShape } from '../core/arrayRows';
import { checkSlice, sliceArray } from '../core/arraySlice';
import { CLASS_NAME_FILES } from '../core/classNames';
import { NpyError, readNpy, type NpyArray } from '../core/npy';
import { readNpz } from '../core/npz';
import type { LayerSummary } from '../core/tensorArchives';
import {
  parseNpyViewerMessage,
  type NpyArrayInfo,
  type NpyRowsMessage,
  type NpyRowsRequest,
  type NpyShowMessage,
  type NpySliceMessage,
  type NpySliceRequest,
  type ToNpyViewer,
} from '../shared/protocol';
import type { AnalysisService, FileAnalysis } from './analysisService';
import { archiveView, isArchiveName } from './archiveView';
import { readSettings } from './config';
import { analysisInfo, arrayInfo, roleSources, rowColumnValues, withRoles, type RoleSources, type ViewerArray } from './npyViewModel';
import { newNonce, renderWebviewHtml } from './panelHtml';
import { CancelledError } from './documentWorker';
import type { MatrixBlock } from '../core/tensorQuery';

export const NPY_VIEW_TYPE = 'gradientLens.npyViewer';

class NpyDocument implements vscode.CustomDocument {
  arrays: ViewerArray[] = [];
  /** Each array's outline (statistics over all its values), computed once per read. */
  infos: NpyArrayInfo[] = [];
  error: string | null = null;
  /** safetensors `__metadata__` or a .pt's string entries; Linear layers of a state dict. */
  metadata: [string, string][] = [];
  layers: LayerSummary[] = [];
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {}
}

export function registerNpyEditor(context: vscode.ExtensionContext, service: AnalysisService): vscode.Disposable {
  return vscode.window.registerCustomEditorProvider(NPY_VIEW_TYPE, new NpyEditorProvider(context.extensionUri, service), {
    webviewOptions: { retainContextWhenHidden: false },
    supportsMultipleEditorsPerDocument: true,
  });
}

class NpyEditorProvider implements vscode.CustomReadonlyEditorProvider<NpyDocument> {
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly service: AnalysisService,
  ) {}

  async openCustomDocument(uri: vscode.Uri): Promise<NpyDocument> {
    const document = new NpyDocument(uri);
    await readDocument(document);
    return document;
  }

  async resolveCustomEditor(document: NpyDocument, panel: vscode.WebviewPanel): Promise<void> {
    const webview = panel.webview;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    webview.options = { enableScripts: true, localResourceRoots: [dist, media] };
    webview.html = renderWebviewHtml({
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'npyViewer.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'npy.css')).toString(),
      cspSource: webview.cspSource,
      nonce: newNonce(),
      title: baseName(document.uri),
      emptyText: `Reading ${baseName(document.uri)}…`,
      rootTestId: 'npy-viewer',
    });
    let ready = false;
    let analysis: FileAnalysis | null = null;
    let analysisError: string | null = null;
    let sources: RoleSources = roleSources(null, [], null);
    let infos: NpyArrayInfo[] = [];
    const post = (m: ToNpyViewer) => void webview.postMessage(m);
    const show = () => {
      infos = withRoles(document.infos, analysis, sources);
      if (ready) post(showMessage(document, infos, analysisInfo(analysis, analysisError, sources)));
    };
    /** Which array plays which role: once per analysis (finding the input compares its values). */
    const analysed = async (file: FileAnalysis | null) => {
      // analyzeUri's answer and onDidAnalyze bring the same analysis: its roles are found once.
      if (file && file === analysis) return show();
      analysis = file;
      const d = file?.dataset;
      const head =
        d?.task === 'classification'
          ? ((await file!.data.query({ kind: 'block', field: 'values', r0: 0, r1: Math.min(d.n, 8), cols: null })) as MatrixBlock).data
          : null;
      sources = roleSources(file, document.arrays, await classNameSource(document, file), head);
      show();
    };
    const analyse = async () => {
      try {
        const file = await this.service.analyzeUri(document.uri);
        analysisError = null;
        await analysed(file);
      } catch (error) {
        analysisError =
          error instanceof CancelledError
            ? 'The analysis was cancelled (for an .npz whose arrays could be read more than one way: no arrays were chosen).'
            : (error as Error).message;
        await analysed(null);
      }
    };
    const disposables: vscode.Disposable[] = [];
    webview.onDidReceiveMessage(
      (raw: unknown) => {
        const m = parseNpyViewerMessage(raw);
        if (!m) return;
        if (m.type === 'ready') {
          ready = true;
          show();
        } else if (m.type === 'run') void vscode.commands.executeCommand(m.command, document.uri);
        else if (m.type === 'retry') void analyse();
        else if (m.type === 'npyRows') post(answerRows(document, infos, analysis, m));
        else if (m.type === 'npySlice') post(answerSlice(document, m));
      },
      null,
      disposables,
    );
    disposables.push(
      this.service.onDidAnalyze(async (file) => {
        if (file.uri.toString() !== document.uri.toString()) return;
        analysisError = null;
        await analysed(file);
      }),
    );
    // The file changed on disk (re-saved by a training script): read it again.
    const folder = vscode.Uri.joinPath(document.uri, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(folder, baseName(document.uri).replace(/[[\]{}*?]/g, '[$&]')),
    );
    const reload = async () => {
      this.service.forget(document.uri);
      await readDocument(document);
      show();
      if (!document.error) await analyse();
    };
    disposables.push(watcher, watcher.onDidChange(reload), watcher.onDidCreate(reload));
    panel.onDidDispose(() => disposables.forEach((d) => d.dispose()));
    show();
    if (!document.error) await analyse();
  }
}

// ---- reading ------------------------------------------------------------------------------------

async function readDocument(document: NpyDocument): Promise<void> {
  document.metadata = [];
  document.layers = [];
  try {
    if (isArchiveName(document.uri.path)) return await readArchive(document);
    const stat = await vscode.workspace.fs.stat(document.uri);
    const max = readSettings().maxFileBytes;
    if (stat.size > max) {
      document.arrays = [];
      document.infos = [];
      document.error = `This file is ${(stat.size / 2 ** 20).toFixed(0)} MB, above the gradientLens.maxFileSizeMB limit of ${(max / 2 ** 20).toFixed(0)} MB.`;
      return;
    }
    const bytes = await vscode.workspace.fs.readFile(document.uri);
    document.arrays = readArrays(bytes, baseName(document.uri)).map(([name, array]) => ({ name, array }));
    document.infos = document.arrays.map(arrayInfo);
    document.error = null;
  } catch (error) {
    document.arrays = [];
    document.infos = [];
    document.error = error instanceof NpyError ? error.message : `cannot read the file: ${(error as Error).message}`;
  }
}

/** .safetensors / .pt: a local .safetensors is read lazily, so its size is no limit here. */
async function readArchive(document: NpyDocument): Promise<void> {
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
      ? { name: t.name, array: t.array }
      : {
          name: t.name,
          array: null,
          dtype: t.dtype,
          shape: t.shape,
          note: `not read by the viewer (${(t.bytes / 2 ** 20).toFixed(0)} MB)`,
        },
  );
  document.infos = document.arrays.map(arrayInfo);
  document.metadata = view.metadata;
  document.layers = view.layers;
  document.error = null;
}

function readArrays(bytes: Uint8Array, fileName: string): [string, NpyArray][] {
  if (/\.npz$/i.test(fileName) || (bytes[0] === 0x50 && bytes[1] === 0x4b)) return [...readNpz(bytes, fileName).entries()];
  return [[fileName, readNpy(bytes, fileName)]];
}

/** Where the class names came from: an array of the file holding them, else a classes.txt / labels.txt beside it. */
async function classNameSource(document: NpyDocument, file: FileAnalysis | null): Promise<string | null> {
  const classes = file?.dataset?.task === 'classification' ? file.dataset.classes : null;
  if (!classes) return null;
  const same = (a: NpyArray | null) => !!a?.strings && a.strings.length === classes.length && a.strings.every((s, i) => s === classes[i]);
  const inFile = document.arrays.find((a) => same(a.array));
  if (inFile) return inFile.name;
  for (const name of CLASS_NAME_FILES) {
    try {
      await vscode.workspace.fs.stat(vscode.Uri.joinPath(document.uri, '..', name));
      return name;
    } catch {
      // not there: try the next name
    }
  }
  return 'a file beside it';
}

// ---- answers ------------------------------------------------------------------------------------

function showMessage(document: NpyDocument, arrays: NpyArrayInfo[], analysis: NpyShowMessage['analysis']): NpyShowMessage {
  return {
    type: 'npyShow',
    fileName: baseName(document.uri),
    error: document.error,
    arrays: document.error ? [] : arrays,
    metadata: document.metadata,
    layers: document.layers.map(({ name, weightShape, weightNorm, biasShape, biasNorm }) => ({
      name,
      weightShape,
      weightNorm,
      biasShape,
      biasNorm,
    })),
    analysis,
  };
}

/** The block of rows and columns the page shows, clamped to the array; with the class columns of those rows. */
function answerRows(document: NpyDocument, infos: NpyArrayInfo[], file: FileAnalysis | null, m: NpyRowsRequest): NpyRowsMessage {
  const a = document.arrays[m.array]?.array;
  const info = infos[m.array];
  const answer = { type: 'npyRows' as const, requestId: m.requestId, array: m.array, values: null, strings: null, rowColumns: [] };
  if (!a || !info) return { ...answer, row0: m.row0, row1: m.row0, col0: m.col0, col1: m.col0, error: 'no such array' };
  const table = tableShape(a.shape);
  const b = clampBlock(table, m);
  const rowColumns = rowColumnValues(info.rowColumns ?? [], file, b.row0, b.row1, info.rowColumns?.includes('class') ? a.data : undefined);
  if (a.kind === 'string') return { ...answer, ...b, strings: readStringBlock(a.strings ?? [], table, b), rowColumns };
  return { ...answer, ...b, values: readNumberBlock(a.data, table, b), rowColumns };
}

/** A 2-D slice of any-rank array: checked, cut (at most 512 × 512). */
function answerSlice(document: NpyDocument, m: NpySliceRequest): NpySliceMessage {
  const a = document.arrays[m.array]?.array;
  const none = { type: 'npySlice' as const, array: m.array, rows: 0, cols: 0, totalRows: 0, totalCols: 0, values: new Float64Array(0) };
  if (!a || a.kind === 'string') return { ...none, error: 'no such array' };
  const problem = checkSlice(a.shape, m);
  if (problem) return { ...none, error: problem };
  return { type: 'npySlice', array: m.array, ...sliceArray(a.shape, a.data, m) };
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
