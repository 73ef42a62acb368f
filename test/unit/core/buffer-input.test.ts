// The editor hands the core Node Buffers (vscode.workspace.fs.readFile), whose slice() is a view,
// not a copy: an uncompressed .npz member at an odd offset must still load, and a big-endian array
// must be swapped in a copy, never in the caller's bytes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { readNpy, writeNpy } from '../../../src/core/npy';
import { runPipeline } from '../../../src/core/pipeline';

const STEP = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'runs', 'good', 'steps', 'step-00000001.npz');

describe('Node Buffer input', () => {
  it('an uncompressed .npz in a Buffer at any offset loads to the same loss', () => {
    const raw = readFileSync(STEP);
    const losses = [0, 1, 3, 4].map((shift) => {
      const buf = Buffer.alloc(raw.length + shift);
      raw.copy(buf, shift);
      const r = runPipeline(buf.subarray(shift), 'step-00000001.npz');
      assert.deepEqual(
        r.problems.filter((p) => p.severity === 'error'),
        [],
        `shift ${shift}`,
      );
      return r.analysis!.loss;
    });
    assert.ok(Number.isFinite(losses[0]));
    for (const l of losses) assert.equal(l, losses[0]);
  });

  it('a big-endian float64 .npy in a Buffer is read without changing the Buffer', () => {
    const little = writeNpy(new Float64Array([1.5, -2.25, 3e-7]), [3]);
    // The same array written big-endian: '<f8' → '>f8' and each 8-byte value reversed.
    const big = Buffer.from(little);
    const header = big.indexOf('<f8');
    big.write('>f8', header, 'latin1');
    const dataStart = big.length - 24;
    for (let i = dataStart; i < big.length; i += 8) big.subarray(i, i + 8).reverse();
    const before = Buffer.from(big);
    const odd = Buffer.alloc(big.length + 1);
    big.copy(odd, 1);
    const view = odd.subarray(1);
    assert.deepEqual(Array.from(readNpy(view).data), [1.5, -2.25, 3e-7]);
    assert.ok(view.equals(before), 'the caller’s bytes are unchanged');
  });
});
