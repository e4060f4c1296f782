import { describe, expect, it } from 'vitest';
import { DenseVector, minPlusSemiring, SparseVector } from '../src/index.js';

describe('vectors', () => {
  it('a sparse vector sorts its entries and refuses or combines duplicates', () => {
    const v = SparseVector.fromEntries(minPlusSemiring, 5, [3, 1], [7, 2]);
    expect(Array.from(v.indices)).toEqual([1, 3]);
    expect(v.get(3)).toBe(7);
    expect(v.get(0)).toBeUndefined();
    expect(() => SparseVector.fromEntries(minPlusSemiring, 5, [1, 1], [7, 2])).toThrow(expect.objectContaining({ code: 'DUPLICATE_ENTRY' }));
    expect(SparseVector.fromEntries(minPlusSemiring, 5, [1, 1], [7, 2], 'add').get(1)).toBe(2);
    expect(() => SparseVector.fromEntries(minPlusSemiring, 5, [5], [1])).toThrow(expect.objectContaining({ code: 'INDEX_OUT_OF_RANGE' }));
  });

  it('dense and sparse convert through the semiring zero', () => {
    const v = SparseVector.fromEntries(minPlusSemiring, 4, [2, 0], [5, 1]);
    const d = v.toDense(minPlusSemiring);
    expect(Array.from(d.values as Float64Array)).toEqual([1, Infinity, 5, Infinity]);
    const back = d.toSparse(minPlusSemiring);
    expect(Array.from(back.indices)).toEqual([0, 2]);
    expect(DenseVector.filled(minPlusSemiring, 2).values[1]).toBe(Infinity);
  });
});
