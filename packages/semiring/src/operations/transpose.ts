import type { SparseMatrix } from '../matrix.js';
import { finishMatrix } from './options.js';
import type { MatrixOutputOptions } from './options.js';

/**
 * C⟨mask⟩ = C accum Aᵀ (GrB_transpose). Without options this is A's cached CSC read as a CSR
 * (no copy after the first call).
 */
export function transpose<T>(a: SparseMatrix<T>, options: MatrixOutputOptions<T> = {}): SparseMatrix<T> {
  const t = a.transposed();
  if (options.out === undefined && (options.mask === null || options.mask === undefined)) return t;
  return finishMatrix(t.nrows, t.ncols, t, t.f64, options);
}
