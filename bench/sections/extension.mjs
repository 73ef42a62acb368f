// Extension: what the extension costs VS Code, measured in a real one (code-server's extension
// host, driven by Debian's Chromium through scripts/vscode/harness.mjs).
//
//   bundle sizes   dist/*.js as `npm run bench` built them (development), and as
//                  `node scripts/build.mjs --production` builds them: the script itself, run in a
//                  temp directory whose src/ and node_modules/ link to this tree (it writes to
//                  ./dist of its working directory), so this tree's dist/ is left alone.
//   activation     code-server with Gradient Lens (its production build, from the temp directory
//                  above: what the .vsix installs) and a trivial extension generated in a temp dir
//                  (same activation event, onLanguage:json; its activate() makes a log output
//                  channel and logs one line, as ours does last), a tensor JSON opened through
//                  Quick Open; each extension's "activated in X ms" line read from its log file
//                  under user-data/logs/**/exthost*/, and VS Code's own figure (code loading +
//                  activate call) from Developer: Show Running Extensions. ACT_ROUNDS sessions.
//   host suite     a Mocha file (hostBench below, written into a temp suite dir) run inside the
//                  real extension host by runHostSuite:
//                  - hover on a 10 MB one-line JSON logits file (json.dump layout, K = 1,000): after
//                    the first analysis, vscode.executeHoverProvider on 20 different samples,
//                    interleaved with the same call on a small tensor file (the round trip's floor)
//                  - event-loop delay (perf_hooks.monitorEventLoopDelay, resolution 10 ms) around
//                    typing 10 edits into the 10 MB document (peer: the same edits in the same
//                    JSON with "logits" renamed, which our extension only looks at), around
//                    gradientLens.analyzeFile on a 400 MB file from disk (the worker path, and the
//                    panel it opens), and over an idle stretch of the same host (the noise floor)
// Inputs go to the bench cache dir ($TMPDIR/gradient-lens-bench); code-server and Chromium are
// always stopped (the harness's stop()).
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DATA_DIR, GENERATOR_VERSION, cachedLogitsFile, writeLogitsFile, writeRepeatedFile } from '../generate.mjs';
import { QUICK, ROOT, cliPath, emit, log, median, row } from './common.mjs';
import { ensureCodeServer } from '../../scripts/vscode/install-code-server.mjs';
import { runCommand, startWorkbench } from '../../scripts/vscode/harness.mjs';
import { runHostSuite } from '../../scripts/vscode/run-host-suite.mjs';
import { openFile } from '../../test/vscode/e2e-helpers.mjs';

const ACT_ROUNDS = QUICK ? 1 : 3;
const HOVERS = QUICK ? 5 : 20;
const TYPING_ROUNDS = QUICK ? 1 : 3;
const BIG_ROUNDS = QUICK ? 1 : 2;
const HOVER_MB = QUICK ? 2 : 10;
const BIG_MB = QUICK ? 10 : 400;
const BLOCK_TARGET_MS = 50;
/** Issue 14: the host's longest block while a 400 MB file is analysed. */
const ISSUE14_BLOCK_MS = 16;
const ACTIVATION_TARGET_MS = 50;
const EXTENSION_ID = 'gradient-lens.gradient-lens';

const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-bench-ext-'));
const ROOT_TREE = ROOT;
/** The extension folder whose activation is measured: the production build when it succeeds. */
let activatedExtension = ROOT;
const rows = [];
const info = {};
try {
  await bundleSizes();
  await ensureCodeServer();
  await activation();
  await hostSuite();
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
emit({ section: 'extension', title: 'Extension: bundle sizes, activation, hover, event-loop blocking (code-server)', rows, info });

// ---- bundle sizes ----------------------------------------------------------------------------

async function bundleSizes() {
  const dir = join(scratch, 'production');
  mkdirSync(dir);
  for (const entry of ['src', 'node_modules', 'package.json', 'tsconfig.json', 'media'])
    if (existsSync(join(ROOT, entry))) symlinkSync(join(ROOT, entry), join(dir, entry));
  let production = true;
  try {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--production'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    production = false;
    log(
      `extension: the production build failed (${error.stderr?.toString().trim() || error.message}); reporting the development sizes only`,
    );
  }
  const dev = join(ROOT, 'dist');
  const names = readdirSync(dev)
    .filter((f) => f.endsWith('.js'))
    .sort();
  info.bundles = {};
  for (const name of names) {
    const devBytes = statSync(join(dev, name)).size;
    const prodFile = join(dir, 'dist', name);
    const prodBytes = production && existsSync(prodFile) ? statSync(prodFile).size : null;
    const gz = gzipSync(readFileSync(prodBytes !== null ? prodFile : join(dev, name)), { level: 9 }).length;
    info.bundles[name] = { developmentBytes: devBytes, productionBytes: prodBytes, gzipBytes: gz };
    log(`extension: dist/${name}: ${kb(devBytes)} development, ${prodBytes === null ? '-' : kb(prodBytes)} production, ${kb(gz)} gzipped`);
    rows.push(
      row({
        name: `dist/${name} size, ${prodBytes !== null ? 'production build' : 'development (production build failed)'}`,
        ours: { value: (prodBytes ?? devBytes) / 1024, unit: 'KB', gzipKB: Number((gz / 1024).toFixed(1)) },
        peer: prodBytes !== null ? { name: 'development build (npm run build)', value: devBytes / 1024, unit: 'KB' } : null,
        ratio: prodBytes !== null ? prodBytes / devBytes : null,
        better: 'lower',
        note: `${(gz / 1024).toFixed(1)} KB gzipped${prodBytes !== null ? '; minified, no source map' : ''}`,
      }),
    );
  }
  info.bundlesBuiltBy = production
    ? 'node scripts/build.mjs --production, run in a temp dir (src/, node_modules/ linked)'
    : 'dist/ (development) only: the production build failed';
  // Activation is measured on what a user installs: the production bundle (what `npm run package`
  // puts in the .vsix), from that temp dir, which is a complete extension folder.
  if (production) activatedExtension = dir;
}

// ---- activation --------------------------------------------------------------------------------

function trivialExtension() {
  const dir = join(scratch, 'trivial-peer');
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'trivial-peer',
        displayName: 'Trivial Peer',
        description: 'Generated by bench/sections/extension.mjs: the least an extension activated by onLanguage:json can do.',
        publisher: 'gradient-lens-bench',
        version: '0.0.1',
        private: true,
        license: 'MIT',
        engines: { vscode: '^1.90.0' },
        activationEvents: ['onLanguage:json'],
        main: './extension.js',
      },
      null,
      2,
    ),
  );
  writeFileSync(
    join(dir, 'extension.js'),
    [
      "'use strict';",
      "const vscode = require('vscode');",
      'exports.activate = (context) => {',
      '  const started = performance.now();',
      "  const log = vscode.window.createOutputChannel('Trivial Peer', { log: true });",
      '  context.subscriptions.push(log);',
      '  log.info(`Trivial Peer activated in ${(performance.now() - started).toFixed(1)} ms`);',
      '};',
      'exports.deactivate = () => {};',
      '',
    ].join('\n'),
  );
  return dir;
}

