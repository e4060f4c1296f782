import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { TLog, nodeLogFileSystem } from '../../src/index.js';
import { segmentName } from '../../src/tlog/format.js';
import { flipBit, recordFrames, truncateAt } from '../support/corrupt.js';
import { CrashFileSystem } from '../support/crash-fs.js';
import { LOG_DIR, openLog, payloadFor, readAll, snapshotFiles } from '../support/harness.js';

const tmpRoots: string[] = [];
function tempDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'mmsb-tlog-'));
  tmpRoots.push(root);
  return join(root, 'tlog');
}
afterAll(() => {
  for (const r of tmpRoots) rmSync(r, { recursive: true, force: true });
});

describe('tlog appends and scans', () => {
  test('a reopened log scans back every acknowledged record in epoch order, byte-exact, across segments', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { durability: 'group' });
    const epochs = Array.from({ length: 200 }, (_, i) => 1 + i * 2);
    await Promise.all(epochs.map((e) => log.append(e, payloadFor(e, e % 150))));
    await log.close();
    expect(fs.list(LOG_DIR).filter((p) => p.endsWith('.log') && !p.includes('spare')).length).toBeGreaterThan(10);
    const { log: again, recovery } = await openLog(fs);
    expect(recovery.records).toBe(200);
    expect(again.firstEpoch).toBe(1);
    expect(again.lastEpoch).toBe(399);
    const got = await readAll(again);
    expect(got.map((r) => r.epoch)).toEqual(epochs);
    for (const r of got) expect(r.payload).toEqual(payloadFor(r.epoch, r.epoch % 150));
    await again.close();
  });

  test('scan returns exactly the records within its epoch bounds', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { durability: 'none' });
    const epochs = Array.from({ length: 60 }, (_, i) => 5 + i * 3);
    await log.appendBatch(epochs.map((e) => ({ epoch: e, payload: payloadFor(e, 40) })));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 200 }), async (a, b) => {
        const got = (await readAll(log, a, b)).map((r) => r.epoch);
        expect(got).toEqual(epochs.filter((e) => e >= a && e <= b));
      }),
      { numRuns: 50 },
    );
    await log.close();
  });

  test('scan payloads are views valid until the next record unless copied', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs);
    await log.appendBatch([1, 2, 3].map((e) => ({ epoch: e, payload: payloadFor(e, 8) })));
    const views: Uint8Array[] = [];
    for await (const r of log.scan()) {
      expect(r.payload).toEqual(payloadFor(r.epoch, 8));
      views.push(r.payload);
    }
    expect(views[0]?.buffer).toBe(views[2]?.buffer);
    const copies = await readAll(log);
    expect(copies[0]?.payload.buffer).not.toBe(copies[1]?.payload.buffer);
    await log.close();
  });

  test('a record larger than a segment gets a segment of its own', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { segmentBytes: 512 });
    await log.append(1, payloadFor(1, 10));
    await log.append(2, payloadFor(2, 5000));
    await log.append(3, payloadFor(3, 10));
    await log.close();
    const { log: again } = await openLog(fs, { segmentBytes: 512 });
    expect((await readAll(again)).map((r) => [r.epoch, r.payload.byteLength])).toEqual([
      [1, 10],
      [2, 5000],
      [3, 10],
    ]);
    await again.close();
  });
});

