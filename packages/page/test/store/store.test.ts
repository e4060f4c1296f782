import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { isPageError, openStore, sparseDelta } from '../../src/index.js';
import type { PageStore } from '../../src/index.js';
import { CrashFileSystem } from '../support/crash-fs.js';
import { bytesOf, open, refusal, tempDir } from './support.js';

let dir = '';
let remove: () => void = () => undefined;
let store: PageStore | null = null;

beforeEach(() => {
  ({ dir, remove } = tempDir());
});
afterEach(async () => {
  await store?.close();
  store = null;
  remove();
});

async function fresh(options: Parameters<typeof open>[1] = {}): Promise<PageStore> {
  store = await open(dir, options);
  return store;
}

/** Every file of the data directory with its bytes, for "the log did not change" checks. */
function filesOf(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name !== 'LOCK') out.set(p, readFileSync(p).toString('hex'));
    }
  };
  walk(root);
  return out;
}

describe('the data directory', () => {
  test('a new store lays out tlog/, checkpoints/, LOCK and its marker', async () => {
    await fresh();
    for (const name of ['tlog', 'checkpoints', 'LOCK', 'MMSB']) expect(existsSync(join(dir, name))).toBe(true);
  });

  test('the default directory is ./.mmsb', async () => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      store = await openStore({ durability: 'none' });
      expect(store.dir).toBe(join(dir, '.mmsb'));
    } finally {
      process.chdir(cwd);
    }
  });

  test('a non-empty directory without the marker is refused with NOT_A_STORE and left untouched', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    const error = await refusal(() => open(dir));
    expect(isPageError(error, 'NOT_A_STORE')).toBe(true);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  test('a file where the directory should be is NOT_A_STORE', async () => {
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(isPageError(await refusal(() => open(file)), 'NOT_A_STORE')).toBe(true);
  });

  test('a second writer is refused with STORE_LOCKED while the first holds the directory', async () => {
    await fresh();
    expect(isPageError(await refusal(() => open(dir)), 'STORE_LOCKED')).toBe(true);
  });

  test('close releases the lock, is idempotent, and every later call is STORE_CLOSED', async () => {
    const s = await fresh();
    const p = await s.createPage({ size: 16 });
    const snap = s.snapshot();
    await Promise.all([s.close(), s.close()]);
    await s.close();
    for (const call of [
      () => s.pages(),
      () => s.page(p.id),
      () => s.read(p.id),
      () => s.view(p.id),
      () => s.begin(),
      () => s.update(p.id, new Uint8Array(16)),
      () => s.createPage({ size: 8 }),
      () => s.snapshot(),
      () => s.checkpoint(),
      () => s.digest(),
      () => s.diff(0, 1),
      () => snap.read(p.id),
    ]) {
      expect(isPageError(await refusal(call), 'STORE_CLOSED')).toBe(true);
    }
    store = await open(dir);
    expect(store.pages()).toHaveLength(1);
  });
});

