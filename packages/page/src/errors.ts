/**
 * Every way layer 1 refuses a request. Callers switch on the code, never on the message.
 *
 * - `INVALID_ARGUMENT`: a value outside its domain (a negative size, a non-integer epoch).
 * - `PAGE_NOT_FOUND`: no page with that id at that epoch.
 * - `PAGE_EXISTS`: a page id that is already taken.
 * - `DELTA_OUT_OF_RANGE`: a run past the end of its page.
 * - `DELTA_MISMATCH`: deltas that cannot be combined (other page, other size, wrong base).
 * - `DELTA_CORRUPT`: an encoded delta that does not decode.
 * - `EPOCH_STALE`: an epoch older than what the log or the checkpoints still cover.
 * - `EPOCH_FUTURE`: an epoch beyond the last commit.
 * - `TX_CLOSED`: staging into, committing or aborting a transaction that already ended.
 * - `TX_CONFLICT`: a second writer, or a commit that lost its base.
 * - `STORE_CLOSED`: a call on a closed store.
 * - `STORE_LOCKED`: the data directory is held by another writer.
 * - `NOT_A_STORE`: a directory that is not an MMSB data directory.
 * - `LOG_CORRUPT`: a bad record before the tail of the log (never silently skipped).
 * - `CHECKPOINT_CORRUPT`: a checkpoint whose manifest or images fail their checksums.
 * - `IO_ERROR`: the file system failed (the `cause` holds the system error).
 * - `CODEC_UNAVAILABLE`: data written with LZ4, or a request for LZ4, where its binary (lz4-napi)
 *   does not load; the `cause` holds the load failure.
 */
export type PageErrorCode =
  | 'INVALID_ARGUMENT'
  | 'PAGE_NOT_FOUND'
  | 'PAGE_EXISTS'
  | 'DELTA_OUT_OF_RANGE'
  | 'DELTA_MISMATCH'
  | 'DELTA_CORRUPT'
  | 'EPOCH_STALE'
  | 'EPOCH_FUTURE'
  | 'TX_CLOSED'
  | 'TX_CONFLICT'
  | 'STORE_CLOSED'
  | 'STORE_LOCKED'
  | 'NOT_A_STORE'
  | 'LOG_CORRUPT'
  | 'CHECKPOINT_CORRUPT'
  | 'IO_ERROR'
  | 'CODEC_UNAVAILABLE';

/** The one error class of `@mmsb/page`. A refused request leaves state and log unchanged. */
export class PageError extends Error {
  /** What went wrong, as a literal callers can switch on. */
  readonly code: PageErrorCode;

  /**
   * @param code what went wrong
   * @param message names the wrong value and what was expected
   * @param options `cause`: the underlying error (a system error, a native error)
   */
  constructor(code: PageErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PageError';
    this.code = code;
  }
}

/** True when `error` is a {@link PageError}, optionally of the given code. */
export function isPageError(error: unknown, code?: PageErrorCode): error is PageError {
  return error instanceof PageError && (code === undefined || error.code === code);
}