describe('tlog durability', () => {
  test('group commit acknowledges concurrent appends together with fewer fsyncs than appends', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { durability: 'group', segmentBytes: 1 << 20 });
    const before = fs.fsyncs;
    await Promise.all(Array.from({ length: 100 }, (_, i) => log.append(i + 1, payloadFor(i + 1, 64))));
    const used = fs.fsyncs - before;
    expect(used).toBeGreaterThanOrEqual(1);
    expect(used).toBeLessThan(100);
    expect(log.lastEpoch).toBe(100);
    await log.close();
  });

  test('sync gives every commit its own fsync before acknowledging it', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { durability: 'sync', segmentBytes: 1 << 20, preallocate: false });
    // preallocate off: its zero fill-ahead is an extra (durable) write, and this counts exact writes.
    const before = fs.fsyncs;
    await Promise.all(Array.from({ length: 20 }, (_, i) => log.append(i + 1, payloadFor(i + 1, 64))));
    expect(fs.fsyncs - before).toBe(20);
    await log.close();
  });

  test('none never fsyncs', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { durability: 'none' });
    for (let e = 1; e <= 30; e++) await log.append(e, payloadFor(e, 64));
    await log.close();
    expect(fs.fsyncs).toBe(0);
    expect(fs.dirSyncs).toBe(0);
  });

  test('a failed fsync rejects the commit and every later append with IO_ERROR; reopening recovers the acknowledged log', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs);
    await log.append(1, payloadFor(1, 10));
    fs.failAt('fsync', 1);
    await expect(log.append(2, payloadFor(2, 10))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(log.append(3, payloadFor(3, 10))).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(log.lastEpoch).toBe(1);
    await log.close();
    const { log: again } = await openLog(fs);
    expect((await readAll(again)).map((r) => r.epoch)[0]).toBe(1);
    await again.close();
  });
  test('under sync, a failed write rejects the commit and every later append with IO_ERROR; reopening keeps what was acknowledged', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { durability: 'sync', segmentBytes: 1 << 20, preallocate: false });
    await log.append(1, payloadFor(1, 10));
    await log.append(2, payloadFor(2, 10));
    fs.failAt('write', 1);
    await expect(log.append(3, payloadFor(3, 10))).rejects.toMatchObject({ code: 'IO_ERROR' });
    await expect(log.append(4, payloadFor(4, 10))).rejects.toMatchObject({ code: 'IO_ERROR' });
    expect(log.lastEpoch).toBe(2);
    await log.close();
    const { log: again } = await openLog(fs, { durability: 'sync' });
    expect((await readAll(again)).map((r) => r.epoch)).toEqual([1, 2]);
    await again.close();
  });
});