describe('transactions', () => {
  test('a commit applies every staged change at one new epoch, and epochs go up by one per commit', async () => {
    const s = await fresh();
    const a = await s.createPage({ size: 32 });
    const b = await s.createPage({ size: 32 });
    expect([a.epoch, b.epoch]).toEqual([1, 2]);
    const tx = s.begin();
    expect(tx.baseEpoch).toBe(2);
    tx.stage(a.id, bytesOf(32, 1));
    tx.stage(b.id, [{ offset: 4, bytes: new Uint8Array([7, 8]) }]);
    const result = await tx.commit();
    expect(result.epoch).toBe(3);
    expect(result.pagesChanged).toBe(2);
    expect(s.epoch).toBe(3);
    expect(await s.read(a.id)).toEqual(bytesOf(32, 1));
    expect((await s.read(b.id)).subarray(4, 6)).toEqual(new Uint8Array([7, 8]));
    expect(s.page(a.id).epoch).toBe(3);
    expect((await s.update(a.id, new Uint8Array(32))).epoch).toBe(4);
  });

  test('several stages of one page merge: later bytes win where they overlap', async () => {
    const s = await fresh();
    const p = await s.createPage({ size: 16 });
    const tx = s.begin();
    tx.stage(p.id, [{ offset: 0, bytes: new Uint8Array([1, 1, 1, 1]) }]);
    tx.stage(p.id, [{ offset: 2, bytes: new Uint8Array([2, 2, 2, 2]) }]);
    tx.stage(p.id, sparseDelta(p.id, 16, [{ offset: 15, bytes: new Uint8Array([9]) }]));
    await tx.commit();
    expect(Array.from(await s.read(p.id))).toEqual([1, 1, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]);
  });

  test('a second begin while one transaction is open is TX_CONFLICT; after commit or abort a new one begins', async () => {
    const s = await fresh();
    const p = await s.createPage({ size: 8 });
    const tx = s.begin();
    expect(isPageError(await refusal(() => s.begin()), 'TX_CONFLICT')).toBe(true);
    expect(isPageError(await refusal(() => s.update(p.id, new Uint8Array(8))), 'TX_CONFLICT')).toBe(true);
    tx.abort();
    tx.abort();
    const tx2 = s.begin();
    await tx2.commit();
    s.begin().abort();
  });

  test('abort leaves no trace: pages, epoch and log are as before', async () => {
    const s = await fresh();
    const p = await s.createPage({ size: 8 });
    const before = filesOf(dir);
    const tx = s.begin();
    tx.stage(p.id, bytesOf(8, 3));
    tx.abort();
    expect(s.epoch).toBe(1);
    expect(await s.read(p.id)).toEqual(new Uint8Array(8));
    expect(filesOf(dir)).toEqual(before);
    expect(isPageError(await refusal(() => tx.commit()), 'TX_CLOSED')).toBe(true);
    expect(isPageError(await refusal(() => tx.stage(p.id, bytesOf(8, 1))), 'TX_CLOSED')).toBe(true);
  });

  test('a committed transaction cannot be staged into or committed again (TX_CLOSED)', async () => {
    const s = await fresh();
    const p = await s.createPage({ size: 8 });
    const tx = s.begin();
    tx.stage(p.id, bytesOf(8, 1));
    await tx.commit();
    expect(isPageError(await refusal(() => tx.commit()), 'TX_CLOSED')).toBe(true);
    expect(isPageError(await refusal(() => tx.stage(p.id, bytesOf(8, 1))), 'TX_CLOSED')).toBe(true);
  });

  test('an empty transaction commits nothing and keeps the epoch', async () => {
    const s = await fresh();
    await s.createPage({ size: 8 });
    expect(await s.begin().commit()).toEqual({ epoch: 1, pagesChanged: 0, recordBytes: 0 });
    expect(s.epoch).toBe(1);
  });

  test('staged bytes are copied: reusing the caller buffer before commit changes nothing', async () => {
    const s = await fresh();
    const p = await s.createPage({ size: 4 });
    const buf = new Uint8Array([1, 2, 3, 4]);
    const tx = s.begin();
    tx.stage(p.id, buf);
    buf.fill(9);
    await tx.commit();
    expect(Array.from(await s.read(p.id))).toEqual([1, 2, 3, 4]);
  });

  test('back-to-back updates without awaiting share the log and all land in order', async () => {
    const s = await fresh({ durability: 'group' });
    const p = await s.createPage({ size: 8 });
    const results = await Promise.all([1, 2, 3, 4, 5].map((k) => s.update(p.id, [{ offset: k, bytes: new Uint8Array([k]) }])));
    expect(results.map((r) => r.epoch)).toEqual([2, 3, 4, 5, 6]);
    expect(Array.from(await s.read(p.id))).toEqual([0, 1, 2, 3, 4, 5, 0, 0]);
  });

  test('pages get ids in order unless one is given; a taken id is PAGE_EXISTS', async () => {
    const s = await fresh();
    expect((await s.createPage({ size: 8 })).id).toBe(1);
    expect((await s.createPage({ size: 8, id: 10 })).id).toBe(10);
    expect((await s.createPage({ size: 8 })).id).toBe(11);
    expect(isPageError(await refusal(() => s.createPage({ size: 8, id: 10 })), 'PAGE_EXISTS')).toBe(true);
    expect(s.pages().map((p) => p.id)).toEqual([1, 10, 11]);
  });

  test('pages created with ids out of order are all found, and ids never created are PAGE_NOT_FOUND', async () => {
    const s = await fresh();
    for (const id of [3, 4, 1, 6, 2]) await s.createPage({ size: 8, id });
    await s.createPage({ size: 8 });
    for (const id of [1, 2, 3, 4, 6, 7]) {
      await s.update(id, bytesOf(8, id));
      expect(s.view(id)).toEqual(bytesOf(8, id));
    }
    for (const id of [0, 5, 8, 1000]) expect(() => s.view(id)).toThrow(expect.objectContaining({ code: 'PAGE_NOT_FOUND' }) as Error);
  });

  test('every location holds bytes; gpu falls back to the host when no device exists', async () => {
    const s = await fresh();
    for (const location of ['cpu', 'shared', 'mapped', 'gpu'] as const) {
      const p = await s.createPage({ size: 64, location });
      expect(p.location).toBe(location);
      await s.update(p.id, bytesOf(64, p.id));
      expect(await s.read(p.id)).toEqual(bytesOf(64, p.id));
    }
    await s.close();
    store = await open(dir);
    for (const p of store.pages()) expect(await store.read(p.id)).toEqual(bytesOf(64, p.id));
  });
});

