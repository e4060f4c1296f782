import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import {
  PageError,
  checkpoint,
  computed,
  createPage,
  currentEpoch,
  derivePage,
  DerivedPageError,
  digest,
  effect,
  inspectStore,
  isPageError,
  listPages,
  mmsbStart,
  mmsbStop,
  onPropagation,
  queryPage,
  replayStore,
  signal,
  snapshot,
  transaction,
  updatePage,
} from '../src/index.js';
import type { DerivedRecompute, MmsbState, PropagationEvent } from '../src/index.js';

let dir: string;
let state: MmsbState;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mmsb-facade-'));
  state = await mmsbStart({ dir, durability: 'sync' });
});

afterEach(async () => {
  await mmsbStop(state);
  rmSync(dir, { recursive: true, force: true });
});

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

describe('the façade', () => {
  test('createPage, updatePage and queryPage round-trip bytes, runs and past epochs', async () => {
    const page = await createPage(state, { size: 16 });
    expect(page).toMatchObject({ size: 16, location: 'cpu' });
    const first = await updatePage(state, page.id, [{ offset: 2, bytes: bytes(7, 8, 9) }]);
    const whole = new Uint8Array(16).fill(5);
    const second = await updatePage(state, page.id, whole);
    expect(second.epoch).toBe(first.epoch + 1);
    expect(currentEpoch(state)).toBe(second.epoch);
    expect(await queryPage(state, page.id)).toEqual(whole);
    const then = await queryPage(state, page.id, { epoch: first.epoch });
    expect([...then.subarray(0, 6)]).toEqual([0, 0, 7, 8, 9, 0]);
    expect(listPages(state).map((p) => p.id)).toEqual([page.id]);
  });

  test('transaction commits every staged page as one epoch, and a throwing function aborts without trace', async () => {
    const a = await createPage(state, { size: 8 });
    const b = await createPage(state, { size: 8 });
    const before = currentEpoch(state);
    const committed = await transaction(state, (tx) => {
      tx.stage(a.id, [{ offset: 0, bytes: bytes(1) }]);
      tx.stage(b.id, [{ offset: 1, bytes: bytes(2) }]);
      tx.stage(a.id, [{ offset: 7, bytes: bytes(3) }]); // merges with the first change of a
      return 'done';
    });
    expect(committed.epoch).toBe(before + 1);
    expect(committed.value).toBe('done');
    expect(committed.pagesChanged).toBe(2);
    expect([...(await queryPage(state, a.id))]).toEqual([1, 0, 0, 0, 0, 0, 0, 3]);
    const digestBefore = await digest(state);
    await expect(
      transaction(state, (tx) => {
        tx.stage(a.id, [{ offset: 0, bytes: bytes(9) }]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(currentEpoch(state)).toBe(committed.epoch);
    expect(await digest(state)).toBe(digestBefore);
    // the aborted transaction released the writer: another one commits
    await transaction(state, (tx) => tx.stage(b.id, [{ offset: 0, bytes: bytes(4) }]));
  });

  test('a transaction reads the pages as of its base epoch', async () => {
    const a = await createPage(state, { size: 4 });
    await updatePage(state, a.id, bytes(1, 2, 3, 4));
    const { value } = await transaction(state, (tx) => {
      const seen = tx.read(a.id);
      tx.stage(a.id, seen.map((x) => x * 2));
      return [...seen];
    });
    expect(value).toEqual([1, 2, 3, 4]);
    expect([...(await queryPage(state, a.id))]).toEqual([2, 4, 6, 8]);
  });

  test('a snapshot keeps its epoch while later commits land', async () => {
    const a = await createPage(state, { size: 4 });
    await updatePage(state, a.id, bytes(1, 1, 1, 1));
    const pinned = snapshot(state);
    await updatePage(state, a.id, bytes(2, 2, 2, 2));
    expect([...pinned.read(a.id)]).toEqual([1, 1, 1, 1]);
    pinned.release();
  });

  test('the digest survives stop and restart, and stop can checkpoint', async () => {
    const a = await createPage(state, { size: 64 });
    await updatePage(state, a.id, [{ offset: 10, bytes: bytes(1, 2, 3) }]);
    const info = await checkpoint(state);
    await updatePage(state, a.id, [{ offset: 20, bytes: bytes(4) }]);
    expect(info.epoch).toBe(currentEpoch(state) - 1);
    const live = await digest(state);
    const epoch = currentEpoch(state);
    await mmsbStop(state, { checkpoint: true });
    const inspected = await inspectStore(dir);
    expect(inspected.checkpoints.map((c) => c.epoch)).toContain(epoch);
    state = await mmsbStart({ dir });
    expect(currentEpoch(state)).toBe(epoch);
    expect(await digest(state)).toBe(live);
  });

  test('a stopped state refuses calls with STORE_CLOSED, and stop is idempotent', async () => {
    const a = await createPage(state, { size: 4 });
    await mmsbStop(state);
    await mmsbStop(state);
    const error = await queryPage(state, a.id).catch((e: unknown) => e);
    expect(isPageError(error, 'STORE_CLOSED')).toBe(true);
    await expect(updatePage(state, a.id, bytes(1, 2, 3, 4))).rejects.toBeInstanceOf(PageError);
    state = await mmsbStart({ dir });
  });

  test('gpu pages need enableGpu; with it they fall back to the host when no device exists', async () => {
    const refused = await createPage(state, { size: 64, location: 'gpu' }).catch((e: unknown) => e);
    expect(isPageError(refused, 'INVALID_ARGUMENT')).toBe(true);
    await mmsbStop(state);
    state = await mmsbStart({ dir, enableGpu: true });
    const page = await createPage(state, { size: 64, location: 'gpu' });
    expect(page.location).toBe('gpu');
    await updatePage(state, page.id, [{ offset: 0, bytes: bytes(42) }]);
    expect((await queryPage(state, page.id))[0]).toBe(42);
  });

  test('a second start on the same directory is STORE_LOCKED', async () => {
    const error = await mmsbStart({ dir }).catch((e: unknown) => e);
    expect(isPageError(error, 'STORE_LOCKED')).toBe(true);
  });
});

describe('derived pages and cells through the façade', () => {
  const sum: DerivedRecompute = ([a, b]) => (a as Uint8Array).map((v, k) => (v + ((b as Uint8Array)[k] as number)) & 0xff);

  test('updatePage recomputes a derived page in the same epoch, and the log replays it without code', async () => {
    const a = await createPage(state, { size: 8 });
    const b = await createPage(state, { size: 8 });
    const total = await derivePage(state, { key: 'sum', inputs: [a.id, b.id], size: 8, recompute: sum });
    const events: PropagationEvent['type'][] = [];
    const stop = onPropagation(state, (e) => events.push(e.type));
    const before = currentEpoch(state);
    const commit = await updatePage(state, a.id, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 250));
    stop();
    expect(commit.epoch).toBe(before + 1);
    expect(commit.recomputed).toBe(1);
    expect(events).toEqual(['wave-start', 'node-recomputed', 'wave-end']);
    await transaction(state, (tx) => tx.stage(b.id, new Uint8Array(8).fill(10)));
    expect([...(await queryPage(state, total.pageId))]).toEqual([11, 12, 13, 14, 15, 16, 17, 4]);
    expect([...(await queryPage(state, total.pageId, { epoch: commit.epoch }))]).toEqual([1, 2, 3, 4, 5, 6, 7, 250]);
    const live = await digest(state);
    await mmsbStop(state);
    expect((await replayStore(dir)).digest).toBe(live);
  });

  test('a derived page refuses direct writes, and a restart re-attaches its function by key', async () => {
    const a = await createPage(state, { size: 4 });
    const doubled = await derivePage(state, { key: 'double', inputs: [a.id, a.id], size: 4, recompute: sum });
    await expect(updatePage(state, doubled.pageId, new Uint8Array(4))).rejects.toBeInstanceOf(DerivedPageError);
    await mmsbStop(state);
    state = await mmsbStart({ dir, durability: 'sync', functions: { double: sum } });
    await updatePage(state, a.id, Uint8Array.of(1, 2, 3, 4));
    expect([...(await queryPage(state, doubled.pageId))]).toEqual([2, 4, 6, 8]);
  });

  test('the reactive cells are re-exported', () => {
    const count = signal(1);
    const twice = computed(() => count.read() * 2);
    const seen: number[] = [];
    const dispose = effect(() => void seen.push(twice.read()));
    count.write(5);
    dispose();
    count.write(6);
    expect(seen).toEqual([2, 10]);
  });
});
