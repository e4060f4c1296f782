import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { DagCycleError, DagError, MAX_NODE_ID, ShadowPageGraph, isDagError } from '../src/index.js';
import type { DagErrorCode } from '../src/index.js';
import { ModelGraph, expectMatchesModel, expectRealCycle } from './support/model.js';

/** The code of the DagError `run` throws (fails the test if it throws anything else or nothing). */
function codeOf(run: () => unknown): DagErrorCode {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DagError);
    return (error as DagError).code;
  }
  throw new Error('expected a DagError, nothing was thrown');
}

function graphWith(nodes: number[], edges: [number, number, number?][] = []): ShadowPageGraph {
  const graph = new ShadowPageGraph();
  for (const id of nodes) graph.addNode(id);
  for (const [from, to, weight] of edges) graph.addEdge(from, to, weight);
  return graph;
}

/** A fingerprint of everything observable, to prove a refused call changed nothing. */
function snapshot(graph: ShadowPageGraph): unknown {
  return { order: Array.from(graph.topologicalOrder()), edges: graph.edges(), registered: graph.registeredCount };
}

describe('nodes', () => {
  test('added nodes exist, removed nodes do not, and counts follow', () => {
    const graph = graphWith([3, 1, 2]);
    expect(graph.nodeCount).toBe(3);
    expect(graph.hasNode(1)).toBe(true);
    graph.removeNode(1);
    expect(graph.hasNode(1)).toBe(false);
    expect(graph.nodeCount).toBe(2);
    expect(Array.from(graph.topologicalOrder())).toEqual([3, 2]);
  });

  test('ids span 0 … 2^31 - 1 and anything else is INVALID_ID', () => {
    const graph = graphWith([0, MAX_NODE_ID]);
    expect(graph.hasNode(MAX_NODE_ID)).toBe(true);
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 31, '3' as unknown as number]) {
      expect(codeOf(() => graph.addNode(bad))).toBe('INVALID_ID');
      expect(graph.hasNode(bad)).toBe(false);
    }
    expect(graph.nodeCount).toBe(2);
  });

  test('adding an existing node is NODE_EXISTS and removing a missing one NODE_NOT_FOUND', () => {
    const graph = graphWith([7]);
    expect(codeOf(() => graph.addNode(7))).toBe('NODE_EXISTS');
    expect(codeOf(() => graph.removeNode(8))).toBe('NODE_NOT_FOUND');
    expect(graph.nodeCount).toBe(1);
  });

  test('removing a node removes its edges both ways and frees its slot for reuse', () => {
    const graph = graphWith([1, 2, 3], [
      [1, 2],
      [2, 3],
      [1, 3],
    ]);
    graph.removeNode(2);
    expect(graph.edgeCount).toBe(1);
    expect(graph.dependentsOf(1)).toEqual([3]);
    expect(graph.dependenciesOf(3)).toEqual([1]);
    graph.addNode(4);
    graph.addEdge(4, 1);
    expect(graph.compareOrder(4, 1)).toBeLessThan(0);
    expect(graph.hasEdge(2, 3)).toBe(false);
  });
});

