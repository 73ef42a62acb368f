// End to end: `gradient-lens analyze FILE --summary` (the shipped dist/cli.js, a fresh process)
// against the same work in NumPy in a fresh python3 (np.loadtxt or json.load + vectorised
// softmax cross-entropy and accuracy, what --summary prints: bench/numpy_peer.py), and for the
// 10⁴ × 10³ JSON in TensorFlow.js's CPU backend in a fresh node (bench/entries/tfjsSummary.mjs),
// wall time of each process (issue 22: ≥ 5× NumPy and ≥ 15× TensorFlow.js on the JSON).
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset together in the Python child's environment
// only (they slow a current NumPy on some processors); the BLAS in use is reported.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';
import { cachedLogitsFile } from '../generate.mjs';
import { QUICK, ROOT, STAT_TEXT, cliPath, emit, log, pick, row, skipRow } from './common.mjs';

const PYTHON = '/usr/bin/python3';
const N = QUICK ? 500 : 10000;
const K = 1000;
const ROUNDS = QUICK ? 1 : 3;

const rows = [];
const info = { n: N, k: K, rounds: ROUNDS, statistic: `wall time of each process: ${STAT_TEXT}`, runs: {} };

const probe = existsSync(PYTHON) ? spawnSync(PYTHON, ['-c', 'import numpy; print(numpy.__version__)'], { encoding: 'utf8' }) : null;
if (!probe || probe.status !== 0) {
  const why = !probe ? `${PYTHON} not found` : `${PYTHON} has no numpy`;
  log(`cli-vs-numpy: skipped: ${why}`);
  rows.push(skipRow('analyze --summary vs NumPy', `skipped: ${why}`));
  emit({ section: 'cli-vs-numpy', title: 'CLI end to end vs NumPy', rows, info: { skipped: why } });
  process.exit(0);
}

const pyEnv = { ...process.env };
info.openblasEnvInParent = {
  OPENBLAS_CORETYPE: process.env.OPENBLAS_CORETYPE ?? null,
  OPENBLAS_L2_SIZE: process.env.OPENBLAS_L2_SIZE ?? null,
};
delete pyEnv.OPENBLAS_CORETYPE;
delete pyEnv.OPENBLAS_L2_SIZE;

