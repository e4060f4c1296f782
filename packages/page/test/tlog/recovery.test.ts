import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { isPageError } from '../../src/index.js';
import { FRAME_HEADER_BYTES, RECORD_MAGIC, encodeSegmentHeader, saltOf, segmentName, spareName, writeFrameHeader } from '../../src/tlog/format.js';
import { flipBit, recordFrames, truncateAt } from '../support/corrupt.js';
import { LOG_DIR, openLog, payloadFor, readAll, snapshotFiles, writtenLog } from '../support/harness.js';
import type { CrashFileSystem } from '../support/crash-fs.js';

const EPOCHS = Array.from({ length: 30 }, (_, i) => 10 + i * 3);
const sizeOf = (e: number): number => (e * 13) % 97;

/** Every record frame in the log's segment files, with the file it is in. */
function allFrames(fs: CrashFileSystem): { path: string; seq: number; epoch: number; offset: number; end: number }[] {
  return fs.list(LOG_DIR).flatMap((path) => {
    const seq = Number.parseInt(path.slice(LOG_DIR.length + 1, LOG_DIR.length + 17), 16);
    if (!Number.isSafeInteger(seq)) return [];
    return recordFrames(fs.bytes(path), seq).map((f) => ({ path, seq, ...f }));
  });
}

/** The live segment files, oldest first. */
function segmentPaths(fs: CrashFileSystem): string[] {
  return fs.list(LOG_DIR).filter((p) => /\/[0-9a-f]{16}\.log$/.test(p));
}

async function expectRecords(fs: CrashFileSystem, epochs: readonly number[]): Promise<void> {
  const { log } = await openLog(fs);
  const got = await readAll(log);
  expect(got.map((r) => r.epoch)).toEqual(epochs);
  for (const r of got) expect(r.payload).toEqual(payloadFor(r.epoch, sizeOf(r.epoch)));
  await log.close();
}

