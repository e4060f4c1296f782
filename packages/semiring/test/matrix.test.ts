import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineSemiring, minPlusSemiring, plusTimesSemiring, SemiringError, SparseMatrix } from '../src/index.js';

function dense(m: SparseMatrix<number>, one = 1): number[][] {
  const out = Array.from({ length: m.nrows }, () => new Array<number>(m.ncols).fill(Number.NaN));
  for (const [r, c, v] of m.entries(one)) (out[r] as number[])[c] = v as number;
  return out;
}

describe('SparseMatrix.fromEdges', () => {
  it('orders entries by row then column whatever the input order', () => {
    const m = SparseMatrix.fromEdges(plusTimesSemiring, { nrows: 3, ncols: 3, rows: [2, 0, 1, 0], cols: [0, 2, 1, 0], values: [5, 2, 3, 1] });
    expect(Array.from(m.rowPtr)).toEqual([0, 2, 3, 4]);
    expect(Array.from(m.colIdx)).toEqual([0, 2, 1, 0]);
    expect(Array.from(m.values as Float64Array)).toEqual([1, 2, 3, 5]);
    expect(m.values).toBeInstanceOf(Float64Array);
    expect(m.get(2, 0)).toBe(5);
    expect(m.get(2, 2)).toBeUndefined();
  });

  it('refuses duplicates by default and combines them with ⊕ or a given operator', () => {
    const edges = { nrows: 2, ncols: 2, rows: [0, 1, 0], cols: [1, 1, 1], values: [4, 1, 3] };
    expect(() => SparseMatrix.fromEdges(minPlusSemiring, edges)).toThrow(expect.objectContaining({ code: 'DUPLICATE_ENTRY' }));
    expect(SparseMatrix.fromEdges(minPlusSemiring, edges, { duplicates: 'add' }).get(0, 1)).toBe(3);
    expect(SparseMatrix.fromEdges(minPlusSemiring, edges, { duplicates: plusTimesSemiring }).get(0, 1)).toBe(7);
    expect(SparseMatrix.fromEdges(minPlusSemiring, edges, { duplicates: (_a, b) => b }).get(0, 1)).toBe(3);
  });

  it('names the edge whose index falls outside the shape', () => {
    try {
      SparseMatrix.fromEdges(plusTimesSemiring, { nrows: 2, ncols: 2, rows: [0, 2], cols: [0, 0], values: [1, 1] });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SemiringError);
      expect((error as SemiringError).code).toBe('INDEX_OUT_OF_RANGE');
      expect((error as SemiringError).message).toContain('edge 1');
    }
    expect(() => SparseMatrix.fromEdges(plusTimesSemiring, { nrows: 2, ncols: 2, rows: [0], cols: [0, 1] })).toThrow(
      expect.objectContaining({ code: 'DIMENSION_MISMATCH' }),
    );
  });

  it('keeps a pattern matrix without values and user semirings in plain arrays', () => {
    const p = SparseMatrix.fromEdges(plusTimesSemiring, { nrows: 2, ncols: 2, rows: [1], cols: [0] });
    expect(p.values).toBeNull();
    expect(p.get(1, 0, 1)).toBe(1);
    const user = defineSemiring<string>({ name: 'concat', zero: '', one: '', add: (a, b) => a + b, mul: (a, b) => a + b });
    const u = SparseMatrix.fromEdges(user, { nrows: 1, ncols: 2, rows: [0, 0], cols: [1, 0], values: ['b', 'a'] });
    expect(Array.isArray(u.values)).toBe(true);
    expect(u.get(0, 0)).toBe('a');
  });

  it('law: the transpose (CSC) holds every entry swapped, and transposing twice gives the matrix back', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.integer({ min: -9, max: 9 })), { maxLength: 60 }),
        (n, m, raw) => {
          const rows = raw.map(([r]) => r % n);
          const cols = raw.map(([, c]) => c % m);
          const a = SparseMatrix.fromEdges(plusTimesSemiring, { nrows: n, ncols: m, rows, cols, values: raw.map(([, , v]) => v) }, { duplicates: 'add' });
          const t = a.transposed();
          expect(t.nrows).toBe(m);
          expect(t.transposed()).toBe(a);
          const da = dense(a);
          const dt = dense(t);
          for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) expect((dt[j] as number[])[i]).toEqual((da[i] as number[])[j]);
          for (let r = 0; r < t.nrows; r++) {
            for (let p = (t.rowPtr[r] as number) + 1; p < (t.rowPtr[r + 1] as number); p++) expect(t.colIdx[p]).toBeGreaterThan(t.colIdx[p - 1] as number);
          }
        },
      ),
    );
  });
});

describe('SparseMatrix.fromCsr', () => {
  it('accepts well-formed CSR and refuses unsorted columns, bad offsets and out-of-range columns', () => {
    const ok = SparseMatrix.fromCsr(plusTimesSemiring, 2, 3, Int32Array.of(0, 1, 3), Int32Array.of(2, 0, 1), [1, 2, 3]);
    expect(ok.get(1, 1)).toBe(3);
    expect(ok.values).toBeInstanceOf(Float64Array);
    expect(() => SparseMatrix.fromCsr(plusTimesSemiring, 2, 3, Int32Array.of(0, 1, 3), Int32Array.of(2, 1, 0), null)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => SparseMatrix.fromCsr(plusTimesSemiring, 2, 3, Int32Array.of(0, 2, 1), Int32Array.of(0, 1), null)).toThrow(SemiringError);
    expect(() => SparseMatrix.fromCsr(plusTimesSemiring, 1, 2, Int32Array.of(0, 1), Int32Array.of(2), null)).toThrow(
      expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }),
    );
  });
});
