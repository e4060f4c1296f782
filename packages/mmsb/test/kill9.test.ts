// The real crash test: a child process commits with `sync` durability and is killed with SIGKILL
// at seeded moments; after each kill the directory is reopened and every acknowledged commit
// must be there, byte for byte (scripts/kill9.mjs says exactly what is checked).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { checkAfterKill, runAndKill, seeded } from '../scripts/kill9.mjs';

const ROUNDS = 10;
const KILLS_PER_ROUND = 5;
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('kill -9 during sync commits', () => {
  test('the child script runs on the built façade', () => {
    expect(existsSync(join(import.meta.dirname, '..', 'dist', 'index.js')), 'build mmsb first (npm run build)').toBe(true);
  });

  for (let round = 0; round < ROUNDS; round++) {
    const seed = 0x5eed + round;
    test(`round ${round} (seed ${seed}): after each of ${KILLS_PER_ROUND} kills every acknowledged epoch is present byte-exact and the next run continues from it`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'mmsb-kill9-'));
      dirs.push(dir);
      const delay = seeded(seed);
      let epoch = 0;
      let acknowledged = 0;
      for (let kill = 0; kill < KILLS_PER_ROUND; kill++) {
        // The first kill of a round counts from spawn, so it may land before or during open and
        // recovery; the others count from the store being open, so they land among commits
        // however slowly the child started.
        const fromSpawn = kill === 0;
        const delayMs = fromSpawn ? 80 + (delay() % 520) : 10 + (delay() % 300);
        const run = await runAndKill(dir, delayMs, { afterReady: !fromSpawn });
        const recovered = await checkAfterKill(dir, run, epoch).catch((error: unknown) => {
          throw new Error(`seed ${seed}, kill ${kill} after ${delayMs} ms: ${(error as Error).message}\n${run.stderr}`);
        });
        expect(recovered).toBeGreaterThanOrEqual(epoch);
        acknowledged += run.acks.length;
        epoch = recovered;
      }
      // The workload must have made progress, or the test proved nothing.
      expect(acknowledged).toBeGreaterThan(0);
    });
  }
});
