import fc from 'fast-check';
import { maxPlusSemiring, minPlusSemiring, SparseMatrix } from '../../src/index.js';

/** A directed graph as an edge list plus its CSR (parallel edges keep the smallest weight, or the largest with 'max'). */
export interface TestGraph {
  n: number;
  edges: [number, number, number][];
  matrix: SparseMatrix<number>;
}

export function graphOf(n: number, edges: [number, number, number][], parallel: 'min' | 'max' = 'min'): TestGraph {
  const matrix = SparseMatrix.fromEdges(
    parallel === 'min' ? minPlusSemiring : maxPlusSemiring,
    { nrows: n, ncols: n, rows: edges.map((e) => e[0]), cols: edges.map((e) => e[1]), values: edges.map((e) => e[2]) },
    { duplicates: 'add' },
  );
  return { n, edges, matrix };
}

export function arbGraph(maxN: number, minW: number, maxW: number, maxEdgesPerVertex = 3, parallel: 'min' | 'max' = 'min'): fc.Arbitrary<TestGraph> {
  return fc
    .integer({ min: 1, max: maxN })
    .chain((n) => fc.tuple(fc.constant(n), fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: minW, max: maxW })), { maxLength: n * maxEdgesPerVertex })))
    .map(([n, edges]) => graphOf(n, edges, parallel));
}

/** Plain Bellman–Ford over the edge list: the reference (null when a negative cycle is reachable). */
export function naiveDistances(g: TestGraph, s: number): number[] | null {
  const d = new Array<number>(g.n).fill(Infinity);
  d[s] = 0;
  for (let round = 0; round < g.n; round++) {
    let changed = false;
    for (const [u, v, w] of g.edges) {
      if ((d[u] as number) + w < (d[v] as number)) {
        d[v] = (d[u] as number) + w;
        changed = true;
      }
    }
    if (!changed) return d;
  }
  return null;
}

export function naiveBfs(g: TestGraph, sources: number[]): number[] {
  const level = new Array<number>(g.n).fill(-1);
  let frontier = [...new Set(sources)];
  for (const s of frontier) level[s] = 0;
  for (let l = 1; frontier.length > 0; l++) {
    const next: number[] = [];
    for (const u of frontier) {
      for (const [a, b] of g.edges) {
        if (a === u && level[b] === -1) {
          level[b] = l;
          next.push(b);
        }
      }
    }
    frontier = next;
  }
  return level;
}

/** Max over simple paths of the minimum edge weight, by exhaustive search. */
export function bruteWidest(g: TestGraph, s: number): number[] {
  const best = new Array<number>(g.n).fill(-Infinity);
  best[s] = Infinity;
  const onPath = new Array<boolean>(g.n).fill(false);
  const walk = (u: number, bottleneck: number): void => {
    onPath[u] = true;
    for (const [a, b, w] of g.edges) {
      if (a !== u || onPath[b]) continue;
      const width = Math.min(bottleneck, w);
      if (width > (best[b] as number)) best[b] = width;
      walk(b, width);
    }
    onPath[u] = false;
  };
  walk(s, Infinity);
  return best;
}

/** Seeded xorshift32, for the larger fixed graphs. */
export function seeded(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}