describe('edges', () => {
  test('an edge from → to makes to a dependent of from, with weight 1 unless given', () => {
    const graph = graphWith([1, 2, 3], [
      [1, 2],
      [1, 3, 2.5],
    ]);
    expect(graph.hasEdge(1, 2)).toBe(true);
    expect(graph.hasEdge(2, 1)).toBe(false);
    expect(graph.dependentsOf(1).sort()).toEqual([2, 3]);
    expect(graph.dependenciesOf(3)).toEqual([1]);
    expect(graph.edgeWeight(1, 2)).toBe(1);
    expect(graph.edgeWeight(1, 3)).toBe(2.5);
    expect(graph.fanOut(1)).toBe(2);
    expect(graph.fanIn(3)).toBe(1);
  });

  test('weights are visible from both ends and can be changed, including to ±Infinity', () => {
    const graph = graphWith([1, 2], [[1, 2]]);
    graph.setEdgeWeight(1, 2, Infinity);
    expect(graph.edgeWeight(1, 2)).toBe(Infinity);
    const seen: number[] = [];
    graph.forEachDependency(2, (_from, weight) => seen.push(weight));
    graph.forEachDependent(1, (_to, weight) => seen.push(weight));
    expect(seen).toEqual([Infinity, Infinity]);
    graph.setEdgeWeight(1, 2, -0.5);
    expect(graph.edgeWeight(1, 2)).toBe(-0.5);
  });

  test('bad edges are refused with typed errors and leave the graph unchanged', () => {
    const graph = graphWith([1, 2, 3], [[1, 2]]);
    graph.register(1, { recompute: () => 0, meta: 'x' });
    const before = snapshot(graph);
    const cases: [() => void, DagErrorCode][] = [
      [() => graph.addEdge(1, 9), 'NODE_NOT_FOUND'],
      [() => graph.addEdge(9, 1), 'NODE_NOT_FOUND'],
      [() => graph.addEdge(-1, 1), 'INVALID_ID'],
      [() => graph.addEdge(1, 2.5), 'INVALID_ID'],
      [() => graph.addEdge(1, 2), 'EDGE_EXISTS'],
      [() => graph.addEdge(3, 3), 'SELF_LOOP'],
      [() => graph.addEdge(2, 3, NaN), 'INVALID_WEIGHT'],
      [() => graph.addEdge(2, 3, '1' as unknown as number), 'INVALID_WEIGHT'],
      [() => graph.addEdge(2, 1), 'CYCLE'],
      [() => graph.removeEdge(2, 3), 'EDGE_NOT_FOUND'],
      [() => graph.edgeWeight(2, 3), 'EDGE_NOT_FOUND'],
      [() => graph.setEdgeWeight(1, 2, NaN), 'INVALID_WEIGHT'],
      [() => graph.fanIn(5), 'NODE_NOT_FOUND'],
      [() => graph.register(1, { recompute: () => 1, meta: 'y' }), 'ALREADY_REGISTERED'],
      [() => graph.register(5, { recompute: () => 1, meta: 'y' }), 'NODE_NOT_FOUND'],
    ];
    for (const [run, code] of cases) {
      expect(codeOf(run)).toBe(code);
      expect(snapshot(graph)).toEqual(before);
    }
  });

  test('an edge that closes a cycle is refused with the cycle named in edge order', () => {
    const graph = graphWith([1, 2, 3, 4], [
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
    let error: unknown;
    try {
      graph.addEdge(4, 1);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DagCycleError);
    expect(isDagError(error, 'CYCLE')).toBe(true);
    expect((error as DagCycleError).cycle).toEqual([4, 1, 2, 3]);
    expect((error as DagCycleError).message).toContain('4 → 1 → 2 → 3 → 4');
    expect(graph.edgeCount).toBe(3);
  });

  test('removing an edge keeps the order valid and lets the reverse edge in', () => {
    const graph = graphWith([1, 2], [[1, 2]]);
    graph.removeEdge(1, 2);
    graph.addEdge(2, 1);
    expect(graph.compareOrder(2, 1)).toBeLessThan(0);
  });
});

describe('order', () => {
  test('an edge against the current order moves the affected region and nothing else', () => {
    // Added in order 1..6; 5 → 2 forces 5 (and its dependency 4) before 2 (and its dependent 3).
    const graph = graphWith([1, 2, 3, 4, 5, 6], [
      [2, 3],
      [4, 5],
    ]);
    graph.addEdge(5, 2);
    expect(Array.from(graph.topologicalOrder())).toEqual([1, 4, 5, 2, 3, 6]);
  });

  test('orderOf and compareOrder agree with topologicalOrder', () => {
    const graph = graphWith([10, 20, 30], [
      [30, 10],
      [10, 20],
    ]);
    const order = Array.from(graph.topologicalOrder());
    expect(order).toEqual([30, 10, 20]);
    expect(graph.orderOf(30)).toBeLessThan(graph.orderOf(10));
    expect(graph.compareOrder(20, 10)).toBeGreaterThan(0);
    expect(graph.compareOrder(20, 20)).toBe(0);
  });

  test('affectedInOrder lists every node reachable from the sources once, in topological order', () => {
    const graph = graphWith([1, 2, 3, 4, 5, 6], [
      [1, 2],
      [1, 3],
      [2, 4],
      [3, 4],
      [5, 6],
    ]);
    graph.addEdge(4, 5);
    expect(Array.from(graph.affectedInOrder([3, 1]))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(graph.affectedInOrder([5]))).toEqual([5, 6]);
    expect(Array.from(graph.affectedInOrder([]))).toEqual([]);
    expect(codeOf(() => graph.affectedInOrder([99]))).toBe('NODE_NOT_FOUND');
  });

  test('the order survives many removals (positions are compacted) and stays topological', () => {
    const graph = new ShadowPageGraph();
    const model = new ModelGraph();
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 20; i++) {
        const id = round * 20 + i;
        graph.addNode(id);
        model.nodes.add(id);
        if (i > 0) {
          graph.addEdge(id, id - 1);
          model.edges.set(ModelGraph.key(id, id - 1), 1);
        }
      }
      for (let i = 0; i < 19; i++) {
        const id = round * 20 + i;
        graph.removeNode(id);
        model.removeNode(id);
      }
    }
    expectMatchesModel(graph, model);
  });
});