describe('tlog refuses bad input with the log unchanged', () => {
  const bad: [string, unknown, unknown][] = [
    ['an epoch equal to the last', 5, new Uint8Array(1)],
    ['an epoch below the last', 4, new Uint8Array(1)],
    ['a fractional epoch', 6.5, new Uint8Array(1)],
    ['a NaN epoch', Number.NaN, new Uint8Array(1)],
    ['an unsafe epoch', 2 ** 53, new Uint8Array(1)],
    ['an epoch that is a string', '6', new Uint8Array(1)],
    ['a payload that is a string', 6, 'bytes'],
    ['a payload that is an array of numbers', 6, [1, 2, 3]],
    ['a payload that is an ArrayBuffer', 6, new ArrayBuffer(4)],
    ['a payload over maxRecordBytes', 6, new Uint8Array(1025)],
  ];
  for (const [what, epoch, payload] of bad) {
    test(`append refuses ${what} with INVALID_ARGUMENT`, async () => {
      const fs = new CrashFileSystem();
      const { log } = await openLog(fs, { maxRecordBytes: 1024 });
      await log.append(5, payloadFor(5, 10));
      const files = snapshotFiles(fs, [LOG_DIR]);
      await expect(log.append(epoch as number, payload as Uint8Array)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      expect(snapshotFiles(fs, [LOG_DIR])).toEqual(files);
      expect(log.lastEpoch).toBe(5);
      await log.append(6, payloadFor(6, 10));
      expect((await readAll(log)).map((r) => r.epoch)).toEqual([5, 6]);
      await log.close();
    });
  }

  test('appendBatch with one bad record writes none of them', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs);
    await expect(
      log.appendBatch([
        { epoch: 1, payload: new Uint8Array(1) },
        { epoch: 1, payload: new Uint8Array(1) },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await log.append(1, new Uint8Array(1));
    expect((await readAll(log)).map((r) => r.epoch)).toEqual([1]);
    await log.close();
  });

  test('calls after close are refused with STORE_CLOSED, and close is idempotent', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs);
    await log.close();
    await log.close();
    await expect(log.append(1, new Uint8Array(1))).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    await expect(log.retainFrom(1)).rejects.toMatchObject({ code: 'STORE_CLOSED' });
    expect(() => log.scan()).toThrow(expect.objectContaining({ code: 'STORE_CLOSED' }));
  });

  test('appends queued before close are acknowledged by it', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { durability: 'group' });
    const pending = [1, 2, 3].map((e) => log.append(e, payloadFor(e, 5)));
    await log.close();
    await Promise.all(pending);
    const { log: again } = await openLog(fs);
    expect(again.lastEpoch).toBe(3);
    await again.close();
  });

  test('a second open of the same directory in this process is refused with STORE_LOCKED', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs);
    await expect(openLog(fs)).rejects.toMatchObject({ code: 'STORE_LOCKED' });
    await log.close();
    const { log: again } = await openLog(fs);
    await again.close();
  });

  test('open refuses bad options with INVALID_ARGUMENT', async () => {
    const fs = new CrashFileSystem();
    await expect(openLog(fs, { segmentBytes: 10 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openLog(fs, { durability: 'always' as 'sync' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(openLog(fs, { maxRecordBytes: 2 ** 31 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('tlog retention and segment reuse', () => {
  test('retention retires only segments whose records all precede the epoch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 121 }), fc.integer({ min: 0, max: 3 }), async (from, spares) => {
        const fs = new CrashFileSystem();
        const { log } = await openLog(fs, { spareSegments: spares, preallocate: false });
        for (let e = 1; e <= 120; e++) await log.append(e, payloadFor(e, 30));
        const segsBefore = fs.list(LOG_DIR).filter((p) => /\/[0-9a-f]{16}\.log$/.test(p));
        const spans = new Map(segsBefore.map((p) => [p, recordFrames(fs.bytes(p), Number.parseInt(p.slice(-20, -4), 16)).map((f) => f.epoch)]));
        const { retired, recycled } = await log.retainFrom(from);
        for (const p of retired) expect(Math.max(...(spans.get(p) ?? [Infinity]))).toBeLessThan(from);
        for (const p of segsBefore) {
          if (retired.includes(p)) continue;
          expect(fs.list(LOG_DIR)).toContain(p);
        }
        // The first kept segment holds `from` or later: nothing more could have gone.
        const firstKept = segsBefore.find((p) => !retired.includes(p));
        expect(Math.max(...(spans.get(firstKept ?? '') ?? [0]))).toBeGreaterThanOrEqual(Math.min(from, 120));
        expect(recycled).toBe(Math.min(spares, retired.length));
        expect((await readAll(log, from)).map((r) => r.epoch)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1).filter((e) => e >= from));
        await log.close();
      }),
      { numRuns: 25 },
    );
  });

  test('retainFrom refuses an epoch past the last acknowledged one with EPOCH_FUTURE', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs);
    await log.append(3, new Uint8Array(1));
    await expect(log.retainFrom(5)).rejects.toMatchObject({ code: 'EPOCH_FUTURE' });
    await log.close();
  });

  test('stale frames of a recycled segment are never replayed, even when a torn write exposes them', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { spareSegments: 8, preallocate: false });
    for (let e = 1; e <= 80; e++) await log.append(e, payloadFor(e, 40));
    await log.retainFrom(70);
    // Short records land in the recycled files, leaving their old, checksummed frames after them.
    for (let e = 81; e <= 120; e++) await log.append(e, payloadFor(e, 5));
    await log.close();
    const live = fs.list(LOG_DIR).filter((p) => /\/[0-9a-f]{16}\.log$/.test(p));
    const last = live.at(-1) ?? '';
    const frames = recordFrames(fs.bytes(last), Number.parseInt(last.slice(-20, -4), 16));
    const lastFrame = frames.at(-1);
    if (lastFrame === undefined) throw new Error('no frames');
    // Tear the last record and wipe the zero terminator, so the scan runs into old bytes.
    await flipBit(fs, last, lastFrame.offset + 3, 0);
    for (let i = 0; i < 32; i++) await flipBit(fs, last, lastFrame.end + i, 7);
    const { log: again, recovery } = await openLog(fs);
    expect(recovery.tornTail?.offset).toBe(lastFrame.offset);
    const got = (await readAll(again)).map((r) => r.epoch);
    expect(got).toEqual(Array.from({ length: 119 }, (_, i) => i + 1).filter((e) => e >= (got[0] ?? 0)));
    await again.close();
  });

  test("a recycled segment's old checksummed frames right after the last record read as the clean end of the log", async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { spareSegments: 8, preallocate: false });
    for (let e = 1; e <= 80; e++) await log.append(e, payloadFor(e, 40));
    await log.retainFrom(70);
    const spareBytes = fs.list(LOG_DIR).filter((p) => p.includes('spare-')).map((p) => fs.bytes(p));
    // Same-sized records, so the old frames stay aligned with the new ones.
    for (let e = 81; e <= 100; e++) await log.append(e, payloadFor(e, 40));
    await log.close();
    const last = fs.list(LOG_DIR).filter((p) => /\/[0-9a-f]{16}\.log$/.test(p)).at(-1) ?? '';
    const now = fs.bytes(last);
    const end = recordFrames(now, Number.parseInt(last.slice(-20, -4), 16)).at(-1)?.end ?? 0;
    const old = spareBytes.find((b) => b.byteLength === now.byteLength && b.subarray(end + 32).every((x, i) => x === now[end + 32 + i]));
    if (old === undefined) throw new Error('the last segment is not a recycled file');
    // Put back the old frame header the zero terminator covered: the scan now meets a valid old frame.
    const file = await fs.open(last, 'readwrite');
    await file.write(old.subarray(end, end + 32), end);
    await file.datasync();
    await file.close();
    const { log: again, recovery } = await openLog(fs);
    expect(recovery).toMatchObject({ tornTail: null, corruption: null, truncatedBytes: 0 });
    expect(again.lastEpoch).toBe(100);
    await again.close();
  });

  test('segment files are recycled into place instead of created once spares exist', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { spareSegments: 2, preallocate: false });
    for (let e = 1; e <= 40; e++) await log.append(e, payloadFor(e, 40));
    await log.retainFrom(40);
    const spares = fs.list(LOG_DIR).filter((p) => p.includes('spare-'));
    expect(spares.length).toBe(2);
    for (let e = 41; e <= 60; e++) await log.append(e, payloadFor(e, 40));
    expect(fs.list(LOG_DIR).filter((p) => p.includes('spare-'))).toEqual([]);
    await log.close();
  });

  test('preallocation keeps a zero-filled spare ready once the active segment is half full', async () => {
    const fs = new CrashFileSystem();
    const { log } = await openLog(fs, { segmentBytes: 4096 });
    for (let e = 1; e <= 40; e++) await log.append(e, payloadFor(e, 64));
    await log.close();
    const spares = fs.list(LOG_DIR).filter((p) => p.includes('spare-'));
    expect(spares.length).toBe(1);
    expect(fs.bytes(spares[0] ?? '')).toEqual(new Uint8Array(4096));
  });
});

