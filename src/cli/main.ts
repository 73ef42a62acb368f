/**
 * gradient-lens: the same core as the extension, on a file from a terminal.
 *   gradient-lens analyze FILE [--json] [--summary] [--reduction mean|sum] [--out OUT.json|csv|npy|npz]
 *   gradient-lens jacobian FILE --sample I [--json] [--out OUT]
 *   gradient-lens check FILE
 * Bad input: exit status 1, one `FILE:LINE:COL: message` line per problem on stderr.
 */
import { closeSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { runCli } from './commands';
import { crashLine } from './crashLine';
import { OutputClosedError, writeAllSync } from './stdoutSync';
import { DEFAULT_MAX_FILE_BYTES } from '../core/limits';
import { readRegularFile } from './readRegular';
import { sameFile } from '../node/sameFile';
import { openChunkFile } from './streamSummary';
import { PartThreadPool, runPartWorker, type PoolJob } from '../node/partThreads';
import { useNativeByteSearch } from '../node/nativeByteSearch';
import { useNativeInflate } from '../node/nativeInflate';

let partPool: PartThreadPool | undefined;
const pool = () => (partPool ??= new PartThreadPool(process.argv[1]));
const bundled = /\.[cm]?js$/.test(process.argv[1] ?? '');

const io = {
  // Regular files only, size checked before reading: a FIFO or /dev/zero must not hang the CLI.
  readFile: (path: string, maxBytes = DEFAULT_MAX_FILE_BYTES) => readRegularFile(path, maxBytes),
  fileSize: (path: string) => statSync(path).size,
  writeFile: (path: string, bytes: Uint8Array) => writeFileSync(path, bytes),
  writeChunks: (path: string, chunks: Iterable<Uint8Array>) => {
    const fd = openSync(path, 'w');
    let n = 0;
    try {
      for (const chunk of chunks) {
        for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at);
        n += chunk.length;
      }
    } finally {
      closeSync(fd);
    }
    return n;
  },
  sameFile,
  openFile: (path: string) => openChunkFile(path, DEFAULT_MAX_FILE_BYTES),
  // Workers run this same script, dist/cli.js (under tsx, src/cli/main.ts, the parts run here: a
  // worker thread would not get tsx's loader). One pool for the process: a plan's row counts and
  // then its parts run on the same threads.
  runParts: bundled ? (jobs: PoolJob[], threads: number) => pool().run(jobs, threads) : undefined,
  startParts: bundled ? (jobs: PoolJob[], threads: number) => pool().start(jobs, threads) : undefined,
  prestartParts: bundled ? (threads: number) => pool().prestart(threads) : undefined,
  // Written before returning, not queued: see stdoutSync.ts.
  out: (text: string) => writeAllSync(1, text),
  err: (text: string) => process.stderr.write(text),
};

useNativeByteSearch();
useNativeInflate();
if (!runPartWorker()) {
  try {
    process.exitCode = runCli(process.argv.slice(2), io);
  } catch (error) {
    if (error instanceof OutputClosedError) {
      // `… | head`: the reader has what it wanted; stop quietly, with a shell's status for SIGPIPE.
      process.exitCode = 141;
    } else {
      // Never a stack trace of the minified bundle: one line saying what happened.
      process.stderr.write(crashLine(error));
      process.exitCode = 1;
    }
  }
}
