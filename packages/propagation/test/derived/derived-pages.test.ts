/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index arrays and maps they just filled */
import { PageError, replayStore, sparseDelta } from '@mmsb/page';
import { afterEach, describe, expect, it } from 'vitest';
import { DerivedPageError, PropagationError, openDerivedPages } from '../../src/index.js';
import type { DerivedRecompute, PropagationEvent } from '../../src/index.js';
import { cleanup, filled, openTestStore, sources, sumPlusOne } from './helpers.js';

afterEach(cleanup);

/** Wraps `fn` to count its calls per key. */
function counted(calls: Map<string, number>, key: string, fn: DerivedRecompute): DerivedRecompute {
  return (inputs, previous) => {
    calls.set(key, (calls.get(key) ?? 0) + 1);
    return fn(inputs, previous);
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('waves', () => {
  it('a chain recomputes each page once, in order, in the commit of its source', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    const calls = new Map<string, number>();
    const d1 = await engine.derive({ key: 'd1', inputs: [a!], size: 8, recompute: counted(calls, 'd1', sumPlusOne) });
    const d2 = await engine.derive({ key: 'd2', inputs: [d1.pageId], size: 8, recompute: counted(calls, 'd2', sumPlusOne) });
    const d3 = await engine.derive({ key: 'd3', inputs: [d2.pageId], size: 8, recompute: counted(calls, 'd3', sumPlusOne) });
    expect([...store.view(d3.pageId)]).toEqual([...filled(8, 3)]);
    calls.clear();
    const before = store.epoch;
    const result = await engine.update(a!, filled(8, 10));
    expect(result.epoch).toBe(before + 1);
    expect(store.epoch).toBe(before + 1);
    expect(result.recomputed).toBe(3);
    expect(result.pagesChanged).toBe(4);
    expect(Object.fromEntries(calls)).toEqual({ d1: 1, d2: 1, d3: 1 });
    expect([...store.view(d1.pageId)]).toEqual([...filled(8, 11)]);
    expect([...store.view(d3.pageId)]).toEqual([...filled(8, 13)]);
  });

  it('a diamond recomputes its bottom once and never shows it a mix of old and new inputs', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1, 1);
    const engine = openDerivedPages(store);
    const b = await engine.derive({ key: 'b', inputs: [a!], size: 1, recompute: ([x]) => new Uint8Array([(x![0]! + 1) & 0xff]) });
    const c = await engine.derive({ key: 'c', inputs: [a!], size: 1, recompute: ([x]) => new Uint8Array([(x![0]! + 2) & 0xff]) });
    const seen: [number, number][] = [];
    const d = await engine.derive({
      key: 'd',
      inputs: [b.pageId, c.pageId],
      size: 1,
      recompute: ([x, y]) => {
        seen.push([x![0]!, y![0]!]);
        return new Uint8Array([(x![0]! * 3 + y![0]!) & 0xff]);
      },
    });
    seen.length = 0;
    for (let v = 1; v <= 20; v++) await engine.update(a!, new Uint8Array([v]));
    expect(seen).toHaveLength(20);
    for (const [x, y] of seen) expect(y).toBe(x + 1);
    expect(store.view(d.pageId)[0]).toBe((21 * 3 + 22) & 0xff);
  });

  it('a wide fan-out recomputes every dependent once in one wave', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    const calls = new Map<string, number>();
    const specs = Array.from({ length: 300 }, (_, i) => ({ key: `f${i}`, inputs: [a!], size: 8, recompute: counted(calls, `f${i}`, sumPlusOne) }));
    const infos = await engine.deriveMany(specs);
    calls.clear();
    const result = await engine.update(a!, [{ offset: 2, bytes: new Uint8Array([7]) }]);
    expect(result.recomputed).toBe(300);
    expect(calls.size).toBe(300);
    expect([...calls.values()].every((n) => n === 1)).toBe(true);
    for (const info of infos) expect(store.view(info.pageId)[2]).toBe(8);
  });

  it('pages nobody derives from are committed without a wave', async () => {
    const store = await openTestStore();
    const [a, lone] = await sources(store, 2);
    const engine = openDerivedPages(store);
    await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    const result = await engine.update(lone!, filled(8, 5));
    expect(result.recomputed).toBe(0);
    expect(result.pagesChanged).toBe(1);
    expect(store.view(lone!)[0]).toBe(5);
  });
});

