// The pure-TS twin of the native semiring kernels (src/cpu/semiring.cc): one hand-written loop per
// op, chosen by a switch outside the loop, so V8 compiles each to straight f64 code with no ⊕/⊗
// closure per element. The native loops reproduce these bit for bit (min and max are Math.min and
// Math.max, whose results do not depend on order; sums run in storage order), so this file is
// also the reference the native tests compare against.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- every index below has been checked
   by validateSpmv / validatePush before the loops run; `?? 0` would add a branch per element. */
import type { CsrArrays, SemiringKernels, SemiringOp } from '../api.js';
import { NativeError } from '../errors.js';
import { checkUint } from './ts-kernels.js';

/** The ops in the order of their native codes (src/kernels/semiring.h `SemiringOp`). */
export const SEMIRING_OPS: readonly SemiringOp[] = ['or-and', 'plus-times', 'min-plus', 'max-plus', 'max-times', 'max-min', 'log-plus'];

/** The largest nrows / ncols: indices are Int32 and rowPtr has nrows + 1 entries. */
export const MAX_DIMENSION = 0x7fff_fffe;

/** The native code of `op`, or INVALID_ARGUMENT naming the ops there are. */
export function semiringOpCode(op: unknown, fn: string): number {
  const code = typeof op === 'string' ? SEMIRING_OPS.indexOf(op as SemiringOp) : -1;
  if (code < 0) {
    const shown = typeof op === 'string' ? `'${op}'` : `a value of type ${typeof op}`;
    throw new NativeError('INVALID_ARGUMENT', `${fn}: op must be one of ${SEMIRING_OPS.join(', ')}, got ${shown}`);
  }
  return code;
}

/** The fields of `a`, read once, or INVALID_ARGUMENT when `a` is not an object. */
export function csrFields(a: unknown, fn: string): CsrArrays {
  if (typeof a !== 'object' || a === null) {
    throw new NativeError('INVALID_ARGUMENT', `${fn}: a must be an object { nrows, ncols, rowPtr, colIdx, values }`);
  }
  const { nrows, ncols, rowPtr, colIdx, values } = a as CsrArrays;
  // A missing values field reads as a pattern matrix, in the twin as in the binding.
  return { nrows, ncols, rowPtr, colIdx, values: values ?? null };
}

function checkType(v: unknown, type: typeof Int32Array | typeof Float64Array | typeof Uint8Array, fn: string, what: string): void {
  if (!(v instanceof type)) throw new NativeError('INVALID_ARGUMENT', `${fn}: ${what} must be a ${type.name}`);
}

function checkLength(length: number, expected: number, fn: string, what: string, unit: string, expectedText: string): void {
  if (length !== expected) {
    throw new NativeError('LENGTH_MISMATCH', `${fn}: ${what} has ${length} ${unit}; expected ${expectedText} = ${expected}`);
  }
}

function columnOutOfRange(fn: string, k: number, c: number, ncols: number): NativeError {
  return new NativeError('INDEX_OUT_OF_RANGE', `${fn}: a.colIdx[${k}] = ${c} is outside [0, ${ncols})`);
}

/**
 * INDEX_OUT_OF_RANGE naming the first column in colIdx[lo..hi) outside [0, ncols). The scan is
 * branch-free — c | (ncols − 1 − c) is negative exactly when c is out of range — and only a
 * failing scan looks for the first culprit.
 */
function checkColumns(fn: string, colIdx: Int32Array, lo: number, hi: number, ncols: number): void {
  const last = ncols - 1;
  let bad = 0;
  for (let k = lo; k < hi; k++) {
    const c = colIdx[k]!;
    bad |= c | (last - c);
  }
  if (bad >= 0) return;
  for (let k = lo; k < hi; k++) {
    if (colIdx[k]! >>> 0 >= ncols) throw columnOutOfRange(fn, k, colIdx[k]!, ncols);
  }
}

