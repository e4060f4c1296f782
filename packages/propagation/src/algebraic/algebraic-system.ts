/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes into node and edge arrays are checked against their lengths where they enter */
import { DagError } from '@mmsb/dag';
import { semiringKernels } from '@mmsb/native';
import type { SemiringKernels, SemiringOp } from '@mmsb/native';
import { SemiringError, SparseMatrix } from '@mmsb/semiring';
import type { Semiring } from '@mmsb/semiring';
import { PropagationError } from '../errors.js';
import { AcyclicEngine } from './internal/acyclic-engine.js';
import { Adjacency } from './internal/adjacency.js';
import type { EdgeArrays } from './internal/adjacency.js';
import {
  acyclicDomain,
  cyclicSeedDomain,
  cyclicWeightDomain,
  describeInterval,
  inInterval,
  isSelectiveOp,
  normalise,
  zeroOf,
} from './internal/domain.js';
import type { Interval, SelectiveOp } from './internal/domain.js';
import { findSupport } from './internal/loops.js';
import { SelectiveEngine } from './internal/selective-engine.js';
import type { EdgeChange, SeedChange, UpdateCounts } from './internal/selective-engine.js';

/** Edges as parallel arrays: edge k is `from[k] → to[k]` with `weights[k]` (default: the semiring's one). */
export interface AlgebraicEdgeList {
  readonly from: ArrayLike<number>;
  readonly to: ArrayLike<number>;
  readonly weights?: ArrayLike<number>;
}

/** How to build an {@link AlgebraicSystem}. */
export interface AlgebraicSystemOptions {
  /** A standard semiring of `@mmsb/semiring` (its `op` picks the kernels). */
  readonly semiring: Semiring<number>;
  /** Node count; nodes are 0 … nodes − 1. */
  readonly nodes: number;
  /**
   * The edges: an edge list (a duplicate edge is refused) or a square matrix whose entry (i, j)
   * is the weight of i → j. An entry equal to the semiring's zero is no edge. Default: none.
   */
  readonly edges?: AlgebraicEdgeList | SparseMatrix<number>;
  /** b: each node's seed value (default: the semiring's zero, i.e. nothing). */
  readonly seeds?: ArrayLike<number>;
  /**
   * Keep the graph acyclic and solve in topological order: needed (and the default) for the
   * non-selective semirings, plus-times and log-plus; an edge that would close a cycle is a
   * `GRAPH_CYCLE` error. Default false for the selective ones, whose graphs may have cycles.
   */
  readonly acyclic?: boolean;
  /**
   * A push round whose frontier has more out-edge slots than this fraction of the edges runs as
   * a pull sweep over every node instead (cyclic systems; default 1/16). In an acyclic system, a
   * change queuing more than this fraction of the nodes recomputes all of them in order.
   */
  readonly sweepFraction?: number;
  /** A worsening that invalidates more than this fraction of the nodes recomputes from the seeds (default 1/2). */
  readonly recomputeFraction?: number;
  /** The semiring kernels (default: `semiringKernels` of `@mmsb/native`, native when it loads). */
  readonly kernels?: SemiringKernels;
}

/** One change of an {@link AlgebraicSystem.apply} batch. */
export type AlgebraicChange =
  /** Sets node's seed bᵥ. */
  | { readonly kind: 'seed'; readonly node: number; readonly value: number }
  /** Sets the weight of from → to, adding the edge if absent; the semiring's zero removes it. */
  | { readonly kind: 'edge'; readonly from: number; readonly to: number; readonly weight: number }
  /** Removes from → to (nothing if absent). */
  | { readonly kind: 'remove-edge'; readonly from: number; readonly to: number }
  /** Removes a node: its edges and its seed go, its index is not reused. */
  | { readonly kind: 'remove-node'; readonly node: number };

