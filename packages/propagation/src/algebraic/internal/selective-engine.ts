// The solver for selective semirings on graphs that may have cycles (ADR 0014).
//
// Every node keeps a support: −1 when its value is its own seed, else the in-neighbour u with
// x[v] = x[u] ⊗ w(u, v) when the link was made. Links are made only when a value strictly
// improves in a round that reads values from the round's start (a push round of spmspvPush reads
// the frontier's values copied before the call; a pull sweep reads a copy of x), which keeps
// the support graph acyclic even through cycles that do not change a value (zero-weight cycles,
// max-min ties): a cycle of links would need a cycle that improves a value.
//
// An improvement (seed better, weight better, new edge) starts push rounds from the node it
// improves. A worsening (seed worse, weight worse, edge removed) matters only where it cut a
// support: those nodes and everything supported through them are invalidated, reset to their
// seed, pulled once from their in-neighbours, and pushed from there (Ramalingam–Reps). A round
// whose frontier has many out-edges becomes a pull sweep over every node (spmv), and an
// invalidated region that covers much of the graph is recomputed from the seeds instead.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops index typed arrays below lengths fixed when the system was built */
import type { SemiringKernels } from '@mmsb/native';
import type { Adjacency } from './adjacency.js';
import { isBetter, zeroOf } from './domain.js';
import type { SelectiveOp } from './domain.js';
import { findSupport, pullBest, pulledFrom } from './loops.js';

/** How an update ran and how far it reached. */
export interface UpdateCounts {
  changed: number;
  invalidated: number;
  rounds: number;
  sweeps: number;
  recomputed: number;
  strategy: 'none' | 'push' | 'sweep' | 'recompute' | 'topological';
}

/** A seed change (node, value) or an edge change (from, to, weight; zero removes). */
export type SeedChange = readonly [node: number, value: number];
export type EdgeChange = readonly [from: number, to: number, weight: number];

const STAMP_LIMIT = 0x7ffffff0;

export function emptyCounts(): UpdateCounts {
  return { changed: 0, invalidated: 0, rounds: 0, sweeps: 0, recomputed: 0, strategy: 'none' };
}

/** Incremental fixpoint of x = xA ⊕ b for a selective op, on any graph. */
export class SelectiveEngine {
  readonly zero: number;
  x: Float64Array;
  b: Float64Array;
  parent: Int32Array;
  private frontier: Int32Array;
  private next: Int32Array;
  private frontierValues: Float64Array;
  private mark: Uint8Array;
  private roundOf: Int32Array;
  private snap: Float64Array;
  private pulled: Float64Array;
  private touchedAt: Int32Array;
  private affectedAt: Int32Array;
  private round = 0;
  private updateId = 0;
  private touchedOutside = 0;

  constructor(
    readonly op: SelectiveOp,
    readonly adj: Adjacency,
    private readonly kernels: SemiringKernels,
    b: Float64Array,
    private readonly sweepFraction: number,
    private readonly recomputeFraction: number,
  ) {
    this.zero = zeroOf(op);
    const n = adj.capacity;
    this.b = b;
    this.x = new Float64Array(n);
    this.parent = new Int32Array(n).fill(-1);
    this.frontier = new Int32Array(n);
    this.next = new Int32Array(n);
    this.frontierValues = new Float64Array(n);
    this.mark = new Uint8Array(n);
    this.roundOf = new Int32Array(n);
    this.snap = new Float64Array(n);
    this.pulled = new Float64Array(n);
    this.touchedAt = new Int32Array(n);
    this.affectedAt = new Int32Array(n);
  }

  /** Resizes the per-node arrays to the adjacency's capacity; new nodes hold the zero. */
  grow(): void {
    const n = this.adj.capacity;
    const widen = <A extends Int32Array | Float64Array | Uint8Array>(a: A, make: (n: number) => A, fill?: number): A => {
      const out = make(n);
      if (fill !== undefined) out.fill(fill);
      out.set(a);
      return out;
    };
    this.b = widen(this.b, (k) => new Float64Array(k), this.zero);
    this.x = widen(this.x, (k) => new Float64Array(k), this.zero);
    this.parent = widen(this.parent, (k) => new Int32Array(k), -1);
    this.frontier = new Int32Array(n);
    this.next = new Int32Array(n);
    this.frontierValues = new Float64Array(n);
    this.mark = new Uint8Array(n);
    this.roundOf = widen(this.roundOf, (k) => new Int32Array(k));
    this.snap = new Float64Array(n);
    this.pulled = new Float64Array(n);
    this.touchedAt = widen(this.touchedAt, (k) => new Int32Array(k));
    this.affectedAt = widen(this.affectedAt, (k) => new Int32Array(k));
  }

