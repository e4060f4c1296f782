/**
 * @mmsb/intention — layer 7 of MMSB: goals, preferences, attractor states, goal emergence.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
