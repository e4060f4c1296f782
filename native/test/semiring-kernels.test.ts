import fc from 'fast-check';
import { describe, expect, test } from 'vitest';

import {
  type CsrArrays,
  NativeError,
  nativeSemiringKernels,
  SEMIRING_OPS,
  type SemiringKernels,
  semiringKernels,
  type SemiringOp,
  tsSemiringKernels,
} from '../src/index.js';
import { atSimdLevel, SIMD_LEVELS } from './support/simd.js';

// ---------------------------------------------------------------- a reference by the definition
// A generic ⊕/⊗ per op, written straight from the contract (src/api.ts), with closures per element:
// slow and obviously right. The twin's hand-specialised loops are checked against it bit for bit.

interface Semiring {
  readonly zero: number;
  readonly one: number;
  add(a: number, b: number): number;
  mul(a: number, b: number): number;
}

function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  if (a === b) return a + Math.LN2;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

const DEFINITION: Record<SemiringOp, Semiring> = {
  'or-and': { zero: 0, one: 1, add: (a, b) => (a !== 0 || b !== 0 ? 1 : 0), mul: (a, b) => (a !== 0 && b !== 0 ? 1 : 0) },
  'plus-times': { zero: 0, one: 1, add: (a, b) => a + b, mul: (a, b) => a * b },
  'min-plus': { zero: Infinity, one: 0, add: Math.min, mul: (a, b) => a + b },
  'max-plus': { zero: -Infinity, one: 0, add: Math.max, mul: (a, b) => a + b },
  'max-times': { zero: 0, one: 1, add: Math.max, mul: (a, b) => a * b },
  'max-min': { zero: -Infinity, one: Infinity, add: Math.max, mul: Math.min },
  'log-plus': { zero: -Infinity, one: 0, add: logAddExp, mul: (a, b) => a + b },
};

function referenceSpmv(op: SemiringOp, a: CsrArrays, x: Float64Array, y: Float64Array, mask: Uint8Array | null, complement: boolean): void {
  const s = DEFINITION[op];
  for (let i = 0; i < a.nrows; i++) {
    if (mask !== null && (mask[i] !== 0) === complement) continue;
    let acc = s.zero;
    for (let k = a.rowPtr[i] ?? 0; k < (a.rowPtr[i + 1] ?? 0); k++) {
      acc = s.add(acc, s.mul(a.values === null ? s.one : (a.values[k] ?? 0), x[a.colIdx[k] ?? 0] ?? 0));
    }
    y[i] = acc;
  }
}

function referencePush(
  op: SemiringOp,
  a: CsrArrays,
  xIndices: Int32Array,
  xValues: Float64Array,
  count: number,
  y: Float64Array,
  mark: Uint8Array,
  changed: Int32Array,
): number {
  const s = DEFINITION[op];
  let n = 0;
  for (let t = 0; t < count; t++) {
    const i = xIndices[t] ?? 0;
    for (let k = a.rowPtr[i] ?? 0; k < (a.rowPtr[i + 1] ?? 0); k++) {
      const j = a.colIdx[k] ?? 0;
      const old = y[j] ?? 0;
      const next = s.add(old, s.mul(xValues[t] ?? 0, a.values === null ? s.one : (a.values[k] ?? 0)));
      if (Object.is(next, old)) continue;
      y[j] = next;
      if (mark[j] === 0) {
        mark[j] = 1;
        changed[n++] = j;
      }
    }
  }
  return n;
}

// ---------------------------------------------------------------- inputs

// Values that exercise every special case: signed zeros, infinities, NaN, ties, and plain numbers.
const SPECIAL = [0, -0, 1, -1, 0.5, 2, Infinity, -Infinity, Number.NaN, 1e-300, -3.25, 7];
const arbValue = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 3, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
);

interface Case {
  readonly a: CsrArrays;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly mask: Uint8Array | null;
  readonly complement: boolean;
}

