/**
 * A large open document's input for its worker: the file on disk when that is what the editor
 * shows, so the worker reads the file itself (a large logits file in parts, on the host's warm
 * threads) instead of the host copying the whole text to it a slice at a time whenever a saved
 * document is analysed (opened, reloaded, settings changed). No vscode import: it is unit-tested.
 */

/** What the decision needs of a TextDocument. */
export interface DocumentFacts {
  isDirty: boolean;
  uri: { scheme: string; fsPath: string };
}

/**
 * The file to read instead of `text`, and how many bytes it must have; null: send the text.
 * `mtimeMs`: when it was last written, as found here (edits replayed on it need the same file).
 */
export interface SavedFile {
  path: string;
  byteLength: number;
  mtimeMs: number;
}

/**
 * The file is the document when the document is saved, local, and its text in UTF-8 has as many
 * bytes as the file: VS Code drops a UTF-8 byte-order mark and decodes other encodings, and both
 * change the count. The worker reports how many bytes it read; another count means the file
 * changed in between, and the caller then sends the text after all. (A file rewritten at the same
 * size before VS Code reloads it is analysed as it is on disk; the reload, a new version, is
 * analysed again.)
 */
export async function savedFileInput(
  document: DocumentFacts,
  text: string,
  statOf: (path: string) => Promise<{ size: number; mtimeMs: number }>,
): Promise<SavedFile | null> {
  if (document.isDirty || document.uri.scheme !== 'file') return null;
  const byteLength = Buffer.byteLength(text, 'utf8');
  try {
    const { size, mtimeMs } = await statOf(document.uri.fsPath);
    return size === byteLength ? { path: document.uri.fsPath, byteLength, mtimeMs } : null;
  } catch {
    return null; // gone, or not readable: the text is still there
  }
}
