// Issue 22, binary at memory speed: `analyze` of a 10,000 × 1,000 float64 .npy (labels beside it),
// .safetensors (logits + labels) and stored .npz (np.savez's and gl.save's layout), end to end in fresh processes of the shipped dist/cli.js,
// against the floor the issue names, measured in the same run: one read of the file (a fresh
// process that only readFileSyncs it) plus one compute pass (loss and ∂L/∂z over the Float64Array,
// class-index labels, into a touched array: softmaxCrossEntropyLabelsGradient, timed in this
// process). Target: CLI ≤ 2 × (read + compute).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { DATA_DIR, GENERATOR_VERSION, logitsArray } from '../generate.mjs';
import {
  QUICK,
  STAT_TEXT,
  bundleAndRequire,
  cliPath,
  emit,
  ensureDir,
  interleave,
  log,
  MB,
  pick,
  row,
  runWithPeakRss,
  SRC_ROOT,
} from './common.mjs';

const N = QUICK ? 500 : 10000;
const K = 1000;
const ROUNDS = QUICK ? 1 : 5;
const cli = cliPath();

/** A version 1.0 .npy header padded to 128 bytes (data aligned), then the raw little-endian bytes. */
function npy(array, descr, shape) {
  const header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const text = header.padEnd(117, ' ') + '\n';
  const bytes = new Uint8Array(128 + array.byteLength);
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 118, 0]);
  bytes.set(new TextEncoder().encode(text), 10);
  bytes.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), 128);
  return bytes;
}

