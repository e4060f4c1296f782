import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { findCycles, stronglyConnectedComponents } from '../src/index.js';
import type { EdgeTuple } from '../src/index.js';
import { ModelGraph, expectRealCycle } from './support/model.js';

/** Kosaraju's algorithm, recursive and plain: the reference. */
function kosaraju(nodes: number[], edges: readonly EdgeTuple[]): number[][] {
  const succ = new Map<number, number[]>(nodes.map((n) => [n, []]));
  const pred = new Map<number, number[]>(nodes.map((n) => [n, []]));
  for (const [u, v] of edges) {
    succ.get(u)?.push(v);
    pred.get(v)?.push(u);
  }
  const seen = new Set<number>();
  const finished: number[] = [];
  const visit = (v: number): void => {
    seen.add(v);
    for (const w of succ.get(v) ?? []) if (!seen.has(w)) visit(w);
    finished.push(v);
  };
  for (const v of nodes) if (!seen.has(v)) visit(v);
  const assigned = new Set<number>();
  const components: number[][] = [];
  for (const root of finished.reverse()) {
    if (assigned.has(root)) continue;
    const component: number[] = [];
    const stack = [root];
    assigned.add(root);
    while (stack.length > 0) {
      const v = stack.pop() as number;
      component.push(v);
      for (const w of pred.get(v) ?? []) {
        if (!assigned.has(w)) {
          assigned.add(w);
          stack.push(w);
        }
      }
    }
    components.push(component.sort((a, b) => a - b));
  }
  return components;
}

const arbEdges = fc.array(
  fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 11 })).map(([u, v]) => [u * 1000, v * 1000] as const),
  { maxLength: 40 },
);

function canonical(components: number[][]): string[] {
  return components.map((c) => c.join(',')).sort();
}

describe('stronglyConnectedComponents', () => {
  test('equals Kosaraju on arbitrary digraphs, lists sinks first, and keeps isolated nodes', () => {
    fc.assert(
      fc.property(arbEdges, fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 4 }), (edges, isolated) => {
        const nodes = [...new Set([...isolated, ...edges.flatMap(([u, v]) => [u, v])])];
        const components = stronglyConnectedComponents(edges, isolated);
        expect(canonical(components)).toEqual(canonical(kosaraju(nodes, edges)));
        const index = new Map<number, number>();
        components.forEach((members, i) => members.forEach((id) => index.set(id, i)));
        for (const [u, v] of edges) expect(index.get(u) as number).toBeGreaterThanOrEqual(index.get(v) as number);
      }),
      { numRuns: 500 },
    );
  });

  test('handles a path of 200 000 nodes and one big cycle without recursion', () => {
    const n = 200_000;
    const edges: EdgeTuple[] = [];
    for (let i = 0; i + 1 < n; i++) edges.push([i, i + 1]);
    expect(stronglyConnectedComponents(edges)).toHaveLength(n);
    edges.push([n - 1, 0]);
    const components = stronglyConnectedComponents(edges);
    expect(components).toHaveLength(1);
    expect(components[0]).toHaveLength(n);
  });

  test('refuses invalid ids', () => {
    expect(() => stronglyConnectedComponents([[1, -2]])).toThrow(/edge target -2/);
  });
});

describe('findCycles', () => {
  test('returns one real cycle per component that has one, and none for a DAG', () => {
    fc.assert(
      fc.property(arbEdges, (edges) => {
        const model = new ModelGraph();
        for (const [u, v] of edges) {
          model.nodes.add(u).add(v);
          model.edges.set(ModelGraph.key(u, v), 1);
        }
        const cycles = findCycles(edges);
        const cyclic = stronglyConnectedComponents(edges).filter((c) => c.length > 1 || model.hasEdge(c[0] as number, c[0] as number));
        expect(cycles).toHaveLength(cyclic.length);
        const seen = new Set<string>();
        for (const cycle of cycles) {
          expectRealCycle(model, cycle);
          const home = cyclic.find((c) => c.includes(cycle[0] as number)) as number[];
          expect(cycle.every((id) => home.includes(id))).toBe(true);
          seen.add(home.join(','));
        }
        expect(seen.size).toBe(cycles.length);
      }),
      { numRuns: 500 },
    );
  });

  test('names a self loop as a one-node cycle', () => {
    expect(findCycles([[5, 5], [1, 2]])).toEqual([[5]]);
  });
});
