import assert from 'node:assert/strict';
import { test } from 'node:test';
import { softmax, softmaxJacobian } from '../../../src/core/softmax';
import { pixelSpans } from '../../../src/webview/charts/heatmapCanvas';
import { blockValue, blockValues, denseSource, jacobianSource, type Aggregate } from '../../../src/webview/charts/matrixSource';
import { seeded } from '../../webview-page/payloads';

function brute(J: Float64Array, k: number, r0: number, r1: number, c0: number, c1: number): Aggregate {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (let r = r0; r < r1; r++)
    for (let c = c0; c < c1; c++) {
      const v = J[r * k + c];
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
  return { min, max, mean: sum / ((r1 - r0) * (c1 - c0)), count: (r1 - r0) * (c1 - c0) };
}

/** softmaxJacobian forms the diagonal as p − p², the source as p(1 − p): equal up to an ulp or two. */
function close(a: number, b: number, what: string): void {
  assert.ok(Math.abs(a - b) <= 4 * Number.EPSILON * Math.abs(b), `${what}: ${a} vs ${b}`);
}

function probabilities(k: number, seed: number, spread = 4): Float64Array {
  const rand = seeded(seed);
  return softmax(
    Float64Array.from({ length: k }, () => (rand() - 0.5) * spread),
    1,
    k,
  );
}

test('Jacobian block aggregates equal brute force over the materialized J, every block of a 9-class p', () => {
  const k = 9;
  const p = probabilities(k, 42);
  const J = softmaxJacobian(p);
  const src = jacobianSource(p);
  let blocks = 0;
  for (let r0 = 0; r0 < k; r0++)
    for (let r1 = r0 + 1; r1 <= k; r1++)
      for (let c0 = 0; c0 < k; c0++)
        for (let c1 = c0 + 1; c1 <= k; c1++) {
          const a = src.aggregate(r0, r1, c0, c1);
          const b = brute(J, k, r0, r1, c0, c1);
          assert.equal(a.count, b.count);
          close(a.min, b.min, `min of [${r0},${r1})×[${c0},${c1})`);
          close(a.max, b.max, `max of [${r0},${r1})×[${c0},${c1})`);
          assert.ok(Math.abs(a.mean - b.mean) <= 1e-16, `mean of [${r0},${r1})×[${c0},${c1}): ${a.mean} vs ${b.mean}`);
          blocks++;
        }
  assert.equal(blocks, ((k * (k + 1)) / 2) ** 2);
});

test('ties, zeros and a one-hot p aggregate correctly too', () => {
  for (const p of [
    Float64Array.from([0.25, 0.25, 0.25, 0.25]),
    Float64Array.from([1, 0, 0, 0]),
    Float64Array.from([0.5, 0, 0.5, 0]),
    Float64Array.from([0.7, 0.1, 0.1, 0.1]),
  ]) {
    const J = softmaxJacobian(p);
    const src = jacobianSource(p);
    for (let r0 = 0; r0 < 4; r0++)
      for (let r1 = r0 + 1; r1 <= 4; r1++)
        for (let c0 = 0; c0 < 4; c0++)
          for (let c1 = c0 + 1; c1 <= 4; c1++) {
            const a = src.aggregate(r0, r1, c0, c1);
            const b = brute(J, 4, r0, r1, c0, c1);
            close(a.min, b.min, `min of [${r0},${r1})×[${c0},${c1}) for p = ${p}`);
            close(a.max, b.max, `max of [${r0},${r1})×[${c0},${c1}) for p = ${p}`);
          }
  }
});

test('Jacobian entries and maxAbs come from p alone and match softmaxJacobian', () => {
  const k = 64;
  const p = probabilities(k, 7, 8);
  const J = softmaxJacobian(p);
  const src = jacobianSource(p);
  let m = 0;
  for (let i = 0; i < k * k; i++) {
    close(src.value(Math.floor(i / k), i % k), J[i], `entry ${i}`);
    m = Math.max(m, Math.abs(J[i]));
  }
  close(src.maxAbs(), m, 'maxAbs');
});

test('a 10,000-class block aggregate is exact without forming J (spot-checked against brute force)', () => {
  const k = 10_000;
  const p = probabilities(k, 3, 12);
  const src = jacobianSource(p);
  for (const [r0, r1, c0, c1] of [
    [0, 17, 0, 17],
    [4990, 5010, 5000, 5020],
    [9000, 9017, 100, 117],
    [9983, 10000, 9983, 10000],
  ]) {
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (let r = r0; r < r1; r++)
      for (let c = c0; c < c1; c++) {
        const v = p[r] * ((r === c ? 1 : 0) - p[c]);
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
      }
    const a = src.aggregate(r0, r1, c0, c1);
    assert.equal(a.min, min);
    assert.equal(a.max, max);
    assert.ok(Math.abs(a.mean - sum / a.count) <= 1e-15 * Math.max(1, Math.abs(max)));
  }
});

test('dense aggregates skip NaN and report an all-NaN block as NaN', () => {
  const src = denseSource(Float64Array.from([1, Number.NaN, -3, 4, Number.NaN, Number.NaN]), 2, 3);
  assert.deepEqual(src.aggregate(0, 2, 0, 3), { min: -3, max: 4, mean: 2 / 3, count: 3 });
  const empty = src.aggregate(1, 2, 1, 3);
  assert.equal(empty.count, 0);
  assert.ok(Number.isNaN(empty.mean));
  assert.equal(src.maxAbs(), 4);
});

test('pixelSpans partitions the cells among pixels, or gives each pixel its one cell', () => {
  // 10 cells over 4 pixels: consecutive, covering, non-overlapping.
  assert.deepEqual(Array.from(pixelSpans(0, 4, 10 / 4, 10)), [0, 2, 2, 5, 5, 7, 7, 10]);
  // 3 cells over 6 pixels: two pixels per cell.
  assert.deepEqual(Array.from(pixelSpans(0, 6, 3 / 6, 3)), [0, 1, 0, 1, 1, 2, 1, 2, 2, 3, 2, 3]);
  // A tile starting at pixel 256 continues where the previous one stopped.
  const a = pixelSpans(0, 256, 10_000 / 600, 10_000);
  const b = pixelSpans(256, 256, 10_000 / 600, 10_000);
  assert.equal(a[2 * 255 + 1], b[0]);
});

/** blockValue by brute force: the cell, or the larger-magnitude extreme of every entry (max on a tie). */
function bruteBlockValue(p: ArrayLike<number>, r0: number, r1: number, c0: number, c1: number): number {
  let min = Infinity;
  let max = -Infinity;
  for (let r = r0; r < r1; r++)
    for (let c = c0; c < c1; c++) {
      const v = p[r] * ((r === c ? 1 : 0) - p[c]);
      if (v < min) min = v;
      if (v > max) max = v;
    }
  return Math.abs(min) > Math.abs(max) ? min : max;
}

/** Compares blockValues (the source's fast path) with blockValue per block (aggregate) and brute force, bit for bit. */
function checkGrid(p: Float64Array, rowSpans: Int32Array, colSpans: Int32Array, what: string): number {
  const src = jacobianSource(p);
  assert.ok(src.blockValues, 'the Jacobian source has a grid fast path');
  const h = rowSpans.length / 2;
  const w = colSpans.length / 2;
  const stride = w + 3; // a stride wider than the grid, as a tile narrower than TILE has
  const out = new Float64Array(h * stride).fill(12345);
  blockValues(src, rowSpans, colSpans, out, stride);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const [r0, r1, c0, c1] = [rowSpans[2 * y], rowSpans[2 * y + 1], colSpans[2 * x], colSpans[2 * x + 1]];
      const got = out[y * stride + x];
      assert.equal(got, blockValue(src, r0, r1, c0, c1), `${what}: block [${r0},${r1})×[${c0},${c1}) vs aggregate`);
      // == not Object.is: an off-diagonal 0 is −(p_j p_k) = −0 here and 1 × (0 − 0) = +0 there.
      const brute = bruteBlockValue(p, r0, r1, c0, c1);
      assert.ok(got === brute, `${what}: block [${r0},${r1})×[${c0},${c1}) vs brute force: ${got} vs ${brute}`);
    }
  for (let y = 0; y < h; y++) for (let x = w; x < stride; x++) assert.equal(out[y * stride + x], 12345, 'nothing written past the row');
  return h * w;
}

