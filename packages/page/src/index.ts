// @mmsb/page — layer 1: deltas, the transaction log, checkpoints and exact replay.
export { PageError, isPageError } from './errors.js';
export type { PageErrorCode } from './errors.js';
