import { DagCycleError, DagError } from './errors.js';
import { DEFAULT_WEIGHT, EDGE_PRESENT, GraphCore } from './internal/graph-core.js';
import { IdIndexMap } from './internal/id-index-map.js';
import { checkId, checkWeight } from './internal/ids.js';
import { findCycles, stronglyConnectedComponents } from './scc.js';
import type { EdgeTuple } from './scc.js';
import { summarize } from './statistics.js';
import type { GraphStatistics } from './statistics.js';
import { TopologicalWorklist } from './topological-worklist.js';

/** The default recompute function type: called with the id of the node to bring up to date. */
export type RecomputeFunction = (id: number) => unknown;

/** What the recomputation registry holds for a node: how to recompute it, and what it is. */
export interface RecomputeEntry<R, M> {
  readonly recompute: R;
  readonly meta: M;
}

/** Sizing hints: the graph grows past them on its own. */
export interface ShadowPageGraphOptions {
  /** Nodes to make room for up front. */
  readonly nodeCapacity?: number;
  /** Edges to make room for up front. */
  readonly edgeCapacity?: number;
}

/** Rough V8 cost of one registry entry (Map slot and the entry object), for `memoryBytes`. */
const REGISTRY_ENTRY_BYTES = 80;

/**
 * The dependency graph of pages and cells. Nodes are integer ids in [0, 2^31 - 1]; an edge
 * `from → to` means `to` depends on `from` and carries a weight (default 1). The graph stays
 * acyclic: an edge that would close a cycle is refused with a {@link DagCycleError} naming it.
 * A topological order is kept up to date edge by edge (Pearce–Kelly), so `compareOrder`,
 * `affectedInOrder` and worklists cost no sort of the whole graph.
 *
 * Storage is typed arrays (adjacency both ways in arenas, the order, an id → slot hash), so a
 * million nodes and ten million edges stay off the V8 heap. Every refused call throws a
 * {@link DagError} and leaves the graph as it was.
 *
 * @typeParam R the recompute function type held by the registry
 * @typeParam M the metadata type held by the registry
 */
export class ShadowPageGraph<R = RecomputeFunction, M = unknown> {
  private readonly core: GraphCore;
  private readonly slots: IdIndexMap;
  private readonly registry = new Map<number, RecomputeEntry<R, M>>();

  constructor(options: ShadowPageGraphOptions = {}) {
    const nodeCapacity = options.nodeCapacity ?? 16;
    const edgeCapacity = options.edgeCapacity ?? 16;
    for (const [name, value] of [
      ['nodeCapacity', nodeCapacity],
      ['edgeCapacity', edgeCapacity],
    ] as const) {
      if (!Number.isInteger(value) || value < 0 || value > 0x7fffffff) {
        throw new DagError('INVALID_ARGUMENT', `${name} ${value} is not an integer in [0, 2^31 - 1]`);
      }
    }
    this.core = new GraphCore(nodeCapacity, edgeCapacity);
    this.slots = new IdIndexMap(nodeCapacity);
  }

  /** Nodes in the graph. */
  get nodeCount(): number {
    return this.core.nodeCount;
  }

  /** Edges in the graph. */
  get edgeCount(): number {
    return this.core.out.count;
  }

  /** Whether node `id` exists (false for anything that is not a valid id). */
  hasNode(id: number): boolean {
    return Number.isInteger(id) && id >= 0 && id <= 0x7fffffff && this.slots.get(id) !== -1;
  }

  /** Adds node `id`, last in the topological order. Throws INVALID_ID, NODE_EXISTS. */
  addNode(id: number): void {
    checkId(id, 'node id');
    if (this.slots.get(id) !== -1) throw new DagError('NODE_EXISTS', `node ${id} already exists`);
    this.slots.set(id, this.core.addNode(id));
  }

  /** Removes node `id`, its edges and its registry entry. Throws INVALID_ID, NODE_NOT_FOUND. */
  removeNode(id: number): void {
    const slot = this.slotOf(id, 'node');
    this.core.removeNode(slot);
    this.slots.delete(id);
    this.registry.delete(id);
  }

