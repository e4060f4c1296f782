import { SemiringError } from '../errors.js';
import { spmspvAny, spmvAny } from '../internal/kernels.js';
import type { ValueArray } from '../internal/kernels.js';
import { semiringKernels } from '../internal/native-bridge.js';
import type { CsrArrays } from '../internal/native-bridge.js';
import { allocValues } from '../internal/storage.js';
import type { SparseMatrix } from '../matrix.js';
import type { Semiring } from '../semiring.js';
import { DenseVector, SparseVector } from '../vector.js';
import { expectSize, finishDense, finishSparse, maskBits } from './options.js';
import type { VectorOutputOptions } from './options.js';

/**
 * w⟨mask⟩ = w accum (A ⊕.⊗ u) (GrB_mxv): w(i) = ⊕ₖ A(i,k) ⊗ u(k). A dense u gives a dense result
 * through `semiringKernels.spmv` (native when it loads) for a standard semiring over f64; a sparse
 * u gives a sparse result whose entries are the rows that meet u's entries.
 */
export function mxv<T>(semiring: Semiring<T>, a: SparseMatrix<T>, u: DenseVector<T>, options?: VectorOutputOptions<T>): DenseVector<T>;
export function mxv<T>(semiring: Semiring<T>, a: SparseMatrix<T>, u: SparseVector<T>, options?: VectorOutputOptions<T>): SparseVector<T>;
export function mxv<T>(
  semiring: Semiring<T>,
  a: SparseMatrix<T>,
  u: DenseVector<T> | SparseVector<T>,
  options: VectorOutputOptions<T> = {},
): DenseVector<T> | SparseVector<T> {
  expectSize('u (mxv)', u.size, a.ncols);
  if (u instanceof DenseVector) return pullDense(semiring, a, u, options);
  return pushSparse(semiring, a.transposed(), u, false, options);
}

/**
 * w⟨mask⟩ = w accum (uᵀ ⊕.⊗ A) (GrB_vxm): w(j) = ⊕ₖ u(k) ⊗ A(k,j). Dense u: `spmv` over the
 * cached CSC of A; sparse u: a push over the rows of A that u names.
 */
export function vxm<T>(semiring: Semiring<T>, u: DenseVector<T>, a: SparseMatrix<T>, options?: VectorOutputOptions<T>): DenseVector<T>;
export function vxm<T>(semiring: Semiring<T>, u: SparseVector<T>, a: SparseMatrix<T>, options?: VectorOutputOptions<T>): SparseVector<T>;
export function vxm<T>(
  semiring: Semiring<T>,
  u: DenseVector<T> | SparseVector<T>,
  a: SparseMatrix<T>,
  options: VectorOutputOptions<T> = {},
): DenseVector<T> | SparseVector<T> {
  expectSize('u (vxm)', u.size, a.nrows);
  if (u instanceof DenseVector) {
    if (!semiring.properties.mulCommutative && semiring.op === null) {
      return pullDenseVectorLeft(semiring, a, u, options);
    }
    return pullDense(semiring, a.transposed(), u, options);
  }
  return pushSparse(semiring, a, u, true, options);
}

function pullDense<T>(semiring: Semiring<T>, a: SparseMatrix<T>, u: DenseVector<T>, options: VectorOutputOptions<T>): DenseVector<T> {
  const n = a.nrows;
  const f64 = a.f64 && u.f64;
  const out = options.out;
  const noAccum = options.accum === null || options.accum === undefined;
  const direct = out instanceof DenseVector && noAccum && out.f64 === f64;
  if (out !== undefined) expectSize('output', out.size, n);
  if (direct && out.values === (u.values as unknown)) {
    throw new SemiringError('INVALID_ARGUMENT', 'mxv/vxm output must not be the input vector');
  }
  const bits = maskBits(options.mask, options.maskStructural ?? false, n);
  const complement = options.maskComplement ?? false;
  // Without an accumulator the kernel writes straight into w, leaving masked-out rows alone.
  const y: ValueArray<T> = direct ? out.values : allocValues<T>(f64, n);
  if (!direct) for (let i = 0; i < n; i++) y[i] = semiring.zero;
  if (semiring.op !== null && f64) {
    semiringKernels.spmv(semiring.op, a as unknown as CsrArrays, u.values as unknown as Float64Array, y as unknown as Float64Array, bits, complement);
  } else {
    spmvAny(semiring, f64, a, u.values, y, bits, complement);
  }
  if (direct) {
    if (options.replace === true && bits !== null) {
      for (let i = 0; i < n; i++) if (((bits[i] ?? 0) ^ (complement ? 1 : 0)) === 0) y[i] = semiring.zero;
    }
    return out;
  }
  return finishDense(new DenseVector<T>(y, f64), semiring.zero, options);
}

/** vxm for a user semiring whose ⊗ does not commute: u(k) ⊗ A(k,j) in that order, column by column. */
function pullDenseVectorLeft<T>(semiring: Semiring<T>, a: SparseMatrix<T>, u: DenseVector<T>, options: VectorOutputOptions<T>): DenseVector<T> {
  const at = a.transposed();
  const y = allocValues<T>(false, at.nrows);
  for (let j = 0; j < at.nrows; j++) {
    let acc = semiring.zero;
    for (let p = at.rowPtr[j] as number; p < (at.rowPtr[j + 1] as number); p++) {
      const av = at.values === null ? semiring.one : (at.values[p] as T);
      acc = semiring.add(acc, semiring.mul(u.values[at.colIdx[p] as number] as T, av));
    }
    y[j] = acc;
  }
  return finishDense(new DenseVector<T>(y, u.f64), semiring.zero, options);
}

/** Sparse u over the CSR `rows` whose row k lists the entries u(k) meets. */
function pushSparse<T>(
  semiring: Semiring<T>,
  rows: SparseMatrix<T>,
  u: SparseVector<T>,
  vectorLeft: boolean,
  options: VectorOutputOptions<T>,
): SparseVector<T> {
  const n = rows.ncols;
  const f64 = rows.f64 && u.f64;
  const work = allocValues<T>(f64, n);
  const mark = new Uint8Array(n);
  const touched = new Int32Array(n);
  const count = spmspvAny(semiring, f64, vectorLeft, rows, u.indices, u.values, u.indices.length, work, mark, touched);
  const indices = touched.slice(0, count).sort();
  const values = allocValues<T>(f64, count);
  for (let k = 0; k < count; k++) values[k] = work[indices[k] as number] as T;
  return finishSparse(new SparseVector<T>(n, indices, values, f64), options);
}
