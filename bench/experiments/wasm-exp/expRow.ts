// Issue 22 experiment: expRowInto of src/core/softmax.ts in AssemblyScript with 128-bit SIMD, two
// exponentials per step (the same IEEE-754 operations in the same order). The tables
// EXP2_TABLE and EXP2_TAIL are copied to byte offsets 0 and 1024 by the caller; 2^k is added to the
// table value's exponent bits, which for −708 < x ≤ 0 (a normal result) is the same number as
// the JS multiplication by POW2. Constants are given by their bits, so they are the JS ones.
const N_OVER_LN2: f64 = reinterpret<f64>(0x40671547652b82fe); // 128 / ln 2
const LN2_HI_N: f64 = reinterpret<f64>(0x3f762e42fefa0000);
const LN2_LO_N: f64 = reinterpret<f64>(0x3d0cf79abc9e3b3a);
const ROUND_SHIFT: f64 = reinterpret<f64>(0x4338000000000000); // 1.5 · 2^52
const INV_6: f64 = reinterpret<f64>(0x3fc5555555555555);
const INV_24: f64 = reinterpret<f64>(0x3fa5555555555555);
const INV_120: f64 = reinterpret<f64>(0x3f81111111111111);
const TAIL: usize = 1024;

// @ts-ignore: decorator
@inline function expOne(x: f64): f64 {
  const kd = x * N_OVER_LN2 + ROUND_SHIFT - ROUND_SHIFT;
  const ki = <i32>kd;
  const r = x - kd * LN2_HI_N - kd * LN2_LO_N;
  const i = <usize>(ki & 127);
  const scale = reinterpret<f64>(reinterpret<i64>(load<f64>(i << 3)) + (<i64>(ki >> 7) << 52));
  const r2 = r * r;
  return scale + scale * (load<f64>(TAIL + (i << 3)) + r + r2 * (0.5 + r * INV_6) + r2 * r2 * (INV_24 + r * INV_120));
}

// @ts-ignore: decorator
@inline function expPair(x: v128): v128 {
  const kd = f64x2.sub(f64x2.add(f64x2.mul(x, f64x2.splat(N_OVER_LN2)), f64x2.splat(ROUND_SHIFT)), f64x2.splat(ROUND_SHIFT));
  const ki = i32x4.trunc_sat_f64x2_s_zero(kd);
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(kd, f64x2.splat(LN2_HI_N))), f64x2.mul(kd, f64x2.splat(LN2_LO_N)));
  const i0 = <usize>(i32x4.extract_lane(ki, 0) & 127) << 3;
  const i1 = <usize>(i32x4.extract_lane(ki, 1) & 127) << 3;
  const table = v128.load64_lane(i1, v128.load64_zero(i0), 1);
  const tail = v128.load64_lane(TAIL + i1, v128.load64_zero(TAIL + i0), 1);
  const scale = i64x2.add(table, i64x2.shl(i64x2.extend_low_i32x4_s(i32x4.shr_s(ki, 7)), 52));
  const r2 = f64x2.mul(r, r);
  const low = f64x2.mul(r2, f64x2.add(f64x2.splat(0.5), f64x2.mul(r, f64x2.splat(INV_6))));
  const high = f64x2.mul(f64x2.mul(r2, r2), f64x2.add(f64x2.splat(INV_24), f64x2.mul(r, f64x2.splat(INV_120))));
  return f64x2.add(scale, f64x2.mul(scale, f64x2.add(f64x2.add(f64x2.add(tail, r), low), high)));
}

/** out[j] = exp(z[j] − max), summed in order j = 0, 1, …: the same bits as expRowInto. */
export function expRow(z: usize, out: usize, k: i32, max: f64): f64 {
  let sum: f64 = 0;
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const e = expPair(f64x2.sub(v128.load(z + (<usize>j << 3)), f64x2.splat(max)));
    v128.store(out + (<usize>j << 3), e);
    sum += f64x2.extract_lane(e, 0);
    sum += f64x2.extract_lane(e, 1);
  }
  for (; j < k; j++) {
    const e = expOne(load<f64>(z + (<usize>j << 3)) - max);
    store<f64>(out + (<usize>j << 3), e);
    sum += e;
  }
  return sum;
}

/** The same exponentials, summed in two lanes (even and odd j): faster, but not expRowInto's sum. */
export function expRowLaneSums(z: usize, out: usize, k: i32, max: f64): f64 {
  let sums = f64x2.splat(0);
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const e = expPair(f64x2.sub(v128.load(z + (<usize>j << 3)), f64x2.splat(max)));
    v128.store(out + (<usize>j << 3), e);
    sums = f64x2.add(sums, e);
  }
  let sum = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1);
  for (; j < k; j++) {
    const e = expOne(load<f64>(z + (<usize>j << 3)) - max);
    store<f64>(out + (<usize>j << 3), e);
    sum += e;
  }
  return sum;
}