const cli = cliPath();
const tfjsScript = bundleTfjsPeer();
for (const variant of ['short', 'long']) {
  for (const kind of ['csv', 'json']) {
    const file = cachedLogitsFile({ kind, variant, n: N, k: K });
    const ours = [];
    const numpy = [];
    const tfjs = [];
    let oursOut = null;
    let pyOut = null;
    let tfOut = null;
    // TensorFlow.js reads JSON only (no CSV reader in tfjs-core), and the target is the 10⁴ × 10³ file.
    const withTfjs = kind === 'json' && variant === 'short';
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? ['numpy', 'ours'] : ['ours', 'numpy'];
      if (withTfjs) order.splice(r % 3, 0, 'tfjs');
      for (const who of order) {
        const t0 = performance.now();
        const options = { encoding: 'utf8', maxBuffer: 1 << 26 };
        const p =
          who === 'ours'
            ? spawnSync(process.execPath, [cli, 'analyze', file.path, '--summary', '--json'], options)
            : who === 'tfjs'
              ? spawnSync(process.execPath, [tfjsScript, file.path], options)
              : spawnSync(PYTHON, [join(ROOT, 'bench', 'numpy_peer.py'), file.path], { ...options, env: pyEnv });
        const wall = performance.now() - t0;
        if (p.status !== 0) throw new Error(`${who} failed on ${file.path}: ${p.stderr}`);
        const out = JSON.parse(p.stdout.trim().split('\n').pop());
        if (who === 'ours') {
          ours.push(wall);
          oursOut = out;
        } else if (who === 'tfjs') {
          tfjs.push(wall);
          tfOut = out;
        } else {
          numpy.push(wall);
          pyOut = out;
        }
        log(`  ${variant} ${kind} round ${r + 1}/${ROUNDS} ${who}: ${wall.toFixed(0)} ms`);
      }
    }
    if (withTfjs) {
      // float32 in TensorFlow.js: the losses agree to about 1e-7, the accuracies exactly.
      const tfRel = Math.abs(oursOut.loss - tfOut.loss) / Math.abs(oursOut.loss);
      if (tfRel > 1e-5 || Math.abs(oursOut.accuracy - tfOut.accuracy) > 1e-6)
        throw new Error(
          `TensorFlow.js disagrees: loss ${tfOut.loss} vs ${oursOut.loss}, accuracy ${tfOut.accuracy} vs ${oursOut.accuracy}`,
        );
      const tf = pick(tfjs);
      rows.push(
        row({
          name: `[${variant}] analyze JSON --summary vs TensorFlow.js CPU (JSON.parse, tensor2d, softmaxCrossEntropy, accuracy), ${(file.bytes / 1e6).toFixed(0)} MB, whole process`,
          ours: { value: Number(pick(ours).toFixed(0)), unit: 'ms', runs: ours.map((x) => Math.round(x)) },
          peer: {
            name: `tfjs-core + tfjs-backend-cpu ${tfOut.tfjs} (float32), bench/entries/tfjsSummary.mjs`,
            value: Number(tf.toFixed(0)),
            unit: 'ms',
            runs: tfjs.map((x) => Math.round(x)),
            insideProcess: tfOut.seconds,
          },
          ratio: tf / pick(ours),
          target: 15,
          note: `speed-up over TensorFlow.js; losses agree to ${tfRel.toExponential(1)} (its float32)`,
        }),
      );
      info.runs[`${variant}-${kind}-tfjs`] = { tfjsMs: tfjs, tfjsSeconds: tfOut.seconds, loss: tfOut.loss };
    }
    const rel = Math.abs(oursOut.loss - pyOut.loss) / Math.abs(pyOut.loss);
    if (rel > 1e-12) throw new Error(`loss differs from NumPy's: ${oursOut.loss} vs ${pyOut.loss}`);
    const o = pick(ours);
    const np = pick(numpy);
    rows.push(
      row({
        name: `[${variant}] analyze ${kind.toUpperCase()} --summary vs NumPy (${pyOut.reader}), ${(file.bytes / 1e6).toFixed(0)} MB`,
        ours: { value: Number(o.toFixed(0)), unit: 'ms', runs: ours.map((x) => Math.round(x)) },
        peer: {
          name: `python3 + NumPy ${pyOut.numpy} (${pyOut.reader})`,
          value: Number(np.toFixed(0)),
          unit: 'ms',
          runs: numpy.map((x) => Math.round(x)),
          insidePython: pyOut.seconds,
        },
        ratio: np / o,
        // Issue 22: ≥ 5× NumPy for the JSON summary; the CSV has no stated target beyond beating it.
        target: kind === 'json' ? 5 : 1,
        note: `speed-up over NumPy; losses agree to ${rel.toExponential(1)}`,
      }),
    );
    info.runs[`${variant}-${kind}`] = { bytes: file.bytes, oursMs: ours, numpyMs: numpy, numpySeconds: pyOut.seconds, loss: oursOut.loss };
    info.blas = pyOut.blas;
    info.pythonEnv = pyOut.env;
    info.numpy = pyOut.numpy;
  }
}
emit({ section: 'cli-vs-numpy', title: `CLI analyze --summary vs NumPy, ${N} × ${K}`, rows, info });

/** The TensorFlow.js peer, bundled (the ESM dist of tfjs needs a bundler) into a temp dir. */
function bundleTfjsPeer() {
  const outfile = join(mkdtempSync(join(tmpdir(), 'gradient-lens-tfjs-peer-')), 'tfjs-summary.cjs');
  buildSync({
    entryPoints: [join(ROOT, 'bench', 'entries', 'tfjsSummary.mjs')],
    bundle: true,
    platform: 'node',
    mainFields: ['module', 'main'],
    target: 'node20',
    format: 'cjs',
    outfile,
    logLevel: 'error',
  });
  return outfile;
}
