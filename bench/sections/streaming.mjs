// Issue 22: `analyze FILE --summary` streamed, and on several threads. Every figure is a fresh
// process of the shipped dist/cli.js, wall time, interleaved rounds, peers in the same rounds:
// - thread scaling: --threads 1…cores on the CSV (the same stdout for every N is checked), beside
//   the machine's own scaling on a parse-like loop measured between them (a shared VM's host may
//   take a core away for minutes), and
//   the parse rate (numbers/s per core) against fast_float's published figure (cited, not run);
// - `analyze big.csv --summary` against a process that only JSON.parses the same numbers;
// - peak RSS (GNU time) of --summary on the 10,000 × 1,000 files and on 1 GB files made of their
//   rows repeated, against a bare `node -e 0` measured the same way (target ≤ 160 MB), and the
//   1 GB files' --summary on 1…cores threads (where a process's fixed costs are a small share).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSync } from 'esbuild';
import { cachedLogitsFile, DATA_DIR, writeRepeatedFile } from '../generate.mjs';
import { QUICK, STAT_TEXT, cliPath, emit, log, MB, median, pick, row, runWithPeakRss } from './common.mjs';

const N = QUICK ? 500 : 10000;
const K = 1000;
const ROUNDS = QUICK ? 1 : 3;
const BIG = QUICK ? 40e6 : 1.07e9;
const cores = availableParallelism();
const cli = cliPath();
const rows = [];
const info = { n: N, k: K, rounds: ROUNDS, cores, statistic: `wall time of each process: ${STAT_TEXT}`, runs: {} };

