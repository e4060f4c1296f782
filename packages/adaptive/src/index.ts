/**
 * @mmsb/adaptive — layer 5 of MMSB: layout optimization (co-access clustering), graph rewriting, entropy reduction.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
