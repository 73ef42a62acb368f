// Issue 22, bench: the extension's reading of a large logits file from disk, analysed again and
// again (as any large file after the first is: another export, a training run's step, a reopen). Like the extension host (src/extension/analysisService.ts), this process keeps
// the part threads (PartThreadHost, cores − 1 of them) and starts a new file worker — the shipped
// dist/worker.js — for every analysis, connected to them by ports. Each round's time runs from the
// 'analyze' request to the 'analyzed' answer. With 1 thread: no part threads, as with the setting
// gradientLens.threads = 1. Prints one JSON line: the times and the loss.
// Usage: node warmPool.mjs WORKER_JS HOST_CJS FILE THREADS ROUNDS (HOST_CJS: partThreadHost.ts bundled)
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

const [script, hostModule, file, threadsArg, roundsArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const { PartThreadHost } = createRequire(import.meta.url)(hostModule);
const host = new PartThreadHost(script);
const times = [];
let loss = NaN;
for (let r = 0; r < Number(roundsArg); r++) {
  const ports = threads > 1 ? host.connect() : [];
  const worker = new Worker(script, { workerData: { partPorts: ports }, transferList: ports });
  await new Promise((resolve) => setTimeout(resolve, 200)); // the worker started, as a file worker has by the time it is asked
  const t0 = performance.now();
  worker.postMessage({ id: 1, type: 'analyze', input: { path: file }, fileName: file, options: {}, threads });
  const [answer] = await once(worker, 'message');
  times.push(performance.now() - t0);
  if (answer.type !== 'analyzed') throw new Error(`${file}: ${JSON.stringify(answer).slice(0, 300)}`);
  loss = answer.summary?.loss ?? answer.summary?.analysis?.loss ?? NaN;
  await worker.terminate();
}
host.dispose();
process.stdout.write(JSON.stringify({ times, loss }) + '\n');
