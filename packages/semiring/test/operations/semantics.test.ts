import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  apply,
  DenseVector,
  ewiseAdd,
  ewiseMult,
  minPlusSemiring,
  mxm,
  mxv,
  plusTimesSemiring,
  reduceRows,
  reduceToScalar,
  SparseMatrix,
  SparseVector,
  transpose,
  vxm,
} from '../../src/index.js';
import type { BinaryOp, MatrixOutputOptions, VectorOutputOptions } from '../../src/index.js';
import {
  asColumnMatrix,
  asRowMatrix,
  keyed,
  matrixMaskKeys,
  matrixToMap,
  refMxm,
  sortedEntries,
  vectorMaskKeys,
  vectorToMap,
  writeback,
} from './reference.js';
import type { RefOutput } from './reference.js';

const s = plusTimesSemiring;
const value = fc.integer({ min: 0, max: 5 }); // 0 included: value masks must skip explicit zeros

function arbMatrix(n: number, m: number): fc.Arbitrary<SparseMatrix<number>> {
  return fc
    .array(fc.tuple(fc.nat(n - 1), fc.nat(m - 1), value), { maxLength: n * m })
    .map((es) =>
      SparseMatrix.fromEdges(s, { nrows: n, ncols: m, rows: es.map((e) => e[0]), cols: es.map((e) => e[1]), values: es.map((e) => e[2]) }, { duplicates: (_a, b) => b }),
    );
}

function arbSparse(n: number): fc.Arbitrary<SparseVector<number>> {
  return fc
    .array(fc.tuple(fc.nat(n - 1), value), { maxLength: n })
    .map((es) => SparseVector.fromEntries(s, n, es.map((e) => e[0]), es.map((e) => e[1]), (_a, b) => b));
}

const dims = fc.integer({ min: 1, max: 6 });
const accumChoice = fc.constantFrom<'none' | 'min' | 'minus'>('none', 'min', 'minus');
const flags = fc.record({ useOut: fc.boolean(), useMask: fc.boolean(), structural: fc.boolean(), complement: fc.boolean(), replace: fc.boolean(), accum: accumChoice });
type Flags = typeof flags extends fc.Arbitrary<infer F> ? F : never;

// 'minus' is not commutative, so it proves the order w accum t.
const minus = (a: number, b: number): number => a - b;
function accumOf(choice: Flags['accum']): BinaryOp<number> | null {
  return choice === 'none' ? null : choice === 'min' ? minPlusSemiring : minus;
}
function refAccum(choice: Flags['accum']): RefOutput['accum'] {
  return choice === 'none' ? null : choice === 'min' ? Math.min : minus;
}

/** The output options of `f` (out and mask only where `f` uses them) and the reference's view of them. */
function outputCase<O, M>(f: Flags, out: O, mask: M, maskKeys: () => Set<string>): [{ out?: O; mask?: M; maskStructural: boolean; maskComplement: boolean; accum: BinaryOp<number> | null; replace: boolean }, RefOutput] {
  const options = {
    ...(f.useOut ? { out } : {}),
    ...(f.useMask ? { mask } : {}),
    maskStructural: f.structural,
    maskComplement: f.complement,
    accum: accumOf(f.accum),
    replace: f.replace,
  };
  return [options, { mask: f.useMask ? maskKeys() : null, complement: f.complement, accum: refAccum(f.accum), replace: f.replace }];
}

function matrixCase(f: Flags, out: SparseMatrix<number>, mask: SparseMatrix<number>): [MatrixOutputOptions<number>, RefOutput, Map<string, number>] {
  const [options, ref] = outputCase(f, out, mask, () => matrixMaskKeys(mask, f.structural));
  return [options, ref, f.useOut ? matrixToMap(out).cells : new Map()];
}

function vectorCase(f: Flags, out: SparseVector<number>, mask: SparseVector<number>): [VectorOutputOptions<number>, RefOutput, Map<string, number>] {
  const [options, ref] = outputCase(f, out, mask, () => vectorMaskKeys(mask, f.structural));
  return [options, ref, f.useOut ? keyed(vectorToMap(out)) : new Map()];
}

const rowKeys = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([k, v]) => [k.split(',')[1] as string, v]));
const colKeys = (m: Map<string, number>): Map<string, number> => new Map([...m].map(([k, v]) => [k.split(',')[0] as string, v]));