  /** Solves from the seeds alone: x = b, then rounds from every node with a seed. */
  solveAll(counts: UpdateCounts = emptyCounts()): UpdateCounts {
    const { x, b, zero } = this;
    x.set(b);
    this.parent.fill(-1);
    let count = 0;
    for (let v = 0; v < b.length; v++) if (b[v] !== zero) this.frontier[count++] = v;
    this.runRounds(count, counts);
    return counts;
  }

  /** The supporting in-neighbour of v (−1: its own seed, or unreached). */
  support(v: number): number {
    return this.parent[v]!;
  }

  /**
   * Applies seed and edge changes (already checked; new edges already reserved in the
   * adjacency) and brings x back to the fixpoint. `liveNodes` sizes the recompute threshold.
   */
  update(seeds: readonly SeedChange[], edges: readonly EdgeChange[], liveNodes: number): UpdateCounts {
    const counts = emptyCounts();
    const { op, x, b, parent, adj } = this;
    const id = this.nextUpdate();
    this.touchedOutside = 0;
    const lost: number[] = [];
    const improved: number[] = [];
    for (const [v, value] of seeds) {
      const old = b[v]!;
      b[v] = value;
      if (isBetter(op, old, value)) {
        if (parent[v] === -1) lost.push(v);
      } else if (isBetter(op, value, old)) improved.push(v);
    }
    for (const [u, v, w] of edges) {
      const old = adj.set(u, v, w);
      if (typeof old !== 'number') throw new Error(`internal: edge ${u} → ${v} was not reserved`);
      if (isBetter(op, old, w)) {
        if (parent[v] === u) lost.push(v);
      } else if (isBetter(op, w, old)) improved.push(v);
    }

    // Everything whose support runs through a cut: found by following support links forward.
    const affectedAt = this.affectedAt;
    const affected: number[] = [];
    for (const v of lost) {
      if (affectedAt[v] === id) continue;
      affectedAt[v] = id;
      affected.push(v);
    }
    const { rowPtr, colIdx } = adj.out;
    for (let head = 0; head < affected.length; head++) {
      const a = affected[head]!;
      for (let p = rowPtr[a]!, end = rowPtr[a + 1]!; p < end; p++) {
        const c = colIdx[p]!;
        if (parent[c] === a && affectedAt[c] !== id) {
          affectedAt[c] = id;
          affected.push(c);
        }
      }
    }
    counts.invalidated = affected.length;

    if (affected.length > this.recomputeFraction * liveNodes) {
      const before = x.slice();
      this.solveAll(counts);
      counts.strategy = 'recompute';
      for (let v = 0; v < x.length; v++) if (x[v] !== before[v]) counts.changed++;
      return counts;
    }

    const oldValues = new Float64Array(affected.length);
    for (let k = 0; k < affected.length; k++) {
      const a = affected[k]!;
      oldValues[k] = x[a]!;
      x[a] = b[a]!;
      parent[a] = -1;
    }

    // Round 0 reads the state after the reset and writes only once every target is pulled.
    const targets = affected.slice();
    for (const v of improved) {
      if (affectedAt[v] === id || this.touchedAt[v] === id) continue;
      this.touchedAt[v] = id; // marks "already a target"; touch() below counts it when it changes
      targets.push(v);
    }
    const bestValue = new Float64Array(targets.length);
    const bestFrom = new Int32Array(targets.length);
    for (let k = 0; k < targets.length; k++) {
      const v = targets[k]!;
      let start: number;
      let from: number;
      if (affectedAt[v] === id) {
        start = b[v]!;
        from = -1;
      } else {
        start = x[v]!;
        from = parent[v]!;
        if (isBetter(op, b[v]!, start)) {
          start = b[v]!;
          from = -1;
        }
      }
      bestValue[k] = pullBest(op, adj.in, v, x, start, from);
      bestFrom[k] = pulledFrom[0]!;
    }
    for (let k = affected.length; k < targets.length; k++) this.touchedAt[targets[k]!] = 0;
    let count = 0;
    for (let k = 0; k < targets.length; k++) {
      const v = targets[k]!;
      if (bestValue[k] === x[v]) {
        // Unchanged since the reset, so the other targets pulled it already; but when a batch
        // also improved it past its value before the reset, nodes outside the region may gain.
        if (k < affected.length && isBetter(op, x[v]!, oldValues[k]!)) this.frontier[count++] = v;
        continue;
      }
      x[v] = bestValue[k]!;
      parent[v] = bestFrom[k]!;
      this.touch(v, id);
      this.frontier[count++] = v;
    }
    this.runRounds(count, counts);

    for (let k = 0; k < affected.length; k++) if (x[affected[k]!] !== oldValues[k]) counts.changed++;
    counts.changed += this.touchedOutside;
    if (counts.strategy === 'none' && (counts.changed > 0 || affected.length > 0)) counts.strategy = 'push';
    return counts;
  }

