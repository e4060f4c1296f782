/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index arrays and maps they just filled */
import { replayStore } from '@mmsb/page';
import { afterEach, describe, expect, it } from 'vitest';
import { DerivedPageError, openDerivedPages, replayDerivedPages } from '../../src/index.js';
import type { DerivedRecompute } from '../../src/index.js';
import { cleanup, filled, freshDir, openTestStore, sources, sumPlusOne } from './helpers.js';

afterEach(cleanup);

const xorAll: DerivedRecompute = (inputs, previous) => {
  const out = new Uint8Array(previous.length);
  for (const input of inputs) for (let k = 0; k < out.length; k++) out[k]! ^= input[k]!;
  return out;
};

describe('replay of derived pages', () => {
  it('gives the same bytes with and without running the recompute functions', async () => {
    const store = await openTestStore();
    const [a, b] = await sources(store, 2);
    const engine = openDerivedPages(store);
    const s = await engine.derive({ key: 'sum', inputs: [a!, b!], size: 8, recompute: sumPlusOne });
    const x = await engine.derive({ key: 'xor', inputs: [s.pageId, b!], size: 8, recompute: xorAll });
    for (let i = 0; i < 10; i++) await engine.update(i % 2 === 0 ? a! : b!, [{ offset: i % 8, bytes: new Uint8Array([i * 7]) }]);
    const logged = await replayStore(store.dir);
    const report = await replayDerivedPages(store, { functions: { sum: sumPlusOne, xor: xorAll } });
    expect(report.ok).toBe(true);
    expect(report.mismatches).toEqual([]);
    expect(report.fromEpoch).toBe(0);
    expect(report.toEpoch).toBe(store.epoch);
    expect(report.recomputed).toBeGreaterThanOrEqual(20);
    expect(report.digest).toBe(logged.digest);
    expect(report.digest).toBe(await store.digest());
    expect([...(report.pages.get(x.pageId) ?? [])]).toEqual([...store.view(x.pageId)]);
    expect((await engine.verifyReplay()).ok).toBe(true);
  });

  it('reports progress in epochs, from none to all, and refuses a progress callback that is not a function', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    for (let i = 0; i < 600; i++) await engine.update(a!, [{ offset: i % 8, bytes: new Uint8Array([i & 0xff]) }]);
    const calls: [number, number, string][] = [];
    const report = await engine.verifyReplay({ onProgress: (done, total, what) => calls.push([done, total, what]) });
    expect(report.ok).toBe(true);
    const total = report.toEpoch - report.fromEpoch;
    expect(calls[0]).toEqual([0, total, 'epochs']);
    expect(calls.at(-1)).toEqual([total, total, 'epochs']);
    expect(calls.length).toBeGreaterThan(2);
    for (let k = 1; k < calls.length; k++) expect(calls[k]![0]).toBeGreaterThanOrEqual(calls[k - 1]![0]);
    const refused = await engine.verifyReplay({ onProgress: 5 as unknown as () => void }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(DerivedPageError);
    expect((refused as DerivedPageError).code).toBe('INVALID_ARGUMENT');
  });

  it('replays up to an earlier epoch', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    const d = await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    const { epoch } = await engine.update(a!, filled(8, 5));
    await engine.update(a!, filled(8, 9));
    const report = await replayDerivedPages(store, { functions: { d: sumPlusOne }, toEpoch: epoch });
    expect(report.ok).toBe(true);
    expect(report.digest).toBeNull();
    expect(report.pages.get(d.pageId)?.[0]).toBe(6);
  });

  it('reports a non-deterministic recompute as a mismatch, by page and epoch', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    let salt = 0;
    const drifting: DerivedRecompute = ([x]) => {
      salt++;
      return new Uint8Array(8).fill((x![0]! + salt) & 0xff);
    };
    const steady = await engine.derive({ key: 'steady', inputs: [a!], size: 8, recompute: sumPlusOne });
    const drift = await engine.derive({ key: 'drift', inputs: [a!], size: 8, recompute: drifting });
    const registered = store.epoch;
    const { epoch } = await engine.update(a!, filled(8, 3));
    salt = 100;
    const report = await replayDerivedPages(store, { functions: { steady: sumPlusOne, drift: drifting } });
    expect(report.ok).toBe(false);
    expect(report.mismatches).toEqual([
      { epoch: registered, pageId: drift.pageId, key: 'drift' },
      { epoch, pageId: drift.pageId, key: 'drift' },
    ]);
    expect(report.mismatches.some((m) => m.pageId === steady.pageId)).toBe(false);
    expect(report.digest).not.toBe(await store.digest());
  });

  it('reports the epochs at which a write behind the engine’s back left derived pages stale', async () => {
    const store = await openTestStore();
    const [a, b] = await sources(store, 2);
    const engine = openDerivedPages(store);
    const d = await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    const { epoch: stale } = await store.update(a!, filled(8, 2));
    await engine.update(b!, filled(8, 1));
    const report = await replayDerivedPages(store, { functions: { d: sumPlusOne } });
    expect(report.mismatches).toEqual([{ epoch: stale, pageId: d.pageId, key: 'd' }]);
    expect(report.digest).toBe(await store.digest());
  });

  it('needs a function for every registration it meets', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    await expect(replayDerivedPages(store, { functions: {} })).rejects.toMatchObject({ code: 'NOT_ATTACHED', key: 'd' });
    await expect(replayDerivedPages(store, { functions: { d: sumPlusOne }, toEpoch: store.epoch + 1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('starts from a checkpoint when the log before it was retired', async () => {
    const dir = freshDir();
    const store = await openTestStore(dir, { segmentBytes: 256, keepCheckpoints: 1 });
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    const d = await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    for (let v = 1; v <= 5; v++) await engine.update(a!, filled(8, v));
    const { epoch: covered } = await store.checkpoint();
    for (let v = 6; v <= 8; v++) await engine.update(a!, filled(8, v));
    await store.checkpoint();
    for (let v = 9; v <= 10; v++) await engine.update(a!, filled(8, v));
    const report = await replayDerivedPages(store, { functions: { d: sumPlusOne } });
    expect(report.ok).toBe(true);
    expect(report.fromEpoch).toBeGreaterThan(covered);
    expect(report.digest).toBe(await store.digest());
    expect(report.pages.get(d.pageId)?.[0]).toBe(11);
    const from = await replayDerivedPages(store, { functions: { d: sumPlusOne }, fromEpoch: store.epoch - 2 });
    expect(from.ok).toBe(true);
    expect(from.recomputed).toBe(2);
  });
});

describe('reopening a store', () => {
  it('re-attaches recompute functions by key and goes on propagating', async () => {
    const dir = freshDir();
    let store = await openTestStore(dir);
    const [a, b] = await sources(store, 2);
    let engine = openDerivedPages(store, { registryPageSize: 64 });
    const s = await engine.derive({ key: 'sum', inputs: [a!, b!], size: 8, recompute: sumPlusOne });
    const x = await engine.derive({ key: 'xor-with-a-longer-key', inputs: [s.pageId, a!], size: 8, recompute: xorAll });
    await engine.update(a!, filled(8, 4));
    expect(engine.registryPageIds().length).toBe(2);
    const digest = await store.digest();
    await store.close();

    store = await openTestStore(dir);
    engine = openDerivedPages(store, { functions: { sum: sumPlusOne } });
    expect(engine.registrations()).toEqual([
      { key: 'sum', pageId: s.pageId, size: 8, inputs: [a!, b!], attached: true },
      { key: 'xor-with-a-longer-key', pageId: x.pageId, size: 8, inputs: [s.pageId, a!], attached: false },
    ]);
    expect(await store.digest()).toBe(digest);
    await expect(engine.update(b!, filled(8, 1))).rejects.toMatchObject({ code: 'NOT_ATTACHED', key: 'xor-with-a-longer-key' });
    expect(await store.digest()).toBe(digest);
    const again = await engine.derive({ key: 'xor-with-a-longer-key', inputs: [s.pageId, a!], size: 8, recompute: xorAll });
    expect(again.pageId).toBe(x.pageId);
    const epoch = store.epoch;
    await engine.update(b!, filled(8, 1));
    expect(store.epoch).toBe(epoch + 1);
    expect(store.view(s.pageId)[0]).toBe(6);
    expect(store.view(x.pageId)[0]).toBe(6 ^ 4);
    await engine.derive({ key: 'third', inputs: [x.pageId], size: 8, recompute: sumPlusOne });
    expect((await engine.verifyReplay()).ok).toBe(true);
  });

  it('refuses functions for unknown keys and registrations that do not match', async () => {
    const dir = freshDir();
    let store = await openTestStore(dir);
    const [a, b] = await sources(store, 2);
    await openDerivedPages(store).derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    await store.close();
    store = await openTestStore(dir);
    expect(() => openDerivedPages(store, { functions: { e: sumPlusOne } })).toThrow(expect.objectContaining({ code: 'UNKNOWN_KEY', key: 'e' }) as Error);
    const engine = openDerivedPages(store);
    expect(() => engine.attach('e', sumPlusOne)).toThrow(expect.objectContaining({ code: 'UNKNOWN_KEY' }) as Error);
    await expect(engine.derive({ key: 'd', inputs: [b!], size: 8, recompute: sumPlusOne })).rejects.toMatchObject({ code: 'REGISTRATION_MISMATCH', key: 'd' });
    await expect(engine.derive({ key: 'd', inputs: [a!], size: 4, recompute: sumPlusOne })).rejects.toMatchObject({ code: 'REGISTRATION_MISMATCH' });
    expect(engine.attach('d', sumPlusOne)).toMatchObject({ key: 'd', attached: true });
  });

  it('refuses a registry whose chain is broken', async () => {
    const dir = freshDir();
    let store = await openTestStore(dir);
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store, { registryPageSize: 64 });
    await engine.deriveMany([
      { key: 'one', inputs: [a!], size: 8, recompute: sumPlusOne },
      { key: 'two', inputs: [a!], size: 8, recompute: sumPlusOne },
    ]);
    const [, second] = engine.registryPageIds();
    await store.update(second!, new Uint8Array(64));
    await store.close();
    store = await openTestStore(dir);
    expect(() => openDerivedPages(store)).toThrow(expect.objectContaining({ code: 'REGISTRY_CORRUPT' }) as Error);
  });
});
