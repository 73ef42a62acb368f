/**
 * The logits of a large file, filled in after its analysis (issue 14). The fast path's summary
 * needs each row once, a block at a time; holding all N × K logits costs more than the summary
 * itself on a VM where every fresh page is a fault (336 MB: about a second). So the analysis is
 * answered first, and worker threads then read the rows again, by their spans, into shared memory.
 * A view that asks for a row before its thread got there reads that row from the file itself; a
 * query over all rows waits for the threads. Same scanNumber, same bits, whoever reads a row.
 */
import { isMainThread, Worker, workerData } from 'node:worker_threads';
import { readRowValues } from '../core/rowValues';
import { openChunkFile, READ_CHUNK_BYTES, type ChunkFile } from './chunkFile';

export interface FillPart {
  firstRow: number;
  rows: number;
}

interface FillJob {
  path: string;
  k: number;
  part: FillPart;
  index: number;
  values: Float64Array;
  spans: Float64Array;
  /** Rows done per part (−1: the part failed); shared. */
  progress: Int32Array;
  /** A CSV's cells before the logits (pandas' index, a label first), numbers read past. */
  before: number;
  /** A CSV's byte between cells (CsvColumns.delimiter). */
  delimiter: number;
}

/** Rows a thread reads between two reports of its progress. */
const REPORT_EVERY = 256;
const FAILED = -1;

export class FilledValues {
  private readonly progress: Int32Array;
  private complete = false;
  private threads = false;

  constructor(
    private readonly path: string,
    private readonly k: number,
    readonly values: Float64Array,
    private readonly spans: Float64Array,
    private readonly parts: FillPart[],
    private readonly before = 0,
    private readonly delimiter = 44,
  ) {
    this.progress = new Int32Array(new SharedArrayBuffer(4 * parts.length));
  }

  /** Reads every row on this thread now (a small file: no thread pays for itself). */
  fillHere(): void {
    this.parts.forEach((part, index) => fillPart(this.job(part, index)));
    this.complete = true;
  }

  /** Every row is in `values` already (the part readers kept them: RowTarget.values). */
  markFilled(): void {
    this.complete = true;
  }

  /** Starts one thread per part running `script` (which calls runFillWorker first). */
  startThreads(script: string): void {
    this.threads = true;
    this.parts.forEach((part, index) => {
      try {
        const worker = new Worker(script, { workerData: { gradientLensFill: this.job(part, index) } });
        // A thread that dies leaves its rows to be read when asked.
        worker.on('error', () => Atomics.store(this.progress, index, FAILED)).unref();
      } catch {
        Atomics.store(this.progress, index, FAILED); // no thread to be had: rows are read when asked
      }
    });
  }

  /** Rows [r0, r1) are in `values` when this returns. */
  ensureRows(r0: number, r1: number): void {
    if (this.complete || r1 <= r0) return;
    this.parts.forEach((part, index) => {
      const from = Math.max(r0, part.firstRow);
      const to = Math.min(r1, part.firstRow + part.rows);
      if (from >= to) return;
      let done = Atomics.load(this.progress, index);
      if (done >= to - part.firstRow) return;
      if (!this.threads || to - from <= REPORT_EVERY || done === FAILED) {
        this.readHere(from, to);
        // Without threads this thread alone moves the progress: rows read from where it stood count as done.
        if (!this.threads && from <= part.firstRow + done) Atomics.store(this.progress, index, to - part.firstRow);
        return;
      }
      // Many rows: wait for the thread, unless it stops moving (it died), then read them here.
      for (let still = 0; done !== FAILED && done < to - part.firstRow && still < 10;) {
        const result = Atomics.wait(this.progress, index, done, 500);
        const now = Atomics.load(this.progress, index);
        still = now === done && result === 'timed-out' ? still + 1 : 0;
        done = now;
      }
      if (done === FAILED || done < to - part.firstRow) this.readHere(Math.max(from, part.firstRow + Math.max(0, done)), to);
    });
    this.complete = this.parts.every((part, index) => Atomics.load(this.progress, index) === part.rows);
  }

  private readHere(r0: number, r1: number): void {
    const f = openChunkFile(this.path, Number.MAX_SAFE_INTEGER);
    if (!f) throw new Error(`${this.path} can no longer be read`);
    try {
      if (!readRows(f, this.k, this.before, this.delimiter, this.values, this.spans, r0, r1))
        throw new Error(`${this.path} changed since it was analysed: analyse it again`);
    } finally {
      f.close();
    }
  }

  private job(part: FillPart, index: number): FillJob {
    return {
      path: this.path,
      k: this.k,
      part,
      index,
      values: this.values,
      spans: this.spans,
      progress: this.progress,
      before: this.before,
      delimiter: this.delimiter,
    };
  }
}

/** In a thread started by FilledValues.startThreads: fills its part and returns true; elsewhere false. */
export function runFillWorker(): boolean {
  if (isMainThread || !workerData?.gradientLensFill) return false;
  fillPart(workerData.gradientLensFill as FillJob);
  return true;
}

function fillPart(job: FillJob): void {
  const { part, progress, index } = job;
  let ok = false;
  const f = openChunkFile(job.path, Number.MAX_SAFE_INTEGER);
  try {
    ok =
      f !== null &&
      (part.rows === 0 ||
        readRows(f, job.k, job.before, job.delimiter, job.values, job.spans, part.firstRow, part.firstRow + part.rows, (done) => {
          Atomics.store(progress, index, done);
          Atomics.notify(progress, index);
        }));
  } finally {
    f?.close();
    Atomics.store(progress, index, ok ? part.rows : FAILED);
    Atomics.notify(progress, index);
  }
}

/** Rows [r0, r1) from their spans, a read (READ_CHUNK_BYTES) of the file at a time; false when a row is not K numbers. */
function readRows(
  f: ChunkFile,
  k: number,
  before: number,
  delimiter: number,
  values: Float64Array,
  spans: Float64Array,
  r0: number,
  r1: number,
  report?: (rowsDone: number) => void,
): boolean {
  // No bigger than the rows asked for: a row read on demand should not cost a whole read's buffer.
  let buffer = new Uint8Array(Math.min(READ_CHUNK_BYTES, spans[2 * (r1 - 1) + 1] - spans[2 * r0]));
  for (let i = r0; i < r1;) {
    const start = spans[2 * i];
    // As many whole rows as fit in the buffer (at least one, however long).
    let j = i + 1;
    while (j < r1 && spans[2 * j + 1] - start <= buffer.length) j++;
    const end = spans[2 * (j - 1) + 1];
    if (end - start > buffer.length) buffer = new Uint8Array(end - start);
    let got = 0;
    while (got < end - start) {
      const n = f.read(buffer, got, end - start - got, start + got);
      if (n === 0) return false;
      got += n;
    }
    // A row's last number may end at its span's end (a CSV with its label first): an earlier read's
    // digit just after the last row must not read as more of it.
    if (end - start < buffer.length) buffer[end - start] = 10;
    for (let row = i; row < j; row++) {
      if (!readRowValues(buffer, spans[2 * row] - start, spans[2 * row + 1] - start, k, values, row * k, before, delimiter)) return false;
      if (report && (row - r0 + 1) % REPORT_EVERY === 0) report(row - r0 + 1);
    }
    i = j;
  }
  return true;
}
