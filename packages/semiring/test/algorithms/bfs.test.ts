import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bfsLevels, booleanSemiring, reachable, SparseMatrix } from '../../src/index.js';
import { arbGraph, graphOf, naiveBfs, seeded } from './support.js';

describe('BFS levels and reachability', () => {
  it('law: push, pull and auto direction all give the naive BFS levels, and a valid BFS tree', () => {
    fc.assert(
      fc.property(arbGraph(30, 1, 1, 4), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), (g, picks) => {
        const sources = picks.map((p) => p % g.n);
        const want = naiveBfs(g, sources);
        for (const direction of ['auto', 'push', 'pull'] as const) {
          const r = bfsLevels(g.matrix, sources, { direction, alpha: 2, beta: 4, parents: true });
          expect(Array.from(r.levels)).toEqual(want);
          for (let v = 0; v < g.n; v++) {
            const p = (r.parents as Int32Array)[v] as number;
            if (want[v] === -1) expect(p).toBe(-1);
            else if (want[v] === 0) expect(p).toBe(v);
            else {
              expect(want[p]).toBe((want[v] as number) - 1);
              expect(g.matrix.get(p, v)).toBeDefined();
            }
          }
        }
        const reach = reachable(g.matrix, sources);
        expect(Array.from(reach)).toEqual(want.map((l) => (l >= 0 ? 1 : 0)));
      }),
    );
  });

  it('on a seeded 5000-vertex graph the heuristic switches to pull and back, with the same levels as push only', () => {
    const random = seeded(42);
    const n = 5000;
    const rows: number[] = [];
    const cols: number[] = [];
    for (let k = 0; k < 8 * n; k++) {
      rows.push(Math.floor(random() * n));
      cols.push(Math.floor(random() * n));
    }
    const m = SparseMatrix.fromEdges(booleanSemiring, { nrows: n, ncols: n, rows, cols }, { duplicates: 'add' });
    const auto = bfsLevels(m, 0);
    const push = bfsLevels(m, 0, { direction: 'push' });
    expect(auto.pullSteps).toBeGreaterThan(0);
    expect(auto.pushSteps).toBeGreaterThan(0);
    expect(push.pullSteps).toBe(0);
    expect(Array.from(auto.levels)).toEqual(Array.from(push.levels));
    expect(Array.from(bfsLevels(m, 0, { direction: 'pull' }).levels)).toEqual(Array.from(push.levels));
  });

  it('refuses a non-square matrix and sources outside it', () => {
    const g = graphOf(2, [[0, 1, 1]]);
    expect(() => bfsLevels(g.matrix, 5)).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }));
    const rect = SparseMatrix.empty(booleanSemiring, 2, 3);
    expect(() => bfsLevels(rect, 0)).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
  });
});
