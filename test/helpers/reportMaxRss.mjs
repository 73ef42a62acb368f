// Preloaded (node --import) into a child CLI: at exit, its peak resident memory on stderr's last line.
// Linux: VmHWM of this address space (getrusage's maxRSS would also count the parent's pages at fork).
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  let kb = process.resourceUsage().maxRSS;
  try {
    const m = /VmHWM:\s*(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) kb = Number(m[1]);
  } catch {
    // not Linux: maxRSS it is
  }
  process.stderr.write(`\nMAXRSS_KB=${kb}\n`);
});
