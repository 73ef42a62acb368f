// Issue 22, bench: the parse speed-up itself. THREADS warm threads (this one and THREADS − 1 of
// a PartThreadPool running the shipped dist/cli.js, whose threads read parts) read FILE into the
// streaming summary: the plan (a JSON's pre-scan included) and every part, timed from the plan's
// start to the last part's result. No process or thread starts inside the timing, and V8 has
// compiled the hot loops on every thread (WARM rounds first): what is left is the reading itself.
// Prints one JSON line: the times (ms) and the loss summed in file order (the same for every count).
// Usage: node parseCurve.mjs PARTS_CJS CLI_JS FILE THREADS ROUNDS (PARTS_CJS: streaming.mjs builds it)
import { createRequire } from 'node:module';

const [partsModule, cli, file, threadsArg, roundsArg] = process.argv.slice(2);
const threads = Number(threadsArg);
const { PartThreadPool, openChunkFile, partsFor, planCsvParts, planJsonParts, runPlan, useNativeByteSearch, WARM_PARTS_PER_THREAD } =
  createRequire(import.meta.url)(partsModule);
useNativeByteSearch(); // as the shipped bundles do
const WARM = 3;
const pool = new PartThreadPool(cli);
const run = (jobs) => pool.run(jobs, threads);
const f = openChunkFile(file, 2 ** 40);
const times = [];
let loss = NaN;
for (let r = 0; r < WARM + Number(roundsArg); r++) {
  const t0 = performance.now();
  // Cut as the extension cuts for its warm threads: a thread that finishes first takes the next.
  const parts = partsFor(threads, undefined, WARM_PARTS_PER_THREAD);
  const plan = file.endsWith('.json') ? planJsonParts(file, f, parts) : planCsvParts(file, f, parts, { countRows: false });
  const { results } = runPlan(plan, plan.jobs, run, (job) => pool.run([job], 1)[0]);
  const elapsed = performance.now() - t0;
  if (r >= WARM) times.push(elapsed);
  let total = 0;
  for (const result of results) {
    if (!result.ok) throw new Error(`${file}: a part was not in the simple layout`);
    for (const l of result.losses) total += l;
  }
  loss = total;
}
f.close();
pool.close();
process.stdout.write(JSON.stringify({ times, loss }) + '\n');