/** "NAME activated in X ms" from NAME.log under user-data/logs/<session>/exthost*\/; null if absent. */
function activationLine(userDataDir, name) {
  const logs = join(userDataDir, 'logs');
  const found = [];
  const walk = (d) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name === `${name}.log` && /exthost/.test(d)) found.push(join(d, e.name));
    }
  };
  walk(logs);
  for (const f of found) {
    const m = new RegExp(`${name} activated in ([\\d.]+) ms`).exec(readFileSync(f, 'utf8'));
    if (m) return Number(m[1]);
  }
  return null;
}

async function activation() {
  const trivial = trivialExtension();
  const folder = join(scratch, 'activation-folder');
  mkdirSync(folder);
  copyFileSync(join(ROOT, 'examples', 'cifar10-logits.json'), join(folder, 'cifar10-logits.json'));
  const runs = { ours: [], trivial: [], oursVsCode: [], trivialVsCode: [] };
  for (let round = 0; round < ACT_ROUNDS; round++) {
    // Alternate the order the extensions are linked in, in case VS Code activates them in it.
    const extensions = round % 2 ? [trivial, activatedExtension] : [activatedExtension, trivial];
    const wb = await startWorkbench({ extensions, folder });
    try {
      await openFile(wb.page, 'cifar10-logits.json');
      const deadline = Date.now() + 30_000;
      let ours = null;
      let peer = null;
      while ((ours === null || peer === null) && Date.now() < deadline) {
        ours = activationLine(wb.userDataDir, 'Gradient Lens');
        peer = activationLine(wb.userDataDir, 'Trivial Peer');
        if (ours === null || peer === null) await new Promise((r) => setTimeout(r, 200));
      }
      if (ours === null || peer === null)
        throw new Error(
          `no "activated in" line from ${ours === null ? 'Gradient Lens' : 'Trivial Peer'} within 30 s\n${wb.logs().slice(-3000)}`,
        );
      runs.ours.push(ours);
      runs.trivial.push(peer);
      // VS Code's own figure (code loading + activate call), as Developer: Show Running Extensions shows it.
      const vs = await runningExtensions(wb.page);
      runs.oursVsCode.push(vs['Gradient Lens'] ?? NaN);
      runs.trivialVsCode.push(vs['Trivial Peer'] ?? NaN);
      log(
        `  activation round ${round + 1}/${ACT_ROUNDS}: Gradient Lens ${ours} ms, trivial ${peer} ms (activate() bodies); VS Code: ${vs['Gradient Lens']} ms vs ${vs['Trivial Peer']} ms`,
      );
    } finally {
      await wb.stop();
    }
  }
  info.activation = {
    rounds: ACT_ROUNDS,
    ...runs,
    build:
      activatedExtension !== ROOT_TREE
        ? 'production bundle (minified, as in the .vsix)'
        : 'development bundle (dist/): the production build failed',
    file: 'examples/cifar10-logits.json opened through Quick Open; both extensions activate on onLanguage:json',
  };
  const m = (xs) => median(xs.filter(Number.isFinite));
  rows.push(
    row({
      name: `activation, our log line (activate() body), target ≤ ${ACTIVATION_TARGET_MS} ms`,
      ours: { value: m(runs.ours), unit: 'ms', runs: runs.ours },
      peer: { name: 'trivial extension, same line, same session', value: m(runs.trivial), unit: 'ms' },
      ratio: m(runs.ours) / Math.max(0.1, m(runs.trivial)),
      better: 'lower',
      pass: QUICK ? null : m(runs.ours) <= ACTIVATION_TARGET_MS,
      note: `"Gradient Lens activated in X ms"; median of ${ACT_ROUNDS} sessions (${runs.ours.join(', ')} ms); peer floored at 0.1 ms for the ratio`,
    }),
  );
  if (runs.oursVsCode.some(Number.isFinite)) {
    const ours = m(runs.oursVsCode);
    const peer = m(runs.trivialVsCode);
    rows.push(
      row({
        name: `activation, VS Code's figure; target: ours − trivial ≤ ${ACTIVATION_TARGET_MS} ms`,
        ours: { value: ours, unit: 'ms', runs: runs.oursVsCode },
        peer: { name: 'trivial extension, same session', value: peer, unit: 'ms' },
        ratio: ours / peer,
        better: 'lower',
        pass: QUICK ? null : ours - peer <= ACTIVATION_TARGET_MS,
        note: `code loading + activate call (Show Running Extensions), medians of ${ACT_ROUNDS}; ours − trivial = ${(ours - peer).toFixed(0)} ms, the verdict's figure (the rest is the host's queue, the trivial one waits in it too)`,
      }),
    );
  }
}

