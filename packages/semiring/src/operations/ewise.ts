import { SemiringError } from '../errors.js';
import { denseEwiseAny, ewiseAny } from '../internal/kernels.js';
import type { CsrOf } from '../internal/kernels.js';
import { allocValues } from '../internal/storage.js';
import { SparseMatrix } from '../matrix.js';
import type { BinaryOp } from '../semiring.js';
import { DenseVector, SparseVector } from '../vector.js';
import { expectSize, finishDense, finishMatrix, finishSparse } from './options.js';
import type { MatrixOutputOptions, VectorOutputOptions } from './options.js';

type Operand<T> = SparseMatrix<T> | SparseVector<T> | DenseVector<T>;

function zeroOf<T>(op: BinaryOp<T>, fallback: T): T {
  return typeof op === 'function' ? fallback : op.zero;
}

function run<T>(
  op: BinaryOp<T>,
  slot: 'add' | 'mul',
  union: boolean,
  a: Operand<T>,
  b: Operand<T>,
  options: VectorOutputOptions<T> | MatrixOutputOptions<T>,
): Operand<T> {
  const f64 = a.f64 && b.f64;
  const one = (typeof op === 'function' ? (f64 ? 1 : true) : op.one) as T;
  if (a instanceof SparseMatrix || b instanceof SparseMatrix) {
    if (!(a instanceof SparseMatrix && b instanceof SparseMatrix)) {
      throw new SemiringError('INVALID_ARGUMENT', 'element-wise operands must both be matrices or both vectors');
    }
    if (a.nrows !== b.nrows || a.ncols !== b.ncols) {
      throw new SemiringError('DIMENSION_MISMATCH', `element-wise operands are ${a.nrows}×${a.ncols} and ${b.nrows}×${b.ncols}`);
    }
    const parts = ewiseAny(op, slot, f64, union, a, one, b, one);
    return finishMatrix(a.nrows, a.ncols, parts, f64, options as MatrixOutputOptions<T>);
  }
  expectSize('second operand', b.size, a.size);
  const vectorOptions = options as VectorOutputOptions<T>;
  if (a instanceof DenseVector && b instanceof DenseVector) {
    const out = allocValues<T>(f64, a.size);
    denseEwiseAny(op, slot, f64, a.values, b.values, out, a.size);
    const fallback = (f64 ? 0 : undefined) as T;
    return finishDense(new DenseVector<T>(out, f64), zeroOf(op, fallback), vectorOptions);
  }
  if (a instanceof SparseVector && b instanceof SparseVector) {
    const parts = ewiseAny(op, slot, f64, union, asRow(a), one, asRow(b), one);
    return finishSparse(new SparseVector<T>(a.size, parts.colIdx, parts.values, f64), vectorOptions);
  }
  throw new SemiringError('INVALID_ARGUMENT', 'element-wise vector operands must both be dense or both sparse');
}

function asRow<T>(v: SparseVector<T>): CsrOf<T> {
  return { nrows: 1, ncols: v.size, rowPtr: Int32Array.of(0, v.indices.length), colIdx: v.indices, values: v.values };
}

/**
 * Element-wise union (GrB_eWiseAdd): an entry wherever A or B has one; where both do, A(i) op B(i)
 * (a semiring given as `op` stands for its ⊕). Dense vectors combine every entry.
 */
export function ewiseAdd<T>(op: BinaryOp<T>, a: SparseMatrix<T>, b: SparseMatrix<T>, options?: MatrixOutputOptions<T>): SparseMatrix<T>;
export function ewiseAdd<T>(op: BinaryOp<T>, a: SparseVector<T>, b: SparseVector<T>, options?: VectorOutputOptions<T>): SparseVector<T>;
export function ewiseAdd<T>(op: BinaryOp<T>, a: DenseVector<T>, b: DenseVector<T>, options?: VectorOutputOptions<T>): DenseVector<T>;
export function ewiseAdd<T>(
  op: BinaryOp<T>,
  a: Operand<T>,
  b: Operand<T>,
  options: VectorOutputOptions<T> | MatrixOutputOptions<T> = {},
): Operand<T> {
  return run(op, 'add', true, a, b, options);
}

/**
 * Element-wise intersection (GrB_eWiseMult): an entry only where both A and B have one, valued
 * A(i) op B(i) (a semiring given as `op` stands for its ⊗). Dense vectors combine every entry.
 */
export function ewiseMult<T>(op: BinaryOp<T>, a: SparseMatrix<T>, b: SparseMatrix<T>, options?: MatrixOutputOptions<T>): SparseMatrix<T>;
export function ewiseMult<T>(op: BinaryOp<T>, a: SparseVector<T>, b: SparseVector<T>, options?: VectorOutputOptions<T>): SparseVector<T>;
export function ewiseMult<T>(op: BinaryOp<T>, a: DenseVector<T>, b: DenseVector<T>, options?: VectorOutputOptions<T>): DenseVector<T>;
export function ewiseMult<T>(
  op: BinaryOp<T>,
  a: Operand<T>,
  b: Operand<T>,
  options: VectorOutputOptions<T> | MatrixOutputOptions<T> = {},
): Operand<T> {
  return run(op, 'mul', false, a, b, options);
}
