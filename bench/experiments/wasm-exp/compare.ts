// Issue 22 experiment: the SIMD kernel (expRow.ts, compiled to WASM_FILE) against the shipped
// expRowInto on 10,000 rows of K = 1,000 logits (10^7 exponentials): every value and row sum
// compared bit for bit, and the time of each, alternated in one process (round 0 is cold).
// Usage: node compare.cjs WASM_FILE (see README.md)
import { readFileSync } from 'node:fs';
import { expRowInto } from '../../../src/core/softmax';
import { EXP2_TABLE, EXP2_TAIL } from '../../../src/core/expTable';

type Kernel = (z: number, out: number, k: number, max: number) => number;
const n = 10_000;
const k = 1_000;
const z = new Float64Array(n * k);
let seed = 12345;
for (let i = 0; i < z.length; i++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  // Most rows span ±6; every 50th row spans ±350, so its exponentials reach e^−700.
  z[i] = (seed / 2 ** 32 - 0.5) * (Math.floor(i / k) % 50 === 0 ? 700 : 12);
}
const min = new Float64Array(n);
const max = new Float64Array(n);
for (let i = 0; i < n; i++) {
  min[i] = Math.min(...z.subarray(i * k, i * k + k));
  max[i] = Math.max(...z.subarray(i * k, i * k + k));
}

const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(process.argv[2])), {
  env: {
    abort: () => {
      throw new Error('abort');
    },
  },
});
const wasm = instance.exports as unknown as { memory: WebAssembly.Memory; expRow: Kernel; expRowLaneSums: Kernel };
const Z = 4096;
const OUT = Z + k * 8;
if (wasm.memory.buffer.byteLength < OUT + k * 8) wasm.memory.grow(1);
new Float64Array(wasm.memory.buffer, 0, 128).set(EXP2_TABLE);
new Float64Array(wasm.memory.buffer, 1024, 128).set(EXP2_TAIL);
const rowIn = new Float64Array(wasm.memory.buffer, Z, k);
const rowOut = new Float64Array(wasm.memory.buffer, OUT, k);

const jsOut = new Float64Array(n * k).fill(0);
const wasmOut = new Float64Array(n * k).fill(0);
const jsSums = new Float64Array(n);
const wasmSums = new Float64Array(n);

function runJs(): void {
  for (let i = 0; i < n; i++) jsSums[i] = expRowInto(z, i * k, i * k + k, min[i], max[i], jsOut, i * k);
}
/** As the product would call it: each row copied into the module's memory and its result back. */
function runWasm(kernel: Kernel): void {
  for (let i = 0; i < n; i++) {
    rowIn.set(z.subarray(i * k, i * k + k));
    wasmSums[i] = kernel(Z, OUT, k, max[i]);
    wasmOut.set(rowOut, i * k);
  }
}
/** The kernel alone, on one row already in its memory. */
function runKernelOnly(kernel: Kernel): void {
  rowIn.set(z.subarray(0, k));
  for (let i = 0; i < n; i++) kernel(Z, OUT, k, max[0]);
}

function ms(run: () => void): number {
  const t = performance.now();
  run();
  return performance.now() - t;
}
console.log('round | JS expRowInto | WASM, same sums | WASM, lane sums | kernel only: same sums / lane sums');
for (let round = 0; round < 6; round++) {
  const js = ms(runJs);
  const same = ms(() => runWasm(wasm.expRow));
  const lanes = ms(() => runWasm(wasm.expRowLaneSums));
  const kernelSame = ms(() => runKernelOnly(wasm.expRow));
  const kernelLanes = ms(() => runKernelOnly(wasm.expRowLaneSums));
  console.log(
    `${round} | ${js.toFixed(1)} | ${same.toFixed(1)} | ${lanes.toFixed(1)} | ${kernelSame.toFixed(1)} / ${kernelLanes.toFixed(1)} ms`,
  );
}

runWasm(wasm.expRow);
const differing = (a: Float64Array, b: Float64Array) => a.reduce((count, v, i) => count + (Object.is(v, b[i]) ? 0 : 1), 0);
console.log(
  `expRow vs expRowInto: ${differing(jsOut, wasmOut)} of ${jsOut.length} values, ${differing(jsSums, wasmSums)} of ${n} sums differ`,
);
runWasm(wasm.expRowLaneSums);
console.log(`expRowLaneSums vs expRowInto: ${differing(jsOut, wasmOut)} values, ${differing(jsSums, wasmSums)} sums differ`);
