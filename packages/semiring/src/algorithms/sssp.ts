/* eslint-disable @typescript-eslint/no-non-null-assertion -- vertex, edge and heap indexes stay below the CSR lengths and heap size */
import { SemiringError } from '../errors.js';
import { semiringKernels } from '../internal/native-bridge.js';
import type { CsrArrays } from '../internal/native-bridge.js';
import type { SparseMatrix } from '../matrix.js';
import { singleSource, vertexCount, weightArrays } from './graph.js';

/** Options of the shortest-path algorithms. */
export interface ShortestPathOptions {
  /** Also return a shortest-path tree. Default false. */
  readonly parents?: boolean;
}

/** Options of {@link bellmanFord}. */
export interface BellmanFordOptions extends ShortestPathOptions {
  /**
   * 'push' (default) relaxes the out-edges of the vertices that changed last round
   * (`spmspvPush`, min-plus); 'pull' sweeps every vertex, d = d ⊕ Aᵀ ⊗ d (`spmv`, min-plus).
   */
  readonly mode?: 'push' | 'pull';
}

/** Distances from one source. */
export interface ShortestPaths {
  /** Shortest distance from the source; Infinity where unreachable. */
  readonly distances: Float64Array;
  /** With `parents`: the predecessor on a shortest path (the source is its own), −1 unreachable. */
  readonly parents: Int32Array | null;
}

/**
 * Dijkstra's single-source shortest paths with an indexed 4-ary heap over the CSR arrays.
 * Entry (i, j) of `graph` is an edge i → j of that weight (a pattern graph has unit weights).
 * Weights must be non-negative: a negative or NaN weight anywhere is a `NEGATIVE_WEIGHT` error.
 */
export function dijkstra(graph: SparseMatrix<number>, source: number, options: ShortestPathOptions = {}): ShortestPaths {
  const n = vertexCount(graph, 'Dijkstra');
  const s = singleSource(source, n);
  const { rowPtr, colIdx, values } = weightArrays(graph);
  const weights = values as Float64Array;
  const dist = new Float64Array(n).fill(Infinity);
  const parents = options.parents === true ? new Int32Array(n).fill(-1) : null;
  // Indexed 4-ary min-heap: slot k holds vertex heapVertex[k] with key heapKey[k] (its distance,
  // kept beside it so sifting reads one array instead of chasing dist[heap[k]]); pos[v] is v's
  // slot, −1 never queued, −2 settled. Four children per slot halve the depth of a binary heap.
  const heapKey = new Float64Array(n);
  const heapVertex = new Int32Array(n);
  const pos = new Int32Array(n).fill(-1);
  dist[s] = 0;
  if (parents !== null) parents[s] = s;
  heapKey[0] = 0;
  heapVertex[0] = s;
  pos[s] = 0;
  let size = 1;
  while (size > 0) {
    const u: number = heapVertex[0]!;
    const du = heapKey[0]!;
    pos[u] = -2;
    size--;
    if (size > 0) {
      // Sift the last entry down from the root.
      const lastKey = heapKey[size]!;
      const lastVertex = heapVertex[size]!;
      let k = 0;
      for (;;) {
        const first = 4 * k + 1;
        if (first >= size) break;
        let c = first;
        let ck = heapKey[first]!;
        if (first + 3 < size) {
          // All four children: pick the least without branching (which one wins is a coin toss
          // the branch predictor loses half the time). Keys are finite (an edge of weight +∞
          // never improves +∞), so ck·(1 − b) + kj·b is exactly ck or kj.
          for (let j = first + 1; j < first + 4; j++) {
            const kj = heapKey[j]!;
            const b = +(kj < ck);
            ck = ck * (1 - b) + kj * b;
            c ^= (c ^ j) & -b;
          }
        } else {
          for (let j = first + 1; j < size; j++) {
            const kj = heapKey[j]!;
            if (kj < ck) {
              ck = kj;
              c = j;
            }
          }
        }
        if (!(ck < lastKey)) break;
        const hc = heapVertex[c]!;
        heapKey[k] = ck;
        heapVertex[k] = hc;
        pos[hc] = k;
        k = c;
      }
      heapKey[k] = lastKey;
      heapVertex[k] = lastVertex;
      pos[lastVertex] = k;
    }
    // Weights are checked here, as they are read, rather than in a pass over all of them first;
    // the rows of vertices never settled are checked after the loop. With w ≥ 0, du + w is never
    // below the distance of a settled vertex, so settled vertices need no test of their own.
    const end = rowPtr[u + 1]!;
    for (let p: number = rowPtr[u]!; p < end; p++) {
      const w = weights[p]!;
      if (!(w >= 0)) throw negativeWeight(rowPtr, colIdx, weights);
      const v = colIdx[p]!;
      const nd = du + w;
      if (nd < dist[v]!) {
        dist[v] = nd;
        if (parents !== null) parents[v] = u;
        let k = pos[v]!;
        if (k === -1) k = size++;
        // Sift up from slot k.
        while (k > 0) {
          const parent = (k - 1) >> 2;
          const pk = heapKey[parent]!;
          if (!(nd < pk)) break;
          const hp = heapVertex[parent]!;
          heapKey[k] = pk;
          heapVertex[k] = hp;
          pos[hp] = k;
          k = parent;
        }
        heapKey[k] = nd;
        heapVertex[k] = v;
        pos[v] = k;
      }
    }
  }
  for (let u = 0; u < n; u++) {
    if (pos[u] === -2) continue;
    const end = rowPtr[u + 1]!;
    for (let p = rowPtr[u]!; p < end; p++) if (!(weights[p]! >= 0)) throw negativeWeight(rowPtr, colIdx, weights);
  }
  return { distances: dist, parents };
}

