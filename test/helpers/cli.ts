import { readFileSync } from 'node:fs';
import { runCli } from '../../src/cli/commands';

/** Runs the CLI in-process (the same code as dist/cli.js) and captures its output. */
export function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const status = runCli(args, {
    readFile: (p) => new Uint8Array(readFileSync(p)),
    fileSize: (p) => readFileSync(p).length,
    out: (t) => (stdout += t),
    err: (t) => (stderr += t),
  });
  return { status, stdout, stderr };
}
