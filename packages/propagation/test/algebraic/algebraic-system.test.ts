// What an AlgebraicSystem does, example by example: distances, reachability, widest paths and
// path sums kept up to date; how far an update reaches and how it runs; the refusals.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay inside arrays the test built */
import { DagCycleError } from '@mmsb/dag';
import { nativeSemiringKernels, tsSemiringKernels } from '@mmsb/native';
import {
  booleanSemiring,
  defineSemiring,
  dijkstra,
  maxMinSemiring,
  minPlusSemiring,
  plusTimesSemiring,
  SparseMatrix,
} from '@mmsb/semiring';
import { describe, expect, it } from 'vitest';
import { AlgebraicSystem, PropagationError } from '../../src/index.js';

function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomGraph(nodes: number, edges: number, seed: number): SparseMatrix<number> {
  const next = xorshift(seed);
  const rows = new Int32Array(edges);
  const cols = new Int32Array(edges);
  const values = new Float64Array(edges);
  for (let e = 0; e < edges; e++) {
    rows[e] = next() % nodes;
    cols[e] = next() % nodes;
    values[e] = 1 + (next() % 100);
  }
  return SparseMatrix.fromEdges(minPlusSemiring, { nrows: nodes, ncols: nodes, rows, cols, values }, { duplicates: 'add' });
}

function expectRefused(fn: () => unknown, code: string): PropagationError {
  let thrown: unknown = null;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(PropagationError);
  expect((thrown as PropagationError).code).toBe(code);
  return thrown as PropagationError;
}

