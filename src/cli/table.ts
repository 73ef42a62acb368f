/** The readable (non-JSON) CLI output: a summary and one line per sample. */
const MAX_ROWS = 50;

export function renderTable(file: string, report: Record<string, unknown>): string {
  const lines: string[] = [];
  const loss = report.loss as number;
  if (report.task === 'classification') {
    const classes = report.classes as string[] | undefined;
    lines.push(`${file}: ${report.n} samples × ${report.k} classes, from ${report.input}`);
    lines.push(`cross-entropy (${report.reduction}) = ${fmt(loss)}${report.accuracy !== undefined ? `, accuracy ${(100 * (report.accuracy as number)).toFixed(1)}%` : ''}`);
    const losses = report.losses as number[] | undefined;
    if (losses) {
      const grad = report.logitGradient as number[][];
      const predicted = report.predicted as number[];
      lines.push('');
      lines.push(`${'sample'.padStart(6)}  ${'loss'.padStart(11)}  ${'predicted'.padEnd(12)}  ‖∂L/∂z‖`);
      for (let i = 0; i < Math.min(losses.length, MAX_ROWS); i++) {
        const name = classes?.[predicted[i]] ?? String(predicted[i]);
        lines.push(`${String(i).padStart(6)}  ${fmt(losses[i]).padStart(11)}  ${name.padEnd(12)}  ${fmt(Math.hypot(...grad[i]))}`);
      }
      if (losses.length > MAX_ROWS) lines.push(`   …  ${losses.length - MAX_ROWS} more samples (use --json for all)`);
    }
  } else {
    lines.push(`${file}: ${report.n} samples × ${report.d} outputs`);
    lines.push(`mean squared error (${report.reduction}) = ${fmt(loss)}`);
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

function fmt(x: number): string {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e5 ? x.toFixed(6) : x.toExponential(4);
}
