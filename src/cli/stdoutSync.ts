/**
 * The CLI's stdout, written before `out` returns (issue 22). process.stdout.write on a pipe queues
 * whatever the reader has not taken yet, and the synchronous CLI never lets that queue drain: 665 MB
 * of `analyze --json | …` sat in memory (1.7 GB peak, against 0.4 GB into a file). fs.writeSync waits
 * for the pipe instead; a descriptor left non-blocking (EAGAIN) is retried after a millisecond.
 */
import { writeSync } from 'node:fs';

/** The reader went away (EPIPE): nothing more can be written. */
export class OutputClosedError extends Error {
  constructor() {
    super('the output was closed');
  }
}

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Where a piece is encoded: one buffer for every write. A fresh Buffer per 64 KB piece cost
 * 4–5× the encoding itself (665 MB of `--json`: 0.3–0.4 s against 70–80 ms), most of it first
 * touches of new pages.
 */
const scratch = Buffer.allocUnsafeSlow(1 << 18);

/** Writes all of `text` (UTF-8) to `fd`; throws OutputClosedError on EPIPE. */
export function writeAllSync(fd: number, text: string, write: typeof writeSync = writeSync): void {
  // A UTF-16 code unit is at most 3 bytes of UTF-8.
  const bytes = text.length * 3 <= scratch.length ? scratch.subarray(0, scratch.write(text, 0, 'utf8')) : Buffer.from(text, 'utf8');
  for (let at = 0; at < bytes.length;) {
    try {
      at += write(fd, bytes, at, bytes.length - at);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') throw new OutputClosedError();
      if (code !== 'EAGAIN') throw error;
      Atomics.wait(pause, 0, 0, 1);
    }
  }
}
