/**
 * The custom read-only editor for .npy / .npz / .safetensors / .pt (gradientLens.npyViewer). The
 * page (src/webview/npy, bundled into dist/npyViewer.js) is built by the panels' HTML builder and
 * speaks the typed protocol of src/shared/protocol.ts: the host sends the file's outline (arrays,
 * roles, the analysis) and answers the page's requests for the rows and 2-D slices it shows, each
 * validated by parseNpyViewerMessage. Its buttons run the gradientLens.* commands on this file.
 * Nothing here writes to the file.
 */
import * as vscode from 'vscode';
import { CLASS_NAME_FILES } from '../core/classNames';
import { NpyError, type NpyArray } from '../core/npy';
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
import { readSettings } from './config';
import { analysisInfo, roleSources, rowColumnValues, withRoles, type RoleSources, type ViewerArray } from './npyViewModel';
import { newNonce, renderWebviewHtml } from './panelHtml';
import { CancelledError, DocumentWorker } from './documentWorker';
import { ViewerArrays, type ViewerBlock, type ViewerLayer, type ViewerOutline, type ViewerSlice } from './viewerArrays';
import type { MatrixBlock } from '../core/tensorQuery';

export const NPY_VIEW_TYPE = 'gradientLens.npyViewer';

class NpyDocument implements vscode.CustomDocument {
  /** The arrays with their first rows only (string arrays whole): the rest is asked of `holder`. */
  arrays: ViewerArray[] = [];
  /** Each array's outline (statistics over all its values), computed once per read. */
  infos: NpyArrayInfo[] = [];
  error: string | null = null;
  /** safetensors `__metadata__` or a .pt's string entries; Linear layers of a state dict. */
  metadata: [string, string][] = [];
  layers: ViewerLayer[] = [];
  /** Where the decoded arrays are: this host for a small file, a worker of its own for a large one. */
  holder: ViewerHolder | null = null;
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void {
    this.holder?.dispose();
    this.holder = null;
  }
}

class TooLargeError extends Error {}

/** The blocks and slices of the viewer's arrays, answered where they are held. */
interface ViewerHolder {
  rows(m: NpyRowsRequest): Promise<ViewerBlock>;
  slice(m: NpySliceRequest): Promise<ViewerSlice>;
  dispose(): void;
}

/** dist/worker.js, which also holds a large file's decoded arrays. */
let workerScript: string | null = null;

export function registerNpyEditor(context: vscode.ExtensionContext, service: AnalysisService): vscode.Disposable {
  workerScript = vscode.Uri.joinPath(context.extensionUri, 'dist', 'worker.js').fsPath;
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
        // A block of a viewer closed meanwhile (its worker ended) has no one to go to: dropped.
        else if (m.type === 'npyRows') void answerRows(document, infos, analysis, m).then(post, () => undefined);
        else if (m.type === 'npySlice') void answerSlice(document, m).then(post, () => undefined);
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
  document.holder?.dispose();
  document.holder = null;
  const name = baseName(document.uri);
  let outline: ViewerOutline;
  try {
    // A local .safetensors is read lazily (header, then what the viewer shows), so its size is no limit.
    const lazy = document.uri.scheme === 'file' && /\.safetensors$/i.test(name);
    const stat = await vscode.workspace.fs.stat(document.uri);
    const { maxFileBytes, workerThresholdBytes } = readSettings();
    if (!lazy && stat.size > maxFileBytes)
      throw new TooLargeError(
        `This file is ${(stat.size / 2 ** 20).toFixed(0)} MB, above the gradientLens.maxFileSizeMB limit of ${(maxFileBytes / 2 ** 20).toFixed(0)} MB.`,
      );
    const local = document.uri.scheme === 'file';
    // A compressed archive may inflate far beyond its size: decoded off the host's thread whatever its size.
    if (stat.size > workerThresholdBytes || /\.(npz|pt|pth)$/i.test(name)) {
      // Decoded in a worker that keeps the arrays: the host gets the outline and asks for blocks.
      const worker = new DocumentWorker(workerScript!);
      const input = local ? { path: document.uri.fsPath } : { bytes: await vscode.workspace.fs.readFile(document.uri) };
      outline = await worker.openViewer({ input, fileName: name }).catch((error: Error) => {
        worker.dispose();
        throw error;
      });
      document.holder = { rows: (m) => worker.viewerRows(m), slice: (m) => worker.viewerSlice(m), dispose: () => worker.dispose() };
    } else {
      const input = lazy ? { path: document.uri.fsPath } : { bytes: await vscode.workspace.fs.readFile(document.uri) };
      const arrays = ViewerArrays.open({ input, fileName: name });
      outline = arrays.outline();
      document.holder = { rows: async (m) => arrays.rows(m), slice: async (m) => arrays.slice(m), dispose: () => {} };
    }
  } catch (error) {
    const message =
      error instanceof NpyError || error instanceof TooLargeError ? error.message : `cannot read the file: ${(error as Error).message}`;
    outline = { arrays: [], infos: [], metadata: [], layers: [], error: message };
  }
  document.arrays = outline.arrays;
  document.infos = outline.infos;
  document.metadata = outline.metadata;
  document.layers = outline.layers;
  document.error = outline.error;
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
async function answerRows(
  document: NpyDocument,
  infos: NpyArrayInfo[],
  file: FileAnalysis | null,
  m: NpyRowsRequest,
): Promise<NpyRowsMessage> {
  const info = infos[m.array];
  const answer = { type: 'npyRows' as const, requestId: m.requestId, array: m.array, values: null, strings: null, rowColumns: [] };
  if (!document.holder || !info) return { ...answer, row0: m.row0, row1: m.row0, col0: m.col0, col1: m.col0, error: 'no such array' };
  const block = await document.holder.rows(m);
  if (block.error) return { ...answer, ...block, values: null, strings: null };
  // A labels array's class-name column: its own values, which are this block's (one column), by row.
  const labels = info.rowColumns?.includes('class') && block.values ? block.values : undefined;
  const rowColumns = rowColumnValues(info.rowColumns ?? [], file, block.row0, block.row1, labels, block.row0);
  return { ...answer, ...block, rowColumns };
}

/** A 2-D slice of any-rank array: checked, cut (at most 512 × 512). */
async function answerSlice(document: NpyDocument, m: NpySliceRequest): Promise<NpySliceMessage> {
  const slice = document.holder
    ? await document.holder.slice(m)
    : { rows: 0, cols: 0, totalRows: 0, totalCols: 0, values: new Float64Array(0), error: 'no such array' };
  return { type: 'npySlice', array: m.array, ...slice };
}

function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}
