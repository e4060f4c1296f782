// The GraphBLAS output stage shared by every operation: w⟨mask, replace⟩ = w accum t.
import { SemiringError } from '../errors.js';
import { denseAccumulateAny, writebackAny } from '../internal/kernels.js';
import type { CsrOf, CsrParts, MaskMode, ValueArray } from '../internal/kernels.js';
import { allocValues } from '../internal/storage.js';
import { SparseMatrix } from '../matrix.js';
import type { BinaryOp } from '../semiring.js';
import { DenseVector, SparseVector } from '../vector.js';

/** How a mask reads: by value (truthy entries) or by structure (every stored entry), maybe complemented. */
export interface MaskOptions {
  /** Every stored entry of the mask counts, whatever its value (GrB_STRUCTURE). Default false. */
  readonly maskStructural?: boolean;
  /** The mask allows exactly what it would otherwise forbid (GrB_COMP). Default false. */
  readonly maskComplement?: boolean;
}

/** The output stage of an operation whose result is a vector. */
export interface VectorOutputOptions<T> extends MaskOptions {
  /**
   * The existing output w. A dense w is updated in place and returned; a sparse w is read and a
   * new vector returned. Omitted: w starts empty (all zero for a dense result).
   */
  readonly out?: DenseVector<T> | SparseVector<T>;
  /** Which entries of w the operation may write (a vector of the output's size). */
  readonly mask?: DenseVector<unknown> | SparseVector<unknown> | null;
  /** z = w accum t where both exist (else whichever exists); omitted: z = t. */
  readonly accum?: BinaryOp<T> | null;
  /** Entries of w outside the mask are deleted (zeroed, for dense) instead of kept. */
  readonly replace?: boolean;
}

/** The output stage of an operation whose result is a matrix. */
export interface MatrixOutputOptions<T> extends MaskOptions {
  /** The existing output W (read, never modified; the result is a new matrix). */
  readonly out?: SparseMatrix<T>;
  /** Which entries of W the operation may write (a matrix of the output's shape). */
  readonly mask?: SparseMatrix<unknown> | null;
  /** Z = W accum T where both exist (else whichever exists); omitted: Z = T. */
  readonly accum?: BinaryOp<T> | null;
  /** Entries of W outside the mask are deleted instead of kept. */
  readonly replace?: boolean;
}

/** Throws DIMENSION_MISMATCH unless `actual` = `expected`. */
export function expectSize(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new SemiringError('DIMENSION_MISMATCH', `${what} has size ${actual}, expected ${expected}`);
}

/** The mask as one byte per entry (1 = in the mask, before complementing), or null. */
export function maskBits(mask: DenseVector<unknown> | SparseVector<unknown> | null | undefined, structural: boolean, size: number): Uint8Array | null {
  if (mask === null || mask === undefined) return null;
  expectSize('mask', mask.size, size);
  const bits = new Uint8Array(size);
  if (mask instanceof DenseVector) {
    if (structural) bits.fill(1);
    else for (let i = 0; i < size; i++) bits[i] = mask.values[i] ? 1 : 0;
    return bits;
  }
  for (let k = 0; k < mask.indices.length; k++) if (structural || mask.values[k]) bits[mask.indices[k] as number] = 1;
  return bits;
}

/** The value a pattern operand's entries read as in the output stage. */
function patternValue<T>(f64: boolean): T {
  return (f64 ? 1 : true) as T;
}

function vectorAsCsr<T>(v: SparseVector<T>): CsrOf<T> {
  return { nrows: 1, ncols: v.size, rowPtr: Int32Array.of(0, v.indices.length), colIdx: v.indices, values: v.values };
}

function emptyCsr<T>(nrows: number, ncols: number, f64: boolean): CsrOf<T> {
  return { nrows, ncols, rowPtr: new Int32Array(nrows + 1), colIdx: new Int32Array(0), values: allocValues<T>(f64, 0) };
}

/** Finishes a dense result t (every entry present) into the output. */
export function finishDense<T>(t: DenseVector<T>, zero: T, options: VectorOutputOptions<T>): DenseVector<T> {
  const { out, accum, replace = false, maskComplement = false } = options;
  const bits = maskBits(options.mask, options.maskStructural ?? false, t.size);
  if (out !== undefined && !(out instanceof DenseVector)) {
    throw new SemiringError('INVALID_ARGUMENT', 'a dense result needs a dense output vector (out)');
  }
  const allowed = (i: number): boolean => bits === null || ((bits[i] ?? 0) ^ (maskComplement ? 1 : 0)) === 1;
  if (out === undefined) {
    if (bits !== null) for (let i = 0; i < t.size; i++) if (!allowed(i)) t.values[i] = zero;
    return t;
  }
  expectSize('output', out.size, t.size);
  if (accum !== null && accum !== undefined) {
    denseAccumulateAny(accum, out.f64, out.values, t.values, t.size, bits, maskComplement);
  } else {
    for (let i = 0; i < t.size; i++) if (allowed(i)) out.values[i] = t.values[i] as T;
  }
  if (replace && bits !== null) for (let i = 0; i < t.size; i++) if (!allowed(i)) out.values[i] = zero;
  return out;
}

