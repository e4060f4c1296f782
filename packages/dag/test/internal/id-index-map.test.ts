import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { IdIndexMap } from '../../src/internal/id-index-map.js';

describe('IdIndexMap', () => {
  test('behaves like a Map under any sequence of sets and deletes (backward-shift deletion keeps probe runs intact)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 31 - 1 }))), {
          maxLength: 300,
        }),
        (ops) => {
          const map = new IdIndexMap(1);
          const reference = new Map<number, number>();
          ops.forEach(([insert, key], step) => {
            if (insert && !reference.has(key)) {
              map.set(key, step);
              reference.set(key, step);
            } else if (!insert && reference.has(key)) {
              map.delete(key);
              reference.delete(key);
            }
          });
          expect(map.size).toBe(reference.size);
          for (const [, key] of ops) expect(map.get(key)).toBe(reference.get(key) ?? -1);
        },
      ),
      { numRuns: 300 },
    );
  });
});
