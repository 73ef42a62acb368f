// `npm run bench` (after the build): runs each section in its own Node process, so that one
// section's heap, JIT state and page cache churn do not weigh on the next, collects their JSON,
// prints one table (our figure, the peer's, the ratio, the target, PASS/MISS) and writes it all
// to bench/results/<timestamp>.json and bench/results/latest.json (both git-ignored).
//
//   node bench/run.mjs [SECTION ...] [--quick] [--clean]
//     SECTION   run only these (names below); default: all
//     --quick   small inputs, one round: checks the harness, measures nothing worth quoting
//     --clean   delete the cached generated inputs (in the OS temp dir) and exit
//   BENCH_SRC_ROOT=DIR (a copy of the repo with a change applied) and BENCH_CLI=DIR/dist/cli.js
//   measure that change instead of this working tree (see sections/common.mjs).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATA_DIR } from './generate.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/**
 * The sections, in order. A section is a script that measures, then writes
 * { section, title, rows: [row], info } to the path after --out (rows: see sections/common.mjs).
 * To add one, append it here.
 */
const SECTIONS = [
  { name: 'parse', script: 'sections/parse.mjs', node: ['--expose-gc', '--max-old-space-size=16384'] },
  { name: 'compute', script: 'sections/compute.mjs', node: ['--expose-gc', '--max-old-space-size=8192'] },
  { name: 'npy', script: 'sections/npy.mjs', node: ['--expose-gc'] },
  { name: 'cli-vs-numpy', script: 'sections/cli-vs-numpy.mjs', node: [] },
  { name: 'memory', script: 'sections/memory.mjs', node: [] },
  { name: 'bigfile', script: 'sections/bigfile.mjs', node: [] },
  { name: 'streaming', script: 'sections/streaming.mjs', node: [] },
  { name: 'binary', script: 'sections/binary.mjs', node: ['--expose-gc'] },
  // tsx: the section drives test/webview-page/page.ts (TypeScript) in headless Chromium.
  { name: 'jacobian-render', script: 'sections/jacobian-render.mjs', node: ['--import', 'tsx', '--expose-gc'] },
  { name: 'extension', script: 'sections/extension.mjs', node: [] },
];

const args = process.argv.slice(2);
if (args.includes('--clean')) {
  rmSync(DATA_DIR, { recursive: true, force: true });
  console.log(`removed ${DATA_DIR}`);
  process.exit(0);
}
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !SECTIONS.some((s) => s.name === w));
if (unknown.length) {
  console.error(`unknown section(s): ${unknown.join(', ')}; sections: ${SECTIONS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length ? SECTIONS.filter((s) => wanted.includes(s.name)) : SECTIONS;

// NODE_EXTRA_CA_CERTS (set in this machine's shell) makes every Node process parse a CA bundle
// at start: `node -e 0` took 110 ms with it and 60 ms without. Nothing measured opens a TLS
// connection, and Python pays no such cost, so the bench's processes run without it (reported).
const extraCaCerts = process.env.NODE_EXTRA_CA_CERTS ?? null;
delete process.env.NODE_EXTRA_CA_CERTS;

const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-bench-run-'));
const results = [];
let failures = 0;
const started = new Date();
for (const section of selected) {
  const out = join(scratch, `${section.name}.json`);
  console.error(`\n== ${section.name} ==`);
  const t0 = performance.now();
  const run = spawnSync(process.execPath, [...section.node, join(here, section.script), '--out', out, ...(quick ? ['--quick'] : [])], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const seconds = (performance.now() - t0) / 1000;
  let result;
  try {
    result = JSON.parse(readFileSync(out, 'utf8'));
  } catch {
    result = { section: section.name, title: section.name, rows: [], error: `exited with ${run.status ?? run.signal} and no result` };
    failures++;
  }
  result.seconds = Number(seconds.toFixed(1));
  results.push(result);
}
rmSync(scratch, { recursive: true, force: true });

const report = {
  date: started.toISOString(),
  quick,
  measured: { src: process.env.BENCH_SRC_ROOT ?? 'this working tree', cli: process.env.BENCH_CLI ?? 'dist/cli.js' },
  machine: {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGB: Number((totalmem() / 2 ** 30).toFixed(1)),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    nodeExtraCaCerts:
      extraCaCerts === null
        ? 'not set'
        : `${extraCaCerts}: unset for the bench's processes (it costs each Node process a CA bundle parse at start)`,
  },
  sections: results,
};
const resultsDir = join(here, 'results');
mkdirSync(resultsDir, { recursive: true });
const stamp = started.toISOString().replace(/[:.]/g, '-');
writeFileSync(join(resultsDir, `${stamp}.json`), JSON.stringify(report, null, 2) + '\n');
writeFileSync(join(resultsDir, 'latest.json'), JSON.stringify(report, null, 2) + '\n');

