/**
 * `analyze FILE` (the text table) of a large CSV or JSON logits file in the simple layout, without
 * the full reader (issue 22): the table shows the loss, then each of the first MAX_ROWS samples'
 * loss, prediction and ‖∂L/∂z‖. The rows are read in parts on threads by the extension worker's
 * reader (src/node/logitFileAnalysis.ts, the full pipeline's result bit for bit) and only those
 * samples' logits are read back, for their ∂L/∂z (TensorStore's row, as hover and the panel show
 * it). Anything else gives null, and the full reader prints the table and every message.
 */
import type { ClassificationAnalysis } from '../core/analysis';
import { lossFunctionOf } from '../core/loss/describe';
import type { Reduction } from '../core/losses';
import { siblingFilesFor } from '../core/npySiblings';
import { TensorStore } from '../core/tensorQuery';
import { analyzeLogitFile, type PartRunner } from '../node/logitFileAnalysis';
import { MAX_ROWS, renderTable } from './table';

export function streamedTable(
  file: string,
  readSibling: (name: string) => Uint8Array | null,
  reduction: Reduction,
  threads: PartRunner,
): string | null {
  const siblings = Object.fromEntries(siblingFilesFor(file).map((name) => [name, readSibling(name)]));
  // The CLI prints the loader's messages only (not the editor's data warnings); with none, nothing.
  const fast = analyzeLogitFile(file, file, { reduction, siblings, warnings: false }, threads);
  if (!fast || fast.result.problems.length > 0 || fast.result.dataset?.task !== 'classification') return null;
  const analysis = fast.result.analysis as ClassificationAnalysis;
  const shown = Math.min(analysis.n, MAX_ROWS);
  fast.logits.ensureRows(0, shown); // one read for the rows shown
  const store = new TensorStore(fast.result, (r0, r1) => fast.logits.ensureRows(r0, r1));
  const logitGradient: number[][] = [];
  for (let i = 0; i < shown; i++) {
    const row = store.answer({ kind: 'row', index: i });
    if (typeof row === 'string' || !('task' in row) || row.task !== 'classification') return null;
    logitGradient.push(Array.from(row.dLdz));
  }
  // The keys renderTable reads from the full path's report (reportOf), with only the rows it shows.
  const report: Record<string, unknown> = {
    task: 'classification',
    input: analysis.input,
    n: analysis.n,
    k: analysis.k,
    reduction: analysis.reduction,
    lossFunction: lossFunctionOf(analysis),
    loss: analysis.loss,
    losses: analysis.losses,
    logitGradient,
    predicted: analysis.predicted,
  };
  if (fast.result.dataset.classes) report.classes = fast.result.dataset.classes;
  return renderTable(file, report);
}
