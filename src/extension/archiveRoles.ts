/**
 * How the arrays of an archive (.npz, .safetensors, .pt) could be read: one way, or several the
 * user must choose between. Decoding happens here, so it runs where the archive is held — in the
 * worker for a large file (issue 17), in the host for a small one. No vscode import.
 */
import { NpyError, type NpyArray } from '../core/npy';
import { openNpz, type NpzReadOptions } from '../core/npz';
import { matchRoles, type RoleMatch } from '../core/npzRoles';
import { isStateDict, readTensorArchive } from '../core/tensorArchives';

/** Null when there is nothing to ask: a state dict, or a file the loader will report as unreadable. */
export function archiveRoleMatch(bytes: Uint8Array, fileName: string, sumTolerance?: number, npz: NpzReadOptions = {}): RoleMatch | null {
  try {
    // Lazy for an .npz: only the members the matcher looks into are inflated (each checked as it is).
    const arrays: Map<string, NpyArray> = /\.npz$/i.test(fileName)
      ? openNpz(bytes, fileName, npz)
      : readTensorArchive(bytes, fileName).arrays;
    if (isStateDict(arrays)) return null;
    const names = [...arrays.keys()];
    return matchRoles(
      names,
      names.map((n) => arrays.get(n)!),
      { sumTolerance },
    );
  } catch (e) {
    if (e instanceof NpyError) return null;
    throw e;
  }
}