console.log(renderTable(report));
console.log(`\nresults: bench/results/${stamp}.json (and latest.json)`);
process.exit(failures ? 1 : 0);

function renderTable(rep) {
  const lines = [];
  lines.push(`Gradient Lens benchmark, ${rep.date}${rep.quick ? ' (--quick: harness check, not a measurement)' : ''}`);
  lines.push(`${rep.machine.cpus} × ${rep.machine.cpu}, ${rep.machine.memoryGB} GB, Node ${rep.machine.node}`);
  if (rep.measured.src !== 'this working tree' || rep.measured.cli !== 'dist/cli.js')
    lines.push(`measuring a candidate: src from ${rep.measured.src}, CLI ${rep.measured.cli}`);
  const header = ['measure', 'ours', 'peer', 'ratio', 'target', 'verdict'];
  const table = [];
  const tally = { PASS: 0, MISS: 0, INFO: 0, SKIP: 0 };
  for (const s of rep.sections) {
    table.push({
      section: `${s.title ?? s.section}${s.seconds !== undefined ? ` (${s.seconds} s)` : ''}${s.error ? ` — ERROR: ${s.error}` : ''}`,
    });
    for (const r of s.rows) {
      tally[r.verdict] = (tally[r.verdict] ?? 0) + 1;
      table.push([
        r.name,
        fmt(r.ours),
        r.peer ? `${fmt(r.peer)} ${r.peer.name}` : '',
        r.ratio === null || r.ratio === undefined ? '' : `${r.ratio.toFixed(r.ratio < 10 ? 2 : 1)}×`,
        r.target === null || r.target === undefined ? '' : `${r.better === 'lower' ? '≤' : '≥'} ${r.target}×`,
        r.verdict + (r.note ? `  (${r.note})` : ''),
      ]);
    }
  }
  const widths = header.map((h, c) =>
    Math.min(c === 0 ? 72 : c === 2 ? 60 : 40, Math.max(h.length, ...table.filter(Array.isArray).map((r) => r[c].length))),
  );
  const cut = (s, w) => (s.length > w ? s.slice(0, w - 1) + '…' : s);
  const line = (cells) => cells.map((c, i) => (i === cells.length - 1 ? c : cut(c, widths[i]).padEnd(widths[i]))).join(' │ ');
  lines.push('', line(header), widths.map((w) => '─'.repeat(w)).join('─┼─') + '─'.repeat(8));
  for (const r of table) lines.push(Array.isArray(r) ? line(r) : `\n${r.section}`);
  lines.push('', `${tally.PASS} PASS, ${tally.MISS} MISS, ${tally.INFO} INFO${tally.SKIP ? `, ${tally.SKIP} SKIP` : ''}`);
  return lines.join('\n');
}

function fmt(v) {
  if (!v) return '';
  const n = v.value;
  const s =
    n !== 0 && Math.abs(n) < 0.01
      ? n.toExponential(1)
      : Math.abs(n) >= 100
        ? n.toFixed(0)
        : Math.abs(n) >= 10
          ? n.toFixed(1)
          : n.toFixed(2);
  return `${s} ${v.unit}`;
}