/** A CSR matrix up to `maxRows` × `maxCols` with up to 12 entries a row (duplicates allowed), empty rows included. */
function arbCsr(maxRows: number, maxCols: number, pattern?: boolean): fc.Arbitrary<CsrArrays> {
  return fc
    .tuple(fc.integer({ min: 0, max: maxRows }), fc.integer({ min: 1, max: maxCols }), pattern === undefined ? fc.boolean() : fc.constant(pattern))
    .chain(([nrows, ncols, isPattern]) =>
      fc.array(fc.array(fc.tuple(fc.nat({ max: ncols - 1 }), arbValue), { maxLength: 12 }), { minLength: nrows, maxLength: nrows }).map((rows) => {
        const rowPtr = new Int32Array(nrows + 1);
        rows.forEach((r, i) => (rowPtr[i + 1] = (rowPtr[i] ?? 0) + r.length));
        const entries = rows.flat();
        return {
          nrows,
          ncols,
          rowPtr,
          colIdx: Int32Array.from(entries, ([c]) => c),
          values: isPattern ? null : Float64Array.from(entries, ([, v]) => v),
        };
      }),
    );
}

function arbCase(maxRows = 24, maxCols = 24): fc.Arbitrary<Case> {
  return arbCsr(maxRows, maxCols).chain((a) =>
    fc.record({
      a: fc.constant(a),
      x: fc.array(arbValue, { minLength: a.ncols, maxLength: a.ncols }).map((v) => Float64Array.from(v)),
      y: fc.array(arbValue, { minLength: a.nrows, maxLength: a.nrows }).map((v) => Float64Array.from(v)),
      mask: fc.option(fc.uint8Array({ minLength: a.nrows, maxLength: a.nrows, max: 2 }), { nil: null }),
      complement: fc.boolean(),
    }),
  );
}

/** Bit patterns, with every NaN written as one (the contract leaves a NaN's sign and payload open). */
function bits(v: Float64Array): bigint[] {
  const out: bigint[] = [];
  const view = new BigUint64Array(v.buffer, v.byteOffset, v.length);
  for (let i = 0; i < v.length; i++) out.push(Number.isNaN(v[i]) ? 0x7ff8000000000000n : (view[i] ?? 0n));
  return out;
}

/** Equal up to a relative 1e-12 (log-plus, where libms may differ in the last ulp), NaN matching NaN. */
function expectClose(got: Float64Array, want: Float64Array): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const g = got[i] ?? 0;
    const w = want[i] ?? 0;
    if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    expect(Math.abs(g - w)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(w)));
  }
}

function runSpmv(k: SemiringKernels, op: SemiringOp, c: Case): Float64Array {
  const y = c.y.slice();
  k.spmv(op, c.a, c.x, y, c.mask, c.complement);
  return y;
}

interface PushResult {
  readonly y: Float64Array;
  readonly mark: Uint8Array;
  readonly changed: number[];
}

interface PushCase {
  readonly a: CsrArrays;
  readonly xIndices: Int32Array;
  readonly xValues: Float64Array;
  readonly y: Float64Array;
  readonly mark: Uint8Array;
}

function arbPushCase(): fc.Arbitrary<PushCase> {
  return arbCsr(16, 24)
    .filter((a) => a.nrows > 0)
    .chain((a) =>
      fc
        .array(fc.tuple(fc.nat({ max: a.nrows - 1 }), arbValue), { maxLength: 10 })
        .chain((sources) =>
          fc.record({
            a: fc.constant(a),
            xIndices: fc.constant(Int32Array.from(sources, ([i]) => i)),
            xValues: fc.constant(Float64Array.from(sources, ([, v]) => v)),
            y: fc.array(arbValue, { minLength: a.ncols, maxLength: a.ncols }).map((v) => Float64Array.from(v)),
            mark: fc.uint8Array({ minLength: a.ncols, maxLength: a.ncols, max: 1 }),
          }),
        ),
    );
}

type Push = SemiringKernels['spmspvPush'];

function runPush(push: Push, op: SemiringOp, c: PushCase): PushResult {
  const y = c.y.slice();
  const mark = c.mark.slice();
  const changed = new Int32Array(c.a.ncols).fill(-1);
  const n = push(op, c.a, c.xIndices, c.xValues, c.xIndices.length, y, mark, changed);
  return { y, mark, changed: [...changed.subarray(0, n)] };
}

// ---------------------------------------------------------------- the twin against the definition

