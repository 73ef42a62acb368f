// Helpers shared by the bench sections (not a section itself: bench/run.mjs lists sections by name).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const require = createRequire(join(ROOT, 'package.json'));

/** `--quick`: small inputs, one round; a smoke test of the harness, not a measurement. */
export const QUICK = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';

export function arg(name, fallback = null) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

export function log(...parts) {
  process.stderr.write(parts.join(' ') + '\n');
}

/**
 * Where the measured code comes from. By default this working tree; BENCH_SRC_ROOT (a directory
 * holding a src/ tree) and BENCH_CLI (a cli.js) measure a candidate change instead, e.g. a patched
 * copy of the tree, against the same peers in the same run.
 */
export const SRC_ROOT = process.env.BENCH_SRC_ROOT ?? ROOT;

/**
 * TypeScript re-exports bundled by esbuild with the options scripts/build.mjs uses for the Node
 * bundles (platform node, target node20, cjs) into a temp dir and required: what ships, not what
 * tsx transpiles. `resolveDir` is where the entry's relative imports start.
 */
export async function bundleAndRequire(exportsText, name, resolveDir = ROOT) {
  const esbuild = await import(require.resolve('esbuild'));
  const dir = mkdtempSync(join(tmpdir(), `gradient-lens-${name}-`));
  const outfile = join(dir, `${name}.cjs`);
  await esbuild.build({
    stdin: { contents: exportsText, resolveDir, loader: 'ts', sourcefile: `bench-${name}-entry.ts` },
    nodePaths: [join(ROOT, 'node_modules')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
    legalComments: 'none',
  });
  const mod = require(outfile);
  rmSync(dir, { recursive: true, force: true });
  return mod;
}

/** src/core (or BENCH_SRC_ROOT's copy of it), bundled as it ships. */
export function coreBundle() {
  return bundleAndRequire(
    [
      "export { parseCsv } from './src/core/csv';",
      "export { parseJson } from './src/core/json';",
      "export { softmaxCrossEntropy, softmaxCrossEntropyGradient, softmaxCrossEntropyLabels } from './src/core/losses';",
      "export { exp, softmax, softmaxJacobian } from './src/core/softmax';",
      "export { loadTensorFile } from './src/core/load';",
      "export { analyze } from './src/core/analysis';",
    ].join('\n'),
    'core',
    SRC_ROOT,
  );
}

/** The shipped CLI bundle; `npm run bench` builds it first. */
export function cliPath() {
  if (process.env.BENCH_CLI) return process.env.BENCH_CLI;
  const path = join(ROOT, 'dist', 'cli.js');
  if (!existsSync(path)) throw new Error('dist/cli.js is missing: run `node scripts/build.mjs` (npm run bench does)');
  return path;
}

export const gc = globalThis.gc ?? (() => {});

/**
 * The figure each ratio is taken from: the fastest of the interleaved rounds by default, since on
 * a shared machine a neighbour's load only ever adds time (medians are kept in the JSON too);
 * BENCH_STAT=median to use medians instead.
 */
export const STAT = process.env.BENCH_STAT === 'median' ? 'median' : 'min';
export const STAT_TEXT =
  STAT === 'min'
    ? 'fastest of interleaved rounds (after one warm-up); medians in timesMs'
    : 'median of interleaved rounds (after one warm-up)';
export function pick(xs) {
  return STAT === 'min' ? Math.min(...xs) : median(xs);
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs every case `rounds` times, interleaved (round r runs each case once, in an order rotated
 * by r) so that a noisy neighbour slows all of them alike rather than one. Each run starts after
 * a full GC and its result is dropped before the next. Returns { name: { median, min, times } } in ms.
 */
export function interleave(cases, rounds, { warmup = 1 } = {}) {
  const times = Object.fromEntries(cases.map((c) => [c.name, []]));
  const total = warmup + rounds;
  for (let r = 0; r < total; r++) {
    for (let c = 0; c < cases.length; c++) {
      const item = cases[(c + r) % cases.length];
      gc();
      gc();
      const t0 = performance.now();
      let out = item.run();
      const dt = performance.now() - t0;
      if (item.check && r === 0) item.check(out);
      out = null;
      if (r >= warmup) times[item.name].push(dt);
      log(`  ${r < warmup ? 'warm-up' : `round ${r - warmup + 1}/${rounds}`} ${item.name}: ${dt.toFixed(1)} ms`);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { median: median(v), min: Math.min(...v), times: v }]));
}

/**
 * A comparison row. `better` says which way is good: 'higher' when ratio = ours/peer speed
 * (target: ratio ≥ target), 'lower' when ratio = ours/peer time or size (target: ratio ≤ target).
 * Without a target the row is INFO; `pass` (true/false) gives the verdict outright for yes/no targets.
 */
export function row({ name, ours, peer = null, ratio = null, better = 'higher', target = null, note = '', pass = null }) {
  let verdict = 'INFO';
  if (pass !== null) verdict = pass ? 'PASS' : 'MISS';
  else if (target !== null && ratio !== null && Number.isFinite(ratio))
    verdict = (better === 'higher' ? ratio >= target : ratio <= target) ? 'PASS' : 'MISS';
  return { name, ours, peer, ratio, better, target, verdict, note };
}

export function skipRow(name, note) {
  return { name, ours: null, peer: null, ratio: null, better: 'higher', target: null, verdict: 'SKIP', note };
}

/** Writes the section's result where bench/run.mjs asked (or prints it when run by hand). */
export function emit(result) {
  const out = arg('--out');
  const text = JSON.stringify(result, null, 2);
  if (out) writeFileSync(out, text);
  else process.stdout.write(text + '\n');
}

export const MB = 1e6;

/** Peak RSS of a command in bytes, via GNU time -v; null if GNU time is not there. */
export function runWithPeakRss(command, args, options = {}) {
  const gnuTime = '/usr/bin/time';
  if (existsSync(gnuTime)) {
    const t0 = performance.now();
    const r = spawnSync(gnuTime, ['-v', command, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
    const wall = performance.now() - t0;
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr ?? '');
    const stderr = (r.stderr ?? '').replace(/\n\tCommand being timed:[\s\S]*$/, '');
    return { status: r.status, stdout: r.stdout, stderr, wallMs: wall, peakRss: m ? Number(m[1]) * 1024 : null, via: 'GNU time -v' };
  }
  // Fallback for Node commands: a preload that reports process.resourceUsage().maxRSS on exit.
  const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-rss-'));
  const preload = join(dir, 'rss.cjs');
  const report = join(dir, 'rss.txt');
  writeFileSync(
    preload,
    `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)}, String(process.resourceUsage().maxRSS * 1024)));`,
  );
  const t0 = performance.now();
  const r = spawnSync(command, ['--require', preload, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...options });
  const wall = performance.now() - t0;
  const peak = existsSync(report) ? Number(readFileSync(report, 'utf8')) : null;
  rmSync(dir, { recursive: true, force: true });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, wallMs: wall, peakRss: peak, via: 'process.resourceUsage().maxRSS' };
}

export function ensureDir(path) {
  mkdirSync(path, { recursive: true });
  return path;
}
