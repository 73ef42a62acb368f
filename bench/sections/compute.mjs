// Compute: softmax + cross-entropy + ∂L/∂z over N × K = 10⁷ logits (float64), against
// TensorFlow.js's CPU backend (tf.valueAndGrad of tf.losses.softmaxCrossEntropy, float32: the
// only dtype it computes in) and against a memory-bound floor measured in the same process:
// one read pass and one write pass over a Float64Array of the same 10⁷ elements.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { logitsArray } from '../generate.mjs';
import { QUICK, ROOT, SRC_ROOT, STAT, STAT_TEXT, bundleAndRequire, coreBundle, emit, interleave, log, require, row } from './common.mjs';

const N = QUICK ? 1000 : 10000;
const K = 1000;
const ROUNDS = QUICK ? 1 : 5;

const core = await coreBundle();
const tf = await tfjsCpu();

log(`compute: N = ${N}, K = ${K} (${N * K} elements)`);
const { z, labels } = logitsArray(N, K, 7);
const y = new Float64Array(N * K);
for (let i = 0; i < N; i++) y[i * K + labels[i]] = 1;

// TensorFlow.js inputs are made once, outside the timing.
const zT = tf.tensor2d(Float32Array.from(z), [N, K]);
const yT = tf.oneHot(tf.tensor1d(labels, 'int32'), K).cast('float32');
const lossAndGrad = tf.valueAndGrad((x) => tf.losses.softmaxCrossEntropy(yT, x));

const floorArray = new Float64Array(N * K).fill(1); // touched, like z is
const reusedGradient = new Float64Array(N * K).fill(1); // a caller's output array, touched like the floor's
function readThenWrite(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  for (let i = 0; i < a.length; i++) a[i] = s;
  return s;
}
function readThenWriteFresh(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = s;
  return out;
}
function expPass(a) {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - 20);
  return s;
}
/** The textbook four-loop form with Math.exp: what softmaxCrossEntropy is compared with. */
function textbook(z, y, n, k) {
  const p = new Float64Array(n * k);
  const gradient = new Float64Array(n * k);
  const losses = new Float64Array(n);
  const scale = 1 / n;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const base = i * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (z[base + j] > max) max = z[base + j];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(z[base + j] - max);
      p[base + j] = e;
      sum += e;
    }
    const logSum = Math.log(sum) + max;
    const inv = 1 / sum;
    let loss = 0;
    let ySum = 0;
    for (let j = 0; j < k; j++) {
      const yj = y[base + j];
      if (yj !== 0) {
        loss -= yj * (z[base + j] - logSum);
        ySum += yj;
      }
    }
    for (let j = 0; j < k; j++) {
      const pj = p[base + j] * inv;
      p[base + j] = pj;
      gradient[base + j] = (pj * ySum - y[base + j]) * scale;
    }
    losses[i] = loss;
    total += loss;
  }
  return { loss: total * scale, losses, gradient, probabilities: p };
}

/** Largest |a − b| over each output, and the loss's relative difference. */
function differences(a, b) {
  const worst = {};
  for (const key of ['losses', 'gradient', 'probabilities']) {
    let m = 0;
    for (let i = 0; i < a[key].length; i++) m = Math.max(m, Math.abs(a[key][i] - b[key][i]));
    worst[key] = m;
  }
  worst.loss = Math.abs(a.loss - b.loss) / Math.abs(b.loss);
  return worst;
}

const pool = await lossPools(z, labels);
const dataset = { task: 'classification', input: 'logits', n: N, k: K, values: z, targets: y, labels, classes: null, spans: [] };