describe('cutoff', () => {
  it('a derived page whose bytes do not change stops the wave, unless another input changed', async () => {
    const store = await openTestStore();
    const [a, b] = await sources(store, 2, 1);
    const engine = openDerivedPages(store);
    const calls = new Map<string, number>();
    const low = await engine.derive({ key: 'low', inputs: [a!], size: 1, recompute: counted(calls, 'low', ([x]) => new Uint8Array([x![0]! & 0x0f])) });
    await engine.derive({ key: 'after', inputs: [low.pageId], size: 1, recompute: counted(calls, 'after', sumPlusOne) });
    await engine.derive({ key: 'mixed', inputs: [low.pageId, b!], size: 1, recompute: counted(calls, 'mixed', sumPlusOne) });
    calls.clear();
    const cutoff = await engine.update(a!, new Uint8Array([0x30]));
    expect(Object.fromEntries(calls)).toEqual({ low: 1 });
    expect(cutoff).toMatchObject({ recomputed: 0, cutoffs: 1, pagesChanged: 1 });
    calls.clear();
    await engine.batch([
      { pageId: a!, change: new Uint8Array([0x40]) },
      { pageId: b!, change: new Uint8Array([9]) },
    ]);
    expect(Object.fromEntries(calls)).toEqual({ low: 1, mixed: 1 });
  });
});

describe('batch', () => {
  it('many source changes make one wave and one epoch', async () => {
    const store = await openTestStore();
    const ids = await sources(store, 5);
    const engine = openDerivedPages(store);
    const calls = new Map<string, number>();
    const all = await engine.derive({ key: 'all', inputs: ids, size: 8, recompute: counted(calls, 'all', sumPlusOne) });
    calls.clear();
    const before = store.epoch;
    const tx = engine.begin();
    for (const [i, id] of ids.entries()) tx.stage(id, filled(8, i + 1));
    tx.stage(ids[0]!, [{ offset: 0, bytes: new Uint8Array([100]) }]);
    const result = await tx.commit();
    expect(result.epoch).toBe(before + 1);
    expect(calls.get('all')).toBe(1);
    expect(store.view(all.pageId)[0]).toBe((1 + 100 + 2 + 3 + 4 + 5) & 0xff);
    expect(store.view(all.pageId)[1]).toBe(1 + 1 + 2 + 3 + 4 + 5);
  });

  it('an aborted transaction stages nothing and frees the writer', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    const d = await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    const epoch = store.epoch;
    const tx = engine.begin();
    tx.stage(a!, filled(8, 3));
    tx.abort();
    tx.abort();
    expect(store.epoch).toBe(epoch);
    expect(store.view(d.pageId)[0]).toBe(1);
    await engine.update(a!, filled(8, 4));
    expect(store.view(d.pageId)[0]).toBe(5);
  });
});

describe('atomicity', () => {
  it('a throwing recompute aborts the commit: bytes, epoch and log unchanged, a typed error names the page', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    let fail = false;
    const ok = await engine.derive({ key: 'ok', inputs: [a!], size: 8, recompute: sumPlusOne });
    const bad = await engine.derive({
      key: 'bad',
      inputs: [ok.pageId],
      size: 8,
      recompute: (inputs, previous) => {
        if (fail) throw new RangeError('boom');
        return sumPlusOne(inputs, previous);
      },
    });
    const epoch = store.epoch;
    const digest = await store.digest();
    fail = true;
    const error = await rejection(engine.update(a!, filled(8, 9)));
    expect(error).toBeInstanceOf(DerivedPageError);
    expect(error).toBeInstanceOf(PropagationError);
    expect(error).toMatchObject({ code: 'RECOMPUTE_FAILED', pageId: bad.pageId, key: 'bad' });
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    expect(store.epoch).toBe(epoch);
    expect(await store.digest()).toBe(digest);
    expect(store.view(a!)[0]).toBe(0);
    const replayed = await replayStore(store.dir);
    expect(replayed.epoch).toBe(epoch);
    expect(replayed.digest).toBe(digest);
    fail = false;
    const next = await engine.update(a!, filled(8, 9));
    expect(next.epoch).toBe(epoch + 1);
    expect(store.view(bad.pageId)[0]).toBe(11);
  });

  it('a recompute returning the wrong shape aborts with RECOMPUTE_RESULT_INVALID', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    let shape: unknown = null;
    await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: (i, p) => (shape === null ? sumPlusOne(i, p) : (shape as Uint8Array)) });
    const epoch = store.epoch;
    for (const wrong of [new Uint8Array(7), 42, [{ offset: 7, bytes: new Uint8Array(2) }], { offsets: 1 }]) {
      shape = wrong;
      expect(await rejection(engine.update(a!, filled(8, 1)))).toMatchObject({ code: 'RECOMPUTE_RESULT_INVALID', key: 'd' });
    }
    expect(store.epoch).toBe(epoch);
  });
});

