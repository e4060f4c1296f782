/**
 * Per-slot fields live side by side in one Int32Array, `STRIDE` entries a slot, so that
 * touching a node (its position, both list heads) costs one cache line rather than one miss
 * per field: random edges on a million nodes are bound by memory latency, not arithmetic.
 */
export const STRIDE = 8;
/** Position in the topological order. */
export const ORD = 0;
/** Start of the dependents (out) list: offset, then length, then capacity. */
export const OUT = 1;
/** Start of the dependencies (in) list: offset, then length, then capacity. */
export const IN = 4;
/** The node id, or -1 for a free slot. */
export const ID = 7;
/** Added to a list's start field: its offset in the arena. */
export const OFFSET = 0;
/** Added to a list's start field: its live entries. */
export const LENGTH = 1;
/** Added to a list's start field: its room. */
export const CAPACITY = 2;
