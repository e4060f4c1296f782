// @mmsb/page — layer 1: deltas, the transaction log, checkpoints and exact replay.
export { PageError, isPageError } from './errors.js';
export type { PageErrorCode } from './errors.js';

// delta
export { applyDelta } from './delta/apply.js';
export { compressDelta } from './delta/compress.js';
export { denseDelta, emptyDelta, isEmptyDelta, sparseDelta } from './delta/construct.js';
export { decompressDelta } from './delta/decompress.js';
export { DIFF_DENSE_FRACTION, diffDelta } from './delta/diff.js';
export {
  COMPRESS_MAX_RATIO,
  COMPRESS_MIN_BYTES,
  DELTA_FORMAT_VERSION,
  decodeDelta,
  decodeDeltaBatch,
  encodeDelta,
  encodeDeltaBatch,
} from './delta/encoding.js';
export type { DeltaEncodeOptions } from './delta/encoding.js';
export { invertDelta } from './delta/invert.js';
export { mergeDeltas } from './delta/merge.js';
export type {
  BoundDelta,
  CompressedDelta,
  DenseDelta,
  Delta,
  DeltaCodec,
  PlainDelta,
  SparseDelta,
  SparseRunInput,
} from './delta/types.js';

// tlog
export { nodeLogFileSystem } from './internal/fs.js';
export type { LogFile, LogFileSystem, LogOpenMode, LogOpenOptions } from './internal/fs.js';
export { TLOG_FORMAT_VERSION } from './tlog/format.js';
export type { TLogCorruption, TLogRecoveryReport } from './tlog/recovery.js';
export { TLog } from './tlog/tlog.js';
export type {
  TLogDurability,
  TLogOpened,
  TLogOptions,
  TLogRecord,
  TLogRetention,
  TLogScanOptions,
} from './tlog/tlog.js';

// store
export { CHECKPOINT_FORMAT_VERSION } from './checkpoint/format.js';
export { inspectStore, replayStore, verifyStore } from './replay/replay.js';
export type { InspectOptions, ReplayOptions, VerifyOptions } from './replay/replay.js';
export type {
  CheckpointInfo,
  CommitResult,
  CommittedDeltas,
  Durability,
  InspectReport,
  PageChange,
  PageInfo,
  PageLocation,
  PageStore,
  PageStoreOpener,
  ProgressCallback,
  ReplayResult,
  Snapshot,
  StoreOptions,
  StoreRecoveryReport,
  Transaction,
  VerifyReport,
} from './store/api.js';
export { MARKER_FILE } from './store/layout.js';
export { STORE_RECORD_VERSION } from './store/record.js';
export { SHARED_CONTROL_BYTES, SHARED_READ_DEFAULT_RETRIES, SharedStoreReader } from './store/shared-reader.js';
export type { SharedStateRead, SharedStoreDescriptor, SharedStorePage } from './store/shared-reader.js';
export { openStore } from './store/store.js';