/** Developer: Show Running Extensions → { displayName: activation ms }. */
async function runningExtensions(page) {
  try {
    await runCommand(page, 'Developer: Show Running Extensions');
    const editor = page.locator('.runtime-extensions-editor');
    await editor.waitFor({ timeout: 15_000 });
    const out = {};
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(out['Gradient Lens'] !== undefined && out['Trivial Peer'] !== undefined)) {
      for (const row of await editor.locator('.monaco-list-row').all()) {
        const text = await row.innerText().catch(() => '');
        const name = text.split('\n')[0].trim();
        const ms = /Activation: (\d+)\s*ms/.exec(text);
        if (ms) out[name] = Number(ms[1]);
      }
      if (!(out['Gradient Lens'] !== undefined && out['Trivial Peer'] !== undefined)) await page.waitForTimeout(300);
    }
    return out;
  } catch (error) {
    log(`  (Show Running Extensions failed: ${error.message.split('\n')[0]})`);
    return {};
  }
}

// ---- the host suite: hover, typing, 100 MB ----------------------------------------------------

/** Row starts of a one-line JSON logits file: offsets of the '[' of each row of "logits". */
function rowStarts(bytes) {
  const starts = [];
  let i = bytes.indexOf('[[') + 1;
  const end = bytes.indexOf(Buffer.from('], "labels"'));
  while (i > 0 && i < end) {
    starts.push(i);
    const close = bytes.indexOf(']', i);
    i = bytes.indexOf('[', close);
    if (i > end) break;
  }
  return starts;
}

function inputs() {
  mkdirSync(DATA_DIR, { recursive: true });
  // The 10 MB file: json.dump's one-line layout, K = 1,000, as many samples as 10 MiB holds.
  const hoverPath = join(DATA_DIR, `hover-v${GENERATOR_VERSION}-short-${HOVER_MB}MiB-k1000.json`);
  if (!existsSync(hoverPath))
    writeLogitsFile(hoverPath, { kind: 'json', variant: 'short', n: 1, k: 1000, seed: 5, minBytes: HOVER_MB * 2 ** 20 });
  // The same size as a CSV: a line a sample, so VS Code keeps it as about a thousand lines.
  const csvPath = join(DATA_DIR, `hover-v${GENERATOR_VERSION}-short-${HOVER_MB}MiB-k1000.csv`);
  if (!existsSync(csvPath))
    writeLogitsFile(csvPath, { kind: 'csv', variant: 'short', n: 1, k: 1000, seed: 5, minBytes: HOVER_MB * 2 ** 20 });
  // The 100 MB file: the samples of the cached 500 × 1,000 file repeated (bytes copied, cheap).
  const bigPath = join(DATA_DIR, `big-v${GENERATOR_VERSION}-short-${BIG_MB}MB-k1000.json`);
  if (!existsSync(bigPath)) writeRepeatedFile(bigPath, cachedLogitsFile({ kind: 'json', variant: 'short', n: 500, k: 1000 }), BIG_MB * 1e6);
  return { hoverPath, csvPath, bigPath };
}