describe('GraphBLAS semantics against a naive reference (plus-times, mask, accumulator, replace)', () => {
  it('law: mxm = the reference product, written back under mask/accum/replace', () => {
    const arb = fc.tuple(dims, dims, dims).chain(([n, k, m]) => fc.tuple(arbMatrix(n, k), arbMatrix(k, m), arbMatrix(n, m), arbMatrix(n, m), flags));
    fc.assert(
      fc.property(arb, ([a, b, out, mask, f]) => {
        const [options, ref, w] = matrixCase(f, out, mask);
        const got = mxm(s, a, b, options);
        const want = writeback(w, refMxm(s, matrixToMap(a), matrixToMap(b)), ref);
        expect(sortedEntries(matrixToMap(got).cells)).toEqual(sortedEntries(want));
      }),
    );
  });

  it('law: mxv and vxm with a sparse u = the reference product, written back', () => {
    const arb = fc.tuple(dims, dims).chain(([n, m]) => fc.tuple(arbMatrix(n, m), arbSparse(m), arbSparse(n), arbSparse(n), arbSparse(n), arbSparse(m), arbSparse(m), flags));
    fc.assert(
      fc.property(arb, ([a, u, v, outN, maskN, outM, maskM, f]) => {
        const [o1, r1, w1] = vectorCase(f, outN, maskN);
        const got1 = mxv(s, a, u, o1);
        const want1 = writeback(w1, colKeys(refMxm(s, matrixToMap(a), asColumnMatrix(vectorToMap(u)))), r1);
        expect(sortedEntries(keyed(vectorToMap(got1)))).toEqual(sortedEntries(want1));
        const [o2, r2, w2] = vectorCase(f, outM, maskM);
        const got2 = vxm(s, v, a, o2);
        const want2 = writeback(w2, rowKeys(refMxm(s, asRowMatrix(vectorToMap(v)), matrixToMap(a))), r2);
        expect(sortedEntries(keyed(vectorToMap(got2)))).toEqual(sortedEntries(want2));
      }),
    );
  });

  it('law: mxv with a dense u = the reference, absent entries reading as zero, a dense out written in place', () => {
    const arb = fc.tuple(dims, dims).chain(([n, m]) =>
      fc.tuple(arbMatrix(n, m), fc.array(value, { minLength: m, maxLength: m }), fc.array(value, { minLength: n, maxLength: n }), arbSparse(n), flags),
    );
    fc.assert(
      fc.property(arb, ([a, uValues, outValues, mask, f]) => {
        const u = DenseVector.from(s, uValues);
        const out = DenseVector.from(s, outValues);
        const options: VectorOutputOptions<number> = {
          ...(f.useOut ? { out } : {}),
          ...(f.useMask ? { mask } : {}),
          maskStructural: f.structural,
          maskComplement: f.complement,
          accum: accumOf(f.accum),
          replace: f.replace,
        };
        const got = mxv(s, a, u, options);
        if (f.useOut) expect(got).toBe(out);
        const product = colKeys(refMxm(s, matrixToMap(a), asColumnMatrix({ size: a.ncols, cells: new Map(uValues.map((x, i) => [i, x])) })));
        const w = new Map(f.useOut ? outValues.map((x, i) => [`${i}`, x]) : []);
        const t = new Map(Array.from({ length: a.nrows }, (_, i) => [`${i}`, product.get(`${i}`) ?? 0]));
        const want = writeback(w, t, { mask: f.useMask ? vectorMaskKeys(mask, f.structural) : null, complement: f.complement, accum: refAccum(f.accum), replace: f.replace });
        const wantDense = Array.from({ length: a.nrows }, (_, i) => want.get(`${i}`) ?? 0);
        expect(Array.from(got.values as Float64Array)).toEqual(wantDense);
      }),
    );
  });

  it('law: ewiseAdd is the union and ewiseMult the intersection, combining shared entries in order', () => {
    const arb = fc.tuple(dims, dims).chain(([n, m]) => fc.tuple(arbMatrix(n, m), arbMatrix(n, m), arbMatrix(n, m), arbMatrix(n, m), flags));
    fc.assert(
      fc.property(arb, ([a, b, out, mask, f]) => {
        const [options, ref, w] = matrixCase(f, out, mask);
        const ma = matrixToMap(a).cells;
        const mb = matrixToMap(b).cells;
        const union = new Map(ma);
        for (const [k, v] of mb) union.set(k, ma.has(k) ? minus(ma.get(k) as number, v) : v);
        const inter = new Map([...ma].filter(([k]) => mb.has(k)).map(([k, v]) => [k, v * (mb.get(k) as number)]));
        expect(sortedEntries(matrixToMap(ewiseAdd(minus, a, b, options)).cells)).toEqual(sortedEntries(writeback(w, union, ref)));
        expect(sortedEntries(matrixToMap(ewiseMult(s, a, b, options)).cells)).toEqual(sortedEntries(writeback(w, inter, ref)));
      }),
    );
  });

  it('law: sparse vector ewise ops, reduceRows, apply and transpose follow the reference', () => {
    const arb = fc.tuple(dims, dims).chain(([n, m]) => fc.tuple(arbMatrix(n, m), arbSparse(n), arbSparse(n), arbSparse(n), arbSparse(n), arbMatrix(m, n), arbMatrix(m, n), flags));
    fc.assert(
      fc.property(arb, ([a, u, v, out, mask, outT, maskT, f]) => {
        const [options, ref, w] = vectorCase(f, out, mask);
        const mu = keyed(vectorToMap(u));
        const mv = keyed(vectorToMap(v));
        const union = new Map(mu);
        for (const [k, x] of mv) union.set(k, mu.has(k) ? (mu.get(k) as number) + x : x);
        expect(sortedEntries(keyed(vectorToMap(ewiseAdd(s, u, v, options))))).toEqual(sortedEntries(writeback(w, union, ref)));
        const sums = new Map<string, number>();
        for (const [k, x] of matrixToMap(a).cells) {
          const i = k.split(',')[0] as string;
          sums.set(i, (sums.get(i) ?? 0) + x);
        }
        expect(sortedEntries(keyed(vectorToMap(reduceRows(s, a, options))))).toEqual(sortedEntries(writeback(w, sums, ref)));
        const doubled = new Map([...mu].map(([k, x]) => [k, 2 * x]));
        expect(sortedEntries(keyed(vectorToMap(apply((x) => 2 * x, u, options))))).toEqual(sortedEntries(writeback(w, doubled, ref)));
        const [tOptions, tRef, tW] = matrixCase(f, outT, maskT);
        const swapped = new Map([...matrixToMap(a).cells].map(([k, x]) => [k.split(',').reverse().join(','), x]));
        expect(sortedEntries(matrixToMap(transpose(a, tOptions)).cells)).toEqual(sortedEntries(writeback(tW, swapped, tRef)));
        expect(reduceToScalar(s, a)).toBe([...matrixToMap(a).cells.values()].reduce((x, y) => x + y, 0));
      }),
    );
  });
});

