// The page API users call: a thin, functional layer over `@mmsb/page`'s store and
// `@mmsb/propagation`'s derived pages. Every function takes the state `mmsbStart` returned; none
// holds a global, so several states (on several data directories) can live in one process.
// Writes go through the derived-page engine, so a change to a page that derived pages read
// recomputes them in the same commit (one epoch); with no derived pages that costs nothing.
import { PageError, openStore } from '@mmsb/page';
import { openDerivedPages } from '@mmsb/propagation';
import type { DerivedPageInfo, DerivedPages, DerivedRecompute, DeriveSpec, PropagationListener, WaveCommit } from '@mmsb/propagation';
import type {
  CheckpointInfo,
  Durability,
  PageChange,
  PageInfo,
  PageLocation,
  PageStore,
  Snapshot,
} from '@mmsb/page';

/** Options of {@link mmsbStart}. */
export interface MmsbOptions {
  /** The data directory; default `./.mmsb` (created when missing). */
  readonly dir?: string;
  /**
   * `sync`: fsync before each commit is acknowledged; `group` (default): every acknowledged
   * commit is fsynced, concurrent commits share one fsync; `none`: scratch data only.
   */
  readonly durability?: Durability;
  /**
   * Allow pages at location `gpu` (default false). They live on the device when one exists and
   * on the host otherwise; without this option creating a `gpu` page is refused.
   */
  readonly enableGpu?: boolean;
  /** On log corruption keep what precedes it and move the rest aside, instead of refusing. */
  readonly repair?: boolean;
  /**
   * Recompute functions of derived pages by their registration key: a store reopened with
   * derived pages needs them before the pages' inputs change (or call {@link derivePage} again).
   */
  readonly functions?: Readonly<Record<string, DerivedRecompute>>;
}

/** A started MMSB: one data directory held by this process until {@link mmsbStop}. */
export interface MmsbState {
  readonly dir: string;
  readonly durability: Durability;
  readonly enableGpu: boolean;
  /** The page store underneath, for what the façade does not cover. */
  readonly store: PageStore;
  /** The derived-page engine every write goes through (registrations, events, replay checks). */
  readonly derived: DerivedPages;
  /** False once {@link mmsbStop} has been called. */
  readonly running: boolean;
}

/** What the transaction function of {@link transaction} is handed. */
export interface TransactionScope {
  /** The epoch the transaction reads from. */
  readonly baseEpoch: number;
  /** Stages a change; later changes of one page merge with earlier ones. */
  stage(pageId: number, change: PageChange): void;
  /** The page's bytes as of `baseEpoch` (a copy; staged changes are not visible). */
  read(pageId: number): Uint8Array;
}

/**
 * A committed {@link transaction}: the commit (with how many derived pages its wave recomputed)
 * and what the transaction function returned.
 */
export interface TransactionResult<T> extends WaveCommit {
  readonly value: T;
}

interface InternalState extends MmsbState {
  running: boolean;
}

function live(state: MmsbState): PageStore {
  if (!state.running) throw new PageError('STORE_CLOSED', `the MMSB state on ${state.dir} was stopped; call mmsbStart again`);
  return state.store;
}

/**
 * Opens (or creates) the data directory and takes its single-writer lock. Recovery runs here: a
 * torn tail of the log is truncated; corruption before it is `LOG_CORRUPT` unless `repair`.
 */
export async function mmsbStart(options: MmsbOptions = {}): Promise<MmsbState> {
  const dir = options.dir ?? './.mmsb';
  const enableGpu = options.enableGpu ?? false;
  const store = await openStore({
    dir,
    allowDeviceFallback: true,
    ...(options.durability !== undefined ? { durability: options.durability } : {}),
    ...(options.repair !== undefined ? { repair: options.repair } : {}),
  });
  let derived: DerivedPages;
  try {
    derived = openDerivedPages(store, options.functions === undefined ? {} : { functions: options.functions });
  } catch (error) {
    await store.close();
    throw error;
  }
  const state: InternalState = { dir: store.dir, durability: store.durability, enableGpu, store, derived, running: true };
  return state;
}

/** Creates a page of `size` bytes (zeroed) at `location` (default `cpu`), as a commit of its own. */
export async function createPage(
  state: MmsbState,
  options: { readonly size: number; readonly location?: PageLocation; readonly id?: number },
): Promise<PageInfo> {
  const store = live(state);
  if (options.location === 'gpu' && !state.enableGpu) {
    throw new PageError('INVALID_ARGUMENT', `location 'gpu' needs mmsbStart({ enableGpu: true }); got it with enableGpu false`);
  }
  return store.createPage(options);
}

