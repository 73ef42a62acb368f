/**
 * A block of a heatmap's cells as clipboard text: tab-separated, one line per row, with the column
 * labels as the first line and the row labels as the first column, which is what a spreadsheet or
 * `pandas.read_clipboard()` reads. One cell is its bare number. Numbers are JavaScript's shortest
 * round-trip form, so a pasted value parses back to the same double.
 */
import { grouped } from '../format';
import { neutraliseFormula } from '../../core/csvSafe';
import type { Block } from './gridNav';
import type { HeatmapLabels } from './heatmapFrame';
import type { MatrixSource } from './matrixSource';

/** Larger selections are refused: the text would pass 20 MB (a Jacobian of K = 10,000 is 10⁸). */
export const MAX_COPY_CELLS = 1_000_000;

export function cellsText(source: MatrixSource, block: Block, labels: HeatmapLabels): string | { refused: string } {
  const rows = block.r1 - block.r0;
  const cols = block.c1 - block.c0;
  if (rows * cols === 1) return String(source.value(block.r0, block.c0));
  if (rows * cols > MAX_COPY_CELLS) {
    return {
      refused: `${grouped(rows)} × ${grouped(cols)} values are too many to copy (at most ${grouped(MAX_COPY_CELLS)}): select fewer, or use Gradient Lens: Export Analysis…`,
    };
  }
  // Labels are text from the file: one cell each, and never a live formula when pasted (OWASP).
  const name = (names: readonly string[] | null | undefined, i: number) =>
    neutraliseFormula((names?.[i] ?? String(i)).replace(/[\t\r\n]+/g, ' '));
  const lines: string[] = [];
  const header = [''];
  for (let c = block.c0; c < block.c1; c++) header.push(name(labels.colLabels, c));
  lines.push(header.join('\t'));
  for (let r = block.r0; r < block.r1; r++) {
    const line = [name(labels.rowLabels, r)];
    for (let c = block.c0; c < block.c1; c++) line.push(String(source.value(r, c)));
    lines.push(line.join('\t'));
  }
  return lines.join('\n') + '\n';
}