const GNU_TIME = '/usr/bin/time';
/** Wall time, stdout and (with GNU time) the CPU seconds of a fresh Node process. */
function timed(args) {
  const viaTime = existsSync(GNU_TIME);
  const t0 = performance.now();
  const p = viaTime
    ? spawnSync(GNU_TIME, ['-f', 'CPU %U %S', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
    : spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = performance.now() - t0;
  if (p.status !== 0) throw new Error(`${args.join(' ')} failed: ${p.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(p.stderr ?? '');
  return { wall, stdout: p.stdout, cpu: m ? 1000 * (Number(m[1]) + Number(m[2])) : null };
}

/** esbuild's options for a Node module the bench entries require (as scripts/build.mjs builds dist's). */
const NODE_BUNDLE = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'error' };

/**
 * An entry that prints {times, loss} run once per thread count 1…cores, the counts alternated,
 * in (QUICK ? 1 : 2) rounds with the machine control before each and after the last: each
 * count's times of every run. The loss must not depend on the count.
 */
function perThreadCount(entry, argsFor, what) {
  const runs = Object.fromEntries(Array.from({ length: cores }, (_, i) => [i + 1, []]));
  const losses = new Set();
  for (let r = 0; r < (QUICK ? 1 : 2); r++) {
    measureControl();
    for (let t = 1; t <= cores; t++) {
      const p = spawnSync(process.execPath, [entry, ...argsFor(t)], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`${what} failed: ${p.stderr}`);
      const { times, loss } = JSON.parse(p.stdout);
      losses.add(loss);
      runs[t].push(times);
      log(`  ${what} ${t} thread(s): ${times.map((x) => x.toFixed(0)).join(' ')} ms`);
    }
  }
  measureControl(); // after the last round too: the runs are then between two controls
  if (losses.size !== 1) throw new Error(`${what}: the thread count changed the loss: ${[...losses].join(' | ')}`);
  return runs;
}

/** For each thread count, the times `pick` takes from each run's, joined. */
function mapCounts(runs, pickTimes) {
  return Object.fromEntries(Object.entries(runs).map(([t, list]) => [t, list.flatMap(pickTimes)]));
}

// The machine's own scaling, measured between the figures it qualifies (bench/entries/scalingControl.mjs).
const controlEntry = fileURLToPath(new URL('../entries/scalingControl.mjs', import.meta.url));
const control = Object.fromEntries(Array.from({ length: cores - 1 }, (_, i) => [i + 2, []]));
function measureControl() {
  for (let t = 2; t <= cores; t++) {
    const p = spawnSync(process.execPath, [controlEntry, String(t), '2'], { encoding: 'utf8' });
    if (p.status !== 0) throw new Error(`scaling control failed: ${p.stderr}`);
    control[t].push(JSON.parse(p.stdout).speedup);
  }
}
/** Where the control's list stands now: controlAround(mark, t) then gives the ones measured since. */
const controlMark = () => control[2]?.length ?? 0;
/**
 * For a thread row's note: the control's range on t threads between `mark` and now, around the
 * row's runs. A shared VM's host takes a core away for minutes at a time (the control then drops
 * to about 1×); a row measured in such a stretch says so instead of looking like a regression.
 */
function controlAround(mark, t) {
  const seen = control[t].slice(mark);
  if (!seen.length) return '';
  const low = Math.min(...seen);
  const range = `machine control around these runs ${low.toFixed(2)}–${Math.max(...seen).toFixed(2)}×`;
  return low < 0.75 * t ? `${range}: the host took a core at times, which bounds this ratio` : range;
}

const csv = cachedLogitsFile({ kind: 'csv', variant: 'short', n: N, k: K });
const json = cachedLogitsFile({ kind: 'json', variant: 'short', n: N, k: K });

// Thread scaling and the JSON.parse peer, interleaved.
const cases = [
  ...Array.from({ length: cores }, (_, i) => ({
    name: `threads ${i + 1}`,
    args: [cli, 'analyze', csv.path, '--summary', '--json', '--threads', String(i + 1)],
  })),
  { name: 'JSON.parse', args: ['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(json.path)}, 'utf8'))`] },
  ...Array.from({ length: cores }, (_, i) => ({
    name: `json threads ${i + 1}`,
    args: [cli, 'analyze', json.path, '--summary', '--json', '--threads', String(i + 1)],
  })),
];
const times = Object.fromEntries(cases.map((c) => [c.name, []]));
const cpu = Object.fromEntries(cases.map((c) => [c.name, []]));
info.loadAverageBefore = loadavg();
const processMark = controlMark();
const outputs = new Set();
const jsonOutputs = new Set();
for (let r = 0; r < ROUNDS + 1; r++) {
  for (let c = 0; c < cases.length; c++) {
    const item = cases[(c + r) % cases.length];
    const { wall, stdout, cpu: used } = timed(item.args);
    if (item.name.startsWith('threads')) outputs.add(stdout);
    if (item.name.startsWith('json threads')) jsonOutputs.add(stdout);
    if (r > 0) times[item.name].push(wall);
    if (r > 0 && used !== null) cpu[item.name].push(used);
    log(`  ${r ? `round ${r}/${ROUNDS}` : 'warm-up'} ${item.name}: ${wall.toFixed(0)} ms`);
  }
  if (r > 0) measureControl();
}
if (outputs.size !== 1) throw new Error(`--threads changed the output: ${[...outputs].join(' | ')}`);
if (jsonOutputs.size !== 1) throw new Error(`--threads changed the JSON output: ${[...jsonOutputs].join(' | ')}`);
const one = pick(times['threads 1']);
info.loadAverageAfter = loadavg();
info.runs.threads = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, { best: pick(v), times: v, cpuMs: cpu[k] }]));
// Wall-time scaling needs idle cores; the CPU time says what the threads cost whatever the load.
const load = `load average ${info.loadAverageBefore[0].toFixed(1)} → ${info.loadAverageAfter[0].toFixed(1)} on ${cores} cores`;
for (let t = 2; t <= cores; t++) {
  const tt = pick(times[`threads ${t}`]);
  rows.push(
    row({
      name: `analyze CSV --summary (${(csv.bytes / MB).toFixed(0)} MB): --threads ${t} vs --threads 1, whole process`,
      ours: { value: Number(tt.toFixed(0)), unit: 'ms' },
      peer: { name: '--threads 1', value: Number(one.toFixed(0)), unit: 'ms' },
      ratio: one / tt,
      target: t === 2 ? 1.7 : null,
      note: `the same stdout for every N; ${load}; ${controlAround(processMark, t)}`,
    }),
  );
  if (cpu[`threads ${t}`].length)
    rows.push(
      row({
        name: `  CPU time (user + sys) of --threads ${t} vs --threads 1`,
        ours: { value: Number(pick(cpu[`threads ${t}`]).toFixed(0)), unit: 'ms' },
        peer: { name: '--threads 1', value: Number(pick(cpu['threads 1']).toFixed(0)), unit: 'ms' },
        ratio: pick(cpu[`threads ${t}`]) / pick(cpu['threads 1']),
        better: 'lower',
        note: 'work added by the threads (worker start-up, the split); the wall-time speed-up is bounded by idle cores',
      }),
    );
}
for (let t = 2; t <= cores; t++) {
  const one = pick(times['json threads 1']);
  const tt = pick(times[`json threads ${t}`]);
  rows.push(
    row({
      name: `analyze JSON --summary (${(json.bytes / MB).toFixed(0)} MB): --threads ${t} vs --threads 1, whole process`,
      ours: { value: Number(tt.toFixed(0)), unit: 'ms' },
      peer: { name: '--threads 1', value: Number(one.toFixed(0)), unit: 'ms' },
      ratio: one / tt,
      target: t === 2 ? 1.7 : null,
      note: `the same stdout for every N; ${load}; ${controlAround(processMark, t)}`,
    }),
  );
  if (cpu[`json threads ${t}`].length)
    rows.push(
      row({
        name: `  CPU time (user + sys) of JSON --threads ${t} vs --threads 1`,
        ours: { value: Number(pick(cpu[`json threads ${t}`]).toFixed(0)), unit: 'ms' },
        peer: { name: '--threads 1', value: Number(pick(cpu['json threads 1']).toFixed(0)), unit: 'ms' },
        ratio: pick(cpu[`json threads ${t}`]) / pick(cpu['json threads 1']),
        better: 'lower',
        note: 'work added by the threads (worker start-up, the pre-scan)',
      }),
    );
}
const parsePeer = pick(times['JSON.parse']);
rows.push(
  row({
    name: `analyze CSV --summary vs a process that only JSON.parses the same numbers (${(json.bytes / MB).toFixed(0)} MB JSON)`,
    ours: { value: Number(one.toFixed(0)), unit: 'ms', threads: 1 },
    peer: { name: 'node -e JSON.parse(readFileSync)', value: Number(parsePeer.toFixed(0)), unit: 'ms' },
    ratio: parsePeer / one,
    target: 2.2,
  }),
);
const best = Math.min(
  ...Object.entries(times)
    .filter(([k]) => k.startsWith('threads'))
    .map(([, v]) => pick(v)),
);
const perCore = (N * K) / (one / 1000);
rows.push(
  row({
    name: 'numbers/s per core, whole process (read, parse, softmax, loss), --threads 1',
    ours: {
      value: Number((perCore / 1e6).toFixed(1)),
      unit: 'M numbers/s',
      allThreads: Number(((N * K) / (best / 1000) / 1e6).toFixed(1)),
    },
    peer: { name: 'fast_float, published (~1 GB/s on its random-float benchmark, Lemire 2021)', value: 50, unit: 'M numbers/s' },
    ratio: perCore / 50e6,
    note: 'the peer is cited, not measured here',
  }),
);