/** The checks every kernel shares: sizes, types, rowPtr's length and colIdx/values against rowPtr[nrows]. */
function validateShape(a: CsrArrays, fn: string): void {
  // Both are known to be present (the callers refuse undefined first).
  checkUint(a.nrows, fn, 'a.nrows', MAX_DIMENSION, 0);
  checkUint(a.ncols, fn, 'a.ncols', MAX_DIMENSION, 0);
  checkType(a.rowPtr, Int32Array, fn, 'a.rowPtr');
  checkType(a.colIdx, Int32Array, fn, 'a.colIdx');
  if (a.values !== null) checkType(a.values, Float64Array, fn, 'a.values');
  checkLength(a.rowPtr.length, a.nrows + 1, fn, 'a.rowPtr', 'entries', 'nrows + 1');
  const nnz = a.rowPtr[a.nrows]!;
  checkLength(a.colIdx.length, nnz, fn, 'a.colIdx', 'entries', 'a.rowPtr[nrows]');
  if (a.values !== null) checkLength(a.values.length, nnz, fn, 'a.values', 'entries', 'a.rowPtr[nrows]');
}

function validateSpmv(a: CsrArrays, x: Float64Array, y: Float64Array, mask: Uint8Array | null, complement: boolean): void {
  const fn = 'spmv';
  // checkUint would let undefined through as its default; sizes have none.
  if (a.nrows === undefined || a.ncols === undefined || a.nrows === null || a.ncols === null) {
    throw new NativeError('INVALID_ARGUMENT', `${fn}: a.nrows and a.ncols must be integers from 0 to ${MAX_DIMENSION}`);
  }
  validateShape(a, fn);
  checkType(x, Float64Array, fn, 'x');
  checkType(y, Float64Array, fn, 'y');
  if (mask !== null) checkType(mask, Uint8Array, fn, 'mask');
  if (typeof complement !== 'boolean') throw new NativeError('INVALID_ARGUMENT', `${fn}: complementMask must be a boolean`);
  const { nrows, ncols, rowPtr, colIdx } = a;
  checkLength(x.length, ncols, fn, 'x', 'values', 'ncols');
  checkLength(y.length, nrows, fn, 'y', 'values', 'nrows');
  if (mask !== null) checkLength(mask.length, nrows, fn, 'mask', 'bytes', 'nrows');
  if (
    x.length !== 0 &&
    y.length !== 0 &&
    x.buffer === y.buffer &&
    x.byteOffset < y.byteOffset + y.byteLength &&
    y.byteOffset < x.byteOffset + x.byteLength
  ) {
    throw new NativeError('INVALID_ARGUMENT', `${fn}: x and y overlap; they must be distinct memory`);
  }
  if (rowPtr[0] !== 0) throw new NativeError('INVALID_ARGUMENT', `${fn}: a.rowPtr[0] is ${rowPtr[0]}; expected 0`);
  for (let i = 0; i < nrows; i++) {
    if (rowPtr[i + 1]! < rowPtr[i]!) {
      throw new NativeError(
        'INVALID_ARGUMENT',
        `${fn}: a.rowPtr[${i + 1}] = ${rowPtr[i + 1]} is below a.rowPtr[${i}] = ${rowPtr[i]}; expected non-decreasing`,
      );
    }
  }
  if (mask === null) {
    checkColumns(fn, colIdx, 0, colIdx.length, ncols);
    return;
  }
  for (let i = 0; i < nrows; i++) {
    if ((mask[i] === 0) !== complement) continue;
    checkColumns(fn, colIdx, rowPtr[i]!, rowPtr[i + 1]!, ncols);
  }
}

