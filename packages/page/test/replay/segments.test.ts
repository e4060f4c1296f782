import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { nodeLogFileSystem, replayStore } from '../../src/index.js';
import { newScanReport, scanLogReadOnly } from '../../src/replay/segments.js';
import { flipBit, payloadOffset, readBytes, recordFrames } from '../support/corrupt.js';
import { bytesOf, open, tempDir } from '../store/support.js';

let dir = '';
let remove: () => void = () => undefined;
beforeEach(() => {
  ({ dir, remove } = tempDir('mmsb-segments-'));
});
afterEach(() => remove());

/** A store whose records vary from a few bytes to a few KiB, over several segments; returns its digest. */
async function varied(): Promise<string> {
  const s = await open(dir, { segmentBytes: 4096 });
  const a = await s.createPage({ size: 4096 });
  const b = await s.createPage({ size: 300 });
  for (let k = 0; k < 40; k++) {
    if (k % 7 === 0) await s.update(a.id, bytesOf(4096, k));
    else await s.update(k % 2 === 0 ? a.id : b.id, [{ offset: (k * 37) % 250, bytes: bytesOf(1 + (k % 50), k) }]);
  }
  const digest = await s.digest();
  await s.close();
  return digest;
}

async function scanAll(chunkBytes?: number): Promise<{ records: { epoch: number; payload: number[] }[]; report: ReturnType<typeof newScanReport> }> {
  const report = newScanReport();
  const records: { epoch: number; payload: number[] }[] = [];
  // Payloads are valid until the next record is asked for: copy them here.
  for await (const r of scanLogReadOnly(nodeLogFileSystem, join(dir, 'tlog'), 1, Number.POSITIVE_INFINITY, report, chunkBytes)) records.push({ epoch: r.epoch, payload: [...r.payload] });
  return { records, report };
}

describe('the read-only log scan reads segments in chunks', () => {
  test('any chunk size, frames cut by chunk ends or larger than a chunk included, yields the same records and report', async () => {
    await varied();
    const whole = await scanAll();
    expect(whole.records.length).toBe(42);
    expect(whole.report.segments.length).toBeGreaterThan(1);
    for (const chunk of [64, 100, 1000, 5000]) {
      const chunked = await scanAll(chunk);
      expect(chunked.records).toEqual(whole.records);
      expect(chunked.report).toEqual(whole.report);
    }
  });

  test('a bad frame found through chunks is reported as it is with one read', async () => {
    await varied();
    const seg = join(dir, 'tlog', '0000000000000001.log');
    const frames = recordFrames(await readBytes(nodeLogFileSystem, seg), 1);
    const victim = frames[3];
    if (victim === undefined) throw new Error('no frame 3');
    await flipBit(nodeLogFileSystem, seg, payloadOffset(victim) + 1, 2);
    const whole = await scanAll();
    expect(whole.report.problems.length).toBe(1);
    for (const chunk of [64, 1000]) expect((await scanAll(chunk)).report).toEqual(whole.report);
  });

  test('replay counts logical bytes: the records once decompressed, at least the bytes read', async () => {
    const s = await open(dir, { segmentBytes: 1 << 20 });
    const p = await s.createPage({ size: 64 * 1024 });
    // Compressible whole pages: the log stores them LZ4-compressed.
    for (let k = 0; k < 4; k++) await s.update(p.id, new Uint8Array(64 * 1024).fill(k + 1));
    await s.close();
    const r = await replayStore(dir);
    expect(r.logicalBytes).toBeGreaterThan(4 * 64 * 1024);
    expect(r.bytesRead).toBeLessThan(r.logicalBytes / 10);
  });
});
