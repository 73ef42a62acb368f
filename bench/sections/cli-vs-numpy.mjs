// End to end: `gradient-lens analyze FILE --summary` (the shipped dist/cli.js, a fresh process)
// against the same work in NumPy in a fresh python3 (np.loadtxt or json.load + vectorised
// softmax cross-entropy and accuracy, what --summary prints: bench/numpy_peer.py), wall time of each process.
// OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset together in the Python child's environment
// only (they slow a current NumPy on some processors); the BLAS in use is reported.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
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
for (const variant of ['short', 'long']) {
  for (const kind of ['csv', 'json']) {
    const file = cachedLogitsFile({ kind, variant, n: N, k: K });
    const ours = [];
    const numpy = [];
    let oursOut = null;
    let pyOut = null;
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 ? ['numpy', 'ours'] : ['ours', 'numpy'];
      for (const who of order) {
        const t0 = performance.now();
        const p =
          who === 'ours'
            ? spawnSync(process.execPath, [cli, 'analyze', file.path, '--summary', '--json'], { encoding: 'utf8', maxBuffer: 1 << 26 })
            : spawnSync(PYTHON, [join(ROOT, 'bench', 'numpy_peer.py'), file.path], { encoding: 'utf8', env: pyEnv, maxBuffer: 1 << 26 });
        const wall = performance.now() - t0;
        if (p.status !== 0) throw new Error(`${who} failed on ${file.path}: ${p.stderr}`);
        const out = JSON.parse(p.stdout.trim().split('\n').pop());
        if (who === 'ours') {
          ours.push(wall);
          oursOut = out;
        } else {
          numpy.push(wall);
          pyOut = out;
        }
        log(`  ${variant} ${kind} round ${r + 1}/${ROUNDS} ${who}: ${wall.toFixed(0)} ms`);
      }
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
        target: 1,
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
