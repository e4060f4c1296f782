import { expect } from 'vitest';

import type { ShadowPageGraph } from '../../src/index.js';

/** mulberry32: a small seeded generator for tests (uniform in [0, 1)). */
export function seededRandom(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform integer in [0, n) from `random`. */
export function randomInt(random: () => number, n: number): number {
  return Math.floor(random() * n);
}

/** The reference graph the properties compare against: plain sets, no cleverness. */
export class ModelGraph {
  readonly nodes = new Set<number>();
  readonly edges = new Map<string, number>();

  static key(from: number, to: number): string {
    return `${from}>${to}`;
  }

  hasEdge(from: number, to: number): boolean {
    return this.edges.has(ModelGraph.key(from, to));
  }

  successors(id: number): number[] {
    const result: number[] = [];
    for (const key of this.edges.keys()) {
      const [from, to] = key.split('>').map(Number) as [number, number];
      if (from === id) result.push(to);
    }
    return result;
  }

  /** Whether `to` is reachable from `from` (from-scratch search over the edge set). */
  reaches(from: number, to: number): boolean {
    const seen = new Set<number>([from]);
    const stack = [from];
    while (stack.length > 0) {
      const v = stack.pop() as number;
      if (v === to) return true;
      for (const w of this.successors(v)) {
        if (!seen.has(w)) {
          seen.add(w);
          stack.push(w);
        }
      }
    }
    return false;
  }

  removeNode(id: number): void {
    this.nodes.delete(id);
    for (const key of [...this.edges.keys()]) {
      const [from, to] = key.split('>').map(Number) as [number, number];
      if (from === id || to === id) this.edges.delete(key);
    }
  }
}

/** Asserts that `graph` holds exactly the model's nodes and edges and that its order is topological. */
export function expectMatchesModel(graph: ShadowPageGraph, model: ModelGraph): void {
  const order = Array.from(graph.topologicalOrder());
  expect(new Set(order)).toEqual(model.nodes);
  expect(order.length).toBe(model.nodes.size);
  expect(graph.nodeCount).toBe(model.nodes.size);
  expect(graph.edgeCount).toBe(model.edges.size);
  const position = new Map(order.map((id, i) => [id, i]));
  for (const [key, weight] of model.edges) {
    const [from, to] = key.split('>').map(Number) as [number, number];
    expect((position.get(from) as number) < (position.get(to) as number)).toBe(true);
    expect(graph.compareOrder(from, to)).toBeLessThan(0);
    expect(graph.edgeWeight(from, to)).toBe(weight);
  }
}

/** Asserts that `cycle` is a cycle of the model, closed by the candidate edge `from → to` when given. */
export function expectRealCycle(model: ModelGraph, cycle: readonly number[], candidate?: readonly [number, number]): void {
  expect(new Set(cycle).size).toBe(cycle.length);
  for (let i = 0; i < cycle.length; i++) {
    const from = cycle[i] as number;
    const to = cycle[(i + 1) % cycle.length] as number;
    const isCandidate = candidate !== undefined && i === 0 && from === candidate[0] && to === candidate[1];
    expect(isCandidate || model.hasEdge(from, to)).toBe(true);
  }
}