describe('same-epoch logging', () => {
  it('sources and derived deltas are one record under one epoch, which replay applies without user code', async () => {
    const store = await openTestStore();
    const [a, b] = await sources(store, 2);
    const engine = openDerivedPages(store);
    const d = await engine.derive({ key: 'd', inputs: [a!, b!], size: 8, recompute: sumPlusOne });
    const e = await engine.derive({ key: 'e', inputs: [d.pageId], size: 8, recompute: sumPlusOne });
    const before = store.epoch;
    const { epoch } = await engine.batch([
      { pageId: a!, change: filled(8, 2) },
      { pageId: b!, change: filled(8, 3) },
    ]);
    expect(epoch).toBe(before + 1);
    const deltas = await store.diff(before, epoch);
    expect(deltas.map((x) => x.pageId)).toEqual([a!, b!, d.pageId, e.pageId].sort((x, y) => x - y));
    const replayed = await replayStore(store.dir);
    expect(replayed.epoch).toBe(epoch);
    expect(replayed.digest).toBe(await store.digest());
    expect([...(replayed.bytes.get(e.pageId) ?? [])]).toEqual([...filled(8, 7)]);
  });
});

describe('recompute results', () => {
  it('accepts whole bytes, previous changed in place, runs, SparseRuns and deltas', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    const forms: Record<string, DerivedRecompute> = {
      inPlace: ([x], previous) => {
        previous[0] = x![0]!;
        return previous;
      },
      runs: ([x]) => [{ offset: 1, bytes: new Uint8Array([x![0]!]) }],
      sparseRuns: ([x]) => ({ offsets: new Uint32Array([2]), lengths: new Uint32Array([1]), data: new Uint8Array([x![0]!]) }),
    };
    const infos = await engine.deriveMany(Object.entries(forms).map(([key, recompute]) => ({ key, inputs: [a!], size: 8, recompute })));
    const deltaPage = await store.createPage({ size: 8 });
    await engine.derive({ key: 'delta', page: deltaPage.id, inputs: [a!], recompute: ([x]) => sparseDelta(deltaPage.id, 8, [{ offset: 3, bytes: new Uint8Array([x![0]!]) }]) });
    await engine.update(a!, filled(8, 77));
    expect(infos.map((i) => [...store.view(i.pageId)])).toEqual([
      [77, 0, 0, 0, 0, 0, 0, 0],
      [0, 77, 0, 0, 0, 0, 0, 0],
      [0, 0, 77, 0, 0, 0, 0, 0],
    ]);
    expect(store.view(deltaPage.id)[3]).toBe(77);
    expect((await replayStore(store.dir)).digest).toBe(await store.digest());
  });

  it('large derived pages log only the bytes that changed', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1, 4096);
    const engine = openDerivedPages(store);
    const d = await engine.derive({ key: 'big', inputs: [a!], size: 4096, recompute: ([x]) => x!.slice() });
    const { recordBytes } = await engine.update(a!, [{ offset: 100, bytes: new Uint8Array([1, 2, 3]) }]);
    expect(recordBytes).toBeLessThan(512);
    expect([...store.view(d.pageId).subarray(99, 104)]).toEqual([0, 1, 2, 3, 0]);
  });
});