  /**
   * Adds the edge `from → to` ("to depends on from") with `weight` (default 1; ±Infinity allowed).
   * Throws INVALID_ID, INVALID_WEIGHT, NODE_NOT_FOUND, SELF_LOOP, EDGE_EXISTS, or a
   * {@link DagCycleError} whose `cycle` is `[from, to, …]` when `to` already reaches `from`.
   */
  addEdge(from: number, to: number, weight: number = DEFAULT_WEIGHT): void {
    const u = this.slotOf(from, 'edge source');
    const v = this.slotOf(to, 'edge target');
    checkWeight(weight, from, to);
    if (u === v) throw new DagError('SELF_LOOP', `edge ${from} → ${to} is a self loop`);
    const refusal = this.core.tryAddEdge(u, v, weight);
    if (refusal === null) return;
    if (refusal === EDGE_PRESENT) throw new DagError('EDGE_EXISTS', `edge ${from} → ${to} already exists`);
    const ids = refusal.map((slot) => this.core.idOf(slot));
    throw new DagCycleError([ids], `edge ${from} → ${to} would close the cycle ${[...ids, from].join(' → ')}`);
  }

  /**
   * Adds many edges at once, all or nothing: `from[i] → to[i]` with `weights[i]` (default 1).
   * A batch that is large next to the graph (over 1/8 of its nodes plus edges) is stored first
   * and ordered by one stable re-sort of the whole graph, O((V + E) log V), instead of edge by
   * edge: bulk loads into a graph whose order is still arbitrary can make single-edge
   * Pearce–Kelly regions span most of the graph. Refusals as for {@link addEdge}; a cycle
   * refusal names one cycle per cyclic component the batch would create.
   */
  addEdges(from: ArrayLike<number>, to: ArrayLike<number>, weights?: ArrayLike<number>): void {
    const n = from.length;
    if (to.length !== n || (weights !== undefined && weights.length !== n)) {
      throw new DagError('INVALID_ARGUMENT', `addEdges needs equally long arrays (from ${n}, to ${to.length}, weights ${weights?.length ?? 'none'})`);
    }
    const bulk = n * 8 > this.nodeCount + this.edgeCount;
    let added = 0;
    try {
      for (; added < n; added++) {
        const f = from[added] as number;
        const t = to[added] as number;
        const w = weights === undefined ? DEFAULT_WEIGHT : (weights[added] as number);
        if (!bulk) {
          this.addEdge(f, t, w);
          continue;
        }
        const u = this.slotOf(f, 'edge source');
        const v = this.slotOf(t, 'edge target');
        checkWeight(w, f, t);
        if (u === v) throw new DagError('SELF_LOOP', `edge ${f} → ${t} is a self loop`);
        if (this.core.hasEdge(u, v)) throw new DagError('EDGE_EXISTS', `edge ${f} → ${t} already exists`);
        this.core.pushEdge(u, v, w);
      }
      if (bulk) {
        const stuck = this.core.resortStable();
        if (stuck !== null) {
          const ids = new Set(stuck.map((slot) => this.core.idOf(slot)));
          const edges: EdgeTuple[] = [];
          for (const id of ids) this.forEachDependent(id, (dependent) => ids.has(dependent) && edges.push([id, dependent]));
          const cycles = findCycles(edges);
          throw new DagCycleError(cycles, `addEdges would close ${cycles.length} cycle(s), e.g. ${[...(cycles[0] ?? []), cycles[0]?.[0]].join(' → ')}`);
        }
      }
    } catch (error) {
      for (let i = added - 1; i >= 0; i--) this.core.removeEdge(this.slots.get(from[i] as number), this.slots.get(to[i] as number));
      throw error;
    }
  }

