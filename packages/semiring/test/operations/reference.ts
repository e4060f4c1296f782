// Naive GraphBLAS semantics over maps, the reference the operations are checked against.
import type { Semiring } from '../../src/index.js';
import { DenseVector, SparseMatrix, SparseVector } from '../../src/index.js';

export type MapMatrix = { nrows: number; ncols: number; cells: Map<string, number> };
export type MapVector = { size: number; cells: Map<number, number> };

export interface RefOutput {
  mask: Set<string> | null; // keys "i,j" (or "i" for vectors) the mask holds true
  complement: boolean;
  accum: ((a: number, b: number) => number) | null;
  replace: boolean;
}

export function matrixToMap(m: SparseMatrix<number>): MapMatrix {
  const cells = new Map<string, number>();
  for (const [i, j, v] of m.entries(1)) cells.set(`${i},${j}`, v as number);
  return { nrows: m.nrows, ncols: m.ncols, cells };
}

export function vectorToMap(v: SparseVector<number>): MapVector {
  const cells = new Map<number, number>();
  for (let k = 0; k < v.nnz; k++) cells.set(v.indices[k] as number, v.values[k] as number);
  return { size: v.size, cells };
}

export function matrixMaskKeys(m: SparseMatrix<number>, structural: boolean): Set<string> {
  const keys = new Set<string>();
  for (const [i, j, v] of m.entries(1)) if (structural || v) keys.add(`${i},${j}`);
  return keys;
}

export function vectorMaskKeys(v: SparseVector<number> | DenseVector<number>, structural: boolean): Set<string> {
  const keys = new Set<string>();
  if (v instanceof DenseVector) {
    for (let i = 0; i < v.size; i++) if (structural || v.values[i]) keys.add(`${i}`);
  } else {
    for (let k = 0; k < v.nnz; k++) if (structural || v.values[k]) keys.add(`${v.indices[k]}`);
  }
  return keys;
}

/** w⟨mask⟩ = w accum t with replace, entry by entry. */
export function writeback(w: Map<string, number>, t: Map<string, number>, o: RefOutput): Map<string, number> {
  const out = new Map<string, number>();
  const keys = new Set([...w.keys(), ...t.keys()]);
  for (const key of keys) {
    const inMask = o.mask === null ? true : o.mask.has(key) !== o.complement;
    const wv = w.get(key);
    const tv = t.get(key);
    if (inMask) {
      let z: number | undefined;
      if (o.accum !== null) z = wv !== undefined && tv !== undefined ? o.accum(wv, tv) : (tv ?? wv);
      else z = tv;
      if (z !== undefined) out.set(key, z);
    } else if (!o.replace && wv !== undefined) {
      out.set(key, wv);
    }
  }
  return out;
}

export function refMxm(s: Semiring<number>, a: MapMatrix, b: MapMatrix): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < a.nrows; i++) {
    for (let j = 0; j < b.ncols; j++) {
      let acc: number | undefined;
      for (let k = 0; k < a.ncols; k++) {
        const x = a.cells.get(`${i},${k}`);
        const y = b.cells.get(`${k},${j}`);
        if (x === undefined || y === undefined) continue;
        const p = s.mul(x, y);
        acc = acc === undefined ? p : s.add(acc, p);
      }
      if (acc !== undefined) out.set(`${i},${j}`, acc);
    }
  }
  return out;
}

export function keyed(v: MapVector): Map<string, number> {
  return new Map([...v.cells].map(([i, x]) => [`${i}`, x]));
}

export function asRowMatrix(v: MapVector): MapMatrix {
  return { nrows: 1, ncols: v.size, cells: new Map([...v.cells].map(([i, x]) => [`0,${i}`, x])) };
}

export function asColumnMatrix(v: MapVector): MapMatrix {
  return { nrows: v.size, ncols: 1, cells: new Map([...v.cells].map(([i, x]) => [`${i},0`, x])) };
}

export function sortedEntries(m: Map<string, number>): [string, number][] {
  return [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}