describe('tsSemiringKernels', () => {
  test.each(SEMIRING_OPS)('spmv %s equals the definition bit for bit, with and without masks', (op) => {
    fc.assert(
      fc.property(arbCase(), (c) => {
        const want = c.y.slice();
        referenceSpmv(op, c.a, c.x, want, c.mask, c.complement);
        expect(bits(runSpmv(tsSemiringKernels, op, c))).toEqual(bits(want));
      }),
    );
  });

  // An x with only finite values takes the branch-free min/max loops; signed zeros, overflow to ±∞
  // and non-finite weights must still come out as the definition says.
  const arbFiniteValue = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(0, -0, 1, -1, 0.5, 1e-300, -3.25, Number.MAX_VALUE, -Number.MAX_VALUE) },
    { weight: 3, arbitrary: fc.double({ min: -10, max: 10, noNaN: true }) },
  );
  test.each(SEMIRING_OPS)('spmv %s over a finite x equals the definition bit for bit', (op) => {
    const arbFiniteCase = arbCase().chain((c) =>
      fc.array(arbFiniteValue, { minLength: c.a.ncols, maxLength: c.a.ncols }).map((x) => ({ ...c, x: Float64Array.from(x) })),
    );
    fc.assert(
      fc.property(arbFiniteCase, (c) => {
        const want = c.y.slice();
        referenceSpmv(op, c.a, c.x, want, c.mask, c.complement);
        expect(bits(runSpmv(tsSemiringKernels, op, c))).toEqual(bits(want));
      }),
      { numRuns: 300 },
    );
    // Few distinct values, so that rows often reduce to a signed zero.
    const zeros = fc.constantFrom(0, -0, 1, -1);
    const arbZeroCase = arbCase(8, 8).chain((c) =>
      fc
        .tuple(
          fc.array(zeros, { minLength: c.a.ncols, maxLength: c.a.ncols }),
          fc.array(zeros, { minLength: c.a.colIdx.length, maxLength: c.a.colIdx.length }),
        )
        .map(([x, v]) => ({ ...c, a: { ...c.a, values: c.a.values === null ? null : Float64Array.from(v) }, x: Float64Array.from(x) })),
    );
    fc.assert(
      fc.property(arbZeroCase, (c) => {
        const want = c.y.slice();
        referenceSpmv(op, c.a, c.x, want, c.mask, c.complement);
        expect(bits(runSpmv(tsSemiringKernels, op, c))).toEqual(bits(want));
      }),
      { numRuns: 300 },
    );
  });

  test.each(SEMIRING_OPS)('spmspvPush %s equals the definition: y, marks and the change list in order', (op) => {
    fc.assert(
      fc.property(arbPushCase(), (c) => {
        const want = runPush(referencePush, op, c);
        const got = runPush(tsSemiringKernels.spmspvPush, op, c);
        expect(bits(got.y)).toEqual(bits(want.y));
        expect([...got.mark]).toEqual([...want.mark]);
        expect(got.changed).toEqual(want.changed);
      }),
    );
  });

  test('min and max follow Math.min/Math.max: NaN wins and -0 < +0, whatever the order', () => {
    const a: CsrArrays = { nrows: 3, ncols: 3, rowPtr: Int32Array.of(0, 2, 4, 6), colIdx: Int32Array.of(0, 1, 1, 0, 2, 0), values: null };
    const x = Float64Array.of(0, -0, Number.NaN);
    const y = new Float64Array(3);
    tsSemiringKernels.spmv('max-times', a, x, y);
    expect([...y]).toEqual([0, 0, Number.NaN]);
    expect(Object.is(y[0], 0) && Object.is(y[1], 0)).toBe(true);
    tsSemiringKernels.spmv('max-min', a, x, y);
    expect(Object.is(y[0], 0) && Object.is(y[1], 0)).toBe(true);
    tsSemiringKernels.spmv('min-plus', { ...a, values: Float64Array.of(-0, -0, -0, -0, 1, 1) }, x, y);
    expect(Object.is(y[0], -0) && Object.is(y[1], -0)).toBe(true);
    expect(y[2]).toBeNaN();
  });

  test('an empty row gets the semiring zero, and a forbidden row keeps its value', () => {
    const a: CsrArrays = { nrows: 2, ncols: 1, rowPtr: Int32Array.of(0, 0, 0), colIdx: new Int32Array(0), values: new Float64Array(0) };
    const zeros: Record<SemiringOp, number> = {
      'or-and': 0,
      'plus-times': 0,
      'min-plus': Infinity,
      'max-plus': -Infinity,
      'max-times': 0,
      'max-min': -Infinity,
      'log-plus': -Infinity,
    };
    for (const op of SEMIRING_OPS) {
      const y = Float64Array.of(5, 5);
      tsSemiringKernels.spmv(op, a, Float64Array.of(1), y, Uint8Array.of(1, 0));
      expect([...y]).toEqual([zeros[op], 5]);
      tsSemiringKernels.spmv(op, a, Float64Array.of(1), y.fill(5), Uint8Array.of(1, 0), true);
      expect([...y]).toEqual([5, zeros[op]]);
    }
  });

  test('or-and reads any non-zero, NaN included, as true and writes 0 or 1', () => {
    const a: CsrArrays = { nrows: 2, ncols: 2, rowPtr: Int32Array.of(0, 1, 2), colIdx: Int32Array.of(0, 1), values: Float64Array.of(Number.NaN, 3) };
    const y = new Float64Array(2);
    tsSemiringKernels.spmv('or-and', a, Float64Array.of(-2, 0), y);
    expect([...y]).toEqual([1, 0]);
  });

  test('spmspvPush appends a column once, in the order of its first change, and skips marked ones', () => {
    // Two sources reach column 1; column 2 is already marked; column 0 does not improve.
    const a: CsrArrays = { nrows: 2, ncols: 3, rowPtr: Int32Array.of(0, 2, 4), colIdx: Int32Array.of(1, 0, 1, 2), values: Float64Array.of(1, 9, 1, 1) };
    const y = Float64Array.of(5, Infinity, Infinity);
    const mark = Uint8Array.of(0, 0, 1);
    const changed = new Int32Array(3);
    const n = tsSemiringKernels.spmspvPush('min-plus', a, Int32Array.of(0, 1), Float64Array.of(2, 0), 2, y, mark, changed);
    expect(n).toBe(1);
    expect([...changed.subarray(0, n)]).toEqual([1]);
    expect([...y]).toEqual([5, 1, 1]);
    expect([...mark]).toEqual([0, 1, 1]);
  });
});