describe('events', () => {
  it('subscribers hear wave start, each recomputed page and cutoff in order, then wave end', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1, 1);
    const engine = openDerivedPages(store);
    const low = await engine.derive({ key: 'low', inputs: [a!], size: 1, recompute: ([x]) => new Uint8Array([x![0]! & 1]) });
    const copy = await engine.derive({ key: 'copy', inputs: [a!], size: 1, recompute: ([x]) => x!.slice() });
    const events: PropagationEvent[] = [];
    const stop = engine.subscribe((e) => events.push(e));
    const { epoch, wave } = await engine.update(a!, new Uint8Array([2]));
    const kinds = events.map((e) => (e.type === 'node-recomputed' || e.type === 'cutoff' ? `${e.type}:${e.key}` : e.type));
    expect(kinds[0]).toBe('wave-start');
    expect(kinds.at(-1)).toBe('wave-end');
    expect(kinds.slice(1, -1).sort()).toEqual(['cutoff:low', 'node-recomputed:copy']);
    expect(events[0]).toMatchObject({ type: 'wave-start', wave, reason: 'commit', baseEpoch: epoch - 1, sources: [a!] });
    expect(events.at(-1)).toMatchObject({ type: 'wave-end', wave, outcome: 'committed', epoch, recomputed: 1, cutoffs: 1 });
    for (const e of events) if ('durationMs' in e) expect(e.durationMs).toBeGreaterThanOrEqual(0);
    const order = events.filter((e) => e.type === 'node-recomputed' || e.type === 'cutoff').map((e) => (e as { pageId: number }).pageId);
    expect(order).toEqual([low.pageId, copy.pageId].sort((x, y) => x - y));
    stop();
    stop();
    events.length = 0;
    await engine.update(a!, new Uint8Array([3]));
    expect(events).toEqual([]);
  });

  it('an aborted wave ends with outcome aborted and its error', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1, 1);
    const engine = openDerivedPages(store);
    let fail = false;
    await engine.derive({
      key: 'f',
      inputs: [a!],
      size: 1,
      recompute: (i, p) => {
        if (fail) throw new Error('no');
        return sumPlusOne(i, p);
      },
    });
    fail = true;
    const events: PropagationEvent[] = [];
    engine.subscribe((e) => events.push(e));
    await rejection(engine.update(a!, new Uint8Array([5])));
    expect(events.map((e) => e.type)).toEqual(['wave-start', 'wave-end']);
    expect(events[1]).toMatchObject({ outcome: 'aborted', recomputed: 0 });
    expect((events[1] as { error?: unknown }).error).toBeInstanceOf(DerivedPageError);
  });

  it('a throwing listener does not disturb the wave', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1, 1);
    const seen: unknown[] = [];
    const engine = openDerivedPages(store, { onListenerError: (e) => seen.push(e) });
    const d = await engine.derive({ key: 'd', inputs: [a!], size: 1, recompute: sumPlusOne });
    engine.subscribe(() => {
      throw new Error('listener');
    });
    await engine.update(a!, new Uint8Array([4]));
    expect(store.view(d.pageId)[0]).toBe(5);
    expect(seen.length).toBeGreaterThan(0);
  });
});

