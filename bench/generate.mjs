// Deterministic inputs for the benchmark: logits files as people's tools write them.
//
// Values: z_ij = 3·g_ij (+4 on the sample's true class), g ≈ N(0, 1) by Irwin–Hall (sum of four
// uniforms; no transcendental functions, so the bytes are the same on every machine and Node
// version), labels uniform in 0…K−1, every value rounded to float32 (models emit float32).
//
// Number text, two variants:
//   short  printf '%.6g', i.e. np.savetxt(fname, a, fmt='%.6g', delimiter=',') — "-1.23457",
//          "0.0123457", "3.3e-05": about 7 significant digits on the wire, ~9 bytes a number.
//          JSON 'short' is json.dump of the same numbers (float(f'{v:.6g}')), i.e. the same text.
//   long   Python's repr of the float32 value widened to float64 — exactly what
//          json.dump(arr.tolist()) writes for a float32 array (tolist() gives Python floats, whose
//          shortest round-trip form has 16–17 significant digits: 0.1f → 0.10000000149011612).
//          CSV 'long' holds the same text, as np.savetxt(fmt='%r')-style writers give.
// JSON layout is json.dump's default: {"logits": [[a, b, ...], ...], "labels": [...]} with ', '.
// CSV layout: header logit_0,…,logit_{K−1},label, then one row per sample.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Bump when the bytes a generator writes change, so cached inputs are regenerated. */
export const GENERATOR_VERSION = 1;

export const DATA_DIR = join(tmpdir(), 'gradient-lens-bench');

/** sfc32: small, fast, 32-bit only, identical everywhere. */
export function rng(seed) {
  let a = 0x9e3779b9 ^ seed;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = 1;
  const next = () => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/** Row i of the logits (float32 values as float64) into `out`; returns the label. */
export function makeSampler(seed, k) {
  const u = rng(seed);
  return (out) => {
    const label = Math.floor(u() * k);
    for (let j = 0; j < k; j++) {
      const g = (u() + u() + u() + u() - 2) * 1.7320508075688772;
      out[j] = Math.fround(3 * g + (j === label ? 4 : 0));
    }
    return label;
  };
}

/** N × K logits and labels in memory (the same values the files hold before formatting). */
export function logitsArray(n, k, seed = 1) {
  const z = new Float64Array(n * k);
  const labels = new Int32Array(n);
  const sample = makeSampler(seed, k);
  const row = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    labels[i] = sample(row);
    z.set(row, i * k);
  }
  return { z, labels };
}

