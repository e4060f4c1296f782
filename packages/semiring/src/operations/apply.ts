import { allocValues } from '../internal/storage.js';
import { SparseMatrix } from '../matrix.js';
import { DenseVector, SparseVector } from '../vector.js';
import { finishDense, finishMatrix, finishSparse } from './options.js';
import type { MatrixOutputOptions, VectorOutputOptions } from './options.js';

/** What `apply` needs besides the unary function: the value pattern entries read as, and the zero. */
export interface ApplyOptions<T> {
  /** The value a pattern matrix's entries have before `fn` (default 1, or true for non-f64 storage). */
  readonly patternValue?: T;
  /** What a dense output's masked-out entries become under `replace` (default 0 or undefined). */
  readonly zero?: T;
}

/**
 * C⟨mask⟩ = C accum f(A) (GrB_apply): `fn` of every stored entry, same structure. The unary
 * function is the caller's, so it is called per entry on every path.
 */
export function apply<T>(fn: (value: T) => T, a: SparseMatrix<T>, options?: MatrixOutputOptions<T> & ApplyOptions<T>): SparseMatrix<T>;
export function apply<T>(fn: (value: T) => T, a: SparseVector<T>, options?: VectorOutputOptions<T> & ApplyOptions<T>): SparseVector<T>;
export function apply<T>(fn: (value: T) => T, a: DenseVector<T>, options?: VectorOutputOptions<T> & ApplyOptions<T>): DenseVector<T>;
export function apply<T>(
  fn: (value: T) => T,
  a: SparseMatrix<T> | SparseVector<T> | DenseVector<T>,
  options: (MatrixOutputOptions<T> | VectorOutputOptions<T>) & ApplyOptions<T> = {},
): SparseMatrix<T> | SparseVector<T> | DenseVector<T> {
  const count = a instanceof SparseMatrix ? a.nnz : a instanceof SparseVector ? a.nnz : a.size;
  const values = allocValues<T>(a.f64, count);
  const source = a.values;
  const pattern = options.patternValue ?? ((a.f64 ? 1 : true) as T);
  for (let p = 0; p < count; p++) values[p] = fn(source === null ? pattern : (source[p] as T));
  if (a instanceof SparseMatrix) {
    return finishMatrix(a.nrows, a.ncols, { rowPtr: a.rowPtr, colIdx: a.colIdx, values }, a.f64, options as MatrixOutputOptions<T>);
  }
  if (a instanceof SparseVector) {
    return finishSparse(new SparseVector<T>(a.size, a.indices, values, a.f64), options as VectorOutputOptions<T>);
  }
  const zero = options.zero ?? ((a.f64 ? 0 : undefined) as T);
  return finishDense(new DenseVector<T>(values, a.f64), zero, options as VectorOutputOptions<T>);
}
