/**
 * A single `.npy` is one tensor; its labels or targets come from a file beside it (X_labels.npy,
 * labels.npy…, read through `readSibling`), matched by content as an .npz's arrays are.
 */
import { siblingReader } from './classNames';
import type { LoadResult } from './dataset';
import { dtypeName, shapeText } from './arrayDescription';
import { NpyError, readNpy, type NpyArray } from './npy';
import { ArrayFacts, baseName, fail, finish, fitsInput, inputRoleByContent, locate, targetRole, type NumpyLoadOptions } from './npzRoles';
import type { Problem } from './problems';
import { DEFAULT_SUM_TOLERANCE, type Roles } from './buildDataset';

/** The stems of sibling files a single .npy may take its labels or targets from, in order. */
export function npySiblingCandidates(fileName: string, wants: 'labels' | 'targets'): string[] {
  const base = baseName(fileName);
  const stem = base.replace(/\.npy$/i, '');
  const names =
    wants === 'labels'
      ? [`${stem}_labels.npy`, `${stem}_targets.npy`, 'labels.npy', 'targets.npy']
      : [`${stem}_targets.npy`, 'targets.npy', `${stem}_labels.npy`, 'labels.npy'];
  return [...new Set(names)].filter((n) => n !== base);
}

/** Every sibling file name the loaders may ask `readSibling` for, so a caller can read them ahead. */
export function siblingFilesFor(fileName: string): string[] {
  const names: string[] = [];
  if (/\.npy$/i.test(fileName)) names.push(...npySiblingCandidates(fileName, 'labels'));
  if (/\.(safetensors|pt|pth)$/i.test(fileName)) names.push('inputs.npy', 'labels.npy', 'targets.npy'); // a state dict's data
  names.push('classes.txt', 'labels.txt');
  return [...new Set(names)];
}

/** A single .npy: a 2-D float array is the input, with labels or targets from a sibling file. */
export function loadNpyFile(bytes: Uint8Array, fileName: string, options: NumpyLoadOptions = {}): LoadResult {
  const file = baseName(fileName);
  let array: NpyArray;
  try {
    array = readNpy(bytes, file, options.bytesHandedOver);
  } catch (e) {
    if (e instanceof NpyError) return fail(e.message, 'npy');
    throw e;
  }
  const read = siblingReader(options);
  const self = new ArrayFacts(file, array, options.sumTolerance ?? DEFAULT_SUM_TOLERANCE);
  if (!self.numeric)
    return fail(
      `${file} holds strings (dtype ${array.dtype}, shape ${shapeText(array.shape)}), not numbers; a .npy to analyse holds logits or probabilities (N × K) or predictions`,
      'npy-strings',
    );
  if (self.dims === 0 || self.dims > 2)
    return fail(
      `${file} has shape ${shapeText(array.shape)}; expected logits or probabilities of shape (N, K), or predictions of shape (N,) or (N, D)`,
      'npy-shape',
    );
  if (self.columnLike && self.intValued && (array.kind !== 'float' || /labels|targets|(^|_)y($|_)/i.test(file))) {
    return fail(
      `${file} holds ${self.rows} class ind${self.rows === 1 ? 'ex' : 'ices'} (${dtypeName(array.dtype)}): labels alone, with no logits or probabilities to compare them to. Open the logits file instead (X.npy finds its labels beside it as X_labels.npy or labels.npy)`,
      'npy-labels-only',
    );
  }

  const wants = self.matrix ? 'labels' : 'targets';
  const candidates = npySiblingCandidates(file, wants);
  const problems: Problem[] = [];
  let partner: { name: string; facts: ArrayFacts } | null = null;
  let fallback: { name: string; facts: ArrayFacts } | null = null;
  for (const name of candidates) {
    const b = read(name);
    if (!b) continue;
    let sibling: NpyArray;
    try {
      sibling = readNpy(b, name);
    } catch (e) {
      if (e instanceof NpyError) return fail(`${name} (beside ${file}, read for its ${wants}): ${e.message}`, 'npy');
      throw e;
    }
    const facts = new ArrayFacts(name, sibling, options.sumTolerance ?? DEFAULT_SUM_TOLERANCE);
    if (facts.numeric && fitsInput(self, facts)) {
      partner = { name, facts };
      break;
    }
    fallback ??= { name, facts };
  }
  partner ??= fallback;
  if (!partner) {
    const kind = self.matrix ? (self.distributionRows ? 'probabilities' : 'logits') : 'predictions';
    const what = self.matrix ? 'labels (class indices) or targets (one-hot or soft rows)' : 'targets';
    const where = candidates.slice(0, 3).join(', ');
    return fail(
      `${file} holds ${kind} ${shapeText(array.shape)}; to compute a loss, save the ${what} beside it as ${where} or ${candidates[3]}, or save both in one .npz with np.savez(path, ${kind}=..., ${self.matrix ? 'labels' : 'targets'}=...)`,
      'no-targets',
    );
  }
  const inputRole = inputRoleByContent(self, partner.facts);
  const roles: Roles = { whole: { start: 0, end: 0 } };
  const input = locate(file, file, array, inputRole, problems);
  if (input) roles[inputRole] = input;
  const role = targetRole(inputRole, partner.facts, null);
  const target = locate(partner.name, partner.name, partner.facts.array, role, problems);
  if (target) roles[role] = target;
  return finish(roles, problems, options);
}
