// Helpers the graph algorithms share: a square matrix read as a graph (entry (i, j) is an edge
// i → j), its arrays in the kernels' shape, and source checks.
import { SemiringError } from '../errors.js';
import type { CsrArrays } from '../internal/native-bridge.js';
import type { SparseMatrix } from '../matrix.js';

/** Throws unless `graph` is square; returns its vertex count. */
export function vertexCount(graph: SparseMatrix<unknown>, algorithm: string): number {
  if (graph.nrows !== graph.ncols) {
    throw new SemiringError('DIMENSION_MISMATCH', `${algorithm} needs a square adjacency matrix, got ${graph.nrows}×${graph.ncols}`);
  }
  return graph.nrows;
}

/** The structure of `graph` as a pattern (values null): what boolean algorithms read. */
export function patternArrays(graph: SparseMatrix<unknown>): CsrArrays {
  return { nrows: graph.nrows, ncols: graph.ncols, rowPtr: graph.rowPtr, colIdx: graph.colIdx, values: null };
}

/** The edge weights of `graph` as f64 (a pattern graph has unit weights). */
export function weightArrays(graph: SparseMatrix<number>): CsrArrays {
  let values: Float64Array;
  if (graph.values instanceof Float64Array) values = graph.values;
  else if (graph.values === null) values = new Float64Array(graph.nnz).fill(1);
  else values = Float64Array.from(graph.values as ArrayLike<number>);
  return { nrows: graph.nrows, ncols: graph.ncols, rowPtr: graph.rowPtr, colIdx: graph.colIdx, values };
}

/** The sources as a checked, de-duplicated Int32Array. */
export function sourceList(sources: number | ArrayLike<number>, n: number): Int32Array {
  const list = typeof sources === 'number' ? [sources] : Array.from(sources);
  const seen = new Uint8Array(n);
  const out: number[] = [];
  for (const s of list) {
    if (!Number.isInteger(s) || s < 0 || s >= n) {
      throw new SemiringError('INDEX_OUT_OF_RANGE', `source vertex ${s} is outside [0, ${n}) (0-based)`);
    }
    if (seen[s] === 0) {
      seen[s] = 1;
      out.push(s);
    }
  }
  return Int32Array.from(out);
}

/** One source, checked. */
export function singleSource(source: number, n: number): number {
  return sourceList(source, n)[0] as number;
}
