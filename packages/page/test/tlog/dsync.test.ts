import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LogFile } from '../../src/index.js';
import { CrashFileSystem } from '../support/crash-fs.js';
import type { WriteFate } from '../support/crash-fs.js';
import { openLog, payloadFor, readAll } from '../support/harness.js';

const DIR = '/d';
const FILE = '/d/f';

function filled(bytes: number, value: number): Uint8Array {
  return new Uint8Array(bytes).fill(value);
}

/** A fresh disk holding an empty, durable `/d/f`, open twice: with O_DSYNC and without. */
async function twoHandles(): Promise<{ fs: CrashFileSystem; dsync: LogFile; plain: LogFile }> {
  const fs = new CrashFileSystem();
  await fs.mkdir(DIR);
  const dsync = await fs.open(FILE, 'create', { dsync: true });
  await fs.syncDir('/');
  await fs.syncDir(DIR);
  const plain = await fs.open(FILE, 'readwrite');
  return { fs, dsync, plain };
}

describe('the crash simulator models O_DSYNC faithfully', () => {
  test('an O_DSYNC write is durable once it returns, and power loss can tear, drop or garble only the write in flight', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          sizes: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 12 }),
          sync: fc.boolean(),
          at: fc.constantFrom<'fsync' | 'write'>('fsync', 'write'),
          n: fc.integer({ min: 1, max: 16 }),
          completes: fc.boolean(),
          fate: fc.constantFrom<WriteFate | 'mixed'>('keep', 'drop', 'torn', 'garble', 'sectors', 'mixed'),
          seed: fc.integer(),
        }),
        async ({ sizes, sync, at, n, completes, fate, seed }) => {
          const { fs, dsync, plain } = await twoHandles();
          fs.crashAt({ at, n, completes });
          const returned: { offset: number; data: Uint8Array }[] = [];
          const plainRanges: [number, number][] = [];
          let inFlight: { offset: number; data: Uint8Array } | null = null;
          let pos = 0;
          for (let i = 0; i < sizes.length && !fs.crashed; i++) {
            const data = filled(sizes[i] ?? 1, 1 + (i % 250));
            // Plain (unsynced) writes far away on the same file, every third step.
            if (i % 3 === 2) {
              const at2 = 20_000 + i * 16;
              plainRanges.push([at2, at2 + 16]);
              const ok = await plain.write(filled(16, 0xee), at2).then(
                () => true,
                () => false,
              );
              if (!ok) break;
            }
            inFlight = { offset: pos, data };
            try {
              if (sync) dsync.writeSync(data, pos);
              else await dsync.write(data, pos);
            } catch {
              break;
            }
            returned.push(inFlight);
            inFlight = null;
            pos += data.byteLength;
          }
          fs.crash();
          const disk = fs.afterCrash({ writes: fate, seed });
          const got = disk.bytes(FILE);
          // Every write that returned is there, byte for byte, whatever the fate of the rest.
          const durableEnd = returned.reduce((end, w) => Math.max(end, w.offset + w.data.byteLength), 0);
          expect(got.byteLength).toBeGreaterThanOrEqual(durableEnd);
          for (const w of returned) expect(got.subarray(w.offset, w.offset + w.data.byteLength)).toEqual(w.data);
          // A flush that completed before the power went leaves the write in flight whole too.
          if (inFlight !== null && at === 'fsync' && completes) {
            expect(got.subarray(inFlight.offset, inFlight.offset + inFlight.data.byteLength)).toEqual(inFlight.data);
          }
          // Past the acknowledged writes, only the write in flight or the plain writes may have left bytes.
          const stray: number[] = [];
          for (let i = durableEnd; i < got.byteLength; i++) {
            const inInFlight = inFlight !== null && i >= inFlight.offset && i < inFlight.offset + inFlight.data.byteLength;
            if (got[i] !== 0 && !inInFlight && !plainRanges.some(([a, b]) => i >= a && i < b)) stray.push(i);
          }
          expect(stray).toEqual([]);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('an O_DSYNC write makes only its own bytes durable: other unsynced writes to the file stay unsynced', async () => {
    const { fs, dsync, plain } = await twoHandles();
    await plain.write(filled(20, 0xaa), 0);
    await plain.write(filled(10, 0xcc), 1000);
    dsync.writeSync(filled(5, 0xbb), 5);
    expect(fs.dsyncWrites).toBe(1);
    fs.crash();
    // Unsynced writes dropped: the O_DSYNC bytes stay, the plain ones go (even those it split).
    expect(fs.afterCrash({ writes: 'drop', seed: 1 }).bytes(FILE)).toEqual(Uint8Array.from([0, 0, 0, 0, 0, 0xbb, 0xbb, 0xbb, 0xbb, 0xbb]));
    // Unsynced writes kept: an earlier write replayed never undoes the O_DSYNC bytes it overlapped.
    const kept = fs.afterCrash({ writes: 'keep', seed: 1 }).bytes(FILE);
    expect(kept.subarray(0, 20)).toEqual(Uint8Array.from({ length: 20 }, (_, i) => (i >= 5 && i < 10 ? 0xbb : 0xaa)));
    expect(kept.subarray(1000, 1010)).toEqual(filled(10, 0xcc));
  });

  test('writeSync on a file opened without dsync is not durable until an fdatasync', async () => {
    const { fs, plain } = await twoHandles();
    plain.writeSync(filled(8, 7), 0);
    fs.crash();
    expect(fs.afterCrash({ writes: 'drop', seed: 1 }).bytes(FILE)).toEqual(new Uint8Array(0));
  });

  test('an O_DSYNC write does not make a new file’s directory entry durable', async () => {
    const fs = new CrashFileSystem();
    await fs.mkdir(DIR);
    await fs.syncDir('/');
    const file = await fs.open(FILE, 'create', { dsync: true });
    await file.write(filled(8, 7), 0);
    fs.crash();
    expect(fs.afterCrash({ writes: 'keep', dirOps: 'drop', seed: 1 }).list(DIR)).toEqual([]);
  });

  test('an injected flush failure leaves the O_DSYNC write in the page cache only', async () => {
    const { fs, dsync } = await twoHandles();
    fs.failAt('fsync', 1);
    expect(() => dsync.writeSync(filled(4, 9), 0)).toThrow(/EIO/);
    expect(fs.bytes(FILE)).toEqual(filled(4, 9));
    fs.crash();
    expect(fs.afterCrash({ writes: 'drop', seed: 1 }).bytes(FILE)).toEqual(new Uint8Array(0));
  });
});

