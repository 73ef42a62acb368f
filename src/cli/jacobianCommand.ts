/**
 * `gradient-lens jacobian FILE [--sample i] [--json] [--out J.json|csv|npy|npz|safetensors]`: one
 * sample's softmax Jacobian J = diag(p) − p pᵀ (a sigmoid loss: its diagonal σ(1 − σ)), printed
 * a row at a time or written to a file. It needs only that sample's probabilities, so its source
 * is either the full reader's analysis (jacobianSourceOf) or, for a large logits file in the
 * simple layout, the parts read on threads with only that row read back (streamedJacobianSource).
 */
import { basename } from 'node:path';
import { analyze } from '../core/analysis';
import type { Dataset } from '../core/dataset';
import { exportSampleJacobian, type ExportFormat } from '../core/exportAnalysis';
import { toRows } from '../core/analysisReport';
import { jacobianFileChunks, jacobianJsonLines, jacobianRow, jacobianTooLarge } from '../core/jacobianStream';
import { writeJson } from '../core/jsonChunks';
import { sigmoidJacobian } from '../core/loss/sigmoidJacobian';
import type { Reduction } from '../core/losses';
import { escapeControls } from '../core/safeText';
import { softmaxJacobian } from '../core/softmax';
import type { PartRunner } from '../node/logitFileAnalysis';
import { writeOut, writeOutChunks, type OutIo } from './out';
import { streamedLogits } from './streamedLogits';

/** What the command needs of a file: its shape, class names, loss kind and one sample's p. */
export interface JacobianSource {
  task: Dataset['task'];
  n: number;
  k: number;
  classes: string[] | null;
  /** A sigmoid (binary) loss: each output's own σ(1 − σ); its JSON has softmax's beside it for comparison. */
  sigmoid: boolean;
  /** Sample i's probabilities, as the analysis computes them. */
  probabilities(sample: number): Float64Array;
}

/** The full reader's dataset as a source: analysed when a sample is first asked for. */
export function jacobianSourceOf(dataset: Dataset): JacobianSource {
  if (dataset.task !== 'classification')
    return { task: dataset.task, n: dataset.n, k: 0, classes: null, sigmoid: false, probabilities: () => new Float64Array(0) };
  let analysis: ReturnType<typeof analyze> | undefined;
  return {
    task: dataset.task,
    n: dataset.n,
    k: dataset.k,
    classes: dataset.classes,
    sigmoid: dataset.loss?.name === 'binary_cross_entropy_with_logits' || dataset.loss?.name === 'binary_cross_entropy',
    probabilities: (sample) => {
      analysis ??= analyze(dataset);
      if (analysis.task !== 'classification') throw new Error('not a classification analysis');
      return analysis.probabilities.slice(sample * dataset.k, (sample + 1) * dataset.k);
    },
  };
}

/**
 * A large CSV or JSON logits file in the simple layout, read in parts on threads (the extension
 * worker's reader, the full pipeline's result bit for bit); a sample's p is its row read back from
 * the file. Null for anything else, or any message: the full reader then runs.
 */
export function streamedJacobianSource(
  file: string,
  readSibling: (name: string) => Uint8Array | null,
  reduction: Reduction,
  threads: PartRunner,
): JacobianSource | null {
  const logits = streamedLogits(file, readSibling, reduction, threads);
  if (!logits) return null;
  const { n, k, classes } = logits.dataset;
  // The simple layout names no loss: softmax and cross-entropy.
  return { task: 'classification', n, k, classes, sigmoid: false, probabilities: (sample) => Float64Array.from(logits.row(sample).p) };
}

export function jacobianCommand(
  file: string,
  source: JacobianSource,
  sampleArg: string | undefined,
  json: boolean,
  io: OutIo & { out(text: string): void; err(text: string): void },
  print: boolean,
  out: { path: string; format: ExportFormat } | null,
): number {
  if (source.task !== 'classification') {
    io.err(`${file}: the softmax Jacobian needs logits or probabilities; this file is a ${source.task} file\n`);
    return 1;
  }
  // "" and " " are not sample 0.
  const sample = sampleArg === undefined ? 0 : sampleArg.trim() === '' ? NaN : Number(sampleArg);
  if (!Number.isInteger(sample) || sample < 0 || sample >= source.n) {
    io.err(`${file}: --sample must be a whole number from 0 to ${source.n - 1}, not "${sampleArg}"\n`);
    return 1;
  }
  const { k, sigmoid } = source;
  const names = (source.classes ?? Array.from({ length: k }, (_, j) => String(j))).map((n) => escapeControls(n, true));
  const width = Math.max(10, ...names.map((n) => n.length + 1));
  // K × K can be far more than fits: refuse, with the size it would need, before writing anything.
  const tooLarge =
    (print ? jacobianTooLarge(k, json ? 'json' : 'table', width, sigmoid && json) : null) ??
    (out ? jacobianTooLarge(k, out.format === 'safetensors' ? 'npz' : out.format) : null);
  if (tooLarge) {
    io.err(`${file}: ${tooLarge}\n`);
    return 1;
  }
  const p = source.probabilities(sample);
  if (print && sigmoid) {
    const jacobian = toRows(sigmoidJacobian(p), k, k);
    if (json)
      writeJson({ sample, activation: 'sigmoid', jacobian, softmaxJacobian: toRows(softmaxJacobian(p), k, k) }, (t) => io.out(t), {
        escape: false,
      });
    else {
      io.out(
        `sigmoid Jacobian ∂p_j/∂z_k = δ_jk p_j(1 − p_j) of sample ${sample} in ${escapeControls(file, true)} (diagonal: each output is its own sigmoid)\n`,
      );
      io.out(''.padStart(width) + names.map((n) => n.padStart(width)).join('') + '\n');
      jacobian.forEach((row, j) => io.out(names[j].padStart(width) + row.map((v) => v.toExponential(2).padStart(width)).join('') + '\n'));
    }
  } else if (print) {
    if (json) for (const line of jacobianJsonLines(p, sample)) io.out(line);
    else {
      io.out(`softmax Jacobian ∂p_j/∂z_k = p_j(δ_jk − p_k) of sample ${sample} in ${escapeControls(file, true)}\n`);
      io.out(''.padStart(width) + names.map((n) => n.padStart(width)).join('') + '\n');
      const row = new Float64Array(k);
      for (let j = 0; j < k; j++) {
        jacobianRow(p, j, row);
        let line = names[j].padStart(width);
        for (let c = 0; c < k; c++) line += row[c].toExponential(2).padStart(width);
        io.out(line + '\n');
      }
    }
  }
  if (!out) return 0;
  const written =
    out.format === 'npz' || out.format === 'safetensors'
      ? ((bytes) => writeOut(out.path, bytes, io) ?? bytes.length)(
          exportSampleJacobian(p, sample, out.format, { fileName: basename(file), classes: source.classes, compress: true }),
        )
      : writeOutChunks(out.path, jacobianFileChunks(p, sample, out.format, { fileName: basename(file), classes: source.classes }), io);
  if (typeof written === 'string') {
    io.err(`gradient-lens: ${written}\n`);
    return 1;
  }
  io.err(`wrote ${out.path} (${written} bytes)\n`);
  return 0;
}
