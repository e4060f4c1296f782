/**
 * What went wrong in propagation, as a literal callers can switch on:
 * - `CYCLE`: a computed read itself, directly or through other computeds;
 * - `EFFECT_LOOP`: effects kept re-triggering each other past the flush bound without settling;
 * - `NOT_WRITABLE`: a write to a cell that is not a signal (a computed, cast past its type);
 * - `WRITE_IN_COMPUTED`: a computed wrote a signal while it was computing (computeds are pure).
 */
export type PropagationErrorCode = 'CYCLE' | 'EFFECT_LOOP' | 'NOT_WRITABLE' | 'WRITE_IN_COMPUTED';

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
