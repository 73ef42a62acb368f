import * as vscode from 'vscode';
import { sameFile } from '../node/sameFile';

/**
 * Same resource: for files on disk the one guard the CLI's --out uses too (src/node/sameFile:
 * resolved paths, case folding where the file system is case-insensitive, symlinks, inodes);
 * otherwise equal URIs, or equal paths case-folded where the platform folds case.
 */
export function isSameFile(a: vscode.Uri, b: vscode.Uri): boolean {
  if (a.toString() === b.toString()) return true;
  if (a.scheme !== b.scheme || a.authority !== b.authority) return false;
  if (a.scheme === 'file') return sameFile(a.fsPath, b.fsPath);
  const norm = (u: vscode.Uri) => (process.platform === 'win32' || process.platform === 'darwin' ? u.path.toLowerCase() : u.path);
  return norm(a) === norm(b);
}
