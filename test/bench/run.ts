// `npm run bench`: speed and memory targets, each printed as a ratio against a baseline measured
// side by side in the same run. Not a test: the machine is shared and noisy, so nothing here
// fails the build; a line saying MISSES is the signal. `--rounds N` sets the repetitions.
import { benchAction } from './action.js';
import { benchClaims } from './claims.js';
import { benchSynth } from './synth.js';

const args = process.argv.slice(2);
const unknown = args.filter((arg, i) => arg !== '--rounds' && args[i - 1] !== '--rounds');
if (unknown.length > 0) {
  console.error(`Unknown argument ${unknown[0]}; the only option is --rounds N (default 25).`);
  process.exit(2);
}
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt >= 0 ? Number(args[roundsAt + 1]) : 25;
if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000) {
  console.error(
    `--rounds takes a whole number from 1 to 1000, found "${args[roundsAt + 1] ?? ''}".`,
  );
  process.exit(2);
}

console.log(`Benchmark (medians of ${rounds} interleaved rounds, node ${process.version})`);
const results = [await benchAction({ rounds }), await benchClaims(), await benchSynth({ rounds })];
console.log(
  results.every(Boolean) ? 'All targets met.' : 'Some targets missed (see MISSES above).',
);
