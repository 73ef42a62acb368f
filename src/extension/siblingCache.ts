/**
 * Sibling files (classes.txt, labels.txt…) of an open document, read once and kept until a file of
 * that kind changes (issue 16: stat-ing them on every keystroke cost ~30–190 ms of each live update
 * in code-server, more than the analysis). A short lifetime covers folders no watcher sees.
 */
import * as vscode from 'vscode';
import { readSiblings } from './npzRolePick';

type Siblings = Record<string, Uint8Array | null>;

const LIFETIME_MS = 10_000;

export class SiblingCache implements vscode.Disposable {
  private readonly entries = new Map<string, { at: number; value: Promise<Siblings> }>();
  private readonly watcher = vscode.workspace.createFileSystemWatcher('**/*.{txt,npy}');

  constructor(private readonly read: (uri: vscode.Uri) => Promise<Siblings> = readSiblings) {
    const clear = () => this.entries.clear();
    this.watcher.onDidCreate(clear);
    this.watcher.onDidChange(clear);
    this.watcher.onDidDelete(clear);
  }

  get(uri: vscode.Uri): Promise<Siblings> {
    const key = uri.toString();
    const hit = this.entries.get(key);
    if (hit && Date.now() - hit.at < LIFETIME_MS) return hit.value;
    const value = this.read(uri);
    this.entries.set(key, { at: Date.now(), value });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  dispose(): void {
    this.watcher.dispose();
    this.entries.clear();
  }
}
