import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { widestPaths } from '../../src/index.js';
import { arbGraph, bruteWidest } from './support.js';

describe('widest paths (max-min)', () => {
  it('law: the heap and the push method equal a brute-force search over simple paths', () => {
    fc.assert(
      fc.property(arbGraph(7, 1, 9, 2, 'max'), fc.nat(), (g, pick) => {
        const s = pick % g.n;
        const want = bruteWidest(g, s);
        for (const method of ['dijkstra', 'push'] as const) {
          const r = widestPaths(g.matrix, s, { method, parents: true });
          expect(Array.from(r.widths)).toEqual(want);
          for (let v = 0; v < g.n; v++) {
            const p = (r.parents as Int32Array)[v] as number;
            if (want[v] === -Infinity) expect(p).toBe(-1);
            else if (v === s) expect(p).toBe(s);
            else expect(Math.min(r.widths[p] as number, g.matrix.get(p, v) as number)).toBe(want[v]);
          }
        }
      }),
    );
  });
});
