/**
 * A large document's versions while the user types (issue 22): each is made by a worker from the
 * edits since an earlier version, so the host sends it a few bytes an edit, not the whole text
 * (10 MB cost the host 10–56 ms a 1 MB slice on this VM, in page faults after VS Code's forks).
 * The worker of the last analysis makes it from the text it holds; else a worker makes it from
 * the saved file (editLog.ts); else the caller sends the text. AnalysisService runs the result.
 */
import { stat as fileStat } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { FileAnalysis } from './analysisService';
import { NotATensorFileError, NotTheDocumentError } from './analysisErrors';
import { CancelledError, DocumentWorker } from './documentWorker';
import { EditLog } from './editLog';
import { savedFileInput } from './savedFileInput';
import type { WorkerInput } from './workerProtocol';

/** A document's length in UTF-16 units, from VS Code's index of its lines: getText() joins every line into a new string (about 3 ms a MB). */
export function textLength(document: vscode.TextDocument): number {
  return document.offsetAt(document.lineAt(document.lineCount - 1).range.end);
}

/** The analysis service's side: a document's latest analysis, and an analysis of a version from an input. */
type LatestAnalysis = (uri: string) => FileAnalysis | undefined;
type RunVersion = (
  document: vscode.TextDocument,
  input: WorkerInput,
  version: number,
  token?: vscode.CancellationToken,
) => Promise<FileAnalysis>;

/** The version of a dirty document to make, of `units` UTF-16 units. */
interface Wanted {
  document: vscode.TextDocument;
  version: number;
  units: number;
  token?: vscode.CancellationToken;
}

export class TypedVersions implements vscode.Disposable {
  /** Each large document's edits since its file was read as its text. */
  readonly log = new EditLog();
  private readonly subscriptions = [
    vscode.workspace.onDidChangeTextDocument((e) => this.log.record(e.document.uri.toString(), e.document.version, e.contentChanges)),
    vscode.workspace.onWillSaveTextDocument((e) => this.log.willSave(e.document.uri.toString())),
    vscode.workspace.onDidSaveTextDocument((document) => void this.rebaseOnSave(document)),
  ];

  constructor(
    private readonly latest: LatestAnalysis,
    private readonly run: RunVersion,
  ) {}

  /**
   * `version` of a dirty document of `units` UTF-16 units, made from edits; null when it is no
   * longer a tensor file (an edit took its key or columns away); undefined: not made here.
   */
  async analyze(
    document: vscode.TextDocument,
    version: number,
    units: number,
    token?: vscode.CancellationToken,
  ): Promise<FileAnalysis | null | undefined> {
    const wanted = { document, version, units, token };
    const analysis = await this.fromPrevious(wanted);
    if (analysis !== undefined || !this.log.edited(document.uri.toString(), version, units)) return analysis;
    return this.fromFile(wanted);
  }

  /**
   * Made from the edits since the last analysis by that analysis's worker, which holds its text:
   * no file is read, so a save under way does not matter (code-server took 4–17 s to write a
   * 10 MB file on this VM while the user typed). Undefined when there is no such worker, or it
   * holds no text (its file was read in parts).
   */
  private async fromPrevious({ document, version, units, token }: Wanted): Promise<FileAnalysis | null | undefined> {
    const key = document.uri.toString();
    let editedBytes: Uint8Array | null = null;
    // A later version's analysis that comes in meanwhile disposes this one's worker: its own is asked then.
    for (let tries = 0; !editedBytes && tries < 3; tries++) {
      const previous = this.latest(key);
      if (!(previous?.data instanceof DocumentWorker) || previous.version === undefined) return undefined;
      // As AnalysisService.run answers a version that finishes after a later one: the later one.
      if (previous.version >= version) return previous;
      const edits = this.log.since(key, previous.version, version);
      if (!edits) return undefined;
      try {
        editedBytes = await previous.data.editedText(edits, units);
      } catch (error) {
        // Replaced meanwhile: the new one is asked. Else it holds no text (its file was read in parts).
        if (!(error instanceof CancelledError && this.latest(key) !== previous)) return undefined;
      }
    }
    if (!editedBytes) return undefined;
    return this.run(document, { editedBytes }, version, token).catch((error: unknown) => {
      if (error instanceof NotATensorFileError) return null;
      if (error instanceof CancelledError) throw error;
      return undefined; // the next way, then the text
    });
  }

  /**
   * Made by a worker from the file of an earlier version and the edits since; undefined when the
   * file no longer holds that version (saved or changed meanwhile).
   */
  private async fromFile({ document, version, units, token }: Wanted): Promise<FileAnalysis | null | undefined> {
    const key = document.uri.toString();
    let edited = this.log.edited(key, version, units);
    // A save while the worker read the file (VS Code's auto save) may have made a new base: one more try on it.
    for (let tries = 0; edited && tries < 2; tries++) {
      try {
        return await this.run(document, { edited }, version, token);
      } catch (error) {
        if (error instanceof NotATensorFileError) return null;
        if (!(error instanceof NotTheDocumentError)) throw error;
      }
      // The file was written since: by a save of a later version, found by its size; else no
      // base until the next save. code-server writes a file in place, so a save still under way
      // shows another size (0 at first): asked again every 50 ms for half a second, unless the
      // save's own event gives a base meanwhile.
      const stale = edited.file;
      let resynced = false;
      const awaited = () => this.log.announcedSave(key) && this.log.edited(key, version, units)?.file === stale;
      for (let wait = 0; wait < 10 && !resynced && awaited(); wait++) {
        if (wait) await new Promise((resolve) => setTimeout(resolve, 50));
        const now = await fileStat(stale.path).catch(() => null);
        resynced = !!now && this.log.resync(key, stale, { path: stale.path, byteLength: now.size, mtimeMs: now.mtimeMs });
      }
      if (!resynced) this.log.distrust(key, stale);
      const next = this.log.edited(key, version, units);
      edited = next?.file !== edited.file ? next : null;
    }
    return undefined;
  }

  /**
   * Saved, a document keeps its version and so its analysis; the file it was saved to becomes the
   * base of the edits typed since, once it is found to hold the text in UTF-8 (as when first
   * read). In code-server the file's size right after the save was at times not yet the text's:
   * it is asked again, every 50 ms for a second, while no newer base came meanwhile. A save that
   * began before the user typed on can hold an earlier version than this event's: a worker's
   * read then finds the file changed, and the log finds its version (fromFile).
   */
  private async rebaseOnSave(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const version = document.version;
    if (!this.log.awaitsSave(key, version)) return;
    const text = document.getText();
    const saved = { isDirty: false, uri: document.uri };
    for (let tries = 0; tries < 20 && this.log.awaitsSave(key, version); tries++) {
      const file = await savedFileInput(saved, text, fileStat);
      if (file) return this.log.saved(key, version, file, text.length);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}
