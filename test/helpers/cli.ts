import { statSync } from 'node:fs';
import { runCli, type CliIo } from '../../src/cli/commands';
import { readRegularFile } from '../../src/cli/readRegular';
import { openChunkFile, type ChunkFile } from '../../src/cli/streamSummary';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/core/limits';

/** Runs the CLI in-process (the same code as dist/cli.js) and captures its output. */
export function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  return cliWithChunks(args, (p) => openChunkFile(p, DEFAULT_MAX_FILE_BYTES));
}

/** The CLI in-process with a given chunked reader, or none (null: every command takes the full reader). */
export function cliWithChunks(args: string[], openFile: CliIo['openFile'] | null): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCli(args, {
    // The same checks as dist/cli.js: regular files only, size checked before reading.
    readFile: (p, max = DEFAULT_MAX_FILE_BYTES) => readRegularFile(p, max),
    fileSize: (p) => statSync(p).size,
    ...(openFile ? { openFile } : {}),
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}

/** A chunked reader that hands out at most `piece` bytes a read: every chunk boundary gets exercised. */
export function pieces(piece: number): (path: string) => ChunkFile | null {
  return (path) => {
    const f = openChunkFile(path, DEFAULT_MAX_FILE_BYTES);
    if (!f) return null;
    return { ...f, read: (into, at, length, position) => f.read(into, at, Math.min(piece, length), position) };
  };
}
