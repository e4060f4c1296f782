/**
 * @mmsb/semiring — layer 2 of MMSB: Semiring<T> and the standard semirings, sparse matrices/vectors over them, delta router and merge.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