describe('registry', () => {
  test('register, look up and unregister typed recompute entries; removing the node drops its entry', () => {
    const graph = new ShadowPageGraph<(inputs: readonly number[]) => number, { readonly name: string }>();
    graph.addNode(1);
    graph.addNode(2);
    graph.register(1, { recompute: (inputs) => inputs.length, meta: { name: 'sum' } });
    graph.register(2, { recompute: () => 0, meta: { name: 'zero' } });
    expect(graph.registration(1)?.meta.name).toBe('sum');
    expect(graph.registration(1)?.recompute([1, 2])).toBe(2);
    expect(graph.registeredCount).toBe(2);
    expect(graph.unregister(2)).toBe(true);
    expect(graph.unregister(2)).toBe(false);
    graph.removeNode(1);
    expect(graph.registration(1)).toBeUndefined();
    expect(graph.registeredCount).toBe(0);
  });
});

describe('diagnostics', () => {
  test('depths are longest paths from a source and statistics summarise fan-in, fan-out and depth', () => {
    const graph = graphWith([1, 2, 3, 4, 5], [
      [1, 2],
      [2, 3],
      [1, 3],
      [3, 4],
    ]);
    expect(graph.depths()).toEqual(
      new Map([
        [1, 0],
        [2, 1],
        [3, 2],
        [4, 3],
        [5, 0],
      ]),
    );
    const stats = graph.statistics();
    expect(stats.nodeCount).toBe(5);
    expect(stats.edgeCount).toBe(4);
    expect(stats.sourceCount).toBe(2);
    expect(stats.sinkCount).toBe(2);
    expect(stats.depth.max).toBe(3);
    expect(stats.fanIn.max).toBe(2);
    expect(stats.fanOut.mean).toBeCloseTo(4 / 5);
    // fan-out values 2,1,1,0,0: histogram buckets [0], [1,2), [2,4)
    expect(stats.fanOut.histogram).toEqual([2, 2, 1]);
    expect(stats.fanOut.p50).toBe(1);
    expect(stats.memoryBytes).toBe(graph.memoryBytes());
  });

  test('the graph alone has singleton components; candidate edges reveal what they would close', () => {
    const graph = graphWith([1, 2, 3], [
      [1, 2],
      [2, 3],
    ]);
    expect(graph.stronglyConnectedComponents().every((c) => c.length === 1)).toBe(true);
    const components = graph.stronglyConnectedComponents([[3, 2]]);
    expect(components).toContainEqual([2, 3]);
    expect(graph.edgeCount).toBe(2);
  });

  test('compact keeps every edge and weight and shrinks the footprint', () => {
    const graph = new ShadowPageGraph();
    for (let i = 0; i < 200; i++) graph.addNode(i);
    for (let i = 0; i < 199; i++) graph.addEdge(i, i + 1, i);
    for (let i = 0; i < 150; i++) graph.removeEdge(i, i + 1);
    const edges = graph.edges();
    const before = graph.memoryBytes();
    graph.compact();
    expect(graph.memoryBytes()).toBeLessThan(before);
    expect(graph.edges()).toEqual(edges);
    graph.addEdge(0, 199, 7);
    expect(graph.edgeWeight(0, 199)).toBe(7);
  });
});

