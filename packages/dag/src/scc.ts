import { growInt32 } from './internal/edge-arena.js';
import { IdIndexMap } from './internal/id-index-map.js';
import { checkId } from './internal/ids.js';
import { cycleThrough, denseGraphFromEdges, tarjan } from './internal/tarjan.js';
import type { DenseGraph } from './internal/tarjan.js';

/** An edge `from → to` ("to depends on from"), optionally weighted. */
export type EdgeTuple = readonly [from: number, to: number, weight?: number];

interface IndexedEdges {
  readonly ids: number[];
  readonly graph: DenseGraph;
}

function indexEdges(edges: Iterable<EdgeTuple>, nodes: Iterable<number>): IndexedEdges {
  const map = new IdIndexMap();
  const ids: number[] = [];
  const slotOf = (id: number, what: string): number => {
    checkId(id, what);
    let slot = map.get(id);
    if (slot === -1) {
      slot = ids.length;
      map.set(id, slot);
      ids.push(id);
    }
    return slot;
  };
  for (const id of nodes) slotOf(id, 'node');
  let from = new Int32Array(64);
  let to = new Int32Array(64);
  let m = 0;
  for (const [u, v] of edges) {
    if (m === from.length) {
      from = growInt32(from, m + 1);
      to = growInt32(to, m + 1);
    }
    from[m] = slotOf(u, 'edge source');
    to[m++] = slotOf(v, 'edge target');
  }
  return { ids, graph: denseGraphFromEdges(ids.length, from, to, m) };
}

/**
 * The strongly connected components of an arbitrary edge list (cycles allowed), by an
 * iterative Tarjan. Every node named by an edge or in `nodes` belongs to exactly one component.
 * Members of a component are ascending; components come sinks first (a component is listed
 * before every component that reaches it).
 */
export function stronglyConnectedComponents(edges: Iterable<EdgeTuple>, nodes: Iterable<number> = []): number[][] {
  const { ids, graph } = indexEdges(edges, nodes);
  const { component, count } = tarjan(graph);
  const components: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < ids.length; v++) components[component[v] as number]?.push(ids[v] as number);
  for (const members of components) members.sort((a, b) => a - b);
  return components;
}

/**
 * One cycle for every strongly connected component of `edges` that has one (more than one
 * node, or a self loop), each in edge order: `cycle[i] → cycle[i + 1]`, and the last back to
 * the first. Empty exactly when the edges form a DAG.
 */
export function findCycles(edges: Iterable<EdgeTuple>): number[][] {
  const { ids, graph } = indexEdges(edges, []);
  const { component, count } = tarjan(graph);
  const size = new Int32Array(count);
  for (let v = 0; v < ids.length; v++) {
    const c = component[v] as number;
    size[c] = (size[c] as number) + 1;
  }
  const done = new Uint8Array(count);
  const cycles: number[][] = [];
  for (let v = 0; v < ids.length; v++) {
    const c = component[v] as number;
    if (done[c] === 1) continue;
    // A singleton component holds a cycle only through a self loop; cycleThrough finds that too.
    if (size[c] === 1 && !hasSelfLoop(graph, v)) continue;
    done[c] = 1;
    const cycle = cycleThrough(graph, component, v);
    if (cycle !== null) cycles.push(cycle.map((slot) => ids[slot] as number));
  }
  return cycles;
}

function hasSelfLoop(graph: DenseGraph, v: number): boolean {
  for (let e = graph.offsets[v] as number, end = graph.offsets[v + 1] as number; e < end; e++) {
    if (graph.targets[e] === v) return true;
  }
  return false;
}
