/**
 * Issue 17, silently wrong numbers: inputs that used to load with a number other than the one
 * Python computes now either load with Python's number or say why they do not.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { analyze } from '../../../src/core/analysis';
import { loadTensorFile } from '../../../src/core/load';
import { writeNpz } from '../../../src/core/npz';
import { matchRoles } from '../../../src/core/npzRoles';
import { LineIndex, formatLocation } from '../../../src/core/lineIndex';

const enc = new TextEncoder();
const LOGITS = Float64Array.from([2, 1, 0.1, 0.5, 2.5, 0.2]);
// PyTorch, float64: F.cross_entropy(tensor([[2, 1, .1], [.5, 2.5, .2]]), tensor([0, 1]))
const LOSS = 0.31429097256981015;

function located(text: string, name = 'net.json'): string[] {
  const bytes = enc.encode(text);
  const index = new LineIndex(bytes);
  return loadTensorFile(bytes, name).problems.map(
    (p) => `${formatLocation(name, index, p.start)}: ${p.severity === 'warning' ? 'warning: ' : ''}${p.message}`,
  );
}

const NET = (inputs: string, extra = '') =>
  `{"network": {"layers": [{"weights": [[1, 0], [0, 1]], "bias": [0, 0], "activation": "softmax"}]},\n "inputs": ${inputs},${extra}\n "labels": [0, 1]}\n`;

describe('network files: duplicate keys are reported, problems capped like other files', () => {
  test('"inputs" twice is an error at the second key (Python would take the last, we took the first)', () => {
    const text = NET('[[1, 2], [3, 4]]', '\n "inputs": [[0, 0], [0, 0]],');
    assert.deepEqual(located(text), ['net.json:3:2: the key "inputs" appears twice in the object; keep only one of them']);
  });

  test('"network" twice and "layers" twice', () => {
    const twice = `{"network": {"layers": []}, ${NET('[[1, 2]]').slice(1)}`;
    assert.deepEqual(located(twice), [`net.json:1:29: the key "network" appears twice in the object; keep only one of them`]);
    const layers = NET('[[1, 2], [3, 4]]').replace('{"layers": [', '{"layers": [], "layers": [');
    assert.deepEqual(located(layers), ['net.json:1:28: the key "layers" appears twice in the object; keep only one of them']);
  });

  test('30 labels out of range: 20 listed, then a count, as buildDataset.ts does', () => {
    const n = 30;
    const text = `{"network": {"layers": [{"weights": [[1, 0], [0, 1]], "bias": [0, 0], "activation": "softmax"}]}, "inputs": [${Array(n).fill('[1, 2]').join(', ')}], "labels": [${Array(n).fill(5).join(', ')}]}`;
    const messages = loadTensorFile(enc.encode(text), 'net.json').problems.map((p) => p.message);
    assert.equal(messages.length, 21);
    assert.equal(messages[19], 'label 5 of sample 19 is out of range for the 2 outputs of the softmax head (valid: 0…1)');
    assert.equal(messages[20], '…and 10 more like this (30 in all)');
  });
});

describe('.npz role names: exact names first, then case-insensitive, then aliases', () => {
  const other = Float64Array.from([9, 0, 0, 0, 9, 0]);
  test('"Logits" and "logits": the exact one is the logits (np.load(f)["logits"])', () => {
    for (const order of [
      ['Logits', 'logits'],
      ['logits', 'Logits'],
    ]) {
      const zip = writeNpz({
        [order[0]]: { data: order[0] === 'logits' ? LOGITS : other, shape: [2, 3] },
        [order[1]]: { data: order[1] === 'logits' ? LOGITS : other, shape: [2, 3] },
        labels: { data: Int32Array.of(0, 1), shape: [2] },
      });
      const r = loadTensorFile(zip, 'two.npz');
      assert.deepEqual(r.problems, []);
      assert.ok(Math.abs(analyze(r.dataset!).loss - LOSS) < 1e-15, order.join(' then '));
    }
  });

  test('"Logits" alone is still the logits; "Logits" and "LOGITS" without an exact one ask', () => {
    const one = writeNpz({ Logits: { data: LOGITS, shape: [2, 3] }, Labels: { data: Int32Array.of(0, 1), shape: [2] } });
    assert.ok(Math.abs(analyze(loadTensorFile(one, 'one.npz').dataset!).loss - LOSS) < 1e-15);
    const arr = (d: Float64Array) => ({ dtype: '<f8', kind: 'float' as const, shape: [2, 3], data: d });
    const m = matchRoles(
      ['Logits', 'LOGITS', 'labels'],
      [arr(LOGITS), arr(other), { dtype: '<i4', kind: 'int', shape: [2], data: Float64Array.of(0, 1) }],
    );
    assert.equal(m.kind, 'ambiguous');
  });

  test('arrays named "constructor", "__proto__", "toString" are no role: content decides, as for any unnamed array', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      const zip = writeNpz({ [name]: { data: LOGITS, shape: [2, 3] }, labels: { data: Int32Array.of(0, 1), shape: [2] } });
      const r = loadTensorFile(zip, 'odd.npz');
      assert.deepEqual(r.problems, [], name);
      assert.equal(r.dataset?.task, 'classification', name);
      assert.ok(Math.abs(analyze(r.dataset!).loss - LOSS) < 1e-15, name);
    }
  });
});

describe('labels and targets both given: labels are used and targets are reported as ignored', () => {
  const wrongTargets = '[[0, 0, 1], [0, 0, 1]]';
  test('JSON', () => {
    const text = `{"logits": [[2, 1, 0.1], [0.5, 2.5, 0.2]], "labels": [0, 1], "targets": ${wrongTargets}}`;
    assert.deepEqual(located(text, 'x.json'), ['x.json:1:73: warning: "targets" is ignored because "labels" are given; keep one of them']);
    assert.ok(Math.abs(analyze(loadTensorFile(enc.encode(text), 'x.json').dataset!).loss - LOSS) < 1e-15);
  });

  test('CSV', () => {
    const text = 'logit_0,logit_1,logit_2,label,target_0,target_1,target_2\n2,1,0.1,0,0,0,1\n0.5,2.5,0.2,1,0,0,1\n';
    assert.deepEqual(located(text, 'x.csv'), [
      'x.csv:1:31: warning: columns target_0…target_2 are ignored because column "label" is given; keep one of them',
    ]);
    assert.ok(Math.abs(analyze(loadTensorFile(enc.encode(text), 'x.csv').dataset!).loss - LOSS) < 1e-15);
  });

  test('.npz', () => {
    const zip = writeNpz({
      logits: { data: LOGITS, shape: [2, 3] },
      labels: { data: Int32Array.of(0, 1), shape: [2] },
      targets: { data: Float64Array.from([0, 0, 1, 0, 0, 1]), shape: [2, 3] },
    });
    const r = loadTensorFile(zip, 'both.npz');
    assert.deepEqual(
      r.problems.map((p) => `${p.severity}: ${p.message}`),
      ['warning: array "targets" in both.npz is ignored because "labels" gives the labels; keep one of them'],
    );
    assert.ok(Math.abs(analyze(r.dataset!).loss - LOSS) < 1e-15);
  });
});
