/**
 * From a file's bytes to a dataset, whatever the format. Never throws for bad input: every
 * problem comes back located, so the CLI can print FILE:LINE:COL and the editor can underline it.
 */
import { buildWithSiblingClasses, withSiblingNetworkClasses, type SiblingSource } from './classNames';
import { parseCsv, parseCsvHeader } from './csv';
import type { LoadResult } from './dataset';
import { startsLikeNpy, startsLikeZip } from './fileSignature';
import { parseJson, parseJsonLines } from './json';
import { findEntry, rolesFromJson } from './jsonRoles';
import { missingHeaderError, rolesFromCsv } from './csvRoles';
import { networkFromJson } from './networkJson';
import { withNetworkLossCheck } from './loss/networkLoss';
import { byteOffsetTables, LineIndex } from './lineIndex';
import { InputError, problem } from './problems';
import { loadNpyFile } from './npySiblings';
import { loadNpzFile, type RoleAssignment } from './npzRoles';
import { type RoleOptions } from './buildDataset';
import { loadSafetensorsFile, loadTorchFile } from './tensorArchives';
import { userGradientsFromCsv, userGradientsFromJson, withUserGradients } from './userGradients';

export type FileFormat = 'json' | 'csv' | 'npy' | 'npz' | 'safetensors' | 'pt';

export interface LoadOptions extends RoleOptions, SiblingSource {
  // SiblingSource: `readSibling(name)` (or pre-read `siblings`) gives files beside this one by base
  // name: classes.txt / labels.txt for class names, X_labels.npy / labels.npy / targets.npy for a .npy.
  /** Which .npz array plays which role, when the user chose (quick pick, CLI --role). */
  roleChoice?: RoleAssignment;
  /** Most bytes an .npz may inflate in all (gradientLens.maxFileSizeMB, the CLI's limit); default that setting's default. */
  maxArchiveBytes?: number;
  /** The caller gives up the bytes (it will not change, reuse or transfer them): see readNpy. */
  bytesHandedOver?: boolean;
}

/** Formats whose bytes are not text: their problems point at byte offsets, never at lines. */
export function isBinaryFormat(format: FileFormat | null): boolean {
  return format === 'npy' || format === 'npz' || format === 'safetensors' || format === 'pt';
}

/** The line index of a file's bytes: a text file's lines, or (a binary format) its byte offsets. */
export function lineIndexOf(bytes: Uint8Array, fileName: string): LineIndex {
  return new LineIndex(bytes, isBinaryFormat(formatOf(fileName)) ? byteOffsetTables(bytes.length) : undefined);
}

/** One JSON value a line (JSON Lines): read as an array of them, so one object per sample is records (jsonRecords.ts). */
export function isJsonLines(fileName: string): boolean {
  return /\.(jsonl|ndjson)$/i.test(fileName);
}

export function formatOf(fileName: string): FileFormat | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json') || isJsonLines(lower)) return 'json';
  if (lower.endsWith('.csv') || lower.endsWith('.tsv')) return 'csv';
  if (lower.endsWith('.npy')) return 'npy';
  if (lower.endsWith('.npz')) return 'npz';
  if (lower.endsWith('.safetensors')) return 'safetensors';
  if (lower.endsWith('.pt') || lower.endsWith('.pth')) return 'pt';
  return null;
}

/** Extra loaders registered by optional modules (NumPy), keyed by format. */
const binaryLoaders = new Map<FileFormat, (bytes: Uint8Array, fileName: string, options: LoadOptions) => LoadResult>();

export function registerLoader(
  format: FileFormat,
  loader: (bytes: Uint8Array, fileName: string, options: LoadOptions) => LoadResult,
): void {
  binaryLoaders.set(format, loader);
}

registerLoader('npy', loadNpyFile);
registerLoader('npz', loadNpzFile);
registerLoader('safetensors', loadSafetensorsFile);
registerLoader('pt', loadTorchFile);

export function loadTensorFile(bytes: Uint8Array, fileName: string, options: LoadOptions = {}): LoadResult {
  const format = formatOf(fileName) ?? sniff(bytes);
  try {
    if (format === 'json') {
      const root = isJsonLines(fileName) ? parseJsonLines(bytes) : parseJson(bytes);
      const user = userGradientsFromJson(root, bytes);
      if (root.kind === 'object' && findEntry(root, 'network'))
        return withUserGradients(
          withSiblingNetworkClasses(withNetworkLossCheck(networkFromJson(root, bytes, options), root), options),
          user,
        );
      return withUserGradients(buildWithSiblingClasses(rolesFromJson(root, bytes), options), user);
    }
    if (format === 'csv') {
      const delimiter = /\.tsv$/i.test(fileName) ? '\t' : undefined;
      const missing = missingHeaderError(parseCsvHeader(bytes, delimiter));
      if (missing) throw missing;
      const table = parseCsv(bytes, delimiter);
      // Read before rolesFromCsv, which may reuse the table's buffer for its widest group.
      const user = userGradientsFromCsv(table, bytes);
      return withUserGradients(buildWithSiblingClasses(rolesFromCsv(table, bytes), options), user);
    }
    const loader = binaryLoaders.get(format);
    if (loader) return loader(bytes, fileName, options);
    return { dataset: null, problems: [problem(`cannot read ${format} files in this build`, 0, 0, 'format')] };
  } catch (error) {
    if (error instanceof InputError) return { dataset: null, problems: [error.toProblem()] };
    if (error instanceof RangeError) {
      // Allocation failures on enormous inputs must come back as a message, not a crash.
      return { dataset: null, problems: [problem(`the file is too large to analyse in memory (${error.message})`, 0, 0, 'too-large')] };
    }
    throw error;
  }
}

/** Guess the format of a file with an unknown extension from its first bytes. */
function sniff(bytes: Uint8Array): FileFormat {
  if (startsLikeNpy(bytes)) return 'npy';
  if (startsLikeZip(bytes)) return 'npz';
  for (let i = 0; i < Math.min(bytes.length, 64); i++) {
    const c = bytes[i];
    if (c === 0x7b || c === 0x5b) return 'json';
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13 && c !== 0xef && c !== 0xbb && c !== 0xbf) return 'csv';
  }
  return 'json';
}
