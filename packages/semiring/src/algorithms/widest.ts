/* eslint-disable @typescript-eslint/no-non-null-assertion -- vertex, edge and heap indexes stay below the CSR lengths and heap size */
import { SemiringError } from '../errors.js';
import { semiringKernels } from '../internal/native-bridge.js';
import type { SparseMatrix } from '../matrix.js';
import { singleSource, vertexCount, weightArrays } from './graph.js';

/** Options of {@link widestPaths}. */
export interface WidestPathOptions {
  /** Also return a widest-path tree. Default false. */
  readonly parents?: boolean;
  /**
   * 'dijkstra' (default): a max-heap on the bottleneck, O(m log n); 'push': label-correcting
   * rounds of `spmspvPush` over max-min until nothing changes.
   */
  readonly method?: 'dijkstra' | 'push';
}

/** Bottleneck widths from one source. */
export interface WidestPaths {
  /** Largest achievable minimum edge weight over paths from the source; +∞ at the source, −∞ unreachable. */
  readonly widths: Float64Array;
  /** With `parents`: the predecessor on a widest path (the source is its own), −1 unreachable. */
  readonly parents: Int32Array | null;
}

/**
 * Widest (maximum-bottleneck) paths over the max-min semiring: width(v) = max over paths of the
 * smallest edge weight on the path. Entry (i, j) of `graph` is an edge i → j with that capacity
 * (a pattern graph has unit capacities). NaN capacities are refused.
 */
export function widestPaths(graph: SparseMatrix<number>, source: number, options: WidestPathOptions = {}): WidestPaths {
  const n = vertexCount(graph, 'widest path');
  const s = singleSource(source, n);
  const a = weightArrays(graph);
  const caps = a.values!;
  for (let p = 0; p < caps.length; p++) {
    if (Number.isNaN(caps[p])) throw new SemiringError('INVALID_ARGUMENT', `edge at position ${p} has capacity NaN`);
  }
  const width = new Float64Array(n).fill(-Infinity);
  width[s] = Infinity;
  const wantParents = options.parents === true;
  if ((options.method ?? 'dijkstra') === 'push') {
    let frontier = new Int32Array(n);
    let changed = new Int32Array(n);
    const values = new Float64Array(n);
    const mark = new Uint8Array(n);
    frontier[0] = s;
    let count = 1;
    while (count > 0) {
      for (let t = 0; t < count; t++) values[t] = width[frontier[t]!]!;
      const found = semiringKernels.spmspvPush('max-min', a, frontier, values, count, width, mark, changed);
      for (let t = 0; t < found; t++) mark[changed[t]!] = 0;
      [frontier, changed] = [changed, frontier];
      count = found;
    }
    return { widths: width, parents: wantParents ? tightTree(a.rowPtr, a.colIdx, caps, width, s) : null };
  }
  const parents = wantParents ? new Int32Array(n).fill(-1) : null;
  if (parents !== null) parents[s] = s;
  // Indexed max-heap on width: pos −1 never queued, −2 settled.
  const heap = new Int32Array(n);
  const pos = new Int32Array(n).fill(-1);
  heap[0] = s;
  pos[s] = 0;
  let size = 1;
  const siftUp = (v: number, from: number): void => {
    let k = from;
    const wv = width[v]!;
    while (k > 0) {
      const up = (k - 1) >> 1;
      const hu = heap[up]!;
      if (!(wv > width[hu]!)) break;
      heap[k] = hu;
      pos[hu] = k;
      k = up;
    }
    heap[k] = v;
    pos[v] = k;
  };
  while (size > 0) {
    const u: number = heap[0]!;
    pos[u] = -2;
    size--;
    if (size > 0) {
      const v = heap[size]!;
      const wv = width[v]!;
      let k = 0;
      for (;;) {
        let c = 2 * k + 1;
        if (c >= size) break;
        if (c + 1 < size && width[heap[c + 1]!]! > width[heap[c]!]!) c++;
        const hc = heap[c]!;
        if (!(width[hc]! > wv)) break;
        heap[k] = hc;
        pos[hc] = k;
        k = c;
      }
      heap[k] = v;
      pos[v] = k;
    }
    const wu = width[u]!;
    for (let p: number = a.rowPtr[u]!; p < a.rowPtr[u + 1]!; p++) {
      const v = a.colIdx[p]!;
      const c = caps[p]!;
      const nw = c < wu ? c : wu;
      if (nw > width[v]! && pos[v] !== -2) {
        width[v] = nw;
        if (parents !== null) parents[v] = u;
        siftUp(v, pos[v] === -1 ? size++ : pos[v]!);
      }
    }
  }
  return { widths: width, parents };
}

/** Parents along tight edges (min(width u, cap) = width v), breadth-first from the source. */
function tightTree(rowPtr: Int32Array, colIdx: Int32Array, caps: Float64Array, width: Float64Array, s: number): Int32Array {
  const n = width.length;
  const parents = new Int32Array(n).fill(-1);
  const queue = new Int32Array(n);
  parents[s] = s;
  queue[0] = s;
  let head = 0;
  let tail = 1;
  while (head < tail) {
    const u = queue[head++]!;
    for (let p = rowPtr[u]!; p < rowPtr[u + 1]!; p++) {
      const v = colIdx[p]!;
      if (parents[v] === -1 && Math.min(width[u]!, caps[p]!) === width[v]) {
        parents[v] = u;
        queue[tail++] = v;
      }
    }
  }
  return parents;
}
