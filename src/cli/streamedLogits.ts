/**
 * A large CSV or JSON file of logits (or probabilities) in the simple layout, for a CLI command
 * that shows a few rows of it (the table, one sample's Jacobian; issue 22): read in parts on
 * threads by the extension worker's reader (analyzeLogitFile, the full pipeline's result bit for
 * bit), and each row asked for read back from the file (TensorStore's row, as hover and the panel
 * show it). Null for anything else, or any message: the command then runs the full reader, the
 * one source of them.
 */
import type { ClassificationAnalysis } from '../core/analysis';
import type { ClassificationData } from '../core/dataset';
import type { Reduction } from '../core/losses';
import { siblingFilesFor } from '../core/npySiblings';
import { TensorStore, type ClassificationRow } from '../core/tensorQuery';
import { analyzeLogitFile, type PartRunner } from '../node/logitFileAnalysis';

export interface StreamedLogits {
  dataset: ClassificationData;
  analysis: ClassificationAnalysis;
  /** Reads rows [r0, r1) from the file in one go (before asking for them one by one). */
  ensureRows(r0: number, r1: number): void;
  /** Sample i's row: p, y, ∂L/∂z. */
  row(i: number): ClassificationRow;
}

export function streamedLogits(
  file: string,
  readSibling: (name: string) => Uint8Array | null,
  reduction: Reduction,
  threads: PartRunner,
): StreamedLogits | null {
  const siblings = Object.fromEntries(siblingFilesFor(file).map((name) => [name, readSibling(name)]));
  // The CLI prints the loader's messages only (not the editor's data warnings); with none, nothing.
  // No line tables: the CLI prints no positions from this road (any message is the full reader's).
  const fast = analyzeLogitFile(file, file, { reduction, siblings, warnings: false }, { ...threads, lineTables: false });
  const { dataset, analysis, problems } = fast?.result ?? {};
  if (!fast || problems!.length > 0 || dataset?.task !== 'classification' || analysis?.task !== 'classification') return null;
  const store = new TensorStore(fast.result, (r0, r1) => fast.logits.ensureRows(r0, r1));
  return {
    dataset,
    analysis,
    ensureRows: (r0, r1) => fast.logits.ensureRows(r0, r1),
    row: (i) => {
      const row = store.answer({ kind: 'row', index: i });
      if (typeof row === 'string' || !('task' in row) || row.task !== 'classification')
        throw new Error(`${file}: sample ${i} is not a classification row`);
      return row;
    },
  };
}