describe('AlgebraicSystem over min-plus keeps distances', () => {
  const line = (): AlgebraicSystem =>
    new AlgebraicSystem({
      semiring: minPlusSemiring,
      nodes: 4,
      edges: { from: [0, 1, 2, 0], to: [1, 2, 3, 2], weights: [1, 1, 1, 5] },
      seeds: [0, Infinity, Infinity, Infinity],
      // On a graph this small any frontier is a sizeable fraction: keep to push rounds.
      sweepFraction: 1,
    });

  it('solves distances from the seeded node on construction', () => {
    expect(Array.from(line().values())).toEqual([0, 1, 2, 3]);
  });

  it('a raised tree edge invalidates only the nodes supported through it and reroutes them', () => {
    const system = line();
    const update = system.setEdge(1, 2, 10);
    expect(Array.from(system.values())).toEqual([0, 1, 5, 6]);
    expect(update.invalidated).toBe(2);
    expect(update.changed).toBe(2);
    expect(system.predecessor(2)).toBe(0);
  });

  it('a raised edge off every shortest path changes nothing and invalidates nothing', () => {
    const system = line();
    const update = system.setEdge(0, 2, 7);
    expect(update).toMatchObject({ changed: 0, invalidated: 0, strategy: 'none' });
  });

  it('a new shortcut pushes from its target only', () => {
    const system = line();
    const update = system.setEdge(0, 3, 1);
    expect(Array.from(system.values())).toEqual([0, 1, 2, 1]);
    expect(update).toMatchObject({ changed: 1, invalidated: 0, strategy: 'push' });
  });

  it('removing the only way in leaves nodes unreached (the semiring zero), and a new seed reaches them again', () => {
    const system = line();
    system.apply([
      { kind: 'remove-edge', from: 0, to: 1 },
      { kind: 'remove-edge', from: 0, to: 2 },
    ]);
    expect(Array.from(system.values())).toEqual([0, Infinity, Infinity, Infinity]);
    system.setSeed(2, 4);
    expect(Array.from(system.values())).toEqual([0, Infinity, 4, 5]);
    expect(system.predecessor(2)).toBe(-1);
  });

  it('zero-weight cycles neither hang nor keep a value after its support goes', () => {
    const system = new AlgebraicSystem({
      semiring: minPlusSemiring,
      nodes: 3,
      edges: { from: [0, 1, 2], to: [1, 2, 1], weights: [3, 0, 0] },
      seeds: [0, Infinity, Infinity],
    });
    expect(Array.from(system.values())).toEqual([0, 3, 3]);
    system.removeEdge(0, 1);
    expect(Array.from(system.values())).toEqual([0, Infinity, Infinity]);
  });

  it('removing a node drops its edges and seed; its index is refused afterwards', () => {
    const system = line();
    system.removeNode(1);
    expect(Array.from(system.values())).toEqual([0, Infinity, 5, 6]);
    expect(system.hasNode(1)).toBe(false);
    expectRefused(() => system.setEdge(1, 3, 1), 'NODE_NOT_FOUND');
  });

  it('added nodes start at their seeds and join through new edges', () => {
    const system = line();
    const first = system.addNodes(2, [Infinity, 1]);
    expect(first).toBe(4);
    expect(system.value(5)).toBe(1);
    system.apply([
      { kind: 'edge', from: 3, to: 4, weight: 1 },
      { kind: 'edge', from: 5, to: 4, weight: 1 },
    ]);
    expect(system.value(4)).toBe(2);
    expect(system.predecessor(4)).toBe(5);
  });

  it('many inserted edges into one row outgrow its slack and still land', () => {
    const system = new AlgebraicSystem({ semiring: minPlusSemiring, nodes: 200, seeds: Array.from({ length: 200 }, (_, v) => (v === 0 ? 0 : Infinity)) });
    for (let v = 1; v < 200; v++) system.setEdge(0, v, v);
    expect(system.edgeCount).toBe(199);
    expect(system.value(199)).toBe(199);
  });

  it('equals dijkstra on a random graph after a sequence of increases and decreases', () => {
    const n = 3000;
    const matrix = randomGraph(n, 20_000, 7);
    const seeds = new Float64Array(n).fill(Infinity);
    seeds[0] = 0;
    const system = new AlgebraicSystem({ semiring: minPlusSemiring, nodes: n, edges: matrix, seeds });
    const values = Float64Array.from(matrix.values as Float64Array);
    const next = xorshift(99);
    for (let k = 0; k < 40; k++) {
      const p = next() % values.length;
      let row = 0;
      while ((matrix.rowPtr[row + 1] as number) <= p) row++;
      const w = 1 + (next() % 100);
      values[p] = w;
      system.setEdge(row, matrix.colIdx[p] as number, w);
      const current = SparseMatrix.fromCsr(minPlusSemiring, n, n, matrix.rowPtr, matrix.colIdx, values);
      expect(system.values()).toEqual(dijkstra(current, 0).distances);
    }
  });

  it('wide changes run as pull sweeps, and a wide invalidation recomputes from the seeds', () => {
    const n = 2000;
    const matrix = randomGraph(n, 12_000, 3);
    const seeds = new Float64Array(n).fill(Infinity);
    seeds[0] = 0;
    const sweeping = new AlgebraicSystem({ semiring: minPlusSemiring, nodes: n, edges: matrix, seeds: new Float64Array(n).fill(Infinity), sweepFraction: 0.01 });
    const sweep = sweeping.setSeed(0, 0);
    expect(sweep.strategy).toBe('sweep');
    expect(sweep.sweeps).toBeGreaterThan(0);
    const recomputing = new AlgebraicSystem({ semiring: minPlusSemiring, nodes: n, edges: matrix, seeds, recomputeFraction: 0.1 });
    const recompute = recomputing.setSeed(0, Infinity);
    expect(recompute.strategy).toBe('recompute');
    expect(recompute.invalidated).toBeGreaterThan(200);
    expect(sweeping.values()).toEqual(dijkstra(matrix, 0).distances);
    expect(Array.from(recomputing.values()).every((d) => d === Infinity)).toBe(true);
  });

  it('the native and TS kernels give the same values', () => {
    const n = 1500;
    const matrix = randomGraph(n, 9000, 5);
    const seeds = new Float64Array(n).fill(Infinity);
    seeds[3] = 0;
    const kernels = [tsSemiringKernels, ...(nativeSemiringKernels === null ? [] : [nativeSemiringKernels])];
    const systems = kernels.map((k) => new AlgebraicSystem({ semiring: minPlusSemiring, nodes: n, edges: matrix, seeds, kernels: k, sweepFraction: 0.05 }));
    for (const s of systems) {
      s.setEdge(3, 10, 1);
      s.setSeed(3, 5);
      s.setSeed(500, 0);
    }
    for (const s of systems) expect(s.values()).toEqual(systems[0]!.values());
  });
});