describe('bad input is a typed error and changes neither state nor log', () => {
  test('every public function refuses bad arguments with its code', async () => {
    const s = await fresh();
    const p = await s.createPage({ size: 16 });
    await s.update(p.id, bytesOf(16, 1));
    const digest = await s.digest();
    const files = filesOf(dir);
    const cases: [string, () => unknown][] = [
      ['PAGE_NOT_FOUND', () => s.update(99, new Uint8Array(16))],
      ['PAGE_NOT_FOUND', () => s.read(99)],
      ['PAGE_NOT_FOUND', () => s.page(99)],
      ['PAGE_NOT_FOUND', () => s.view(99)],
      ['PAGE_NOT_FOUND', () => s.read(p.id, { epoch: 0 })],
      ['INVALID_ARGUMENT', () => s.read(-1)],
      ['INVALID_ARGUMENT', () => s.read(1.5)],
      ['DELTA_MISMATCH', () => s.update(p.id, new Uint8Array(15))],
      ['DELTA_OUT_OF_RANGE', () => s.update(p.id, [{ offset: 10, bytes: new Uint8Array(7) }])],
      ['DELTA_MISMATCH', () => s.update(p.id, sparseDelta(p.id + 1, 16, []))],
      ['DELTA_MISMATCH', () => s.update(p.id, sparseDelta(p.id, 32, []))],
      ['INVALID_ARGUMENT', () => s.update(p.id, null as unknown as Uint8Array)],
      ['INVALID_ARGUMENT', () => s.update(p.id, { kind: 'weird' } as unknown as Uint8Array)],
      ['INVALID_ARGUMENT', () => s.createPage({ size: 0 })],
      ['INVALID_ARGUMENT', () => s.createPage({ size: 1.5 })],
      ['INVALID_ARGUMENT', () => s.createPage({ size: 8, location: 'disk' as 'cpu' })],
      ['INVALID_ARGUMENT', () => s.createPage({ size: 8, id: -3 })],
      ['INVALID_ARGUMENT', () => s.createPage(null as unknown as { size: number })],
      ['EPOCH_FUTURE', () => s.read(p.id, { epoch: 3 })],
      ['EPOCH_FUTURE', () => s.digest({ epoch: 3 })],
      ['EPOCH_FUTURE', () => s.diff(0, 3)],
      ['INVALID_ARGUMENT', () => s.diff(2, 1)],
      ['INVALID_ARGUMENT', () => s.read(p.id, { epoch: -1 })],
      ['INVALID_ARGUMENT', () => s.digest({ epoch: 0.5 })],
      ['INVALID_ARGUMENT', () => s.checkpoint(5 as unknown as object)],
    ];
    for (const [code, call] of cases) {
      const error = await refusal(call);
      expect(isPageError(error, code as 'INVALID_ARGUMENT'), `${code}: ${String(error)}`).toBe(true);
    }
    const tx = s.begin();
    expect(isPageError(await refusal(() => tx.stage(p.id, new Uint8Array(3))), 'DELTA_MISMATCH')).toBe(true);
    tx.stage(p.id, [{ offset: 0, bytes: new Uint8Array([5]) }]);
    expect(isPageError(await refusal(() => tx.stage(42, new Uint8Array(3))), 'PAGE_NOT_FOUND')).toBe(true);
    tx.abort();
    expect(s.epoch).toBe(2);
    expect(await s.digest()).toBe(digest);
    expect(filesOf(dir)).toEqual(files);
  });

  test('a refused stage keeps what was staged before it', async () => {
    const s = await fresh();
    const p = await s.createPage({ size: 4 });
    const tx = s.begin();
    tx.stage(p.id, [{ offset: 0, bytes: new Uint8Array([1]) }]);
    expect(isPageError(await refusal(() => tx.stage(p.id, [{ offset: 4, bytes: new Uint8Array([1]) }])), 'DELTA_OUT_OF_RANGE')).toBe(true);
    await tx.commit();
    expect(Array.from(await s.read(p.id))).toEqual([1, 0, 0, 0]);
  });

  test('bad options are refused before the directory is touched', async () => {
    const target = join(dir, 'never');
    for (const options of [{ durability: 'maybe' }, { keepCheckpoints: 0 }, { compression: 'zstd' }, { repair: 'yes' }, { dir: '' }]) {
      expect(isPageError(await refusal(() => openStore({ dir: target, ...options } as never)), 'INVALID_ARGUMENT')).toBe(true);
    }
    expect(existsSync(target)).toBe(false);
  });
});

