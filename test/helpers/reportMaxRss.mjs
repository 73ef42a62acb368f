// Preloaded (node --import) into a child CLI: at exit, its peak resident memory on stderr's last line.
process.on('exit', () => {
  process.stderr.write(`\nMAXRSS_KB=${process.resourceUsage().maxRSS}\n`);
});
