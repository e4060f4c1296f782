import { semiringKernels } from '../internal/native-bridge.js';
import type { SparseMatrix } from '../matrix.js';
import { patternArrays, sourceList, vertexCount } from './graph.js';

/**
 * The boolean closure of a source set: 1 for every vertex some source reaches (sources
 * included), 0 elsewhere. Rounds of `spmspvPush` over or-and from the newly reached vertices.
 */
export function reachable(graph: SparseMatrix<unknown>, sources: number | ArrayLike<number>): Uint8Array {
  const n = vertexCount(graph, 'reachability');
  const a = patternArrays(graph);
  const start = sourceList(sources, n);
  const reached = new Float64Array(n);
  const marks = new Uint8Array(n);
  let frontier = new Int32Array(n);
  let next = new Int32Array(n);
  for (let t = 0; t < start.length; t++) {
    const s = start[t] as number;
    reached[s] = 1;
    marks[s] = 1;
    frontier[t] = s;
  }
  const ones = new Float64Array(n).fill(1);
  let count = start.length;
  while (count > 0) {
    // A vertex changes 0 → 1 once, so its mark (left set) doubles as the visited set.
    const found = semiringKernels.spmspvPush('or-and', a, frontier, ones, count, reached, marks, next);
    [frontier, next] = [next, frontier];
    count = found;
  }
  return marks;
}