function safetensors(z, labels) {
  const zBytes = z.byteLength;
  const header = {
    logits: { dtype: 'F64', shape: [N, K], data_offsets: [0, zBytes] },
    labels: { dtype: 'I32', shape: [N], data_offsets: [zBytes, zBytes + labels.byteLength] },
  };
  let text = JSON.stringify(header);
  text += ' '.repeat((8 - ((8 + text.length) % 8)) % 8);
  const out = new Uint8Array(8 + text.length + zBytes + labels.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(new TextEncoder().encode(text), 8);
  out.set(new Uint8Array(z.buffer), 8 + text.length);
  out.set(new Uint8Array(labels.buffer), 8 + text.length + zBytes);
  return out;
}

const { z, labels } = logitsArray(N, K, 7);
const dir = ensureDir(join(DATA_DIR, `binary-v${GENERATOR_VERSION}-${N}x${K}`));
const npyPath = join(dir, 'big.npy');
const stPath = join(dir, 'big.safetensors');
if (!existsSync(stPath)) {
  writeFileSync(npyPath, npy(z, '<f8', [N, K]));
  writeFileSync(join(dir, 'big_labels.npy'), npy(labels, '<i4', [N]));
  writeFileSync(stPath, safetensors(z, labels));
}

// The compute pass alone, in this process, interleaved with nothing else running.
const core = await bundleAndRequire(
  "export { softmaxCrossEntropyLabelsGradient } from './src/core/losses'; export { writeNpz } from './src/core/npz';",
  'binary-core',
  SRC_ROOT,
);
const npzPath = join(dir, 'big.npz');
if (!existsSync(npzPath))
  writeFileSync(npzPath, core.writeNpz({ logits: { data: z, shape: [N, K] }, labels: { data: labels, shape: [N] } }));
// The same arrays deflated, as np.savez_compressed writes them (the logits inflated as their rows are read).
const deflatedPath = join(dir, 'big-deflated.npz');
if (!existsSync(deflatedPath))
  writeFileSync(
    deflatedPath,
    core.writeNpz({ logits: { data: z, shape: [N, K] }, labels: { data: labels, shape: [N] } }, { compress: true }),
  );
// The logits member's deflate stream (the first member: its local header's sizes and name).
const deflated = readFileSync(deflatedPath);
if (deflated.readUInt16LE(8) !== 8) throw new Error('the logits member of big-deflated.npz is not deflated');
const streamStart = 30 + deflated.readUInt16LE(26) + deflated.readUInt16LE(28);
const streamEnd = streamStart + deflated.readUInt32LE(18);
const gradient = new Float64Array(N * K).fill(1); // touched, as a reused array is
let computeLoss = NaN;
const compute = interleave(
  [
    {
      name: 'compute',
      run: () => core.softmaxCrossEntropyLabelsGradient(z, labels, N, K, 'mean', gradient).loss,
      check: (loss) => (computeLoss = loss),
    },
  ],
  ROUNDS,
);
const computeMs = pick(compute.compute.times);

/** Wall time and stdout of a fresh Node process. */
function timed(args) {
  const t0 = performance.now();
  const p = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = performance.now() - t0;
  if (p.status !== 0) throw new Error(`${args.join(' ')} failed: ${p.stderr}`);
  return { wall, stdout: p.stdout };
}

const cases = [
  { name: 'read .npy', args: ['-e', `require('fs').readFileSync(${JSON.stringify(npyPath)})`] },
  {
    // The same bytes through one reused 2 MB buffer, as the CLI reads them (no fresh pages per byte).
    name: 'chunked read .npy',
    args: [
      '-e',
      `const fs = require('fs'); const fd = fs.openSync(${JSON.stringify(npyPath)}, 'r'); const b = new Uint8Array(1 << 21);` +
        'let at = 0, n; while ((n = fs.readSync(fd, b, 0, b.length, at)) > 0) at += n;',
    ],
  },
  { name: 'npy --summary', args: [cli, 'analyze', npyPath, '--summary', '--json', '--threads', '1'] },
  { name: 'npy table', args: [cli, 'analyze', npyPath, '--threads', '1'] },
  { name: 'safetensors --summary', args: [cli, 'analyze', stPath, '--summary', '--json', '--threads', '1'] },
  { name: 'safetensors table', args: [cli, 'analyze', stPath, '--threads', '1'] },
  { name: 'npz --summary', args: [cli, 'analyze', npzPath, '--summary', '--json', '--threads', '1'] },
  { name: 'npz table', args: [cli, 'analyze', npzPath, '--threads', '1'] },
  { name: 'deflated npz --summary', args: [cli, 'analyze', deflatedPath, '--summary', '--json', '--threads', '1'] },
  { name: 'deflated npz table', args: [cli, 'analyze', deflatedPath, '--threads', '1'] },
  {
    // The peer of a deflated archive: the file read and its logits member inflated whole by Node's native zlib, nothing else.
    name: 'inflate alone',
    args: [
      '-e',
      `const b = require('fs').readFileSync(${JSON.stringify(deflatedPath)}); require('zlib').inflateRawSync(b.subarray(${streamStart}, ${streamEnd}));`,
    ],
  },
  // The full reader (the whole array in memory) and 2,000 finite-difference probes.
  { name: 'npy check', args: [cli, 'check', npyPath] },
  { name: 'node -e 0', args: ['-e', '0'] },
];
const times = Object.fromEntries(cases.map((c) => [c.name, []]));
const outputs = {};
const loadBefore = loadavg();
for (let r = 0; r < ROUNDS + 1; r++) {
  for (let c = 0; c < cases.length; c++) {
    const item = cases[(c + r) % cases.length];
    const { wall, stdout } = timed(item.args);
    if (r > 0) times[item.name].push(wall);
    (outputs[item.name] ??= new Set()).add(stdout);
    log(`  ${r ? `round ${r}/${ROUNDS}` : 'warm-up'} ${item.name}: ${wall.toFixed(0)} ms`);
  }
}
const loadAfter = loadavg();
for (const [name, set] of Object.entries(outputs)) if (set.size !== 1) throw new Error(`${name}: the output changed between runs`);
const summary = JSON.parse([...outputs['npy --summary']][0]);
if (Math.abs(summary.loss - computeLoss) > 1e-12 * Math.abs(computeLoss))
  throw new Error(`loss ${summary.loss} vs the kernel's ${computeLoss}`);
const sameSt = [...outputs['safetensors --summary']][0] === [...outputs['npy --summary']][0];
if (!sameSt) throw new Error('the .safetensors and .npy summaries differ');
if ([...outputs['npz --summary']][0] !== [...outputs['npy --summary']][0]) throw new Error('the .npz and .npy summaries differ');
if ([...outputs['deflated npz --summary']][0] !== [...outputs['npy --summary']][0])
  throw new Error('the deflated .npz and .npy summaries differ');

const readMs = pick(times['read .npy']);
const floor = readMs + computeMs;
const load = `load average ${loadBefore[0].toFixed(1)} → ${loadAfter[0].toFixed(1)} on ${availableParallelism()} cores`;
const rows = [
  row({
    name: `read the ${((N * K * 8) / MB).toFixed(0)} MB .npy alone (node -e readFileSync, whole process)`,
    ours: { value: Number(readMs.toFixed(0)), unit: 'ms' },
    note: `bare node -e 0: ${pick(times['node -e 0']).toFixed(0)} ms`,
  }),
  row({
    name: 'compute pass alone: loss + ∂L/∂z over the Float64Array (labels, touched output), in process',
    ours: { value: Number(computeMs.toFixed(0)), unit: 'ms' },
  }),
];
for (const name of ['npy --summary', 'npy table', 'safetensors --summary', 'safetensors table', 'npz --summary', 'npz table']) {
  if (!times[name]) continue;
  const ms = pick(times[name]);
  rows.push(
    row({
      name: `analyze .${name.replace(' table', ' (table)')}, whole process vs read + compute`,
      ours: { value: Number(ms.toFixed(0)), unit: 'ms' },
      peer: { name: 'read process + compute pass', value: Number(floor.toFixed(0)), unit: 'ms' },
      ratio: ms / floor,
      better: 'lower',
      target: 2,
      note: `${load}; vs chunked read + compute: ${(ms / (pick(times['chunked read .npy']) + computeMs)).toFixed(2)}×`,
    }),
  );
}
for (const name of ['deflated npz --summary', 'deflated npz table']) {
  const ms = pick(times[name]);
  const inflateMs = pick(times['inflate alone']);
  rows.push(
    row({
      name: `analyze a ${name.replace(' table', ' (table)')} (np.savez_compressed, ${(deflated.length / MB).toFixed(0)} MB), whole process vs inflating it alone`,
      ours: { value: Number(ms.toFixed(0)), unit: 'ms' },
      peer: { name: 'a process that reads it and inflates the logits with native zlib', value: Number(inflateMs.toFixed(0)), unit: 'ms' },
      ratio: ms / inflateMs,
      better: 'lower',
      note: `${load}; ours inflates with fflate's streaming Inflate as the rows are read (Node has no public synchronous streaming inflate), never the whole member`,
    }),
  );
}
if (times['npy check']) {
  const ms = pick(times['npy check']);
  rows.push(
    row({
      name: 'check .npy (the whole array loaded, 2,000 probes of ∂L/∂z), whole process vs read + compute',
      ours: { value: Number(ms.toFixed(0)), unit: 'ms' },
      peer: { name: 'read process + compute pass', value: Number(floor.toFixed(0)), unit: 'ms' },
      ratio: ms / floor,
      better: 'lower',
      note: `${load}; the whole file read into memory, its float64 used where they were read (no copy), no n × k gradient built`,
    }),
  );
}
// Peak memory: the whole file is never held (GNU time -v, or maxRSS from a preload).
const bare = runWithPeakRss(process.execPath, ['-e', '0']);
for (const [label, args] of [
  ['.npy --summary', [cli, 'analyze', npyPath, '--summary', '--json']],
  ['.npy (table)', [cli, 'analyze', npyPath]],
  ['.safetensors (table)', [cli, 'analyze', stPath]],
  ['.npz (table)', [cli, 'analyze', npzPath]],
  ['deflated .npz (table)', [cli, 'analyze', deflatedPath]],
  ['check .npy', [cli, 'check', npyPath]],
]) {
  const r = runWithPeakRss(process.execPath, args);
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`);
  rows.push(
    row({
      name: `${label.startsWith('check') ? '' : 'analyze '}${label}, ${((N * K * 8) / MB).toFixed(0)} MB of logits: peak RSS`,
      ours: { value: Number((r.peakRss / MB).toFixed(0)), unit: 'MB' },
      peer: { name: 'node -e 0', value: Number((bare.peakRss / MB).toFixed(0)), unit: 'MB' },
      ratio: r.peakRss / (N * K * 8),
      better: 'lower',
      note: `ratio: peak / the file's logits; measured with ${r.via}`,
    }),
  );
}
emit({
  section: 'binary',
  title: 'Binary .npy / .safetensors / .npz at memory speed',
  rows,
  info: { n: N, k: K, rounds: ROUNDS, statistic: STAT_TEXT, loadBefore, loadAfter, computeMs: compute.compute.times, timesMs: times },
});
