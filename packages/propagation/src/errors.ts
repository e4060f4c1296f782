/**
 * What went wrong in propagation, as a literal callers can switch on:
 * - `CYCLE`: a computed read itself, directly or through other computeds;
 * - `EFFECT_LOOP`: effects kept re-triggering each other past the flush bound without settling;
 * - `NOT_WRITABLE`: a write to a cell that is not a signal (a computed, cast past its type);
 * - `WRITE_IN_COMPUTED`: a computed wrote a signal while it was computing (computeds are pure);
 * - `UNSUPPORTED_SEMIRING`: algebraic propagation got a semiring without specialised kernels, or a
 *   non-selective one (plus-times, log-plus) on a graph that may have cycles;
 * - `GRAPH_CYCLE`: an edge would close a cycle in an acyclic algebraic system;
 * - `INVALID_WEIGHT` / `INVALID_VALUE`: an edge weight or seed value outside the semiring's domain;
 * - `NODE_NOT_FOUND`: a node index outside the system, or a removed node;
 * - `INVALID_ARGUMENT`: any other malformed argument (mismatched lengths, a duplicate edge).
 *
 * Derived pages (`src/derived/`; thrown as `DerivedPageError`, which names the page and key):
 * - `DERIVED_CYCLE`: a registration whose inputs would reach the derived page itself;
 * - `RECOMPUTE_FAILED`: a recompute function threw (its error is the `cause`); the wave was aborted;
 * - `RECOMPUTE_RESULT_INVALID`: a recompute function returned something that is not a change of its page;
 * - `DERIVED_WRITE`: a transaction staged a change to a derived page (only its wave writes it);
 * - `ALREADY_DERIVED`: a registration for a page that is already derived;
 * - `REGISTRATION_MISMATCH`: a key registered before with other inputs, size or page;
 * - `UNKNOWN_KEY`: a recompute function for a key no registration has;
 * - `NOT_ATTACHED`: a wave reached a reopened registration that has no recompute function yet;
 * - `REGISTRY_CORRUPT`: the persisted registry of derived pages does not have its documented shape.
 */
export type PropagationErrorCode =
  | 'CYCLE'
  | 'EFFECT_LOOP'
  | 'NOT_WRITABLE'
  | 'WRITE_IN_COMPUTED'
  | 'UNSUPPORTED_SEMIRING'
  | 'GRAPH_CYCLE'
  | 'INVALID_WEIGHT'
  | 'INVALID_VALUE'
  | 'NODE_NOT_FOUND'
  | 'INVALID_ARGUMENT'
  | 'DERIVED_CYCLE'
  | 'RECOMPUTE_FAILED'
  | 'RECOMPUTE_RESULT_INVALID'
  | 'DERIVED_WRITE'
  | 'ALREADY_DERIVED'
  | 'REGISTRATION_MISMATCH'
  | 'UNKNOWN_KEY'
  | 'NOT_ATTACHED'
  | 'REGISTRY_CORRUPT';

/** The one error class of `@mmsb/propagation`; `code` says what went wrong, `cause` what caused it. */
export class PropagationError extends Error {
  constructor(
    readonly code: PropagationErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PropagationError';
  }
}
