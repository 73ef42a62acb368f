// A file larger than V8's longest string (buffer.constants.MAX_STRING_LENGTH, 536,870,888 UTF-16
// units on 64-bit Node 20), parsed through the shipped CLI, which must read it from bytes without
// building one string. Peak RSS of that process against 3 × file size + 100 MB. The file (made
// by repeating the samples of the cached 10,000 × 1,000 file) is deleted afterwards.
import { constants } from 'node:buffer';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cachedLogitsFile, DATA_DIR, writeRepeatedFile } from '../generate.mjs';
import { QUICK, cliPath, emit, log, MB, row, runWithPeakRss, skipRow } from './common.mjs';

const LIMIT = constants.MAX_STRING_LENGTH;
const MIN_BYTES = LIMIT + 16 * 1024 * 1024;
const cli = cliPath();
const rows = [];
const info = { maxStringLength: LIMIT, runs: {} };
const made = new Set();
const cleanup = () => {
  for (const p of made) rmSync(p, { force: true });
};
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

if (QUICK) {
  rows.push(skipRow('file larger than the longest V8 string', 'skipped with --quick'));
} else {
  for (const kind of ['csv', 'json']) {
    const source = cachedLogitsFile({ kind, variant: 'short', n: 10000, k: 1000 });
    const path = join(DATA_DIR, `big-${process.pid}.${kind}`);
    made.add(path);
    try {
      log(`bigfile: writing ${kind} > ${(MIN_BYTES / MB).toFixed(0)} MB`);
      const big = writeRepeatedFile(path, source, MIN_BYTES);
      // Show that the file cannot be one string in this Node.
      let stringError = 'none: it fit in a string';
      try {
        readFileSync(path).toString('latin1');
      } catch (error) {
        stringError = error.code ?? error.message;
      }
      log(`bigfile: ${(big.bytes / MB).toFixed(0)} MB, ${big.n} samples; as one string: ${stringError}`);
      const r = runWithPeakRss(process.execPath, [cli, 'analyze', path, '--summary', '--json']);
      let result = null;
      try {
        result = JSON.parse(r.stdout);
      } catch {
        // A run that printed no JSON is reported below as not ok.
      }
      const ok = r.status === 0 && result?.n === big.n && Number.isFinite(result?.loss);
      const budget = 3 * big.bytes + 100 * MB;
      log(
        `bigfile: exit ${r.status}, ${r.wallMs.toFixed(0)} ms, peak RSS ${r.peakRss === null ? '?' : (r.peakRss / MB).toFixed(0)} MB${ok ? '' : `\n${r.stderr}`}`,
      );
      rows.push(
        row({
          name: `${kind.toUpperCase()} of ${(big.bytes / MB).toFixed(0)} MB (> ${LIMIT} chars) through dist/cli.js analyze --summary`,
          ours: { value: Number((big.bytes / MB / (r.wallMs / 1000)).toFixed(1)), unit: 'MB/s', ms: Math.round(r.wallMs), samples: big.n },
          pass: ok,
          note: ok
            ? `parsed from bytes (as one JS string: ${stringError})`
            : `failed: exit ${r.status}: ${(r.stderr || '').trim().split('\n').slice(-2).join(' ')}`,
        }),
      );
      if (r.peakRss !== null) {
        rows.push(
          row({
            name: `${kind.toUpperCase()} of ${(big.bytes / MB).toFixed(0)} MB: peak RSS / budget`,
            ours: { value: Number((r.peakRss / MB).toFixed(0)), unit: 'MB', perFileByte: Number((r.peakRss / big.bytes).toFixed(2)) },
            peer: { name: '3 × file + 100 MB', value: Number((budget / MB).toFixed(0)), unit: 'MB' },
            ratio: r.peakRss / budget,
            better: 'lower',
            target: 1,
            note: `measured with ${r.via}`,
          }),
        );
      }
      info.runs[kind] = {
        bytes: big.bytes,
        n: big.n,
        status: r.status,
        wallMs: r.wallMs,
        peakRss: r.peakRss,
        stringError,
        loss: result?.loss ?? null,
      };
    } finally {
      rmSync(path, { force: true });
      made.delete(path);
    }
  }
}
emit({ section: 'bigfile', title: 'A file larger than the longest V8 string', rows, info });