type Op =
  | { readonly kind: 'addNode'; readonly id: number }
  | { readonly kind: 'removeNode'; readonly id: number }
  | { readonly kind: 'addEdge'; readonly from: number; readonly to: number; readonly weight: number }
  | { readonly kind: 'removeEdge'; readonly from: number; readonly to: number };

/** Small index space, spread over the whole id range so the id hash and slot reuse get exercised. */
const ID_OF = Array.from({ length: 10 }, (_, i) => (i * 0x2545f491) % (MAX_NODE_ID + 1));
const arbId = fc.integer({ min: 0, max: ID_OF.length - 1 }).map((i) => ID_OF[i] as number);
const arbOp: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('addNode' as const), id: arbId }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeNode' as const), id: arbId }) },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('addEdge' as const),
      from: arbId,
      to: arbId,
      weight: fc.constantFrom(1, 0.5, -3, Infinity),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeEdge' as const), from: arbId, to: arbId }) },
);

/** Every id of ID_OF as a node, then those of the ops' edges that keep it acyclic: a graph and its model. */
function acyclicOf(ops: readonly Op[]): { graph: ShadowPageGraph; model: ModelGraph } {
  const graph = new ShadowPageGraph();
  const model = new ModelGraph();
  for (const id of ID_OF) {
    graph.addNode(id);
    model.nodes.add(id);
  }
  for (const op of ops) {
    if (op.kind !== 'addEdge' || op.from === op.to || model.hasEdge(op.from, op.to) || model.reaches(op.to, op.from)) continue;
    graph.addEdge(op.from, op.to);
    model.edges.set(ModelGraph.key(op.from, op.to), 1);
  }
  return { graph, model };
}

