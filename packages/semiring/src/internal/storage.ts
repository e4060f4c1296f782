// Value storage: Float64Array for the standard semirings (what the kernels and native read),
// a plain array of T for user-defined ones.
import type { Semiring } from '../semiring.js';
import type { ValueArray } from './kernels.js';

/** True when `semiring` keeps its values in Float64Arrays. */
export function storesF64<T>(semiring: Semiring<T>): boolean {
  return semiring.op !== null;
}

/** A value array of `n` entries for the storage kind. */
export function allocValues<T>(f64: boolean, n: number): ValueArray<T> {
  return (f64 ? new Float64Array(n) : new Array<T>(n)) as unknown as ValueArray<T>;
}

/** Copies `source` into a fresh array of the storage kind. */
export function copyValues<T>(f64: boolean, source: ArrayLike<T>): ValueArray<T> {
  const out = allocValues<T>(f64, source.length);
  for (let i = 0; i < source.length; i++) out[i] = source[i] as T;
  return out;
}