async function hostSuite() {
  const { hoverPath, csvPath, bigPath } = inputs();
  const folder = join(scratch, 'host-folder');
  const suiteDir = join(scratch, 'suite');
  mkdirSync(folder);
  mkdirSync(suiteDir);
  const bytes = readFileSync(hoverPath);
  const starts = rowStarts(bytes);
  // The workspace: the 10 MB file, the same bytes with "logits" renamed (not a tensor file for
  // us), and a small tensor file for the hover round trip's floor.
  copyFileSync(hoverPath, join(folder, 'logits-10mb.json'));
  const renamed = Buffer.from(bytes);
  renamed.write('"scores"', bytes.indexOf('"logits"'), 'latin1');
  writeFileSync(join(folder, 'scores-10mb.json'), renamed);
  // The CSV, and the same with its first column renamed (logit_0 → score_0: no tensor file for us).
  const csv = readFileSync(csvPath);
  copyFileSync(csvPath, join(folder, 'logits-10mb.csv'));
  const csvRenamed = Buffer.from(csv);
  csvRenamed.write('score_0', csv.indexOf('logit_0'), 'latin1');
  writeFileSync(join(folder, 'scores-10mb.csv'), csvRenamed);
  const csvLines = [];
  for (let i = csv.indexOf(10) + 1; i > 0 && i < csv.length; i = csv.indexOf(10, i) + 1) csvLines.push(i);
  copyFileSync(join(ROOT, 'examples', 'cifar10-logits.json'), join(folder, 'cifar10-logits.json'));
  const small = readFileSync(join(folder, 'cifar10-logits.json'));
  const smallStarts = rowStarts(small);
  const pickSamples = (n, count) => Array.from({ length: count }, (_, j) => Math.floor(((j + 0.5) * n) / count));
  const hoverSamples = pickSamples(starts.length, HOVERS);
  const config = {
    out: join(scratch, 'host-results.json'),
    extensionId: EXTENSION_ID,
    big: bigPath,
    bigBytes: statSync(bigPath).size,
    hoverBytes: bytes.length,
    samples: starts.length,
    // Inside the first number of each sample's row.
    hovers: hoverSamples.map((i) => ({ sample: i, offset: starts[i] + 2 })),
    smallHovers: pickSamples(smallStarts.length, HOVERS).map((i) => ({ sample: i, offset: smallStarts[i] + 2 })),
    // Typing: a space after the first comma of 10 rows spread over the file, last row first so
    // every offset stays valid while the earlier ones are typed.
    edits: pickSamples(starts.length, 10)
      .map((i) => bytes.indexOf(',', starts[i]) + 1)
      .sort((a, b) => b - a),
    // The CSV: a '0' typed before the first comma of 10 lines (the first number keeps its value,
    // or gains a digit), last first.
    csvEdits: pickSamples(csvLines.length, 10)
      .map((i) => csv.indexOf(',', csvLines[i]))
      .sort((a, b) => b - a),
    csvLineCount: csvLines.length + 1,
    editGapMs: 60,
    typingRounds: TYPING_ROUNDS,
    bigRounds: BIG_ROUNDS,
    hoverCount: HOVERS,
    resolutionMs: 10,
    timeoutMs: 570_000,
    profile: process.env.BENCH_PROFILE !== '0',
  };
  writeFileSync(
    join(suiteDir, 'bench.test.js'),
    `// Generated by bench/sections/extension.mjs\n(${hostBench.toString()})(require('vscode'), ${JSON.stringify(config)});\n`,
  );
  log(
    `extension: host suite on ${(bytes.length / 2 ** 20).toFixed(1)} MiB (${starts.length} samples × 1,000) and ${(config.bigBytes / 1e6).toFixed(0)} MB`,
  );
  const t0 = performance.now();
  const results = await runHostSuite({ extensionPath: ROOT, suiteDir, folder, timeoutMs: 600_000 });
  log(
    `extension: host suite ran in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${results.passed.length} passed, ${results.failed.length} failed`,
  );
  for (const f of results.failed) log(`  FAILED ${f.fullTitle}: ${f.error}`);
  const r = existsSync(config.out) ? JSON.parse(readFileSync(config.out, 'utf8')) : {};
  info.host = {
    seconds: Number(((performance.now() - t0) / 1000).toFixed(1)),
    tests: results.passed.map((p) => `${p.title}: ${(p.duration / 1000).toFixed(1)} s`),
    failed: results.failed.map((f) => `${f.fullTitle}: ${f.error}`),
    ...r,
  };
  if (results.failed.length)
    rows.push(
      row({
        name: 'host suite',
        ours: { value: results.failed.length, unit: 'failed' },
        pass: false,
        note: results.failed
          .map((f) => `${f.title}: ${f.error}`)
          .join('; ')
          .slice(0, 300),
      }),
    );

  if (r.hover) {
    const h = r.hover;
    rows.push(
      row({
        name: `hover, ${(bytes.length / 2 ** 20).toFixed(0)} MiB one-line JSON: executeHoverProvider`,
        ours: { value: h.oursMedian, unit: 'ms', p95: h.oursP95 },
        peer: { name: 'the same call on examples/cifar10-logits.json (10 KB)', value: h.smallMedian, unit: 'ms', p95: h.smallP95 },
        ratio: h.oursMedian / h.smallMedian,
        better: 'lower',
        pass: h.correct === h.ours.length ? null : false,
        note: `${starts.length} × 1,000; median of ${h.ours.length} samples, p95 ${h.oursP95.toFixed(1)} ms; in file order: first ${h.ours[0].toFixed(0)} ms, last ${h.ours[h.ours.length - 1].toFixed(0)} ms; ${h.correct}/${h.ours.length} named their sample`,
      }),
    );
    rows.push(
      row({
        name: `hover: analyzeDocument of the cached ${(bytes.length / 2 ** 20).toFixed(0)} MiB document`,
        ours: { value: h.analyzeMedian, unit: 'ms', p95: h.analyzeP95 },
        note: 'what every hover (and CodeLens) does before the cache lookup: getText, UTF-8 encode, tensor-file check',
      }),
    );
    rows.push(
      row({
        name: `open the ${(bytes.length / 2 ** 20).toFixed(0)} MiB document → its first analysis (worker)`,
        ours: { value: h.firstAnalysisMs, unit: 'ms' },
      }),
    );
  }
  // The host's own blocks (and a neighbour's) count in the delay; the profile says which were ours.
  const blockRows = (name, m, peer, note = '', target = BLOCK_TARGET_MS) => [
    row({
      name: `host blocked: ${name}, target ≤ ${target} ms`,
      ours: { value: m.blockMs, unit: 'ms', maxDelayMs: m.maxMs, worstMs: m.worstMs, rounds: m.rounds },
      peer: peer ? { name: peer.name, value: peer.blockMs, unit: 'ms' } : null,
      // No ratio to an idle host (≈ 0 ms): it is there to show the floor, not to divide by.
      ratio: peer && peer.blockMs >= 1 ? m.blockMs / peer.blockMs : null,
      better: 'lower',
      pass: QUICK ? null : m.blockMs <= target,
      note: `max delay − the ${config.resolutionMs} ms interval; ${m.rounds.length > 1 ? `median of ${m.rounds.length} rounds (${m.rounds.join(', ')} ms)` : 'one round'}${note ? `; ${note}` : ''}`,
    }),
    ...(m.oursBlockMs === undefined
      ? []
      : [
          row({
            name: `host blocked by Gradient Lens's code: ${name}, target ≤ ${target} ms`,
            ours: { value: m.oursBlockMs, unit: 'ms', rounds: m.oursRounds },
            better: 'lower',
            pass: QUICK ? null : m.oursBlockMs <= target,
            note: `CPU profile (200 µs samples): the longest late tick's time in stacks through dist/extension.js; median of rounds (${m.oursRounds.join(', ')} ms); ${m.oursWhere[0] ?? ''}`,
          }),
        ]),
  ];
  if (r.typing)
    rows.push(
      ...blockRows(
        `typing in the ${(bytes.length / 2 ** 20).toFixed(0)} MiB document`,
        r.typing.ours,
        { name: 'same edits, same JSON with "logits" renamed', ...r.typing.peer },
        `10 edits ${config.editGapMs} ms apart, until the analysis is in; ${r.typing.problems} problems published`,
      ),
    );
  if (r.typingCsv)
    rows.push(
      ...blockRows(
        `typing in the ${(csv.length / 2 ** 20).toFixed(0)} MiB CSV (${config.csvLineCount.toLocaleString('en-US')} lines)`,
        r.typingCsv.ours,
        { name: 'same edits, same CSV with logit_0 renamed', ...r.typingCsv.peer },
        `10 edits ${config.editGapMs} ms apart, until the analysis is in; the last from its ${r.typingCsv.source}`,
      ),
    );
  if (r.big)
    rows.push(
      ...blockRows(
        `analyzeFile on ${(config.bigBytes / 1e6).toFixed(0)} MB from disk`,
        r.big.block,
        r.idle ? { name: 'idle host, same length', ...r.idle } : null,
        `worker, then the panel; command returned in ${r.big.commandMs.map((x) => x.toFixed(0)).join(', ')} ms`,
        ISSUE14_BLOCK_MS,
      ),
    );
  if (r.big && r.issue14) issue14Rows(r, config);
  if (r.hoverBlock)
    rows.push(
      ...blockRows(
        `${HOVERS} hovers on the ${(bytes.length / 2 ** 20).toFixed(0)} MiB document`,
        r.hoverBlock,
        r.idle ? { name: 'idle host, same length', ...r.idle } : null,
      ),
    );
}

