// The exit status of every `mmsb` command, so scripts can tell failures apart without parsing
// messages. A PageError exits with its code's number; a check that ran and found a problem
// (a digest mismatch, a corrupt directory) exits 2.
import type { PageErrorCode } from '@mmsb/page';
import type { PropagationErrorCode } from '@mmsb/propagation';
import type { SemiringErrorCode } from '@mmsb/semiring';

/** Success. */
export const EXIT_OK = 0;
/** Bad usage: an unknown command or option, a missing argument (commander's own status). */
export const EXIT_USAGE = 1;
/** A check ran and failed: digests differ, `verify` found corruption. */
export const EXIT_CHECK_FAILED = 2;
/** A file named on the command line could not be read (sysexits' EX_NOINPUT). */
export const EXIT_NO_INPUT = 66;
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
  CODEC_UNAVAILABLE: 26,
};

/** One status per SemiringError code (30 + its place in the code list of `@mmsb/semiring`). */
export const SEMIRING_ERROR_EXIT_CODES: Readonly<Record<SemiringErrorCode, number>> = {
  INVALID_ARGUMENT: 30,
  DIMENSION_MISMATCH: 31,
  INDEX_OUT_OF_RANGE: 32,
  DUPLICATE_ENTRY: 33,
  MTX_PARSE: 34,
  NEGATIVE_WEIGHT: 35,
  NEGATIVE_CYCLE: 36,
  UNSUPPORTED: 37,
  UNKNOWN_PAGE: 38,
  SIZE_MISMATCH: 39,
  MISALIGNED_RUN: 40,
  UNKNOWN_LAYOUT: 41,
  ROUTE_CONFLICT: 42,
};

/** One status per PropagationError code (50 + its place in the code list of `@mmsb/propagation`). */
export const PROPAGATION_ERROR_EXIT_CODES: Readonly<Record<PropagationErrorCode, number>> = {
  CYCLE: 50,
  EFFECT_LOOP: 51,
  NOT_WRITABLE: 52,
  WRITE_IN_COMPUTED: 53,
  UNSUPPORTED_SEMIRING: 54,
  GRAPH_CYCLE: 55,
  INVALID_WEIGHT: 56,
  INVALID_VALUE: 57,
  NODE_NOT_FOUND: 58,
  INVALID_ARGUMENT: 59,
  DERIVED_CYCLE: 60,
  RECOMPUTE_FAILED: 61,
  RECOMPUTE_RESULT_INVALID: 62,
  DERIVED_WRITE: 63,
  ALREADY_DERIVED: 64,
  REGISTRATION_MISMATCH: 65,
  UNKNOWN_KEY: 66,
  NOT_ATTACHED: 67,
  REGISTRY_CORRUPT: 68,
};
