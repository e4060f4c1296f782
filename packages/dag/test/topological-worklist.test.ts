import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { ShadowPageGraph } from '../src/index.js';
import { randomInt, seededRandom } from './support/model.js';

function randomDag(seed: number, n: number, m: number): ShadowPageGraph {
  const random = seededRandom(seed);
  const rank = Array.from({ length: n }, () => random());
  const graph = new ShadowPageGraph();
  for (let i = 0; i < n; i++) graph.addNode(i * 7);
  for (let e = 0; e < m; e++) {
    let a = randomInt(random, n);
    let b = randomInt(random, n);
    if (a === b) continue;
    if ((rank[a] as number) > (rank[b] as number)) [a, b] = [b, a];
    if (!graph.hasEdge(a * 7, b * 7)) graph.addEdge(a * 7, b * 7);
  }
  return graph;
}

describe('TopologicalWorklist', () => {
  test('draining with every popped node pushing its dependents visits affectedInOrder, each once, in a topological order', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.nat({ max: 29 }), { maxLength: 4 }), (seed, sources) => {
        const graph = randomDag(seed, 30, 60);
        const worklist = graph.createWorklist();
        for (const s of sources) worklist.push(s * 7);
        const popped: number[] = [];
        for (let id = worklist.pop(); id !== undefined; id = worklist.pop()) {
          popped.push(id);
          worklist.pushDependents(id);
        }
        const expected = Array.from(graph.affectedInOrder(sources.map((s) => s * 7)));
        expect(new Set(popped)).toEqual(new Set(expected));
        expect(popped).toHaveLength(expected.length);
        for (let i = 1; i < popped.length; i++) expect(graph.compareOrder(popped[i - 1] as number, popped[i] as number)).toBeLessThan(0);
      }),
      { numRuns: 200 },
    );
  });

  test('a node enters once a wave; reset starts the next wave', () => {
    const graph = randomDag(1, 5, 0);
    const worklist = graph.createWorklist();
    expect(worklist.push(0)).toBe(true);
    expect(worklist.push(0)).toBe(false);
    expect(worklist.push(999)).toBe(false);
    expect(worklist.pop()).toBe(0);
    expect(worklist.push(0)).toBe(false);
    worklist.reset();
    expect(worklist.push(0)).toBe(true);
    expect(worklist.size).toBe(1);
  });

  test('re-sorts itself when an added edge reorders queued nodes, and drops removed nodes', () => {
    const graph = new ShadowPageGraph();
    for (const id of [1, 2, 3, 4]) graph.addNode(id);
    const worklist = graph.createWorklist();
    worklist.push(1);
    worklist.push(2);
    worklist.push(4);
    graph.addEdge(2, 1);
    graph.removeNode(4);
    graph.addNode(5);
    expect(worklist.push(5)).toBe(true);
    expect([worklist.pop(), worklist.pop(), worklist.pop(), worklist.pop()]).toEqual([2, 1, 5, undefined]);
  });
});
