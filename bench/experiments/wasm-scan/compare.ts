// Issue 22 experiment: the WebAssembly kernel (rows.ts, compiled to WASM_FILE) against the shipped
// scanNumber on the first 40 MB of rows of a logits CSV with K = 1000: the same values bit for
// bit, and the time of each, alternated in one process (round 0 is each one's first, cold run).
// Usage: node compare.cjs FILE.csv WASM_FILE (see README.md)
import { readFileSync } from 'node:fs';
import { scanNumber } from '../../../src/core/numberScan';

const [file, wasmFile] = process.argv.slice(2);
const k = 1000;
const all = readFileSync(file);
const header = all.indexOf(10);
const data = new Uint8Array(all.buffer, all.byteOffset + header + 1, Math.min(all.length - header - 1, 40 << 20));
const t0 = performance.now();
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(wasmFile)), {
  env: {
    abort: () => {
      throw new Error('abort');
    },
  },
});
const compileMs = performance.now() - t0;
const wasm = instance.exports as unknown as {
  memory: WebAssembly.Memory;
  csvRows(b: number, p: number, len: number, k: number, maxRows: number, values: number, spans: number, labels: number): number;
};
const ROWS = 4500;
const IN = 1 << 20;
const VALUES = (IN + data.length + 16 + 7) & ~7;
const SPANS = VALUES + ROWS * k * 8;
const LABELS = SPANS + ROWS * 16;
const need = LABELS + ROWS * 4;
if (wasm.memory.buffer.byteLength < need) wasm.memory.grow(Math.ceil((need - wasm.memory.buffer.byteLength) / 65536));
new Uint8Array(wasm.memory.buffer, IN, data.length).set(data);
const wasmValues = new Float64Array(wasm.memory.buffer, VALUES, ROWS * k);
const jsValues = new Float64Array(ROWS * k);
// Touched before timing: fresh pages cost a fault each here, which would be timed as "cold".
wasmValues.fill(0);
jsValues.fill(0);

function runWasm() {
  const t = performance.now();
  const rows = wasm.csvRows(IN, 0, data.length, k, ROWS, VALUES, SPANS, LABELS);
  return { rows, ms: performance.now() - t };
}

const scan = { value: 0, end: 0, error: null as string | null };
function runJs() {
  const t = performance.now();
  let p = 0;
  let rows = 0;
  while (rows < ROWS) {
    const nl = data.indexOf(10, p);
    if (nl < 0) break;
    for (let j = 0; j < k; j++) {
      scanNumber(data, p, scan);
      jsValues[rows * k + j] = scan.value;
      p = scan.end + 1;
    }
    p = nl + 1;
    rows++;
  }
  return { rows, ms: performance.now() - t };
}

console.log(`compile ${compileMs.toFixed(1)} ms`);
for (let round = 0; round < 6; round++) {
  const w = runWasm();
  const j = runJs();
  let differing = 0;
  for (let i = 0; i < j.rows * k; i++) if (!Object.is(wasmValues[i], jsValues[i])) differing++;
  console.log(
    `round ${round}: wasm ${w.rows} rows ${w.ms.toFixed(0)} ms, js ${j.rows} rows ${j.ms.toFixed(0)} ms, values differing: ${differing}`,
  );
}