describe('tlog on the real file system', () => {
  test('a log written through node:fs reopens with every record, and a flipped bit before the tail is LOG_CORRUPT', async () => {
    const dir = tempDir();
    const { log } = await TLog.open({ dir, durability: 'group', segmentBytes: 4096 });
    await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(i + 1, payloadFor(i + 1, 50))));
    await log.close();
    const again = await TLog.open({ dir, durability: 'sync', segmentBytes: 4096 });
    expect(again.recovery.records).toBe(300);
    expect((await readAll(again.log)).map((r) => r.epoch)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    await again.log.close();
    const first = join(dir, readdirSync(dir).filter((n) => /^[0-9a-f]{16}\.log$/.test(n)).sort()[0] ?? segmentName(1));
    await flipBit(nodeLogFileSystem, first, 100, 2);
    await expect(TLog.open({ dir, durability: 'sync' })).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
    const repaired = await TLog.open({ dir, durability: 'sync', repair: true });
    expect(repaired.recovery.quarantined.length).toBeGreaterThan(0);
    expect(readdirSync(join(dir, 'quarantine')).length).toBe(repaired.recovery.quarantined.length);
    await repaired.log.close();
  });

  test('a torn tail on the real file system is cut and the log goes on', async () => {
    const dir = tempDir();
    const { log } = await TLog.open({ dir, durability: 'sync' });
    for (let e = 1; e <= 10; e++) await log.append(e, payloadFor(e, 100));
    await log.close();
    const seg = join(dir, segmentName(1));
    await truncateAt(nodeLogFileSystem, seg, 40 + 9 * 132 + 50);
    const { log: again, recovery } = await TLog.open({ dir, durability: 'sync' });
    expect(recovery.tornTail).toEqual({ segment: seg, offset: 40 + 9 * 132 });
    expect(again.lastEpoch).toBe(9);
    await again.append(10, payloadFor(10, 3));
    await again.close();
  });
});
