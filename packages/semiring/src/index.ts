/**
 * @mmsb/semiring — layer 2 of MMSB: Semiring<T> and the standard semirings, sparse matrices and
 * vectors over them, GraphBLAS-style operations, graph algorithms, delta router and merge.
 */
export { isSemiringError, SemiringError } from './errors.js';
export type { SemiringErrorCode } from './errors.js';
