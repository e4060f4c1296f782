import { describe, expect, test } from 'vitest';
import { isPageError, openStore, verifyStore } from '../../src/index.js';
import type { PageStore, StoreOptions } from '../../src/index.js';
import { loadCheckpoint, writeCheckpoint } from '../../src/checkpoint/checkpoint.js';
import type { CheckpointPage } from '../../src/checkpoint/checkpoint.js';
import { CHECKPOINT_FORMAT_VERSION, decodeManifest, packName } from '../../src/checkpoint/format.js';
import type { Manifest } from '../../src/checkpoint/format.js';
import { flipBit } from '../support/corrupt.js';
import { CrashFileSystem, PowerLossError } from '../support/crash-fs.js';
import { bytesOf, refusal } from '../store/support.js';
import { ProbeFileSystem } from './probe-fs.js';
import { downgradeToV1 } from './v1.js';

const DIR = '/data';
const CKPT = '/data/checkpoints';
const IMAGES = '/data/checkpoints/images';

function openOn(fs: CrashFileSystem | ProbeFileSystem, options: Partial<StoreOptions> = {}): Promise<PageStore> {
  return openStore({ dir: DIR, fs, durability: 'sync', segmentBytes: 1024, ...options });
}

/** A store with four pages (one compressible, one not) and a few commits; returns it with its digest. */
async function workload(fs: CrashFileSystem | ProbeFileSystem, options: Partial<StoreOptions> = {}): Promise<PageStore> {
  const s = await openOn(fs, options);
  for (let k = 0; k < 4; k++) await s.createPage({ size: k === 0 ? 2048 : 256 });
  await s.update(1, new Uint8Array(2048).fill(7));
  for (let k = 0; k < 6; k++) await s.update(2 + (k % 3), [{ offset: k * 8, bytes: bytesOf(8, k) }]);
  return s;
}

/** Waits for the retention the store runs after its last checkpoint was acknowledged (docs/adr/0008). */
async function retired(s: PageStore): Promise<void> {
  await (s as unknown as { retentionSettled(): Promise<void> }).retentionSettled();
}

function manifests(fs: CrashFileSystem): string[] {
  return fs.list(CKPT).filter((p) => p.endsWith('.ckpt'));
}

function packs(fs: CrashFileSystem): string[] {
  return fs.list(CKPT).filter((p) => p.endsWith('.pack'));
}

/** Page bytes in page id order. */
function byId(images: Map<number, Uint8Array>): Uint8Array[] {
  return [...images.keys()].sort((a, b) => a - b).map((id) => images.get(id) as Uint8Array);
}

function manifestAt(fs: CrashFileSystem, path: string): Manifest {
  const m = decodeManifest(fs.bytes(path));
  if (typeof m === 'string') throw new Error(m);
  return m;
}