// How often V8 threw optimised code away in a cold --summary (--trace-deopt prints each on stdout):
// the readers' primer (src/core/readerPrimer.ts) is there to keep this near 0.
for (const source of [csv, json]) {
  const deopts = [1, cores].map((t) => {
    const { stdout } = timed(['--trace-deopt', cli, 'analyze', source.path, '--summary', '--threads', String(t)]);
    return (stdout.match(/^\[bailout/gm) ?? []).length;
  });
  rows.push(
    row({
      name: `V8 deopts in a cold analyze ${source.kind.toUpperCase()} --summary (${(source.bytes / MB).toFixed(0)} MB): --threads 1 / ${cores}`,
      ours: { value: deopts[0], unit: 'deopts', allThreads: deopts[1] },
      note: `${deopts[0]} / ${deopts[1]}; before the readers' primer (tenth round) 21–26 / 47–51`,
    }),
  );
}

// The table (`analyze FILE`, no flags) of the same files: read in parts, only the 50 rows shown
// read back (src/cli/streamTable.ts), against the JSON.parse peer of the same rounds' kind.
for (const source of [csv, json]) {
  const wall = [];
  for (let r = 0; r < ROUNDS; r++) wall.push(timed([cli, 'analyze', source.path]).wall);
  const rss = runWithPeakRss(process.execPath, [cli, 'analyze', source.path]);
  rows.push(
    row({
      name: `analyze ${source.kind.toUpperCase()} (${(source.bytes / MB).toFixed(0)} MB), the text table: whole process vs JSON.parse of the 97 MB JSON`,
      ours: { value: Number(pick(wall).toFixed(0)), unit: 'ms', peakRssMB: Number((rss.peakRss / MB).toFixed(0)) },
      peer: { name: 'node -e JSON.parse(readFileSync)', value: Number(parsePeer.toFixed(0)), unit: 'ms' },
      ratio: parsePeer / pick(wall),
      note: 'the full reader took 5.2 s and 763 MB (JSON), 4.0 s and 754 MB (CSV) before it was read in parts',
    }),
  );
}

// `analyze FILE --json` (for 10,000 × 1,000: 665 MB of JSON, to /dev/null): its rows formatted on --threads N
// (src/core/rowTextBlock.ts), N = 1…cores alternated (the bytes are the same for every N: test/unit/cli/stream-threads.test.ts).
const toNull = openSync('/dev/null', 'w');
const outputTimes = Object.fromEntries(Array.from({ length: cores }, (_, i) => [i + 1, []]));
for (let r = 0; r < ROUNDS; r++) {
  for (let t = 1; t <= cores; t++) {
    const t0 = performance.now();
    const p = spawnSync(process.execPath, [cli, 'analyze', csv.path, '--json', '--threads', String(t)], {
      stdio: ['ignore', toNull, 'pipe'],
    });
    if (p.status !== 0) throw new Error(`analyze --json failed: ${p.stderr}`);
    outputTimes[t].push(performance.now() - t0);
  }
  measureControl();
}
closeSync(toNull);
info.runs.jsonOutput = outputTimes;
for (let t = 2; t <= cores; t++) {
  rows.push(
    row({
      name: `analyze CSV --json (${(csv.bytes / MB).toFixed(0)} MB in, p and ∂L/∂z out): --threads ${t} vs --threads 1, whole process`,
      ours: { value: Number(pick(outputTimes[t]).toFixed(0)), unit: 'ms' },
      peer: { name: '--threads 1', value: Number(pick(outputTimes[1]).toFixed(0)), unit: 'ms' },
      ratio: pick(outputTimes[1]) / pick(outputTimes[t]),
      note: 'rows of p and ∂L/∂z formatted in blocks on the threads; the parse itself is one thread below 128 MB either way',
    }),
  );
}

// The extension's reading of these files analysed again and again (any large file after the first)
// (bench/entries/warmPool.mjs): the host keeps the part threads (PartThreadHost) and each analysis
// is a new file worker, the shipped dist/worker.js, connected to them. The first analysis finds
// the threads cold, the later ones warm. One process per thread count, alternated.
const hostModule = join(DATA_DIR, 'part-thread-host-bench.cjs');
buildSync({
  ...NODE_BUNDLE,
  entryPoints: [fileURLToPath(new URL('../../src/extension/partThreadHost.ts', import.meta.url))],
  outfile: hostModule,
});
const workerScript = join(dirname(cli), 'worker.js');
const poolEntry = fileURLToPath(new URL('../entries/warmPool.mjs', import.meta.url));
const POOL_RUNS = QUICK ? 3 : 6;
for (const source of [csv, json]) {
  const mark = controlMark();
  const runs = perThreadCount(
    poolEntry,
    (t) => [workerScript, hostModule, source.path, String(t), String(POOL_RUNS)],
    `warm threads ${source.kind}`,
  );
  const first = mapCounts(runs, (times) => [times[0]]);
  // Warm: the analyses after V8 has compiled the hot loops in the part threads (the third on).
  const warm = mapCounts(runs, (times) => times.slice(Math.min(2, times.length - 1)));
  info.runs[`pool-${source.kind}`] = { first, warm };
  for (let t = 2; t <= cores; t++) {
    rows.push(
      row({
        name: `extension: ${source.kind.toUpperCase()} (${(source.bytes / MB).toFixed(0)} MB) analysed again, part threads warm: ${t} threads vs 1 (parse speed-up)`,
        ours: { value: Number(pick(warm[t]).toFixed(0)), unit: 'ms' },
        peer: { name: 'gradientLens.threads = 1', value: Number(pick(warm[1]).toFixed(0)), unit: 'ms' },
        ratio: pick(warm[1]) / pick(warm[t]),
        target: t === 2 ? 1.7 : null,
        note: `'analyze' request → 'analyzed' answer of a new file worker; the same loss for every count; the serial part (the CSV's row count, the JSON's pre-scan) bounds it; ${load}; ${controlAround(mark, t)}`,
      }),
      row({
        name: `  its first analysis (part threads started cold): ${t} threads vs 1`,
        ours: { value: Number(pick(first[t]).toFixed(0)), unit: 'ms' },
        peer: { name: 'gradientLens.threads = 1', value: Number(pick(first[1]).toFixed(0)), unit: 'ms' },
        ratio: pick(first[1]) / pick(first[t]),
        note: 'a new thread starts in ~90 ms and runs slowly until V8 has compiled its hot loops again',
      }),
    );
  }
}
rmSync(hostModule, { force: true });

// The parse alone (bench/entries/parseCurve.mjs): 1…cores warm threads of one process read the
// file's parts (a JSON's pre-scan included), no process or thread start timed. The figures above
// add Node's start (~75 ms here), a new thread's (~100 ms) and V8's first compiles of the hot loops
// (~80 ms a thread): this row is what the threads themselves gain.
const partsModule = join(DATA_DIR, 'parts-bench.cjs');
buildSync({
  ...NODE_BUNDLE,
  stdin: {
    contents: [
      "export { PartThreadPool } from './src/node/partThreads';",
      "export { openChunkFile } from './src/node/chunkFile';",
      "export { partsFor, planCsvParts, planJsonParts, runPlan, WARM_PARTS_PER_THREAD } from './src/node/summaryParts';",
      "export { useNativeByteSearch } from './src/node/nativeByteSearch';",
    ].join('\n'),
    resolveDir: fileURLToPath(new URL('../..', import.meta.url)),
    loader: 'ts',
  },
  outfile: partsModule,
});
const curveEntry = fileURLToPath(new URL('../entries/parseCurve.mjs', import.meta.url));
for (const source of [csv, json]) {
  const mark = controlMark();
  const runs = perThreadCount(
    curveEntry,
    (t) => [partsModule, cli, source.path, String(t), String(POOL_RUNS)],
    `parse alone ${source.kind}, warm`,
  );
  const curve = mapCounts(runs, (times) => times);
  info.runs[`parse-curve-${source.kind}`] = curve;
  for (let t = 2; t <= cores; t++) {
    rows.push(
      row({
        name: `the parse alone: ${source.kind.toUpperCase()} (${(source.bytes / MB).toFixed(0)} MB) on ${t} warm threads vs 1 (parse speed-up)`,
        ours: { value: Number(pick(curve[t]).toFixed(0)), unit: 'ms' },
        peer: { name: '1 warm thread', value: Number(pick(curve[1]).toFixed(0)), unit: 'ms' },
        ratio: pick(curve[1]) / pick(curve[t]),
        target: t === 2 ? 1.7 : null,
        note: `plan${source.kind === 'json' ? ' (the pre-scan on the threads)' : ''} and parts, cut as the extension cuts for its warm threads (WARM_PARTS_PER_THREAD a thread); no process or thread start; the same summed losses for every count; ${load}; ${controlAround(mark, t)}`,
      }),
    );
  }
}
rmSync(partsModule, { force: true });
info.runs.scalingControl = control;
for (let t = 2; t <= cores; t++) {
  const speedups = control[t];
  rows.push(
    row({
      name: `machine control: a parse-like loop (digits to numbers, 4 MB buffer) on ${t} warm threads vs 1, between the figures above`,
      ours: { value: Number(median(speedups).toFixed(2)), unit: '×', runs: speedups.map((x) => Number(x.toFixed(2))) },
      ratio: median(speedups),
      note: `median of ${speedups.length} measurements (range ${Math.min(...speedups).toFixed(2)}–${Math.max(...speedups).toFixed(2)}×); ${t}× when ${t} cores are idle: below that, this VM's host gave the run less than ${t} cores and every thread figure above is bounded by it`,
    }),
  );
}

/**
 * `--summary` of a 1 GB file on 1…cores threads, whole process, alternated (2 rounds; 1 QUICK):
 * there a process's fixed costs (Node's start, a new thread's start and first compiles, about
 * 0.25 s here) are a small share, so this is the whole-process figure the split can reach.
 */
function bigFileThreads(kind, path, bytes) {
  const wall = Object.fromEntries(Array.from({ length: cores }, (_, i) => [i + 1, []]));
  const outputs = new Set();
  const mark = controlMark();
  measureControl();
  for (let r = 0; r < (QUICK ? 1 : 2); r++) {
    for (let t = 1; t <= cores; t++) {
      const { wall: ms, stdout } = timed([cli, 'analyze', path, '--summary', '--json', '--threads', String(t)]);
      wall[t].push(ms);
      outputs.add(stdout);
      log(`streaming: ${kind} ${(bytes / MB).toFixed(0)} MB --threads ${t}: ${ms.toFixed(0)} ms`);
    }
    measureControl();
  }
  if (outputs.size !== 1) throw new Error(`--threads changed the output on ${path}: ${[...outputs].join(' | ')}`);
  info.runs[`${kind}-${bytes}-threads`] = wall;
  for (let t = 2; t <= cores; t++) {
    rows.push(
      row({
        name: `analyze ${kind.toUpperCase()} --summary (${(bytes / MB).toFixed(0)} MB): --threads ${t} vs --threads 1, whole process`,
        ours: { value: Number(pick(wall[t]).toFixed(0)), unit: 'ms' },
        peer: { name: '--threads 1', value: Number(pick(wall[1]).toFixed(0)), unit: 'ms' },
        ratio: pick(wall[1]) / pick(wall[t]),
        target: t === 2 ? 1.7 : null,
        note: `the same stdout for every N; ${wall[t].length} runs each, alternated; ${controlAround(mark, t)}`,
      }),
    );
  }
}

/**
 * The 1 GB file with one value `fraction` in replaced by 'x' (in place: the file is the bench's own
 * and deleted after; with `restore` the byte is put back after the row): `analyze --summary` must
 * print the full reader's FILE:LINE:COL message in bounded memory (src/node/streamedProblem.ts;
 * the full reader held 1.9 GB for the CSV and 4.9 GB for the JSON). The peer is the valid file's
 * --summary, measured just before. A tenth in, the parts after the first give up when it stops
 * (PartStops in src/node/summaryParts.ts): before that the whole file was read, about 1.0× the
 * valid file's time.
 */
function badValueAtScale(kind, path, bytes, validMs, { fraction, where, restore = false }) {
  const fd = openSync(path, 'r+');
  let at;
  const was = Buffer.alloc(1);
  try {
    const window = Buffer.alloc(1 << 16);
    const from = Math.floor(bytes * fraction);
    readSync(fd, window, 0, window.length, from);
    let i = window.indexOf(44) + 1;
    while (window[i] === 32) i++;
    at = from + i;
    readSync(fd, was, 0, 1, at);
    writeSync(fd, Buffer.from('x'), 0, 1, at);
    brokenFileRow(
      kind,
      path,
      bytes,
      validMs,
      `a bad value ${where} into the ${(bytes / MB).toFixed(0)} MB ${kind.toUpperCase()}`,
      /:\d+:\d+: .*x/,
      {
        at,
        was: '1.9 GB for the CSV, 4.9 GB for the JSON',
      },
    );
  } finally {
    if (restore) writeSync(fd, was, 0, 1, at);
    closeSync(fd);
  }
}

/**
 * The same file with three rows a value long (a fifth, two fifths and four fifths in), made in
 * place by splitting a row's last logit at its point ("2.5" → "2,5": two numbers), then restored:
 * `analyze --summary` must list them as the full reader does (which held 2.25 GB for the CSV and
 * 3.1 GB for the JSON, by hand) from its one read in parts (each part notes such rows and reads on).
 */
function raggedRowsAtScale(kind, path, bytes, validMs) {
  const fd = openSync(path, 'r+');
  const edits = [];
  try {
    for (const fraction of [0.2, 0.4, 0.8]) {
      const window = Buffer.alloc(1 << 16);
      const from = Math.floor(bytes * fraction);
      readSync(fd, window, 0, window.length, from);
      const text = window.toString('latin1');
      // A whole row's last logit written d.ddd, with no leading zero after the point (both halves
      // then numbers): in a CSV, the cell before the label; in a JSON, the number before ']'.
      const last = kind === 'csv' ? /\n[^\n]*,(-?\d+)\.([1-9]\d*),\d+\r?\n/g : /\][^\]]*[ ,[](-?\d+)\.([1-9]\d*)\]/g;
      const m = last.exec(text);
      const point = m.index + m[0].length - (kind === 'csv' ? m[0].length - m[0].lastIndexOf(',') : 1) - m[2].length - 1;
      if (window[point] !== 46) throw new Error(`no point at ${from + point}`);
      edits.push(from + point);
      writeSync(fd, Buffer.from(','), 0, 1, from + point);
    }
  } finally {
    closeSync(fd);
  }
  const expected =
    kind === 'csv'
      ? /:\d+:\d+: sample \d+ has \d+ values, expected \d+ \(one/
      : /:\d+:\d+: sample \d+ of "logits" has \d+ values, expected \d+ like sample 0/;
  try {
    brokenFileRow(kind, path, bytes, validMs, `three ragged rows in the ${(bytes / MB).toFixed(0)} MB ${kind.toUpperCase()}`, expected, {
      at: edits[0],
      was: '2.25 GB for the CSV, 3.1 GB for the JSON',
      lines: 3,
    });
  } finally {
    const restore = openSync(path, 'r+');
    for (const at of edits) writeSync(restore, Buffer.from('.'), 0, 1, at);
    closeSync(restore);
  }
}

