// The public shapes of derived pages: registrations, recompute functions, commits and events.
import type { CommitResult, PageChange, PageLocation, ProgressCallback } from '@mmsb/page';

/**
 * Computes a derived page from its inputs. `inputs[i]` holds the bytes of the i-th input page as
 * they will be after the commit (never a mix of old and new); `previous` is a private copy of the
 * derived page's committed bytes. Return either the whole new page (`size` bytes — `previous`
 * itself, changed in place, is fine) or a change of it: runs `[{ offset, bytes }]`, `SparseRuns`,
 * or a `Delta` of this page. Returning bytes equal to the current ones cuts the wave off there.
 *
 * The function must be deterministic — a pure function of `inputs` and `previous` — because
 * `replayDerivedPages` re-runs it and compares with the log. It must not change the input
 * arrays (they are the store's own memory) nor keep them past the call.
 */
export type DerivedRecompute = (inputs: readonly Uint8Array[], previous: Uint8Array) => PageChange;

/** What `DerivedPages.derive` registers. */
export interface DeriveSpec {
  /** Stable name of the registration (1 to 1024 UTF-8 bytes), used to re-attach `recompute` after a reopen. */
  readonly key: string;
  /** Input page ids, in the order `recompute` receives them; each an existing page, repeats allowed. */
  readonly inputs: readonly number[];
  /** Size of the derived page in bytes: required for a new page, checked against `page` when both are given. */
  readonly size?: number;
  /** Where a new page lives (default `cpu`). */
  readonly location?: PageLocation;
  /** An existing page to derive, instead of creating one (it must not be derived already). */
  readonly page?: number;
  readonly recompute: DerivedRecompute;
}

/** A registered derived page. */
export interface DerivedPageInfo {
  readonly key: string;
  readonly pageId: number;
  readonly size: number;
  readonly inputs: readonly number[];
  /** Whether a recompute function is attached (false after a reopen until `attach`). */
  readonly attached: boolean;
}

/** One source change of a batch. */
export interface SourceChange {
  readonly pageId: number;
  readonly change: PageChange;
}

/** An acknowledged commit and the wave that rode in it. */
export interface WaveCommit extends CommitResult {
  /** The engine's sequence number of the wave (not persisted; for matching events). */
  readonly wave: number;
  /** Derived pages whose recompute ran and changed them (their deltas are in this commit). */
  readonly recomputed: number;
  /** Derived pages whose recompute ran and gave back their current bytes. */
  readonly cutoffs: number;
}

/** One write transaction over sources: stage changes, then commit them with their wave, or abort. */
export interface DerivedTransaction {
  /** The epoch the transaction started from. */
  readonly baseEpoch: number;
  /**
   * Stages a change of a source page, validated at once by the store (typed `PageError`, nothing
   * staged on refusal); a derived page is refused with `DERIVED_WRITE`. Later stages of a page merge.
   */
  stage(pageId: number, change: PageChange): void;
  /**
   * Runs the wave — every derived page the staged changes reach, at most once each, in
   * topological order — and commits sources and derived deltas as one record under one epoch.
   * The store's pages hold the new bytes when this returns; the promise settles once the record
   * is as durable as the store is configured. A recompute that throws aborts the whole
   * transaction (`RECOMPUTE_FAILED`): nothing is logged, nothing changes.
   */
  commit(): Promise<WaveCommit>;
  /** Drops everything staged; idempotent. */
  abort(): void;
}

/** Why a wave ran. */
export type WaveReason = 'commit' | 'registration' | 'refresh';

/** A wave began: `sources` changed (or `seeds` must be recomputed regardless). */
export interface WaveStartEvent {
  readonly type: 'wave-start';
  readonly wave: number;
  readonly reason: WaveReason;
  /** The epoch the wave's commit starts from (it commits as `baseEpoch + 1`). */
  readonly baseEpoch: number;
  /** Changed pages whose dependents the wave recomputes. */
  readonly sources: readonly number[];
  /** Derived pages recomputed whatever their inputs did: new registrations, a refresh, or pages changed behind the engine's back. */
  readonly seeds: readonly number[];
}

/** A derived page was recomputed and changed. */
export interface NodeRecomputedEvent {
  readonly type: 'node-recomputed';
  readonly wave: number;
  readonly pageId: number;
  readonly key: string;
  /** Time spent in the recompute function and computing its new image (telemetry only). */
  readonly durationMs: number;
}

/** A derived page was recomputed and did not change: its dependents were not queued for it. */
export interface CutoffEvent {
  readonly type: 'cutoff';
  readonly wave: number;
  readonly pageId: number;
  readonly key: string;
  readonly durationMs: number;
}

/** A wave ended: committed (its record handed to the log) or aborted. */
export interface WaveEndEvent {
  readonly type: 'wave-end';
  readonly wave: number;
  readonly outcome: 'committed' | 'aborted';
  /** The commit's epoch; `baseEpoch` when aborted or when nothing changed. */
  readonly epoch: number;
  readonly recomputed: number;
  readonly cutoffs: number;
  /** From wave start to the in-memory commit (the log write is not included; it settles later). */
  readonly durationMs: number;
  /** Why it aborted. */
  readonly error?: Error;
}

/** Everything a propagation subscriber hears, in order: one start, nodes and cutoffs, one end. */
export type PropagationEvent = WaveStartEvent | NodeRecomputedEvent | CutoffEvent | WaveEndEvent;

/** Receives propagation events synchronously, during the wave; must not write to the store. */
export type PropagationListener = (event: PropagationEvent) => void;

/** Options of `openDerivedPages`. */
export interface DerivedPagesOptions {
  /** Recompute functions by registration key, attached to the persisted registrations on open. */
  readonly functions?: Readonly<Record<string, DerivedRecompute>>;
  /** Size of each registry page the engine creates (default 16 KiB, at least 64 bytes). */
  readonly registryPageSize?: number;
  /** Called with an error a listener threw (the wave goes on); default: rethrown in a microtask. */
  readonly onListenerError?: (error: unknown) => void;
}

/** One derived page whose recomputed bytes differ from the bytes the log holds. */
export interface DerivedMismatch {
  readonly epoch: number;
  readonly pageId: number;
  readonly key: string;
}

/** What `replayDerivedPages` found. */
export interface DerivedReplayReport {
  /** True when every recomputed derived page equals the logged one at every epoch checked. */
  readonly ok: boolean;
  /** The epoch the replay started from (its state taken from checkpoints and the log) and the last one it replayed. */
  readonly fromEpoch: number;
  readonly toEpoch: number;
  /** Recompute calls made. */
  readonly recomputed: number;
  readonly mismatches: readonly DerivedMismatch[];
  /** Every page at `toEpoch`: sources as logged, derived pages as recomputed. */
  readonly pages: ReadonlyMap<number, Uint8Array>;
  /** The state digest of `pages` (same definition as `PageStore.digest`); null unless `toEpoch` is the store's epoch. */
  readonly digest: string | null;
}

/** Options of `replayDerivedPages`. */
export interface DerivedReplayOptions {
  /** Recompute functions by key; every registration the replay meets needs one. */
  readonly functions: Readonly<Record<string, DerivedRecompute>>;
  /** Start from this epoch's state (default: the oldest epoch whose successors the log still holds). */
  readonly fromEpoch?: number;
  /** Replay up to this epoch (default: the store's). */
  readonly toEpoch?: number;
  /** Called as epochs are replayed — (done, total, 'epochs') — for a progress bar. */
  readonly onProgress?: ProgressCallback;
}
