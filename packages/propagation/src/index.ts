/**
 * @mmsb/propagation — layer 4 of MMSB: glitch-free propagation of page changes; reactive cells; algebraic (semiring) propagation; CPU/GPU batch propagation.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
