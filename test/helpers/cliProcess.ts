import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));

/**
 * Runs src/cli/main.ts (what dist/cli.js is built from) in a child process, killed after
 * `timeoutMs`: a hang is then a failed assertion (`timedOut`), never a hung test run.
 */
export function cliProcess(args: string[], options: { timeoutMs?: number; maxOldSpaceMB?: number } = {}) {
  const flags = options.maxOldSpaceMB ? [`--max-old-space-size=${options.maxOldSpaceMB}`] : [];
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', main, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: r.status, signal: r.signal, timedOut: r.error !== undefined && /ETIMEDOUT/.test(String((r.error as NodeJS.ErrnoException).code)), stdout: r.stdout, stderr: r.stderr };
}