function validatePush(
  a: CsrArrays,
  xIndices: Int32Array,
  xValues: Float64Array,
  count: number,
  y: Float64Array,
  mark: Uint8Array,
  changed: Int32Array,
): void {
  const fn = 'spmspvPush';
  if (a.nrows === undefined || a.ncols === undefined || a.nrows === null || a.ncols === null) {
    throw new NativeError('INVALID_ARGUMENT', `${fn}: a.nrows and a.ncols must be integers from 0 to ${MAX_DIMENSION}`);
  }
  validateShape(a, fn);
  checkType(xIndices, Int32Array, fn, 'xIndices');
  checkType(xValues, Float64Array, fn, 'xValues');
  checkType(y, Float64Array, fn, 'y');
  checkType(mark, Uint8Array, fn, 'mark');
  checkType(changed, Int32Array, fn, 'changed');
  const { nrows, ncols, rowPtr, colIdx } = a;
  checkLength(y.length, ncols, fn, 'y', 'values', 'ncols');
  checkLength(mark.length, ncols, fn, 'mark', 'bytes', 'ncols');
  if (changed.length < ncols) {
    throw new NativeError('LENGTH_MISMATCH', `${fn}: changed has ${changed.length} entries; expected at least ncols = ${ncols}`);
  }
  if (count === undefined) throw new NativeError('INVALID_ARGUMENT', `${fn}: count must be an integer`);
  checkUint(count, fn, 'count', Math.min(xIndices.length, xValues.length), 0);
  const nnz = colIdx.length;
  for (let t = 0; t < count; t++) {
    const i = xIndices[t]!;
    if (i >>> 0 >= nrows) {
      throw new NativeError('INDEX_OUT_OF_RANGE', `${fn}: xIndices[${t}] = ${i} is outside [0, ${nrows})`);
    }
    const lo = rowPtr[i]!;
    const hi = rowPtr[i + 1]!;
    if (lo < 0 || hi < lo || hi > nnz) {
      throw new NativeError(
        'INVALID_ARGUMENT',
        `${fn}: row ${i} spans a.rowPtr[${i}] = ${lo} to a.rowPtr[${i + 1}] = ${hi}; expected 0 <= start <= end <= ${nnz}`,
      );
    }
    checkColumns(fn, colIdx, lo, hi, ncols);
  }
}

// ---------------------------------------------------------------- per-element bodies
// Used by the generic-shaped loops below only where V8 inlines them (small, monomorphic); the
// reference for src/kernels/semiring.h.

/** logaddexp as the contract defines it (SemiringOp). */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  if (a === b) return a + Math.LN2;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

// ---------------------------------------------------------------- spmv (pull)
// Each loop: rows in order, a row the mask forbids is skipped, an allowed row reduces its entries
// left to right from the semiring's zero. `skip(i)` is inlined by hand as
// `mask !== null && (mask[i] === 0) !== complement`.
//
// min/max rows: Math.min/Math.max branch on NaN and on signed zeros at every call, so the loops
// below (the *Branchy ones, for an x that holds ±∞ or NaN, and the pattern loops; the *Finite
// loops further down for the rest) use a bare compare-select (which drops NaN and keeps whichever zero came first) plus a NaN flag,
// and redo a row whose answer is exactly 0 with the real Math.min/Math.max (exactRow). The answer
// is the same bits: min and max do not depend on order, only those two cases did.

const MIN_PLUS = 2;
const MAX_PLUS = 3;
const MAX_TIMES = 4;
const MAX_MIN = 5;

/** Row i of a min/max op by the definition; only for rows whose fast answer was 0. */
function exactRow(code: number, rowPtr: Int32Array, colIdx: Int32Array, values: Float64Array | null, x: Float64Array, i: number): number {
  const end = rowPtr[i + 1]!;
  let acc = code === MIN_PLUS ? Infinity : code === MAX_TIMES ? 0 : -Infinity;
  for (let k = rowPtr[i]!; k < end; k++) {
    const xv = x[colIdx[k]!]!;
    switch (code) {
      case MIN_PLUS:
        acc = Math.min(acc, (values === null ? 0 : values[k]!) + xv);
        break;
      case MAX_PLUS:
        acc = Math.max(acc, (values === null ? 0 : values[k]!) + xv);
        break;
      case MAX_TIMES:
        acc = Math.max(acc, values === null ? xv : values[k]! * xv);
        break;
      default:
        acc = Math.max(acc, values === null ? xv : Math.min(values[k]!, xv));
    }
  }
  return acc;
}

type Pull = (
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float64Array,
  x: Float64Array,
  y: Float64Array,
  nrows: number,
  mask: Uint8Array | null,
  complement: boolean,
) => void;

type PullPattern = (
  rowPtr: Int32Array,
  colIdx: Int32Array,
  x: Float64Array,
  y: Float64Array,
  nrows: number,
  mask: Uint8Array | null,
  complement: boolean,
) => void;

const pullOrAnd: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = 0;
      for (let k = start; k < end; k++) {
        if (values[k] !== 0 && x[colIdx[k]!] !== 0) {
          acc = 1;
          break;
        }
      }
      y[i] = acc;
    }
    start = end;
  }
};

