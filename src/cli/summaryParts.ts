/**
 * `analyze --summary --threads N` on a CSV logits file (issue 22): the rows after the header are
 * split at newlines into N parts of about equal bytes, each part is summarised by its own thread
 * (summarizePart), and the parts' per-row losses are added here in file order, so the loss is the
 * same bits for every N. A part that is not in the simple layout fails the whole stream, and the
 * single-threaded full reader then reports the problem.
 */
import { CsvSummaryStream } from '../core/summaryStream';
import { feedChunks, type ChunkFile } from './chunkFile';

export interface PartJob {
  path: string;
  /** File offsets of the part: start follows a newline; end follows one, or is the file's end. */
  start: number;
  end: number;
  k: number;
  final: boolean;
}

export interface PartResult {
  ok: boolean;
  hits: number;
  losses: Float64Array;
  bounds: Float64Array;
}

/** No part smaller than this: a thread's start-up (about 30 ms) must pay for itself. */
export const MIN_PART_BYTES = 8 << 20;

export function summarizePart(job: PartJob, open: (path: string) => ChunkFile | null): PartResult {
  const failed: PartResult = { ok: false, hits: 0, losses: new Float64Array(0), bounds: new Float64Array(0) };
  const f = open(job.path);
  if (!f) return failed;
  try {
    const stream = new CsvSummaryStream({ k: job.k, final: job.final });
    if (!feedChunks(f, job.start, job.end, (bytes, last) => stream.feed(bytes, last))) return failed;
    const summer = stream.finish();
    if (!summer?.kept) return failed;
    return { ok: true, hits: summer.hits, losses: Float64Array.from(summer.kept.losses), bounds: Float64Array.from(summer.kept.bounds) };
  } finally {
    f.close();
  }
}

/**
 * Where to cut [rowsStart, size) into at most `parts` parts: each cut just after a newline, so no
 * row is split (the simple layout has no quoted newlines; if a cut lands in one, its part fails).
 */
export function csvCuts(f: ChunkFile, rowsStart: number, parts: number): number[] {
  const cuts = [rowsStart];
  const window = new Uint8Array(64 << 10);
  for (let i = 1; i < parts; i++) {
    let at = Math.max(cuts[cuts.length - 1], rowsStart + Math.floor(((f.size - rowsStart) * i) / parts));
    for (;;) {
      const got = at < f.size ? f.read(window, 0, Math.min(window.length, f.size - at), at) : 0;
      if (got === 0) return cuts.concat(f.size);
      const nl = window.subarray(0, got).indexOf(10);
      if (nl >= 0) {
        at += nl + 1;
        break;
      }
      at += got;
    }
    if (at >= f.size) break;
    if (at > cuts[cuts.length - 1]) cuts.push(at);
  }
  return cuts.concat(f.size);
}