/** NEGATIVE_WEIGHT naming the first negative or NaN weight in storage order. */
function negativeWeight(rowPtr: Int32Array, colIdx: Int32Array, weights: Float64Array): SemiringError {
  let p = 0;
  while (p < weights.length && weights[p]! >= 0) p++;
  return new SemiringError(
    'NEGATIVE_WEIGHT',
    `edge ${edgeName(rowPtr, colIdx, p)} has weight ${weights[p]}; Dijkstra needs non-negative weights (use bellmanFord)`,
  );
}

/**
 * Bellman–Ford over the min-plus semiring, in sweeps of the native kernels. Negative weights are
 * allowed; a negative cycle reachable from the source is a `NEGATIVE_CYCLE` error (detected when
 * distances still change after n rounds).
 */
export function bellmanFord(graph: SparseMatrix<number>, source: number, options: BellmanFordOptions = {}): ShortestPaths {
  const n = vertexCount(graph, 'Bellman–Ford');
  const s = singleSource(source, n);
  const a = weightArrays(graph);
  for (let p = 0; p < a.colIdx.length; p++) {
    if (Number.isNaN(a.values![p])) throw new SemiringError('INVALID_ARGUMENT', `edge ${edgeName(a.rowPtr, a.colIdx, p)} has weight NaN`);
  }
  const dist = new Float64Array(n).fill(Infinity);
  dist[s] = 0;
  if ((options.mode ?? 'push') === 'push') pushRounds(a, dist, s);
  else pullSweeps(graph, dist);
  return { distances: dist, parents: options.parents === true ? tightTree(a, dist, s) : null };
}

function pushRounds(a: CsrArrays, dist: Float64Array, s: number): void {
  const n = a.nrows;
  let frontier = new Int32Array(n);
  let changed = new Int32Array(n);
  const values = new Float64Array(n);
  const mark = new Uint8Array(n);
  frontier[0] = s;
  let count = 1;
  for (let round = 1; count > 0; round++) {
    if (round > n) throw negativeCycle(s, frontier[0]!);
    for (let t = 0; t < count; t++) values[t] = dist[frontier[t]!]!;
    const found = semiringKernels.spmspvPush('min-plus', a, frontier, values, count, dist, mark, changed);
    for (let t = 0; t < found; t++) mark[changed[t]!] = 0;
    [frontier, changed] = [changed, frontier];
    count = found;
  }
}

function pullSweeps(graph: SparseMatrix<number>, dist: Float64Array): void {
  const n = graph.nrows;
  const at = weightArrays(graph.transposed());
  const pulled = new Float64Array(n);
  for (let round = 1; ; round++) {
    semiringKernels.spmv('min-plus', at, dist, pulled);
    let changes = 0;
    let witness = -1;
    for (let v = 0; v < n; v++) {
      const d = pulled[v]!;
      if (d < dist[v]!) {
        dist[v] = d;
        changes++;
        witness = v;
      }
    }
    if (changes === 0) return;
    if (round >= n) throw negativeCycle(-1, witness);
  }
}

function negativeCycle(source: number, witness: number): SemiringError {
  return new SemiringError(
    'NEGATIVE_CYCLE',
    `a negative cycle is reachable${source >= 0 ? ` from vertex ${source}` : ''}: vertex ${witness} still improves after n rounds`,
  );
}

/** Parents along tight edges (d[u] + w = d[v]), found breadth-first from the source so they form a tree. */
function tightTree(a: CsrArrays, dist: Float64Array, s: number): Int32Array {
  const n = a.nrows;
  const parents = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  const weights = a.values!;
  parents[s] = s;
  queue[0] = s;
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const u = queue[head++]!;
    const du = dist[u]!;
    for (let p = a.rowPtr[u]!; p < a.rowPtr[u + 1]!; p++) {
      const v = a.colIdx[p]!;
      if (parents[v] === -1 && du + weights[p]! === dist[v]) {
        parents[v] = u;
        queue[tail++] = v;
      }
    }
  }
  return parents;
}

function edgeName(rowPtr: Int32Array, colIdx: Int32Array, p: number): string {
  let lo = 0;
  let hi = rowPtr.length - 2;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (rowPtr[mid]! <= p) lo = mid;
    else hi = mid - 1;
  }
  return `(${lo}, ${colIdx[p]})`;
}