const pullOrAndPattern: PullPattern = (rowPtr, colIdx, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = 0;
      for (let k = start; k < end; k++) {
        if (x[colIdx[k]!] !== 0) {
          acc = 1;
          break;
        }
      }
      y[i] = acc;
    }
    start = end;
  }
};

const pullPlusTimes: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      // Four at a time, still added one by one in storage order: V8 checks each array once per
      // four entries instead of once per entry.
      let acc = 0;
      let k = start;
      for (; k + 3 < end; k += 4) {
        acc += values[k]! * x[colIdx[k]!]!;
        acc += values[k + 1]! * x[colIdx[k + 1]!]!;
        acc += values[k + 2]! * x[colIdx[k + 2]!]!;
        acc += values[k + 3]! * x[colIdx[k + 3]!]!;
      }
      for (; k < end; k++) acc += values[k]! * x[colIdx[k]!]!;
      y[i] = acc;
    }
    start = end;
  }
};

// 1 × v = v exactly (NaN aside), so the pattern loop adds x itself.
const pullPlusTimesPattern: PullPattern = (rowPtr, colIdx, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = 0;
      for (let k = start; k < end; k++) acc += x[colIdx[k]!]!;
      y[i] = acc;
    }
    start = end;
  }
};

const pullMinPlusBranchy: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = Infinity;
      let nan = false;
      for (let k = start; k < end; k++) {
        const v = values[k]! + x[colIdx[k]!]!;
        if (v < acc) acc = v;
        else if (v !== v) nan = true;
      }
      y[i] = nan ? Number.NaN : acc === 0 ? exactRow(MIN_PLUS, rowPtr, colIdx, values, x, i) : acc;
    }
    start = end;
  }
};

// 0 + v is v except that −0 becomes +0, so the pattern loops keep the addition.
const pullMinPlusPattern: PullPattern = (rowPtr, colIdx, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = Infinity;
      let nan = false;
      for (let k = start; k < end; k++) {
        const v = 0 + x[colIdx[k]!]!;
        if (v < acc) acc = v;
        else if (v !== v) nan = true;
      }
      y[i] = nan ? Number.NaN : acc === 0 ? exactRow(MIN_PLUS, rowPtr, colIdx, null, x, i) : acc;
    }
    start = end;
  }
};

const pullMaxPlusBranchy: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = -Infinity;
      let nan = false;
      for (let k = start; k < end; k++) {
        const v = values[k]! + x[colIdx[k]!]!;
        if (v > acc) acc = v;
        else if (v !== v) nan = true;
      }
      y[i] = nan ? Number.NaN : acc === 0 ? exactRow(MAX_PLUS, rowPtr, colIdx, values, x, i) : acc;
    }
    start = end;
  }
};

const pullMaxPlusPattern: PullPattern = (rowPtr, colIdx, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = -Infinity;
      let nan = false;
      for (let k = start; k < end; k++) {
        const v = 0 + x[colIdx[k]!]!;
        if (v > acc) acc = v;
        else if (v !== v) nan = true;
      }
      y[i] = nan ? Number.NaN : acc === 0 ? exactRow(MAX_PLUS, rowPtr, colIdx, null, x, i) : acc;
    }
    start = end;
  }
};

const pullMaxTimesBranchy: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = 0;
      let nan = false;
      for (let k = start; k < end; k++) {
        const v = values[k]! * x[colIdx[k]!]!;
        if (v > acc) acc = v;
        else if (v !== v) nan = true;
      }
      y[i] = nan ? Number.NaN : acc === 0 ? exactRow(MAX_TIMES, rowPtr, colIdx, values, x, i) : acc;
    }
    start = end;
  }
};

const pullMaxTimesPattern: PullPattern = (rowPtr, colIdx, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = 0;
      let nan = false;
      for (let k = start; k < end; k++) {
        const v = x[colIdx[k]!]!;
        if (v > acc) acc = v;
        else if (v !== v) nan = true;
      }
      y[i] = nan ? Number.NaN : acc === 0 ? exactRow(MAX_TIMES, rowPtr, colIdx, null, x, i) : acc;
    }
    start = end;
  }
};