describe('snapshots and isolation', () => {
  test('a snapshot keeps reading its epoch while later commits land, and pages created later are absent', async () => {
    const s = await fresh();
    const a = await s.createPage({ size: 16 });
    await s.update(a.id, bytesOf(16, 1));
    const snap = s.snapshot();
    expect(snap.epoch).toBe(2);
    await s.update(a.id, bytesOf(16, 2));
    await s.update(a.id, [{ offset: 3, bytes: new Uint8Array([0xee]) }]);
    const b = await s.createPage({ size: 8 });
    expect(snap.read(a.id)).toEqual(bytesOf(16, 1));
    expect(snap.pages()).toEqual([{ id: a.id, size: 16, location: 'cpu', epoch: 2 }]);
    expect(isPageError(await refusal(() => snap.read(b.id)), 'PAGE_NOT_FOUND')).toBe(true);
    const now = await s.read(a.id);
    expect(now[3]).toBe(0xee);
    snap.release();
    snap.release();
    expect(isPageError(await refusal(() => snap.read(a.id)), 'INVALID_ARGUMENT')).toBe(true);
  });

  test('snapshots at several epochs each see their own state', async () => {
    const s = await fresh();
    const a = await s.createPage({ size: 8 });
    const snaps = [];
    for (let k = 1; k <= 5; k++) {
      await s.update(a.id, bytesOf(8, k));
      snaps.push(s.snapshot());
    }
    snaps[2]?.release();
    await s.update(a.id, bytesOf(8, 99));
    snaps.forEach((snap, k) => {
      if (k !== 2) expect(snap.read(a.id)).toEqual(bytesOf(8, k + 1));
    });
    for (const snap of snaps) snap.release();
  });

  test('a snapshot never sees a commit that was in flight when it was taken half-applied', async () => {
    const s = await fresh({ durability: 'group' });
    const a = await s.createPage({ size: 8 });
    const b = await s.createPage({ size: 8 });
    const tx = s.begin();
    tx.stage(a.id, bytesOf(8, 5));
    tx.stage(b.id, bytesOf(8, 5));
    const pending = tx.commit();
    const snap = s.snapshot();
    expect(snap.read(a.id)).toEqual(snap.read(b.id));
    await pending;
    snap.release();
  });

  test('reads at past epochs come from snapshots kept versions or from replay, and agree', async () => {
    const s = await fresh();
    const a = await s.createPage({ size: 32 });
    const digests: string[] = [await s.digest({ epoch: 0 }), await s.digest()];
    for (let k = 1; k <= 6; k++) {
      await s.update(a.id, [{ offset: k, bytes: bytesOf(4, k) }]);
      digests.push(await s.digest());
      if (k === 3) await s.checkpoint();
    }
    for (let e = 0; e <= s.epoch; e++) expect(await s.digest({ epoch: e })).toBe(digests[e]);
    const snap = s.snapshot();
    await s.update(a.id, bytesOf(32, 7));
    expect(await s.digest({ epoch: 7 })).toBe(digests[7]);
    snap.release();
  });
});

