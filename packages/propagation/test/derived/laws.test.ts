/* eslint-disable @typescript-eslint/no-non-null-assertion -- tests index arrays and maps they just filled */
import { replayStore } from '@mmsb/page';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openDerivedPages, replayDerivedPages } from '../../src/index.js';
import type { DerivedRecompute } from '../../src/index.js';
import { cleanup, openTestStore } from './helpers.js';

afterEach(cleanup);

const SIZE = 4;
type Op = 'sum' | 'xor' | 'low';

/** The byte-wise operations the random DAGs use; `low` keeps the low nibbles, so it cuts waves off. */
function evaluate(op: Op, salt: number, inputs: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(SIZE);
  for (let k = 0; k < SIZE; k++) {
    let v = op === 'sum' ? salt : 0;
    for (const input of inputs) {
      const x = input[k]!;
      v = op === 'xor' ? v ^ x : op === 'sum' ? v + x : v + (x & 0x0f);
    }
    out[k] = op === 'low' ? v & 0x0f : v & 0xff;
  }
  return out;
}

const dagArbitrary = fc
  .record({
    sources: fc.integer({ min: 1, max: 4 }),
    derived: fc.array(fc.record({ op: fc.constantFrom<Op>('sum', 'xor', 'low'), picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 12 }),
  })
  .chain((shape) =>
    fc.record({
      shape: fc.constant(shape),
      batches: fc.array(fc.array(fc.record({ source: fc.nat({ max: shape.sources - 1 }), offset: fc.nat({ max: SIZE - 1 }), byte: fc.nat({ max: 255 }) }), { minLength: 1, maxLength: 4 }), {
        minLength: 1,
        maxLength: 8,
      }),
    }),
  );

describe('derived-page laws', () => {
  it('after every commit each derived page equals a from-scratch evaluation, each recomputed at most once per wave, and replay gives the same digest', async () => {
    await fc.assert(
      fc.asyncProperty(dagArbitrary, async ({ shape, batches }) => {
        const store = await openTestStore();
        const sourceIds: number[] = [];
        for (let i = 0; i < shape.sources; i++) sourceIds.push((await store.createPage({ size: SIZE })).id);
        const engine = openDerivedPages(store);
        const calls = new Map<string, number>();
        const functions: Record<string, DerivedRecompute> = {};
        const nodes: { id: number; op: Op; salt: number; inputs: number[] }[] = [];
        for (const [k, spec] of shape.derived.entries()) {
          const pool = [...sourceIds, ...nodes.map((n) => n.id)];
          const inputs = spec.picks.map((p) => pool[p % pool.length]!);
          const key = `n${k}`;
          const recompute: DerivedRecompute = (views) => evaluate(spec.op, k + 1, views);
          functions[key] = recompute;
          const counting: DerivedRecompute = (views, previous) => {
            calls.set(key, (calls.get(key) ?? 0) + 1);
            return recompute(views, previous);
          };
          const { pageId } = await engine.derive({ key, inputs, size: SIZE, recompute: counting });
          nodes.push({ id: pageId, op: spec.op, salt: k + 1, inputs });
        }
        const model = new Map<number, Uint8Array>(sourceIds.map((id) => [id, new Uint8Array(SIZE)]));
        for (const batch of batches) {
          calls.clear();
          const before = store.epoch;
          const result = await engine.batch(batch.map((w) => ({ pageId: sourceIds[w.source]!, change: [{ offset: w.offset, bytes: new Uint8Array([w.byte]) }] })));
          expect(result.epoch).toBe(before + 1);
          for (const w of batch) model.get(sourceIds[w.source]!)![w.offset] = w.byte;
          for (const n of nodes) model.set(n.id, evaluate(n.op, n.salt, n.inputs.map((i) => model.get(i)!)));
          for (const [id, bytes] of model) expect([...store.view(id)], `page ${id}`).toEqual([...bytes]);
          for (const count of calls.values()) expect(count).toBe(1);
        }
        const digest = await store.digest();
        expect((await replayStore(store.dir)).digest).toBe(digest);
        const replayed = await replayDerivedPages(store, { functions });
        expect(replayed.mismatches).toEqual([]);
        expect(replayed.digest).toBe(digest);
        await store.close();
      }),
      { numRuns: 40 },
    );
  });
});
