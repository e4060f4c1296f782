import { reduceAllAny, reduceRowsAny } from '../internal/kernels.js';
import { allocValues } from '../internal/storage.js';
import type { SparseMatrix } from '../matrix.js';
import type { Semiring } from '../semiring.js';
import { DenseVector, SparseVector } from '../vector.js';
import { finishSparse } from './options.js';
import type { VectorOutputOptions } from './options.js';

/**
 * ⊕ of every stored entry (GrB_reduce to a scalar with the semiring's ⊕ monoid); the semiring's
 * zero when there is none. A dense vector reduces all its entries.
 */
export function reduceToScalar<T>(semiring: Semiring<T>, a: SparseMatrix<T> | SparseVector<T> | DenseVector<T>): T {
  if (a instanceof SparseVector || a instanceof DenseVector) {
    return reduceAllAny(semiring, a.f64, a.values, a instanceof SparseVector ? a.nnz : a.size);
  }
  return reduceAllAny(semiring, a.f64, a.values, a.nnz);
}

/**
 * w⟨mask⟩ = w accum (⊕ of each row of A) (GrB_reduce to a vector): an entry for every row that
 * stores at least one entry.
 */
export function reduceRows<T>(semiring: Semiring<T>, a: SparseMatrix<T>, options: VectorOutputOptions<T> = {}): SparseVector<T> {
  const sums = reduceRowsAny(semiring, a.f64, a);
  let count = 0;
  for (let i = 0; i < a.nrows; i++) if ((a.rowPtr[i + 1] as number) > (a.rowPtr[i] as number)) count++;
  const indices = new Int32Array(count);
  const values = allocValues<T>(a.f64, count);
  let k = 0;
  for (let i = 0; i < a.nrows; i++) {
    if ((a.rowPtr[i + 1] as number) > (a.rowPtr[i] as number)) {
      indices[k] = i;
      values[k] = sums[i] as T;
      k++;
    }
  }
  return finishSparse(new SparseVector<T>(a.nrows, indices, values, a.f64), options);
}