  /** Removes the edge `from → to`. Throws INVALID_ID, NODE_NOT_FOUND, EDGE_NOT_FOUND. */
  removeEdge(from: number, to: number): void {
    const u = this.slotOf(from, 'edge source');
    const v = this.slotOf(to, 'edge target');
    if (!this.core.removeEdge(u, v)) throw new DagError('EDGE_NOT_FOUND', `no edge ${from} → ${to}`);
  }

  /** Whether the edge `from → to` exists (false when either node does not). */
  hasEdge(from: number, to: number): boolean {
    if (!this.hasNode(from) || !this.hasNode(to)) return false;
    return this.core.hasEdge(this.slots.get(from), this.slots.get(to));
  }

  /** The weight of `from → to`. Throws INVALID_ID, NODE_NOT_FOUND, EDGE_NOT_FOUND. */
  edgeWeight(from: number, to: number): number {
    const at = this.edgeAt(from, to);
    return this.core.out.weights?.[at] ?? DEFAULT_WEIGHT;
  }

  /** Sets the weight of `from → to`. Throws INVALID_ID, INVALID_WEIGHT, NODE_NOT_FOUND, EDGE_NOT_FOUND. */
  setEdgeWeight(from: number, to: number, weight: number): void {
    const at = this.edgeAt(from, to);
    checkWeight(weight, from, to);
    const core = this.core;
    if (core.out.weights === null) {
      if (weight === DEFAULT_WEIGHT) return;
      core.out.enableWeights();
      core.in.enableWeights();
    }
    (core.out.weights as Float64Array)[at] = weight;
    (core.in.weights as Float64Array)[core.in.indexOf(this.slots.get(to), this.slots.get(from))] = weight;
  }

  /** How many nodes depend on `id` directly. */
  fanOut(id: number): number {
    return this.core.out.lengthOf(this.slotOf(id, 'node'));
  }

  /** How many nodes `id` depends on directly. */
  fanIn(id: number): number {
    return this.core.in.lengthOf(this.slotOf(id, 'node'));
  }

  /** The nodes that depend on `id` directly (targets of its edges), in no particular order. */
  dependentsOf(id: number): number[] {
    const result: number[] = [];
    this.forEachDependent(id, (dependent) => result.push(dependent));
    return result;
  }

  /** The nodes `id` depends on directly (sources of its incoming edges), in no particular order. */
  dependenciesOf(id: number): number[] {
    const result: number[] = [];
    this.forEachDependency(id, (dependency) => result.push(dependency));
    return result;
  }

  /** Calls `visit(dependent, weight)` for each edge `id → dependent`. The graph must not change during the walk. */
  forEachDependent(id: number, visit: (dependent: number, weight: number) => void): void {
    this.forEachIn(this.core.out, this.slotOf(id, 'node'), visit);
  }

  /** Calls `visit(dependency, weight)` for each edge `dependency → id`. The graph must not change during the walk. */
  forEachDependency(id: number, visit: (dependency: number, weight: number) => void): void {
    this.forEachIn(this.core.in, this.slotOf(id, 'node'), visit);
  }

  /** Calls `visit(from, to, weight)` for every edge, sources in topological order. The graph must not change during the walk. */
  forEachEdge(visit: (from: number, to: number, weight: number) => void): void {
    const core = this.core;
    for (let p = 0; p < core.nextOrd; p++) {
      const slot = core.ordToSlot[p] as number;
      if (slot === -1) continue;
      const from = core.idOf(slot);
      this.forEachIn(core.out, slot, (to, weight) => visit(from, to, weight));
    }
  }

  /** Every edge as `[from, to, weight]`, sources in topological order. */
  edges(): EdgeTuple[] {
    const result: [number, number, number][] = [];
    this.forEachEdge((from, to, weight) => result.push([from, to, weight]));
    return result;
  }

  /** Every node id, in a topological order (each node after all it depends on). */
  topologicalOrder(): Int32Array {
    const core = this.core;
    const result = new Int32Array(core.nodeCount);
    let k = 0;
    for (let p = 0; p < core.nextOrd; p++) {
      const slot = core.ordToSlot[p] as number;
      if (slot !== -1) result[k++] = core.idOf(slot);
    }
    return result;
  }

