/**
 * Float formats NumPy has no dtype for, widened exactly to float64: bfloat16 (the top half of a
 * float32) and the 8-bit floats of safetensors (E4M3 "fn": bias 7, no infinities, S.1111.111 is
 * NaN; E5M2: bias 15 with IEEE infinities and NaNs).
 */

export function decodeBfloat16(raw: Uint8Array, count: number, littleEndian = true): Float64Array {
  const out = new Float64Array(count);
  const f32 = new Float32Array(1);
  const u32 = new Uint32Array(f32.buffer);
  const [lo, hi] = littleEndian ? [0, 1] : [1, 0];
  for (let i = 0; i < count; i++) {
    u32[0] = ((raw[2 * i + lo] | (raw[2 * i + hi] << 8)) << 16) >>> 0;
    out[i] = f32[0];
  }
  return out;
}

const tables = new Map<string, Float64Array>();

export function decodeFloat8(raw: Uint8Array, count: number, format: 'e4m3fn' | 'e5m2'): Float64Array {
  const table = format === 'e4m3fn' ? float8Table(format, 4, 3, 7, false) : float8Table(format, 5, 2, 15, true);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = table[raw[i]];
  return out;
}

function float8Table(key: string, expBits: number, manBits: number, bias: number, ieee: boolean): Float64Array {
  const cached = tables.get(key);
  if (cached) return cached;
  const t = new Float64Array(256);
  const expMax = (1 << expBits) - 1;
  const manMax = (1 << manBits) - 1;
  for (let b = 0; b < 256; b++) {
    const sign = b & 0x80 ? -1 : 1;
    const e = (b >> manBits) & expMax;
    const m = b & manMax;
    if (ieee && e === expMax) t[b] = m === 0 ? sign * Infinity : NaN;
    else if (!ieee && e === expMax && m === manMax) t[b] = NaN;
    else if (e === 0) t[b] = sign * m * 2 ** (1 - bias - manBits);
    else t[b] = sign * (1 + m / (1 << manBits)) * 2 ** (e - bias);
  }
  tables.set(key, t);
  return t;
}
