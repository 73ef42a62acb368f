/**
 * Issue 22: the bundles inflate a whole large .npz member with Node's zlib instead of fflate
 * (src/node/nativeInflate.ts). Every archive must read the same, arrays and messages alike, with it
 * or without it: a good member the same bytes, and every damaged one the fflate path's message
 * (zlib's refusal hands the member back to it).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import { crc32 } from '../../../src/core/crc32';
import { writeNpy } from '../../../src/core/npy';
import { readNpz, useInflateRaw, type InflateRaw } from '../../../src/core/npz';
import { nativeInflateRaw } from '../../../src/node/nativeInflate';
import { buildZip, member } from '../../helpers/zipBuild';
import { seededUniform } from '../../helpers/seeded';

/** readNpz's arrays, or its error, as data. */
function outcome(bytes: Uint8Array): unknown {
  try {
    return [...readNpz(bytes, 'a.npz')].map(([name, a]) => ({ name, shape: a.shape, dtype: a.dtype, data: Array.from(a.data) }));
  } catch (e) {
    const { message, offset, member: m } = e as { message: string; offset?: number; member?: string };
    return { message, offset, member: m };
  }
}

/** outcome with the native inflater and with fflate alone; how many members zlib inflated. */
function bothWays(bytes: Uint8Array): { native: unknown; fflate: unknown; inflated: number } {
  let inflated = 0;
  const counting: InflateRaw = (compressed, maxBytes) => {
    const out = nativeInflateRaw(compressed, maxBytes);
    if (out) inflated++;
    return out;
  };
  useInflateRaw(counting);
  try {
    const native = outcome(bytes);
    useInflateRaw(null);
    return { native, fflate: outcome(bytes), inflated };
  } finally {
    useInflateRaw(null);
  }
}

// 300 × 1000 float64 of a few digits (2.4 MB, deflates well), and labels.
const rand = seededUniform(5);
const logits = writeNpy(
  Float64Array.from({ length: 300_000 }, () => Math.round((rand() - 0.5) * 40) / 4),
  [300, 1000],
);
const labels = writeNpy(
  Int32Array.from({ length: 300 }, () => Math.floor(rand() * 1000)),
  [300],
);

test('a good deflated member: zlib inflates it, and the arrays are fflate’s', () => {
  const good = buildZip([member('logits.npy', logits), member('labels.npy', labels)]);
  const { native, fflate, inflated } = bothWays(good);
  assert.deepEqual(native, fflate);
  assert.equal(inflated, 1, 'the 2.4 MB member through zlib; the 1.3 KB labels not');
  assert.equal((fflate as { data: number[] }[])[0].data.length, 300_000);
});

test('damaged members: the same message with zlib as with fflate alone; zlib hands back every damaged stream', () => {
  const good = member('logits.npy', logits);
  const stream = good.stored;
  const flipped = Uint8Array.from(stream);
  flipped[stream.length >> 1] ^= 0x5a;
  // 2 MB declared, 50 MB inflated: a bomb.
  const head = writeNpy(new Float64Array(262_144), [262_144]);
  const bomb = new Uint8Array(50 << 20);
  bomb.set(head);
  const cases: Record<string, Uint8Array> = {
    'a byte of the stream changed': buildZip([{ ...good, stored: flipped }]),
    'the stream cut short': buildZip([{ ...good, stored: stream.subarray(0, stream.length - 1000) }]),
    'the CRC-32 wrong': buildZip([{ ...good, crc: (good.crc ^ 1) >>> 0 }]),
    'inflates to more than declared': buildZip([
      { name: 'logits.npy', stored: new Uint8Array(deflateRawSync(bomb)), method: 8, crc: crc32(head), size: head.length },
    ]),
    'declared one byte more': buildZip([{ ...good, size: good.size + 1 }]),
  };
  for (const [what, bytes] of Object.entries(cases)) {
    const { native, fflate, inflated } = bothWays(bytes);
    assert.deepEqual(native, fflate, what);
    assert.ok(typeof (fflate as { message?: string }).message === 'string', `${what}: an error`);
    // A wrong CRC-32 is the core's check after either inflater; every other case zlib refuses.
    assert.equal(inflated, what === 'the CRC-32 wrong' ? 1 : 0, `${what}: members zlib inflated`);
  }
});
