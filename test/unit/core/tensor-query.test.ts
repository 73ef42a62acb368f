// The queries the panel and the hover ask of an analysis (issue 14: the worker owns the data):
// every answer equals the full analysis' own arrays, bit for bit, whether ∂L/∂z was computed for
// the whole batch (a small file, in the host) or is derived per row (a large file, in the worker).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runPipeline } from '../../../src/core/pipeline';
import { summarizeResult } from '../../../src/core/resultSummary';
import { TensorStore, type ClassificationRow, type MatrixBlock, type RegressionRow } from '../../../src/core/tensorQuery';
import { parseQuery, parseWebviewMessage } from '../../../src/shared/protocol';
import { tableCsv } from '../../../src/core/tableText';
import { seededUniform } from '../../helpers/seeded';

function logitsFile(n: number, k: number, soft = false): Uint8Array {
  const r = seededUniform(7);
  const logits = Array.from({ length: n }, () => Array.from({ length: k }, () => Math.round((r() * 8 - 4) * 1000) / 1000));
  const labels = Array.from({ length: n }, () => Math.floor(r() * k));
  const targets = labels.map((l) => Array.from({ length: k }, (_, j) => (j === l ? 0.9 : 0.1 / (k - 1))));
  return new TextEncoder().encode(JSON.stringify(soft ? { logits, targets } : { logits, labels }));
}

for (const soft of [false, true]) {
  test(`rows and blocks equal the full analysis bit for bit (${soft ? 'soft targets' : 'class indices'}), with or without the batch ∂L/∂z`, () => {
    const bytes = logitsFile(40, 7, soft);
    const full = runPipeline(bytes, 'f.json');
    const lazy = runPipeline(bytes, 'f.json', { rowsOnDemand: true });
    assert.ok(full.analysis?.task === 'classification' && lazy.analysis?.task === 'classification');
    assert.equal(lazy.analysis.logitGradient, null, 'the worker skips the batch ∂L/∂z');
    // Class indices or soft targets: the worker keeps no N × K probabilities either; the per-sample arrays are the same bits.
    assert.equal(lazy.analysis.probabilities, null, 'p is derived per row');
    assert.ok(Object.is(lazy.analysis.loss, full.analysis.loss));
    for (const key of ['losses', 'predicted', 'actual', 'pTrue', 'pPredicted'] as const)
      assert.deepEqual(Array.from(lazy.analysis[key]), Array.from(full.analysis[key]), key);
    assert.deepEqual(lazy.problems, full.problems, 'the same warnings (confidently wrong reads p of the predicted class)');
    // Exports made where the data is hold the same bytes whether the arrays were kept or derived.
    for (const format of ['json', 'npz'] as const) {
      const query = { kind: 'export', jacobianOf: null, format, fileName: 'f.json', classes: null } as const;
      assert.deepEqual(new TensorStore(lazy).answer(query), new TensorStore(full).answer(query), `${format} export`);
    }
    const a = full.analysis;
    const { n, k } = a;
    for (const store of [new TensorStore(full), new TensorStore(lazy)]) {
      for (const i of [0, 17, n - 1]) {
        const row = store.answer({ kind: 'row', index: i }) as ClassificationRow;
        assert.deepEqual(Array.from(row.p), Array.from(a.probabilities.subarray(i * k, (i + 1) * k)));
        const y = a.targets
          ? Array.from(a.targets.subarray(i * k, (i + 1) * k))
          : Array.from({ length: k }, (_, j) => +(j === a.labels[i]));
        assert.deepEqual(Array.from(row.y), y);
        assert.deepEqual(Array.from(row.dLdz), Array.from(a.logitGradient.subarray(i * k, (i + 1) * k)), `∂L/∂z of sample ${i}`);
        assert.deepEqual(Array.from(row.dLdInput), Array.from(a.gradient.subarray(i * k, (i + 1) * k)));
        assert.equal(row.yLoss, row.y, 'no named loss: the loss pulls towards the file target');
        // The property the Jacobian view relies on: Σ_j ∂L/∂z_j = (Σp·Σy − Σy)/N = 0 for a target summing to one.
        assert.ok(Math.abs(row.dLdz.reduce((s, v) => s + v, 0)) < 1e-15);
      }
      const cols = [6, 0, 3];
      const block = store.answer({ kind: 'block', field: 'logitGradient', r0: 5, r1: 12, cols }) as MatrixBlock;
      assert.deepEqual([block.rows, block.cols], [7, 3]);
      for (let r = 0; r < 7; r++)
        for (let c = 0; c < 3; c++) assert.equal(block.data[r * 3 + c], a.logitGradient[(5 + r) * k + cols[c]], `block (${r}, ${c})`);
      const colMax = store.answer({ kind: 'columnMaxAbs', field: 'logitGradient' }) as Float64Array;
      for (let j = 0; j < k; j++) {
        let m = 0;
        for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(a.logitGradient[i * k + j]));
        assert.equal(colMax[j], m);
      }
    }
  });
}

