// Issue 22, bench: how well this machine scales, right now, on work that is all ours to split. A
// parse-like loop (ASCII digits to numbers over a 4 MB buffer: the readers' read size until the
// ninth round, kept so the control compares across rounds) runs on THREADS warm threads at once,
// each doing the whole amount one thread does alone; the speed-up is
// THREADS × (one thread's time) / (their time). On a machine with THREADS idle cores it is THREADS;
// a shared VM whose host takes a core away shows it here, in the same run as the figures it qualifies.
// Usage: node scalingControl.mjs THREADS ROUNDS → one JSON line {one, all, speedup} (fastest rounds, ms).
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';

const SIZE = 1 << 22;
const PASSES = 60;
const bytes = new Uint8Array(SIZE);
for (let i = 0; i < SIZE; i++) bytes[i] = i % 13 === 0 ? 44 : 48 + ((i * 7919) % 10); // digits and commas

function parseLike() {
  let sum = 0;
  let n = 0;
  for (let pass = 0; pass < PASSES; pass++) {
    for (let i = 0; i < SIZE; i++) {
      const digit = bytes[i] - 48;
      if (digit >= 0 && digit < 10) n = n * 10 + digit;
      else {
        sum += n;
        n = 0;
      }
    }
  }
  return sum;
}

if (isMainThread) {
  const threads = Number(process.argv[2]);
  const rounds = Number(process.argv[3]);
  const helpers = Array.from({ length: threads - 1 }, () => new Worker(new URL(import.meta.url), { workerData: {} }));
  const answer = (w) => new Promise((resolve) => w.once('message', resolve));
  await Promise.all(helpers.map(answer)); // each helper ran the loop once: warm
  parseLike();
  let one = Infinity;
  let all = Infinity;
  for (let r = 0; r < rounds; r++) {
    let t0 = performance.now();
    parseLike();
    one = Math.min(one, performance.now() - t0);
    t0 = performance.now();
    const done = helpers.map((w) => (w.postMessage('go'), answer(w)));
    parseLike();
    await Promise.all(done);
    all = Math.min(all, performance.now() - t0);
  }
  for (const w of helpers) await w.terminate();
  process.stdout.write(JSON.stringify({ one, all, speedup: (threads * one) / all }) + '\n');
} else if (workerData) {
  parseLike();
  parentPort.postMessage('ready');
  parentPort.on('message', () => parentPort.postMessage(parseLike()));
}
