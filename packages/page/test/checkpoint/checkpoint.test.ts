import { describe, expect, test } from 'vitest';
import { isPageError, openStore, verifyStore } from '../../src/index.js';
import type { PageStore, StoreOptions } from '../../src/index.js';
import { decodeManifest, imageName } from '../../src/checkpoint/format.js';
import { flipBit } from '../support/corrupt.js';
import { CrashFileSystem, PowerLossError } from '../support/crash-fs.js';
import { bytesOf, refusal } from '../store/support.js';

const DIR = '/data';
const CKPT = '/data/checkpoints';
const IMAGES = '/data/checkpoints/images';

function openOn(fs: CrashFileSystem, options: Partial<StoreOptions> = {}): Promise<PageStore> {
  return openStore({ dir: DIR, fs, durability: 'sync', segmentBytes: 1024, ...options });
}

/** A store with four pages (one compressible, one not) and a few commits; returns it with its digest. */
async function workload(fs: CrashFileSystem, options: Partial<StoreOptions> = {}): Promise<PageStore> {
  const s = await openOn(fs, options);
  for (let k = 0; k < 4; k++) await s.createPage({ size: k === 0 ? 2048 : 256 });
  await s.update(1, new Uint8Array(2048).fill(7));
  for (let k = 0; k < 6; k++) await s.update(2 + (k % 3), [{ offset: k * 8, bytes: bytesOf(8, k) }]);
  return s;
}

function manifests(fs: CrashFileSystem): string[] {
  return fs.list(CKPT).filter((p) => p.endsWith('.ckpt'));
}

