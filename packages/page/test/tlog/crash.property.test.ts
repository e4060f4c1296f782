import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { TLogDurability } from '../../src/index.js';
import { CrashFileSystem } from '../support/crash-fs.js';
import type { WriteFate } from '../support/crash-fs.js';
import { openLog, payloadFor, readAll } from '../support/harness.js';

interface Scenario {
  readonly durability: TLogDurability;
  readonly fate: WriteFate | 'mixed';
  readonly dirOps: 'keep' | 'drop' | 'prefix';
  readonly trigger: 'fsync' | 'write';
  readonly crashAt: number;
  readonly completes: boolean;
  /** Commits per wave: a wave's appends are issued together, then awaited. */
  readonly waves: readonly (readonly number[])[];
  /** After wave i, retain from the epoch acknowledged before it (exercises spare reuse). */
  readonly retainEvery: number;
  readonly seed: number;
}

const scenario = (durability: TLogDurability): fc.Arbitrary<Scenario> =>
  fc.record({
    durability: fc.constant(durability),
    fate: fc.constantFrom<WriteFate | 'mixed'>('keep', 'drop', 'torn', 'garble', 'sectors', 'mixed'),
    dirOps: fc.constantFrom<'keep' | 'drop' | 'prefix'>('keep', 'drop', 'prefix'),
    trigger: fc.constantFrom<'fsync' | 'write'>('fsync', 'write'),
    crashAt: fc.integer({ min: 1, max: 40 }),
    completes: fc.boolean(),
    // Payload sizes; each wave's epochs are assigned in order with gaps.
    waves: fc.array(fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 14 }),
    retainEvery: fc.integer({ min: 0, max: 4 }),
    seed: fc.integer(),
  });

/**
 * Runs the workload until the armed crash, then reopens the disk the power loss left and checks
 * the law: the log is an unbroken run of the appended commits that holds every acknowledged one
 * (at or after the last retention point) byte for byte, and nothing else.
 */
async function crashAndRecover(s: Scenario): Promise<void> {
  const fs = new CrashFileSystem();
  const { log } = await openLog(fs, { durability: s.durability, segmentBytes: 1024 });
  fs.crashAt({ at: s.trigger, n: s.crashAt, completes: s.completes });
  const appended: number[] = [];
  const sizes = new Map<number, number>();
  const acked = new Set<number>();
  let retainedFrom = 0;
  let epoch = 0;
  for (let w = 0; w < s.waves.length && !fs.crashed; w++) {
    const wave = s.waves[w] ?? [];
    const pending = wave.map((size) => {
      epoch += 1 + (size % 3);
      const e = epoch;
      appended.push(e);
      sizes.set(e, size);
      return log.append(e, payloadFor(e, size)).then(
        () => acked.add(e),
        () => undefined,
      );
    });
    await Promise.all(pending);
    if (s.retainEvery > 0 && w % s.retainEvery === 0 && !fs.crashed) {
      const from = Math.max(0, log.lastEpoch - 4);
      const ok = await log.retainFrom(from).then(
        () => true,
        () => false,
      );
      if (ok) retainedFrom = from;
    }
  }
  // `sync` commits go through O_DSYNC writes (each one a write and a flush the trigger can hit):
  // every acknowledged one was a completed O_DSYNC write.
  if (s.durability === 'sync') expect(fs.dsyncWrites).toBeGreaterThanOrEqual(acked.size);
  fs.crash();
  await log.close();

  const disk = fs.afterCrash({ writes: s.fate, dirOps: s.dirOps, seed: s.seed });
  const { log: again, recovery } = await openLog(disk, { durability: s.durability, segmentBytes: 1024 });
  const got = await readAll(again);
  const epochs = got.map((r) => r.epoch);
  // An unbroken run of what was appended, starting no later than the retention point allows.
  const start = epochs.length > 0 ? appended.indexOf(epochs[0] ?? -1) : appended.length;
  expect(start).toBeGreaterThanOrEqual(0);
  expect(epochs).toEqual(appended.slice(start, start + epochs.length));
  for (const e of acked) if (e >= retainedFrom) expect(epochs).toContain(e);
  // Whole and byte-exact, acknowledged or not.
  for (const r of got) expect(r.payload).toEqual(payloadFor(r.epoch, sizes.get(r.epoch) ?? -1));
  expect(recovery.lastEpoch).toBe(again.lastEpoch);
  expect(recovery.corruption).toBeNull();

  // Recovery leaves a log that takes the next commit and reopens with nothing left to cut.
  const next = Math.max(epoch, again.lastEpoch) + 1;
  await again.append(next, payloadFor(next, 10));
  await again.close();
  const third = await openLog(disk, { durability: s.durability, segmentBytes: 1024 });
  expect(third.recovery.tornTail).toBeNull();
  expect((await readAll(third.log)).map((r) => r.epoch)).toEqual([...epochs, next]);
  await third.log.close();
}

describe('tlog crash safety', () => {
  for (const durability of ['sync', 'group'] as const) {
    test(`after power loss at any fsync or write, a ${durability} log keeps exactly an unbroken run holding every acknowledged commit, byte-exact`, async () => {
      await fc.assert(
        fc.asyncProperty(scenario(durability), (s) => crashAndRecover(s)),
        { numRuns: 300 },
      );
    });
  }

  test('power loss before the first commit is acknowledged leaves an empty, usable log', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs);
    fs.crashAt({ at: 'fsync', n: 1 });
    await expect(log.append(1, payloadFor(1, 50))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await log.close();
    const again = await openLog(fs.afterCrash({ writes: 'drop', seed: 1 }));
    expect(await readAll(again.log)).toEqual([]);
    await again.log.append(1, payloadFor(1, 50));
    await again.log.close();
  });
});