/**
 * The same file with three labels made negative (a fifth, two fifths and four fifths into its
 * rows' labels: "123" → "-23" in place, then restored), as torch's ignore_index −100 or 1-based
 * labels make them out of range: `analyze --summary` must list them as the full reader does (which
 * held 2.2 GB, by hand) from its one read in parts (each part notes its labels and reads on).
 */
function labelsOutOfRangeAtScale(kind, path, bytes, validMs) {
  const fd = openSync(path, 'r+');
  const edits = [];
  try {
    // A CSV's labels are its rows' last cells; a JSON's are the list at its end.
    let start = 0;
    if (kind === 'json') {
      const tail = Buffer.alloc(Math.min(bytes, 16 << 20));
      readSync(fd, tail, 0, tail.length, bytes - tail.length);
      start = bytes - tail.length + tail.lastIndexOf('"labels"');
    }
    for (const fraction of [0.2, 0.4, 0.8]) {
      const window = Buffer.alloc(1 << 16);
      const from = Math.floor(start + (bytes - start) * fraction);
      const got = readSync(fd, window, 0, window.length, from);
      // A label of two digits or more, the second not 0, with what ends it: its first digit becomes '-'.
      const m = (kind === 'csv' ? /,([1-9][1-9]\d*)\r?\n/ : /[ ,[]([1-9][1-9]\d*)[,\]]/).exec(window.toString('latin1', 0, got));
      if (!m) throw new Error(`no label of two digits after byte ${from}`);
      const at = from + m.index + 1;
      edits.push([at, window[m.index + 1]]);
      writeSync(fd, Buffer.from('-'), 0, 1, at);
    }
  } finally {
    closeSync(fd);
  }
  try {
    const what = `three labels out of range in the ${(bytes / MB).toFixed(0)} MB ${kind.toUpperCase()}`;
    brokenFileRow(kind, path, bytes, validMs, what, /:\d+:\d+: label -\d+ of sample \d+ is out of range for \d+ classes/, {
      at: edits[0][0],
      was: '2.2 GB for either, 90 % of its labels out of range',
      lines: 3,
    });
  } finally {
    const restore = openSync(path, 'r+');
    for (const [at, byte] of edits) writeSync(restore, Buffer.from([byte]), 0, 1, at);
    closeSync(restore);
  }
}