/** C's printf('%.{p}g'), as np.savetxt(fmt='%.6g') writes. */
export function formatG(x, p = 6) {
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const e = x.toExponential(p - 1);
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  if (exp < -4 || exp >= p) {
    let m = e.slice(0, at);
    if (m.includes('.')) m = m.replace(/0+$/, '').replace(/\.$/, '');
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  let f = x.toFixed(p - 1 - exp);
  if (f.includes('.')) f = f.replace(/0+$/, '').replace(/\.$/, '');
  return f;
}

/** Python's repr(float): shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function formatRepr(x) {
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const e = x.toExponential(); // shortest digits that round-trip
  const at = e.indexOf('e');
  const exp = Number(e.slice(at + 1));
  const neg = x < 0;
  const digits = e.slice(neg ? 1 : 0, at).replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${neg ? '-' : ''}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  let s;
  if (exp < 0) s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (digits.length > exp + 1) s = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  else s = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return (neg ? '-' : '') + s;
}

export const FORMATS = {
  short: { describe: "printf '%.6g' (np.savetxt fmt='%.6g'; json.dump of the same numbers)", format: (x) => formatG(x, 6) },
  long: {
    describe: 'repr of float32 widened to float64, 16-17 significant digits (json.dump(float32_array.tolist()))',
    format: formatRepr,
  },
};

/** Buffered writer over a file descriptor (latin1: the text is ASCII). */
function writer(path) {
  const fd = openSync(path, 'w');
  let parts = [];
  let length = 0;
  let written = 0;
  const flush = () => {
    if (!parts.length) return;
    const buf = Buffer.from(parts.join(''), 'latin1');
    writeSync(fd, buf);
    written += buf.length;
    parts = [];
    length = 0;
  };
  return {
    write(s) {
      parts.push(s);
      length += s.length;
      if (length > 1 << 22) flush();
    },
    get bytes() {
      return written + length;
    },
    close() {
      flush();
      closeSync(fd);
      return written;
    },
  };
}

/**
 * Writes an N × K logits file. `kind` is 'csv' or 'json'; `variant` 'short' or 'long'.
 * With `minBytes`, N is a lower bound and rows keep coming until the file is at least that big.
 * Returns { path, bytes, n, k, numbers, significantDigits (mean) }.
 */
export function writeLogitsFile(path, { kind, variant, n, k, seed = 1, minBytes = 0 }) {
  const fmt = FORMATS[variant].format;
  const sample = makeSampler(seed, k);
  const row = new Float64Array(k);
  const w = writer(path + '.partial');
  const labels = [];
  let digits = 0;
  let numbers = 0;
  const cells = new Array(k);
  if (kind === 'csv') {
    const header = [];
    for (let j = 0; j < k; j++) header.push(`logit_${j}`);
    header.push('label');
    w.write(header.join(',') + '\n');
  } else {
    w.write('{"logits": [');
  }
  let i = 0;
  for (; i < n || w.bytes < minBytes; i++) {
    const label = sample(row);
    for (let j = 0; j < k; j++) {
      const s = fmt(row[j]);
      cells[j] = s;
      if (i < 200) digits += countDigits(s);
    }
    numbers += k;
    if (kind === 'csv') w.write(cells.join(',') + ',' + label + '\n');
    else {
      w.write((i ? ', [' : '[') + cells.join(', ') + ']');
      labels.push(label);
    }
  }
  if (kind === 'json') {
    w.write('], "labels": [');
    // Labels go out in slices so no one string gets large.
    for (let s = 0; s < labels.length; s += 100000) w.write((s ? ', ' : '') + labels.slice(s, s + 100000).join(', '));
    w.write(']}');
  }
  const bytes = w.close();
  renameSync(path + '.partial', path);
  return { path, kind, variant, bytes, n: i, k, numbers: numbers + i, significantDigits: digits / (Math.min(i, 200) * k) };
}

function countDigits(s) {
  let end = s.indexOf('e');
  if (end < 0) end = s.length;
  let count = 0;
  let leading = true;
  for (let c = 0; c < end; c++) {
    const ch = s.charCodeAt(c);
    if (ch < 48 || ch > 57) continue;
    if (leading && ch === 48) continue;
    leading = false;
    count++;
  }
  // Trailing zeros of a fraction ("2.0") are not significant digits of the writer's choosing.
  if (s.includes('.')) for (let c = end - 1; c >= 0 && s[c] === '0'; c--) count--;
  return Math.max(count, 1);
}

/**
 * The cached file for these parameters under DATA_DIR (generated on first use; the name holds
 * every parameter and GENERATOR_VERSION, so a stale file is never reused).
 */
export function cachedLogitsFile({ kind, variant, n, k, seed = 1 }) {
  mkdirSync(DATA_DIR, { recursive: true });
  const path = join(DATA_DIR, `logits-v${GENERATOR_VERSION}-${variant}-${n}x${k}-s${seed}.${kind}`);
  const meta = path + '.meta.json';
  if (existsSync(path) && existsSync(meta)) {
    const info = JSON.parse(readFileSync(meta, 'utf8'));
    if (info.bytes === statSync(path).size) return info;
  }
  const info = writeLogitsFile(path, { kind, variant, n, k, seed });
  writeFileSync(meta, JSON.stringify(info));
  return info;
}

/**
 * A file of at least `minBytes` made by repeating the samples of a generated file `times` times
 * (cheap: bytes are copied, not formatted again). CSV: the header once, then the rows again and
 * again; JSON: the rows of "logits" and the entries of "labels" repeated in step.
 */
export function writeRepeatedFile(path, source, minBytes) {
  const bytes = readFileSync(source.path);
  const fd = openSync(path, 'w');
  let written = 0;
  const put = (b) => {
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    written += b.length;
  };
  let times;
  try {
    if (source.kind === 'csv') {
      const headerEnd = bytes.indexOf(10) + 1;
      const body = bytes.subarray(headerEnd);
      times = Math.ceil((minBytes - headerEnd) / body.length);
      put(bytes.subarray(0, headerEnd));
      for (let t = 0; t < times; t++) put(body);
    } else {
      const text = (a, b) => bytes.subarray(a, b);
      const open = Buffer.from('{"logits": [');
      const middle = Buffer.from('], "labels": [');
      const mid = bytes.indexOf(middle);
      const rowsBlock = text(open.length, mid);
      const labelsBlock = text(mid + middle.length, bytes.length - 2);
      times = Math.ceil((minBytes - 32) / (rowsBlock.length + labelsBlock.length + 4));
      const comma = Buffer.from(', ');
      put(open);
      for (let t = 0; t < times; t++) {
        if (t) put(comma);
        put(rowsBlock);
      }
      put(middle);
      for (let t = 0; t < times; t++) {
        if (t) put(comma);
        put(labelsBlock);
      }
      put(Buffer.from(']}'));
    }
  } finally {
    closeSync(fd);
  }
  return {
    path,
    kind: source.kind,
    variant: source.variant,
    bytes: written,
    n: source.n * times,
    k: source.k,
    numbers: source.numbers * times,
    repeats: times,
  };
}

// `node bench/generate.mjs csv|json short|long N K OUT` writes one file (for use by hand).
if (import.meta.url === `file://${process.argv[1]}`) {
  const [kind = 'csv', variant = 'short', n = '10000', k = '1000', out] = process.argv.slice(2);
  const path = out ?? join(DATA_DIR, `logits-${variant}-${n}x${k}.${kind}`);
  mkdirSync(DATA_DIR, { recursive: true });
  const info = writeLogitsFile(path, { kind, variant, n: Number(n), k: Number(k) });
  console.log(JSON.stringify(info));
}
