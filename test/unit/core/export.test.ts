import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { analyze, type ClassificationAnalysis, type RegressionAnalysis } from '../../../src/core/analysis';
import { runCli, type CliIo } from '../../../src/cli/commands';
import type { ClassificationData, NetworkData } from '../../../src/core/dataset';
import {
  analysisToCsv,
  analysisToJson,
  exportAnalysis,
  exportJacobian,
  exportNetwork,
  formatFromPath,
  sampleJacobian,
  selectionToText,
} from '../../../src/core/exportAnalysis';
import { loadTensorFile } from '../../../src/core/load';
import { analyzeNetwork } from '../../../src/core/network';
import { readNpy } from '../../../src/core/npy';
import { readNpz } from '../../../src/core/npz';
import { softmaxJacobian } from '../../../src/core/softmax';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'numpy');
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8'));
const PYTHON = '/usr/bin/python3';
const scratch = mkdtempSync(join(tmpdir(), 'gradient-lens-export-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const bytesOf = (rel: string) => new Uint8Array(readFileSync(join(FIXTURES, rel)));
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

function classification(rel = 'classified.npz'): { data: ClassificationData; a: ClassificationAnalysis } {
  const loaded = loadTensorFile(bytesOf(rel), rel);
  assert.ok(loaded.dataset?.task === 'classification', JSON.stringify(loaded.problems));
  return { data: loaded.dataset, a: analyze(loaded.dataset) as ClassificationAnalysis };
}

function regression(): RegressionAnalysis {
  const loaded = loadTensorFile(bytesOf('regression.npz'), 'regression.npz');
  assert.ok(loaded.dataset);
  return analyze(loaded.dataset) as RegressionAnalysis;
}

/** NumPy's view of .npy/.npz files: {key: {dtype, shape, values}} (one key "" for a .npy). */
function numpyReads(path: string): Record<string, { dtype: string; shape: number[]; values: number[] }> {
  const script = `
import json, sys, numpy as np
def d(a): return {"dtype": a.dtype.str, "shape": list(a.shape), "values": [float(v) for v in a.ravel().tolist()]}
f = np.load(sys.argv[1])
print(json.dumps({k: d(f[k]) for k in f.files} if sys.argv[1].endswith(".npz") else {"": d(f)}))
`;
  const run = spawnSync(PYTHON, ['-c', script, path], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout);
}
const HAS_NUMPY = existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
const numpySkip = HAS_NUMPY
  ? false
  : `${PYTHON} with numpy is not available: the read-back through NumPy itself is skipped (readNpy round-trips are still checked)`;

describe('analysis export', () => {
  it('JSON: the report plus source, classes, targets, true class and p_true', () => {
    const { data, a } = classification();
    const json = JSON.parse(analysisToJson(a, { fileName: 'classified.npz', classes: data.classes }));
    const e = EXPECTED['classified.npz'];
    assert.equal(json.source, 'classified.npz');
    assert.deepEqual(json.classes, ['red', 'green', 'blue']);
    assert.equal(json.loss, a.loss);
    assert.ok(Math.abs(json.loss - e.loss) <= 1e-9 * e.loss);
    assert.deepEqual(json.losses, Array.from(a.losses));
    assert.deepEqual(json.gradient.flat(), Array.from(a.gradient));
    assert.deepEqual(json.actual, [1, 0, 2, 2, 1]);
    assert.deepEqual(json.targets[0], [0, 1, 0]);
    assert.equal(json.accuracy, a.predicted.filter((p, i) => p === a.actual[i]).length / 5);
    assert.deepEqual(json.pTrue, Array.from(a.pTrue));
  });

  it('CSV: one row per sample with exact numbers and class names in the header', () => {
    const { data, a } = classification();
    const lines = analysisToCsv(a, { classes: data.classes }).trimEnd().split('\n');
    assert.equal(lines[0], 'sample,label,predicted,loss,p_red,p_green,p_blue,grad_red,grad_green,grad_blue');
    assert.equal(lines.length, 1 + a.n);
    for (let i = 0; i < a.n; i++) {
      const cells = lines[i + 1].split(',').map(Number);
      assert.deepEqual(cells.slice(0, 4), [i, a.actual[i], a.predicted[i], a.losses[i]]);
      assert.deepEqual(cells.slice(4, 7), Array.from(a.probabilities.subarray(i * 3, i * 3 + 3)));
      assert.deepEqual(cells.slice(7), Array.from(a.gradient.subarray(i * 3, i * 3 + 3)));
    }
  });

  it('CSV: probabilities input adds logit_grad_* columns; names that need quoting are quoted', () => {
    const { a } = classification('soft_targets.npz');
    const header = analysisToCsv(a, { classes: ['a,b', 'say "hi"', 'c'] }).split('\n')[0];
    assert.equal(
      header,
      'sample,label,predicted,loss,"p_a,b","p_say ""hi""",p_c,"grad_a,b","grad_say ""hi""",grad_c,"logit_grad_a,b","logit_grad_say ""hi""",logit_grad_c',
    );
  });

  it('CSV: every number is written as String() writes it, NaN and ±Infinity included', () => {
    // Rows written a row at a time by JSON.stringify when finite, a cell at a time otherwise.
    const edge = [-0, 5e-324, 1e21, 1e-7, 0.1 + 0.2, -1.7976931348623157e308, 123456789012345680000, 2 ** -1074 * 3];
    const odd = [NaN, Infinity, -Infinity, 0.5, -0, 1e-7, 2, 3];
    const k = edge.length;
    const a = regression();
    const rows: RegressionAnalysis = {
      ...a,
      n: 2,
      d: k,
      shape: [2, k],
      losses: Float64Array.of(1, NaN),
      gradient: Float64Array.from([...edge, ...odd]),
    };
    const lines = analysisToCsv(rows).trimEnd().split('\n');
    assert.equal(lines[1], ['0', '1', ...edge.map(String)].join(','));
    assert.equal(lines[2], ['1', 'NaN', ...odd.map(String)].join(','));
    assert.equal(lines[1].split(',')[2], '0'); // -0 as String writes it, as before
  });

  it('CSV: regression', () => {
    const a = regression();
    const lines = analysisToCsv(a).trimEnd().split('\n');
    assert.equal(lines[0], 'sample,loss,grad_0,grad_1');
    assert.deepEqual(lines[3].split(',').map(Number), [2, a.losses[2], a.gradient[4], a.gradient[5]]);
  });

  it('.npz round-trips through readNpz, every array with its shape', () => {
    const { a } = classification();
    const arrays = readNpz(exportAnalysis(a, 'npz', { compress: true }));
    assert.deepEqual(
      [...arrays.keys()],
      ['loss', 'losses', 'probabilities', 'targets', 'gradient', 'logit_gradient', 'predicted', 'labels', 'p_true'],
    );
    assert.deepEqual(arrays.get('loss')!.shape, []);
    assert.deepEqual(Array.from(arrays.get('loss')!.data), [a.loss]);
    assert.deepEqual(arrays.get('gradient')!.shape, [5, 3]);
    assert.deepEqual(arrays.get('gradient')!.data, a.gradient);
    assert.deepEqual(arrays.get('probabilities')!.data, a.probabilities);
    assert.equal(arrays.get('predicted')!.dtype, '<i4');
    assert.deepEqual(Array.from(arrays.get('labels')!.data), [1, 0, 2, 2, 1]);
  });

  it('.npy round-trips through readNpy (each quantity)', () => {
    const { a } = classification();
    const g = readNpy(exportAnalysis(a, 'npy'));
    assert.deepEqual([g.dtype, g.shape], ['<f8', [5, 3]]);
    assert.deepEqual(g.data, a.gradient);
    assert.deepEqual(readNpy(exportAnalysis(a, 'npy', { npy: 'losses' })).data, a.losses);
    assert.deepEqual(readNpy(exportAnalysis(a, 'npy', { npy: 'logitGradient' })).data, a.logitGradient);
    const r = regression();
    assert.deepEqual(readNpy(exportAnalysis(r, 'npy')).shape, [5, 2]);
    assert.throws(() => exportAnalysis(r, 'npy', { npy: 'probabilities' }), /a regression analysis has no probabilities/);
  });

  it('.npy and .npz read back by NumPy itself', { skip: numpySkip }, () => {
    const { a } = classification();
    const npy = join(scratch, 'gradient.npy');
    writeFileSync(npy, exportAnalysis(a, 'npy'));
    const viaNumpy = numpyReads(npy)[''];
    assert.deepEqual(viaNumpy, { dtype: '<f8', shape: [5, 3], values: Array.from(a.gradient) });
    const npz = join(scratch, 'analysis.npz');
    writeFileSync(npz, exportAnalysis(a, 'npz', { compress: true }));
    const all = numpyReads(npz);
    assert.deepEqual(all.loss, { dtype: '<f8', shape: [], values: [a.loss] });
    assert.deepEqual(all.logit_gradient.values, Array.from(a.logitGradient));
    assert.deepEqual(all.labels, { dtype: '<i4', shape: [5], values: [1, 0, 2, 2, 1] });
  });

  it('formatFromPath', () => {
    assert.deepEqual(['a.JSON', 'b.csv', 'dir.x/c.npy', 'd.npz', 'e.txt', 'npz'].map(formatFromPath), [
      'json',
      'csv',
      'npy',
      'npz',
      null,
      null,
    ]);
  });
});

describe('Jacobian export', () => {
  const { data, a } = classification();
  const J = sampleJacobian(a, 2);

  it('is diag(p) − p pᵀ of the sample: symmetric, rows summing to 0', () => {
    assert.deepEqual(J, softmaxJacobian(a.probabilities.slice(6, 9)));
    const p = a.probabilities.subarray(6, 9);
    assert.equal(J[0], p[0] * (1 - p[0]));
    assert.equal(J[1], -p[0] * p[1]);
    assert.equal(J[1], J[3]);
    for (let j = 0; j < 3; j++) assert.ok(Math.abs(J[j * 3] + J[j * 3 + 1] + J[j * 3 + 2]) < 1e-16);
    assert.throws(() => sampleJacobian(a, 5), /sample must be a whole number from 0 to 4, not 5/);
  });

  it('JSON, CSV, .npy and .npz', () => {
    const json = JSON.parse(decode(exportJacobian(a, 2, 'json', { fileName: 'classified.npz', classes: data.classes })));
    assert.deepEqual(json.jacobian.flat(), Array.from(J));
    assert.deepEqual([json.sample, json.source, json.classes], [2, 'classified.npz', ['red', 'green', 'blue']]);
    const csv = decode(exportJacobian(a, 2, 'csv', { classes: data.classes }))
      .trimEnd()
      .split('\n');
    assert.equal(csv[0], 'dp/dz,z_red,z_green,z_blue');
    assert.deepEqual(csv[2].split(',').slice(1).map(Number), Array.from(J.subarray(3, 6)));
    assert.equal(csv[2].split(',')[0], 'p_green');
    const npy = readNpy(exportJacobian(a, 2, 'npy'));
    assert.deepEqual([npy.shape, npy.data], [[3, 3], J]);
    const npz = readNpz(exportJacobian(a, 2, 'npz'));
    assert.deepEqual(npz.get('probabilities')!.data, a.probabilities.slice(6, 9));
  });
});

describe('network export', () => {
  const json = JSON.stringify({
    network: {
      layers: [
        {
          weights: [
            [0.5, -1],
            [1, 0.25],
          ],
          bias: [0.1, -0.2],
          activation: 'tanh',
        },
        {
          weights: [
            [1, -1],
            [0.5, 2],
            [-1, 1],
          ],
          bias: [0, 0, 0],
          activation: 'softmax',
        },
      ],
    },
    inputs: [
      [1, 2],
      [0.5, -1],
    ],
    labels: [2, 0],
  });
  const loaded = loadTensorFile(new TextEncoder().encode(json), 'net.json');
  const data = loaded.dataset as NetworkData;
  const a = analyzeNetwork(data);

  it('.npz has the per-layer gradients, losses and outputs', () => {
    assert.equal(data?.task, 'network', JSON.stringify(loaded.problems));
    const npz = readNpz(exportNetwork(data, a, 'npz'));
    assert.deepEqual(
      [...npz.keys()],
      ['loss', 'losses', 'output', 'grad_inputs', 'predicted', 'grad_weights_0', 'grad_bias_0', 'grad_weights_1', 'grad_bias_1'],
    );
    assert.deepEqual(npz.get('grad_weights_1')!.shape, [3, 2]);
    assert.deepEqual(npz.get('grad_weights_1')!.data, a.layers[1].gradWeights);
    assert.deepEqual(npz.get('grad_bias_0')!.data, a.layers[0].gradBias);
  });

  it('CSV rows: loss, predicted and the outputs', () => {
    const lines = decode(exportNetwork(data, a, 'csv', { classes: ['x', 'y', 'z'] }))
      .trimEnd()
      .split('\n');
    assert.equal(lines[0], 'sample,loss,predicted,out_x,out_y,out_z');
    assert.deepEqual(lines[1].split(',').map(Number), [0, a.losses[0], a.predicted![0], ...a.output.subarray(0, 3)]);
  });
});

describe('copying a selection', () => {
  it('tab-separated, with names, clamped to the matrix', () => {
    const m = Float64Array.from([1, 2, 3, 4, 5, 6, 0.1, 1e-20, -7]);
    assert.equal(
      selectionToText(m, 3, { rows: [1, 9], cols: [1, 3], rowNames: ['s0', 's1', 's2'], colNames: ['a', 'b\tc', 'd'] }),
      '\tb c\td\ns1\t5\t6\ns2\t1e-20\t-7',
    );
    assert.equal(selectionToText(m, 3, { rows: [0, 1], cols: [0, 3] }), '1\t2\t3');
    assert.equal(selectionToText(m, 3, { rows: [2, 1], cols: [0, 3] }), '');
  });
});

describe('CLI --out', () => {
  function cli(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      readFile: (p) => new Uint8Array(readFileSync(p)),
      fileSize: (p) => statSync(p).size,
      writeFile: (p, b) => writeFileSync(p, b),
      sameFile: (x, y) => {
        const sx = statSync(x, { throwIfNoEntry: false });
        const sy = statSync(y, { throwIfNoEntry: false });
        return !!sx && !!sy && sx.dev === sy.dev && sx.ino === sy.ino;
      },
      out: (t) => (stdout += t),
      err: (t) => (stderr += t),
    };
    const status = runCli(args, io);
    return { status, stdout, stderr };
  }
  const e = EXPECTED['classified.npz'];

  it("analyze x.npz --json: the analysis, with the archive's class names, equal to torch", () => {
    const r = cli('analyze', join(FIXTURES, 'classified.npz'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.classes, ['red', 'green', 'blue']);
    assert.ok(Math.abs(report.loss - e.loss) <= 1e-9 * e.loss);
    report.gradient
      .flat()
      .forEach((g: number, i: number) => assert.ok(Math.abs(g - e.gradient.flat()[i]) <= 1e-9 * Math.abs(e.gradient.flat()[i]) + 1e-15));
  });

  it('analyze a .npy takes its labels and class names from its siblings on disk', () => {
    const r = cli('analyze', join(FIXTURES, 'pair', 'scores.npy'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.classes, ['cat', 'dog', 'bird', 'fish']);
    assert.ok(Math.abs(report.loss - EXPECTED['pair/scores.npy'].loss) <= 1e-9 * report.loss);
  });

  it('--out result.npz writes the analysis (and stdout stays quiet)', () => {
    const out = join(scratch, 'result.npz');
    const r = cli('analyze', join(FIXTURES, 'classified.npz'), '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^wrote .*result\.npz \(\d+ bytes\)\n$/);
    const arrays = readNpz(new Uint8Array(readFileSync(out)));
    assert.ok(Math.abs(arrays.get('loss')!.data[0] - e.loss) <= 1e-9 * e.loss);
    assert.deepEqual(arrays.get('losses')!.shape, [5]);
  });

  it('--out with --json prints the report too; .csv and .json by extension', () => {
    const csv = join(scratch, 'result.csv');
    const r = cli('analyze', join(FIXTURES, 'classified.npz'), '--out', csv, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).n, 5);
    assert.equal(
      readFileSync(csv, 'utf8').split('\n')[0],
      'sample,label,predicted,loss,p_red,p_green,p_blue,grad_red,grad_green,grad_blue',
    );
    const json = join(scratch, 'result.json');
    assert.equal(cli('analyze', join(FIXTURES, 'regression.npz'), '--out', json).status, 0);
    assert.equal(JSON.parse(readFileSync(json, 'utf8')).task, 'regression');
  });

  it('jacobian --sample I --out j.npy', () => {
    const out = join(scratch, 'j.npy');
    const r = cli('jacobian', join(FIXTURES, 'classified.npz'), '--sample', '2', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    const { a } = classification();
    assert.deepEqual(readNpy(new Uint8Array(readFileSync(out))).data, sampleJacobian(a, 2));
  });

  it('refuses to write over the input file, by path or through a hard link, and leaves it as it was', () => {
    const input = join(scratch, 'data.npz');
    writeFileSync(input, bytesOf('classified.npz'));
    const before = readFileSync(input);
    const r = cli('analyze', input, '--out', input);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `gradient-lens: --out ${input}: refusing to write over the input file ${input}; choose another name\n`);
    const dotted = join(scratch, '.', 'data.npz');
    assert.equal(cli('analyze', dotted, '--out', input).status, 2);
    const link = join(scratch, 'link.npz');
    linkSync(input, link);
    const viaLink = cli('analyze', input, '--out', link);
    assert.equal(viaLink.status, 2);
    assert.match(viaLink.stderr, /refusing to write over the input file/);
    assert.deepEqual(readFileSync(input), before);
  });

  it('an unknown extension, --out with check, and a bad --role are usage errors', () => {
    const input = join(FIXTURES, 'classified.npz');
    assert.equal(
      cli('analyze', input, '--out', join(scratch, 'x.txt')).stderr,
      `gradient-lens: --out ${join(scratch, 'x.txt')}: the extension gives the format; use .json, .csv, .npy, .npz or .safetensors\n`,
    );
    assert.equal(cli('check', input, '--out', join(scratch, 'x.json')).status, 2);
    const bad = cli('analyze', input, '--role', 'weights=preds');
    assert.equal(bad.status, 2);
    assert.match(
      bad.stderr,
      /--role must be ROLE=ARRAY with ROLE one of logits, probabilities, predictions, labels, targets, classes, log_probabilities, not "weights=preds"/,
    );
  });

  it('an ambiguous archive: exit 1 with the choices; --role decides', () => {
    const input = join(FIXTURES, 'ambiguous.npz');
    const r = cli('analyze', input, '--json');
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr,
      `${input}: "preds" and "scores" could each be the logits; choose which (in VS Code a quick pick asks; on the command line add e.g. --role logits=preds --role labels=y, or rename the arrays)\n`,
    );
    const chosen = cli('analyze', input, '--json', '--role', 'logits=scores');
    assert.equal(chosen.status, 0, chosen.stderr);
    const expected = EXPECTED['ambiguous.npz#scores'].loss;
    assert.ok(Math.abs(JSON.parse(chosen.stdout).loss - expected) <= 1e-9 * expected);
  });
});
