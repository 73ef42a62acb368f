/**
 * `--out FILE`: the analysis (or a sample's Jacobian) written to a file whose extension gives the
 * format (.json, .csv, .npy, .npz). The data file itself is never written: an output path that
 * names the input (by path, or as the same file through a link) is refused before anything runs.
 */
import { resolve } from 'node:path';
import type { Analysis } from '../core/analysis';
import { concatBytes } from '../core/concatBytes';
import type { Dataset } from '../core/dataset';
import {
  analysisJsonReport,
  exportAnalysis,
  exportAnalysisChunks,
  exportNetwork,
  formatFromPath,
  networkJsonReport,
  type ExportFormat,
} from '../core/exportAnalysis';
import { jsonFileChunks } from '../core/jsonChunks';
import { analyzeNetwork } from '../core/network';
import type { RowTextRunner } from '../core/rowTextBlock';
import type { Reduction } from '../core/losses';

export interface OutIo {
  writeFile?(path: string, bytes: Uint8Array): void;
  /** Writes `chunks` one after another (a K × K Jacobian is never held whole); returns the bytes written. */
  writeChunks?(path: string, chunks: Iterable<Uint8Array>): number;
  /** True when both paths name one existing file (same device and inode). */
  sameFile?(a: string, b: string): boolean;
}

/** The format for `out`, or a message saying why it cannot be written (checked before analysing). */
export function checkOut(out: string, input: string, io: OutIo): { format: ExportFormat } | { error: string } {
  const format = formatFromPath(out);
  if (!format) return { error: `--out ${out}: the extension gives the format; use .json, .csv, .npy, .npz or .safetensors` };
  if (resolve(out) === resolve(input) || io.sameFile?.(out, input)) {
    return { error: `--out ${out}: refusing to write over the input file ${input}; choose another name` };
  }
  if (!io.writeFile) return { error: '--out: writing files is not available here' };
  return { format };
}

/** The reduction, and for networks the health thresholds (core defaults when absent). */
export interface ReportOptions {
  reduction: Reduction;
  vanishingThreshold?: number;
  explodingThreshold?: number;
}

/** Bytes of the analysis of `dataset` in `format`. */
export function analysisBytes(
  dataset: Dataset,
  analysis: Analysis | null,
  format: ExportFormat,
  options: ReportOptions,
  fileName: string,
): Uint8Array {
  if (dataset.task === 'network')
    return exportNetwork(dataset, analyzeNetwork(dataset, options), format, { fileName, classes: dataset.classes });
  const classes = dataset.task === 'classification' ? dataset.classes : null;
  return exportAnalysis(analysis!, format, { fileName, classes, compress: true });
}

/**
 * `--out X` a piece at a time (issue 22: 10⁴ × 10³ logits are ~700 MB of JSON, past V8's longest
 * string; the binary formats' arrays are written as they are, not copied into one buffer, and
 * those the analysis does not hold a block of rows at a time): the same bytes as analysisBytes;
 * null for a network's other formats.
 */
export function analysisChunks(
  dataset: Dataset,
  analysis: Analysis | null,
  format: ExportFormat,
  options: ReportOptions,
  fileName: string,
  rowText?: RowTextRunner,
): Iterable<Uint8Array> | null {
  if (format === 'json') return analysisJsonChunks(dataset, analysis, options, fileName, rowText);
  if (dataset.task === 'network') return null;
  const classes = dataset.task === 'classification' ? dataset.classes : null;
  return exportAnalysisChunks(analysis!, format, { fileName, classes, compress: true }, dataset, rowText);
}

/** The analysis as `--out X.json` writes it, a piece at a time: the same bytes as analysisBytes(…, 'json', …). */
export function analysisJsonChunks(
  dataset: Dataset,
  analysis: Analysis | null,
  options: ReportOptions,
  fileName: string,
  rowText?: RowTextRunner,
): Iterable<Uint8Array> {
  // The same report and context as analysisBytes gives exportNetwork / exportAnalysis.
  const report =
    dataset.task === 'network'
      ? networkJsonReport(dataset, analyzeNetwork(dataset, options), { fileName, classes: dataset.classes })
      : analysisJsonReport(analysis!, { fileName, classes: dataset.task === 'classification' ? dataset.classes : null }, dataset, rowText);
  return jsonFileChunks(report, 'string');
}

/** Writes `bytes`; a message on failure, else null. */
export function writeOut(out: string, bytes: Uint8Array, io: OutIo): string | null {
  try {
    io.writeFile!(out, bytes);
    return null;
  } catch (error) {
    return `--out ${out}: cannot write the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}

/** Writes `chunks` in order (through writeChunks when the io has it); bytes written, or a message. */
export function writeOutChunks(out: string, chunks: Iterable<Uint8Array>, io: OutIo): number | string {
  try {
    if (io.writeChunks) return io.writeChunks(out, chunks);
    const bytes = concatBytes(chunks);
    io.writeFile!(out, bytes);
    return bytes.length;
  } catch (error) {
    return `--out ${out}: cannot write the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`;
  }
}