/**
 * The same file cut short inside a row three fifths in (before the bad value), as a run killed
 * while writing leaves it: the CSV's short last row, the JSON's "ends unexpectedly" (the full
 * reader held 2.4 GB for the CSV, 1.6 GB for the JSON, cut at three quarters).
 */
function cutShortAtScale(kind, path, bytes, validMs) {
  let at = Math.floor((bytes * 3) / 5);
  const fd = openSync(path, 'r');
  try {
    // Just after a digit, so the last row ends in a whole number (a short row, not an empty cell).
    const window = Buffer.alloc(256);
    readSync(fd, window, 0, window.length, at);
    let i = 1;
    while (!(window[i - 1] >= 48 && window[i - 1] <= 57)) i++;
    at += i;
  } finally {
    closeSync(fd);
  }
  truncateSync(path, at);
  const expected = /:\d+:\d+: (sample \d+ has \d+ values?, expected|the file ends)/;
  brokenFileRow(kind, path, bytes, validMs, `the ${(bytes / MB).toFixed(0)} MB ${kind.toUpperCase()} cut short three fifths in`, expected, {
    at,
    was: '2.4 GB for the CSV, 1.6 GB for the JSON',
  });
}

/** `analyze --summary` of a broken 1 GB file: its message, status 1, and its peak RSS against 160 MB. */
function brokenFileRow(kind, path, bytes, validMs, what, expected, { at, was, lines = 1 }) {
  const r = runWithPeakRss(process.execPath, [cli, 'analyze', path, '--summary']);
  const message = (r.stderr ?? '').trim();
  // Its stderr also holds /usr/bin/time's line: count the FILE:LINE:COL ones.
  const listed = message.split('\n').filter((line) => /:\d+:\d+: /.test(line)).length;
  if (r.status !== 1 || !expected.test(message) || listed !== lines)
    throw new Error(`${what}: status ${r.status}, ${message.slice(0, 900)}`);
  log(`streaming: ${what}, at byte ${at}: ${message.slice(0, 160)}; ${r.wallMs.toFixed(0)} ms, peak RSS ${(r.peakRss / MB).toFixed(0)} MB`);
  rows.push(
    row({
      name: `${what}: analyze --summary's message, peak RSS`,
      ours: { value: Number((r.peakRss / MB).toFixed(0)), unit: 'MB', ms: Number(r.wallMs.toFixed(0)) },
      peer: { name: 'node -e 0', value: Number((bare.peakRss / MB).toFixed(0)), unit: 'MB' },
      ratio: r.peakRss / (160 * MB),
      better: 'lower',
      target: 1,
      note: `ratio: peak / 160 MB (the full reader: ${was}); ${r.wallMs.toFixed(0)} ms, ${(r.wallMs / validMs).toFixed(1)}× the valid file's --summary; ${message.slice(0, 120)}`,
    }),
  );
  info.runs[`${kind}-${bytes}-${what}`] = { peakRss: r.peakRss, wallMs: r.wallMs, at, message };
}

