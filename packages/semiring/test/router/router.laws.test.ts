import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { denseDelta, mergeDeltas, sparseDelta } from '@mmsb/page';
import type { PlainDelta } from '@mmsb/page';

import {
  defineSemiring,
  DeltaRouter,
  ELEMENT_TYPES,
  elementWidth,
  isSemiringError,
  minPlusSemiring,
  plusTimesSemiring,
  standardSemirings,
} from '../../src/index.js';
import type { ElementType, RoutedDelta, Semiring, TaggedDelta } from '../../src/index.js';
import {
  applyAll,
  arbByteDelta,
  arbElementBytes,
  arbTags,
  arbTypedDelta,
  coverage,
  elementArray,
  fields,
  inTagOrder,
  referenceTypedMerge,
} from './support.js';

interface TypedSpec {
  readonly pageId: number;
  readonly size: number;
  readonly element: ElementType;
  readonly semiring: Semiring<number>;
  readonly accumulate: boolean;
}

/** Tagged deltas for one page: distinct tags, each with a delta drawn by `arbDelta`. */
function arbTagged(arbDelta: fc.Arbitrary<PlainDelta>, maxCount = 8): fc.Arbitrary<TaggedDelta[]> {
  return arbTags(maxCount).chain((tags) =>
    fc.tuple(...tags.map((tag) => arbDelta.map((delta): TaggedDelta => ({ delta, writer: tag.writer, epoch: tag.epoch })))),
  );
}

/** Byte pages 0–2 (sizes 0–40, 4096) and two typed pages: a min-plus f64 one and a plus-times f32 one. */
const arbScenario = fc
  .record({ s0: fc.nat(40), s1: fc.constantFrom(1, 7, 4096), s2: fc.nat(3) })
  .chain(({ s0, s1, s2 }) => {
    const typed: TypedSpec[] = [
      { pageId: 10, size: 64, element: 'f64', semiring: minPlusSemiring, accumulate: false },
      { pageId: 11, size: 32, element: 'f32', semiring: plusTimesSemiring, accumulate: false },
    ];
    return fc
      .tuple(
        arbTagged(arbByteDelta(0, s0)),
        arbTagged(arbByteDelta(1, s1)),
        arbTagged(arbByteDelta(2, s2)),
        ...typed.map((t) => arbTagged(arbTypedDelta(t.pageId, t.size, t.element))),
      )
      .map((lists) => ({ typed, deltas: lists.flat() }));
  });

function routerFor(typed: readonly TypedSpec[]): DeltaRouter {
  const router = new DeltaRouter();
  for (const t of typed) router.registerTypedPage(t.pageId, t);
  return router;
}

/** A permutation of 0..n−1 from sort keys (ties keep their order). */
function permutation(n: number, keys: readonly number[]): number[] {
  return Array.from({ length: n }, (_, i) => i).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0));
}

function byteMergeByFold(tagged: readonly TaggedDelta[], pageId: number, size: number): PlainDelta {
  return inTagOrder(tagged).reduce<PlainDelta>((acc, t) => mergeDeltas(acc, t.delta), sparseDelta(pageId, size, []));
}

function routedFor(routed: readonly RoutedDelta[], pageId: number): PlainDelta | undefined {
  return routed.find((r) => r.pageId === pageId)?.delta;
}