  /**
   * The position of `id` in the maintained order: only comparisons between positions mean
   * anything (they are not dense and change as edges are added or nodes removed).
   */
  orderOf(id: number): number {
    return this.core.ordOf(this.slotOf(id, 'node'));
  }

  /** Negative when `a` comes before `b` in the maintained topological order, positive when after, 0 when a = b. */
  compareOrder(a: number, b: number): number {
    return this.orderOf(a) - this.orderOf(b);
  }

  /**
   * Every node reachable from `sources` (the sources included), each once, in topological
   * order: the nodes a change to the sources can affect, in the order to recompute them.
   * Costs O(R log R + edges out of R) for R nodes reached. Throws INVALID_ID, NODE_NOT_FOUND.
   */
  affectedInOrder(sources: Iterable<number>): Int32Array {
    const core = this.core;
    const start: number[] = [];
    for (const id of sources) start.push(this.slotOf(id, 'source'));
    const stamp = core.nextStamp();
    const stamps = core.stamps;
    const reached = new Int32Array(Math.max(16, Math.min(core.nodeCount, start.length * 16)));
    let list = reached;
    let n = 0;
    for (const slot of start) {
      if (stamps[slot] === stamp) continue;
      stamps[slot] = stamp;
      if (n === list.length) list = growList(list, n);
      list[n++] = slot;
    }
    const out = core.out;
    for (let head = 0; head < n; head++) {
      const slot = list[head] as number;
      const data = out.data;
      for (let i = out.offsetOf(slot), end = i + (out.lengthOf(slot)); i < end; i++) {
        const w = data[i] as number;
        if (stamps[w] === stamp) continue;
        stamps[w] = stamp;
        if (n === list.length) list = growList(list, n);
        list[n++] = w;
      }
    }
    const ords = new Int32Array(n);
    for (let i = 0; i < n; i++) ords[i] = core.ordOf(list[i] as number);
    ords.sort();
    for (let i = 0; i < n; i++) ords[i] = core.idOf(core.ordToSlot[ords[i] as number] as number);
    return ords;
  }

  /** A new, empty {@link TopologicalWorklist} over this graph, for propagation waves with cutoff. */
  createWorklist(): TopologicalWorklist {
    return new TopologicalWorklist(this.core, this.slots);
  }

  /**
   * The strongly connected components of this graph plus `candidateEdges` (edges not added,
   * for diagnostics: "what would these close?"). The graph alone is acyclic, so without
   * candidates every component is a single node. Same shape as {@link stronglyConnectedComponents}.
   */
  stronglyConnectedComponents(candidateEdges: Iterable<EdgeTuple> = []): number[][] {
    const all = this.edges() as EdgeTuple[];
    for (const edge of candidateEdges) all.push(edge);
    return stronglyConnectedComponents(all, this.topologicalOrder());
  }

  /** Each node's depth: the length in edges of the longest path reaching it from a node with no dependencies. */
  depths(): Map<number, number> {
    const { ids, depth } = this.depthSweep();
    const result = new Map<number, number>();
    for (let i = 0; i < ids.length; i++) result.set(ids[i] as number, depth[i] as number);
    return result;
  }

  /** Counts, depth and fan-in/fan-out distributions and the memory estimate, in one O(nodes + edges) pass. */
  statistics(): GraphStatistics {
    const core = this.core;
    const n = core.nodeCount;
    const fanIn = new Int32Array(n);
    const fanOut = new Int32Array(n);
    let k = 0;
    let sourceCount = 0;
    let sinkCount = 0;
    for (let p = 0; p < core.nextOrd; p++) {
      const slot = core.ordToSlot[p] as number;
      if (slot === -1) continue;
      const fi = core.in.lengthOf(slot);
      const fo = core.out.lengthOf(slot);
      if (fi === 0) sourceCount++;
      if (fo === 0) sinkCount++;
      fanIn[k] = fi;
      fanOut[k++] = fo;
    }
    return {
      nodeCount: n,
      edgeCount: this.edgeCount,
      sourceCount,
      sinkCount,
      depth: summarize(this.depthSweep().depth, n),
      fanIn: summarize(fanIn, n),
      fanOut: summarize(fanOut, n),
      memoryBytes: this.memoryBytes(),
    };
  }