describe('sync durability writes each commit with one O_DSYNC pwrite', () => {
  test('the record is durable before append returns: one write, no fdatasync call, no threadpool hop', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { durability: 'sync', segmentBytes: 1 << 20, preallocate: false });
    // preallocate off: its zero fill-ahead is an extra (durable) write, and this counts exact writes.
    const { writes, fsyncs, syncCalls, dsyncWrites } = fs;
    for (let e = 1; e <= 20; e++) {
      const before = fs.dsyncWrites;
      const acked = log.append(e, payloadFor(e, 64));
      // Written (and flushed) synchronously inside append.
      expect(fs.dsyncWrites).toBe(before + 1);
      await acked;
    }
    expect(fs.writes - writes).toBe(20);
    expect(fs.fsyncs - fsyncs).toBe(20);
    expect(fs.dsyncWrites - dsyncWrites).toBe(20);
    expect(fs.syncCalls - syncCalls).toBe(0);
    await log.close();
  });

  test('group and none keep async writes and (for group) an explicit fdatasync per batch', async () => {
    for (const durability of ['group', 'none'] as const) {
      const fs = new CrashFileSystem();
      const { log } = await openLog(fs, { durability, segmentBytes: 1 << 20 });
      for (let e = 1; e <= 5; e++) await log.append(e, payloadFor(e, 64));
      expect(fs.dsyncWrites).toBe(0);
      expect(fs.syncCalls).toBe(durability === 'group' ? 6 : 0); // the first segment's header, then one per commit
      await log.close();
    }
  });

  test('with every unsynced write and directory change lost, a sync log keeps every acknowledged record across rotations and reused segments', async () => {
    for (let k = 1; k <= 40; k++) {
      for (const reuse of [false, true]) {
        const fs = new CrashFileSystem();
        const { log } = await openLog(fs, { durability: 'sync', segmentBytes: 512, spareSegments: 4 });
        for (let e = 1; e <= k; e++) {
          await log.append(e, payloadFor(e, 64));
          if (reuse && e % 7 === 0) await log.retainFrom(e - 2);
        }
        const first = log.firstEpoch ?? 1;
        fs.crash();
        await log.close();
        const disk = fs.afterCrash({ writes: 'drop', dirOps: 'drop', seed: k });
        const { log: again, recovery } = await openLog(disk, { durability: 'sync', segmentBytes: 512 });
        expect(recovery.corruption).toBeNull();
        const epochs = (await readAll(again)).map((r) => r.epoch);
        expect(epochs.at(-1)).toBe(k);
        expect(epochs[0]).toBeLessThanOrEqual(first);
        expect(epochs).toEqual(Array.from({ length: epochs.length }, (_, i) => k - epochs.length + 1 + i));
        await again.close();
      }
    }
  });
});
