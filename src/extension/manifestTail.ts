/**
 * Follows a run's `run.jsonl` while training appends to it: only the bytes past the last complete
 * line are read (a file handle at an offset, never the whole file again), on each change the file
 * watcher reports and on a light poll (a stat twice a second) for file systems whose events are
 * late or missing. A manifest that shrinks was rewritten: it is read again from the start.
 */
import { open, stat } from 'node:fs/promises';
import * as vscode from 'vscode';
import { MANIFEST_START, readManifestChunk, type ManifestChunk, type ManifestCursor } from '../core/trainingRun';

export const POLL_MS = 500;
/** At most this much of the manifest per read, so a huge manifest arrives in pieces. */
const MAX_READ = 16 * 1024 * 1024;

export class ManifestTail implements vscode.Disposable {
  private cursor: ManifestCursor = MANIFEST_START;
  private reading = false;
  private again = false;
  private disposed = false;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly watcher: vscode.FileSystemWatcher;

  constructor(
    private readonly manifest: vscode.Uri,
    /** Each read's complete lines; `reset` when the manifest was rewritten and the reader started over. */
    private readonly onChunk: (chunk: ManifestChunk, reset: boolean) => void,
    private readonly onError: (message: string) => void,
  ) {
    const folder = vscode.Uri.joinPath(manifest, '..');
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, 'run.jsonl'));
    const poke = () => void this.poll();
    this.watcher.onDidChange(poke);
    this.watcher.onDidCreate(poke);
    this.timer = setInterval(poke, POLL_MS);
    void this.poll();
  }

  /** Reads whatever complete lines were appended since the last read. */
  async poll(): Promise<void> {
    if (this.disposed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    try {
      do {
        this.again = false;
        await this.readNew();
      } while (this.again && !this.disposed);
    } catch (error) {
      this.onError(`cannot read ${this.manifest.fsPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    } finally {
      this.reading = false;
    }
  }

  private async readNew(): Promise<void> {
    const size = (await stat(this.manifest.fsPath)).size;
    let reset = false;
    if (size < this.cursor.offset) {
      this.cursor = MANIFEST_START;
      reset = true;
    }
    while (size > this.cursor.offset && !this.disposed) {
      const length = Math.min(size - this.cursor.offset, MAX_READ);
      const bytes = new Uint8Array(length);
      const handle = await open(this.manifest.fsPath, 'r');
      let read: number;
      try {
        ({ bytesRead: read } = await handle.read(bytes, 0, length, this.cursor.offset));
      } finally {
        await handle.close();
      }
      const chunk = readManifestChunk(bytes.subarray(0, read), this.cursor);
      const moved = chunk.cursor.offset !== this.cursor.offset;
      this.cursor = chunk.cursor;
      if (moved || reset) this.onChunk(chunk, reset);
      else if (chunk.pendingBytes > 0) this.onChunk(chunk, false);
      reset = false;
      // A single line longer than MAX_READ: wait for it to end rather than spin.
      if (!moved) break;
    }
  }

  dispose(): void {
    this.disposed = true;
    clearInterval(this.timer);
    this.watcher.dispose();
  }
}
