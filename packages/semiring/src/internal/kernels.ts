// The loop templates behind every operation. Each is compiled per standard semiring (inline
// ⊕/⊗) and per user semiring (closure calls) by codegen.ts; see there for the scheme. Operand
// identifiers handed to the ⊕/⊗ expressions are always plain locals, so an expression may use
// them more than once. Pattern operands (values null) read as ONE, or as the value passed in.
import { binaryKernel, semiringKernel } from './codegen.js';
import type { KernelTemplate } from './codegen.js';
import type { BinaryOp, Semiring } from '../semiring.js';

/** Values of one storage kind: a Float64Array for f64 storage, a plain array otherwise. */
export interface ValueArray<T> {
  readonly length: number;
  [index: number]: T;
  slice(start?: number, end?: number): ValueArray<T>;
}

/** CSR arrays over any value type (the kernels' view of a matrix). */
export interface CsrOf<T> {
  readonly nrows: number;
  readonly ncols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: ValueArray<T> | null;
}

const SPMV: KernelTemplate = {
  name: 'spmv',
  params: ['rowPtr', 'colIdx', 'values', 'x', 'y', 'nrows', 'mask', 'complement'],
  body: (add, mul) => `
  const flip = complement ? 1 : 0;
  for (let i = 0; i < nrows; i++) {
    if (mask !== null && ((mask[i] !== 0 ? 1 : 0) ^ flip) === 0) continue;
    let acc = ZERO;
    const end = rowPtr[i + 1];
    if (values !== null) {
      for (let p = rowPtr[i]; p < end; p++) {
        const a = values[p];
        const b = x[colIdx[p]];
        const t = ${mul('a', 'b')};
        acc = ${add('acc', 't')};
      }
    } else {
      for (let p = rowPtr[i]; p < end; p++) {
        const a = ONE;
        const b = x[colIdx[p]];
        const t = ${mul('a', 'b')};
        acc = ${add('acc', 't')};
      }
    }
    y[i] = acc;
  }`,
};

function spmspvTemplate(name: string, productOf: (mul: (x: string, y: string) => string) => string): KernelTemplate {
  return {
    name,
    params: ['rowPtr', 'colIdx', 'values', 'xIdx', 'xVal', 'count', 'w', 'mark', 'touched'],
    body: (add, mul) => `
  let n = 0;
  for (let t = 0; t < count; t++) {
    const i = xIdx[t];
    const xv = xVal[t];
    const end = rowPtr[i + 1];
    for (let p = rowPtr[i]; p < end; p++) {
      const a = values === null ? ONE : values[p];
      const j = colIdx[p];
      const prod = ${productOf(mul)};
      if (mark[j] === 0) {
        mark[j] = 1;
        touched[n++] = j;
        w[j] = prod;
      } else {
        const old = w[j];
        w[j] = ${add('old', 'prod')};
      }
    }
  }
  return n;`,
  };
}

/** x ⊗ A[i,j] (vxm: the vector is on the left). */
const SPMSPV_XA = spmspvTemplate('spmspvXA', (mul) => mul('xv', 'a'));
/** A[j,i] ⊗ x (mxv through the transpose: the matrix is on the left). */
const SPMSPV_AX = spmspvTemplate('spmspvAX', (mul) => mul('a', 'xv'));

const MXM: KernelTemplate = {
  name: 'mxm',
  params: ['aRowPtr', 'aColIdx', 'aVals', 'bRowPtr', 'bColIdx', 'bVals', 'nrows', 'ncols'],
  body: (add, mul) => `
  const rowPtr = new Int32Array(nrows + 1);
  let cap = Math.max(16, aColIdx.length);
  let cols = new Int32Array(cap);
  let vals = ALLOC(cap);
  const w = ALLOC(ncols);
  const stamp = new Int32Array(ncols).fill(-1);
  const touched = new Int32Array(ncols);
  let nnz = 0;
  for (let i = 0; i < nrows; i++) {
    let n = 0;
    const ea = aRowPtr[i + 1];
    for (let pa = aRowPtr[i]; pa < ea; pa++) {
      const k = aColIdx[pa];
      const a = aVals === null ? ONE : aVals[pa];
      const eb = bRowPtr[k + 1];
      for (let pb = bRowPtr[k]; pb < eb; pb++) {
        const j = bColIdx[pb];
        const b = bVals === null ? ONE : bVals[pb];
        const prod = ${mul('a', 'b')};
        if (stamp[j] !== i) {
          stamp[j] = i;
          touched[n++] = j;
          w[j] = prod;
        } else {
          const old = w[j];
          w[j] = ${add('old', 'prod')};
        }
      }
    }
    if (n > 1) touched.subarray(0, n).sort();
    if (nnz + n > cap) {
      const next = Math.max(cap * 2, nnz + n);
      const nextCols = new Int32Array(next);
      nextCols.set(cols.subarray(0, nnz));
      const nextVals = ALLOC(next);
      for (let p = 0; p < nnz; p++) nextVals[p] = vals[p];
      cols = nextCols;
      vals = nextVals;
      cap = next;
    }
    for (let t = 0; t < n; t++) {
      const j = touched[t];
      cols[nnz] = j;
      vals[nnz] = w[j];
      nnz++;
    }
    rowPtr[i + 1] = nnz;
  }
  return { rowPtr, colIdx: cols.slice(0, nnz), values: vals.slice(0, nnz) };`,
};

