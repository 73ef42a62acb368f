// Issue 22 experiment (not shipped): src/core/numberScan.ts ported to AssemblyScript step for step (the
// same IEEE-754 operations in the same order, so the same bits), with the CSV row loop of
// src/core/summaryStream.ts around it. See README.md in this folder for what it measured.
const ROOM_1: f64 = 900719925474099;
const TWO_53: f64 = 9007199254740992;
const SPLIT: f64 = 134217729;
const ZIV: f64 = 1 + 9.094947017729282e-13; // 1 + 2^-40

const POW10 = new StaticArray<f64>(23);
const R_HI = new StaticArray<f64>(23);
const R_LO = new StaticArray<f64>(23);
const R_HI_H = new StaticArray<f64>(23);
const R_HI_L = new StaticArray<f64>(23);
{
  let p: f64 = 1;
  for (let k = 0; k <= 22; k++) { POW10[k] = p; p *= 10; }
  for (let k = 1; k <= 22; k++) {
    const d = POW10[k];
    const r = 1 / d;
    let x = SPLIT * r;
    const rH = x - (x - r);
    const rL = r - rH;
    x = SPLIT * d;
    const dH = x - (x - d);
    const dL = d - dH;
    const pr = r * d;
    const pErr = rH * dH - pr + rH * dL + rL * dH + rL * dL;
    R_HI[k] = r;
    R_LO[k] = (1 - pr - pErr) / d;
    R_HI_H[k] = rH;
    R_HI_L[k] = rL;
  }
}

let scanEnd: i32 = 0;
export let stopAt: i32 = 0;

@inline function isDigit(c: u32): bool { return c - 48 < 10; }

@inline function fourDigits(v: u32): u32 {
  v = (v * 10 + (v >>> 8)) & 0x00ff00ff;
  return (v * 100 + (v >>> 16)) & 0xffff;
}
@inline function leadingDigits(x: u32, j: u32): u32 {
  const h = 16 - 4 * j;
  return fourDigits(((x - 0x30303030) << h) << h);
}

function longDecimal(s: f64, e: f64, scale: i32): f64 {
  const rHi = R_HI[scale];
  const h0 = s * rHi;
  const x = SPLIT * s;
  const sH = x - (x - s);
  const sL = s - sH;
  const rH = R_HI_H[scale];
  const rL = R_HI_L[scale];
  const e0 = sH * rH - h0 + sH * rL + sL * rH + sL * rL;
  const l0 = e0 + s * R_LO[scale] + e * rHi;
  const h = h0 + l0;
  const l = l0 - (h - h0);
  return h + l * ZIV == h ? h : NaN;
}

