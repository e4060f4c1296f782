/* eslint-disable @typescript-eslint/no-non-null-assertion -- the counting sorts and CSR scans index arrays sized just before from the same counts */
import { SemiringError } from './errors.js';
import type { CsrArrays } from './internal/native-bridge.js';
import type { CsrOf, ValueArray } from './internal/kernels.js';
import { allocValues, copyValues, storesF64 } from './internal/storage.js';
import type { BinaryOp, Semiring } from './semiring.js';

/**
 * What to do when an edge list names one (row, column) twice: refuse it with a
 * `DUPLICATE_ENTRY` error (the default), combine the values with the semiring's ⊕ ('add'), or
 * combine them with a given operator (first ⊙ second, in input order).
 */
export type DuplicatePolicy<T> = 'error' | 'add' | BinaryOp<T>;

/** An edge list (COO): entry k is (rows[k], cols[k]) with values[k], or the pattern value. */
export interface EdgeList<T> {
  readonly nrows: number;
  readonly ncols: number;
  readonly rows: ArrayLike<number>;
  readonly cols: ArrayLike<number>;
  /** Omitted: a pattern matrix, every entry the semiring's one. */
  readonly values?: ArrayLike<T>;
}

/** Options of {@link SparseMatrix.fromEdges}. */
export interface FromEdgesOptions<T> {
  readonly duplicates?: DuplicatePolicy<T>;
}

function checkDimension(name: string, n: number): void {
  if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) {
    throw new SemiringError('INVALID_ARGUMENT', `${name} must be an integer in [0, 2^31), got ${n}`);
  }
}

/**
 * A sparse matrix over T in compressed sparse rows, immutable. Row i's entries are
 * `colIdx[rowPtr[i] .. rowPtr[i+1])` in increasing column order, with `values` at the same
 * positions; `values` null makes a pattern matrix whose entries read as the semiring's one.
 * The CSC form (the CSR of the transpose) is built on first use and cached.
 */
export class SparseMatrix<T> {
  /** Row count. */
  readonly nrows: number;
  /** Column count. */
  readonly ncols: number;
  /** nrows + 1 offsets into colIdx/values. */
  readonly rowPtr: Int32Array;
  /** Column of each stored entry, increasing within a row. */
  readonly colIdx: Int32Array;
  /** Value of each stored entry (Float64Array for f64 storage), or null for a pattern. */
  readonly values: ValueArray<T> | null;
  /** Values are (or would be) stored as f64: the standard semirings' storage. */
  readonly f64: boolean;
  #transposed: SparseMatrix<T> | null = null;

  /** Trusted construction from CSR parts; use {@link SparseMatrix.fromCsr} to validate them. */
  constructor(nrows: number, ncols: number, rowPtr: Int32Array, colIdx: Int32Array, values: ValueArray<T> | null, f64: boolean) {
    this.nrows = nrows;
    this.ncols = ncols;
    this.rowPtr = rowPtr;
    this.colIdx = colIdx;
    this.values = values;
    this.f64 = f64;
  }

  /** Stored entries. */
  get nnz(): number {
    return this.rowPtr[this.nrows] ?? 0;
  }

  /** An nrows × ncols matrix with no entries, stored as `semiring` stores. */
  static empty<T>(semiring: Semiring<T>, nrows: number, ncols: number): SparseMatrix<T> {
    checkDimension('nrows', nrows);
    checkDimension('ncols', ncols);
    const f64 = storesF64(semiring);
    return new SparseMatrix<T>(nrows, ncols, new Int32Array(nrows + 1), new Int32Array(0), allocValues<T>(f64, 0), f64);
  }