function ewiseTemplate(name: string, union: boolean): KernelTemplate {
  const only = (side: 'a' | 'b'): string =>
    union
      ? `cols[nnz] = c${side}; vals[nnz] = ${side}Vals === null ? ${side}Pattern : ${side}Vals[p${side}]; nnz++;`
      : '';
  return {
    name,
    params: ['aRowPtr', 'aColIdx', 'aVals', 'aPattern', 'bRowPtr', 'bColIdx', 'bVals', 'bPattern', 'nrows'],
    body: (add) => `
  const cap = ${union ? 'aColIdx.length + bColIdx.length' : 'Math.min(aColIdx.length, bColIdx.length)'};
  const rowPtr = new Int32Array(nrows + 1);
  const cols = new Int32Array(cap);
  const vals = ALLOC(cap);
  let nnz = 0;
  for (let i = 0; i < nrows; i++) {
    let pa = aRowPtr[i];
    const ea = aRowPtr[i + 1];
    let pb = bRowPtr[i];
    const eb = bRowPtr[i + 1];
    while (pa < ea && pb < eb) {
      const ca = aColIdx[pa];
      const cb = bColIdx[pb];
      if (ca < cb) {
        ${only('a')}
        pa++;
      } else if (cb < ca) {
        ${only('b')}
        pb++;
      } else {
        const x = aVals === null ? aPattern : aVals[pa];
        const y = bVals === null ? bPattern : bVals[pb];
        cols[nnz] = ca;
        vals[nnz] = ${add('x', 'y')};
        nnz++;
        pa++;
        pb++;
      }
    }
    ${union ? `for (; pa < ea; pa++) { const ca = aColIdx[pa]; ${only('a')} }\n    for (; pb < eb; pb++) { const cb = bColIdx[pb]; ${only('b')} }` : ''}
    rowPtr[i + 1] = nnz;
  }
  return { rowPtr, colIdx: cols.slice(0, nnz), values: vals.slice(0, nnz) };`,
  };
}

const EWISE_UNION = ewiseTemplate('ewiseUnion', true);
const EWISE_INTERSECTION = ewiseTemplate('ewiseIntersection', false);

const DENSE_EWISE: KernelTemplate = {
  name: 'denseEwise',
  params: ['a', 'b', 'out', 'n'],
  body: (add) => `
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    out[i] = ${add('x', 'y')};
  }`,
};

const REDUCE_ROWS: KernelTemplate = {
  name: 'reduceRows',
  params: ['rowPtr', 'vals', 'nrows'],
  body: (add) => `
  const out = ALLOC(nrows);
  for (let i = 0; i < nrows; i++) {
    const s = rowPtr[i];
    const e = rowPtr[i + 1];
    let acc = ZERO;
    for (let p = s; p < e; p++) {
      const v = vals === null ? ONE : vals[p];
      acc = ${add('acc', 'v')};
    }
    out[i] = acc;
  }
  return out;`,
};

const REDUCE_ALL: KernelTemplate = {
  name: 'reduceAll',
  params: ['vals', 'count'],
  body: (add) => `
  let acc = ZERO;
  for (let p = 0; p < count; p++) {
    const v = vals === null ? ONE : vals[p];
    acc = ${add('acc', 'v')};
  }
  return acc;`,
};

