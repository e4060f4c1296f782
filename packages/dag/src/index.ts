/**
 * @mmsb/dag — layer 3 of MMSB: ShadowPageGraph: dependency tracking, cycle detection, topological order, recomputation registry, depth/fan-out stats.
 *
 * Nothing of this layer is built yet; see README.md. The package exists so that the layer
 * boundaries are enforced from the start.
 */
export {};
