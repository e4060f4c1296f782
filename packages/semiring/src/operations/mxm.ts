import { mxmAny } from '../internal/kernels.js';
import { SemiringError } from '../errors.js';
import type { SparseMatrix } from '../matrix.js';
import type { Semiring } from '../semiring.js';
import { finishMatrix } from './options.js';
import type { MatrixOutputOptions } from './options.js';

/**
 * C⟨mask⟩ = C accum (A ⊕.⊗ B) (GrB_mxm): C(i,j) = ⊕ₖ A(i,k) ⊗ B(k,j), an entry wherever some k
 * meets. Gustavson's algorithm, row by row with a dense accumulator; specialised loops for the
 * standard semirings, closures for user ones.
 */
export function mxm<T>(semiring: Semiring<T>, a: SparseMatrix<T>, b: SparseMatrix<T>, options: MatrixOutputOptions<T> = {}): SparseMatrix<T> {
  if (a.ncols !== b.nrows) {
    throw new SemiringError('DIMENSION_MISMATCH', `cannot multiply ${a.nrows}×${a.ncols} by ${b.nrows}×${b.ncols}`);
  }
  const f64 = a.f64 && b.f64;
  return finishMatrix(a.nrows, b.ncols, mxmAny(semiring, f64, a, b), f64, options);
}
