import { SemiringError } from './errors.js';
import type { ValueArray } from './internal/kernels.js';
import { allocValues, copyValues, storesF64 } from './internal/storage.js';
import type { DuplicatePolicy } from './matrix.js';
import type { Semiring } from './semiring.js';

/**
 * A sparse vector: `indices` strictly increasing in [0, size), `values` at the same positions.
 * Immutable; operations return new ones.
 */
export class SparseVector<T> {
  /** Length of the vector (not the entry count). */
  readonly size: number;
  /** Index of each stored entry, strictly increasing. */
  readonly indices: Int32Array;
  /** Value of each stored entry (Float64Array for f64 storage). */
  readonly values: ValueArray<T>;
  /** Values are stored as f64: the standard semirings' storage. */
  readonly f64: boolean;

  /** Trusted construction; use {@link SparseVector.fromEntries} to sort and check. */
  constructor(size: number, indices: Int32Array, values: ValueArray<T>, f64: boolean) {
    this.size = size;
    this.indices = indices;
    this.values = values;
    this.f64 = f64;
  }

  /** Stored entries. */
  get nnz(): number {
    return this.indices.length;
  }

  /** A vector of `size` with no entries. */
  static empty<T>(semiring: Semiring<T>, size: number): SparseVector<T> {
    checkSize(size);
    const f64 = storesF64(semiring);
    return new SparseVector<T>(size, new Int32Array(0), allocValues<T>(f64, 0), f64);
  }

  /** Builds a vector from (index, value) pairs in any order; duplicates as in `SparseMatrix.fromEdges`. */
  static fromEntries<T>(
    semiring: Semiring<T>,
    size: number,
    indices: ArrayLike<number>,
    values: ArrayLike<T>,
    duplicates: DuplicatePolicy<T> = 'error',
  ): SparseVector<T> {
    checkSize(size);
    if (indices.length !== values.length) {
      throw new SemiringError('DIMENSION_MISMATCH', `${indices.length} indices but ${values.length} values`);
    }
    const order = Array.from({ length: indices.length }, (_, k) => k);
    for (const k of order) {
      const i = indices[k] as number;
      if (!Number.isInteger(i) || i < 0 || i >= size) {
        throw new SemiringError('INDEX_OUT_OF_RANGE', `entry ${k} has index ${i}, outside [0, ${size})`);
      }
    }
    order.sort((a, b) => (indices[a] as number) - (indices[b] as number) || a - b);
    const f64 = storesF64(semiring);
    const combine =
      duplicates === 'error' ? null : duplicates === 'add' ? semiring.add : typeof duplicates === 'function' ? duplicates : duplicates.add;
    const outIdx = new Int32Array(order.length);
    const outVal = allocValues<T>(f64, order.length);
    let n = 0;
    for (const k of order) {
      const i = indices[k] as number;
      if (n > 0 && outIdx[n - 1] === i) {
        if (combine === null) throw new SemiringError('DUPLICATE_ENTRY', `index ${i} appears more than once`);
        outVal[n - 1] = combine(outVal[n - 1] as T, values[k] as T);
        continue;
      }
      outIdx[n] = i;
      outVal[n] = values[k] as T;
      n++;
    }
    return new SparseVector<T>(size, outIdx.slice(0, n), outVal.slice(0, n), f64);
  }

  /** The stored value at `index`, or undefined. */
  get(index: number): T | undefined {
    if (index < 0 || index >= this.size) throw new SemiringError('INDEX_OUT_OF_RANGE', `index ${index} is outside [0, ${this.size})`);
    let lo = 0;
    let hi = this.indices.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const i = this.indices[mid] as number;
      if (i === index) return this.values[mid] as T;
      if (i < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** A dense copy with absent entries set to `semiring.zero`. */
  toDense(semiring: Semiring<T>): DenseVector<T> {
    const out = DenseVector.filled(semiring, this.size, semiring.zero);
    for (let k = 0; k < this.indices.length; k++) out.values[this.indices[k] as number] = this.values[k] as T;
    return out;
  }
}

/**
 * A dense vector: every entry present (an entry the computation did not reach holds the
 * semiring's zero). Operations write dense outputs in place, so algorithms can sweep without
 * allocating.
 */
export class DenseVector<T> {
  /** Length of the vector. */
  readonly size: number;
  /** Every value (Float64Array for f64 storage); writable. */
  readonly values: ValueArray<T>;
  /** Values are stored as f64: the standard semirings' storage. */
  readonly f64: boolean;

  /** Wraps `values` (taken, not copied). */
  constructor(values: ValueArray<T>, f64: boolean) {
    this.size = values.length;
    this.values = values;
    this.f64 = f64;
  }

  /** A vector of `size` entries all equal to `value` (default: the semiring's zero). */
  static filled<T>(semiring: Semiring<T>, size: number, value: T = semiring.zero): DenseVector<T> {
    checkSize(size);
    const f64 = storesF64(semiring);
    const values = allocValues<T>(f64, size);
    for (let i = 0; i < size; i++) values[i] = value;
    return new DenseVector<T>(values, f64);
  }

  /** A vector holding a copy of `values`, stored as `semiring` stores. */
  static from<T>(semiring: Semiring<T>, values: ArrayLike<T>): DenseVector<T> {
    const f64 = storesF64(semiring);
    return new DenseVector<T>(copyValues(f64, values), f64);
  }

  /** The entries that differ from `semiring.zero`, as a sparse vector. */
  toSparse(semiring: Semiring<T>): SparseVector<T> {
    const idx: number[] = [];
    for (let i = 0; i < this.size; i++) if (!semiring.equals(this.values[i] as T, semiring.zero)) idx.push(i);
    const vals = allocValues<T>(this.f64, idx.length);
    for (let k = 0; k < idx.length; k++) vals[k] = this.values[idx[k] as number] as T;
    return new SparseVector<T>(this.size, Int32Array.from(idx), vals, this.f64);
  }
}

function checkSize(size: number): void {
  if (!Number.isInteger(size) || size < 0 || size > 0x7fffffff) {
    throw new SemiringError('INVALID_ARGUMENT', `vector size must be an integer in [0, 2^31), got ${size}`);
  }
}