const WRITEBACK: KernelTemplate = {
  name: 'writeback',
  params: [
    'wRowPtr', 'wColIdx', 'wVals', 'wPattern',
    'tRowPtr', 'tColIdx', 'tVals', 'tPattern',
    'mRowPtr', 'mColIdx', 'mVals', 'maskMode', 'structural',
    'hasAccum', 'replace', 'nrows', 'ncols',
  ],
  body: (add) => `
  const mbits = maskMode === 0 ? null : new Uint8Array(ncols);
  const flip = maskMode === 2 ? 1 : 0;
  const cap = wColIdx.length + tColIdx.length;
  const rowPtr = new Int32Array(nrows + 1);
  const cols = new Int32Array(cap);
  const vals = ALLOC(cap);
  let nnz = 0;
  for (let i = 0; i < nrows; i++) {
    if (mbits !== null) {
      const em = mRowPtr[i + 1];
      for (let p = mRowPtr[i]; p < em; p++) {
        if (structural || mVals === null || mVals[p]) mbits[mColIdx[p]] = 1;
      }
    }
    let pw = wRowPtr[i];
    const ew = wRowPtr[i + 1];
    let pt = tRowPtr[i];
    const et = tRowPtr[i + 1];
    while (pw < ew || pt < et) {
      const cw = pw < ew ? wColIdx[pw] : ncols;
      const ct = pt < et ? tColIdx[pt] : ncols;
      let j = 0;
      let wHas = false;
      let tHas = false;
      let wv;
      let tv;
      if (cw <= ct) { j = cw; wHas = true; wv = wVals === null ? wPattern : wVals[pw]; pw++; }
      if (ct <= cw) { j = ct; tHas = true; tv = tVals === null ? tPattern : tVals[pt]; pt++; }
      const allowed = mbits === null || (mbits[j] ^ flip) === 1;
      if (allowed) {
        if (tHas) {
          cols[nnz] = j;
          vals[nnz] = hasAccum && wHas ? ${add('wv', 'tv')} : tv;
          nnz++;
        } else if (hasAccum) {
          cols[nnz] = j;
          vals[nnz] = wv;
          nnz++;
        }
      } else if (wHas && !replace) {
        cols[nnz] = j;
        vals[nnz] = wv;
        nnz++;
      }
    }
    if (mbits !== null) {
      const em = mRowPtr[i + 1];
      for (let p = mRowPtr[i]; p < em; p++) mbits[mColIdx[p]] = 0;
    }
    rowPtr[i + 1] = nnz;
  }
  return { rowPtr, colIdx: cols.slice(0, nnz), values: vals.slice(0, nnz) };`,
};

const DENSE_ACCUMULATE: KernelTemplate = {
  name: 'denseAccumulate',
  params: ['w', 't', 'n', 'mask', 'complement'],
  body: (add) => `
  const flip = complement ? 1 : 0;
  for (let i = 0; i < n; i++) {
    if (mask !== null && ((mask[i] !== 0 ? 1 : 0) ^ flip) === 0) continue;
    const a = w[i];
    const b = t[i];
    w[i] = ${add('a', 'b')};
  }`,
};

// ---- typed entry points ----------------------------------------------------------------------

type SpmvKernel = (
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: ValueArray<unknown> | null,
  x: ValueArray<unknown>,
  y: ValueArray<unknown>,
  nrows: number,
  mask: Uint8Array | null,
  complement: boolean,
) => void;

type SpmspvKernel = (
  rowPtr: Int32Array,
  colIdx: Int32Array,
  values: ValueArray<unknown> | null,
  xIdx: Int32Array,
  xVal: ValueArray<unknown>,
  count: number,
  w: ValueArray<unknown>,
  mark: Uint8Array,
  touched: Int32Array,
) => number;

/** Result arrays of a kernel that builds a CSR. */
export interface CsrParts<T> {
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: ValueArray<T>;
}

/** Pull y = A ⊗ x over any storage (the generic path of mxv/vxm on dense vectors). */
export function spmvAny<T>(
  semiring: Semiring<T>,
  f64: boolean,
  a: CsrOf<T>,
  x: ValueArray<T>,
  y: ValueArray<T>,
  mask: Uint8Array | null,
  complement: boolean,
): void {
  semiringKernel<SpmvKernel, T>(SPMV, semiring, f64)(a.rowPtr, a.colIdx, a.values, x, y, a.nrows, mask, complement);
}

/**
 * Sparse x times a CSR whose rows are x's indices, with structure: `w`, `mark`, `touched` have
 * ncols entries; returns how many columns were touched (listed, unsorted, in `touched`).
 * `vectorLeft` picks x ⊗ a (vxm) over a ⊗ x (mxv through the transpose).
 */
export function spmspvAny<T>(
  semiring: Semiring<T>,
  f64: boolean,
  vectorLeft: boolean,
  a: CsrOf<T>,
  xIdx: Int32Array,
  xVal: ValueArray<T>,
  count: number,
  w: ValueArray<T>,
  mark: Uint8Array,
  touched: Int32Array,
): number {
  const kernel = semiringKernel<SpmspvKernel, T>(vectorLeft ? SPMSPV_XA : SPMSPV_AX, semiring, f64);
  return kernel(a.rowPtr, a.colIdx, a.values, xIdx, xVal, count, w, mark, touched);
}

