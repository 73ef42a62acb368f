/**
 * Where two threads lose their speed-up (issue 22): each of two warm threads reads its own half of
 * a logits file with the shipped part reader (summarizePart: file reads, JSON or CSV rows,
 * softmax, loss), the plan computed once beforehand, so no plan, pre-scan, count, thread start or
 * JIT is inside the timing. Prints the fastest of ROUNDS: each half alone on one thread, and both
 * at once on two; speed-up = (first + second alone) / (both at once).
 *
 * Usage (from the repo root):
 *   npx esbuild bench/experiments/part-scaling/halves.ts --bundle --platform=node --outfile=/tmp/halves.cjs
 *   node /tmp/halves.cjs FILE [ROUNDS]
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { openChunkFile } from '../../../src/node/chunkFile';
import { useNativeByteSearch } from '../../../src/node/nativeByteSearch';
import { partsFor, planCsvParts, planJsonParts, summarizePart, type PartJob } from '../../../src/node/summaryParts';

useNativeByteSearch(); // as the shipped bundles do
const file: string = isMainThread ? process.argv[2] : workerData.file;
const open = (path: string) => openChunkFile(path, 2 ** 40);

/** The two halves as the CLI cuts them for two threads, the second's first row already known. */
function halves(): [PartJob, PartJob] {
  const f = open(file);
  if (!f) throw new Error(`${file}: cannot open`);
  const cut = partsFor(2, 1);
  const plan = file.endsWith('.json') ? planJsonParts(file, f, cut) : planCsvParts(file, f, cut, { countRows: false });
  f.close();
  if (!plan || plan.jobs.length !== 2) throw new Error(`${file}: not two parts of the simple layout`);
  const [first, second] = plan.jobs;
  if (!second.json) return [first, second];
  const firstRows = summarizePart(first, open).losses.length;
  return [first, { ...second, after: undefined, json: { ...second.json, firstRow: firstRows } }];
}

function read(job: PartJob): number {
  const result = summarizePart(job, open);
  if (!result.ok) throw new Error(`${file}: a half was not read`);
  return result.losses.length;
}

const [first, second] = halves();
if (isMainThread) {
  const rounds = Number(process.argv[3] ?? 8);
  const helper = new Worker(__filename, { workerData: { file } });
  const answer = () => new Promise((resolve) => helper.once('message', resolve));
  void (async () => {
    await answer(); // warm
    for (let i = 0; i < 3; i++) read(first);
    let firstAlone = Infinity;
    let secondAlone = Infinity;
    let both = Infinity;
    for (let r = 0; r < rounds; r++) {
      let t0 = performance.now();
      read(first);
      firstAlone = Math.min(firstAlone, performance.now() - t0);
      t0 = performance.now();
      helper.postMessage('read');
      await answer();
      secondAlone = Math.min(secondAlone, performance.now() - t0);
      t0 = performance.now();
      helper.postMessage('read');
      const other = answer();
      read(first);
      await other;
      both = Math.min(both, performance.now() - t0);
    }
    const ms = (v: number) => Number(v.toFixed(1));
    const speedup = Number(((firstAlone + secondAlone) / both).toFixed(2));
    console.log(JSON.stringify({ file, firstAlone: ms(firstAlone), secondAlone: ms(secondAlone), both: ms(both), speedup }));
    await helper.terminate();
  })();
} else {
  for (let i = 0; i < 3; i++) read(second);
  parentPort!.postMessage('warm');
  parentPort!.on('message', () => parentPort!.postMessage(read(second)));
}
