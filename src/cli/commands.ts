import { parseArgs } from 'node:util';
import { analyze, type Analysis } from '../core/analysis';
import type { Dataset, LoadResult } from '../core/dataset';
import { checkDatasetGradients } from '../core/datasetCheck';
import { formatLocation, LineIndex } from '../core/lineIndex';
import { loadTensorFile } from '../core/load';
import type { Reduction } from '../core/losses';
import { analysisReport, toRows } from '../core/report';
import { analyzeNetwork } from '../core/network';
import { networkReport } from '../core/networkReport';
import { softmaxJacobian } from '../core/softmax';
import { renderTable } from './table';

export interface CliIo {
  readFile(path: string): Uint8Array;
  fileSize(path: string): number;
  out(text: string): void;
  err(text: string): void;
}

const USAGE = `usage:
  gradient-lens analyze FILE [--json] [--summary] [--reduction mean|sum]
  gradient-lens jacobian FILE --sample I [--json]
  gradient-lens check FILE            finite-difference check of every analytic gradient
FILE is .json, .csv, .npy or .npz (formats: see README).`;

export function runCli(argv: string[], io: CliIo): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean', default: false },
        summary: { type: 'boolean', default: false },
        sample: { type: 'string' },
        reduction: { type: 'string', default: 'mean' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.err(`gradient-lens: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, file] = positionals;
  if (values.help || !command) {
    io.out(USAGE + '\n');
    return command || values.help ? 0 : 2;
  }
  if (!['analyze', 'jacobian', 'check'].includes(command) || !file) {
    io.err(`gradient-lens: ${file ? `unknown command "${command}"` : 'missing FILE'}\n${USAGE}\n`);
    return 2;
  }
  if (values.reduction !== 'mean' && values.reduction !== 'sum') {
    io.err(`gradient-lens: --reduction must be mean or sum, not "${values.reduction}"\n`);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = io.readFile(file);
  } catch (error) {
    io.err(`${file}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}\n`);
    return 1;
  }
  const loaded = loadTensorFile(bytes, file);
  if (reportProblems(file, bytes, loaded, io)) return 1;
  const dataset = loaded.dataset!;
  const reduction = values.reduction as Reduction;

  if (command === 'jacobian') return jacobianCommand(file, dataset, values.sample, values.json, io);
  if (command === 'check') return checkCommand(dataset, reduction, io, values.json);
  const report = reportOf(dataset, reduction, values.summary);
  io.out(values.json ? JSON.stringify(report) + '\n' : renderTable(file, report));
  return 0;
}

function reportOf(dataset: Dataset, reduction: Reduction, summary: boolean): Record<string, unknown> {
  if (dataset.task === 'network') return networkReport(dataset, analyzeNetwork(dataset, { reduction }), summary);
  const analysis: Analysis = analyze(dataset, { reduction });
  const report = analysisReport(analysis, summary);
  if (dataset.task === 'classification' && dataset.classes) report.classes = dataset.classes;
  return report;
}

/** Prints every problem as FILE:LINE:COL: message; true when any is an error. */
function reportProblems(file: string, bytes: Uint8Array, loaded: LoadResult, io: CliIo): boolean {
  if (loaded.problems.length === 0) return false;
  const index = new LineIndex(bytes);
  for (const p of loaded.problems) {
    io.err(`${formatLocation(file, index, p.start)}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}\n`);
  }
  return loaded.dataset === null;
}

function jacobianCommand(file: string, dataset: Dataset, sampleArg: string | undefined, json: boolean, io: CliIo): number {
  if (dataset.task !== 'classification') {
    io.err(`${file}: the softmax Jacobian needs logits or probabilities; this file is a ${dataset.task} file\n`);
    return 1;
  }
  const sample = sampleArg === undefined ? 0 : Number(sampleArg);
  if (!Number.isInteger(sample) || sample < 0 || sample >= dataset.n) {
    io.err(`${file}: --sample must be a whole number from 0 to ${dataset.n - 1}, not "${sampleArg}"\n`);
    return 1;
  }
  const analysis = analyze(dataset);
  if (analysis.task !== 'classification') return 1;
  const k = dataset.k;
  const p = analysis.probabilities.subarray(sample * k, (sample + 1) * k);
  const jacobian = toRows(softmaxJacobian(p), k, k);
  if (json) io.out(JSON.stringify({ sample, jacobian }) + '\n');
  else {
    const names = dataset.classes ?? Array.from({ length: k }, (_, j) => String(j));
    io.out(`softmax Jacobian ∂p_j/∂z_k = p_j(δ_jk − p_k) of sample ${sample} in ${file}\n`);
    const width = Math.max(10, ...names.map((n) => n.length + 1));
    io.out(''.padStart(width) + names.map((n) => n.padStart(width)).join('') + '\n');
    jacobian.forEach((row, j) => io.out(names[j].padStart(width) + row.map((v) => v.toExponential(2).padStart(width)).join('') + '\n'));
  }
  return 0;
}

function checkCommand(dataset: Dataset, reduction: Reduction, io: CliIo, json: boolean): number {
  const checks = checkDatasetGradients(dataset, reduction);
  if (json) io.out(JSON.stringify(checks) + '\n');
  else {
    for (const c of checks) {
      const kink = dataset.task === 'network' ? 'a ReLU kink' : 'the clip boundary';
      const skipped = c.skipped ? `, ${c.skipped} skipped at ${kink}` : '';
      io.out(`${c.passed ? 'ok  ' : 'FAIL'} ${c.name}: ${c.checked} coordinates${skipped}; worst relative error ${c.maxRelativeError.toExponential(2)}, worst absolute ${c.maxAbsoluteError.toExponential(2)} (analytic ${c.analytic.toExponential(6)} vs finite difference ${c.numeric.toExponential(6)})\n`);
    }
  }
  return checks.every((c) => c.passed) ? 0 : 1;
}