const pullMaxMinBranchy: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = -Infinity;
      let nan = false;
      for (let k = start; k < end; k++) {
        const av = values[k]!;
        const xv = x[colIdx[k]!]!;
        const v = av < xv ? av : xv;
        if (v > acc) acc = v;
        if (av !== av || xv !== xv) nan = true;
      }
      y[i] = nan ? Number.NaN : acc === 0 ? exactRow(MAX_MIN, rowPtr, colIdx, values, x, i) : acc;
    }
    start = end;
  }
};

// min(+∞, v) = v for every v, NaN included.
const pullMaxMinPattern: PullPattern = (rowPtr, colIdx, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = -Infinity;
      let nan = false;
      for (let k = start; k < end; k++) {
        const v = x[colIdx[k]!]!;
        if (v > acc) acc = v;
        else if (v !== v) nan = true;
      }
      y[i] = nan ? Number.NaN : acc === 0 ? exactRow(MAX_MIN, rowPtr, colIdx, null, x, i) : acc;
    }
    start = end;
  }
};

const pullLogPlus: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = -Infinity;
      for (let k = start; k < end; k++) acc = logAddExp(acc, values[k]! + x[colIdx[k]!]!);
      y[i] = acc;
    }
    start = end;
  }
};

const pullLogPlusPattern: PullPattern = (rowPtr, colIdx, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = -Infinity;
      for (let k = start; k < end; k++) acc = logAddExp(acc, 0 + x[colIdx[k]!]!);
      y[i] = acc;
    }
    start = end;
  }
};

// min/max rows over an x with only finite values. Even a compare-select branch mispredicts about
// once per new running minimum, and each miss throws away the gathers of x in flight, so these
// loops select without branching: c = +(v < acc) is a setcc, and acc·(1 − c) + v·c is exactly v
// or acc, because one product is a signed zero and the other is exact — when every value is
// finite, and up to the sign of a zero. So each row also sums its products into `probe`, which is
// finite only when every product is, and a row whose probe is not finite (a weight of ±∞ or NaN, or
// an overflow) or whose answer is 0 is redone by the definition (exactRow). Two running
// accumulators per row halve the dependency chain. An x with ±∞ or NaN in it (the zero of
// min-plus is +∞, so Bellman–Ford sweeps pass many) would send most rows to exactRow; such an x
// runs the branching loops above instead.

/** Whether every value of x is finite: x[j]·0 is ±0 for finite x[j], NaN for ±∞ and NaN. */
function allFinite(x: Float64Array): boolean {
  let probe = 0;
  for (let j = 0; j < x.length; j++) probe += x[j]! * 0;
  return probe === 0;
}

const pullMinPlusFinite: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = Infinity;
      if (start < end) {
        let a0 = values[start]! + x[colIdx[start]!]!;
        let a1 = a0;
        let probe = a0;
        let k = start + 1;
        for (; k + 1 < end; k += 2) {
          const v0 = values[k]! + x[colIdx[k]!]!;
          const v1 = values[k + 1]! + x[colIdx[k + 1]!]!;
          const c0 = +(v0 < a0);
          const c1 = +(v1 < a1);
          a0 = a0 * (1 - c0) + v0 * c0;
          a1 = a1 * (1 - c1) + v1 * c1;
          probe += v0 + v1;
        }
        if (k < end) {
          const v0 = values[k]! + x[colIdx[k]!]!;
          const c0 = +(v0 < a0);
          a0 = a0 * (1 - c0) + v0 * c0;
          probe += v0;
        }
        const c = +(a1 < a0);
        acc = a0 * (1 - c) + a1 * c;
        if (probe - probe !== 0 || acc === 0) acc = exactRow(MIN_PLUS, rowPtr, colIdx, values, x, i);
      }
      y[i] = acc;
    }
    start = end;
  }
};

