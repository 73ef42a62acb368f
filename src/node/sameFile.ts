/**
 * The one guard that keeps every export (CLI `--out`, the panel's Export, the Export command) off
 * the data file itself. Two paths name the same file when they are equal after resolving, equal
 * after case folding on a case-insensitive file system (macOS, Windows), resolve through symlinks
 * to the same real path, or are one inode (hard links, symlinks, a case variant the file system
 * folds). Node only (host and CLI); the webview never writes files.
 */
import { realpathSync, statSync } from 'node:fs';
import { resolve } from 'node:path';

export interface SameFileOptions {
  /** Whether names differing only in case are one file; by default, on macOS and Windows. */
  caseInsensitive?: boolean;
}

export function sameFile(a: string, b: string, options: SameFileOptions = {}): boolean {
  const fold = options.caseInsensitive ?? (process.platform === 'darwin' || process.platform === 'win32');
  const ra = resolve(a);
  const rb = resolve(b);
  if (ra === rb || (fold && ra.toLowerCase() === rb.toLowerCase())) return true;
  const sa = statSync(a, { throwIfNoEntry: false });
  const sb = statSync(b, { throwIfNoEntry: false });
  if (sa && sb && sa.dev === sb.dev && sa.ino === sb.ino && sa.ino !== 0) return true;
  const real = (p: string) => {
    try {
      return realpathSync.native(p);
    } catch {
      return null;
    }
  };
  const pa = real(a);
  const pb = real(b);
  return pa !== null && pb !== null && (pa === pb || (fold && pa.toLowerCase() === pb.toLowerCase()));
}