  private touch(v: number, id: number): void {
    if (this.touchedAt[v] === id) return;
    this.touchedAt[v] = id;
    if (this.affectedAt[v] !== id) this.touchedOutside++;
  }

  private nextUpdate(): number {
    if (this.updateId >= STAMP_LIMIT) {
      this.updateId = 0;
      this.touchedAt.fill(0);
      this.affectedAt.fill(0);
    }
    return ++this.updateId;
  }

  private nextRound(): number {
    if (this.round >= STAMP_LIMIT) {
      this.round = 0;
      this.roundOf.fill(0);
    }
    return ++this.round;
  }

  /** Push rounds from the `count` nodes in `frontier` (their values already written) to the fixpoint. */
  private runRounds(count: number, counts: UpdateCounts): void {
    const { op, adj, kernels } = this;
    const id = this.updateId;
    while (count > 0) {
      const out = adj.out;
      let work = 0;
      for (let t = 0; t < count; t++) {
        const u = this.frontier[t]!;
        work += out.rowPtr[u + 1]! - out.rowPtr[u]!;
      }
      if (work > this.sweepFraction * adj.edgeCount) {
        count = this.sweep();
        counts.sweeps++;
        counts.strategy = 'sweep';
        continue;
      }
      counts.rounds++;
      if (counts.strategy === 'none') counts.strategy = 'push';
      const r = this.nextRound();
      const { x, frontier, frontierValues, snap, roundOf, mark, parent } = this;
      for (let t = 0; t < count; t++) {
        const u = frontier[t]!;
        const value = x[u]!;
        frontierValues[t] = value;
        snap[u] = value;
        roundOf[u] = r;
      }
      const next = this.next;
      const found = kernels.spmspvPush(op, out, frontier, frontierValues, count, x, mark, next);
      const inRows = adj.in;
      for (let t = 0; t < found; t++) {
        const j = next[t]!;
        mark[j] = 0;
        parent[j] = findSupport(op, inRows, j, x[j]!, snap, roundOf, r, this.zero);
        this.touch(j, id);
      }
      this.next = frontier;
      this.frontier = next;
      count = found;
    }
  }

  /** One pull sweep over every node from a copy of x; returns how many improved (now the frontier). */
  private sweep(): number {
    const { op, adj, x, parent, frontier } = this;
    const prev = this.snap;
    prev.set(x);
    const pulled = this.pulled;
    this.kernels.spmv(op, adj.in, prev, pulled);
    const id = this.updateId;
    const minimise = op === 'min-plus';
    let found = 0;
    for (let v = 0; v < pulled.length; v++) {
      const y = pulled[v]!;
      const old = prev[v]!;
      if (minimise ? !(y < old) : !(y > old)) continue;
      x[v] = y;
      parent[v] = findSupport(op, adj.in, v, y, prev, null, 0, this.zero);
      this.touch(v, id);
      frontier[found++] = v;
    }
    return found;
  }
}
