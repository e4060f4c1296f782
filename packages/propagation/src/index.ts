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
export { DEFAULT_REGISTRY_PAGE_SIZE, DerivedPages, openDerivedPages } from './derived/derived-pages.js';
export { DerivedPageError } from './derived/errors.js';
export type { DerivedPageErrorDetails } from './derived/errors.js';
export { replayDerivedPages } from './derived/replay.js';
export { REGISTRY_FORMAT_VERSION as DERIVED_REGISTRY_FORMAT_VERSION } from './derived/internal/registry-format.js';
export type {
  CutoffEvent,
  DerivedMismatch,
  DerivedPageInfo,
  DerivedPagesOptions,
  DerivedRecompute,
  DerivedReplayOptions,
  DerivedReplayReport,
  DerivedTransaction,
  DeriveSpec,
  NodeRecomputedEvent,
  PropagationEvent,
  PropagationListener,
  SourceChange,
  WaveCommit,
  WaveEndEvent,
  WaveReason,
  WaveStartEvent,
} from './derived/types.js';
