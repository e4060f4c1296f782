/**
 * @mmsb/propagation — layer 4 of MMSB: glitch-free propagation of page changes; reactive cells; algebraic (semiring) propagation; CPU/GPU batch propagation.
 */
export { PropagationError } from './errors.js';
export type { PropagationErrorCode } from './errors.js';
export { signal } from './cells/signal.js';
export type { Signal, SignalOptions } from './cells/signal.js';
export { computed } from './cells/computed.js';
export type { Computed, ComputedOptions } from './cells/computed.js';
export { effect } from './cells/effect.js';
export type { Dispose, EffectCleanup } from './cells/effect.js';
export { batch, untracked } from './cells/batch.js';
export { AlgebraicSystem } from './algebraic/algebraic-system.js';
export type { AlgebraicChange, AlgebraicEdgeList, AlgebraicSystemOptions, AlgebraicUpdate } from './algebraic/algebraic-system.js';