let oursLoss = NaN;
let tfLoss = NaN;
const lean = 'ours loss + ∂L/∂z (softmaxCrossEntropyGradient)';
const leanReused = 'ours loss + ∂L/∂z into a reused array';
const cases = [
  { name: lean, run: () => core.softmaxCrossEntropyGradient(z, y, N, K), check: (r) => (oursLoss = r.loss) },
  { name: leanReused, run: () => core.softmaxCrossEntropyGradient(z, y, N, K, 'mean', reusedGradient) },
  { name: 'ours softmaxCrossEntropy', run: () => core.softmaxCrossEntropy(z, y, N, K) },
  ...(core.softmaxCrossEntropyLabels
    ? [{ name: 'ours softmaxCrossEntropyLabels', run: () => core.softmaxCrossEntropyLabels(z, labels, N, K) }]
    : []),
  { name: 'ours analyze (CE + argmax + p_true)', run: () => core.analyze(dataset) },
  {
    name: 'tfjs cpu valueAndGrad(softmaxCrossEntropy)',
    run: () => {
      const { value, grad } = lossAndGrad(zT);
      const v = value.dataSync()[0];
      grad.dataSync();
      value.dispose();
      grad.dispose();
      return v;
    },
    check: (v) => (tfLoss = v),
  },
  ...pool.cases,
  { name: 'floor: read pass + write pass (same array)', run: () => readThenWrite(floorArray) },
  { name: 'read pass + write pass into a new array', run: () => readThenWriteFresh(floorArray) },
  { name: 'Math.exp pass (one per element)', run: () => expPass(z) },
];
const t = interleave(cases, ROUNDS);
const ms = (name) => t[name][STAT];
const fig = (name) => ({ value: Number(ms(name).toFixed(1)), unit: 'ms', median: Number(t[name].median.toFixed(1)) });
const ours = 'ours softmaxCrossEntropy';
const tfName = 'tfjs cpu valueAndGrad(softmaxCrossEntropy)';
const floor = 'floor: read pass + write pass (same array)';

// Accuracy, outside the timing: the shipped code (table-driven exp, see src/core/softmax.ts)
// against the textbook form with Math.exp; and exp() against Math.exp in ulps.
const reference = textbook(z, y, N, K);
const full = core.softmaxCrossEntropy(z, y, N, K);
const diff = differences(full, reference);
const diffLabels = core.softmaxCrossEntropyLabels ? differences(core.softmaxCrossEntropyLabels(z, labels, N, K), reference) : diff;
// The lean form returns no probabilities: compare its loss, losses and gradient bit for bit.
const leanResult = core.softmaxCrossEntropyGradient(z, y, N, K);
const leanSame =
  leanResult.loss === full.loss &&
  leanResult.gradient.every((v, i) => Object.is(v, full.gradient[i])) &&
  leanResult.losses.every((v, i) => Object.is(v, full.losses[i]));
let expWorstUlp = 0;
const u = (() => {
  let s = 12345;
  return () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
})();
const specials = [0, -0, 1, -1, 0.5, -0.5, 709.78, 709.79, -708, -708.4, -745.13, -745.14, 1e-300, -1e-9, Infinity, -Infinity, NaN];
for (let i = 0; i < 2e6; i++) {
  const x = i < specials.length ? specials[i] : i % 2 ? -40 * u() : -708 * u();
  const a = core.exp(x);
  const m = Math.exp(x);
  if (Object.is(a, m)) continue;
  const ulps = Math.abs(a - m) / (Math.abs(m) * 2 ** -52);
  expWorstUlp = Math.max(expWorstUlp, Number.isFinite(ulps) ? ulps : Infinity);
}
const worstAbs = Math.max(diff.probabilities, diff.gradient * N, diffLabels.probabilities, diffLabels.gradient * N);
const worstLoss = Math.max(diff.loss, diffLabels.loss);
globalThis.gc();

