import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  defineSemiring,
  DenseVector,
  ewiseAdd,
  ewiseMult,
  mxm,
  mxv,
  reduceRows,
  reduceToScalar,
  SparseMatrix,
  SparseVector,
  standardSemirings,
  vxm,
} from '../../src/index.js';
import type { Semiring, StandardSemiring } from '../../src/index.js';

/** The same algebra with no op: every operation takes the generic path (closures, plain arrays). */
function genericCopy(s: StandardSemiring): Semiring<number> {
  return defineSemiring<number>({ name: `generic ${s.name}`, zero: s.zero, one: s.one, add: s.add, mul: s.mul, mulCommutative: true, selective: s.properties.selective });
}

function close(op: string): (a: number, b: number) => boolean {
  // log-plus: the native contract allows libm to differ in the last ulp.
  return op === 'log-plus' ? (a, b) => Object.is(a, b) || Math.abs(a - b) <= 1e-12 * (1 + Math.abs(a)) : Object.is;
}

function same(actual: ArrayLike<number>, expected: ArrayLike<number>, eq: (a: number, b: number) => boolean): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < actual.length; i++) {
    if (!eq(actual[i] as number, expected[i] as number)) expect.fail(`entry ${i}: ${actual[i]} (specialised) ≠ ${expected[i]} (generic)`);
  }
}

function sameMatrix(a: SparseMatrix<number>, b: SparseMatrix<number>, eq: (x: number, y: number) => boolean): void {
  expect(Array.from(a.rowPtr)).toEqual(Array.from(b.rowPtr));
  expect(Array.from(a.colIdx)).toEqual(Array.from(b.colIdx));
  same(a.values as ArrayLike<number>, b.values as ArrayLike<number>, eq);
}

const edges = (n: number, m: number) =>
  fc.array(fc.tuple(fc.nat(n - 1), fc.nat(m - 1), fc.integer({ min: 0, max: 6 })), { maxLength: 3 * n * m });

describe.each(standardSemirings.map((s) => [s.name, s] as const))('%s: specialised loops = the generic closure path', (_name, s) => {
  const g = genericCopy(s);
  const eq = close(s.op);
  const toDomain = (x: number): number => (s.op === 'or-and' ? x % 2 : x);

  it('law: mxv, vxm (dense and sparse), mxm, ewiseAdd, ewiseMult and the reductions agree bit for bit', () => {
    const arb = fc
      .tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 }))
      .chain(([n, m]) => fc.tuple(fc.constant([n, m] as const), edges(n, m), edges(n, m), edges(m, n), fc.array(fc.integer({ min: 0, max: 6 }), { minLength: m, maxLength: m })));
    fc.assert(
      fc.property(arb, ([[n, m], e1, e2, e3, xs]) => {
        const build = (sr: Semiring<number>, es: [number, number, number][], r: number, c: number) =>
          SparseMatrix.fromEdges(sr, { nrows: r, ncols: c, rows: es.map((e) => e[0]), cols: es.map((e) => e[1]), values: es.map((e) => toDomain(e[2])) }, { duplicates: 'add' });
        const [a, b, t] = [build(s, e1, n, m), build(s, e2, n, m), build(s, e3, m, n)];
        const [ga, gb, gt] = [build(g, e1, n, m), build(g, e2, n, m), build(g, e3, m, n)];
        expect(a.values).toBeInstanceOf(Float64Array);
        expect(Array.isArray(ga.values)).toBe(true);
        const x = xs.map(toDomain);
        same(mxv(s, a, DenseVector.from(s, x)).values as Float64Array, mxv(g, ga, DenseVector.from(g, x)).values as number[], eq);
        const xn = Array.from({ length: n }, (_, i) => toDomain(i + 1));
        same(vxm(s, DenseVector.from(s, xn), a).values as Float64Array, vxm(g, DenseVector.from(g, xn), ga).values as number[], eq);
        const idx = x.map((_, i) => i).filter((i) => (x[i] as number) % 3 !== 0);
        const su = SparseVector.fromEntries(s, m, idx, idx.map((i) => x[i] as number));
        const gu = SparseVector.fromEntries(g, m, idx, idx.map((i) => x[i] as number));
        const sp = mxv(s, a, su);
        const gp = mxv(g, ga, gu);
        expect(Array.from(sp.indices)).toEqual(Array.from(gp.indices));
        same(sp.values as Float64Array, gp.values as number[], eq);
        sameMatrix(mxm(s, a, t), mxm(g, ga, gt), eq);
        sameMatrix(ewiseAdd(s, a, b), ewiseAdd(g, ga, gb), eq);
        sameMatrix(ewiseMult(s, a, b), ewiseMult(g, ga, gb), eq);
        same(reduceRows(s, a).values as Float64Array, reduceRows(g, ga).values as number[], eq);
        same([reduceToScalar(s, a)], [reduceToScalar(g, ga)], eq);
      }),
      { numRuns: 60 },
    );
  });
});
