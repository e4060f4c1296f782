/* eslint-disable @typescript-eslint/no-non-null-assertion -- vertex and edge indexes stay below the CSR lengths and frontier counts */
import { semiringKernels } from '../internal/native-bridge.js';
import type { SparseMatrix } from '../matrix.js';
import { patternArrays, sourceList, vertexCount } from './graph.js';

/** Options of {@link bfsLevels}. */
export interface BfsOptions {
  /** Also return a BFS tree (parent of each reached vertex). Default false. */
  readonly parents?: boolean;
  /** 'auto' switches between push and pull by Beamer's heuristic (default); the others force one. */
  readonly direction?: 'auto' | 'push' | 'pull';
  /** Go to pull when the frontier's out-edges exceed the unexplored edges / alpha. Default 14. */
  readonly alpha?: number;
  /** Go back to push when the frontier has fewer than n / beta vertices. Default 24. */
  readonly beta?: number;
}

/** What {@link bfsLevels} returns. */
export interface BfsResult {
  /** Hop count from the nearest source; −1 where unreachable. */
  readonly levels: Int32Array;
  /** With `parents`: a predecessor on a shortest hop path (a source is its own parent), −1 unreachable. */
  readonly parents: Int32Array | null;
  /** Levels expanded by push (sparse frontier, rows of A) and by pull (unvisited rows of Aᵀ). */
  readonly pushSteps: number;
  readonly pullSteps: number;
}

/**
 * Breadth-first levels over the boolean semiring, direction-optimising (Beamer et al. 2012):
 * a small frontier pushes along its out-edges (`semiringKernels.spmspvPush`, or-and), a large
 * one is pulled into the unvisited vertices (`semiringKernels.spmv` over Aᵀ with the visited
 * set as a complemented mask). Entry (i, j) of `graph` is an edge i → j; values are ignored.
 */
export function bfsLevels(graph: SparseMatrix<unknown>, sources: number | ArrayLike<number>, options: BfsOptions = {}): BfsResult {
  const n = vertexCount(graph, 'BFS');
  const start = sourceList(sources, n);
  const alpha = options.alpha ?? 14;
  const beta = options.beta ?? 24;
  const direction = options.direction ?? 'auto';
  const a = patternArrays(graph);
  const levels = new Int32Array(n).fill(-1);
  // visited as 0/1 f64 (the push target) and as bytes (the push marks and the pull mask).
  const visited = new Float64Array(n);
  const visitedBytes = new Uint8Array(n);
  let frontier = new Int32Array(n);
  let next = new Int32Array(n);
  let count = 0;
  let unexploredEdges = a.rowPtr[n]!;
  for (const s of start) {
    levels[s] = 0;
    visited[s] = 1;
    visitedBytes[s] = 1;
    frontier[count++] = s;
    unexploredEdges -= a.rowPtr[s + 1]! - a.rowPtr[s]!;
  }
  const ones = new Float64Array(n).fill(1);
  let at: ReturnType<typeof patternArrays> | null = null;
  let dense: Float64Array | null = null;
  let pulled: Float64Array | null = null;
  let pushing = direction !== 'pull';
  let pushSteps = 0;
  let pullSteps = 0;
  for (let level = 1; count > 0; level++) {
    if (direction === 'auto') {
      if (pushing) {
        let frontierEdges = 0;
        for (let t = 0; t < count; t++) frontierEdges += a.rowPtr[frontier[t]! + 1]! - a.rowPtr[frontier[t]!]!;
        if (frontierEdges > unexploredEdges / alpha) pushing = false;
      } else if (count < n / beta) {
        pushing = true;
      }
    }
    let found: number;
    if (pushing) {
      pushSteps++;
      found = semiringKernels.spmspvPush('or-and', a, frontier, ones, count, visited, visitedBytes, next);
    } else {
      pullSteps++;
      at ??= patternArrays(graph.transposed());
      dense ??= new Float64Array(n);
      pulled ??= new Float64Array(n);
      for (let t = 0; t < count; t++) dense[frontier[t]!] = 1;
      semiringKernels.spmv('or-and', at, dense, pulled, visitedBytes, true);
      for (let t = 0; t < count; t++) dense[frontier[t]!] = 0;
      found = 0;
      for (let v = 0; v < n; v++) {
        if (visitedBytes[v] === 0 && pulled[v] !== 0) {
          visitedBytes[v] = 1;
          visited[v] = 1;
          next[found++] = v;
        }
      }
    }
    for (let t = 0; t < found; t++) {
      const v = next[t]!;
      levels[v] = level;
      unexploredEdges -= a.rowPtr[v + 1]! - a.rowPtr[v]!;
    }
    [frontier, next] = [next, frontier];
    count = found;
  }
  return { levels, parents: options.parents === true ? levelParents(graph, levels, start) : null, pushSteps, pullSteps };
}

/** A parent for every reached vertex: an in-neighbour one level closer to the sources. */
function levelParents(graph: SparseMatrix<unknown>, levels: Int32Array, sources: Int32Array): Int32Array {
  const n = levels.length;
  const parents = new Int32Array(n).fill(-1);
  const at = graph.transposed();
  for (const s of sources) parents[s] = s;
  for (let v = 0; v < n; v++) {
    const level = levels[v]!;
    if (level <= 0) continue;
    for (let p = at.rowPtr[v]!; p < at.rowPtr[v + 1]!; p++) {
      const u = at.colIdx[p]!;
      if (levels[u] === level - 1) {
        parents[v] = u;
        break;
      }
    }
  }
  return parents;
}