  /**
   * Builds a matrix from an edge list (0-based indices, any order). Duplicates follow
   * `options.duplicates`; an index outside the shape is an `INDEX_OUT_OF_RANGE` error.
   */
  static fromEdges<T>(semiring: Semiring<T>, edges: EdgeList<T>, options: FromEdgesOptions<T> = {}): SparseMatrix<T> {
    const { nrows, ncols, rows, cols, values } = edges;
    checkDimension('nrows', nrows);
    checkDimension('ncols', ncols);
    const count = rows.length;
    if (cols.length !== count || (values !== undefined && values.length !== count)) {
      throw new SemiringError(
        'DIMENSION_MISMATCH',
        `edge list arrays differ in length: rows ${count}, cols ${cols.length}, values ${values?.length ?? '(none)'}`,
      );
    }
    for (let k = 0; k < count; k++) {
      const r = rows[k] as number;
      const c = cols[k] as number;
      if (!Number.isInteger(r) || r < 0 || r >= nrows || !Number.isInteger(c) || c < 0 || c >= ncols) {
        throw new SemiringError(
          'INDEX_OUT_OF_RANGE',
          `edge ${k} is (${r}, ${c}), outside the ${nrows}×${ncols} matrix (0-based indices)`,
        );
      }
    }
    // Two stable counting sorts (by column, then by row) order the entries by (row, column).
    const byCol = new Int32Array(ncols + 1);
    for (let k = 0; k < count; k++) byCol[(cols[k] as number) + 1]!++;
    for (let c = 0; c < ncols; c++) byCol[c + 1]! += byCol[c]!;
    const order1 = new Int32Array(count);
    for (let k = 0; k < count; k++) order1[byCol[cols[k] as number]!++] = k;
    const rowPtr = new Int32Array(nrows + 1);
    for (let k = 0; k < count; k++) rowPtr[(rows[k] as number) + 1]!++;
    for (let r = 0; r < nrows; r++) rowPtr[r + 1]! += rowPtr[r]!;
    const next = rowPtr.slice(0, nrows);
    const order = new Int32Array(count);
    for (let t = 0; t < count; t++) {
      const k = order1[t]!;
      order[next[rows[k] as number]!++] = k;
    }

    const f64 = storesF64(semiring);
    const policy = options.duplicates ?? 'error';
    const combine: ((a: T, b: T) => T) | null =
      policy === 'error' ? null : policy === 'add' ? semiring.add : typeof policy === 'function' ? policy : policy.add;
    const colIdx = new Int32Array(count);
    const out = values === undefined ? null : allocValues<T>(f64, count);
    const outPtr = new Int32Array(nrows + 1);
    let nnz = 0;
    for (let r = 0; r < nrows; r++) {
      const rowStart = nnz;
      for (let t = rowPtr[r]!; t < rowPtr[r + 1]!; t++) {
        const k = order[t]!;
        const c = cols[k] as number;
        if (nnz > rowStart && colIdx[nnz - 1] === c) {
          if (combine === null) {
            throw new SemiringError('DUPLICATE_ENTRY', `entry (${r}, ${c}) appears more than once (edge ${k}) and duplicates are refused`);
          }
          if (out !== null) out[nnz - 1] = combine(out[nnz - 1] as T, (values as ArrayLike<T>)[k] as T);
          continue;
        }
        colIdx[nnz] = c;
        if (out !== null) out[nnz] = (values as ArrayLike<T>)[k] as T;
        nnz++;
      }
      outPtr[r + 1] = nnz;
    }
    return new SparseMatrix<T>(
      nrows,
      ncols,
      outPtr,
      nnz === count ? colIdx : colIdx.slice(0, nnz),
      out === null || nnz === count ? out : out.slice(0, nnz),
      f64,
    );
  }