/** What an update did: how far it reached and how it ran. */
export interface AlgebraicUpdate {
  /** Nodes whose value changed. */
  readonly changed: number;
  /** Nodes reset because a worsening cut their support (cyclic systems). */
  readonly invalidated: number;
  /** Push rounds (spmspvPush from the changed frontier). */
  readonly rounds: number;
  /** Pull sweeps over every node (spmv), or full topological sweeps in an acyclic system. */
  readonly sweeps: number;
  /** Nodes recomputed one by one in topological order (acyclic systems). */
  readonly recomputed: number;
  /**
   * `none` (nothing to do), `push` (push rounds, after resetting any invalidated region), `sweep`
   * (some rounds ran as pull sweeps), `recompute` (the invalidated region was wide: solved from
   * the seeds), `topological` (acyclic: the reached nodes, or all, recomputed in order).
   */
  readonly strategy: 'none' | 'push' | 'sweep' | 'recompute' | 'topological';
}

function checkFraction(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || value === Infinity) {
    throw new PropagationError('INVALID_ARGUMENT', `${name} must be a finite number ≥ 0, got ${value}`);
  }
  return value;
}

/**
 * Node values over a semiring, kept equal to the least solution of x = x·A ⊕ b, that is
 * xⱼ = bⱼ ⊕ ⨁ᵢ xᵢ ⊗ A[i, j] over the edges i → j, as seeds, weights, edges and nodes change:
 * min-plus gives distances from the seeded nodes, or-and reachability, max-min widest paths,
 * max-times the most likely path, plus-times path sums (probabilities) on a DAG.
 *
 * Selective semirings (min-plus, max-plus, max-times, max-min, or-and) may run on graphs with
 * cycles, with weights under which a cycle never improves a value (min-plus w ≥ 0, max-plus
 * w ≤ 0, max-times w ∈ [0, 1]); an improvement pushes from the changed frontier, a worsening
 * resets only the nodes supported through it. Plus-times and log-plus need an acyclic system,
 * which recomputes the reached nodes in topological order. Every result equals a solve from
 * scratch (bit for bit for the selective semirings; plus-times sums in a fixed in-edge order).
 * Values are f64; a refused call (typed {@link PropagationError}) changes nothing.
 */
export class AlgebraicSystem {
  /** The semiring the values live in. */
  readonly semiring: Semiring<number>;
  /** Whether the graph is kept acyclic (solved in topological order). */
  readonly acyclic: boolean;
  readonly #op: SemiringOp;
  readonly #zero: number;
  readonly #adj: Adjacency;
  readonly #engine: SelectiveEngine | AcyclicEngine;
  readonly #weightDomain: Interval;
  readonly #seedDomain: Interval;
  #nodes: number;
  #removed: Uint8Array;
  #removedCount = 0;