describe('delta router laws', () => {
  test('law: the result does not depend on the order (or batching) of submission', () => {
    fc.assert(
      fc.property(arbScenario, fc.array(fc.double({ noNaN: true }), { maxLength: 60 }), fc.nat(5), ({ typed, deltas }, keys, batch) => {
        const inOrder = routerFor(typed);
        inOrder.submitAll(deltas);
        const expected = inOrder.route();
        const shuffled = routerFor(typed);
        const order = permutation(deltas.length, keys).map((i) => deltas[i] as TaggedDelta);
        for (let at = 0; at < order.length; at += batch + 1) shuffled.submitAll(order.slice(at, at + batch + 1));
        const actual = shuffled.route();
        expect(fields(actual.deltas)).toEqual(fields(expected.deltas));
        expect(actual.stats).toEqual(expected.stats);
        const ids = actual.deltas.map((d) => d.pageId);
        expect(ids).toEqual(ids.slice().sort((a, b) => a - b));
      }),
    );
  });

  test('law: a byte page merge = mergeDeltas folded in (epoch, writer) order = applying the deltas one by one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200 }).chain((size) =>
          fc.record({ size: fc.constant(size), tagged: arbTagged(arbByteDelta(5, size), 10), page: fc.uint8Array({ minLength: size, maxLength: size }) }),
        ),
        ({ size, tagged, page }) => {
          const router = new DeltaRouter();
          router.submitAll(tagged);
          const routed = routedFor(router.route().deltas, 5) ?? sparseDelta(5, size, []);
          expect(fields([{ pageId: 5, delta: routed, sources: 0, last: { writer: 0, epoch: 0 } }])).toEqual(
            fields([{ pageId: 5, delta: byteMergeByFold(tagged, 5, size), sources: 0, last: { writer: 0, epoch: 0 } }]),
          );
          expect(applyAll(page, [routed])).toEqual(applyAll(page, inTagOrder(tagged).map((t) => t.delta)));
        },
      ),
    );
  });

  test('law: routing A ∪ B at once = routing A, then A’s result ∪ B (B later than A)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 64 }).chain((size) =>
          fc.record({ size: fc.constant(size), a: arbTagged(arbByteDelta(3, size)), b: arbTagged(arbByteDelta(3, size)) }),
        ),
        ({ a, b }) => {
          const later = b.map((t) => ({ ...t, epoch: t.epoch + 100 }));
          const once = new DeltaRouter();
          once.submitAll([...a, ...later]);
          const expected = once.route().deltas;
          const first = new DeltaRouter();
          first.submitAll(a);
          const partial = first.route().deltas;
          const second = new DeltaRouter();
          second.submitAll([...partial.map((r) => ({ delta: r.delta, ...r.last })), ...later]);
          expect(fields(second.route().deltas)).toEqual(fields(expected));
        },
      ),
    );
  });

  test('law: min-merge = the element-wise minimum over the writers of each element, and with accumulate also over the current value', () => {
    const arbCase = fc.constantFrom<ElementType>('f64', 'f32', 'i32', 'u16').chain((element) => {
      const size = 16 * elementWidth(element);
      return fc.record({
        element: fc.constant(element),
        tagged: arbTagged(arbTypedDelta(7, size, element), 6),
        current: arbElementBytes(element, 16),
        accumulate: fc.boolean(),
      });
    });
    fc.assert(
      fc.property(arbCase, ({ element, tagged, current, accumulate }) => {
        const router = new DeltaRouter();
        router.registerTypedPage(7, { size: current.length, element, semiring: minPlusSemiring, accumulate });
        router.submitAll(tagged);
        const routed = routedFor(router.route({ current: () => current }).deltas, 7);
        const out = routed === undefined ? current.slice() : applyAll(current, [routed]);
        const got = elementArray(element, new Uint8Array(out));
        const base = elementArray(element, new Uint8Array(current));
        const width = elementWidth(element);
        for (let i = 0; i < base.length; i++) {
          const values: number[] = [];
          for (const t of tagged) {
            const d = t.delta as PlainDelta;
            if (coverage(d)[i * width] !== 1) continue;
            values.push(elementArray(element, applyAll(new Uint8Array(current.length), [d]))[i] ?? NaN);
          }
          if (values.length === 0) expect(got[i]).toBe(base[i]);
          else {
            // Equal as numbers: which zero a tie of +0 and −0 keeps is ⊕'s business, not the law's.
            const min = Math.min(...values, ...(accumulate ? [base[i] ?? NaN] : []));
            expect(got[i] === min, `element ${i}: got ${got[i]}, expected ${min}`).toBe(true);
          }
        }
      }),
    );
  });

  test('law: every standard semiring on every element type folds as its own add would, and a user copy (generic path) gives the same bytes', () => {
    const arbCase = fc
      .record({ element: fc.constantFrom(...ELEMENT_TYPES), semiring: fc.constantFrom(...standardSemirings), accumulate: fc.boolean() })
      .chain(({ element, semiring, accumulate }) => {
        const size = 12 * elementWidth(element);
        return fc.record({
          element: fc.constant(element),
          semiring: fc.constant(semiring),
          accumulate: fc.constant(accumulate),
          tagged: arbTagged(arbTypedDelta(1, size, element), 6),
          current: arbElementBytes(element, 12),
        });
      });
    fc.assert(
      fc.property(arbCase, ({ element, semiring, accumulate, tagged, current }) => {
        const expected = referenceTypedMerge(current, tagged, element, semiring, accumulate);
        const user = defineSemiring<number>({ name: `user ${semiring.name}`, zero: semiring.zero, one: semiring.one, add: semiring.add, mul: semiring.mul });
        for (const s of [semiring, user]) {
          const router = new DeltaRouter();
          router.registerTypedPage(1, { size: current.length, element, semiring: s, accumulate });
          router.submitAll(tagged);
          const routed = routedFor(router.route({ current: () => current }).deltas, 1);
          expect(routed === undefined ? current : applyAll(current, [routed])).toEqual(expected);
        }
      }),
    );
  });

  test('law: a refused batch routes nothing of itself and leaves what was queued before', () => {
    const arbBad = fc.constantFrom('misaligned', 'size', 'duplicate', 'unknown-page', 'malformed');
    fc.assert(
      fc.property(arbScenario, arbScenario, arbBad, fc.nat(), ({ typed, deltas }, more, bad, where) => {
        const reference = routerFor(typed);
        reference.submitAll(deltas);
        const expected = reference.route();
        const router = routerFor(typed);
        router.submitAll(deltas);
        let culprit: TaggedDelta;
        switch (bad) {
          case 'misaligned':
            culprit = { delta: sparseDelta(10, 64, [{ offset: 3, bytes: new Uint8Array(8) }]), writer: 99, epoch: 99 };
            break;
          case 'size':
            culprit = { delta: denseDelta(11, new Uint8Array(36)), writer: 99, epoch: 99 };
            break;
          case 'duplicate': {
            const first = deltas[0] ?? { delta: sparseDelta(0, 0, []), writer: 1, epoch: 1 };
            if (deltas.length === 0) router.submit(first.delta, first);
            culprit = first;
            break;
          }
          case 'unknown-page':
            culprit = { delta: sparseDelta(0, 0, []), writer: -1, epoch: 0 };
            break;
          default:
            culprit = { delta: { kind: 'sparse', pageId: 0, size: 2, runs: { offsets: Uint32Array.of(1), lengths: Uint32Array.of(5), data: new Uint8Array(5) }, before: null }, writer: 98, epoch: 98 };
        }
        const batch = more.deltas.filter((t) => t.delta.pageId >= 10).map((t) => ({ ...t, epoch: t.epoch + 1000 }));
        batch.splice(where % (batch.length + 1), 0, culprit);
        const pendingBefore = router.pending;
        let refused = false;
        try {
          router.submitAll(batch);
        } catch (error) {
          refused = isSemiringError(error);
        }
        expect(refused).toBe(true);
        expect(router.pending).toBe(pendingBefore);
        if (bad === 'duplicate' && deltas.length === 0) return;
        expect(fields(router.route().deltas)).toEqual(fields(expected.deltas));
      }),
    );
  });
});

