/** The readable (non-JSON) CLI output: a summary and one line per sample. File text is escaped (safeText). */
import type { ClassificationAnalysis } from '../core/analysis';
import { lossFunctionOf } from '../core/loss/describe';
import { escapeControls } from '../core/safeText';

export const MAX_ROWS = 50;

/**
 * The keys renderTable reads of a classification analysis, with ∂L/∂z of only the rows it shows
 * (`gradientRow(i)`, i < MAX_ROWS): the n × k matrices as nested arrays were 3 × 10⁷ numbers for
 * 10⁴ × 10³ logits, made to print 50 rows.
 */
export function classificationTable(
  a: ClassificationAnalysis,
  gradientRow: (i: number) => ArrayLike<number>,
  classes: string[] | null,
): Record<string, unknown> {
  const shown = Math.min(a.n, MAX_ROWS);
  const report: Record<string, unknown> = {
    task: 'classification',
    input: a.input,
    n: a.n,
    k: a.k,
    reduction: a.reduction,
    lossFunction: lossFunctionOf(a),
    loss: a.loss,
    losses: a.losses,
    logitGradient: Array.from({ length: shown }, (_, i) => Array.from(gradientRow(i))),
    predicted: a.predicted,
  };
  if (classes) report.classes = classes;
  return report;
}

export function renderTable(file: string, report: Record<string, unknown>): string {
  if (report.task === 'network') return renderNetworkTable(file, report);
  const lines: string[] = [];
  const loss = report.loss as number;
  if (report.task === 'classification') {
    const classes = report.classes as string[] | undefined;
    lines.push(`${escapeControls(file, true)}: ${report.n} samples × ${report.k} classes, from ${report.input}`);
    lines.push(
      `${lossTitle(report, 'cross-entropy')} (${report.reduction}) = ${fmt(loss)}${report.accuracy !== undefined ? `, accuracy ${(100 * (report.accuracy as number)).toFixed(1)}%` : ''}`,
    );
    const losses = report.losses as number[] | undefined;
    if (losses) {
      const grad = report.logitGradient as number[][];
      const predicted = report.predicted as number[];
      lines.push('');
      lines.push(`${'sample'.padStart(6)}  ${'loss'.padStart(11)}  ${'predicted'.padEnd(12)}  ‖∂L/∂z‖`);
      for (let i = 0; i < Math.min(losses.length, MAX_ROWS); i++) {
        const name = escapeControls(classes?.[predicted[i]] ?? String(predicted[i]), true);
        lines.push(`${String(i).padStart(6)}  ${fmt(losses[i]).padStart(11)}  ${name.padEnd(12)}  ${fmt(Math.hypot(...grad[i]))}`);
      }
      if (losses.length > MAX_ROWS) lines.push(`   …  ${losses.length - MAX_ROWS} more samples (use --json for all)`);
    }
  } else {
    lines.push(`${escapeControls(file, true)}: ${report.n} samples × ${report.d} outputs`);
    lines.push(`${lossTitle(report, 'mean squared error')} (${report.reduction}) = ${fmt(loss)}`);
    const losses = report.losses as number[] | undefined;
    if (losses) {
      lines.push('');
      lines.push(`${'sample'.padStart(6)}  ${'loss'.padStart(11)}`);
      for (let i = 0; i < Math.min(losses.length, MAX_ROWS); i++) lines.push(`${String(i).padStart(6)}  ${fmt(losses[i]).padStart(11)}`);
      if (losses.length > MAX_ROWS) lines.push(`   …  ${losses.length - MAX_ROWS} more samples (use --json for all)`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The loss's name with the options that are not torch's defaults, e.g. `cross_entropy (label_smoothing=0.1)`. */
function lossTitle(report: Record<string, unknown>, plain: string): string {
  const f = report.lossFunction as Record<string, unknown> | undefined;
  if (
    !f ||
    (f.name === 'cross_entropy' && !f.weight && !f.label_smoothing && f.ignore_index === -100) ||
    f.name === 'mse' ||
    f.clip !== undefined
  )
    return plain;
  const defaults: Record<string, unknown> = { ignore_index: -100, label_smoothing: 0, beta: 1, delta: 1 };
  const options = Object.entries(f).filter(([key, value]) => key !== 'name' && defaults[key] !== value);
  return `${f.name}${options.length ? ` (${options.map(([key, value]) => `${key}=${Array.isArray(value) ? value.join(',') : value}`).join(', ')})` : ''}`;
}

interface LayerRow {
  activation: string;
  inputs: number;
  outputs: number;
  weightNorm: number;
  gradNorm: number;
  ratio: number | null;
  health: string;
}

/** Architecture, loss, one line per layer (norms and health), then one line per sample. */
function renderNetworkTable(file: string, report: Record<string, unknown>): string {
  const layers = report.layers as LayerRow[];
  const thresholds = report.thresholds as { vanishing: number; exploding: number };
  const shape = [String(layers[0].inputs), ...layers.map((l) => `${l.outputs} ${l.activation}`)].join(' → ');
  const lossName = report.head === 'cross-entropy' ? 'cross-entropy' : 'mean squared error';
  const lines = [`${escapeControls(file, true)}: network ${shape}, ${report.n} samples`];
  lines.push(
    `${lossName} (${report.reduction}) = ${fmt(report.loss as number)}${report.accuracy !== undefined ? `, accuracy ${(100 * (report.accuracy as number)).toFixed(1)}%` : ''}`,
  );
  lines.push('');
  lines.push(
    `${'layer'.padStart(5)}  ${'shape'.padEnd(12)}  ${'‖W‖'.padStart(11)}  ${'‖∂L/∂W‖'.padStart(11)}  ${'ratio'.padStart(11)}  health`,
  );
  layers.forEach((l, i) => {
    // JSON turns an infinite ratio (all-zero W, nonzero gradient) into null.
    const ratio = l.ratio === null ? '∞' : fmt(l.ratio);
    const flag =
      l.health === 'vanishing'
        ? `vanishing (ratio < ${thresholds.vanishing})`
        : l.health === 'exploding'
          ? `exploding (‖∂L/∂W‖ > ${thresholds.exploding})`
          : 'ok';
    lines.push(
      `${String(i + 1).padStart(5)}  ${`${l.outputs}×${l.inputs} ${l.activation}`.padEnd(12)}  ${fmt(l.weightNorm).padStart(11)}  ${fmt(l.gradNorm).padStart(11)}  ${ratio.padStart(11)}  ${flag}`,
    );
  });
  const losses = report.losses as number[] | undefined;
  if (losses) {
    const predicted = report.predicted as number[] | undefined;
    const classes = report.classes as string[] | undefined;
    lines.push('');
    lines.push(`${'sample'.padStart(6)}  ${'loss'.padStart(11)}${predicted ? '  predicted' : ''}`);
    for (let i = 0; i < Math.min(losses.length, MAX_ROWS); i++) {
      const guess = predicted ? `  ${escapeControls(String(classes?.[predicted[i]] ?? predicted[i]), true)}` : '';
      lines.push(`${String(i).padStart(6)}  ${fmt(losses[i]).padStart(11)}${guess}`);
    }
    if (losses.length > MAX_ROWS) lines.push(`   …  ${losses.length - MAX_ROWS} more samples (use --json for all)`);
  }
  return lines.join('\n') + '\n';
}

function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? x.toFixed(6) : x.toExponential(4);
}