describe('diff', () => {
  test('diff(a, b) holds one merged bound delta per changed page, sorted by id, that takes a to b', async () => {
    const s = await fresh();
    const a = await s.createPage({ size: 16 });
    const b = await s.createPage({ size: 16 });
    const c = await s.createPage({ size: 16 });
    await s.update(b.id, [{ offset: 0, bytes: new Uint8Array([1, 2]) }]);
    await s.update(a.id, [{ offset: 8, bytes: new Uint8Array([3]) }]);
    await s.update(b.id, [{ offset: 1, bytes: new Uint8Array([9, 9]) }]);
    const deltas = await s.diff(3, 6);
    expect(deltas.map((d) => d.pageId)).toEqual([a.id, b.id]);
    expect(await s.diff(6, 6)).toEqual([]);
    const { applyDelta } = await import('../../src/index.js');
    for (const d of deltas) {
      const before = await s.read(d.pageId, { epoch: 3 });
      applyDelta(before, d);
      expect(before).toEqual(await s.read(d.pageId));
    }
    expect(c.id).toBe(3);
    expect(await s.diff(0, 6)).toHaveLength(2);
  });
  test('the deltas kept for old epochs are not overwritten by later transactions staging runs', async () => {
    const s = await fresh();
    const a = await s.createPage({ size: 64 });
    const b = await s.createPage({ size: 64 });
    const snap = s.snapshot();
    const { epoch: mid } = await s.update(a.id, [{ offset: 4, bytes: new Uint8Array([1, 2, 3]) }]);
    // Later transactions stage other runs (the stagings are reused across transactions).
    for (let k = 0; k < 20; k++) {
      const tx = s.begin();
      tx.stage(k % 2 === 0 ? a.id : b.id, [{ offset: 4, bytes: new Uint8Array([7, 7, 7, 7, 7]) }]);
      tx.stage(b.id, [{ offset: k, bytes: new Uint8Array([k]) }]);
      await tx.commit();
    }
    const [delta] = await s.diff(mid - 1, mid);
    expect(delta?.kind).toBe('sparse');
    if (delta?.kind === 'sparse') expect([...delta.runs.data]).toEqual([1, 2, 3]);
    expect([...(await s.read(a.id, { epoch: mid })).subarray(0, 8)]).toEqual([0, 0, 0, 0, 1, 2, 3, 0]);
    expect([...snap.read(a.id).subarray(0, 8)]).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    snap.release();
  });
});

