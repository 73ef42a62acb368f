/**
 * The NumPy viewer's pure parts: the table view of an array of any rank and the blocks cut from it
 * (checked against indexing the nested array by hand), the rows a scrolled viewport shows, and the
 * roles, class-name headers and label columns the host derives from the real pipeline's analysis.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clampBlock, readNumberBlock, readStringBlock, tableShape } from '../../../src/core/arrayRows';
import { writeNpy } from '../../../src/core/npy';
import { writeNpz } from '../../../src/core/npz';
import { readNpy } from '../../../src/core/npy';
import { runPipeline } from '../../../src/core/pipeline';
import {
  analysisInfo,
  arrayInfo,
  roleSources,
  rolesOf,
  rowColumnValues,
  withRoles,
  type ViewerArray,
} from '../../../src/extension/npyViewModel';
import { chunksOf, columnIndexText, visibleRange } from '../../../src/webview/npy/virtualRange';
import { seededUniform } from '../../helpers/seeded';

describe('the table view of an array', () => {
  it('has one row per index of the first axis and the other axes flattened into columns', () => {
    assert.deepEqual(tableShape([]), { rows: 1, cols: 1 });
    assert.deepEqual(tableShape([7]), { rows: 7, cols: 1 });
    assert.deepEqual(tableShape([10000, 10]), { rows: 10000, cols: 10 });
    assert.deepEqual(tableShape([2, 3, 4, 5]), { rows: 2, cols: 60 });
    assert.deepEqual(tableShape([0, 3]), { rows: 0, cols: 3 });
  });

  it('cuts a block equal to a[i][j…] of the nested array, clamped to the table', () => {
    const shape = [4, 3, 5];
    const data = Float64Array.from({ length: 60 }, (_, i) => i * 1.5 - 7);
    const at = (i: number, j: number, k: number) => data[i * 15 + j * 5 + k];
    const table = tableShape(shape);
    const b = clampBlock(table, { row0: 2, row1: 9, col0: 4, col1: 12 });
    assert.deepEqual(b, { row0: 2, row1: 4, col0: 4, col1: 12 });
    const block = readNumberBlock(data, table, b);
    assert.equal(block.length, 2 * 8);
    for (let i = 2; i < 4; i++)
      for (let c = 4; c < 12; c++) assert.equal(block[(i - 2) * 8 + (c - 4)], at(i, Math.floor(c / 5), c % 5), `[${i}, ${c}]`);
    assert.deepEqual(clampBlock(table, { row0: 9, row1: 20, col0: 20, col1: 30 }), { row0: 4, row1: 4, col0: 15, col1: 15 });
    assert.equal(readNumberBlock(data, table, clampBlock(table, { row0: 9, row1: 20, col0: 0, col1: 3 })).length, 0);
    assert.deepEqual(readStringBlock(['a', 'b', 'c', 'd', 'e', 'f'], tableShape([3, 2]), { row0: 1, row1: 3, col0: 1, col1: 2 }), [
      'd',
      'f',
    ]);
  });

  it('names a flattened column by its index over the trailing axes', () => {
    assert.equal(columnIndexText(7, [10, 10]), '7');
    assert.equal(columnIndexText(0, [2, 3, 4, 5]), '0, 0, 0');
    assert.equal(columnIndexText(59, [2, 3, 4, 5]), '2, 3, 4');
    assert.equal(columnIndexText(23, [2, 3, 4, 5]), '1, 0, 3');
  });
});

describe('the rows a viewport shows', () => {
  it('covers exactly the rows under the viewport, with the margin, inside the list', () => {
    assert.deepEqual(visibleRange(0, 220, 22, 10000), { first: 0, end: 10 });
    assert.deepEqual(visibleRange(0, 220, 22, 10000, 4), { first: 0, end: 14 });
    // Scrolled to row 5,000.5: rows 5,000…5,010 are (partly) visible.
    assert.deepEqual(visibleRange(5000.5 * 22, 220, 22, 10000), { first: 5000, end: 5011 });
    assert.deepEqual(visibleRange((10000 - 10) * 22, 220, 22, 10000, 2), { first: 9988, end: 10000 });
    assert.deepEqual(visibleRange(-50, 220, 22, 3), { first: 0, end: 3 });
    assert.deepEqual(visibleRange(0, 220, 22, 0), { first: 0, end: 0 });
  });

  it('asks for the chunks that hold them', () => {
    assert.deepEqual(chunksOf({ first: 0, end: 14 }, 64), [0]);
    assert.deepEqual(chunksOf({ first: 60, end: 70 }, 64), [0, 1]);
    assert.deepEqual(chunksOf({ first: 4996, end: 5015 }, 64), [78]);
    assert.deepEqual(chunksOf({ first: 0, end: 0 }, 64), []);
  });
});

describe('roles, class names and labels from the analysis', () => {
  const uniform = seededUniform(12345);
  const next = () => uniform() * 6 - 3;
  const n = 12;
  const k = 4;
  const logits = Float64Array.from({ length: n * k }, next);
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % k);
  const names = ['cat', 'dog', 'bird', 'fish'];

  it('an .npz: logits ← scores, labels ← y, class names over the columns, true and predicted class per row', () => {
    const bytes = writeNpz({ scores: { data: logits, shape: [n, k] }, y: { data: labels, shape: [n] } });
    const file = runPipeline(bytes, 'batch.npz', { siblings: { 'classes.txt': new TextEncoder().encode(names.join('\n')) } });
    assert.ok(file.analysis?.task === 'classification');
    const raw: ViewerArray[] = [
      { name: 'y', array: readNpy(writeNpy(labels, [n])) },
      { name: 'scores', array: readNpy(writeNpy(logits, [n, k])) },
    ];
    const sources = roleSources(file, raw, 'classes.txt', headOf(file));
    assert.deepEqual(sources, { input: 'scores', target: 'y', classes: 'classes.txt' });
    const infos = withRoles(raw.map(arrayInfo), file, sources).reverse();
    assert.equal(infos[0].role, 'logits');
    assert.deepEqual(infos[0].columnNames, names);
    assert.deepEqual(infos[0].rowColumns, ['label', 'predicted']);
    assert.equal(infos[1].role, 'labels');
    assert.deepEqual(infos[1].rowColumns, ['class']);
    assert.deepEqual(rolesOf(file, sources), [
      { role: 'logits', source: 'scores' },
      { role: 'labels', source: 'y' },
      { role: 'class names', source: 'classes.txt' },
    ]);
    const [label, predicted] = rowColumnValues(['label', 'predicted'], file, 3, 6);
    for (let i = 3; i < 6; i++) {
      assert.equal(label[i - 3], names[labels[i]]);
      const row = Array.from(logits.subarray(i * k, (i + 1) * k));
      assert.equal(predicted[i - 3], names[row.indexOf(Math.max(...row))]);
    }
    assert.deepEqual(rowColumnValues(['class'], file, 0, 3, Float64Array.from(labels)), [[0, 1, 2].map((i) => names[labels[i]])]);
    const info = analysisInfo(file, null, sources);
    assert.equal(info.status, 'done');
    assert.ok(info.emphasis && info.lines[0].includes(info.emphasis));
    assert.ok(info.actions.some((a) => a.command === 'gradientLens.showJacobian'));
  });

  it('without class names: no headers but the label columns (as indices); a regression file offers no Jacobian', () => {
    const bytes = writeNpz({ logits: { data: logits, shape: [n, k] }, labels: { data: labels, shape: [n] } });
    const file = runPipeline(bytes, 'batch.npz');
    const raw: ViewerArray[] = [{ name: 'logits', array: readNpy(writeNpy(logits, [n, k])) }];
    const infos = withRoles(raw.map(arrayInfo), file, roleSources(file, raw, null, headOf(file)));
    assert.equal(infos[0].columnNames, undefined);
    assert.deepEqual(rowColumnValues(['label'], file, 0, 2), [[String(labels[0]), String(labels[1])]]);
    const reg = runPipeline(
      writeNpz({ predictions: { data: Float64Array.of(1, 2, 3), shape: [3] }, targets: { data: Float64Array.of(1, 2, 4), shape: [3] } }),
      'r.npz',
    );
    const regArrays: ViewerArray[] = [{ name: 'predictions', array: readNpy(writeNpy(Float64Array.of(1, 2, 3), [3])) }];
    assert.deepEqual(rolesOf(reg, roleSources(reg, regArrays, null)), [
      { role: 'predictions', source: 'predictions' },
      { role: 'targets', source: 'targets' },
    ]);
    const none = { input: null, target: null, classes: null };
    assert.ok(!analysisInfo(reg, null, none).actions.some((a) => a.command === 'gradientLens.showJacobian'));
    assert.deepEqual(analysisInfo(null, 'boom', none).errors, ['boom']);
  });
});

/** The first rows of the analysis' input, as the editor asks the data's holder for them. */
function headOf(file: ReturnType<typeof runPipeline>): Float64Array | null {
  const d = file.dataset;
  return d?.task === 'classification' ? d.values.subarray(0, Math.min(d.n, 8) * d.k) : null;
}
