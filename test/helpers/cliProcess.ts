import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
const rss = fileURLToPath(new URL('./reportMaxRss.mjs', import.meta.url));

/**
 * Runs src/cli/main.ts (what dist/cli.js is built from) in a child process, killed after
 * `timeoutMs`: a hang is then a failed assertion (`timedOut`), never a hung test run. With
 * `measure`, `maxRssBytes` is the child's peak resident memory (its marker is taken off stderr).
 */
export function cliProcess(args: string[], options: { timeoutMs?: number; maxOldSpaceMB?: number; measure?: boolean } = {}) {
  const flags = options.maxOldSpaceMB ? [`--max-old-space-size=${options.maxOldSpaceMB}`] : [];
  if (options.measure) flags.push('--import', rss);
  const r = spawnSync(process.execPath, [...flags, '--import', 'tsx', main, ...args], {
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    killSignal: 'SIGKILL',
    maxBuffer: 256 * 1024 * 1024,
  });
  let stderr = r.stderr ?? '';
  let maxRssBytes: number | null = null;
  const m = /\n?MAXRSS_KB=(\d+)\n$/.exec(stderr);
  if (m) {
    maxRssBytes = Number(m[1]) * 1024;
    stderr = stderr.slice(0, m.index);
  }
  const timedOut = r.error !== undefined && /ETIMEDOUT/.test(String((r.error as NodeJS.ErrnoException).code));
  return { status: r.status, signal: r.signal, timedOut, stdout: r.stdout, stderr, maxRssBytes };
}