/** The number at b + start (b[n] is never read), or NaN with scanEnd = -1 when the JS reader must decide. */
function scan(b: usize, start: i32, n: i32): f64 {
  const minus: i32 = load<u8>(b + start) == 45 ? 1 : 0;
  let i = start + minus;
  let m: f64 = 0;
  let low: f64 = 0;
  let lowDigits: i32 = 0;
  let over = false;
  let exponent: i32 = 0;
  if (i >= n) { scanEnd = -1; return NaN; }
  let c: u32 = load<u8>(b + i);
  if (!isDigit(c)) { scanEnd = -1; return NaN; }
  const intStart = i;
  while (i < n) {
    c = load<u8>(b + i);
    if (!isDigit(c)) break;
    if (lowDigits == 0 && m < ROOM_1) m = m * 10 + <f64>(c - 48);
    else if (lowDigits < 8) { low = low * 10 + <f64>(c - 48); lowDigits++; }
    else over = true;
    i++;
  }
  if (load<u8>(b + intStart) == 48 && i - intStart > 1) { scanEnd = -1; return NaN; }
  if (i < n && c == 46) {
    i++;
    if (i >= n) { scanEnd = -1; return NaN; }
    c = load<u8>(b + i);
    if (!isDigit(c)) { scanEnd = -1; return NaN; }
    if (i + 8 <= n) {
      for (;;) {
        const x = load<u32>(b + i);
        const y = load<u32>(b + i + 4);
        const tx = ((x & 0xf0f0f0f0) | (((x + 0x06060606) & 0xf0f0f0f0) >>> 4)) ^ 0x33333333;
        const ty = ((y & 0xf0f0f0f0) | (((y + 0x06060606) & 0xf0f0f0f0) >>> 4)) ^ 0x33333333;
        const kx: u32 = (32 - clz<u32>(~tx & (tx - 1))) >>> 3;
        const jy: u32 = ((32 - clz<u32>(~ty & (ty - 1))) >>> 3) & ~(<u32>((<i32>(tx | (0 - tx))) >> 31));
        const k = kx + jy;
        const vx = <f64>leadingDigits(x, kx);
        const v = vx * POW10[jy] + <f64>leadingDigits(y, jy);
        if (lowDigits == 0) {
          const t = m * POW10[k] + v;
          if (t < TWO_53) m = t;
          else if (k == 8 && m * 10000 + vx < TWO_53) {
            m = m * 10000 + vx;
            low = <f64>leadingDigits(y, 4);
            lowDigits = 4;
          } else { low = v; lowDigits = k; }
        } else if (lowDigits + <i32>k <= 8) {
          low = low * POW10[k] + v;
          lowDigits += k;
        } else over = true;
        exponent -= k;
        i += k;
        c = i < n ? load<u8>(b + i) : 0;
        if (k < 8 || !isDigit(c) || i + 8 > n) break;
      }
    }
    while (i < n) {
      c = load<u8>(b + i);
      if (!isDigit(c)) break;
      if (lowDigits == 0 && m < ROOM_1) { m = m * 10 + <f64>(c - 48); exponent--; }
      else if (lowDigits < 8) { low = low * 10 + <f64>(c - 48); lowDigits++; exponent--; }
      else over = true;
      i++;
    }
  }
  if (i < n && (c == 101 || c == 69)) {
    i++;
    if (i >= n) { scanEnd = -1; return NaN; }
    c = load<u8>(b + i);
    let expNegative = false;
    if (c == 43 || c == 45) {
      expNegative = c == 45;
      i++;
      if (i >= n) { scanEnd = -1; return NaN; }
      c = load<u8>(b + i);
    }
    if (!isDigit(c)) { scanEnd = -1; return NaN; }
    let e: i32 = 0;
    while (i < n) {
      c = load<u8>(b + i);
      if (!isDigit(c)) break;
      if (e < 100000) e = e * 10 + <i32>(c - 48);
      i++;
    }
    exponent += expNegative ? -e : e;
  }
  scanEnd = i;
  if (!over && exponent >= -22 && exponent <= 22) {
    let w = m;
    if (lowDigits != 0) {
      const scale = POW10[lowDigits];
      const x = SPLIT * m;
      const mH = x - (x - m);
      const A = mH * scale;
      const B = (m - mH) * scale + low;
      const s = A + B;
      if (s >= TWO_53) {
        const value = exponent < 0 ? longDecimal(s, B - (s - A), -exponent) : NaN;
        if (value == value) return value * <f64>(1 - 2 * minus);
        scanEnd = -1;
        return NaN;
      }
      w = s;
    }
    const value = exponent >= 0 ? w * POW10[exponent] : w / POW10[-exponent];
    return value * <f64>(1 - 2 * minus);
  }
  scanEnd = -1;
  return NaN;
}

/**
 * Rows of b[p, len): each K numbers, ',' after each, an integer label, '\n' (or "\r\n"). Stops
 * before a row without a newline, a row the JS reader must decide, or after maxRows rows;
 * stopAt is where the rows read end. Values go to `values` (row-major), each row's [start, end)
 * to `spans` (offsets from b), labels to `labels`. Returns the rows read.
 */
export function csvRows(b: usize, p: i32, len: i32, k: i32, maxRows: i32, values: usize, spans: usize, labels: usize): i32 {
  let rows = 0;
  stopAt = p;
  while (rows < maxRows && p < len) {
    const c = load<u8>(b + p);
    if (c == 10 || c == 13) break;
    let nl = p;
    while (nl < len && load<u8>(b + nl) != 10) nl++;
    if (nl >= len) break;
    const end = load<u8>(b + nl - 1) == 13 ? nl - 1 : nl;
    let q = p;
    const out = values + <usize>(rows * k) * 8;
    let ok = true;
    for (let j = 0; j < k; j++) {
      const v = scan(b, q, len);
      const e = scanEnd;
      if (e < 0 || e >= end || load<u8>(b + e) != 44) { ok = false; break; }
      store<f64>(out + <usize>j * 8, v);
      q = e + 1;
    }
    if (!ok) break;
    // The label: 1–9 digits, no leading zero.
    const digits = end - q;
    if (digits < 1 || digits > 9 || (load<u8>(b + q) == 48 && digits > 1)) break;
    let label: i32 = 0;
    let bad = false;
    for (let i = q; i < end; i++) {
      const d: u32 = load<u8>(b + i);
      if (!isDigit(d)) { bad = true; break; }
      label = label * 10 + <i32>(d - 48);
    }
    if (bad) break;
    store<i32>(labels + <usize>rows * 4, label);
    store<f64>(spans + <usize>rows * 16, <f64>p);
    store<f64>(spans + <usize>rows * 16 + 8, <f64>end);
    rows++;
    p = nl + 1;
    stopAt = p;
  }
  return rows;
}
