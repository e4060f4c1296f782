/**
 * mmsb — the façade users import: start a state on a data directory, create and change pages,
 * read them now or at any past epoch, and stop. Everything a caller needs is re-exported here, so
 * `@mmsb/page` need not be imported directly.
 *
 * ```ts
 * import { mmsbStart, createPage, updatePage, queryPage, mmsbStop } from 'mmsb';
 * const state = await mmsbStart({ dir: './.mmsb', durability: 'sync' });
 * const page = await createPage(state, { size: 4096 });
 * const { epoch } = await updatePage(state, page.id, [{ offset: 0, bytes: Uint8Array.of(1, 2, 3) }]);
 * const bytes = await queryPage(state, page.id, { epoch });
 * await mmsbStop(state);
 * ```
 */
export {
  checkpoint,
  createPage,
  currentEpoch,
  derivePage,
  digest,
  listPages,
  mmsbStart,
  mmsbStop,
  onPropagation,
  queryPage,
  snapshot,
  transaction,
  updatePage,
} from './facade.js';
export type { MmsbOptions, MmsbState, TransactionResult, TransactionScope } from './facade.js';

// the page layer, for what the façade does not wrap
export {
  PageError,
  applyDelta,
  denseDelta,
  diffDelta,
  inspectStore,
  invertDelta,
  isPageError,
  mergeDeltas,
  openStore,
  replayStore,
  sparseDelta,
  verifyStore,
} from '@mmsb/page';
export type {
  BoundDelta,
  CheckpointInfo,
  CommitResult,
  Delta,
  Durability,
  InspectReport,
  PageChange,
  PageErrorCode,
  PageInfo,
  PageLocation,
  PageStore,
  ProgressCallback,
  ReplayResult,
  Snapshot,
  SparseRunInput,
  StoreOptions,
  Transaction,
  VerifyReport,
} from '@mmsb/page';

// propagation: reactive cells, and what derived pages need beside the façade
export { batch, computed, DerivedPageError, effect, PropagationError, replayDerivedPages, signal, untracked } from '@mmsb/propagation';
export type {
  Computed,
  ComputedOptions,
  DerivedPageInfo,
  DerivedRecompute,
  DerivedReplayReport,
  DeriveSpec,
  Dispose,
  PropagationErrorCode,
  PropagationEvent,
  PropagationListener,
  Signal,
  SignalOptions,
  WaveCommit,
} from '@mmsb/propagation';

// the command line's reports, as data
export { doctorReport, formatDoctorReport } from './commands/doctor.js';
export type { DoctorReport } from './commands/doctor.js';
export { formatGraphReport, GRAPH_ALGORITHMS, runGraphCommand } from './commands/graph.js';
export type { GraphAlgorithm, GraphCommandOptions, GraphPath, GraphReport } from './commands/graph.js';
export {
  EXIT_CHECK_FAILED,
  EXIT_INTERNAL,
  EXIT_NO_INPUT,
  EXIT_OK,
  EXIT_USAGE,
  PAGE_ERROR_EXIT_CODES,
  PROPAGATION_ERROR_EXIT_CODES,
  SEMIRING_ERROR_EXIT_CODES,
} from './exit-codes.js';
export { MMSB_VERSION } from './version.js';
export { SeededRandom } from './random.js';
