/**
 * `analyze FILE` (the text table) of a large CSV or JSON file of logits or probabilities in the
 * simple layout, without the full reader (issue 22): the table shows the loss, then each of the
 * first MAX_ROWS samples' loss, prediction and ‖∂L/∂z‖. The rows are read in parts on threads by
 * the extension worker's reader (src/node/logitFileAnalysis.ts, the full pipeline's result bit for
 * bit) and only those samples' rows are read back, for their ∂L/∂z (TensorStore's row, as hover
 * and the panel show it). Anything else gives null, and the full reader prints the table and every
 * message.
 */
import { lossFunctionOf } from '../core/loss/describe';
import type { Reduction } from '../core/losses';
import type { PartRunner } from '../node/logitFileAnalysis';
import { streamedLogits } from './streamedLogits';
import { MAX_ROWS, renderTable } from './table';

export function streamedTable(
  file: string,
  readSibling: (name: string) => Uint8Array | null,
  reduction: Reduction,
  threads: PartRunner,
): string | null {
  const logits = streamedLogits(file, readSibling, reduction, threads);
  if (!logits) return null;
  const { analysis, dataset } = logits;
  const shown = Math.min(analysis.n, MAX_ROWS);
  logits.ensureRows(0, shown); // one read for the rows shown
  const logitGradient = Array.from({ length: shown }, (_, i) => Array.from(logits.row(i).dLdz));
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
  if (dataset.classes) report.classes = dataset.classes;
  return renderTable(file, report);
}
