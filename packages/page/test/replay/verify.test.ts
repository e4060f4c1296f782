import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { inspectStore, isPageError, nodeLogFileSystem, replayStore, verifyStore } from '../../src/index.js';
import { flipBit, recordFrames, payloadOffset, readBytes } from '../support/corrupt.js';
import { bytesOf, open, refusal, tempDir } from '../store/support.js';

let dir = '';
let remove: () => void = () => undefined;
beforeEach(() => {
  ({ dir, remove } = tempDir('mmsb-verify-'));
});
afterEach(() => remove());

async function filled(commits: number): Promise<string> {
  const s = await open(dir, { segmentBytes: 1 << 20 });
  const p = await s.createPage({ size: 64 });
  for (let k = 0; k < commits; k++) await s.update(p.id, [{ offset: k % 60, bytes: bytesOf(4, k) }]);
  const digest = await s.digest();
  await s.close();
  return digest;
}

describe('replay, verify and inspect read a directory without changing it', () => {
  test('replay runs beside the writer that holds the lock and sees what was acknowledged', async () => {
    const s = await open(dir);
    const p = await s.createPage({ size: 16 });
    await s.update(p.id, bytesOf(16, 1));
    const r = await replayStore(dir);
    expect(r.epoch).toBe(2);
    expect(r.digest).toBe(await s.digest());
    expect(r.bytes.get(p.id)).toEqual(bytesOf(16, 1));
    expect(r.pages).toEqual(s.pages());
    expect((await inspectStore(dir)).locked).toBe(true);
    await s.close();
    expect((await inspectStore(dir)).locked).toBe(false);
  });

  test('replay reports progress and where it started', async () => {
    await filled(5);
    const seen: string[] = [];
    const r = await replayStore(dir, { epoch: 4, onProgress: (done, total, what) => seen.push(`${what} ${done}/${total}`) });
    expect(r.fromCheckpoint).toBeNull();
    expect(r.recordsApplied).toBe(4);
    expect(seen.at(-1)).toBe('replay 4/4');
  });

  test('inspect lists segments, checkpoints, the page table and the epochs', async () => {
    const s = await open(dir);
    await s.createPage({ size: 16, location: 'shared' });
    await s.checkpoint();
    await s.update(1, bytesOf(16, 2));
    await s.close();
    const report = await inspectStore(dir);
    expect(report.lastEpoch).toBe(2);
    expect(report.firstLogEpoch).toBe(1);
    expect(report.pages).toEqual([{ id: 1, size: 16, location: 'shared', epoch: 2 }]);
    expect(report.checkpoints.map((c) => c.epoch)).toEqual([1]);
    expect(report.segments.length).toBeGreaterThan(0);
  });

  test('a flipped bit in a record before the tail is reported with its file and offset, and repair moves the rest aside', async () => {
    const digest = await filled(10);
    const tlog = join(dir, 'tlog');
    const segment = join(tlog, readdirSync(tlog).filter((n) => n.endsWith('.log')).sort()[0] ?? '');
    const frames = recordFrames(await readBytes(nodeLogFileSystem, segment), 1);
    const victim = frames[4];
    if (victim === undefined) throw new Error('too few frames');
    await flipBit(nodeLogFileSystem, segment, payloadOffset(victim) + 3);
    const report = await verifyStore(dir);
    expect(report.ok).toBe(false);
    expect(report.problems.join('\n')).toContain(`${segment} offset ${victim.offset}`);
    expect(report.lastEpoch).toBe(4);
    expect(isPageError(await refusal(() => open(dir)), 'LOG_CORRUPT')).toBe(true);
    const repaired = await verifyStore(dir, { repair: true });
    expect(repaired.repaired.length).toBeGreaterThan(0);
    expect(readdirSync(join(tlog, 'quarantine')).length).toBeGreaterThan(0);
    const s = await open(dir);
    expect(s.epoch).toBe(4);
    expect(await s.digest()).not.toBe(digest);
    await s.close();
    expect((await verifyStore(dir)).ok).toBe(true);
  });

  test('replay and inspect report a corrupt record instead of stopping silently before it', async () => {
    await filled(10);
    const tlog = join(dir, 'tlog');
    const segment = join(tlog, readdirSync(tlog).filter((n) => n.endsWith('.log')).sort()[0] ?? '');
    const frames = recordFrames(await readBytes(nodeLogFileSystem, segment), 1);
    const victim = frames[4];
    if (victim === undefined) throw new Error('too few frames');
    await flipBit(nodeLogFileSystem, segment, payloadOffset(victim) + 3);
    for (const epoch of [undefined, 5, 11]) {
      const error = await refusal(() => replayStore(dir, epoch === undefined ? {} : { epoch }));
      expect(isPageError(error, 'LOG_CORRUPT'), `replay to ${String(epoch)}`).toBe(true);
      expect((error as Error).message).toContain(`${segment} offset ${victim.offset}`);
    }
    // Epochs before the damage are intact and still replay.
    expect((await replayStore(dir, { epoch: 4 })).epoch).toBe(4);
    const report = await inspectStore(dir);
    expect(report.problems.join('\n')).toContain(`${segment} offset ${victim.offset}`);
  });

  test('verify with repair refuses while a writer holds the directory', async () => {
    await filled(3);
    const s = await open(dir);
    const tlog = join(dir, 'tlog');
    const segment = join(tlog, readdirSync(tlog).filter((n) => n.endsWith('.log')).sort()[0] ?? '');
    const frames = recordFrames(await readBytes(nodeLogFileSystem, segment), 1);
    await flipBit(nodeLogFileSystem, segment, payloadOffset(frames[0] ?? { epoch: 0, offset: 0, end: 0 }) + 1);
    expect(isPageError(await refusal(() => verifyStore(dir, { repair: true })), 'STORE_LOCKED')).toBe(true);
    await s.close();
  });

  test('the read-only tools refuse a directory that is not a store, and bad arguments', async () => {
    for (const tool of [replayStore, verifyStore, inspectStore]) {
      expect(isPageError(await refusal(() => tool(dir)), 'NOT_A_STORE')).toBe(true);
      expect(isPageError(await refusal(() => tool('' as string)), 'INVALID_ARGUMENT')).toBe(true);
    }
    await filled(1);
    expect(isPageError(await refusal(() => replayStore(dir, { epoch: -1 })), 'INVALID_ARGUMENT')).toBe(true);
    expect(isPageError(await refusal(() => replayStore(dir, { epoch: 9 })), 'EPOCH_FUTURE')).toBe(true);
  });
});
