#!/usr/bin/env node
// A longer kill -9 soak than the test suite's: N kills of a child committing with `sync`
// durability on one directory, each followed by the checks of kill9.mjs. Build first
// (`npm run build`), then:
//   node packages/mmsb/scripts/soak-kill9.mjs [--kills 500] [--seed 1] [--min-delay-ms 30]
//        [--max-delay-ms 800] [--dir D] [--keep]
// Exits 1 on the first failure and prints the seed and kill number that reproduce it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { checkAfterKill, runAndKill, seeded } from './kill9.mjs';

const { values } = parseArgs({
  options: {
    kills: { type: 'string', default: '500' },
    seed: { type: 'string', default: '1' },
    'min-delay-ms': { type: 'string', default: '30' },
    'max-delay-ms': { type: 'string', default: '800' },
    dir: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const kills = Number(values.kills);
const seed = Number(values.seed);
const minDelay = Number(values['min-delay-ms']);
const maxDelay = Number(values['max-delay-ms']);
if (![kills, seed, minDelay, maxDelay].every(Number.isSafeInteger) || kills < 1 || maxDelay < minDelay) {
  console.error('soak-kill9: --kills, --seed, --min-delay-ms ≤ --max-delay-ms must be integers');
  process.exit(2);
}
const dir = values.dir ? resolve(values.dir) : mkdtempSync(join(tmpdir(), 'mmsb-soak-'));
const delay = seeded(seed);
const tty = process.stderr.isTTY === true;
let epoch = 0;
let acknowledged = 0;
let killedBeforeOpen = 0;
const started = performance.now();
console.log(`soak-kill9: ${kills} kills on ${dir} (seed ${seed}, delays ${minDelay}–${maxDelay} ms)`);
try {
  for (let kill = 1; kill <= kills; kill++) {
    const delayMs = minDelay + (delay() % (maxDelay - minDelay + 1));
    const run = await runAndKill(dir, delayMs);
    try {
      epoch = await checkAfterKill(dir, run, epoch);
    } catch (error) {
      if (tty) process.stderr.write('\n');
      console.error(`soak-kill9: FAILED at kill ${kill} (seed ${seed}, delay ${delayMs} ms): ${error.message}`);
      if (run.stderr) console.error(run.stderr);
      console.error(`the directory is kept: ${dir}`);
      process.exit(1);
    }
    acknowledged += run.acks.length;
    if (run.readyEpoch === null) killedBeforeOpen++;
    const line = `kill ${kill}/${kills}  epoch ${epoch}  acknowledged ${acknowledged}  killed before open ${killedBeforeOpen}`;
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else if (kill % 25 === 0 || kill === kills) console.log(line);
  }
} finally {
  if (tty) process.stderr.write('\n');
}
const seconds = (performance.now() - started) / 1000;
console.log(`soak-kill9: ✓ ${kills} kills, ${acknowledged} acknowledged commits, every one present byte-exact (final epoch ${epoch}) in ${seconds.toFixed(1)} s`);
if (!values.keep && !values.dir) rmSync(dir, { recursive: true, force: true });
