import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import { DagCycleError, DagError, ShadowPageGraph, graphFromJson, graphToDot, graphToJson } from '../src/index.js';
import type { DagErrorCode } from '../src/index.js';

function codeOf(run: () => unknown): DagErrorCode | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof DagError) return error.code;
    throw error;
  }
  return undefined;
}

const arbGraph = fc
  .record({
    nodes: fc.uniqueArray(fc.integer({ min: 0, max: 2 ** 31 - 1 }), { minLength: 1, maxLength: 12 }),
    edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.constantFrom(1, 2.5, -1, 0, Infinity, -Infinity)), { maxLength: 40 }),
  })
  .map(({ nodes, edges }) => {
    const graph = new ShadowPageGraph();
    for (const id of nodes) graph.addNode(id);
    for (const [a, b, w] of edges) {
      const from = nodes[a % nodes.length] as number;
      const to = nodes[b % nodes.length] as number;
      if (from !== to && !graph.hasEdge(from, to) && !graph.hasEdge(to, from)) {
        try {
          graph.addEdge(from, to, w);
        } catch (error) {
          if (!(error instanceof DagCycleError)) throw error;
        }
      }
    }
    return graph;
  });

function edgeSet(graph: ShadowPageGraph): string[] {
  return graph
    .edges()
    .map(([from, to, weight]) => `${from}>${to}:${weight}`)
    .sort();
}

describe('JSON', () => {
  test('round trip through JSON text keeps nodes, edges, weights (±Infinity too) and the order', () => {
    fc.assert(
      fc.property(arbGraph, (graph) => {
        const text = JSON.stringify(graphToJson(graph));
        const back = graphFromJson(text);
        expect(new Set(back.topologicalOrder())).toEqual(new Set(graph.topologicalOrder()));
        expect(edgeSet(back)).toEqual(edgeSet(graph));
        expect(Array.from(back.topologicalOrder())).toEqual(Array.from(graph.topologicalOrder()));
      }),
      { numRuns: 200 },
    );
  });

  test('a cyclic document is refused with one cycle per cyclic component', () => {
    const doc = {
      format: 'mmsb-dag',
      version: 1,
      nodes: [1, 2, 3, 4, 5, 6],
      edges: [
        [1, 2],
        [2, 1],
        [3, 4],
        [4, 5],
        [5, 3],
        [5, 6],
      ],
    };
    let error: unknown;
    try {
      graphFromJson(doc);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DagCycleError);
    const cycles = (error as DagCycleError).cycles.map((c) => [...c].sort().join(',')).sort();
    expect(cycles).toEqual(['1,2', '3,4,5']);
  });

  test('malformed documents get typed errors naming what is wrong', () => {
    const base = { format: 'mmsb-dag', version: 1, nodes: [1, 2], edges: [[1, 2]] };
    const cases: [unknown, DagErrorCode][] = [
      ['{not json', 'INVALID_JSON'],
      [null, 'INVALID_JSON'],
      [{ ...base, format: 'other' }, 'INVALID_JSON'],
      [{ ...base, version: 2 }, 'INVALID_JSON'],
      [{ ...base, nodes: 'x' }, 'INVALID_JSON'],
      [{ ...base, edges: [[1]] }, 'INVALID_JSON'],
      [{ ...base, nodes: [1, -2] }, 'INVALID_ID'],
      [{ ...base, nodes: [1, 1] }, 'NODE_EXISTS'],
      [{ ...base, edges: [[1, 3]] }, 'NODE_NOT_FOUND'],
      [{ ...base, edges: [[1, 1]] }, 'SELF_LOOP'],
      [{ ...base, edges: [[1, 2], [1, 2]] }, 'EDGE_EXISTS'],
      [{ ...base, edges: [[1, 2, 'heavy']] }, 'INVALID_WEIGHT'],
      [{ ...base, edges: [[1, 2, null]] }, 'INVALID_WEIGHT'],
    ];
    for (const [doc, code] of cases) expect(codeOf(() => graphFromJson(doc))).toBe(code);
    expect(codeOf(() => graphFromJson(base))).toBeUndefined();
  });
});

describe('DOT', () => {
  test('lists nodes in topological order, edges with non-unit weights as labels, and escapes labels', () => {
    const graph = new ShadowPageGraph();
    for (const id of [2, 1, 3]) graph.addNode(id);
    graph.addEdge(1, 2, 0.5);
    graph.addEdge(2, 3);
    const dot = graphToDot(graph, { name: 'deps "x"', nodeLabel: (id) => (id === 3 ? 'page\n3' : undefined) });
    expect(dot).toBe(
      ['digraph "deps \\"x\\"" {', '  1;', '  2;', '  3 [label="page\\n3"];', '  1 -> 2 [label="0.5"];', '  2 -> 3;', '}', ''].join('\n'),
    );
    expect(graphToDot(graph, { weights: false })).toContain('  1 -> 2;');
  });
});