const pullMaxPlusFinite: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = -Infinity;
      if (start < end) {
        let a0 = values[start]! + x[colIdx[start]!]!;
        let a1 = a0;
        let probe = a0;
        let k = start + 1;
        for (; k + 1 < end; k += 2) {
          const v0 = values[k]! + x[colIdx[k]!]!;
          const v1 = values[k + 1]! + x[colIdx[k + 1]!]!;
          const c0 = +(v0 > a0);
          const c1 = +(v1 > a1);
          a0 = a0 * (1 - c0) + v0 * c0;
          a1 = a1 * (1 - c1) + v1 * c1;
          probe += v0 + v1;
        }
        if (k < end) {
          const v0 = values[k]! + x[colIdx[k]!]!;
          const c0 = +(v0 > a0);
          a0 = a0 * (1 - c0) + v0 * c0;
          probe += v0;
        }
        const c = +(a1 > a0);
        acc = a0 * (1 - c) + a1 * c;
        if (probe - probe !== 0 || acc === 0) acc = exactRow(MAX_PLUS, rowPtr, colIdx, values, x, i);
      }
      y[i] = acc;
    }
    start = end;
  }
};

// The zero of max-times, 0, is finite, so both accumulators start there.
const pullMaxTimesFinite: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let a0 = 0;
      let a1 = 0;
      let probe = 0;
      let k = start;
      for (; k + 1 < end; k += 2) {
        const v0 = values[k]! * x[colIdx[k]!]!;
        const v1 = values[k + 1]! * x[colIdx[k + 1]!]!;
        const c0 = +(v0 > a0);
        const c1 = +(v1 > a1);
        a0 = a0 * (1 - c0) + v0 * c0;
        a1 = a1 * (1 - c1) + v1 * c1;
        probe += v0 + v1;
      }
      if (k < end) {
        const v0 = values[k]! * x[colIdx[k]!]!;
        const c0 = +(v0 > a0);
        a0 = a0 * (1 - c0) + v0 * c0;
        probe += v0;
      }
      const c = +(a1 > a0);
      const acc = a0 * (1 - c) + a1 * c;
      y[i] = probe - probe !== 0 || acc === 0 ? exactRow(MAX_TIMES, rowPtr, colIdx, values, x, i) : acc;
    }
    start = end;
  }
};

// The product min(a, x) selects the same way; a non-finite a or x makes it NaN, which the probe sees.
const pullMaxMinFinite: Pull = (rowPtr, colIdx, values, x, y, nrows, mask, complement) => {
  let start = rowPtr[0]!;
  for (let i = 0; i < nrows; i++) {
    const end = rowPtr[i + 1]!;
    if (mask === null || (mask[i] === 0) === complement) {
      let acc = -Infinity;
      if (start < end) {
        const av = values[start]!;
        const xv = x[colIdx[start]!]!;
        const cv = +(xv < av);
        let a0 = av * (1 - cv) + xv * cv;
        let probe = a0;
        for (let k = start + 1; k < end; k++) {
          const bv = values[k]!;
          const yv = x[colIdx[k]!]!;
          const d = +(yv < bv);
          const v = bv * (1 - d) + yv * d;
          const c = +(v > a0);
          a0 = a0 * (1 - c) + v * c;
          probe += v;
        }
        acc = probe - probe !== 0 || a0 === 0 ? exactRow(MAX_MIN, rowPtr, colIdx, values, x, i) : a0;
      }
      y[i] = acc;
    }
    start = end;
  }
};

/** `finite` when x has only finite values, else `branchy`. */
function byFiniteX(finite: Pull, branchy: Pull): Pull {
  return (rowPtr, colIdx, values, x, y, nrows, mask, complement) =>
    (allFinite(x) ? finite : branchy)(rowPtr, colIdx, values, x, y, nrows, mask, complement);
}

const pullMinPlus = byFiniteX(pullMinPlusFinite, pullMinPlusBranchy);
const pullMaxPlus = byFiniteX(pullMaxPlusFinite, pullMaxPlusBranchy);
const pullMaxTimes = byFiniteX(pullMaxTimesFinite, pullMaxTimesBranchy);
const pullMaxMin = byFiniteX(pullMaxMinFinite, pullMaxMinBranchy);

const PULL: readonly Pull[] = [pullOrAnd, pullPlusTimes, pullMinPlus, pullMaxPlus, pullMaxTimes, pullMaxMin, pullLogPlus];
const PULL_PATTERN: readonly PullPattern[] = [
  pullOrAndPattern,
  pullPlusTimesPattern,
  pullMinPlusPattern,
  pullMaxPlusPattern,
  pullMaxTimesPattern,
  pullMaxMinPattern,
  pullLogPlusPattern,
];

