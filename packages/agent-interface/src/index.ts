/**
 * @mmsb/agent-interface — layer 10 of MMSB: checkpoint API, event subscription, agent protocol (observe / act).
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