test('blockValues (one pass per tile) equals blockValue per block and brute force, bit for bit', () => {
  let blocks = 0;
  // Zoomed out (many cells a pixel), about one cell a pixel (the K = 1,000 first view) and zoomed in.
  for (const [k, pixels] of [
    [1000, 64],
    [1000, 640],
    [600, 640],
    [50, 17],
    [9, 30],
  ] as const) {
    const p = probabilities(k, k + pixels, 10);
    const spans = pixelSpans(0, pixels, k / pixels, k);
    blocks += checkGrid(p, spans, spans, `K=${k} over ${pixels} px`);
    // An off-diagonal tile: rows and columns from different stretches.
    blocks += checkGrid(
      p,
      pixelSpans(pixels >> 1, pixels >> 1, k / pixels, k),
      pixelSpans(0, pixels >> 2, k / pixels, k),
      `K=${k} off-diagonal`,
    );
  }
  // Ties, zeros and one-hot rows: the cases where the top two of rows and columns coincide.
  for (const p of [
    Float64Array.from([0.25, 0.25, 0.25, 0.25]),
    Float64Array.from([1, 0, 0, 0]),
    Float64Array.from([0.5, 0, 0.5, 0]),
    Float64Array.from([0.7, 0.1, 0.1, 0.1]),
  ]) {
    for (const pixels of [1, 2, 3, 4, 7]) {
      const spans = pixelSpans(0, pixels, 4 / pixels, 4);
      blocks += checkGrid(p, spans, spans, `p = ${p} over ${pixels} px`);
    }
    // Every block of the 4 × 4 matrix as a 1 × 1 grid.
    for (let r0 = 0; r0 < 4; r0++)
      for (let r1 = r0 + 1; r1 <= 4; r1++)
        for (let c0 = 0; c0 < 4; c0++)
          for (let c1 = c0 + 1; c1 <= 4; c1++) blocks += checkGrid(p, Int32Array.of(r0, r1), Int32Array.of(c0, c1), `p = ${p}`);
  }
  assert.ok(blocks > 400_000);
});