// ---------------------------------------------------------------- spmspv (push)
// Each loop: sources in order, each source's row left to right; an update whose result differs
// from y[j] by Object.is writes it and, when mark[j] is 0, marks j and appends it. Pattern matrices
// pass values = null and use the semiring's one; the per-op loops read `a` as `values === null ?
// one : values[k]`, a branch V8 hoists out of nothing but predicts perfectly.

type Push = (
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: Float64Array | null,
  xIndices: Int32Array,
  xValues: Float64Array,
  count: number,
  y: Float64Array,
  mark: Uint8Array,
  changed: Int32Array,
) => number;

// The push loop is the same for every op but its update, so it is written once and compiled per
// op with the update inlined (as @mmsb/semiring generates its kernels, ADR 0010): V8 sees seven
// monomorphic loops and no ⊕/⊗ call per entry. `a` is the entry, or the op's one for a pattern
// matrix; x·1, x + 0 and min(x, +∞) give exactly what the op gives without the entry.

/** Per op, in code order: the entry a pattern matrix stands for, and y[j]'s update from old, xt and a. */
const PUSH_OPS: readonly { readonly one: string; readonly update: string }[] = [
  { one: '1', update: "old !== 0 || (xt !== 0 && a !== 0) ? 1 : 0" }, // or-and: any non-zero (NaN too) is true
  { one: '1', update: 'old + xt * a' }, // plus-times
  { one: '0', update: 'Math.min(old, xt + a)' }, // min-plus
  { one: '0', update: 'Math.max(old, xt + a)' }, // max-plus
  { one: '1', update: 'Math.max(old, xt * a)' }, // max-times
  { one: 'Infinity', update: 'Math.max(old, Math.min(xt, a))' }, // max-min
  { one: '0', update: 'logAddExp(old, xt + a)' }, // log-plus
];

function compilePush(op: { readonly one: string; readonly update: string }): Push {
  const factory = new Function(
    'logAddExp',
    `return function push(rowPtr, colIdx, values, xIndices, xValues, count, y, mark, changed) {
      let n = 0;
      for (let t = 0; t < count; t++) {
        const i = xIndices[t];
        const xt = xValues[t];
        const end = rowPtr[i + 1];
        for (let k = rowPtr[i]; k < end; k++) {
          const j = colIdx[k];
          const old = y[j];
          const a = values === null ? ${op.one} : values[k];
          const next = ${op.update};
          if (!Object.is(next, old)) {
            y[j] = next;
            if (mark[j] === 0) {
              mark[j] = 1;
              changed[n++] = j;
            }
          }
        }
      }
      return n;
    };`,
  ) as (logAddExpFn: typeof logAddExp) => Push;
  return factory(logAddExp);
}

const PUSH: readonly Push[] = PUSH_OPS.map(compilePush);

// ---------------------------------------------------------------- the kernel set

const spmv: SemiringKernels['spmv'] = (op, a, x, y, mask, complementMask) => {
  const code = semiringOpCode(op, 'spmv');
  const m = csrFields(a, 'spmv');
  const maskOrNull = mask ?? null;
  const complement = complementMask ?? false;
  validateSpmv(m, x, y, maskOrNull, complement);
  if (m.values === null) PULL_PATTERN[code]!(m.rowPtr, m.colIdx, x, y, m.nrows, maskOrNull, complement);
  else PULL[code]!(m.rowPtr, m.colIdx, m.values, x, y, m.nrows, maskOrNull, complement);
};

const spmspvPush: SemiringKernels['spmspvPush'] = (op, a, xIndices, xValues, count, y, mark, changed) => {
  const code = semiringOpCode(op, 'spmspvPush');
  const m = csrFields(a, 'spmspvPush');
  validatePush(m, xIndices, xValues, count, y, mark, changed);
  return PUSH[code]!(m.rowPtr, m.colIdx, m.values, xIndices, xValues, count, y, mark, changed);
};

/** The pure-TS semiring kernels: the fallback without the binary, and the reference native is tested against. */
export const tsSemiringKernels: SemiringKernels = Object.freeze({ spmv, spmspvPush });
