/**
 * The few bytes the host still needs of a file a worker holds: a line's, to count the UTF-16
 * columns of its non-ASCII characters (LineIndex reads nothing else). From the open document when
 * there is one (it may be unsaved), else from the file on disk.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import * as vscode from 'vscode';
import { lineOfOffset, type ByteWindow, type LineTables } from '../core/lineIndex';

export function fileWindow(path: string, length: number): ByteWindow {
  return {
    length,
    subarray(start, end) {
      const out = new Uint8Array(Math.max(0, Math.min(end, length) - start));
      const fd = openSync(path, 'r');
      try {
        readSync(fd, out, 0, out.length, start);
      } finally {
        closeSync(fd);
      }
      return out;
    },
  };
}

/** Bytes of the open document's text as the worker encoded it, one line at a time. */
export function documentWindow(uri: vscode.Uri, lineStarts: LineTables['lineStarts']): ByteWindow {
  const encoder = new TextEncoder();
  return {
    get length() {
      return Number.MAX_SAFE_INTEGER;
    },
    subarray(start, end) {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
      const line = lineOfOffset(lineStarts, start);
      if (!document || line >= document.lineCount) return new Uint8Array(0);
      // Only the line's first `end` characters: no character is shorter than a byte, and a whole
      // 10 MB line (a json.dump file) took the host 165 ms to encode for the 3 bytes of a BOM check.
      const bytes = encoder.encode(document.lineAt(line).text.slice(0, end - lineStarts[line]));
      return bytes.subarray(start - lineStarts[line], end - lineStarts[line]);
    },
  };
}