  /**
   * Wraps CSR arrays after checking them: rowPtr of nrows + 1 non-decreasing offsets from 0,
   * columns in range and strictly increasing within each row, values as long as colIdx.
   * The arrays are taken, not copied (values are copied when their storage kind differs).
   */
  static fromCsr<T>(
    semiring: Semiring<T>,
    nrows: number,
    ncols: number,
    rowPtr: Int32Array,
    colIdx: Int32Array,
    values: ArrayLike<T> | null,
  ): SparseMatrix<T> {
    checkDimension('nrows', nrows);
    checkDimension('ncols', ncols);
    if (rowPtr.length !== nrows + 1 || rowPtr[0] !== 0) {
      throw new SemiringError('INVALID_ARGUMENT', `rowPtr must have nrows + 1 = ${nrows + 1} entries starting at 0`);
    }
    const nnz = rowPtr[nrows]!;
    if (colIdx.length !== nnz || (values !== null && values.length !== nnz)) {
      throw new SemiringError('DIMENSION_MISMATCH', `rowPtr ends at ${nnz} but colIdx has ${colIdx.length} and values ${values?.length ?? '(pattern)'}`);
    }
    for (let r = 0; r < nrows; r++) {
      const s = rowPtr[r]!;
      const e = rowPtr[r + 1]!;
      if (e < s) throw new SemiringError('INVALID_ARGUMENT', `rowPtr decreases at row ${r}`);
      for (let p = s; p < e; p++) {
        const c = colIdx[p]!;
        if (c < 0 || c >= ncols) throw new SemiringError('INDEX_OUT_OF_RANGE', `column ${c} of row ${r} is outside [0, ${ncols})`);
        if (p > s && c <= colIdx[p - 1]!) {
          throw new SemiringError('INVALID_ARGUMENT', `columns of row ${r} are not strictly increasing at position ${p}`);
        }
      }
    }
    const f64 = storesF64(semiring);
    let stored: ValueArray<T> | null = null;
    if (values !== null) {
      const sameKind = f64 ? values instanceof Float64Array : Array.isArray(values);
      stored = sameKind ? (values as unknown as ValueArray<T>) : copyValues(f64, values);
    }
    return new SparseMatrix<T>(nrows, ncols, rowPtr, colIdx, stored, f64);
  }

  /** The stored value at (row, col), the pattern's `one` when values are null, or undefined. */
  get(row: number, col: number, one?: T): T | undefined {
    if (row < 0 || row >= this.nrows || col < 0 || col >= this.ncols) {
      throw new SemiringError('INDEX_OUT_OF_RANGE', `(${row}, ${col}) is outside the ${this.nrows}×${this.ncols} matrix`);
    }
    let lo = this.rowPtr[row]!;
    let hi = this.rowPtr[row + 1]! - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const c = this.colIdx[mid]!;
      if (c === col) return this.values === null ? one : (this.values[mid] as T);
      if (c < col) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }

  /** The CSR of the transpose, which is this matrix in CSC; built once, then cached. */
  transposed(): SparseMatrix<T> {
    if (this.#transposed === null) {
      this.#transposed = transposeCsr(this);
      this.#transposed.#transposed = this;
    }
    return this.#transposed;
  }

  /** Every stored entry as [row, col, value] in row-major order (pattern entries give `one`). */
  *entries(one?: T): IterableIterator<[number, number, T | undefined]> {
    for (let r = 0; r < this.nrows; r++) {
      for (let p = this.rowPtr[r]!; p < this.rowPtr[r + 1]!; p++) {
        yield [r, this.colIdx[p]!, this.values === null ? one : (this.values[p] as T)];
      }
    }
  }

  /** The arrays the native kernels read; only for f64 storage. */
  csrArrays(): CsrArrays {
    if (!this.f64) throw new SemiringError('INVALID_ARGUMENT', 'only f64-stored matrices have native CSR arrays');
    return this as unknown as CsrArrays;
  }
}

/** Counting-sort transpose; rows are visited in order, so each output row comes out sorted. */
function transposeCsr<T>(a: CsrOf<T> & { readonly f64: boolean }): SparseMatrix<T> {
  const { nrows, ncols, rowPtr, colIdx, values } = a;
  const nnz = rowPtr[nrows]!;
  const tPtr = new Int32Array(ncols + 1);
  for (let p = 0; p < nnz; p++) tPtr[colIdx[p]! + 1]!++;
  for (let c = 0; c < ncols; c++) tPtr[c + 1]! += tPtr[c]!;
  const next = tPtr.slice(0, ncols);
  const tCol = new Int32Array(nnz);
  const tVal = values === null ? null : allocValues<T>(a.f64, nnz);
  for (let r = 0; r < nrows; r++) {
    for (let p = rowPtr[r]!; p < rowPtr[r + 1]!; p++) {
      const q = next[colIdx[p]!]!++;
      tCol[q] = r;
      if (tVal !== null) tVal[q] = (values as ValueArray<T>)[p] as T;
    }
  }
  return new SparseMatrix<T>(ncols, nrows, tPtr, tCol, tVal, a.f64);
}