/** Gustavson's row-by-row product C = A ⊕.⊗ B with a dense accumulator. */
export function mxmAny<T>(semiring: Semiring<T>, f64: boolean, a: CsrOf<T>, b: CsrOf<T>): CsrParts<T> {
  const kernel = semiringKernel<
    (...args: unknown[]) => CsrParts<T>,
    T
  >(MXM, semiring, f64);
  return kernel(a.rowPtr, a.colIdx, a.values, b.rowPtr, b.colIdx, b.values, a.nrows, b.ncols);
}

/** Union (`union`) or intersection of two same-shaped CSRs, combining shared entries with `op`. */
export function ewiseAny<T>(
  op: BinaryOp<T>,
  slot: 'add' | 'mul',
  f64: boolean,
  union: boolean,
  a: CsrOf<T>,
  aPattern: T,
  b: CsrOf<T>,
  bPattern: T,
): CsrParts<T> {
  const kernel = binaryKernel<(...args: unknown[]) => CsrParts<T>, T>(
    union ? EWISE_UNION : EWISE_INTERSECTION,
    op,
    slot,
    f64,
  );
  return kernel(a.rowPtr, a.colIdx, a.values, aPattern, b.rowPtr, b.colIdx, b.values, bPattern, a.nrows);
}

/** out[i] = a[i] op b[i] for dense arrays. */
export function denseEwiseAny<T>(
  op: BinaryOp<T>,
  slot: 'add' | 'mul',
  f64: boolean,
  a: ValueArray<T>,
  b: ValueArray<T>,
  out: ValueArray<T>,
  n: number,
): void {
  binaryKernel<(...args: unknown[]) => void, T>(DENSE_EWISE, op, slot, f64)(a, b, out, n);
}

/** ⊕ of each row (the semiring's zero for an empty row). */
export function reduceRowsAny<T>(semiring: Semiring<T>, f64: boolean, a: CsrOf<T>): ValueArray<T> {
  return semiringKernel<(...args: unknown[]) => ValueArray<T>, T>(REDUCE_ROWS, semiring, f64)(
    a.rowPtr,
    a.values,
    a.nrows,
  );
}

/** ⊕ of the first `count` values (`values` null: `count` ones). */
export function reduceAllAny<T>(semiring: Semiring<T>, f64: boolean, values: ValueArray<T> | null, count: number): T {
  return semiringKernel<(...args: unknown[]) => T, T>(REDUCE_ALL, semiring, f64)(values, count);
}

/** Mask applied with the semantics of GraphBLAS: 0 none, 1 the mask, 2 its complement. */
export type MaskMode = 0 | 1 | 2;

/**
 * GraphBLAS write-back of a computed result T into the old output W under a mask, an optional
 * accumulator (`accum` null: none) and replace; returns the new output's CSR parts.
 */
export function writebackAny<T>(
  accum: BinaryOp<T> | null,
  f64: boolean,
  w: CsrOf<T>,
  wPattern: T,
  t: CsrOf<T>,
  tPattern: T,
  mask: CsrOf<unknown> | null,
  maskMode: MaskMode,
  structural: boolean,
  replace: boolean,
): CsrParts<T> {
  const kernel = binaryKernel<(...args: unknown[]) => CsrParts<T>, T>(WRITEBACK, accum ?? NO_ACCUM, 'add', f64);
  return kernel(
    w.rowPtr, w.colIdx, w.values, wPattern,
    t.rowPtr, t.colIdx, t.values, tPattern,
    mask?.rowPtr ?? null, mask?.colIdx ?? null, mask?.values ?? null,
    mask === null ? 0 : maskMode, structural,
    accum !== null, replace, t.nrows, t.ncols,
  );
}

/** w[i] = w[i] accum t[i] over the rows a mask allows (dense vectors). */
export function denseAccumulateAny<T>(
  accum: BinaryOp<T>,
  f64: boolean,
  w: ValueArray<T>,
  t: ValueArray<T>,
  n: number,
  mask: Uint8Array | null,
  complement: boolean,
): void {
  binaryKernel<(...args: unknown[]) => void, T>(DENSE_ACCUMULATE, accum, 'add', f64)(w, t, n, mask, complement);
}

/** Stand-in operator for write-backs without an accumulator (never called). */
function NO_ACCUM<T>(_a: T, b: T): T {
  return b;
}