describe('checkpoints', () => {
  test('a checkpoint writes every page image and a manifest, and reopening starts from it', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs);
    const digest = await s.digest();
    const info = await s.checkpoint();
    expect(info).toMatchObject({ epoch: s.epoch, pages: 4, pagesWritten: 4 });
    expect(manifests(fs)).toEqual([info.path]);
    const m = manifestAt(fs, info.path);
    expect(m.format).toBe(CHECKPOINT_FORMAT_VERSION);
    expect(m.entries.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    // Every image lies in the one pack of this checkpoint, back to back.
    expect(packs(fs)).toEqual([`${CKPT}/${packName(info.epoch)}`]);
    expect(new Set(m.entries.map((e) => e.pack))).toEqual(new Set([info.epoch]));
    expect(m.packs).toEqual([{ epoch: info.epoch, bytes: fs.bytes(`${CKPT}/${packName(info.epoch)}`).byteLength }]);
    // The page of one repeated byte compresses (LZ4, codec 3); only where it pays.
    expect(m.entries[0]?.codec).toBe(3);
    expect(m.entries.slice(1).map((e) => e.codec)).toEqual([0, 0, 0]);
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
    const first = manifests(fs)[0] as string;
    const second = await s.checkpoint();
    expect(second.pagesWritten).toBe(1);
    expect(packs(fs)).toHaveLength(2);
    const m = manifestAt(fs, second.path);
    const firstEpoch = manifestAt(fs, first).epoch;
    // The unchanged pages reference the first pack at the offsets the first manifest gave them.
    expect(m.entries.map((e) => e.pack)).toEqual([firstEpoch, firstEpoch, second.epoch, firstEpoch]);
    expect(m.entries.filter((e) => e.id !== 3)).toEqual(manifestAt(fs, first).entries.filter((e) => e.id !== 3));
    await s.close();
    const again = await openOn(fs);
    expect(again.recovery.fromCheckpoint).toBe(second.epoch);
    await again.close();
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
    await retired(s);
    expect(manifests(fs).length).toBe(2);
    const kept = manifests(fs).map((p) => manifestAt(fs, p));
    const referenced = new Set(kept.flatMap((m) => m.entries.map((e) => `${CKPT}/${packName(e.pack as number)}`)));
    expect(new Set(packs(fs))).toEqual(referenced);
    expect(fs.list(IMAGES)).toEqual([]);
    const digest = await s.digest();
    // History before the oldest kept checkpoint is gone from the log: EPOCH_STALE.
    expect(isPageError(await refusal(() => s.read(2, { epoch: 3 })), 'EPOCH_STALE')).toBe(true);
    expect(isPageError(await refusal(() => s.diff(2, 3)), 'EPOCH_STALE')).toBe(true);
    const stale: number[] = [];
    const error = await refusal(async () => {
      for await (const c of s.commits(2, 5)) stale.push(c.epoch);
    });
    // Refused before anything is yielded.
    expect(isPageError(error, 'EPOCH_STALE') && stale.length === 0, String(error)).toBe(true);
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
    const m = manifestAt(fs, second.path);
    const changed = m.entries.find((e) => e.id === 4);
    if (changed === undefined) throw new Error('page 4 missing');
    expect(changed.pack).toBe(second.epoch);
    await flipBit(fs, `${CKPT}/${packName(second.epoch)}`, changed.offset + 17, 3);
    const again = await openOn(fs);
    expect(again.recovery.fromCheckpoint).toBe(first.epoch);
    expect(again.recovery.skippedCheckpoints.map((c) => c.epoch)).toEqual([second.epoch]);
    expect(again.recovery.skippedCheckpoints[0]?.problem).toMatch(/CRC32C/);
    expect(await again.digest()).toBe(digest);
    await again.close();
    const report = await verifyStore(DIR, { fs });
    expect(report.ok).toBe(false);
    expect(report.checkpoints.find((c) => c.epoch === second.epoch)?.ok).toBe(false);
    expect(report.problems.join('\n')).toContain(packName(second.epoch));
    expect(report.problems.join('\n')).toContain('page 4');
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

  test('a store whose checkpoints are format 1 (one image file per page) opens, replays and verifies, and its next checkpoints are packs', async () => {
    const fs = new CrashFileSystem();
    const s = await workload(fs);
    const first = await s.checkpoint();
    const early = await s.read(3);
    await s.update(3, bytesOf(256, 9));
    await s.update(4, bytesOf(256, 10));
    const second = await s.checkpoint();
    const digest = await s.digest();
    await s.close();
    expect(await downgradeToV1(fs, CKPT)).toEqual([first.epoch, second.epoch]);
    expect(packs(fs)).toEqual([]);
    expect(manifestAt(fs, second.path).format).toBe(1);
    expect(fs.list(IMAGES)).toHaveLength(6);

    const again = await openOn(fs);
    expect(again.recovery.fromCheckpoint).toBe(second.epoch);
    expect(again.recovery.skippedCheckpoints).toEqual([]);
    expect(again.recovery.recordsReplayed).toBe(0);
    expect(await again.digest()).toBe(digest);
    // History from the older format-1 checkpoint.
    expect(await again.read(3, { epoch: first.epoch })).toEqual(early);
    expect((await verifyStore(DIR, { fs })).ok).toBe(true);
    // The first checkpoint after the upgrade writes every page into a pack; retention then
    // removes the format-1 manifests and their image files once no kept manifest uses them.
    await again.update(2, bytesOf(256, 11));
    expect((await again.checkpoint()).pagesWritten).toBe(4);
    await again.update(2, bytesOf(256, 12));
    expect((await again.checkpoint()).pagesWritten).toBe(1);
    await retired(again);
    expect(manifests(fs).map((p) => manifestAt(fs, p).format)).toEqual([2, 2]);
    expect(fs.list(IMAGES)).toEqual([]);
    const digest2 = await again.digest();
    await again.close();
    const third = await openOn(fs);
    expect(await third.digest()).toBe(digest2);
    await third.close();
  });

  test('a pack little of which stays in use is compacted: its pages are written again and it is retired', async () => {
    const fs = new CrashFileSystem();
    const s = await openOn(fs, { compression: 'none', keepCheckpoints: 2 });
    for (let k = 0; k < 8; k++) await s.createPage({ size: 1024 });
    const first = await s.checkpoint();
    // Two of eight pages change: the first pack stays in use for the other six.
    for (const id of [1, 2]) await s.update(id, bytesOf(1024, id));
    expect((await s.checkpoint()).pagesWritten).toBe(2);
    // Seven of eight change: one page would keep the whole first pack alive, so it is rewritten.
    for (const id of [1, 2, 3, 4, 5, 6, 7]) await s.update(id, bytesOf(1024, 20 + id));
    const third = await s.checkpoint();
    expect(third.pagesWritten).toBe(8);
    expect(new Set(manifestAt(fs, third.path).entries.map((e) => e.pack))).toEqual(new Set([third.epoch]));
    // Once the second checkpoint, the last to use it, is retired, so is the first pack.
    expect(packs(fs)).toContain(`${CKPT}/${packName(first.epoch)}`);
    await s.update(1, bytesOf(1024, 40));
    expect((await s.checkpoint()).pagesWritten).toBe(1);
    await retired(s);
    expect(packs(fs)).not.toContain(`${CKPT}/${packName(first.epoch)}`);
    const digest = await s.digest();
    await s.close();
    const again = await openOn(fs);
    expect(await again.digest()).toBe(digest);
    await again.close();
  });

  test('a past read of one page reads only its image from the pack', async () => {
    const inner = new CrashFileSystem();
    const fs = new ProbeFileSystem(inner);
    const s = await openOn(fs, { compression: 'none' });
    for (let k = 0; k < 64; k++) await s.createPage({ size: 4096 });
    await s.update(7, bytesOf(4096, 7));
    const first = await s.checkpoint();
    await s.update(7, bytesOf(4096, 8));
    await s.checkpoint();
    await s.close();
    const again = await openOn(fs);
    const before = fs.packBytesRead;
    expect(await again.read(7, { epoch: first.epoch })).toEqual(bytesOf(4096, 7));
    expect(fs.packBytesRead - before).toBe(4096);
    await again.close();
  });

  test('a crash at each directory operation of a checkpoint (creates, renames, unlinks, directory fsyncs), retention included, leaves the old or the new checkpoint valid', async () => {
    const change = async (s: PageStore): Promise<void> => {
      // Every page changes, so retention also removes the older pack.
      for (const id of [1, 2, 3, 4]) await s.update(id, bytesOf(id === 1 ? 2048 : 256, 60 + id));
    };
    const probe = new ProbeFileSystem(new CrashFileSystem());
    const ps = await workload(probe, { keepCheckpoints: 1 });
    await ps.checkpoint();
    await change(ps);
    const before = probe.dirOps;
    await ps.checkpoint();
    // Retention runs after the checkpoint is acknowledged; a crash may hit it too.
    await retired(ps);
    const ops = probe.dirOps - before;
    expect(packs(probe.inner)).toHaveLength(1);
    await ps.close();
    // pack and manifest: create, rename, directory fsync each; retention: unlink + fsync twice.
    expect(ops).toBeGreaterThanOrEqual(8);

    for (let n = 1; n <= ops + 1; n++) {
      for (const dirOps of ['prefix', 'drop', 'keep'] as const) {
        const fs = new ProbeFileSystem(new CrashFileSystem());
        const s = await workload(fs, { keepCheckpoints: 1 });
        const first = await s.checkpoint();
        await change(s);
        const digest = await s.digest();
        const epoch = s.epoch;
        fs.crashAtDirOp(n);
        const outcome = await s.checkpoint().then(
          () => 'done',
          (e: unknown) => (e instanceof PowerLossError || isPageError(e, 'IO_ERROR') ? 'crashed' : e),
        );
        expect(['done', 'crashed']).toContain(outcome);
        fs.inner.crash();
        await s.close().catch(() => undefined);
        const seed = 1000 + n;
        const after = fs.inner.afterCrash({ writes: 'mixed', seed, dirOps });
        const again = await openOn(after);
        const what = `power loss at directory operation ${n}, dirOps ${dirOps}, seed ${seed}`;
        expect(again.epoch, what).toBe(epoch);
        expect(await again.digest(), what).toBe(digest);
        expect([first.epoch, epoch], what).toContain(again.recovery.fromCheckpoint);
        await again.close();
      }
    }
  });

  test('a crash at each write and fsync of a pack written in many chunks leaves the old or the new checkpoint loadable, never a wrong page', async () => {
    const dir = '/c';
    const pageOf = (id: number, size: number, epoch: number, bytes: Uint8Array): CheckpointPage => ({ id, size, location: 'cpu', createdEpoch: 1, epoch, read: () => bytes.slice() });
    const oldBytes = Array.from({ length: 12 }, (_, k) => bytesOf(k % 3 === 0 ? 700 : 100, k));
    const newBytes = oldBytes.map((b, k) => (k % 4 === 1 ? b : bytesOf(b.byteLength, 100 + k)));
    const oldPages = oldBytes.map((b, k) => pageOf(k + 1, b.byteLength, 2, b));
    const newPages = newBytes.map((b, k) => pageOf(k + 1, b.byteLength, k % 4 === 1 ? 2 : 3, b));
    const run = async (fs: CrashFileSystem, arm: () => void): Promise<void> => {
      await fs.mkdir(dir);
      const first = await writeCheckpoint({ fs, dir, epoch: 2, pages: oldPages, previous: null, durable: true, compress: false, chunkBytes: 256 });
      arm();
      await writeCheckpoint({ fs, dir, epoch: 3, pages: newPages, previous: first.manifest, durable: true, compress: false, chunkBytes: 256 }).catch((e: unknown) => {
        if (!(e instanceof PowerLossError) && !isPageError(e, 'IO_ERROR')) throw e;
      });
      fs.crash();
    };
    const probe = new CrashFileSystem();
    let writes = 0;
    let syncs = 0;
    await run(probe, () => {
      writes = probe.writes;
      syncs = probe.fsyncs;
    });
    writes = probe.writes - writes;
    syncs = probe.fsyncs - syncs;
    const whole = await loadCheckpoint(probe.afterCrash({ writes: 'drop', seed: 1 }), dir, 3, { images: true });
    expect(byId(whole.images)).toEqual(newBytes);
    // The pack goes down in several writes, then the manifest in one; one fdatasync each.
    expect(writes).toBeGreaterThan(4);
    expect(syncs).toBe(2);
    const triggers = [];
    for (let n = 1; n <= writes; n++) triggers.push({ at: 'write' as const, n });
    for (let n = 1; n <= syncs; n++) triggers.push({ at: 'fsync' as const, n, completes: false }, { at: 'fsync' as const, n, completes: true });
    for (const [t, trigger] of triggers.entries()) {
      for (const dirOps of ['prefix', 'drop', 'keep'] as const) {
        const fs = new CrashFileSystem();
        await run(fs, () => fs.crashAt(trigger));
        const seed = t * 13 + 5;
        const after = fs.afterCrash({ writes: 'mixed', seed, dirOps });
        const what = `power loss at ${trigger.at} ${trigger.n}${trigger.at === 'fsync' && trigger.completes ? ' (completed)' : ''}, dirOps ${dirOps}, seed ${seed}`;
        // The old checkpoint is intact whatever happened to the new one.
        const old = await loadCheckpoint(after, dir, 2, { images: true });
        expect(byId(old.images), what).toEqual(oldBytes);
        // The new one, when its manifest is there, loads whole and right, or is refused as corrupt.
        const loaded = await loadCheckpoint(after, dir, 3, { images: true }).catch((e: unknown) => {
          if (isPageError(e, 'CHECKPOINT_CORRUPT') || isPageError(e, 'IO_ERROR')) return null;
          throw e;
        });
        if (loaded !== null) expect(byId(loaded.images), what).toEqual(newBytes);
      }
    }
  });
});
