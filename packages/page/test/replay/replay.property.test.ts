import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { inspectStore, isPageError, replayStore, verifyStore } from '../../src/index.js';
import type { PageLocation, PageStore } from '../../src/index.js';
import { open, tempDir } from '../store/support.js';

type Op =
  | { readonly kind: 'create'; readonly size: number; readonly location: PageLocation }
  | { readonly kind: 'update'; readonly page: number; readonly offset: number; readonly bytes: Uint8Array }
  | { readonly kind: 'dense'; readonly page: number; readonly seed: number }
  | { readonly kind: 'tx'; readonly changes: readonly { readonly page: number; readonly offset: number; readonly bytes: Uint8Array }[] }
  | { readonly kind: 'checkpoint' };

const run = fc.record({ page: fc.nat(), offset: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 24 }) });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), size: fc.constantFrom(16, 64, 700), location: fc.constantFrom<PageLocation>('cpu', 'shared', 'gpu') }) },
  { weight: 4, arbitrary: run.map((r) => ({ kind: 'update' as const, ...r })) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('dense' as const), page: fc.nat(), seed: fc.nat(255) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tx' as const), changes: fc.array(run, { minLength: 1, maxLength: 5 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'checkpoint' as const }) },
);

/** Runs `ops` (page indexes wrap over the pages that exist) and returns the digest live at every epoch. */
async function play(store: PageStore, ops: readonly Op[]): Promise<string[]> {
  const digests = [await store.digest()];
  const record = async (): Promise<void> => {
    while (digests.length <= store.epoch) digests.push(await store.digest());
  };
  const pick = (n: number): { id: number; size: number } | null => {
    const pages = store.pages();
    return pages.length === 0 ? null : (pages[n % pages.length] ?? null);
  };
  const clip = (size: number, offset: number, bytes: Uint8Array): { offset: number; bytes: Uint8Array } => {
    const b = bytes.subarray(0, Math.min(bytes.length, size));
    return { offset: offset % (size - b.length + 1), bytes: b };
  };
  for (const o of ops) {
    if (o.kind === 'create') await store.createPage({ size: o.size, location: o.location });
    else if (o.kind === 'checkpoint') await store.checkpoint();
    else if (o.kind === 'dense') {
      const p = pick(o.page);
      if (p !== null) await store.update(p.id, new Uint8Array(p.size).map((_, i) => (o.seed + i) & 0xff));
    } else if (o.kind === 'update') {
      const p = pick(o.page);
      if (p !== null) await store.update(p.id, [clip(p.size, o.offset, o.bytes)]);
    } else {
      const tx = store.begin();
      for (const c of o.changes) {
        const p = pick(c.page);
        if (p !== null) tx.stage(p.id, [clip(p.size, c.offset, c.bytes)]);
      }
      await tx.commit();
    }
    await record();
  }
  return digests;
}

describe('replay', () => {
  test('law: replaying to any epoch gives the digest recorded live at that epoch (replay determinism)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 32 }), fc.boolean(), async (ops, reopen) => {
        const { dir, remove } = tempDir('mmsb-replay-');
        try {
          let store = await open(dir, { keepCheckpoints: 2, segmentBytes: 2048 });
          const digests = await play(store, ops);
          const last = store.epoch;
          for (let e = 0; e <= last; e++) {
            const live = await store.digest({ epoch: e }).catch((error: unknown) => (isPageError(error, 'EPOCH_STALE') ? null : Promise.reject(error)));
            if (live !== null) expect(live, `live digest at epoch ${e}`).toBe(digests[e]);
          }
          if (reopen) {
            await store.close();
            store = await open(dir);
            expect(await store.digest()).toBe(digests[last]);
          }
          const oldestCheckpoint = (await inspectStore(dir)).checkpoints.at(-1)?.epoch ?? 0;
          for (let e = 0; e <= last; e++) {
            let result;
            try {
              result = await replayStore(dir, { epoch: e });
            } catch (error) {
              // Epochs before the oldest kept checkpoint may be gone from the log; nothing else may fail.
              expect(isPageError(error, 'EPOCH_STALE') && e < oldestCheckpoint, `replay to epoch ${e}: ${String(error)}`).toBe(true);
              continue;
            }
            expect(result.epoch).toBe(e);
            expect(result.digest, `replayed digest at epoch ${e}`).toBe(digests[e]);
          }
          expect((await replayStore(dir)).digest).toBe(digests[last]);
          expect(isPageError(await replayStore(dir, { epoch: last + 1 }).catch((error: unknown) => error), 'EPOCH_FUTURE')).toBe(true);
          expect((await verifyStore(dir)).ok).toBe(true);
          await store.close();
        } finally {
          remove();
        }
      }),
      { numRuns: 30 },
    );
  }, 60_000);
});