/**
 * Issue 14's targets: the big file from the explorer (analyzeFile: the worker's analysis, then the
 * panel) within 2× the CLI's `analyze --summary` on the same file; hovers on a small file during
 * the analysis within 3× their idle latency; the host's memory after it < 100 MB above before; the
 * next sample's row (what moving between samples asks) ≤ 100 ms.
 */
function issue14Rows(r, config) {
  const i = r.issue14;
  const cliRuns = [];
  for (let k = 0; k < (QUICK ? 1 : 2); k++) {
    const s = performance.now();
    execFileSync(process.execPath, [cliPath(), 'analyze', config.big, '--summary'], { stdio: 'ignore', maxBuffer: 1 << 20 });
    cliRuns.push(performance.now() - s);
  }
  const cliMs = Math.min(...cliRuns);
  const ours = Math.min(...r.big.commandMs);
  const mb = (config.bigBytes / 1e6).toFixed(0);
  rows.push(
    row({
      name: `${mb} MB from the explorer: analyzeFile (analysis in the worker, panel opened), target ≤ 2× CLI`,
      ours: { value: ours, unit: 'ms' },
      peer: { name: 'gradient-lens analyze --summary, same file, whole process', value: cliMs, unit: 'ms' },
      ratio: ours / cliMs,
      better: 'lower',
      pass: QUICK ? null : ours <= 2 * cliMs,
      note: `best of ${r.big.commandMs.length} rounds (${r.big.commandMs.map((x) => x.toFixed(0)).join(', ')} ms) and of ${cliRuns.length} CLI runs`,
    }),
  );
  if (i.busyHoverMedian !== null)
    rows.push(
      row({
        name: `hover on a 10 KB file while ${mb} MB is analysed, target ≤ 3× idle`,
        ours: { value: i.busyHoverMedian, unit: 'ms', p95: i.busyHoverP95 },
        peer: { name: 'the same hovers, idle host', value: i.idleHoverMedian, unit: 'ms' },
        ratio: i.busyHoverMedian / i.idleHoverMedian,
        better: 'lower',
        pass: QUICK ? null : i.busyHoverMedian <= 3 * i.idleHoverMedian,
        note: `median of ${i.busyHovers} hovers during the analyses`,
      }),
    );
  const grown = Math.max(...i.memoryGrowthMB);
  rows.push(
    row({
      name: `extension-host memory after analysing ${mb} MB (V8 heap + array buffers, after gc), target < 100 MB`,
      ours: { value: grown, unit: 'MB' },
      pass: QUICK ? null : grown < 100,
      note: `per round: ${i.memoryGrowthMB.map((x) => x.toFixed(1)).join(', ')} MB`,
    }),
  );
  rows.push(
    row({
      name: `moving to another sample of ${mb} MB: its row from the worker, target ≤ 100 ms`,
      ours: { value: i.rowMedian, unit: 'ms', p95: i.rowP95 },
      pass: QUICK ? null : i.rowP95 <= 100,
      note: 'host → worker → host for one 1,000-class row; the panel then draws it (bench "jacobian-render" times the drawing)',
    }),
  );
}

