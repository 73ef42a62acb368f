// The NumPy viewer's arrays as held where they are read (host or worker, issue 17): the outline
// carries only the first rows, and every block and slice asked for equals the array's own values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { writeNpy } from '../../../src/core/npy';
import { HEAD_ROWS, ViewerArrays } from '../../../src/extension/viewerArrays';
import { seededUniform } from '../../helpers/seeded';

test('a 5,000 × 7 .npy: outline with the first rows, statistics of all of it, blocks equal to the array', () => {
  const rows = 5000;
  const cols = 7;
  const r = seededUniform(4);
  const data = Float64Array.from({ length: rows * cols }, () => r() * 10 - 5);
  const viewer = ViewerArrays.open({ input: { bytes: writeNpy(data, [rows, cols]) }, fileName: 'x.npy' });
  const outline = viewer.outline();
  assert.equal(outline.error, null);
  const head = outline.arrays[0].array!;
  assert.deepEqual(head.shape, [rows, cols]);
  assert.deepEqual(Array.from(head.data), Array.from(data.subarray(0, HEAD_ROWS * cols)));
  assert.equal(outline.infos[0].stats!.max, Math.max(...data));
  assert.equal(outline.infos[0].stats!.min, Math.min(...data));
  const block = viewer.rows({ array: 0, row0: 4990, row1: 5100, col0: 2, col1: 5 });
  assert.deepEqual([block.row0, block.row1, block.col0, block.col1], [4990, 5000, 2, 5]);
  for (let i = 0; i < 10; i++)
    for (let j = 0; j < 3; j++) assert.equal(block.values![i * 3 + j], data[(4990 + i) * cols + 2 + j], `(${4990 + i}, ${2 + j})`);
  const slice = viewer.slice({ array: 0, rowAxis: 0, colAxis: 1, index: [0, 0] });
  assert.equal(slice.error, undefined);
  assert.equal(slice.values[0], data[0]);
  assert.equal(viewer.rows({ array: 3, row0: 0, row1: 1, col0: 0, col1: 1 }).error, 'no such array');
});

test('a broken file is an outline with the reader’s message, not a throw', () => {
  const viewer = ViewerArrays.open({ input: { bytes: new TextEncoder().encode('not numpy at all') }, fileName: 'bad.npy' });
  assert.match(viewer.outline().error!, /bad\.npy/);
  assert.deepEqual(viewer.outline().arrays, []);
});
