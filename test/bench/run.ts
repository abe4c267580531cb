// `npm run bench`: speed and memory targets, each printed as a ratio against a baseline measured
// side by side in the same run. Not a test: the machine is shared and noisy, so nothing here
// fails the build; a line saying MISSES is the signal. `--rounds N` sets the repetitions.
import { benchAction } from './action.js';
import { benchClaims } from './claims.js';
import { benchSynth } from './synth.js';

const roundsFlag = process.argv.indexOf('--rounds');
const rounds = roundsFlag > 0 ? Number(process.argv[roundsFlag + 1]) : 25;

console.log(`Benchmark (medians of ${rounds} interleaved rounds, node ${process.version})`);
const results = [await benchAction({ rounds }), await benchClaims(), await benchSynth({ rounds })];
console.log(
  results.every(Boolean) ? 'All targets met.' : 'Some targets missed (see MISSES above).',
);
