// The exit status of every `mmsb` command, so scripts can tell failures apart without parsing
// messages. A PageError exits with its code's number; a check that ran and found a problem
// (a digest mismatch, a corrupt directory) exits 2.
import type { PageErrorCode } from '@mmsb/page';

/** Success. */
export const EXIT_OK = 0;
/** Bad usage: an unknown command or option, a missing argument (commander's own status). */
export const EXIT_USAGE = 1;
/** A check ran and failed: digests differ, `verify` found corruption. */
export const EXIT_CHECK_FAILED = 2;
/** An unexpected error: a bug; the stack trace is printed. */
export const EXIT_INTERNAL = 70;

/** One status per PageError code (10 + its place in the code list of `@mmsb/page`). */
export const PAGE_ERROR_EXIT_CODES: Readonly<Record<PageErrorCode, number>> = {
  INVALID_ARGUMENT: 10,
  PAGE_NOT_FOUND: 11,
  PAGE_EXISTS: 12,
  DELTA_OUT_OF_RANGE: 13,
  DELTA_MISMATCH: 14,
  DELTA_CORRUPT: 15,
  EPOCH_STALE: 16,
  EPOCH_FUTURE: 17,
  TX_CLOSED: 18,
  TX_CONFLICT: 19,
  STORE_CLOSED: 20,
  STORE_LOCKED: 21,
  NOT_A_STORE: 22,
  LOG_CORRUPT: 23,
  CHECKPOINT_CORRUPT: 24,
  IO_ERROR: 25,
};