/**
 * The Mocha file run inside the extension host. Never called here: its source is written into the
 * suite dir with its config, so it must not use anything outside itself but its arguments.
 */
function hostBench(vscode, cfg) {
  /* eslint-disable no-undef, @typescript-eslint/no-require-imports -- runs inside the extension host as CommonJS */
  const fs = require('fs');
  const { performance, monitorEventLoopDelay } = require('perf_hooks');
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const med = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length >> 1;
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
  };
  const p95 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))];
  const file = (name) => vscode.Uri.joinPath(vscode.workspace.workspaceFolders[0].uri, name);
  const out = {};
  const save = () => fs.writeFileSync(cfg.out, JSON.stringify(out, null, 1));

  /** Event-loop delay over fn(), plus the stretches between 10 ms ticks that ran long (where). */
  async function blocking(fn) {
    const h = monitorEventLoopDelay({ resolution: cfg.resolutionMs });
    const gaps = [];
    const t0 = performance.now();
    let last = t0;
    let ticking = true;
    const tick = () => {
      const now = performance.now();
      // A tick later than interval + 16 ms: a block the profile may attribute.
      if (now - last > cfg.resolutionMs + 16)
        gaps.push({ atMs: Math.round(last - t0), gapMs: Math.round(now - last), from: last, to: now });
      last = now;
      if (ticking) setTimeout(tick, cfg.resolutionMs);
    };
    setTimeout(tick, cfg.resolutionMs);
    const session = cfg.profile ? await startProfile() : null;
    h.enable();
    let value;
    try {
      value = await fn();
    } finally {
      h.disable();
      ticking = false;
    }
    const maxMs = h.max / 1e6;
    const stopped = session ? await stopProfile(session) : undefined;
    const ours = stopped ? attribute(gaps, stopped.samples) : undefined;
    return {
      value,
      maxMs,
      p99Ms: h.percentile(99) / 1e6,
      minMs: h.min / 1e6,
      blockMs: Math.max(0, maxMs - cfg.resolutionMs),
      oursBlockMs: ours?.ms,
      oursBlockWhere: ours?.where,
      ms: performance.now() - t0,
      gaps: gaps
        .sort((a, b) => b.gapMs - a.gapMs)
        .slice(0, 8)
        .map(({ atMs, gapMs }) => ({ atMs, gapMs })),
      profile: stopped?.top,
    };
  }
  // A CPU profile of the extension host's main thread over each measured stretch (BENCH_PROFILE=0: none),
  // reduced to the functions with the most self time (where a block went). It adds overhead.
  async function startProfile() {
    const { Session } = require('inspector');
    const session = new Session();
    session.connect();
    const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (e, r) => (e ? reject(e) : resolve(r))));
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
    return { session, post, startedAt: performance.now() };
  }
  async function stopProfile({ session, post, startedAt }) {
    const { profile } = await post('Profiler.stop');
    session.disconnect();
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    // A sample is ours when any frame of its stack is in the extension's bundle (a native call such
    // as postMessage made by our code counts as ours; the bench's own code does not).
    const oursMemo = new Map();
    const isOurs = (id) => {
      if (oursMemo.has(id)) return oursMemo.get(id);
      const own = /\/dist\/extension\.js$/.test(byId.get(id).callFrame.url);
      const v = own || (parent.has(id) ? isOurs(parent.get(id)) : false);
      oursMemo.set(id, v);
      return v;
    };
    const self = new Map();
    const samples = [];
    let at = startedAt;
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      at += dt;
      const f = byId.get(profile.samples[i]).callFrame;
      if (f.functionName === '(idle)' || f.functionName === '(program)') continue;
      const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + dt);
      samples.push({ at, dt, ours: isOurs(profile.samples[i]), key });
    }
    const top = [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([fn, ms]) => `${ms.toFixed(1)} ms ${fn}`);
    return { top, samples };
  }
  /** The longest block of our code: per late tick, the profile time of our stacks inside it. */
  function attribute(gaps, samples) {
    let best = { ms: 0, where: 'no late tick held our code' };
    for (const g of gaps) {
      const byKey = new Map();
      let ms = 0;
      for (const s of samples) {
        if (!s.ours || s.at < g.from || s.at > g.to) continue;
        ms += s.dt;
        byKey.set(s.key, (byKey.get(s.key) ?? 0) + s.dt);
      }
      if (ms > best.ms) {
        const where = [...byKey.entries()].sort((a, b) => b[1] - a[1]).slice(0, 3);
        best = { ms, where: `${Math.round(g.gapMs)} ms late tick: ${where.map(([k, v]) => `${v.toFixed(1)} ms ${k}`).join(', ')}` };
      }
    }
    return best;
  }
  // The median round: a block that recurs is ours to explain, a one-off spike of a neighbour is not
  // (the least round would hide a block that only some rounds hit, the worst would report noise).
  const rounds = (runs) => {
    const sorted = [...runs].sort((a, b) => a.blockMs - b.blockMs);
    const mid = sorted[(sorted.length - 1) >> 1];
    return {
      blockMs: med(runs.map((r) => r.blockMs)),
      maxMs: med(runs.map((r) => r.maxMs)),
      p99Ms: mid.p99Ms,
      worstMs: sorted[sorted.length - 1].blockMs,
      rounds: runs.map((r) => Number(r.blockMs.toFixed(1))),
      gaps: runs.map((r) => r.gaps),
      profiles: runs.map((r) => r.profile).filter(Boolean),
      oursBlockMs: runs.every((r) => r.oursBlockMs !== undefined) ? med(runs.map((r) => r.oursBlockMs)) : undefined,
      oursRounds: runs
        .map((r) => r.oursBlockMs)
        .filter((v) => v !== undefined)
        .map((v) => Number(v.toFixed(1))),
      oursWhere: runs.map((r) => r.oursBlockWhere).filter(Boolean),
    };
  };

  describe('Gradient Lens bench (extension host)', function () {
    this.timeout(cfg.timeoutMs);
    let service;
    let doc;
    let editor;

    after(save);

    before(async () => {
      const ext = vscode.extensions.getExtension(cfg.extensionId);
      service = (await ext.activate()).service;
    });

    it('hover on the 10 MB file', async () => {
      const uri = file('logits-10mb.json');
      const t0 = performance.now();
      doc = await vscode.workspace.openTextDocument(uri);
      editor = await vscode.window.showTextDocument(doc);
      const deadline = Date.now() + 60000;
      while (service.get(uri)?.version !== doc.version) {
        if (Date.now() > deadline) throw new Error('no analysis of the 10 MB document within 60 s');
        await sleep(20);
      }
      const firstAnalysisMs = performance.now() - t0;
      const small = await vscode.workspace.openTextDocument(file('cifar10-logits.json'));
      await vscode.window.showTextDocument(small, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      await sleep(1000);
      const hover = async (d, h) => {
        const s = performance.now();
        const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', d.uri, d.positionAt(h.offset));
        const ms = performance.now() - s;
        const text = hovers.flatMap((x) => x.contents.map((c) => (typeof c === 'string' ? c : (c.value ?? '')))).join('\n');
        return { ms, ok: text.includes(`sample ${h.sample}**`) };
      };
      // Warm-up: both paths once.
      await hover(doc, cfg.hovers[0]);
      await hover(small, cfg.smallHovers[0]);
      const ours = [];
      const smallTimes = [];
      const analyze = [];
      let correct = 0;
      const measured = await blocking(async () => {
        for (let i = 0; i < cfg.hovers.length; i++) {
          const order = i % 2 ? ['small', 'ours'] : ['ours', 'small'];
          for (const which of order) {
            if (which === 'ours') {
              const r = await hover(doc, cfg.hovers[i]);
              ours.push(r.ms);
              if (r.ok) correct++;
            } else smallTimes.push((await hover(small, cfg.smallHovers[i])).ms);
          }
          const s = performance.now();
          await service.analyzeDocument(doc);
          analyze.push(performance.now() - s);
        }
      });
      out.hover = {
        ours,
        small: smallTimes,
        oursMedian: med(ours),
        oursP95: p95(ours),
        smallMedian: med(smallTimes),
        smallP95: p95(smallTimes),
        analyzeMedian: med(analyze),
        analyzeP95: p95(analyze),
        correct,
        firstAnalysisMs,
      };
      out.hoverBlock = rounds([measured]);
      save();
    });

    /**
     * Types cfg's edits into a tensor document (`ours`) and the same bytes that are no tensor file
     * for us (the peer), in alternating rounds; each round's block, until the analysis is in.
     */
    async function typing(ours, peer, edits, insert) {
      const oursEditor = ours.editor ?? (await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(file(ours.name))));
      const other = await vscode.workspace.openTextDocument(file(peer));
      const otherEditor = await vscode.window.showTextDocument(other, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true });
      const d0 = oursEditor.document;
      const deadline0 = Date.now() + 60000;
      while (service.get(d0.uri)?.version !== d0.version && Date.now() < deadline0) await sleep(20);
      await sleep(1500);
      const settled = async (d, tensor) => {
        // Ours: until the analysis of this version is in; the peer: the debounce plus margin.
        const deadline = Date.now() + 30000;
        if (tensor) while (service.get(d.uri)?.version !== d.version && Date.now() < deadline) await sleep(20);
        await sleep(tensor ? 300 : 800);
      };
      // Each round types at the same 10 places (last first, so the earlier offsets hold); earlier
      // rounds' characters sit at those places, so the offsets only move by the characters typed
      // before them. The file stays a valid tensor file throughout.
      const sortedEdits = [...edits].sort((a, b) => a - b);
      const type = async (ed, tensor, round) => {
        const d = ed.document;
        const offsets = edits.map((o) => o + round * sortedEdits.filter((e) => e < o).length);
        return blocking(async () => {
          for (const offset of offsets) {
            await ed.edit((b) => b.insert(d.positionAt(offset), insert));
            await sleep(cfg.editGapMs);
          }
          await settled(d, tensor);
        });
      };
      const runs = { ours: [], peer: [] };
      for (let round = 0; round < cfg.typingRounds; round++) {
        for (const which of round % 2 ? ['peer', 'ours'] : ['ours', 'peer']) {
          runs[which].push(await type(which === 'ours' ? oursEditor : otherEditor, which === 'ours', round));
        }
      }
      const result = {
        ours: rounds(runs.ours),
        peer: rounds(runs.peer),
        problems: service.get(d0.uri)?.problems.length ?? null,
        source: service.get(d0.uri)?.source ?? null,
        version: d0.version,
      };
      // Back to the files' text, so closing them asks nothing.
      for (const ed of [oursEditor, otherEditor]) {
        await vscode.window.showTextDocument(ed.document, { viewColumn: ed.viewColumn, preserveFocus: false });
        await vscode.commands.executeCommand('workbench.action.files.revert');
      }
      return result;
    }

    it('typing into the 10 MB document', async () => {
      out.typing = await typing({ editor }, 'scores-10mb.json', cfg.edits, ' ');
      save();
    });

    it('typing into the 10 MB CSV', async () => {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      out.typingCsv = await typing({ name: 'logits-10mb.csv' }, 'scores-10mb.csv', cfg.csvEdits, '0');
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      save();
    });

    it('analyzeFile on the big file, and an idle stretch', async () => {
      const timeline = [];
      const t0 = performance.now();
      const mark = (what) => timeline.push(`${((performance.now() - t0) / 1000).toFixed(1)} s ${what}`);
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      mark('editors closed');
      await sleep(1500);
      const uri = vscode.Uri.file(cfg.big);
      // Issue 14: hovers on a small file while the big one is analysed, against the same hovers idle;
      // the host's memory (V8 heap + array buffers) before and after; a sample's row from the worker.
      const small = await vscode.workspace.openTextDocument(file('cifar10-logits.json'));
      await vscode.window.showTextDocument(small, { preview: false });
      const gc = (() => {
        require('v8').setFlagsFromString('--expose-gc');
        return require('vm').runInNewContext('gc');
      })();
      const memory = () => {
        const m = process.memoryUsage();
        return m.heapUsed + m.arrayBuffers;
      };
      const hoverMs = async (h) => {
        const s = performance.now();
        await vscode.commands.executeCommand('vscode.executeHoverProvider', small.uri, small.positionAt(h.offset));
        return performance.now() - s;
      };
      const idleHovers = [];
      for (let i = 0; i < 3 * cfg.smallHovers.length; i++) idleHovers.push(await hoverMs(cfg.smallHovers[i % cfg.smallHovers.length]));
      const busyHovers = [];
      const memoryGrowth = [];
      const rowMs = [];
      const runs = [];
      const commandMs = [];
      for (let round = 0; round < cfg.bigRounds; round++) {
        service.forget(uri);
        gc();
        const before = memory();
        runs.push(
          await blocking(async () => {
            const s = performance.now();
            let done = false;
            const analysed = Promise.resolve(vscode.commands.executeCommand('gradientLens.analyzeFile', uri)).finally(() => (done = true));
            for (let i = 0; !done; i++) {
              busyHovers.push(await hoverMs(cfg.smallHovers[i % cfg.smallHovers.length]));
              await sleep(100);
            }
            const summary = await analysed;
            commandMs.push(performance.now() - s);
            mark(`round ${round + 1}: analyzeFile returned`);
            if (!summary || !/samples × 1000 classes/.test(summary)) throw new Error(`unexpected summary: ${summary}`);
            await sleep(2000); // the panel asks for its first view's row meanwhile
          }),
        );
        gc();
        memoryGrowth.push((memory() - before) / 2 ** 20);
        // Moving between samples: the next sample's row, asked of the worker that holds the analysis.
        const held = service.get(uri);
        const n = held.analysis.n;
        for (let j = 0; j < 20; j++) {
          const s = performance.now();
          await held.data.query({ kind: 'row', index: Math.floor(((j + 0.5) * n) / 20) });
          rowMs.push(performance.now() - s);
        }
        await vscode.commands.executeCommand('workbench.action.closeAllEditors');
        mark(`round ${round + 1}: panel closed`);
        await sleep(1500);
      }
      out.issue14 = {
        idleHoverMedian: med(idleHovers),
        busyHoverMedian: busyHovers.length ? med(busyHovers) : null,
        busyHoverP95: busyHovers.length ? p95(busyHovers) : null,
        busyHovers: busyHovers.length,
        memoryGrowthMB: memoryGrowth,
        rowMedian: med(rowMs),
        rowP95: p95(rowMs),
      };
      out.bigTimeline = timeline;
      out.big = { block: rounds(runs), commandMs };
      save();
      const idle = await blocking(() => sleep(Math.min(5000, Math.max(2000, runs[0].ms))));
      out.idle = { blockMs: idle.blockMs, maxMs: idle.maxMs, gaps: idle.gaps, profile: idle.profile };
    });
  });
}