const rows = [
  row({
    name: 'softmaxCrossEntropy (and …Labels, …Gradient) vs the textbook form with Math.exp: max |Δp|, |Δ(p − y)|',
    ours: { value: worstAbs, unit: '' },
    pass: worstAbs <= 4e-16 && worstLoss <= 1e-15 && expWorstUlp <= 1 && leanSame,
    note: `loss relative Δ ${worstLoss.toExponential(1)}; exp() within ${expWorstUlp.toFixed(2)} ulp of Math.exp on 2·10⁶ arguments; …Gradient ${leanSame ? 'the same bits' : 'DIFFERS'}`,
  }),
  row({
    name: 'softmax + CE → loss and ∂L/∂z, 10⁷ elements: speed-up over TensorFlow.js CPU',
    ours: fig(lean),
    peer: { name: 'tfjs-backend-cpu 4.x (float32)', ...fig(tfName) },
    ratio: ms(tfName) / ms(lean),
    target: 30,
    note: 'both return the loss and a new gradient array, as tf.valueAndGrad does',
  }),
  row({
    name: 'softmax + CE → loss and ∂L/∂z into a reused array vs memory-bound floor',
    ours: fig(leanReused),
    peer: { name: 'read + write pass over one Float64Array', ...fig(floor) },
    ratio: ms(leanReused) / ms(floor),
    better: 'lower',
    target: 3,
    note: 'both write a touched array',
  }),
  ...pool.rows((name) => fig(name), ms(floor), fig(floor)),
  row({
    name: 'softmax + CE → loss, p and ∂L/∂z (softmaxCrossEntropy, what analyze() keeps) vs TensorFlow.js',
    ours: fig(ours),
    peer: { name: 'tfjs-backend-cpu 4.x (float32)', ...fig(tfName) },
    ratio: ms(tfName) / ms(ours),
    note: 'two new n × k arrays (p and ∂L/∂z) where TensorFlow.js returns one',
  }),
  row({
    name: 'loss, p and ∂L/∂z vs the floor',
    ours: fig(ours),
    peer: { name: 'read + write pass over one Float64Array', ...fig(floor) },
    ratio: ms(ours) / ms(floor),
    better: 'lower',
  }),
  row({
    name: 'floor variant: read pass + write pass into a freshly allocated array',
    ours: fig(lean),
    peer: { name: 'read + write into new Float64Array', ...fig('read pass + write pass into a new array') },
    ratio: ms(lean) / ms('read pass + write pass into a new array'),
    better: 'lower',
    note: 'loss + ∂L/∂z into a new array: first touch of new pages on both sides',
  }),
  row({
    name: 'Math.exp pass: one exp per element, as the softmax needs',
    ours: fig('Math.exp pass (one per element)'),
    note: 'Math.exp alone, no memory traffic beyond reading z',
  }),
  ...(core.softmaxCrossEntropyLabels
    ? [
        row({
          name: 'softmaxCrossEntropyLabels (class indices, no dense n × k targets) vs the floor',
          ours: fig('ours softmaxCrossEntropyLabels'),
          peer: { name: 'read + write pass over one Float64Array', ...fig(floor) },
          ratio: ms('ours softmaxCrossEntropyLabels') / ms(floor),
          better: 'lower',
          note: `${(ms(tfName) / ms('ours softmaxCrossEntropyLabels')).toFixed(1)}× TensorFlow.js; reads no targets`,
        }),
      ]
    : []),
  row({ name: 'analyze() of the same dataset (CE + argmax + p of the true class)', ours: fig('ours analyze (CE + argmax + p_true)') }),
];
const info = {
  n: N,
  k: K,
  rounds: ROUNDS,
  statistic: STAT_TEXT,
  lossOurs: oursLoss,
  lossTfjs: tfLoss,
  lossRelativeDifference: Math.abs(oursLoss - tfLoss) / Math.abs(oursLoss),
  outputsAllocatedMB: (2 * N * K * 8) / 1e6,
  timesMs: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.times.map((x) => Number(x.toFixed(1)))])),
};
emit({ section: 'compute', title: `Compute: softmax + cross-entropy + gradient, ${N} × ${K}`, rows, info });