describe('commits', () => {
  test('yields each commit after fromEpoch with its deltas, which replay every epoch exactly', async () => {
    const s = await fresh();
    const a = await s.createPage({ size: 16 });
    const b = await s.createPage({ size: 16 });
    await s.update(b.id, [{ offset: 0, bytes: new Uint8Array([1, 2]) }]);
    const tx = s.begin();
    tx.stage(b.id, [{ offset: 1, bytes: new Uint8Array([9, 9]) }]);
    tx.stage(a.id, new Uint8Array(16).fill(4));
    await tx.commit();
    await s.update(a.id, [{ offset: 8, bytes: new Uint8Array([3]) }]);
    const seen: number[] = [];
    for await (const { epoch, deltas } of s.commits(2, 5)) {
      seen.push(epoch);
      // Sorted by page id, and each equal to the one-epoch diff.
      expect(deltas.map((d) => d.pageId)).toEqual([...deltas.map((d) => d.pageId)].sort((x, y) => x - y));
      expect(deltas).toEqual(await s.diff(epoch - 1, epoch));
      const { applyDelta } = await import('../../src/index.js');
      for (const d of deltas) {
        const before = await s.read(d.pageId, { epoch: epoch - 1 });
        applyDelta(before, d);
        expect(before).toEqual(await s.read(d.pageId, { epoch }));
      }
    }
    expect(seen).toEqual([3, 4, 5]);
    const none: number[] = [];
    for await (const c of s.commits(5, 5)) none.push(c.epoch);
    expect(none).toEqual([]);
  });
  test('refuses bad ranges with the codes of diff', async () => {
    const s = await fresh();
    const a = await s.createPage({ size: 8 });
    await s.update(a.id, new Uint8Array(8).fill(1));
    const drain = async (from: number, to: number): Promise<void> => {
      for await (const c of s.commits(from, to)) void c;
    };
    const cases: [string, () => Promise<void>][] = [
      ['EPOCH_FUTURE', () => drain(0, 3)],
      ['INVALID_ARGUMENT', () => drain(2, 1)],
      ['INVALID_ARGUMENT', () => drain(-1, 1)],
    ];
    for (const [code, call] of cases) {
      const error = await refusal(call);
      expect(isPageError(error, code as 'INVALID_ARGUMENT'), `${code}: ${String(error)}`).toBe(true);
    }
  });
});

