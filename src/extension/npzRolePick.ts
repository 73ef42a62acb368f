/**
 * What only the editor can give the loader before a file is analysed: the files beside it
 * (classes.txt / labels.txt for class names; X_labels.npy, labels.npy, targets.npy for a .npy),
 * read ahead through the workspace file system so the bytes can cross into the worker, and, for
 * an archive whose arrays could be read more than one way (its worker found the ways), the
 * user's choice from a quick pick (remembered per file while it still applies).
 */
import * as vscode from 'vscode';
import { siblingByteLimit } from '../core/limits';
import { siblingFilesFor } from '../core/npySiblings';
import type { RoleAssignment, RoleChoice, RoleMatch } from '../core/npzRoles';

/** Sibling files larger than this are not read ahead (the loader then works without them). */
const MAX_SIBLING_BYTES = 512 * 1024 * 1024;

const remembered = new Map<string, RoleAssignment>();

export interface EditorLoadOptions {
  siblings: Record<string, Uint8Array | null>;
  roleChoice?: RoleAssignment;
}

/** The sibling files the loader may ask for, by base name; null where there is none. */
export async function readSiblings(uri: vscode.Uri): Promise<Record<string, Uint8Array | null>> {
  const name = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  const folder = vscode.Uri.joinPath(uri, '..');
  const out: Record<string, Uint8Array | null> = {};
  await Promise.all(
    siblingFilesFor(name).map(async (sibling) => {
      const target = vscode.Uri.joinPath(folder, sibling);
      try {
        const stat = await vscode.workspace.fs.stat(target);
        out[sibling] =
          stat.type & vscode.FileType.File && stat.size <= siblingByteLimit(sibling, MAX_SIBLING_BYTES)
            ? await vscode.workspace.fs.readFile(target)
            : null;
      } catch {
        out[sibling] = null;
      }
    }),
  );
  return out;
}

/** The quick pick for a match the worker (or the host, for a small file) made; null when there is nothing to ask. */
export async function pickRoles(uri: vscode.Uri, match: RoleMatch | null): Promise<RoleAssignment | null | undefined> {
  if (!match || match.kind === 'unique') return null;
  const key = uri.toString();
  const before = remembered.get(key);
  if (before && match.choices.some((c) => sameAssignment(c.assignment, before))) return before;
  const picked = await vscode.window.showQuickPick(
    match.choices.map((choice: RoleChoice) => ({ label: choice.label, description: choice.description, choice })),
    {
      title: `Gradient Lens: ${match.question}`,
      placeHolder: 'Which arrays are which? (rename them in the file to skip this question)',
      ignoreFocusOut: true,
      matchOnDescription: true,
    },
  );
  if (!picked) return undefined;
  remembered.set(key, picked.choice.assignment);
  return picked.choice.assignment;
}

function sameAssignment(a: RoleAssignment, b: RoleAssignment): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof RoleAssignment>;
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}
