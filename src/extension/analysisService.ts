/**
 * Analyses of tensor files, one entry per file, kept only while the document is open (no
 * unbounded cache). Small files are analysed inline; large ones in a worker thread that a
 * cancelled command terminates.
 */
import { stat as fileStat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { LineIndex } from '../core/lineIndex';
import { formatOf, lineIndexOf } from '../core/load';
import { runPipeline } from '../core/pipeline';
import { summarizeResult, type ResultSummary } from '../core/resultSummary';
import { readSettings } from './config';
import { pickRoles, type EditorLoadOptions } from './npzRolePick';
import { SiblingCache } from './siblingCache';
import { looksLikeTensorFile, looksLikeTensorText, NOT_A_TENSOR_FILE, notATensorFileMessage } from './tensorFileCheck';
import { CancelledError, DocumentWorker } from './documentWorker';
import { LocalTensorData, type TensorData } from './tensorData';
import { documentWindow, fileWindow } from './byteWindows';
import type { WorkerInput, WorkerRead } from './workerProtocol';
import { PartThreadHost } from './partThreadHost';
import { savedFileInput } from './savedFileInput';
import { NOT_THE_DOCUMENT } from './editLog';
import { NotATensorFileError, NotTheDocumentError } from './analysisErrors';
import { textLength, TypedVersions } from './typedVersions';
import { SpareWorker } from './spareWorker';

export { looksLikeTensorFile, looksLikeTensorText };

export interface FileAnalysis extends ResultSummary {
  uri: vscode.Uri;
  fileName: string;
  /** Document version analysed (undefined when read from disk). */
  version: number | undefined;
  lines: LineIndex;
  /** True when VS Code did not open the file as a document (too large to sync). */
  fromDisk: boolean;
  /**
   * What was read: the document's text, the file on disk (a file not open, or a large saved
   * document's), or that file and the document's unsaved edits (editLog.ts).
   */
  source: 'text' | 'file' | 'edits';
  /** Where the N × K arrays are and how to ask for parts of them (a worker for a large file). */
  data: TensorData;
  /** For a named loss: what the batch ∂L/∂z scales p·Σy − y by, when not 1/N. */
  gradientScale?: number;
  /** How a worker read it (workerProtocol.ts); undefined when analysed here. */
  read?: WorkerRead;
}

export { NotATensorFileError };

/** null for a run on a file that proved not to be the document: the caller sends the text. */
function unlessNotTheDocument(error: unknown): null {
  if (error instanceof NotTheDocumentError) return null;
  throw error;
}

/** Analyses of files from disk kept at once (the panel's, the NumPy viewers', the last commands'). */
const MAX_FROM_DISK = 4;

export class AnalysisService implements vscode.Disposable {
  private readonly entries = new Map<string, FileAnalysis>();
  private readonly pending = new Map<string, Promise<FileAnalysis>>();
  /** An open document's analysis in progress, by uri@version (it begins before `pending`'s entry does). */
  private readonly documentsPending = new Map<string, Promise<FileAnalysis | null>>();
  private readonly workerScript: string;
  private readonly partThreads: PartThreadHost;
  /** A file worker booted ahead of the next analysis, once a large file has been analysed. */
  private readonly spares: SpareWorker<DocumentWorker>;
  private readonly changed = new vscode.EventEmitter<FileAnalysis>();
  readonly onDidAnalyze = this.changed.event;
  /** An open document's sibling files, not looked up again on every edit. */
  private readonly siblings = new SiblingCache();
  /** A large document's versions while the user types, each made by a worker from the edits since an earlier one. */
  private readonly typed = new TypedVersions(
    (key) => this.entries.get(key),
    async (document, input, version, token) =>
      this.run(document.uri, input, version, false, token, { siblings: await this.siblings.get(document.uri) }),
  );

  constructor(
    extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.workerScript = vscode.Uri.joinPath(extensionUri, 'dist', 'worker.js').fsPath;
    this.partThreads = new PartThreadHost(this.workerScript);
    this.spares = new SpareWorker((parts) => new DocumentWorker(this.workerScript, parts ? this.partThreads.connect() : []));
  }

  /** A worker for one file: the spare when there is one, else a new one. */
  private newWorker(fileName: string): DocumentWorker {
    return this.spares.take(readsParts(fileName));
  }

  /** The worker booted for the next analysis, if any (tests). */
  get spareWorker(): DocumentWorker | null {
    return this.spares.kept;
  }

  get(uri: vscode.Uri): FileAnalysis | undefined {
    return this.entries.get(uri.toString());
  }

  /** Drops a file's analysis (its document closed): its worker, and the arrays it held, go with it. */
  forget(uri: vscode.Uri): void {
    this.typed.log.forget(uri.toString());
    this.entries.get(uri.toString())?.data.dispose();
    this.entries.delete(uri.toString());
    this.dropUnusedSpare();
  }

  /** No analysis held by a worker is left (the large files closed): neither is the spare. */
  private dropUnusedSpare(): void {
    if (![...this.entries.values()].some((e) => e.data.where === 'worker')) this.spares.drop();
  }

  /** Analysis of an open document, reusing the cached one when its version is current. */
  analyzeDocument(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<FileAnalysis | null> {
    // Hover and CodeLens ask on every move: answer from the cache before encoding the text again.
    const cached = this.get(document.uri);
    if (cached && cached.version === document.version) return Promise.resolve(cached);
    // Diagnostics, CodeLens, hover and the panel ask for a new version at once: one analysis of it.
    const key = `${document.uri.toString()}@${document.version}`;
    let analysis = this.documentsPending.get(key);
    if (!analysis) {
      analysis = this.analyzeVersion(document, token).finally(() => this.documentsPending.delete(key));
      this.documentsPending.set(key, analysis);
    }
    return analysis;
  }

  private async analyzeVersion(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<FileAnalysis | null> {
    // The version analysed: the document may change while the siblings are looked up.
    const version = document.version;
    const key = document.uri.toString();
    const units = textLength(document);
    const large = units > readSettings().workerThresholdBytes;
    // Typing into a large document: the worker of its last analysis makes the edits on the text
    // it holds, or else a worker makes them on its saved file (editLog.ts); either checks that the
    // result is a tensor file, so the text is not even asked for here.
    if (large && document.isDirty) {
      const analysis = await this.typed.analyze(document, version, units, token);
      if (analysis !== undefined) return analysis;
      // The text is of a later version by now: that version's analysis answers.
      if (document.version !== version) return this.analyzeDocument(document, token);
    }
    const text = document.getText();
    if (!looksLikeTensorText(document.fileName, text)) return null;
    // Edits from this version on are kept from now, in case its file proves to be this text.
    if (large && !document.isDirty) this.typed.log.begin(key, version);
    // An open text document is never an archive: its only load options are its siblings.
    const extra: EditorLoadOptions = { siblings: await this.siblings.get(document.uri) };
    if (!large) return this.run(document.uri, { bytes: new TextEncoder().encode(text) }, version, false, token, extra);
    // A large saved document is read by its worker from its file; else its text goes to the worker as it is.
    const file = await savedFileInput(document, text, fileStat);
    if (file) {
      const analysis = await this.run(document.uri, file, version, false, token, extra).catch(unlessNotTheDocument);
      if (analysis) {
        this.typed.log.confirm(key, version, file, text.length);
        return analysis;
      }
    }
    return this.run(document.uri, { text }, version, false, token, extra);
  }

  /** Analysis of a file by URI: the open document if there is one, else the bytes on disk. */
  async analyzeUri(uri: vscode.Uri, token?: vscode.CancellationToken): Promise<FileAnalysis> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const format = formatOf(uri.path);
    if (document && !['npy', 'npz', 'safetensors', 'pt'].includes(format ?? '')) {
      const analysis = await this.analyzeDocument(document, token);
      if (!analysis) throw new NotATensorFileError(notATensorFileMessage(baseName(uri), firstLines(document)));
      return analysis;
    }
    const cached = this.get(uri);
    if (cached && cached.fromDisk) return cached;
    const stat = await vscode.workspace.fs.stat(uri);
    const max = readSettings().maxFileBytes;
    if (stat.size > max) {
      throw new NotATensorFileError(
        `${baseName(uri)} is ${(stat.size / 2 ** 20).toFixed(0)} MB, above the gradientLens.maxFileSizeMB limit of ${(max / 2 ** 20).toFixed(0)} MB`,
      );
    }
    const archive = ['npz', 'safetensors', 'pt'].includes(format ?? '');
    // An archive of any size goes to a worker: a small one may still inflate to far more than its size.
    if (archive || stat.size > readSettings().workerThresholdBytes) return this.analyzeLarge(uri, archive, token);
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (!looksLikeTensorFile(uri.path, bytes)) throw new NotATensorFileError(notATensorFileMessage(baseName(uri), bytes));
    return this.run(uri, { bytes }, undefined, true, token, { siblings: await this.siblings.get(uri) });
  }

  /**
   * A large file from disk: its worker reads it (a local file never passes through the host) and,
   * for an archive, decodes it to find how its arrays could be read; only the quick pick, if the
   * user must choose, runs here. The worker then keeps the bytes for the analysis.
   */
  private async analyzeLarge(uri: vscode.Uri, archive: boolean, token?: vscode.CancellationToken): Promise<FileAnalysis> {
    const fileName = baseName(uri);
    const settings = readSettings();
    let input: WorkerInput;
    if (uri.scheme === 'file') input = { path: uri.fsPath };
    else {
      const bytes = await vscode.workspace.fs.readFile(uri);
      if (!looksLikeTensorFile(uri.path, bytes)) throw new NotATensorFileError(notATensorFileMessage(fileName));
      input = { bytes };
    }
    const extra: EditorLoadOptions = { siblings: await this.siblings.get(uri) };
    const worker = this.newWorker(fileName);
    try {
      if (archive) {
        const match = await worker
          .roleMatch(input, fileName, settings.pipeline.sumTolerance, settings.maxFileBytes)
          .catch((error: Error) => {
            throw error.message === NOT_A_TENSOR_FILE ? new NotATensorFileError(notATensorFileMessage(fileName)) : error;
          });
        const roleChoice = await pickRoles(uri, match);
        if (roleChoice === undefined) throw new CancelledError();
        if (roleChoice) extra.roleChoice = roleChoice;
        input = { kept: true };
      }
      return await this.run(uri, input, undefined, true, token, extra, worker);
    } catch (error) {
      worker.dispose();
      throw error;
    }
  }

  /** Bytes given here may be moved to the worker: the caller must not use them afterwards. */
  private async run(
    uri: vscode.Uri,
    input: WorkerInput,
    version: number | undefined,
    fromDisk: boolean,
    token?: vscode.CancellationToken,
    extra?: EditorLoadOptions,
    /** A worker already holding the file's bytes (an archive whose roles it matched). */
    given?: DocumentWorker,
  ): Promise<FileAnalysis> {
    const key = `${uri.toString()}@${version ?? 'disk'}`;
    const inFlight = this.pending.get(key);
    if (inFlight) {
      given?.dispose();
      return inFlight;
    }
    const settings = readSettings();
    const options = { ...settings.pipeline, ...extra };
    const started = Date.now();
    const work = (async () => {
      const fileName = baseName(uri);
      let entry: FileAnalysis;
      let size: number;
      if (given || !('bytes' in input) || input.bytes.length > settings.workerThresholdBytes) {
        // The worker reads the file (or encodes the text), parses, and keeps the analysis.
        const worker = given ?? this.newWorker(fileName);
        const done = await worker.analyze(input, fileName, options, token, settings.readThreads).catch((error: Error) => {
          worker.dispose();
          if (error.message === NOT_THE_DOCUMENT) throw new NotTheDocumentError();
          throw error.message === NOT_A_TENSOR_FILE ? new NotATensorFileError(notATensorFileMessage(fileName)) : error;
        });
        if ('byteLength' in input && input.byteLength !== done.byteLength) {
          worker.dispose();
          throw new NotTheDocumentError();
        }
        this.spares.restock(readsParts(fileName));
        size = done.byteLength;
        const window = fromDisk && uri.scheme === 'file' ? fileWindow(uri.fsPath, size) : documentWindow(uri, done.lines.lineStarts);
        const lines = new LineIndex(window, done.lines);
        const source = fromDisk || 'path' in input ? 'file' : 'edited' in input || 'editedBytes' in input ? 'edits' : 'text';
        const { gradientScale, read } = done;
        entry = { ...done.summary, uri, fileName, version, lines, fromDisk, source, data: worker, gradientScale, read };
      } else {
        const bytes = input.bytes;
        const result = runPipeline(bytes, fileName, options);
        const data = new LocalTensorData(result);
        size = bytes.length;
        entry = {
          ...summarizeResult(result),
          uri,
          fileName,
          version,
          lines: lineIndexOf(bytes, fileName),
          fromDisk,
          source: fromDisk ? 'file' : 'text',
          data,
          gradientScale: data.gradientScale,
        };
      }
      const previous = this.entries.get(uri.toString());
      // An older version that finishes after a newer one (fast typing) does not replace it.
      if (previous && version !== undefined && previous.version !== undefined && previous.version > version) {
        entry.data.dispose();
        return previous;
      }
      this.entries.delete(uri.toString()); // re-inserted last: the map's order is the age of the analyses
      this.entries.set(uri.toString(), entry);
      previous?.data.dispose();
      if (fromDisk) this.evictFromDisk();
      this.dropUnusedSpare();
      this.log.info(
        `analysed ${fileName} (${(size / 1024).toFixed(0)} KB, its ${entry.source === 'edits' ? 'file and unsaved edits' : entry.source}${entry.read ? `, read ${entry.read}` : ''}) in ${entry.data.where} in ${Date.now() - started} ms: ${entry.problems.length} problem(s)`,
      );
      this.changed.fire(entry);
      return entry;
    })();
    this.pending.set(key, work);
    try {
      return await work;
    } finally {
      this.pending.delete(key);
    }
  }

  /**
   * Files analysed from disk have no document whose closing ends their analysis: the oldest go
   * (with their workers and the arrays they hold) beyond MAX_FROM_DISK.
   */
  private evictFromDisk(): void {
    const fromDisk = [...this.entries.values()].filter((e) => e.fromDisk);
    for (const old of fromDisk.slice(0, Math.max(0, fromDisk.length - MAX_FROM_DISK))) this.forget(old.uri);
  }

  dispose(): void {
    this.typed.dispose();
    this.siblings.dispose();
    for (const entry of this.entries.values()) entry.data.dispose();
    this.changed.dispose();
    this.entries.clear();
    this.spares.dispose();
    this.partThreads.dispose();
  }
}

/**
 * Whether a file's worker may read it from disk in parts (a CSV, TSV, JSON or JSON Lines file: the
 * names summaryParts.ts partsFormat takes; reading not on one thread), and so is connected to the
 * host's part threads: an archive never starts them.
 */
function readsParts(fileName: string): boolean {
  return readSettings().readThreads !== 1 && /\.(csv|tsv|json|jsonl|ndjson)$/i.test(fileName);
}

export function baseName(uri: vscode.Uri): string {
  return uri.path.slice(uri.path.lastIndexOf('/') + 1);
}

/** A document's first lines as bytes (a few blank lines before the header included), for notATensorFileMessage. */
function firstLines(document: vscode.TextDocument): Uint8Array {
  const last = Math.min(document.lineCount - 1, 20);
  return new TextEncoder().encode(document.getText(new vscode.Range(0, 0, last, document.lineAt(last).text.length)));
}
