import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { IdIndexMap } from '../../src/internal/id-index-map.js';

describe('IdIndexMap', () => {
  // Small keys live in the direct array, huge ones in the hash table, and keys a little past the
  // direct array's bound (1024 + twice the entries) start in the table and move when it grows.
  test('behaves like a Map under any sequence of sets and deletes (backward-shift deletion keeps probe runs intact)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.boolean(),
            fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1000, max: 1700 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
          ),
          { minLength: 100, maxLength: 400 },
        ),
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