describe('recovery', () => {
  test('reopening keeps exactly the acknowledged commits, bytes and page table', async () => {
    const s = await fresh({ durability: 'sync' });
    const a = await s.createPage({ size: 64, location: 'shared' });
    const b = await s.createPage({ size: 128 });
    for (let k = 0; k < 20; k++) {
      const tx = s.begin();
      tx.stage(a.id, [{ offset: k, bytes: bytesOf(3, k) }]);
      if (k % 3 === 0) tx.stage(b.id, bytesOf(128, k));
      await tx.commit();
    }
    const digest = await s.digest();
    const pages = s.pages();
    await s.close();
    store = await open(dir, { durability: 'sync' });
    expect(store.epoch).toBe(22);
    expect(store.pages()).toEqual(pages);
    expect(await store.digest()).toBe(digest);
    expect(store.recovery.fromCheckpoint).toBeNull();
    expect(store.recovery.recordsReplayed).toBe(22);
  });

  test('a failed log write undoes the commit in memory, so memory matches the log after reopening', async () => {
    const fs = new CrashFileSystem();
    const s = await openStore({ dir: '/data', fs, durability: 'sync', segmentBytes: 4096 });
    const p = await s.createPage({ size: 16 });
    await s.update(p.id, bytesOf(16, 1));
    const digest = await s.digest();
    fs.failAt('write', 1);
    const error = await refusal(() => s.update(p.id, bytesOf(16, 2)));
    expect(isPageError(error, 'IO_ERROR')).toBe(true);
    expect(s.epoch).toBe(2);
    expect(await s.read(p.id)).toEqual(bytesOf(16, 1));
    expect(await s.digest()).toBe(digest);
    expect(isPageError(await refusal(() => s.update(p.id, bytesOf(16, 3))), 'IO_ERROR')).toBe(true);
    await s.close();
    const again = await openStore({ dir: '/data', fs, durability: 'sync', segmentBytes: 4096 });
    expect(again.epoch).toBe(2);
    expect(await again.digest()).toBe(digest);
    await again.close();
  });

  test('a failed log write with commits queued behind it undoes all of them, newest first', async () => {
    const fs = new CrashFileSystem();
    const s = await openStore({ dir: '/data', fs, durability: 'group', segmentBytes: 4096 });
    const p = await s.createPage({ size: 8 });
    await s.update(p.id, bytesOf(8, 1));
    const digest = await s.digest();
    fs.failAt('fsync', 1);
    const results = await Promise.allSettled([
      s.update(p.id, [{ offset: 0, bytes: new Uint8Array([7]) }]),
      s.update(p.id, [{ offset: 0, bytes: new Uint8Array([8]) }]),
      s.createPage({ size: 8 }),
    ]);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(s.epoch).toBe(2);
    expect(s.pages()).toHaveLength(1);
    expect(await s.digest()).toBe(digest);
    await s.close();
  });

  test('none: commits made in one synchronous run go to the log together; a failed write undoes all of them and later ones', async () => {
    const fs = new CrashFileSystem();
    const s = await openStore({ dir: '/data', fs, durability: 'none', segmentBytes: 4096 });
    const p = await s.createPage({ size: 8 });
    await s.update(p.id, bytesOf(8, 1));
    const digest = await s.digest();
    fs.failAt('write', 1);
    const results = await Promise.allSettled([
      s.update(p.id, [{ offset: 0, bytes: new Uint8Array([7]) }]),
      s.createPage({ size: 8 }),
      s.update(p.id, [{ offset: 1, bytes: new Uint8Array([8]) }]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(results.every((r) => r.status === 'rejected' && isPageError(r.reason, 'IO_ERROR'))).toBe(true);
    expect(s.epoch).toBe(2);
    expect(s.pages()).toHaveLength(1);
    expect(await s.digest()).toBe(digest);
    expect(isPageError(await refusal(() => s.update(p.id, bytesOf(8, 3))), 'IO_ERROR')).toBe(true);
    await s.close();
  });

  test('none: a run of commits is acknowledged in epoch order and replays to the same state', async () => {
    const fs = new CrashFileSystem();
    const s = await openStore({ dir: '/data', fs, durability: 'none', segmentBytes: 1024 });
    const p = await s.createPage({ size: 16 });
    const acked: number[] = [];
    const pending: Promise<unknown>[] = [];
    for (let k = 0; k < 100; k++) {
      pending.push(s.update(p.id, [{ offset: k % 16, bytes: new Uint8Array([k]) }]).then((r) => acked.push(r.epoch)));
      if (k % 37 === 0) await Promise.resolve();
    }
    await Promise.all(pending);
    expect(acked).toEqual(Array.from({ length: 100 }, (_, k) => k + 2));
    const digest = await s.digest();
    const diff = await s.diff(1, s.epoch);
    expect(diff).toHaveLength(1);
    await s.close();
    const again = await openStore({ dir: '/data', fs, durability: 'none', segmentBytes: 1024 });
    expect(again.epoch).toBe(101);
    expect(await again.digest()).toBe(digest);
    await again.close();
  });

  test('power loss at any fsync during commits keeps every acknowledged commit, and nothing but whole commits', async () => {
    for (let n = 1; n <= 12; n++) {
      const fs = new CrashFileSystem();
      const s = await openStore({ dir: '/data', fs, durability: 'group', segmentBytes: 1024 });
      const a = await s.createPage({ size: 64 });
      const b = await s.createPage({ size: 64 });
      const digests = new Map<number, string>([[s.epoch, await s.digest()]]);
      let acked = s.epoch;
      fs.crashAt({ at: 'fsync', n });
      const pending: Promise<unknown>[] = [];
      for (let k = 0; k < 30 && !fs.crashed; k++) {
        const tx = s.begin();
        tx.stage(a.id, bytesOf(64, k));
        tx.stage(b.id, [{ offset: k, bytes: bytesOf(8, k) }]);
        const commit = tx.commit();
        digests.set(s.epoch, await s.digest());
        pending.push(commit.then((r) => (acked = Math.max(acked, r.epoch))).catch(() => undefined));
        if (k % 3 === 2) await Promise.all(pending);
      }
      await Promise.all(pending);
      fs.crash();
      await s.close().catch(() => undefined);
      const again = await openStore({ dir: '/data', fs: fs.afterCrash({ writes: 'mixed', seed: n }), durability: 'group', segmentBytes: 1024 });
      expect(again.epoch, `power loss at fsync ${n}`).toBeGreaterThanOrEqual(acked);
      expect(await again.digest(), `power loss at fsync ${n}`).toBe(digests.get(again.epoch));
      await again.close();
    }
  });

  test('mkdir of a directory nested in a missing parent works and the store reopens', async () => {
    const nested = join(dir, 'a', 'b');
    mkdirSync(join(dir, 'a'));
    store = await open(nested);
    await store.createPage({ size: 4 });
    await store.close();
    store = await open(nested);
    expect(store.pages()).toHaveLength(1);
  });
});