// ---------------------------------------------------------------- errors, in both implementations

const implementations: [string, SemiringKernels][] = [['ts', tsSemiringKernels]];
if (nativeSemiringKernels !== null) implementations.push(['native', nativeSemiringKernels]);

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NativeError);
    return (error as NativeError).code;
  }
  return 'no error';
}

function goodMatrix(): CsrArrays {
  return { nrows: 3, ncols: 4, rowPtr: Int32Array.of(0, 2, 2, 4), colIdx: Int32Array.of(0, 3, 1, 2), values: Float64Array.of(1, 2, 3, 4) };
}

describe.each(implementations)('%s semiring kernels refuse bad arguments and write nothing', (_name, k) => {
  const spmvCases: [string, string, (a: CsrArrays, x: Float64Array, y: Float64Array) => void][] = [
    ['an unknown op', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-max' as SemiringOp, a, x, y)],
    ['a not an object', 'INVALID_ARGUMENT', (_a, x, y) => k.spmv('min-plus', null as unknown as CsrArrays, x, y)],
    ['a fractional nrows', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-plus', { ...a, nrows: 2.5 }, x, y)],
    ['a missing ncols', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-plus', { ...a, ncols: undefined as unknown as number }, x, y)],
    ['rowPtr of the wrong type', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-plus', { ...a, rowPtr: Uint32Array.of(0, 2, 2, 4) as unknown as Int32Array }, x, y)],
    ['values of the wrong type', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-plus', { ...a, values: Float32Array.of(1, 2, 3, 4) as unknown as Float64Array }, x, y)],
    ['rowPtr one short', 'LENGTH_MISMATCH', (a, x, y) => k.spmv('min-plus', { ...a, rowPtr: Int32Array.of(0, 2, 2) }, x, y)],
    ['colIdx longer than rowPtr[nrows]', 'LENGTH_MISMATCH', (a, x, y) => k.spmv('min-plus', { ...a, colIdx: Int32Array.of(0, 3, 1, 2, 0) }, x, y)],
    ['values shorter than rowPtr[nrows]', 'LENGTH_MISMATCH', (a, x, y) => k.spmv('min-plus', { ...a, values: Float64Array.of(1) }, x, y)],
    ['x of the wrong length', 'LENGTH_MISMATCH', (a, _x, y) => k.spmv('min-plus', a, new Float64Array(3), y)],
    ['y of the wrong length', 'LENGTH_MISMATCH', (a, x) => k.spmv('min-plus', a, x, new Float64Array(4))],
    ['a mask of the wrong length', 'LENGTH_MISMATCH', (a, x, y) => k.spmv('min-plus', a, x, y, new Uint8Array(2))],
    ['a mask of the wrong type', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-plus', a, x, y, [1, 1, 1] as unknown as Uint8Array)],
    ['a non-boolean complement', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-plus', a, x, y, null, 1 as unknown as boolean)],
    ['rowPtr not starting at 0', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-plus', { ...a, rowPtr: Int32Array.of(1, 2, 2, 4), colIdx: a.colIdx }, x, y)],
    ['a decreasing rowPtr', 'INVALID_ARGUMENT', (a, x, y) => k.spmv('min-plus', { ...a, rowPtr: Int32Array.of(0, 3, 1, 4) }, x, y)],
    ['a column past ncols', 'INDEX_OUT_OF_RANGE', (a, x, y) => k.spmv('min-plus', { ...a, colIdx: Int32Array.of(0, 3, 1, 4) }, x, y)],
    ['a negative column', 'INDEX_OUT_OF_RANGE', (a, x, y) => k.spmv('plus-times', { ...a, colIdx: Int32Array.of(0, -1, 1, 2) }, x, y)],
    ['a bad column in a row the mask allows', 'INDEX_OUT_OF_RANGE', (a, x, y) => k.spmv('min-plus', { ...a, colIdx: Int32Array.of(0, 3, 1, 9) }, x, y, Uint8Array.of(0, 0, 1))],
  ];

  test.each(spmvCases)('spmv with %s throws %s and leaves y as it was', (_what, code, run) => {
    const y = Float64Array.of(7, 8, 9);
    const x = new Float64Array(4);
    expect(codeOf(() => run(goodMatrix(), x, y))).toBe(code);
    expect([...y]).toEqual([7, 8, 9]);
  });

  test('spmv refuses x and y that share memory, and skips bad columns of rows the mask forbids', () => {
    const buffer = new Float64Array(8);
    const a: CsrArrays = { nrows: 4, ncols: 4, rowPtr: Int32Array.of(0, 0, 0, 0, 0), colIdx: new Int32Array(0), values: null };
    expect(codeOf(() => k.spmv('min-plus', a, buffer.subarray(0, 4), buffer.subarray(3, 7)))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => k.spmv('min-plus', a, buffer.subarray(0, 4), buffer.subarray(4, 8)))).toBe('no error');
    const y = Float64Array.of(7, 8, 9);
    k.spmv('min-plus', { ...goodMatrix(), colIdx: Int32Array.of(0, 3, 1, 9) }, Float64Array.of(1, 2, 3, 4), y, Uint8Array.of(1, 1, 0));
    expect([...y]).toEqual([2, Infinity, 9]);
  });

  const pushCases: [string, string, (a: CsrArrays, y: Float64Array, mark: Uint8Array) => unknown][] = [
    ['an unknown op', 'INVALID_ARGUMENT', (a, y, m) => k.spmspvPush('max' as SemiringOp, a, Int32Array.of(0), Float64Array.of(1), 1, y, m, new Int32Array(4))],
    ['a source row past nrows', 'INDEX_OUT_OF_RANGE', (a, y, m) => k.spmspvPush('min-plus', a, Int32Array.of(0, 3), Float64Array.of(1, 1), 2, y, m, new Int32Array(4))],
    ['a count past xValues', 'INVALID_ARGUMENT', (a, y, m) => k.spmspvPush('min-plus', a, Int32Array.of(0, 1), Float64Array.of(1), 2, y, m, new Int32Array(4))],
    ['a fractional count', 'INVALID_ARGUMENT', (a, y, m) => k.spmspvPush('min-plus', a, Int32Array.of(0, 1), Float64Array.of(1, 1), 1.5, y, m, new Int32Array(4))],
    ['changed too short', 'LENGTH_MISMATCH', (a, y, m) => k.spmspvPush('min-plus', a, Int32Array.of(0), Float64Array.of(1), 1, y, m, new Int32Array(3))],
    ['mark of the wrong length', 'LENGTH_MISMATCH', (a, y) => k.spmspvPush('min-plus', a, Int32Array.of(0), Float64Array.of(1), 1, y, new Uint8Array(3), new Int32Array(4))],
    ['y of the wrong length', 'LENGTH_MISMATCH', (a, _y, m) => k.spmspvPush('min-plus', a, Int32Array.of(0), Float64Array.of(1), 1, new Float64Array(3), m, new Int32Array(4))],
    ['xIndices of the wrong type', 'INVALID_ARGUMENT', (a, y, m) => k.spmspvPush('min-plus', a, [0] as unknown as Int32Array, Float64Array.of(1), 1, y, m, new Int32Array(4))],
    ['a bad column in a row it reads', 'INDEX_OUT_OF_RANGE', (a, y, m) => k.spmspvPush('min-plus', { ...a, colIdx: Int32Array.of(0, 3, 1, 4) }, Int32Array.of(0, 2), Float64Array.of(1, 1), 2, y, m, new Int32Array(4))],
    ['a row that runs past colIdx', 'INVALID_ARGUMENT', (a, y, m) => k.spmspvPush('min-plus', { ...a, rowPtr: Int32Array.of(0, 2, 9, 4) }, Int32Array.of(1), Float64Array.of(1), 1, y, m, new Int32Array(4))],
  ];

  test.each(pushCases)('spmspvPush with %s throws %s and changes neither y nor mark', (_what, code, run) => {
    const y = Float64Array.of(9, 9, 9, 9);
    const mark = new Uint8Array(4);
    expect(codeOf(() => run(goodMatrix(), y, mark))).toBe(code);
    expect([...y]).toEqual([9, 9, 9, 9]);
    expect([...mark]).toEqual([0, 0, 0, 0]);
  });

  test('spmspvPush reads only the rows it pushes: a bad row elsewhere is not its business', () => {
    const y = Float64Array.of(9, 9, 9, 9);
    const n = k.spmspvPush('min-plus', { ...goodMatrix(), colIdx: Int32Array.of(0, 3, 1, 99) }, Int32Array.of(0), Float64Array.of(1), 1, y, new Uint8Array(4), new Int32Array(4));
    expect(n).toBe(2);
    expect([...y]).toEqual([2, 9, 9, 3]);
  });
});

// ---------------------------------------------------------------- native against the twin

describe.runIf(nativeSemiringKernels !== null).each(SIMD_LEVELS)('native semiring kernels at SIMD level %s match the TS twin', (level) => {
  const native = nativeSemiringKernels as SemiringKernels;

  test.each(SEMIRING_OPS)('spmv %s matches bit for bit (log-plus to 1e-12) on random matrices, masks and special values', (op) => {
    atSimdLevel(level, () => {
      fc.assert(
        fc.property(arbCase(40, 40), (c) => {
          const want = runSpmv(tsSemiringKernels, op, c);
          const got = runSpmv(native, op, c);
          if (op === 'log-plus') expectClose(got, want);
          else expect(bits(got)).toEqual(bits(want));
        }),
        { numRuns: 150 },
      );
    });
  });

  test.each(SEMIRING_OPS)('spmspvPush %s matches: y, marks, the change list and its length', (op) => {
    atSimdLevel(level, () => {
      fc.assert(
        fc.property(arbPushCase(), (c) => {
          const want = runPush(tsSemiringKernels.spmspvPush, op, c);
          const got = runPush(native.spmspvPush, op, c);
          if (op === 'log-plus') {
            expectClose(got.y, want.y);
          } else {
            expect(bits(got.y)).toEqual(bits(want.y));
            expect(got.changed).toEqual(want.changed);
            expect([...got.mark]).toEqual([...want.mark]);
          }
        }),
        { numRuns: 100 },
      );
    });
  });

  test('spmv matches on a seeded 3000 × 3000 matrix with long rows, every op, pattern and valued', () => {
    let seed = 0x2545f491;
    const next = (): number => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return seed >>> 0;
    };
    const n = 3000;
    const rowPtr = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) rowPtr[i + 1] = (rowPtr[i] ?? 0) + (next() % 61);
    const nnz = rowPtr[n] ?? 0;
    const colIdx = Int32Array.from({ length: nnz }, () => next() % n);
    const values = Float64Array.from({ length: nnz }, () => next() / 2 ** 31 - 1);
    const x = Float64Array.from({ length: n }, () => next() / 2 ** 32);
    atSimdLevel(level, () => {
      for (const op of SEMIRING_OPS) {
        for (const vals of [values, null]) {
          const a: CsrArrays = { nrows: n, ncols: n, rowPtr, colIdx, values: vals };
          const c: Case = { a, x, y: new Float64Array(n), mask: null, complement: false };
          const want = runSpmv(tsSemiringKernels, op, c);
          const got = runSpmv(native, op, c);
          if (op === 'log-plus') expectClose(got, want);
          else expect(bits(got)).toEqual(bits(want));
        }
      }
    });
  });
});

describe('semiringKernels', () => {
  test('is the native set when the binary loaded, the twin otherwise', () => {
    expect(semiringKernels).toBe(nativeSemiringKernels ?? tsSemiringKernels);
  });
});
