// The solver for acyclic graphs, for every standard semiring (ADR 0014). On a DAG the fixpoint
// is unique whatever ⊕ is, so a node's value is its seed ⊕ its in-neighbours' values ⊗ weights,
// computed once they are final. A change recomputes only the nodes it can reach, in the order of
// a ShadowPageGraph (Pearce–Kelly, kept as edges come and go), each at most once, and stops
// where a recomputed value did not change. Recomputing (rather than adding deltas, x_j += w·Δx_i)
// keeps every value equal to what a sweep from scratch in the same order gives, bit for bit.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops index typed arrays below lengths fixed when the system was built */
import { ShadowPageGraph } from '@mmsb/dag';
import type { SemiringOp } from '@mmsb/native';
import type { Adjacency } from './adjacency.js';
import { zeroOf } from './domain.js';
import { pullAll } from './loops.js';
import { emptyCounts } from './selective-engine.js';
import type { EdgeChange, SeedChange, UpdateCounts } from './selective-engine.js';

/** Incremental x = xA ⊕ b on a DAG, for any standard op. */
export class AcyclicEngine {
  readonly zero: number;
  x: Float64Array;
  b: Float64Array;
  readonly graph = new ShadowPageGraph<never, never>();
  private readonly worklist;

  /** Throws the DAG's error (a DagCycleError) when the edges close a cycle. */
  constructor(
    readonly op: SemiringOp,
    readonly adj: Adjacency,
    b: Float64Array,
    nodes: number,
    private readonly sweepFraction: number,
  ) {
    this.zero = zeroOf(op);
    this.b = b;
    this.x = new Float64Array(adj.capacity);
    for (let v = 0; v < nodes; v++) this.graph.addNode(v);
    const edges = adj.liveEdges();
    this.graph.addEdges(edges.from.subarray(0, edges.count), edges.to.subarray(0, edges.count));
    this.worklist = this.graph.createWorklist();
  }

  /** Resizes the per-node arrays to the adjacency's capacity and adds nodes up to `nodes`. */
  grow(nodes: number): void {
    const n = this.adj.capacity;
    if (n !== this.x.length) {
      const x = new Float64Array(n).fill(this.zero);
      x.set(this.x);
      this.x = x;
      const b = new Float64Array(n).fill(this.zero);
      b.set(this.b);
      this.b = b;
    }
    for (let v = this.graph.nodeCount; v < nodes; v++) {
      this.graph.addNode(v);
      this.x[v] = this.b[v]!;
    }
  }

  /** One sweep in topological order over every node. */
  solveAll(counts: UpdateCounts = emptyCounts()): UpdateCounts {
    const { op, adj, x, b, zero } = this;
    const order = this.graph.topologicalOrder();
    for (let k = 0; k < order.length; k++) {
      const v = order[k]!;
      x[v] = pullAll(op, adj.in, v, x, b[v]!, zero);
    }
    counts.sweeps++;
    counts.strategy = 'topological';
    return counts;
  }

  /**
   * Changes the DAG's edges for `edges`, all or nothing: an edge that would close a cycle undoes
   * the batch's earlier edge changes and rethrows the DAG's error. Call before touching anything else.
   */
  applyStructure(edges: readonly EdgeChange[]): void {
    const graph = this.graph;
    const zero = this.zero;
    const journal: (readonly [added: boolean, from: number, to: number])[] = [];
    try {
      for (const [u, v, w] of edges) {
        const live = graph.hasEdge(u, v);
        if (w === zero && live) {
          graph.removeEdge(u, v);
          journal.push([false, u, v]);
        } else if (w !== zero && !live) {
          graph.addEdge(u, v);
          journal.push([true, u, v]);
        }
      }
    } catch (error) {
      for (let k = journal.length - 1; k >= 0; k--) {
        const [added, u, v] = journal[k]!;
        if (added) graph.removeEdge(u, v);
        else graph.addEdge(u, v);
      }
      throw error;
    }
  }

  /** Applies seed and edge-weight changes (structure already applied and reserved) and recomputes what they reach. */
  update(seeds: readonly SeedChange[], edges: readonly EdgeChange[], liveNodes: number): UpdateCounts {
    const counts = emptyCounts();
    const { op, adj, x, b, zero } = this;
    const worklist = this.worklist;
    worklist.reset();
    let queued = 0;
    for (const [v, value] of seeds) {
      if (Object.is(b[v], value)) continue;
      b[v] = value;
      if (worklist.push(v)) queued++;
    }
    for (const [u, v, w] of edges) {
      const old = adj.set(u, v, w);
      if (typeof old !== 'number') throw new Error(`internal: edge ${u} → ${v} was not reserved`);
      if (!Object.is(old, w) && worklist.push(v)) queued++;
    }
    if (queued > this.sweepFraction * liveNodes) {
      const before = x.slice();
      this.solveAll(counts);
      for (let v = 0; v < x.length; v++) if (!Object.is(x[v], before[v])) counts.changed++;
      return counts;
    }
    for (let v = worklist.pop(); v !== undefined; v = worklist.pop()) {
      const value = pullAll(op, adj.in, v, x, b[v]!, zero);
      counts.recomputed++;
      if (Object.is(value, x[v])) continue;
      x[v] = value;
      counts.changed++;
      worklist.pushDependents(v);
    }
    if (counts.recomputed > 0) counts.strategy = 'topological';
    return counts;
  }
}