describe('big deltas', () => {
  test('64 writers of a thousand runs each over a 1 MiB page merge like the sequential fold', () => {
    // A fixed xorshift stream: the same input every run.
    let state = 0x9e3779b9;
    const next = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const size = 1 << 20;
    const tagged: TaggedDelta[] = [];
    for (let w = 0; w < 64; w++) {
      const runs = Array.from({ length: 1000 }, () => {
        const len = 1 + next(512);
        const bytes = new Uint8Array(len).fill(w + 1);
        return { offset: next(size - len), bytes };
      });
      tagged.push({ delta: sparseDelta(0, size, runs), writer: next(8), epoch: w });
    }
    const router = new DeltaRouter();
    router.submitAll(tagged);
    const result = router.route();
    const expected = byteMergeByFold(tagged, 0, size);
    expect(fields(result.deltas)).toEqual(fields([{ pageId: 0, delta: expected, sources: 64, last: { writer: 0, epoch: 63 } }]));
    expect(result.stats.deltasIn).toBe(64);
    expect(result.stats.bytesOut).toBeLessThanOrEqual(result.stats.bytesIn);
  });

  test('a min-merge of 32 distance vectors of 128k f64 each equals the element-wise minimum', () => {
    const n = 1 << 17;
    const router = new DeltaRouter();
    router.registerTypedPage(0, { size: n * 8, element: 'f64', semiring: minPlusSemiring });
    const expected = new Float64Array(n).fill(Infinity);
    for (let w = 0; w < 32; w++) {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = ((i * 2654435761 + w * 40503) >>> 0) % 1000;
      for (let i = 0; i < n; i++) expected[i] = Math.min(expected[i] ?? Infinity, values[i] ?? Infinity);
      router.submit(denseDelta(0, new Uint8Array(values.buffer)), { writer: w, epoch: 0 });
    }
    const [routed] = router.route().deltas;
    expect(routed?.delta.kind).toBe('dense');
    if (routed?.delta.kind === 'dense') expect(new Float64Array(routed.delta.bytes.buffer, routed.delta.bytes.byteOffset, n)).toEqual(expected);
  });
});
