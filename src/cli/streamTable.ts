/**
 * `analyze FILE` (the text table) of a large CSV or JSON file of logits or probabilities in the
 * simple layout, without the full reader (issue 22): the table shows the loss, then each of the
 * first MAX_ROWS samples' loss, prediction and ‖∂L/∂z‖. The rows are read in parts on threads by
 * the extension worker's reader (src/node/logitFileAnalysis.ts, the full pipeline's result bit for
 * bit) and only those samples' rows are read back, for their ∂L/∂z (TensorStore's row, as hover
 * and the panel show it). Anything else gives null, and the full reader prints the table and every
 * message.
 */
import type { Reduction } from '../core/losses';
import type { PartRunner } from '../node/logitFileAnalysis';
import { streamedLogits } from './streamedLogits';
import { classificationTable, MAX_ROWS, renderTable } from './table';

export function streamedTable(
  file: string,
  readSibling: (name: string) => Uint8Array | null,
  reduction: Reduction,
  threads: PartRunner,
): string | null {
  const logits = streamedLogits(file, readSibling, reduction, threads);
  if (!logits) return null;
  const { analysis, dataset } = logits;
  logits.ensureRows(0, Math.min(analysis.n, MAX_ROWS)); // one read for the rows shown
  return renderTable(
    file,
    classificationTable(analysis, (i) => logits.row(i).dLdz, dataset.classes),
  );
}
