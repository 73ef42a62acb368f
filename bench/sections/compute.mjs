// Compute: softmax + cross-entropy + ∂L/∂z over N × K = 10⁷ logits (float64), against
// TensorFlow.js's CPU backend (tf.valueAndGrad of tf.losses.softmaxCrossEntropy, float32: the
// only dtype it computes in) and against a memory-bound floor measured in the same process:
// one read pass and one write pass over a Float64Array of the same 10⁷ elements.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logitsArray } from '../generate.mjs';
import { QUICK, ROOT, coreBundle, emit, interleave, log, require, row } from './common.mjs';

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
const dataset = { task: 'classification', input: 'logits', n: N, k: K, values: z, targets: y, labels, classes: null, spans: [] };

let oursLoss = NaN;
let tfLoss = NaN;
const cases = [
  { name: 'ours softmaxCrossEntropy', run: () => core.softmaxCrossEntropy(z, y, N, K), check: (r) => (oursLoss = r.loss) },
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
  { name: 'floor: read pass + write pass (same array)', run: () => readThenWrite(floorArray) },
  { name: 'read pass + write pass into a new array', run: () => readThenWriteFresh(floorArray) },
  { name: 'Math.exp pass (one per element)', run: () => expPass(z) },
];
const t = interleave(cases, ROUNDS);
const ms = (name) => t[name].median;
const fig = (name) => ({ value: Number(ms(name).toFixed(1)), unit: 'ms', min: Number(t[name].min.toFixed(1)) });
const ours = 'ours softmaxCrossEntropy';
const tfName = 'tfjs cpu valueAndGrad(softmaxCrossEntropy)';
const floor = 'floor: read pass + write pass (same array)';

const rows = [
  row({ name: 'softmax + CE + ∂L/∂z, 10⁷ elements: speed-up over TensorFlow.js CPU', ours: fig(ours), peer: { name: 'tfjs-backend-cpu 4.x (float32)', ...fig(tfName) }, ratio: ms(tfName) / ms(ours), target: 30 }),
  row({ name: 'softmax + CE + ∂L/∂z vs memory-bound floor (time ratio)', ours: fig(ours), peer: { name: 'read + write pass over one Float64Array', ...fig(floor) }, ratio: ms(ours) / ms(floor), better: 'lower', target: 3 }),
  row({ name: 'floor variant: read pass + write pass into a freshly allocated array', ours: fig(ours), peer: { name: 'read + write into new Float64Array', ...fig('read pass + write pass into a new array') }, ratio: ms(ours) / ms('read pass + write pass into a new array'), better: 'lower', note: 'first touch of new pages, which our outputs pay too' }),
  row({ name: 'Math.exp pass: one exp per element, as the softmax needs', ours: fig('Math.exp pass (one per element)'), note: 'Math.exp alone, no memory traffic beyond reading z' }),
  row({ name: 'analyze() of the same dataset (CE + argmax + p of the true class)', ours: fig('ours analyze (CE + argmax + p_true)') }),
];
const info = {
  n: N,
  k: K,
  rounds: ROUNDS,
  statistic: 'median of interleaved rounds (after one warm-up)',
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
      contents: "export * as tf from '@tensorflow/tfjs-core'; import '@tensorflow/tfjs-backend-cpu'; import '@tensorflow/tfjs-core/dist/register_all_gradients';",
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