describe('AlgebraicSystem over other semirings', () => {
  it('or-and keeps reachability: cutting a bridge unreaches the far side', () => {
    const system = new AlgebraicSystem({
      semiring: booleanSemiring,
      nodes: 5,
      edges: { from: [0, 1, 2, 3, 4], to: [1, 2, 3, 4, 2] },
      seeds: [1, 0, 0, 0, 0],
    });
    expect(Array.from(system.values())).toEqual([1, 1, 1, 1, 1]);
    system.removeEdge(1, 2);
    expect(Array.from(system.values())).toEqual([1, 1, 0, 0, 0]);
  });

  it('max-min keeps widest paths', () => {
    const system = new AlgebraicSystem({
      semiring: maxMinSemiring,
      nodes: 4,
      edges: { from: [0, 1, 0, 2], to: [1, 3, 2, 3], weights: [5, 4, 9, 2] },
      seeds: [Infinity, -Infinity, -Infinity, -Infinity],
    });
    expect(system.value(3)).toBe(4);
    system.setEdge(2, 3, 8);
    expect(system.value(3)).toBe(8);
    expect(system.predecessor(3)).toBe(2);
    system.setEdge(0, 2, 3);
    expect(system.value(3)).toBe(4);
  });

  it('plus-times on a DAG keeps path sums, recomputing only what a change reaches', () => {
    const system = new AlgebraicSystem({
      semiring: plusTimesSemiring,
      nodes: 5,
      edges: { from: [0, 0, 1, 2, 3], to: [1, 2, 3, 3, 4], weights: [0.5, 0.5, 0.5, 0.5, 1] },
      seeds: [1, 0, 0, 0, 0],
      sweepFraction: 1,
    });
    expect(system.acyclic).toBe(true);
    expect(system.value(3)).toBe(0.5);
    const update = system.setEdge(2, 3, 1);
    expect(system.value(3)).toBe(0.75);
    expect(system.value(4)).toBe(0.75);
    expect(update).toMatchObject({ changed: 2, recomputed: 2, strategy: 'topological' });
  });
});

describe('AlgebraicSystem refusals are typed and change nothing', () => {
  it('plus-times on a graph that may have cycles is UNSUPPORTED_SEMIRING', () => {
    expectRefused(() => new AlgebraicSystem({ semiring: plusTimesSemiring, nodes: 2, acyclic: false }), 'UNSUPPORTED_SEMIRING');
  });

  it('a user-defined semiring is UNSUPPORTED_SEMIRING', () => {
    const mine = defineSemiring<number>({
      name: 'mine',
      zero: 0,
      one: 1,
      add: (a, b) => a + b,
      mul: (a, b) => a * b,
      mulCommutative: true,
    });
    expectRefused(() => new AlgebraicSystem({ semiring: mine, nodes: 1 }), 'UNSUPPORTED_SEMIRING');
  });

  it('an edge closing a cycle in an acyclic system is GRAPH_CYCLE, with the DAG error as cause, and the batch is undone', () => {
    const system = new AlgebraicSystem({ semiring: plusTimesSemiring, nodes: 3, edges: { from: [0, 1], to: [1, 2], weights: [2, 3] }, seeds: [1, 0, 0] });
    const error = expectRefused(
      () =>
        system.apply([
          { kind: 'edge', from: 0, to: 2, weight: 1 },
          { kind: 'edge', from: 2, to: 0, weight: 1 },
        ]),
      'GRAPH_CYCLE',
    );
    expect(error.cause).toBeInstanceOf(DagCycleError);
    expect(system.hasEdge(0, 2)).toBe(false);
    expect(Array.from(system.values())).toEqual([1, 2, 6]);
    system.setEdge(0, 2, 1);
    expect(system.value(2)).toBe(7);
  });

  it('weights and seeds outside the domain are INVALID_WEIGHT and INVALID_VALUE', () => {
    const system = new AlgebraicSystem({ semiring: minPlusSemiring, nodes: 2, seeds: [0, Infinity] });
    expectRefused(() => system.setEdge(0, 1, -1), 'INVALID_WEIGHT');
    expectRefused(() => system.setEdge(0, 1, Number.NaN), 'INVALID_WEIGHT');
    expectRefused(() => system.setSeed(1, -Infinity), 'INVALID_VALUE');
    expectRefused(() => new AlgebraicSystem({ semiring: minPlusSemiring, nodes: 2, edges: { from: [0], to: [1], weights: [-2] } }), 'INVALID_WEIGHT');
    expect(system.edgeCount).toBe(0);
  });

  it('a batch with one bad change applies none of it', () => {
    const system = new AlgebraicSystem({ semiring: minPlusSemiring, nodes: 2, seeds: [0, Infinity] });
    expectRefused(
      () =>
        system.apply([
          { kind: 'edge', from: 0, to: 1, weight: 1 },
          { kind: 'seed', node: 7, value: 0 },
        ]),
      'NODE_NOT_FOUND',
    );
    expect(system.value(1)).toBe(Infinity);
    expect(system.edgeCount).toBe(0);
  });

  it('duplicate edges in the edge list are INVALID_ARGUMENT', () => {
    expectRefused(() => new AlgebraicSystem({ semiring: minPlusSemiring, nodes: 2, edges: { from: [0, 0], to: [1, 1] } }), 'INVALID_ARGUMENT');
  });
});