  /**
   * Estimated bytes held: the typed arrays exactly (adjacency arenas including their slack,
   * order, id hash, scratch), plus a flat estimate per registry entry.
   */
  memoryBytes(): number {
    return this.core.byteLength + this.slots.byteLength + this.registry.size * REGISTRY_ENTRY_BYTES;
  }

  /**
   * Releases the adjacency arenas' slack: every node's lists shrink to their entries and the
   * arenas to their sum. Worth it after a bulk build; the next edge on a node moves its list.
   */
  compact(): void {
    this.core.out.compact(true);
    this.core.in.compact(true);
  }

  /** Registers how to recompute node `id`. Throws INVALID_ID, NODE_NOT_FOUND, ALREADY_REGISTERED. */
  register(id: number, entry: RecomputeEntry<R, M>): void {
    this.slotOf(id, 'node');
    if (this.registry.has(id)) throw new DagError('ALREADY_REGISTERED', `node ${id} already has a recompute entry`);
    this.registry.set(id, entry);
  }

  /** The recompute entry of node `id`, if any. */
  registration(id: number): RecomputeEntry<R, M> | undefined {
    return this.registry.get(id);
  }

  /** Drops the recompute entry of node `id`; returns whether there was one. */
  unregister(id: number): boolean {
    return this.registry.delete(id);
  }

  /** Nodes with a recompute entry. */
  get registeredCount(): number {
    return this.registry.size;
  }

  private slotOf(id: number, what: string): number {
    checkId(id, what);
    const slot = this.slots.get(id);
    if (slot === -1) throw new DagError('NODE_NOT_FOUND', `${what} ${id} is not in the graph`);
    return slot;
  }

  private edgeAt(from: number, to: number): number {
    const u = this.slotOf(from, 'edge source');
    const v = this.slotOf(to, 'edge target');
    const at = this.core.out.indexOf(u, v);
    if (at === -1) throw new DagError('EDGE_NOT_FOUND', `no edge ${from} → ${to}`);
    return at;
  }

  private forEachIn(
    arena: GraphCore['out'],
    slot: number,
    visit: (id: number, weight: number) => void,
  ): void {
    const core = this.core;
    const start = arena.offsetOf(slot);
    const end = start + (arena.lengthOf(slot));
    const data = arena.data;
    const weights = arena.weights;
    for (let i = start; i < end; i++) visit(core.idOf(data[i] as number), weights?.[i] ?? DEFAULT_WEIGHT);
  }

  /** Node ids in topological order with their depths. */
  private depthSweep(): { ids: Int32Array; depth: Int32Array } {
    const core = this.core;
    const ids = new Int32Array(core.nodeCount);
    const depth = new Int32Array(core.nodeCount);
    // Depth by slot while sweeping, since in-lists name slots.
    const bySlot = new Int32Array(core.highWater);
    const inn = core.in;
    let k = 0;
    for (let p = 0; p < core.nextOrd; p++) {
      const slot = core.ordToSlot[p] as number;
      if (slot === -1) continue;
      let d = 0;
      for (let i = inn.offsetOf(slot), end = i + (inn.lengthOf(slot)); i < end; i++) {
        const candidate = (bySlot[inn.data[i] as number] as number) + 1;
        if (candidate > d) d = candidate;
      }
      bySlot[slot] = d;
      ids[k] = core.idOf(slot);
      depth[k++] = d;
    }
    return { ids, depth };
  }
}

function growList(list: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(16, n * 2));
  next.set(list);
  return next;
}
