// Preloaded into a measured child: writes its peak resident set size (bytes) when it exits.
const { writeFileSync } = require('node:fs');
process.once('exit', () => {
  writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS * 1024));
});