/** Finishes a sparse result t into the output. */
export function finishSparse<T>(t: SparseVector<T>, options: VectorOutputOptions<T>): SparseVector<T> {
  const { out, mask } = options;
  if (out !== undefined && !(out instanceof SparseVector)) {
    throw new SemiringError('INVALID_ARGUMENT', 'a sparse result needs a sparse output vector (out)');
  }
  const hasAccum = options.accum !== null && options.accum !== undefined;
  if (out === undefined && (mask === null || mask === undefined)) return t;
  if (out !== undefined) expectSize('output', out.size, t.size);
  let maskCsr: CsrOf<unknown> | null = null;
  if (mask !== null && mask !== undefined) {
    expectSize('mask', mask.size, t.size);
    maskCsr = mask instanceof SparseVector ? vectorAsCsr(mask) : denseAsCsr(mask);
  }
  const w = out === undefined ? emptyCsr<T>(1, t.size, t.f64) : vectorAsCsr(out);
  const parts = writebackAny<T>(
    hasAccum ? (options.accum as BinaryOp<T>) : null,
    t.f64,
    w,
    patternValue(t.f64),
    vectorAsCsr(t),
    patternValue(t.f64),
    maskCsr,
    maskModeOf(maskCsr, options),
    options.maskStructural ?? false,
    options.replace ?? false,
  );
  return new SparseVector<T>(t.size, parts.colIdx, parts.values, t.f64);
}

/** Finishes a matrix result t (CSR parts of the output's shape) into the output. */
export function finishMatrix<T>(
  nrows: number,
  ncols: number,
  t: CsrParts<T> | { readonly rowPtr: Int32Array; readonly colIdx: Int32Array; readonly values: ValueArray<T> | null },
  f64: boolean,
  options: MatrixOutputOptions<T>,
): SparseMatrix<T> {
  const { out, mask } = options;
  const hasAccum = options.accum !== null && options.accum !== undefined;
  if (out === undefined && (mask === null || mask === undefined)) {
    return new SparseMatrix<T>(nrows, ncols, t.rowPtr, t.colIdx, t.values, f64);
  }
  if (out !== undefined && (out.nrows !== nrows || out.ncols !== ncols)) {
    throw new SemiringError('DIMENSION_MISMATCH', `output is ${out.nrows}×${out.ncols}, expected ${nrows}×${ncols}`);
  }
  if (mask !== null && mask !== undefined && (mask.nrows !== nrows || mask.ncols !== ncols)) {
    throw new SemiringError('DIMENSION_MISMATCH', `mask is ${mask.nrows}×${mask.ncols}, expected ${nrows}×${ncols}`);
  }
  const w: CsrOf<T> = out ?? emptyCsr<T>(nrows, ncols, f64);
  const maskCsr = mask ?? null;
  const parts = writebackAny<T>(
    hasAccum ? (options.accum as BinaryOp<T>) : null,
    f64,
    w,
    patternValue(f64),
    { nrows, ncols, rowPtr: t.rowPtr, colIdx: t.colIdx, values: t.values },
    patternValue(f64),
    maskCsr,
    maskModeOf(maskCsr, options),
    options.maskStructural ?? false,
    options.replace ?? false,
  );
  const pattern = t.values === null && (out === undefined || out.values === null) && !hasAccum;
  return new SparseMatrix<T>(nrows, ncols, parts.rowPtr, parts.colIdx, pattern ? null : parts.values, f64);
}

function maskModeOf(mask: unknown, options: MaskOptions): MaskMode {
  if (mask === null) return 0;
  return options.maskComplement === true ? 2 : 1;
}

function denseAsCsr(v: DenseVector<unknown>): CsrOf<unknown> {
  const colIdx = new Int32Array(v.size);
  for (let i = 0; i < v.size; i++) colIdx[i] = i;
  return { nrows: 1, ncols: v.size, rowPtr: Int32Array.of(0, v.size), colIdx, values: v.values };
}
