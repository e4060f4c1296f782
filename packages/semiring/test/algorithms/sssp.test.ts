import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bellmanFord, dijkstra, SemiringError } from '../../src/index.js';
import { arbGraph, graphOf, naiveDistances } from './support.js';
import type { TestGraph } from './support.js';

function checkTree(g: TestGraph, s: number, dist: Float64Array, parents: Int32Array): void {
  for (let v = 0; v < g.n; v++) {
    if (dist[v] === Infinity) {
      expect(parents[v]).toBe(-1);
      continue;
    }
    if (v === s) {
      expect(parents[v]).toBe(s);
      continue;
    }
    const u = parents[v] as number;
    expect(g.matrix.get(u, v)).toBeDefined();
    expect((dist[u] as number) + (g.matrix.get(u, v) as number)).toBe(dist[v]);
    // Following parents reaches the source without looping.
    let x = v;
    for (let hops = 0; x !== s; hops++) {
      expect(hops).toBeLessThan(g.n);
      x = parents[x] as number;
    }
  }
}

describe('single-source shortest paths', () => {
  it('law: Dijkstra = Bellman–Ford (push) = Bellman–Ford (pull) = a naive reference, non-negative weights', () => {
    fc.assert(
      fc.property(arbGraph(14, 0, 9), fc.nat(), (g, pick) => {
        const s = pick % g.n;
        const want = naiveDistances(g, s) as number[];
        const d = dijkstra(g.matrix, s, { parents: true });
        expect(Array.from(d.distances)).toEqual(want);
        expect(Array.from(bellmanFord(g.matrix, s).distances)).toEqual(want);
        expect(Array.from(bellmanFord(g.matrix, s, { mode: 'pull' }).distances)).toEqual(want);
        checkTree(g, s, d.distances, d.parents as Int32Array);
        const b = bellmanFord(g.matrix, s, { parents: true });
        checkTree(g, s, b.distances, b.parents as Int32Array);
      }),
    );
  });

  it('law: Bellman–Ford handles negative weights and reports exactly the reachable negative cycles', () => {
    fc.assert(
      fc.property(arbGraph(10, -4, 9, 2), fc.nat(), (g, pick) => {
        const s = pick % g.n;
        const want = naiveDistances(g, s);
        for (const mode of ['push', 'pull'] as const) {
          if (want === null) {
            expect(() => bellmanFord(g.matrix, s, { mode })).toThrow(expect.objectContaining({ code: 'NEGATIVE_CYCLE' }));
          } else {
            const got = bellmanFord(g.matrix, s, { mode, parents: true });
            expect(Array.from(got.distances)).toEqual(want);
            checkTree(g, s, got.distances, got.parents as Int32Array);
          }
        }
      }),
    );
  });

  it('Dijkstra refuses a negative weight, naming the edge; sources outside the graph are refused', () => {
    const g = graphOf(3, [[0, 1, 2], [1, 2, -1]]);
    expect(() => dijkstra(g.matrix, 0)).toThrow(SemiringError);
    expect(() => dijkstra(g.matrix, 0)).toThrow(/\(1, 2\) has weight -1/);
    expect(() => dijkstra(g.matrix, 3)).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }));
    // Weights are checked as they are read, so these two cover the edges Dijkstra never reads: out
    // of reach of the source, and the first of several in storage order.
    const unreachable = graphOf(4, [[0, 1, 1], [2, 3, -1]]);
    expect(() => dijkstra(unreachable.matrix, 0)).toThrow(/\(2, 3\) has weight -1/);
    const two = graphOf(4, [[0, 3, 1], [1, 2, Number.NaN], [3, 0, -2]]);
    expect(() => dijkstra(two.matrix, 0)).toThrow(/\(1, 2\) has weight NaN/);
    expect(Array.from(bellmanFord(g.matrix, 0).distances)).toEqual([0, 2, 1]);
    const cycle = graphOf(3, [[0, 1, 1], [1, 2, -2], [2, 1, 1]]);
    expect(() => bellmanFord(cycle.matrix, 0)).toThrow(expect.objectContaining({ code: 'NEGATIVE_CYCLE' }));
    // A negative cycle out of reach of the source is no error.
    const apart = graphOf(3, [[1, 2, -2], [2, 1, 1]]);
    expect(Array.from(bellmanFord(apart.matrix, 0).distances)).toEqual([0, Infinity, Infinity]);
    expect(Array.from(bellmanFord(apart.matrix, 0, { mode: 'pull' }).distances)).toEqual([0, Infinity, Infinity]);
  });
});
