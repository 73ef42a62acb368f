import * as vscode from 'vscode';
import type { LineIndex } from '../core/lineIndex';

/** Byte offsets in the file's UTF-8 bytes → an editor range. */
export function rangeOf(lines: LineIndex, start: number, end: number): vscode.Range {
  const a = lines.position(start);
  const b = lines.position(Math.max(start, end));
  return new vscode.Range(a.line, a.character, b.line, b.character);
}

/** An editor position → byte offset in the file's UTF-8 bytes. */
export function offsetOf(lines: LineIndex, position: vscode.Position): number {
  return lines.offsetAt({ line: position.line, character: position.character });
}