describe('operation errors', () => {
  const a = SparseMatrix.fromEdges(s, { nrows: 2, ncols: 3, rows: [0], cols: [2], values: [1] });
  it('refuses operands whose shapes do not fit with DIMENSION_MISMATCH', () => {
    expect(() => mxv(s, a, DenseVector.filled(s, 2))).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
    expect(() => mxm(s, a, a)).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
    expect(() => mxv(s, a, DenseVector.filled(s, 3), { out: DenseVector.filled(s, 3) })).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
    expect(() => mxv(s, a, DenseVector.filled(s, 3), { mask: DenseVector.filled(s, 3) })).toThrow(expect.objectContaining({ code: 'DIMENSION_MISMATCH' }));
  });
  it('refuses a sparse output for a dense result and mixed element-wise operands', () => {
    expect(() => mxv(s, a, DenseVector.filled(s, 3), { out: SparseVector.empty(s, 2) })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});

describe('dense sweeps', () => {
  it('vxm with a min accumulator and out = u relaxes distances in place (the README example)', () => {
    const a = SparseMatrix.fromEdges(minPlusSemiring, { nrows: 3, ncols: 3, rows: [0, 1, 0], cols: [1, 2, 2], values: [1, 1, 5] });
    const d = DenseVector.filled(minPlusSemiring, 3);
    d.values[0] = 0;
    expect(vxm(minPlusSemiring, d, a, { out: d, accum: minPlusSemiring })).toBe(d);
    expect(Array.from(d.values as Float64Array)).toEqual([0, 1, 5]);
    vxm(minPlusSemiring, d, a, { out: d, accum: minPlusSemiring });
    expect(Array.from(d.values as Float64Array)).toEqual([0, 1, 2]);
    expect(() => vxm(minPlusSemiring, d, a, { out: d })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