  constructor(options: AlgebraicSystemOptions) {
    const { semiring } = options;
    const op = semiring.op;
    if (op === null) {
      throw new PropagationError('UNSUPPORTED_SEMIRING', `semiring ${semiring.name} has no specialised kernels; algebraic propagation takes the standard semirings of @mmsb/semiring`);
    }
    const selective = isSelectiveOp(op);
    const acyclic = options.acyclic ?? !selective;
    if (!acyclic && !selective) {
      throw new PropagationError('UNSUPPORTED_SEMIRING', `${op} has no unique fixpoint on a graph with cycles; build the system with acyclic: true`);
    }
    const nodes = options.nodes;
    if (!Number.isInteger(nodes) || nodes < 0 || nodes >= 0x7fffffff) {
      throw new PropagationError('INVALID_ARGUMENT', `nodes must be an integer in [0, 2^31 − 1), got ${nodes}`);
    }
    this.semiring = semiring;
    this.acyclic = acyclic;
    this.#op = op;
    this.#zero = zeroOf(op);
    this.#weightDomain = acyclic ? acyclicDomain(op) : cyclicWeightDomain(op as SelectiveOp);
    this.#seedDomain = acyclic ? acyclicDomain(op) : cyclicSeedDomain(op as SelectiveOp);
    this.#nodes = nodes;
    this.#removed = new Uint8Array(nodes);

    const b = new Float64Array(nodes).fill(this.#zero);
    if (options.seeds !== undefined) {
      if (options.seeds.length !== nodes) {
        throw new PropagationError('INVALID_ARGUMENT', `seeds has ${options.seeds.length} entries for ${nodes} nodes`);
      }
      for (let v = 0; v < nodes; v++) b[v] = this.#checkSeed(v, options.seeds[v] as number);
    }
    this.#adj = new Adjacency(this.#zero, nodes, this.#edgeArrays(options.edges, semiring, nodes));
    const sweepFraction = checkFraction('sweepFraction', options.sweepFraction, 1 / 16);
    if (acyclic) {
      try {
        this.#engine = new AcyclicEngine(op, this.#adj, b, nodes, sweepFraction);
      } catch (error) {
        throw this.#cycleError(error, 'the edges');
      }
    } else {
      const recomputeFraction = checkFraction('recomputeFraction', options.recomputeFraction, 1 / 2);
      this.#engine = new SelectiveEngine(op as SelectiveOp, this.#adj, options.kernels ?? semiringKernels, b, sweepFraction, recomputeFraction);
    }
    this.#engine.solveAll();
  }

  /** Nodes, removed ones included (indices run 0 … nodeCount − 1). */
  get nodeCount(): number {
    return this.#nodes;
  }

  /** Edges present. */
  get edgeCount(): number {
    return this.#adj.edgeCount;
  }

  /** Whether `node` is an index of this system and was not removed. */
  hasNode(node: number): boolean {
    return Number.isInteger(node) && node >= 0 && node < this.#nodes && this.#removed[node] === 0;
  }

  /** The value xᵥ (the semiring's zero for an unreached or removed node). */
  value(node: number): number {
    this.#checkIndex(node);
    return this.#engine.x[node]!;
  }

  /** A copy of every node's value. */
  values(): Float64Array {
    return this.#engine.x.slice(0, this.#nodes);
  }

  /** The seed bᵥ. */
  seed(node: number): number {
    this.#checkIndex(node);
    return this.#engine.b[node]!;
  }

  /** The weight of from → to; the semiring's zero when there is no such edge. */
  edgeWeight(from: number, to: number): number {
    this.#checkIndex(from);
    this.#checkIndex(to);
    return this.#adj.weight(from, to);
  }

  /** Whether the edge from → to exists. */
  hasEdge(from: number, to: number): boolean {
    return this.edgeWeight(from, to) !== this.#zero;
  }

  /**
   * For a selective semiring, the in-neighbour u whose value gives node's (xᵥ = xᵤ ⊗ w(u, v)) on
   * a chain of such links back to a seed: the last step of a shortest (widest, likeliest) path.
   * −1 when the node's value is its own seed or it is unreached. Throws UNSUPPORTED_SEMIRING for
   * plus-times and log-plus, whose values sum over paths.
   */
  predecessor(node: number): number {
    this.#checkIndex(node);
    const engine = this.#engine;
    if (engine instanceof SelectiveEngine) return engine.support(node);
    if (!isSelectiveOp(this.#op)) {
      throw new PropagationError('UNSUPPORTED_SEMIRING', `${this.#op} sums over paths, so a node has no single predecessor`);
    }
    const x = engine.x;
    if (x[node] === engine.b[node]) return -1;
    return findSupport(this.#op, this.#adj.in, node, x[node]!, x, null, 0, this.#zero);
  }

  /** Sets node's seed bᵥ and propagates. */
  setSeed(node: number, value: number): AlgebraicUpdate {
    return this.apply([{ kind: 'seed', node, value }]);
  }

  /** Sets the weight of from → to (adding the edge if absent; the semiring's zero removes it) and propagates. */
  setEdge(from: number, to: number, weight: number): AlgebraicUpdate {
    return this.apply([{ kind: 'edge', from, to, weight }]);
  }

  /** Removes from → to if present and propagates. */
  removeEdge(from: number, to: number): AlgebraicUpdate {
    return this.apply([{ kind: 'remove-edge', from, to }]);
  }

  /** Removes node: its edges and seed go, its value becomes the zero; the index is not reused. */
  removeNode(node: number): AlgebraicUpdate {
    return this.apply([{ kind: 'remove-node', node }]);
  }

  /**
   * Adds `count` nodes (indices nodeCount … nodeCount + count − 1) with the given seeds (default
   * zero) and no edges, so their values are their seeds. Returns the first new index.
   */
  addNodes(count: number, seeds?: ArrayLike<number>): number {
    if (!Number.isInteger(count) || count < 0 || this.#nodes + count >= 0x7fffffff) {
      throw new PropagationError('INVALID_ARGUMENT', `cannot add ${count} nodes to ${this.#nodes}`);
    }
    if (seeds !== undefined && seeds.length !== count) {
      throw new PropagationError('INVALID_ARGUMENT', `seeds has ${seeds.length} entries for ${count} new nodes`);
    }
    const first = this.#nodes;
    const checked = new Float64Array(count).fill(this.#zero);
    for (let k = 0; k < count; k++) if (seeds !== undefined) checked[k] = this.#checkSeed(first + k, seeds[k] as number);
    const total = first + count;
    if (total > this.#adj.capacity) {
      this.#adj.reserve(Math.max(total, this.#adj.capacity * 2, 16), []);
    }
    const engine = this.#engine;
    if (engine instanceof SelectiveEngine) engine.grow();
    else engine.grow(total);
    for (let k = 0; k < count; k++) {
      engine.b[first + k] = checked[k]!;
      engine.x[first + k] = checked[k]!;
    }
    const removed = new Uint8Array(this.#adj.capacity);
    removed.set(this.#removed);
    this.#removed = removed;
    this.#nodes = total;
    return first;
  }

  /**
   * Applies a batch of changes, in order, then propagates once. Every change is checked first:
   * a refused batch changes nothing.
   */
  apply(changes: readonly AlgebraicChange[]): AlgebraicUpdate {
    const zero = this.#zero;
    const seeds: SeedChange[] = [];
    const edges: EdgeChange[] = [];
    const removing: number[] = [];
    const gone = new Set<number>();
    const check = (node: number): void => {
      this.#checkNode(node);
      if (gone.has(node)) throw new PropagationError('NODE_NOT_FOUND', `node ${node} is removed earlier in this batch`);
    };
    for (const change of changes) {
      switch (change.kind) {
        case 'seed':
          check(change.node);
          seeds.push([change.node, this.#checkSeed(change.node, change.value)]);
          break;
        case 'edge':
          check(change.from);
          check(change.to);
          edges.push([change.from, change.to, this.#checkWeight(change.from, change.to, change.weight)]);
          break;
        case 'remove-edge':
          check(change.from);
          check(change.to);
          edges.push([change.from, change.to, zero]);
          break;
        case 'remove-node': {
          const v = change.node;
          check(v);
          seeds.push([v, zero]);
          const { out, in: inRows } = this.#adj;
          const cut: EdgeChange[] = [];
          for (let p = out.rowPtr[v]!; p < out.rowPtr[v + 1]!; p++) if (out.values[p] !== zero) cut.push([v, out.colIdx[p]!, zero]);
          for (let p = inRows.rowPtr[v]!; p < inRows.rowPtr[v + 1]!; p++) if (inRows.values[p] !== zero) cut.push([inRows.colIdx[p]!, v, zero]);
          // Edges this batch set earlier are not in the adjacency yet.
          for (const [u, t] of edges) if (u === v || t === v) cut.push([u, t, zero]);
          edges.push(...cut);
          gone.add(v);
          removing.push(v);
          break;
        }
        default:
          throw new PropagationError('INVALID_ARGUMENT', `unknown change kind ${(change as { kind: unknown }).kind as string}`);
      }
    }
    const engine = this.#engine;
    if (engine instanceof AcyclicEngine) {
      try {
        engine.applyStructure(edges);
      } catch (error) {
        throw this.#cycleError(error, 'this batch');
      }
    }
    const demand: (readonly [number, number])[] = [];
    for (const [u, v, w] of edges) if (w !== zero && this.#adj.weight(u, v) === zero) demand.push([u, v]);
    if (demand.length > 0) this.#adj.reserve(this.#adj.capacity, demand);
    const live = this.#nodes - this.#removedCount;
    const counts: UpdateCounts = engine.update(seeds, edges, live);
    for (const v of removing) {
      if (this.#removed[v] === 0) this.#removedCount++;
      this.#removed[v] = 1;
    }
    return counts;
  }

  /** Solves again from the seeds, discarding what was maintained (for checks and after bulk changes). */
  recompute(): AlgebraicUpdate {
    const before = this.#engine.x.slice();
    const counts = this.#engine.solveAll();
    const x = this.#engine.x;
    for (let v = 0; v < this.#nodes; v++) if (!Object.is(x[v], before[v])) counts.changed++;
    if (counts.strategy === 'none') counts.strategy = 'push';
    return counts;
  }

  #checkIndex(node: number): void {
    if (!Number.isInteger(node) || node < 0 || node >= this.#nodes) {
      throw new PropagationError('NODE_NOT_FOUND', `node ${node} is outside [0, ${this.#nodes})`);
    }
  }

  #checkNode(node: number): void {
    this.#checkIndex(node);
    if (this.#removed[node] !== 0) throw new PropagationError('NODE_NOT_FOUND', `node ${node} was removed`);
  }

  #checkSeed(node: number, value: number): number {
    if (typeof value !== 'number' || !inInterval(value, this.#seedDomain)) {
      throw new PropagationError(
        'INVALID_VALUE',
        `seed of node ${node} is ${value}; ${this.#op}${this.acyclic ? '' : ' on a graph with cycles'} takes seeds in ${describeInterval(this.#seedDomain)}`,
      );
    }
    return normalise(this.#op, value);
  }

  #checkWeight(from: number, to: number, weight: number): number {
    if (typeof weight !== 'number' || !(weight === this.#zero || inInterval(weight, this.#weightDomain))) {
      throw new PropagationError(
        'INVALID_WEIGHT',
        `edge ${from} → ${to} has weight ${weight}; ${this.#op}${this.acyclic ? '' : ' on a graph with cycles'} takes weights in ${describeInterval(this.#weightDomain)}`,
      );
    }
    return normalise(this.#op, weight);
  }

  #edgeArrays(edges: AlgebraicEdgeList | SparseMatrix<number> | undefined, semiring: Semiring<number>, nodes: number): EdgeArrays {
    if (edges === undefined) return { from: new Int32Array(0), to: new Int32Array(0), weights: new Float64Array(0), count: 0 };
    let matrix: SparseMatrix<number>;
    if (edges instanceof SparseMatrix) {
      if (edges.nrows !== nodes || edges.ncols !== nodes) {
        throw new PropagationError('INVALID_ARGUMENT', `the edge matrix is ${edges.nrows}×${edges.ncols}, not ${nodes}×${nodes}`);
      }
      matrix = edges;
    } else {
      try {
        matrix = SparseMatrix.fromEdges(semiring, {
          nrows: nodes,
          ncols: nodes,
          rows: edges.from,
          cols: edges.to,
          ...(edges.weights === undefined ? {} : { values: edges.weights }),
        });
      } catch (error) {
        if (error instanceof SemiringError) {
          const code = error.code === 'INDEX_OUT_OF_RANGE' ? 'NODE_NOT_FOUND' : 'INVALID_ARGUMENT';
          throw new PropagationError(code, `edges: ${error.message}`, { cause: error });
        }
        throw error;
      }
    }
    const { rowPtr, colIdx, values } = matrix;
    const nnz = matrix.nnz;
    const from = new Int32Array(nnz);
    const to = new Int32Array(nnz);
    const weights = new Float64Array(nnz);
    let count = 0;
    for (let r = 0; r < nodes; r++) {
      for (let p = rowPtr[r]!; p < rowPtr[r + 1]!; p++) {
        const c = colIdx[p]!;
        const w = values === null ? semiring.one : (values[p] as number);
        const checked = this.#checkWeight(r, c, w);
        if (checked === this.#zero) continue;
        from[count] = r;
        to[count] = c;
        weights[count++] = checked;
      }
    }
    return { from, to, weights, count };
  }

  #cycleError(error: unknown, what: string): unknown {
    if (error instanceof DagError && (error.code === 'CYCLE' || error.code === 'SELF_LOOP')) {
      return new PropagationError('GRAPH_CYCLE', `${what} would close a cycle in an acyclic system: ${error.message}`, { cause: error });
    }
    return error;
  }
}