// Peak RSS, and the whole-process thread figure of the 1 GB files.
const bare = runWithPeakRss(process.execPath, ['-e', '0']);
info.bareNodeRss = bare.peakRss;
const big = [];
try {
  for (const source of [csv, json]) {
    const path = join(DATA_DIR, `stream-big-${source.kind}.${source.kind}`);
    const made = writeRepeatedFile(path, source, BIG);
    big.push(path);
    for (const file of [
      { path: source.path, bytes: source.bytes },
      { path, bytes: made.bytes },
    ]) {
      const r = runWithPeakRss(process.execPath, [cli, 'analyze', file.path, '--summary', '--json']);
      if (r.status !== 0) throw new Error(`analyze failed on ${file.path}: ${r.stderr}`);
      log(
        `streaming: ${source.kind} ${(file.bytes / MB).toFixed(0)} MB: peak RSS ${(r.peakRss / MB).toFixed(0)} MB, ${r.wallMs.toFixed(0)} ms`,
      );
      rows.push(
        row({
          name: `analyze ${source.kind.toUpperCase()} --summary, ${(file.bytes / MB).toFixed(0)} MB file: peak RSS`,
          ours: { value: Number((r.peakRss / MB).toFixed(0)), unit: 'MB' },
          peer: { name: 'node -e 0', value: Number((bare.peakRss / MB).toFixed(0)), unit: 'MB' },
          ratio: r.peakRss / (160 * MB),
          better: 'lower',
          target: 1,
          note: `ratio: peak / 160 MB; measured with ${r.via}`,
        }),
      );
      info.runs[`${source.kind}-${file.bytes}`] = { peakRss: r.peakRss, wallMs: r.wallMs };
    }
    bigFileThreads(source.kind, path, made.bytes);
    const validMs = info.runs[`${source.kind}-${made.bytes}`].wallMs;
    raggedRowsAtScale(source.kind, path, made.bytes, validMs);
    labelsOutOfRangeAtScale(source.kind, path, made.bytes, validMs);
    badValueAtScale(source.kind, path, made.bytes, validMs, { fraction: 0.1, where: 'a tenth', restore: true });
    badValueAtScale(source.kind, path, made.bytes, validMs, { fraction: 0.75, where: 'three quarters' });
    cutShortAtScale(source.kind, path, made.bytes, validMs);
  }
} finally {
  for (const p of big) rmSync(p, { force: true });
}
emit({ section: 'streaming', title: 'Streaming --summary: threads and bounded memory', rows, info });
