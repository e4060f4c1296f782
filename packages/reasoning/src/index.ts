/**
 * @mmsb/reasoning — layer 8 of MMSB: structural inference, constraint solving, logic rules, belief propagation, causal inference, patterns.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