/** tfjs-core + tfjs-backend-cpu with every gradient registered, bundled (the ESM dist needs a bundler). */
async function tfjsCpu() {
  const esbuild = await import(require.resolve('esbuild'));
  const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-tfjs-'));
  const outfile = join(dir, 'tf.cjs');
  await esbuild.build({
    stdin: {
      contents:
        "export * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu'; import '@tensorflow/tfjs-core/dist/register_all_gradients';",
      resolveDir: ROOT,
      loader: 'js',
    },
    bundle: true,
    platform: 'node',
    mainFields: ['module', 'main'],
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  const warn = console.warn;
  const logFn = console.log;
  console.log = console.warn = () => {}; // the "install tfjs-node" banner
  const { tf } = require(outfile);
  await tf.setBackend('cpu');
  await tf.ready();
  tf.tensor([1]).dispose(); // the first write prints the "install tfjs-node" banner: keep it quiet
  console.log = logFn;
  console.warn = warn;
  rmSync(dir, { recursive: true, force: true });
  log(`compute: TensorFlow.js ${tf.version_core}, backend ${tf.getBackend()}`);
  return tf;
}

/**
 * Issue 22, compute on both cores: loss and ∂L/∂z of class-index targets (what a logits file with
 * labels needs) by one thread (softmaxCrossEntropyLabelsGradient, the reference) and by LossPool
 * with the rows split over 1…cores threads (workers started before the timing; shared memory).
 */
async function lossPools(z, labels) {
  const { availableParallelism } = await import('node:os');
  const esbuild = await import(require.resolve('esbuild'));
  const { LossPool, softmaxCrossEntropyLabelsGradient } = await bundleAndRequire(
    "export { LossPool } from './src/node/lossPool'; export { softmaxCrossEntropyLabelsGradient } from './src/core/losses';",
    'loss-pool',
    SRC_ROOT,
  );
  const dir = mkdtempSync(join(tmpdir(), 'gradient-lens-pool-'));
  const script = join(dir, 'worker.cjs');
  await esbuild.build({
    entryPoints: [join(SRC_ROOT, 'src/node/lossPoolWorker.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    outfile: script,
    logLevel: 'warning',
  });
  const cores = availableParallelism();
  const sz = LossPool.shared(N * K);
  sz.set(z);
  const sl = new Int32Array(new SharedArrayBuffer(4 * N));
  sl.set(labels);
  const gradient = LossPool.shared(N * K).fill(1); // touched, as the floor's array is
  const losses = LossPool.shared(N);
  const pools = Array.from({ length: cores }, (_, t) => new LossPool(script, t + 1));
  const reference = softmaxCrossEntropyLabelsGradient(z, labels, N, K);
  const single = 'labels: loss + ∂L/∂z, one thread (softmaxCrossEntropyLabelsGradient, reused array)';
  const name = (t) => `labels: loss + ∂L/∂z, LossPool ${t} thread${t > 1 ? 's' : ''}`;
  const reused = new Float64Array(N * K).fill(1);
  const cases = [
    { name: single, run: () => softmaxCrossEntropyLabelsGradient(z, labels, N, K, 'mean', reused).loss },
    ...pools.map((p) => ({
      name: name(p.threads),
      run: () => p.run(sz, sl, N, K, 'mean', gradient, losses),
      check: (loss) => {
        if (!Object.is(loss, reference.loss) || !gradient.every((v, i) => Object.is(v, reference.gradient[i])))
          throw new Error(`LossPool ${p.threads}: not the reference's bits`);
      },
    })),
  ];
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return {
    cases,
    rows: (fig, floorMs, floorFig) => {
      const load = loadavg()
        .map((x) => x.toFixed(1))
        .join(' ');
      const out = [
        row({
          name: 'labels: loss + ∂L/∂z, one thread, into a reused array vs the floor',
          ours: fig(single),
          peer: { name: 'read + write pass over one Float64Array', ...floorFig },
          ratio: fig(single).value / floorMs,
          better: 'lower',
          target: 3,
          note: 'the single-threaded reference the pool is tested against',
        }),
      ];
      for (const p of pools)
        out.push(
          row({
            name: `${name(p.threads)} vs the floor`,
            ours: fig(name(p.threads)),
            peer: { name: 'read + write pass over one Float64Array', ...floorFig },
            ratio: fig(name(p.threads)).value / floorMs,
            better: 'lower',
            target: p.threads === cores ? 3 : null,
            note: `same bits as one thread (checked); ${(fig(single).value / fig(name(p.threads)).value).toFixed(2)}× one thread; load average ${load}`,
          }),
        );
      return out;
    },
  };
}
