import { describe, expect, test } from 'vitest';

import { DagCycleError, ShadowPageGraph, isDagError } from '../src/index.js';
import { randomInt, seededRandom } from './support/model.js';

const NODES = 1_000_000;
const EDGES = 10_000_000;
const SEED = 20_250_404;

describe('scale', () => {
  test('a million nodes and ten million random edges (hidden random order, so Pearce–Kelly reorders) fit and operate', () => {
    const random = seededRandom(SEED);
    // A hidden random order; every edge goes forward in it, so the graph is a DAG whose order
    // the graph has to discover edge by edge (nodes are added in id order).
    const rank = new Int32Array(NODES);
    for (let i = 0; i < NODES; i++) rank[i] = i;
    for (let i = NODES - 1; i > 0; i--) {
      const j = randomInt(random, i + 1);
      const t = rank[i] as number;
      rank[i] = rank[j] as number;
      rank[j] = t;
    }
    const from = new Int32Array(EDGES);
    const to = new Int32Array(EDGES);
    for (let e = 0; e < EDGES; e++) {
      let a = randomInt(random, NODES);
      let b = randomInt(random, NODES - 1);
      if (b >= a) b++;
      if ((rank[a] as number) > (rank[b] as number)) [a, b] = [b, a];
      from[e] = a;
      to[e] = b;
    }

    const buffersBefore = process.memoryUsage().arrayBuffers;
    const graph = new ShadowPageGraph({ nodeCapacity: NODES });
    for (let i = 0; i < NODES; i++) graph.addNode(i);
    let duplicates = 0;
    for (let e = 0; e < EDGES; e++) {
      const u = from[e] as number;
      const v = to[e] as number;
      try {
        graph.addEdge(u, v);
      } catch (error) {
        if (!isDagError(error, 'EDGE_EXISTS')) throw error;
        duplicates++;
      }
    }
    expect(graph.nodeCount).toBe(NODES);
    expect(graph.edgeCount).toBe(EDGES - duplicates);
    expect(duplicates).toBeLessThan(1000);
    const grownBytes = process.memoryUsage().arrayBuffers - buffersBefore;

    // The order is a permutation of the nodes and every sampled edge goes forward in it.
    const order = graph.topologicalOrder();
    const position = new Int32Array(NODES).fill(-1);
    order.forEach((id, i) => (position[id] = i));
    expect(position.every((p) => p >= 0)).toBe(true);
    let backwards = 0;
    for (let k = 0; k < 200_000; k++) {
      const e = randomInt(random, EDGES);
      if ((position[from[e] as number] as number) > (position[to[e] as number] as number)) backwards++;
    }
    expect(backwards).toBe(0);

    // Closing a two-step path a → b → c with c → a is refused, naming a real cycle.
    const a = from[0] as number;
    const b = to[0] as number;
    const c = graph.dependentsOf(b)[0] ?? graph.dependentsOf(a).find((x) => x !== b);
    expect(c).toBeDefined();
    let refusal: unknown;
    try {
      graph.addEdge(c as number, a);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(DagCycleError);
    const cycle = (refusal as DagCycleError).cycle;
    expect(cycle.slice(0, 2)).toEqual([c, a]);
    for (let i = 1; i < cycle.length; i++) expect(graph.hasEdge(cycle[i] as number, cycle[(i + 1) % cycle.length] as number)).toBe(true);
    expect(graph.edgeCount).toBe(EDGES - duplicates);

    // The nodes affected by a late node, in order.
    const late = order[NODES - 1000] as number;
    const affected = graph.affectedInOrder([late]);
    expect(affected[0]).toBe(late);
    let outOfOrder = 0;
    for (let i = 1; i < affected.length; i++) {
      if ((position[affected[i - 1] as number] as number) > (position[affected[i] as number] as number)) outOfOrder++;
    }
    expect(outOfOrder).toBe(0);

    const stats = graph.statistics();
    expect(stats.edgeCount).toBe(graph.edgeCount);
    expect(stats.fanOut.mean).toBeCloseTo(graph.edgeCount / NODES, 6);
    expect(stats.depth.max).toBeGreaterThan(10);

    // Removing nodes removes exactly their edges.
    let expectedEdges = graph.edgeCount;
    for (let k = 0; k < 1000; k++) {
      const id = k * 997;
      expectedEdges -= graph.fanIn(id) + graph.fanOut(id);
      graph.removeNode(id);
    }
    expect(graph.nodeCount).toBe(NODES - 1000);
    expect(graph.edgeCount).toBe(expectedEdges);

    graph.compact();
    const compactBytes = graph.memoryBytes();
    // Unweighted: 4 bytes each way per edge once compact, plus per-node records, order and id hash.
    expect(compactBytes / graph.edgeCount).toBeLessThan(16);
    console.info(
      `scale: ${NODES} nodes, ${EDGES - duplicates} edges; arrayBuffers grown ${(grownBytes / 2 ** 20).toFixed(0)} MiB ` +
        `(${(grownBytes / EDGES).toFixed(1)} B/edge) while building, memoryBytes ${(compactBytes / 2 ** 20).toFixed(0)} MiB ` +
        `(${(compactBytes / graph.edgeCount).toFixed(1)} B/edge) after compact(); heapUsed ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`,
    );
  }, 180_000);
});
