/**
 * @mmsb/agents — layer 11 of MMSB: RL, symbolic, planning and hybrid agents.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