describe('laws', () => {
  test('after any sequence of operations the order is topological, and an edge is refused iff it closes a cycle, naming a real one', () => {
    fc.assert(
      fc.property(fc.subarray(ID_OF), fc.array(arbOp, { minLength: 20, maxLength: 150 }), (initial, ops) => {
        const graph = new ShadowPageGraph();
        const model = new ModelGraph();
        for (const id of initial) {
          graph.addNode(id);
          model.nodes.add(id);
        }
        for (const op of ops) {
          if (op.kind === 'addNode') {
            const exists = model.nodes.has(op.id);
            if (exists) expect(codeOf(() => graph.addNode(op.id))).toBe('NODE_EXISTS');
            else graph.addNode(op.id);
            model.nodes.add(op.id);
          } else if (op.kind === 'removeNode') {
            if (!model.nodes.has(op.id)) expect(codeOf(() => graph.removeNode(op.id))).toBe('NODE_NOT_FOUND');
            else graph.removeNode(op.id);
            model.removeNode(op.id);
          } else if (op.kind === 'removeEdge') {
            const exists = model.hasEdge(op.from, op.to);
            const missingNode = !model.nodes.has(op.from) || !model.nodes.has(op.to);
            if (exists) graph.removeEdge(op.from, op.to);
            else expect(codeOf(() => graph.removeEdge(op.from, op.to))).toBe(missingNode ? 'NODE_NOT_FOUND' : 'EDGE_NOT_FOUND');
            model.edges.delete(ModelGraph.key(op.from, op.to));
          } else {
            const { from, to, weight } = op;
            let expected: DagErrorCode | null = null;
            if (!model.nodes.has(from) || !model.nodes.has(to)) expected = 'NODE_NOT_FOUND';
            else if (from === to) expected = 'SELF_LOOP';
            else if (model.hasEdge(from, to)) expected = 'EDGE_EXISTS';
            else if (model.reaches(to, from)) expected = 'CYCLE';
            if (expected === null) {
              graph.addEdge(from, to, weight);
              model.edges.set(ModelGraph.key(from, to), weight);
            } else {
              let error: unknown;
              try {
                graph.addEdge(from, to, weight);
              } catch (caught) {
                error = caught;
              }
              expect(isDagError(error, expected)).toBe(true);
              if (error instanceof DagCycleError) {
                expect(error.cycle.slice(0, 2)).toEqual([from, to]);
                expectRealCycle(model, error.cycle, [from, to]);
              }
            }
          }
          expectMatchesModel(graph, model);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('affectedInOrder is exactly the reachable set, in an order consistent with every edge', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 10, maxLength: 80 }), fc.array(arbId, { maxLength: 3 }), (ops, sources) => {
        const { graph, model } = acyclicOf(ops);
        const affected = Array.from(graph.affectedInOrder(sources));
        const expected = [...model.nodes].filter((id) => sources.some((s) => model.reaches(s, id)));
        expect(new Set(affected)).toEqual(new Set(expected));
        expect(affected.length).toBe(expected.length);
        const position = new Map(affected.map((id, i) => [id, i]));
        for (const key of model.edges.keys()) {
          const [from, to] = key.split('>').map(Number) as [number, number];
          if (position.has(from)) expect(position.get(from) as number).toBeLessThan(position.get(to) as number);
        }
      }),
      { numRuns: 200 },
    );
  });

  test('depth of every node equals the longest path to it computed from scratch', () => {
    fc.assert(
      fc.property(fc.array(arbOp, { minLength: 10, maxLength: 80 }), (ops) => {
        const { graph, model } = acyclicOf(ops);
        const memo = new Map<number, number>();
        const depth = (id: number): number => {
          const known = memo.get(id);
          if (known !== undefined) return known;
          let d = 0;
          for (const key of model.edges.keys()) {
            const [from, to] = key.split('>').map(Number) as [number, number];
            if (to === id) d = Math.max(d, depth(from) + 1);
          }
          memo.set(id, d);
          return d;
        };
        for (const [id, d] of graph.depths()) expect(d).toBe(depth(id));
      }),
      { numRuns: 100 },
    );
  });
});

describe('addEdges', () => {
  test('a bulk batch is all or nothing and leaves a topological order (checked against the model)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(arbId, arbId), { minLength: 1, maxLength: 30 }), (pairs) => {
        const { graph, model } = acyclicOf([]);
        const unique = [...new Map(pairs.filter(([u, v]) => u !== v).map(([u, v]) => [ModelGraph.key(u, v), [u, v] as const])).values()];
        const trial = new ModelGraph();
        for (const [u, v] of unique) trial.edges.set(ModelGraph.key(u, v), 1);
        const cyclic = unique.some(([u, v]) => trial.reaches(v, u));
        const before = snapshot(graph);
        let error: unknown;
        try {
          graph.addEdges(
            unique.map(([u]) => u),
            unique.map(([, v]) => v),
          );
        } catch (caught) {
          error = caught;
        }
        if (cyclic) {
          expect(error).toBeInstanceOf(DagCycleError);
          for (const cycle of (error as DagCycleError).cycles) expectRealCycle(trial, cycle);
          expect(snapshot(graph)).toEqual(before);
        } else {
          expect(error).toBeUndefined();
          for (const [u, v] of unique) model.edges.set(ModelGraph.key(u, v), 1);
          expectMatchesModel(graph, model);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a bad edge anywhere in the batch refuses the whole batch', () => {
    const graph = graphWith([1, 2, 3], [[1, 2]]);
    const before = snapshot(graph);
    expect(codeOf(() => graph.addEdges([2, 1], [3, 2]))).toBe('EDGE_EXISTS');
    expect(codeOf(() => graph.addEdges([2, 3], [3, 3]))).toBe('SELF_LOOP');
    expect(codeOf(() => graph.addEdges([2, 3], [3, 9]))).toBe('NODE_NOT_FOUND');
    expect(codeOf(() => graph.addEdges([2], [3], [NaN]))).toBe('INVALID_WEIGHT');
    expect(codeOf(() => graph.addEdges([2], [3, 1]))).toBe('INVALID_ARGUMENT');
    expect(snapshot(graph)).toEqual(before);
    graph.addEdges([3, 3], [1, 2], [2, 4]);
    expect(graph.edgeWeight(3, 2)).toBe(4);
    expect(Array.from(graph.topologicalOrder())).toEqual([3, 1, 2]);
  });
});