test('blockValues of a 10,000-class p, the first view of the tiled heatmap, equals brute force', () => {
  const k = 10_000;
  const p = probabilities(k, 5, 12);
  // The top-left and a diagonal tile of a 640-pixel view.
  checkGrid(p, pixelSpans(0, 256, k / 640, k), pixelSpans(0, 256, k / 640, k), 'K=10,000 tile (0, 0)');
  checkGrid(p, pixelSpans(512, 128, k / 640, k), pixelSpans(256, 256, k / 640, k), 'K=10,000 tile (1, 2)');
});

test('blockValues falls back to blockValue per block for a source without a fast path', () => {
  const data = Float64Array.from([1, Number.NaN, -3, 4, Number.NaN, Number.NaN, 0.5, -0.25, 2]);
  const src = denseSource(data, 3, 3);
  const out = blockValues(src, Int32Array.of(0, 2, 2, 3), Int32Array.of(0, 1, 1, 3), new Float64Array(4));
  assert.deepEqual(Array.from(out), [4, -3, 0.5, 2]);
});

test('blockValues equals blockValue per block even for a p with NaN or ∞ (no shortcut taken)', () => {
  for (const p of [
    Float64Array.from([0.2, Number.NaN, 0.3, 0.1, Number.NaN, 0.4]),
    Float64Array.from([0.2, Infinity, 0, 0.1, 0.3, 0.4]),
    Float64Array.from([Number.NaN, Number.NaN, Number.NaN, 0.5, 0.5, 0]),
  ]) {
    const src = jacobianSource(p);
    for (const pixels of [2, 3, 4, 6, 9]) {
      const spans = pixelSpans(0, pixels, 6 / pixels, 6);
      const out = blockValues(src, spans, spans, new Float64Array(pixels * pixels));
      for (let y = 0; y < pixels; y++)
        for (let x = 0; x < pixels; x++) {
          const want = blockValue(src, spans[2 * y], spans[2 * y + 1], spans[2 * x], spans[2 * x + 1]);
          assert.ok(Object.is(out[y * pixels + x], want), `p = ${p}, ${pixels} px, pixel (${x}, ${y}): ${out[y * pixels + x]} vs ${want}`);
        }
    }
  }
});
