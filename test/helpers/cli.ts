import { statSync } from 'node:fs';
import { runCli } from '../../src/cli/commands';
import { readRegularFile } from '../../src/cli/readRegular';
import { openChunkFile } from '../../src/cli/streamSummary';
import { DEFAULT_MAX_FILE_BYTES } from '../../src/core/limits';

/** Runs the CLI in-process (the same code as dist/cli.js) and captures its output. */
export function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCli(args, {
    // The same checks as dist/cli.js: regular files only, size checked before reading.
    readFile: (p, max = DEFAULT_MAX_FILE_BYTES) => readRegularFile(p, max),
    fileSize: (p) => statSync(p).size,
    openFile: (p) => openChunkFile(p, DEFAULT_MAX_FILE_BYTES),
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}
