// Memory: peak resident set of `gradient-lens analyze FILE --summary` (dist/cli.js, a fresh
// process) on the 10,000 × 1,000 logits files, against the budget 3 × file size + 100 MB.
import { cachedLogitsFile } from '../generate.mjs';
import { QUICK, cliPath, emit, log, MB, row, runWithPeakRss } from './common.mjs';

const N = QUICK ? 500 : 10000;
const K = 1000;
const cli = cliPath();
const rows = [];
const info = { n: N, k: K, budget: '3 × file size + 100 MB', runs: {} };
for (const variant of ['short', 'long']) {
  for (const kind of ['csv', 'json']) {
    const file = cachedLogitsFile({ kind, variant, n: N, k: K });
    const r = runWithPeakRss(process.execPath, [cli, 'analyze', file.path, '--summary', '--json']);
    if (r.status !== 0) throw new Error(`analyze failed on ${file.path}: ${r.stderr}`);
    const budget = 3 * file.bytes + 100 * MB;
    log(
      `memory: ${variant} ${kind} ${(file.bytes / MB).toFixed(0)} MB file: peak RSS ${(r.peakRss / MB).toFixed(0)} MB (budget ${(budget / MB).toFixed(0)} MB), ${r.wallMs.toFixed(0)} ms`,
    );
    rows.push(
      row({
        name: `[${variant}] analyze ${kind.toUpperCase()} --summary, ${(file.bytes / MB).toFixed(0)} MB file: peak RSS / budget`,
        ours: { value: Number((r.peakRss / MB).toFixed(0)), unit: 'MB', perFileByte: Number((r.peakRss / file.bytes).toFixed(2)) },
        peer: { name: '3 × file + 100 MB', value: Number((budget / MB).toFixed(0)), unit: 'MB' },
        ratio: r.peakRss / budget,
        better: 'lower',
        target: 1,
        note: `measured with ${r.via}`,
      }),
    );
    info.runs[`${variant}-${kind}`] = { bytes: file.bytes, peakRss: r.peakRss, wallMs: r.wallMs };
  }
}
emit({ section: 'memory', title: 'Peak memory of the CLI', rows, info });