describe('tlog recovery', () => {
  test('recovery cuts a torn tail at every byte offset of the last record and keeps every earlier record', async () => {
    const base = await writtenLog(EPOCHS, sizeOf);
    const last = allFrames(base).at(-1);
    if (last === undefined) throw new Error('no frames');
    for (let cut = last.offset; cut < last.end; cut++) {
      const fs = base.clone();
      await truncateAt(fs, last.path, cut);
      const { log, recovery } = await openLog(fs);
      expect(recovery.records).toBeGreaterThan(0);
      expect(log.lastEpoch).toBe(EPOCHS.at(-2));
      // A cut exactly at the frame start leaves a clean end; anywhere inside, a torn frame.
      expect(recovery.tornTail).toEqual(cut === last.offset ? null : { segment: last.path, offset: last.offset });
      expect(recovery.truncatedBytes).toBe(cut - last.offset);
      expect((await readAll(log)).map((r) => r.epoch)).toEqual(EPOCHS.slice(0, -1));
      await log.append(1000, payloadFor(1000, sizeOf(1000)));
      await log.close();
      await expectRecords(fs, [...EPOCHS.slice(0, -1), 1000]);
    }
  });

  test('recovery treats a flipped bit in the last record as a torn tail', async () => {
    const base = await writtenLog(EPOCHS, sizeOf);
    const last = allFrames(base).at(-1);
    if (last === undefined) throw new Error('no frames');
    for (let at = last.offset; at < last.end; at += 7) {
      const fs = base.clone();
      await flipBit(fs, last.path, at, at % 8);
      const { log, recovery } = await openLog(fs);
      expect(recovery.tornTail).toEqual({ segment: last.path, offset: last.offset });
      expect((await readAll(log)).map((r) => r.epoch)).toEqual(EPOCHS.slice(0, -1));
      await log.close();
    }
  });

  test('a flipped bit in any record before the tail is LOG_CORRUPT naming file, offset and epoch, with nothing changed on disk', async () => {
    const base = await writtenLog(EPOCHS, sizeOf);
    const frames = allFrames(base).slice(0, -1);
    await fc.assert(
      fc.asyncProperty(fc.nat(frames.length - 1), fc.nat(1 << 20), fc.nat(7), async (which, where, bit) => {
        const frame = frames[which];
        if (frame === undefined) throw new Error('no frame');
        const fs = base.clone();
        await flipBit(fs, frame.path, frame.offset + (where % (frame.end - frame.offset)), bit);
        const before = snapshotFiles(fs, [LOG_DIR]);
        const error = await openLog(fs).then(
          () => null,
          (e: unknown) => e,
        );
        expect(isPageError(error, 'LOG_CORRUPT')).toBe(true);
        const message = (error as Error).message;
        expect(message).toContain(frame.path);
        expect(message).toContain(`offset ${frame.offset}`);
        expect(message).toContain(`after epoch ${EPOCHS[EPOCHS.indexOf(frame.epoch) - 1] ?? 0}`);
        expect(snapshotFiles(fs, [LOG_DIR])).toEqual(before);
        expect(fs.list(`${LOG_DIR}/quarantine`)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  test('repair keeps the records before a corrupt one and moves the rest into quarantine without deleting anything', async () => {
    const base = await writtenLog(EPOCHS, sizeOf);
    const frames = allFrames(base).slice(0, -1);
    await fc.assert(
      fc.asyncProperty(fc.nat(frames.length - 1), fc.nat(1 << 20), async (which, where) => {
        const frame = frames[which];
        if (frame === undefined) throw new Error('no frame');
        const fs = base.clone();
        await flipBit(fs, frame.path, frame.offset + (where % (frame.end - frame.offset)), where % 8);
        const before = snapshotFiles(fs, [LOG_DIR]);
        const { log, recovery } = await openLog(fs, { repair: true });
        const kept = EPOCHS.slice(0, EPOCHS.indexOf(frame.epoch));
        expect(recovery.corruption).toMatchObject({ segment: frame.path, offset: frame.offset });
        expect((await readAll(log)).map((r) => r.epoch)).toEqual(kept);
        // The damaged segment is copied whole; later segments are moved byte for byte.
        const q = `${LOG_DIR}/quarantine`;
        expect(recovery.quarantined).toEqual(fs.list(q));
        expect(fs.bytes(`${q}/${frame.path.slice(LOG_DIR.length + 1)}.from-${frame.offset}`)).toEqual(before.get(frame.path));
        for (const [path, bytes] of before) {
          if (path <= frame.path) continue;
          expect(fs.bytes(`${q}/${path.slice(LOG_DIR.length + 1)}`)).toEqual(bytes);
          expect(fs.list(LOG_DIR)).not.toContain(path);
        }
        expect(fs.bytes(frame.path)).toEqual(before.get(frame.path)?.subarray(0, frame.offset));
        // The repaired log takes new commits and reopens cleanly.
        await log.append(10_000, payloadFor(10_000, sizeOf(10_000)));
        await log.close();
        const again = await openLog(fs);
        expect(again.recovery.corruption).toBeNull();
        expect(again.recovery.tornTail).toBeNull();
        expect((await readAll(again.log)).map((r) => r.epoch)).toEqual([...kept, 10_000]);
        await again.log.close();
      }),
      { numRuns: 40 },
    );
  });

  test('a corrupt segment header before the last segment is LOG_CORRUPT', async () => {
    const fs = await writtenLog(EPOCHS, sizeOf);
    const second = segmentPaths(fs)[1] ?? '';
    await flipBit(fs, second, 20, 3);
    await expect(openLog(fs)).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });

  test('a missing middle segment is LOG_CORRUPT, not a silent gap', async () => {
    const fs = await writtenLog(EPOCHS, sizeOf);
    await fs.unlink(segmentPaths(fs)[1] ?? '');
    await expect(openLog(fs)).rejects.toMatchObject({ code: 'LOG_CORRUPT' });
  });

  test('a checksummed record whose epoch does not increase is LOG_CORRUPT', async () => {
    const fs = await writtenLog(EPOCHS, sizeOf);
    const last = allFrames(fs).at(-1);
    if (last === undefined) throw new Error('no frames');
    const frame = new Uint8Array(FRAME_HEADER_BYTES + 4);
    writeFrameHeader(frame, 0, RECORD_MAGIC, 4, last.epoch, last.epoch - 1, saltOf(last.seq));
    const file = await fs.open(last.path, 'readwrite');
    await file.write(frame, last.end);
    await file.datasync();
    await file.close();
    await expect(openLog(fs)).rejects.toThrow(/does not follow/);
  });

  test('a torn tail before a segment that holds nothing acknowledged cuts the tail and turns that segment into a spare', async () => {
    const fs = await writtenLog(EPOCHS, sizeOf, { preallocate: false });
    const last = allFrames(fs).at(-1);
    if (last === undefined) throw new Error('no frames');
    // A crash just after rotation: the next segment exists with only its header, the tail is torn.
    const nextSeq = last.seq + 1;
    const next = `${LOG_DIR}/${segmentName(nextSeq)}`;
    const file = await fs.open(next, 'create');
    await file.write(encodeSegmentHeader({ seq: nextSeq, prevEpoch: last.epoch }), 0);
    await file.datasync();
    await file.close();
    await truncateAt(fs, last.path, last.end - 1);
    const { log, recovery } = await openLog(fs, { preallocate: false });
    expect(recovery).toMatchObject({ tornTail: { segment: last.path, offset: last.offset }, recycled: [next], corruption: null });
    expect(fs.list(LOG_DIR)).toContain(`${LOG_DIR}/${spareName(nextSeq)}`);
    expect((await readAll(log)).map((r) => r.epoch)).toEqual(EPOCHS.slice(0, -1));
    await log.append(5000, payloadFor(5000, sizeOf(5000)));
    await log.close();
    await expectRecords(fs, [...EPOCHS.slice(0, -1), 5000]);
  });

  test('a reopened log after a clean close reports no torn tail, truncation or corruption', async () => {
    const fs = await writtenLog(EPOCHS, sizeOf);
    const { log, recovery } = await openLog(fs);
    expect(recovery).toMatchObject({ records: EPOCHS.length, firstEpoch: 10, lastEpoch: EPOCHS.at(-1), tornTail: null, truncatedBytes: 0, corruption: null });
    await log.close();
  });
});