describe('registration', () => {
  it('registers existing pages, in one commit, computing their first bytes', async () => {
    const store = await openTestStore();
    const [a, p, q] = await sources(store, 3);
    await store.update(p!, filled(8, 200));
    const engine = openDerivedPages(store);
    const before = store.epoch;
    const infos = await engine.deriveMany([
      { key: 'p', page: p!, inputs: [a!], recompute: sumPlusOne },
      { key: 'q', page: q!, inputs: [p!], size: 8, recompute: sumPlusOne },
    ]);
    expect(store.epoch).toBe(before + 2);
    expect(infos.map((i) => i.pageId)).toEqual([p!, q!]);
    expect(store.view(p!)[0]).toBe(1);
    expect(store.view(q!)[0]).toBe(2);
    expect(engine.registrations().map((r) => r.key)).toEqual(['p', 'q']);
    expect(engine.info('q')).toMatchObject({ pageId: q!, inputs: [p!], size: 8, attached: true });
    expect(engine.isDerived(p!)).toBe(true);
    expect(engine.isDerived(a!)).toBe(false);
  });

  it('refuses an input set that would close a cycle, naming it, and changes nothing', async () => {
    const store = await openTestStore();
    const [p, q, r] = await sources(store, 3);
    const engine = openDerivedPages(store);
    await engine.derive({ key: 'p', page: p!, inputs: [q!], recompute: sumPlusOne });
    await engine.derive({ key: 'q', page: q!, inputs: [r!], recompute: sumPlusOne });
    const epoch = store.epoch;
    const digest = await store.digest();
    const error = await rejection(engine.derive({ key: 'r', page: r!, inputs: [p!], recompute: sumPlusOne }));
    expect(error).toBeInstanceOf(DerivedPageError);
    expect(error).toMatchObject({ code: 'DERIVED_CYCLE' });
    expect([...(error as DerivedPageError).cycle].sort()).toEqual([p!, q!, r!].sort());
    const self = await rejection(engine.derive({ key: 'self', page: r!, inputs: [r!], recompute: sumPlusOne }));
    expect(self).toMatchObject({ code: 'DERIVED_CYCLE', cycle: [r!] });
    expect(store.epoch).toBe(epoch);
    expect(await store.digest()).toBe(digest);
    expect(engine.isDerived(r!)).toBe(false);
    expect(engine.size).toBe(2);
    await engine.update(r!, filled(8, 1));
    expect(store.view(p!)[0]).toBe(3);
  });

  it('a registration whose first recompute throws registers nothing', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    const error = await rejection(
      engine.derive({
        key: 'x',
        inputs: [a!],
        size: 8,
        recompute: () => {
          throw new Error('first');
        },
      }),
    );
    expect(error).toMatchObject({ code: 'RECOMPUTE_FAILED', key: 'x' });
    expect(engine.size).toBe(0);
    expect(engine.info('x')).toBeUndefined();
    const ok = await engine.derive({ key: 'x', inputs: [a!], size: 8, recompute: sumPlusOne });
    expect(store.view(ok.pageId)[0]).toBe(1);
  });

  it('refuses bad input with typed errors', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    const d = await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    const bad: [unknown, string][] = [
      [{ key: '', inputs: [a!], size: 8, recompute: sumPlusOne }, 'INVALID_ARGUMENT'],
      [{ key: 'k', inputs: [a!], size: 8, recompute: 3 }, 'INVALID_ARGUMENT'],
      [{ key: 'k', inputs: [a!], recompute: sumPlusOne }, 'INVALID_ARGUMENT'],
      [{ key: 'k', inputs: [a!], size: 0, recompute: sumPlusOne }, 'INVALID_ARGUMENT'],
      [{ key: 'k', inputs: [999], size: 8, recompute: sumPlusOne }, 'INVALID_ARGUMENT'],
      [{ key: 'k', inputs: 'a', size: 8, recompute: sumPlusOne }, 'INVALID_ARGUMENT'],
      [{ key: 'k'.repeat(2000), inputs: [a!], size: 8, recompute: sumPlusOne }, 'INVALID_ARGUMENT'],
      [{ key: 'k', page: d.pageId, inputs: [a!], recompute: sumPlusOne }, 'ALREADY_DERIVED'],
      [{ key: 'k', page: a!, inputs: [], size: 4, recompute: sumPlusOne }, 'INVALID_ARGUMENT'],
      [{ key: 'd', inputs: [a!, a!], size: 8, recompute: sumPlusOne }, 'REGISTRATION_MISMATCH'],
      [{ key: 'd', inputs: [a!], size: 16, recompute: sumPlusOne }, 'REGISTRATION_MISMATCH'],
      [{ key: 'k', inputs: engine.registryPageIds(), size: 8, recompute: sumPlusOne }, 'INVALID_ARGUMENT'],
    ];
    const epoch = store.epoch;
    for (const [spec, code] of bad) {
      const error = await rejection(engine.derive(spec as never));
      expect(error, JSON.stringify(spec)).toBeInstanceOf(PropagationError);
      expect((error as PropagationError).code, JSON.stringify(spec)).toBe(code);
    }
    expect(await rejection(engine.deriveMany([{ key: 'k', inputs: [a!], size: 8, recompute: sumPlusOne }, { key: 'k', inputs: [a!], size: 8, recompute: sumPlusOne }]))).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(store.epoch).toBe(epoch);
    const tx = engine.begin();
    expect(thrown(() => tx.stage(d.pageId, filled(8, 1)))).toMatchObject({ code: 'DERIVED_WRITE', pageId: d.pageId, key: 'd' });
    tx.abort();
    expect(await rejection(engine.update(d.pageId, filled(8, 1)))).toMatchObject({ code: 'DERIVED_WRITE' });
  });

  it('passes the store’s own refusals through as PageErrors', async () => {
    const store = await openTestStore();
    const [a] = await sources(store, 1);
    const engine = openDerivedPages(store);
    await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    expect(await rejection(engine.update(999, filled(8, 1)))).toBeInstanceOf(PageError);
    expect(await rejection(engine.update(a!, filled(4, 1)))).toMatchObject({ code: 'DELTA_MISMATCH' });
    const tx = engine.begin();
    expect(thrown(() => engine.begin())).toMatchObject({ code: 'INVALID_ARGUMENT' });
    tx.abort();
    expect(store.view(a!)[0]).toBe(0);
  });
});

describe('writes behind the engine’s back', () => {
  it('are caught up by the next wave', async () => {
    const store = await openTestStore();
    const [a, b] = await sources(store, 2);
    const engine = openDerivedPages(store);
    const d = await engine.derive({ key: 'd', inputs: [a!], size: 8, recompute: sumPlusOne });
    await store.update(a!, filled(8, 40));
    expect(store.view(d.pageId)[0]).toBe(1);
    await engine.update(b!, filled(8, 1));
    expect(store.view(d.pageId)[0]).toBe(41);
    await store.update(d.pageId, filled(8, 0));
    const { recomputed } = await engine.refresh();
    expect(recomputed).toBe(1);
    expect(store.view(d.pageId)[0]).toBe(41);
  });
});