describe('checkpoints', () => {
  test('a checkpoint writes every page image and a manifest, and reopening starts from it', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs);
    const digest = await s.digest();
    const info = await s.checkpoint();
    expect(info).toMatchObject({ epoch: s.epoch, pages: 4, pagesWritten: 4 });
    expect(manifests(fs)).toEqual([info.path]);
    const m = decodeManifest(fs.bytes(info.path));
    if (typeof m === 'string') throw new Error(m);
    expect(m.entries.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    // The page of one repeated byte compresses; brotli only where it pays.
    expect(m.entries[0]?.codec).toBe(1);
    await s.close();
    const again = await openOn(fs);
    expect(again.recovery.fromCheckpoint).toBe(info.epoch);
    expect(again.recovery.recordsReplayed).toBe(0);
    expect(await again.digest()).toBe(digest);
    await again.close();
  });

  test('an incremental checkpoint reuses the images of pages unchanged since the previous one', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs);
    await s.checkpoint();
    await s.update(3, [{ offset: 0, bytes: new Uint8Array([1]) }]);
    const second = await s.checkpoint();
    expect(second.pagesWritten).toBe(1);
    expect(fs.list(IMAGES)).toHaveLength(5);
    await s.close();
  });

  test('checkpointing the same epoch twice writes nothing the second time', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs);
    await s.checkpoint();
    expect((await s.checkpoint()).pagesWritten).toBe(0);
    await s.close();
  });

  test('old checkpoints beyond keepCheckpoints go, with the images only they used, and the log keeps records from the oldest kept one on', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs, { keepCheckpoints: 2 });
    const epochs: number[] = [];
    for (let round = 0; round < 4; round++) {
      for (let k = 0; k < 10; k++) await s.update(2, [{ offset: k, bytes: bytesOf(16, round * 10 + k) }]);
      epochs.push((await s.checkpoint()).epoch);
    }
    expect(manifests(fs).length).toBe(2);
    const kept = manifests(fs).map((p) => decodeManifest(fs.bytes(p)));
    const referenced = new Set(kept.flatMap((m) => (typeof m === 'string' ? [] : m.entries.map((e) => `${IMAGES}/${imageName(e.id, e.epoch)}`))));
    expect(new Set(fs.list(IMAGES))).toEqual(referenced);
    const digest = await s.digest();
    // History before the oldest kept checkpoint is gone from the log: EPOCH_STALE.
    expect(isPageError(await refusal(() => s.read(2, { epoch: 3 })), 'EPOCH_STALE')).toBe(true);
    expect(await s.read(2, { epoch: epochs[2] ?? 0 })).toBeInstanceOf(Uint8Array);
    await s.close({ checkpoint: true });
    const again = await openOn(fs);
    expect(await again.digest()).toBe(digest);
    await again.close();
  });

  test('progress is reported for every page a checkpoint handles', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs);
    const seen: [number, number, string][] = [];
    await s.checkpoint({ onProgress: (done, total, what) => seen.push([done, total, what]) });
    expect(seen.at(-1)).toEqual([4, 4, 'checkpoint']);
    await s.close();
  });

  test('a crash at each fsync of a checkpoint leaves the old or the new checkpoint valid and keeps every acknowledged commit', async () => {
    // Count the fsyncs one checkpoint takes, then cut the power at each in turn.
    const probe = new CrashFileSystem();
    const ps = await workload(probe);
    await ps.checkpoint();
    await ps.update(2, bytesOf(256, 50));
    const before = probe.fsyncs;
    await ps.checkpoint();
    const syncs = probe.fsyncs - before;
    await ps.close();
    // One image (the changed page) and the manifest.
    expect(syncs).toBe(2);

    const triggers = [];
    for (let n = 1; n <= syncs + 1; n++) {
      triggers.push({ at: 'fsync' as const, n, completes: false }, { at: 'fsync' as const, n, completes: true }, { at: 'write' as const, n });
    }
    for (const [t, trigger] of triggers.entries()) {
      for (const dirOps of ['prefix', 'drop', 'keep'] as const) {
        const n = trigger.n;
        const fs = new CrashFileSystem();
        const s = await workload(fs);
        const first = await s.checkpoint();
        await s.update(2, bytesOf(256, 50));
        const digest = await s.digest();
        const epoch = s.epoch;
        fs.crashAt(trigger);
        const outcome = await s.checkpoint().then(
          () => 'done',
          (e: unknown) => (e instanceof PowerLossError || isPageError(e, 'IO_ERROR') ? 'crashed' : e),
        );
        expect(['done', 'crashed']).toContain(outcome);
        fs.crash();
        await s.close().catch(() => undefined);
        const seed = t * 7 + n;
        const after = fs.afterCrash({ writes: 'mixed', seed, dirOps });
        const again = await openOn(after);
        const what = `power loss at ${trigger.at} ${n}, dirOps ${dirOps}, seed ${seed}`;
        expect(again.epoch, what).toBe(epoch);
        expect(await again.digest(), what).toBe(digest);
        expect([first.epoch, epoch]).toContain(again.recovery.fromCheckpoint);
        await again.close();
      }
    }
  });

  test('a flipped bit in an image of the newest checkpoint is detected and recovery falls back to the older one plus the log', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs, { keepCheckpoints: 2 });
    const first = await s.checkpoint();
    await s.update(4, bytesOf(256, 77));
    const second = await s.checkpoint();
    const digest = await s.digest();
    await s.close();
    const m = decodeManifest(fs.bytes(second.path));
    if (typeof m === 'string') throw new Error(m);
    const changed = m.entries.find((e) => e.id === 4);
    if (changed === undefined) throw new Error('page 4 missing');
    await flipBit(fs, `${IMAGES}/${imageName(4, changed.epoch)}`, 17, 3);
    const again = await openOn(fs);
    expect(again.recovery.fromCheckpoint).toBe(first.epoch);
    expect(again.recovery.skippedCheckpoints.map((c) => c.epoch)).toEqual([second.epoch]);
    expect(again.recovery.skippedCheckpoints[0]?.problem).toMatch(/CRC32C/);
    expect(await again.digest()).toBe(digest);
    await again.close();
    const report = await verifyStore(DIR, { fs });
    expect(report.ok).toBe(false);
    expect(report.checkpoints.find((c) => c.epoch === second.epoch)?.ok).toBe(false);
    expect(report.problems.join('\n')).toContain(imageName(4, changed.epoch));
  });

  test('a flipped bit in a manifest is detected and recovery falls back', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs);
    const first = await s.checkpoint();
    await s.update(2, bytesOf(256, 1));
    const second = await s.checkpoint();
    const digest = await s.digest();
    await s.close();
    await flipBit(fs, second.path, 40, 0);
    const again = await openOn(fs);
    expect(again.recovery.fromCheckpoint).toBe(first.epoch);
    expect(again.recovery.skippedCheckpoints[0]?.problem).toMatch(/manifest CRC32C/);
    expect(await again.digest()).toBe(digest);
    await again.close();
  });

  test('a corrupt checkpoint with no older checkpoint and log to cover it is CHECKPOINT_CORRUPT', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs, { keepCheckpoints: 1 });
    await s.checkpoint();
    // Enough commits to fill and retire the early log segments.
    for (let k = 0; k < 40; k++) await s.update(2, bytesOf(256, k));
    const info = await s.checkpoint();
    await s.close();
    await flipBit(fs, info.path, 20, 1);
    const error = await refusal(() => openOn(fs));
    expect(isPageError(error, 'CHECKPOINT_CORRUPT')).toBe(true);
    expect(String(error)).toContain(info.path);
  });

  test('verify with repair moves a corrupt checkpoint aside and never deletes it', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs);
    const info = await s.checkpoint();
    await s.close();
    await flipBit(fs, info.path, 33, 2);
    const report = await verifyStore(DIR, { fs, repair: true });
    expect(report.ok).toBe(false);
    expect(report.repaired).toHaveLength(1);
    expect(fs.list(`${CKPT}/quarantine`)).toHaveLength(1);
    expect((await verifyStore(DIR, { fs })).ok).toBe(true);
  });
});
