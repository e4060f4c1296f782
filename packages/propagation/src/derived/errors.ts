import { PropagationError } from '../errors.js';
import type { PropagationErrorCode } from '../errors.js';

/** What a {@link DerivedPageError} names besides its code. */
export interface DerivedPageErrorDetails {
  /** The derived page concerned, when there is one. */
  readonly pageId?: number;
  /** Its registration key, when known. */
  readonly key?: string;
  /** For `DERIVED_CYCLE`: page ids along the cycle in edge order (the last feeds the first). */
  readonly cycle?: readonly number[];
}

/**
 * A {@link PropagationError} about derived pages, naming the page and key concerned (and the
 * cycle, for `DERIVED_CYCLE`). A refused call or an aborted wave leaves the store and the
 * registrations as they were.
 */
export class DerivedPageError extends PropagationError {
  /** The derived page concerned; null when the error is not about one page. */
  readonly pageId: number | null;
  /** Its registration key; null when unknown. */
  readonly key: string | null;
  /** The cycle a refused registration would close; empty unless the code is `DERIVED_CYCLE`. */
  readonly cycle: readonly number[];

  constructor(code: PropagationErrorCode, message: string, options: ErrorOptions & DerivedPageErrorDetails = {}) {
    super(code, message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DerivedPageError';
    this.pageId = options.pageId ?? null;
    this.key = options.key ?? null;
    this.cycle = options.cycle ?? [];
  }
}