/**
 * Changes one page — new bytes for the whole page, runs of `{ offset, bytes }`, or a delta — as
 * one commit, together with the wave of derived pages it reaches; settles once the commit is as
 * durable as the state's `durability`. A derived page itself is refused (`DERIVED_WRITE`).
 */
export async function updatePage(state: MmsbState, pageId: number, change: PageChange): Promise<WaveCommit> {
  live(state);
  return state.derived.update(pageId, change);
}

/**
 * Registers a derived page: `recompute(inputs, previous)` returns its bytes (or runs, or a delta)
 * from its input pages' bytes. Its first bytes are computed now; from then on every commit that
 * changes an input recomputes it in the same epoch, each derived page at most once, in
 * dependency order. The registration is logged, so replay needs no code; `key` re-attaches the
 * function after a restart (calling `derivePage` again with the same spec does that too).
 */
export async function derivePage(state: MmsbState, spec: DeriveSpec): Promise<DerivedPageInfo> {
  live(state);
  return state.derived.derive(spec);
}

/** Subscribes to propagation events (wave start, node recomputed, cutoff, wave end); returns the unsubscribe. */
export function onPropagation(state: MmsbState, listener: PropagationListener): () => void {
  live(state);
  return state.derived.subscribe(listener);
}

/** A copy of the page now, or as of `epoch` (any epoch the checkpoints and the log still cover). */
export async function queryPage(state: MmsbState, pageId: number, options: { readonly epoch?: number } = {}): Promise<Uint8Array> {
  return live(state).read(pageId, options);
}

/** The pages of the state now. */
export function listPages(state: MmsbState): readonly PageInfo[] {
  return live(state).pages();
}

/**
 * Runs `fn` inside one write transaction and commits everything it staged as one atomic record;
 * if `fn` throws (or its promise rejects), the transaction is aborted without trace and the error
 * is rethrown. Only one transaction may be open at a time (`TX_CONFLICT`), but one whose commit
 * is in flight no longer counts: when `fn` is synchronous the commit starts before `transaction`
 * returns, so a caller may start the next one without awaiting this one (commits keep their
 * order; with `group` durability they share fsyncs).
 */
export async function transaction<T>(state: MmsbState, fn: (tx: TransactionScope) => T | Promise<T>): Promise<TransactionResult<T>> {
  const store = live(state);
  const tx = state.derived.begin();
  const pinned: { snapshot: Snapshot | null } = { snapshot: null }; // taken on the first read: most transactions never read
  let value: T;
  try {
    const scope: TransactionScope = {
      baseEpoch: tx.baseEpoch,
      stage: (pageId, change) => tx.stage(pageId, change),
      read: (pageId) => (pinned.snapshot ??= store.snapshot()).read(pageId),
    };
    const out = fn(scope);
    // A synchronous `fn` commits before this call returns, so transactions started one after
    // another without awaiting each other are pipelined (group durability shares their fsyncs).
    value = out instanceof Promise ? ((await out) as T) : (out as T);
  } catch (error) {
    tx.abort();
    throw error;
  } finally {
    pinned.snapshot?.release();
  }
  const commit = await tx.commit();
  return { ...commit, value };
}

/** Writes a checkpoint of every page now, so replay and reopening start from here. */
export async function checkpoint(state: MmsbState): Promise<CheckpointInfo> {
  return live(state).checkpoint();
}

/** A reader pinned at the current epoch; call `release()` when done. */
export function snapshot(state: MmsbState): Snapshot {
  return live(state).snapshot();
}

/** SHA-256 (hex) of the page table and every page's bytes, now or at `epoch`. */
export async function digest(state: MmsbState, options: { readonly epoch?: number } = {}): Promise<string> {
  return live(state).digest(options);
}

/** The last committed epoch. */
export function currentEpoch(state: MmsbState): number {
  return live(state).epoch;
}

/**
 * Waits for commits in flight, optionally writes a checkpoint, and releases the data directory.
 * Idempotent; every later call on the state is `STORE_CLOSED`.
 */
export async function mmsbStop(state: MmsbState, options: { readonly checkpoint?: boolean } = {}): Promise<void> {
  if (!state.running) return;
  (state as InternalState).running = false;
  await state.store.close(options);
}
