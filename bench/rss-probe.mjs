// Preloaded with `node --import ./bench/rss-probe.mjs …`: on exit, writes the process's peak
// resident memory (max RSS, in KiB) to the file named by BENCH_RSS_FILE, else to standard error.
import fs from 'node:fs';

process.on('exit', () => {
  const kib = process.resourceUsage().maxRSS;
  if (process.env.BENCH_RSS_FILE) fs.writeFileSync(process.env.BENCH_RSS_FILE, String(kib));
  else process.stderr.write(`maxRSS ${kib} KiB\n`);
});