test('probabilities with class indices or soft targets: rows on demand hold no ∂L/∂p or ∂L/∂z, and every row, block and export is the full analysis’s', () => {
  const r = seededUniform(11);
  const n = 30;
  const k = 6;
  const probabilities = Array.from({ length: n }, () => {
    const e = Array.from({ length: k }, () => Math.exp(r() * 6 - 3));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
  const labels = Array.from({ length: n }, () => Math.floor(r() * k));
  // p = 0 and p = 1 at the label, and p below ε: the loss clips p there and ∂L/∂p is 0.
  probabilities[0] = [0, 1, 0, 0, 0, 0];
  labels[0] = 0;
  probabilities[1] = [0, 0, 1, 0, 0, 0];
  labels[1] = 2;
  probabilities[2] = [1e-9, 1 - 1e-9, 0, 0, 0, 0];
  labels[2] = 0;
  // Soft targets: label smoothing of 0.1 around each label.
  const soft = labels.map((l) => Array.from({ length: k }, (_, j) => (j === l ? 0.9 : 0) + 0.1 / k));
  for (const [reduction, withTargets] of [
    ['mean', false],
    ['sum', false],
    ['mean', true],
    ['sum', true],
  ] as const) {
    const bytes = new TextEncoder().encode(JSON.stringify(withTargets ? { probabilities, targets: soft } : { probabilities, labels }));
    const full = runPipeline(bytes, 'p.json', { reduction });
    const lazy = runPipeline(bytes, 'p.json', { reduction, rowsOnDemand: true });
    assert.ok(full.analysis?.task === 'classification' && lazy.analysis?.task === 'classification');
    assert.equal(lazy.analysis.input, 'probabilities');
    assert.equal(lazy.analysis.gradient, null, 'no N × K ∂L/∂p');
    assert.equal(lazy.analysis.logitGradient, null, 'no N × K ∂L/∂z');
    assert.equal(lazy.analysis.probabilities, (lazy.dataset as { values: Float64Array }).values, 'p is the file’s values');
    assert.ok(Object.is(lazy.analysis.loss, full.analysis.loss));
    for (const key of ['losses', 'predicted', 'actual', 'pTrue', 'pPredicted'] as const)
      assert.deepEqual(Array.from(lazy.analysis[key]), Array.from(full.analysis[key]), key);
    assert.deepEqual(lazy.problems, full.problems);
    const a = full.analysis;
    const [lazyStore, fullStore] = [new TensorStore(lazy), new TensorStore(full)];
    for (let i = 0; i < n; i++) {
      const row = lazyStore.answer({ kind: 'row', index: i }) as ClassificationRow;
      assert.deepEqual(row, fullStore.answer({ kind: 'row', index: i }), `row ${i}`);
      // The formulas: ∂L/∂p = −y/p·s (0 where the loss clips p), ∂L/∂z = (p − y)·s, s = 1/N for the mean.
      const s = reduction === 'mean' ? 1 / n : 1;
      const y = withTargets ? soft[i] : probabilities[i].map((_, j) => +(j === labels[i]));
      for (let j = 0; j < k; j++) {
        const p = probabilities[i][j];
        const clipped = p < 1e-7 || p > 1 - 1e-7;
        const dLdp = y[j] !== 0 && !clipped ? (-y[j] / p) * s : 0;
        assert.ok(Math.abs(row.dLdInput[j] - dLdp) <= 1e-15 * Math.abs(dLdp), `∂L/∂p (${i}, ${j})`);
        assert.ok(Math.abs(row.dLdz[j] - (p - y[j]) * s) < 1e-15, `∂L/∂z (${i}, ${j})`);
      }
      assert.deepEqual(Array.from(row.dLdInput), Array.from(a.gradient.subarray(i * k, (i + 1) * k)));
    }
    for (const field of ['probabilities', 'logitGradient'] as const) {
      const block = { kind: 'block' as const, field, r0: 3, r1: 20, cols: [5, 0] };
      assert.deepEqual(lazyStore.answer(block), fullStore.answer(block), field);
      assert.deepEqual(lazyStore.answer({ kind: 'columnMaxAbs', field }), fullStore.answer({ kind: 'columnMaxAbs', field }), field);
    }
    for (const format of ['json', 'csv', 'npz', 'safetensors'] as const) {
      const query = { kind: 'export', jacobianOf: null, format, fileName: 'p.json', classes: null } as const;
      assert.deepEqual(lazyStore.answer(query), fullStore.answer(query), `${format} export`);
    }
  }
  // Another ε: the batch arrays, as before (the derived ∂L/∂p clips with the default).
  const other = runPipeline(new TextEncoder().encode(JSON.stringify({ probabilities, labels })), 'p.json', {
    rowsOnDemand: true,
    epsilon: 1e-3,
  });
  assert.ok(other.analysis?.task === 'classification' && other.analysis.gradient !== null);
});

test('one ∂L/∂z row function: the label and dense batch forms give the same bits', () => {
  // The same batch with class indices and with their one-hot rows: every row of ∂L/∂z is identical.
  const next = seededUniform(3);
  const n = 20;
  const k = 9;
  const logits = Array.from({ length: n }, () => Array.from({ length: k }, () => Math.round((next() * 8 - 4) * 1000) / 1000));
  const labels = Array.from({ length: n }, () => Math.floor(next() * k));
  const oneHot = labels.map((l) => Array.from({ length: k }, (_, j) => (j === l ? 1 : 0)));
  for (const reduction of ['mean', 'sum'] as const) {
    const run = (file: object) =>
      new TensorStore(runPipeline(new TextEncoder().encode(JSON.stringify(file)), 'f.json', { reduction, rowsOnDemand: true }));
    const byLabel = run({ logits, labels });
    const dense = run({ logits, targets: oneHot });
    for (let i = 0; i < n; i++) {
      const a = byLabel.answer({ kind: 'row', index: i }) as ClassificationRow;
      const b = dense.answer({ kind: 'row', index: i }) as ClassificationRow;
      assert.deepEqual(Array.from(a.dLdz), Array.from(b.dLdz), `sample ${i}, ${reduction}`);
    }
  }
});

test('a regression row is ŷ, y and ∂L/∂ŷ = 2(ŷ − y)/(N·D) of that sample', () => {
  const text = JSON.stringify({
    predictions: [
      [1, 2],
      [3, 5],
      [0.5, -1],
    ],
    targets: [
      [1.5, 2],
      [2, 4],
      [0, 0],
    ],
  });
  const result = runPipeline(new TextEncoder().encode(text), 'r.json');
  const row = new TensorStore(result).answer({ kind: 'row', index: 1 }) as RegressionRow;
  assert.deepEqual(Array.from(row.yHat), [3, 5]);
  assert.deepEqual(Array.from(row.y), [2, 4]);
  assert.deepEqual(Array.from(row.gradient), [(2 * (3 - 2)) / 6, (2 * (5 - 4)) / 6]);
});

test('a copied table is made where the data is, in the same CSV the page writes, capped at whole rows', () => {
  const bytes = logitsFile(10, 4);
  const result = runPipeline(bytes, 'f.json');
  const a = result.analysis!;
  assert.ok(a.task === 'classification');
  const text = new TensorStore(result).answer({
    kind: 'table',
    field: 'logitGradient',
    format: 'csv',
    maxCells: 12,
    name: 'g',
    classes: ['a', 'b', 'c', '=d'],
  }) as string;
  const lines = text.trimEnd().split('\n');
  assert.equal(lines[0], '# First 3 of 10 samples.');
  assert.equal(lines[1], "sample,a,b,c,'=d");
  assert.equal(lines.length, 5);
  assert.deepEqual(lines[3].split(',').map(Number), [1, ...a.logitGradient.subarray(4, 8)]);
  assert.equal(
    text,
    tableCsv({
      name: 'g',
      columns: ['sample', 'a', 'b', 'c', '=d'],
      rowCount: 3,
      row: (i) => [i, ...a.logitGradient.subarray(i * 4, i * 4 + 4)],
      note: 'First 3 of 10 samples.',
    }),
  );
});

test('out-of-range queries fail with a message, not garbage', () => {
  const store = new TensorStore(runPipeline(logitsFile(5, 3), 'f.json'));
  assert.throws(() => store.answer({ kind: 'row', index: 5 }), /sample 5 is outside 0…4/);
  assert.throws(() => store.answer({ kind: 'block', field: 'probabilities', r0: 0, r1: 2, cols: [3] }), /outside 0…2/);
});

test('the host keeps no N × K array: the summary has the scalars and length-N arrays only', () => {
  const result = runPipeline(logitsFile(30, 6), 'f.json');
  const summary = summarizeResult(result);
  const big = (v: unknown) => ArrayBuffer.isView(v) && (v as Float64Array).length >= 30 * 6;
  const walk = (v: unknown, path: string): string[] =>
    big(v)
      ? [path]
      : v && typeof v === 'object' && !ArrayBuffer.isView(v)
        ? Object.entries(v).flatMap(([k, x]) => walk(x, `${path}.${k}`))
        : [];
  assert.deepEqual(walk({ dataset: summary.dataset, analysis: summary.analysis }, 'summary'), []);
  assert.equal(summary.analysis!.loss, result.analysis!.loss);
});

test('the page’s queries are validated field by field', () => {
  assert.deepEqual(parseQuery({ kind: 'row', index: 3 }), { kind: 'row', index: 3 });
  assert.deepEqual(parseQuery({ kind: 'block', field: 'probabilities', r0: 0, r1: 4, cols: [1, 2] }), {
    kind: 'block',
    field: 'probabilities',
    r0: 0,
    r1: 4,
    cols: [1, 2],
  });
  for (const bad of [
    { kind: 'row', index: -1 },
    { kind: 'row', index: 1.5 },
    { kind: 'block', field: 'secrets', r0: 0, r1: 1, cols: null },
    { kind: 'block', field: 'values', r0: 0, r1: 1, cols: ['1'] },
    { kind: 'export', format: 'npz' },
    { kind: 'gradientCheck', reduction: 'mean' },
    { kind: 'table', field: 'values', format: 'xml', maxCells: 1, name: 'x', classes: null },
  ])
    assert.equal(parseQuery(bad), null, JSON.stringify(bad));
  assert.equal(parseWebviewMessage({ type: 'query', id: 1, query: { kind: 'export' } }), null);
  assert.deepEqual(parseWebviewMessage({ type: 'cancelQuery', id: 4 }), { type: 'cancelQuery', id: 4 });
});
