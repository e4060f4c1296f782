// The contract of the page store: what the façade (`mmsb`), the CLI and the upper layers code
// against. The store is one writer and many snapshot readers over a data directory:
//   <dir>/LOCK          single-writer lock (store/lock.ts)
//   <dir>/tlog/         the transaction log (tlog/)
//   <dir>/checkpoints/  checkpoints: page images plus a manifest
import type { SparseRuns } from '@mmsb/native';
import type { Delta, SparseRunInput } from '../delta/types.js';
import type { LogFileSystem } from '../internal/fs.js';
import type { TLogRecoveryReport } from '../tlog/recovery.js';
import type { TLogDurability } from '../tlog/tlog.js';
import type { SharedStoreDescriptor } from './shared-reader.js';

/** Where a page's bytes live (DESIGN.md §2): heap, SharedArrayBuffer, a mapped file, a device. */
export type PageLocation = 'cpu' | 'shared' | 'mapped' | 'gpu';

/** How durable a commit is before it is acknowledged; see TLogDurability. */
export type Durability = TLogDurability;

/** Options of {@link PageStoreOpener}. */
export interface StoreOptions {
  /** The data directory; default `./.mmsb`. Created when missing. */
  readonly dir?: string;
  /** Default `group`: every acknowledged commit is fsynced, concurrent commits share an fsync. */
  readonly durability?: Durability;
  /** On log corruption keep what precedes it and move the rest aside, instead of refusing. */
  readonly repair?: boolean;
  /** Target TLog segment size in bytes. */
  readonly segmentBytes?: number;
  /** Compress commit payloads where it pays (default `auto`). */
  readonly compression?: 'auto' | 'none';
  /** How many checkpoints to keep (default 2); the log is kept from the oldest one on. */
  readonly keepCheckpoints?: number;
  /** Allow `gpu` pages to live on the host when no device exists (default true). */
  readonly allowDeviceFallback?: boolean;
  /** The file layer (default node:fs); tests pass a fault-injecting one. */
  readonly fs?: LogFileSystem;
  /** Progress of the recovery replay on open. */
  readonly onProgress?: ProgressCallback;
}

/** Opens (creating when missing) a data directory as the one writer: `openStore`. */
export type PageStoreOpener = (options?: StoreOptions) => Promise<PageStore>;

/** What opening the store found and did. */
export interface StoreRecoveryReport {
  /** The checkpoint the state was rebuilt from; null: from the empty state. */
  readonly fromCheckpoint: number | null;
  /** Newer checkpoints that failed their checksums (or could not be read) and were passed over. */
  readonly skippedCheckpoints: readonly { readonly epoch: number; readonly problem: string }[];
  /** Log records replayed after the checkpoint. */
  readonly recordsReplayed: number;
  /** What the TLog's own recovery found and did (torn tail cut, repair). */
  readonly log: TLogRecoveryReport;
}

/** A page as the page table records it. */
export interface PageInfo {
  readonly id: number;
  readonly size: number;
  /** Where it was asked to live. */
  readonly location: PageLocation;
  /** Epoch of its creation or last change. */
  readonly epoch: number;
}

/** What one change to one page may be: new bytes for the whole page, runs, or a delta. */
export type PageChange = Uint8Array | Delta | readonly SparseRunInput[] | SparseRuns;

/** An acknowledged commit. */
export interface CommitResult {
  /** The commit's identity: one more than the previous commit's. */
  readonly epoch: number;
  readonly pagesChanged: number;
  /** Bytes of the TLog record written. */
  readonly recordBytes: number;
}

/** One writer's transaction: stage changes, then commit them atomically or abort without trace. */
export interface Transaction {
  /** The epoch the transaction started from. */
  readonly baseEpoch: number;
  /** Validates at once (typed error, nothing staged on refusal); later stages of a page merge. */
  stage(pageId: number, change: PageChange): void;
  /** One TLog record holding every staged delta; settles once as durable as configured. */
  commit(): Promise<CommitResult>;
  /** Drops everything staged; idempotent. */
  abort(): void;
}

/** A reader pinned at one epoch: it keeps seeing that epoch while later commits land. */
export interface Snapshot {
  readonly epoch: number;
  pages(): readonly PageInfo[];
  /** A copy of the page as of the snapshot's epoch. */
  read(pageId: number): Uint8Array;
  /** Lets the store drop what it kept for this reader; idempotent. */
  release(): void;
}

/** A checkpoint written by {@link PageStore.checkpoint}. */
export interface CheckpointInfo {
  readonly epoch: number;
  readonly path: string;
  readonly pages: number;
  /** Page images written by this checkpoint (unchanged pages are shared with the previous one). */
  readonly pagesWritten: number;
  readonly bytesWritten: number;
}

/** The live store: one writer, many snapshot readers. */
export interface PageStore {
  readonly dir: string;
  /** The last committed epoch (0 for a new store). */
  readonly epoch: number;
  readonly durability: Durability;
  /** What opening the store found and did. */
  readonly recovery: StoreRecoveryReport;
  pages(): readonly PageInfo[];
  page(pageId: number): PageInfo;
  /** Creates a page (a logged commit of its own); ids are assigned in order unless given. */
  createPage(options: { readonly size: number; readonly location?: PageLocation; readonly id?: number }): Promise<PageInfo>;
  /** Starts the one write transaction; a second open one is TX_CONFLICT. */
  begin(): Transaction;
  /** A transaction of one change. */
  update(pageId: number, change: PageChange): Promise<CommitResult>;
  /** A copy of the page now, or as of `epoch` (any epoch the checkpoints and log still cover). */
  read(pageId: number, options?: { readonly epoch?: number }): Promise<Uint8Array>;
  /** A zero-copy view of the page now; valid until the next commit touches it. */
  view(pageId: number): Uint8Array;
  snapshot(): Snapshot;
  /**
   * For worker_threads readers of the `shared` pages: buffers plus the store-wide sequence word
   * that brackets every commit (read them with `SharedStoreReader`); covers the shared pages that
   * exist now.
   */
  sharedState(): SharedStoreDescriptor;
  /**
   * Writes a checkpoint of the current epoch; commits may go on meanwhile. Resolves once it is
   * durable. Retention — removing checkpoints beyond `keepCheckpoints`, the packs only they used and
   * the log segments before the oldest kept one — runs after that, in the background; the next
   * checkpoint and `close()` wait for it (docs/adr/0008).
   */
  checkpoint(options?: { readonly onProgress?: ProgressCallback }): Promise<CheckpointInfo>;
  /** SHA-256 (hex) of the page table and every page's bytes in id order, now or at `epoch`. */
  digest(options?: { readonly epoch?: number }): Promise<string>;
  /** Per changed page, one bound delta taking `fromEpoch` to `toEpoch`, sorted by page id. */
  diff(fromEpoch: number, toEpoch: number): Promise<readonly Delta[]>;
  /**
   * The commits after `fromEpoch` up to `toEpoch`, one at a time in epoch order, each with its
   * bound deltas sorted by page id: one pass over the log, where `diff(e - 1, e)` per epoch would
   * search the log again for every epoch. Errors as `diff` (EPOCH_STALE when the log no longer
   * holds `fromEpoch + 1`, before anything is yielded).
   */
  commits(fromEpoch: number, toEpoch: number): AsyncIterable<CommittedDeltas>;
  /** Waits for commits in flight and checkpoint retention, optionally checkpoints, releases the lock; idempotent. */
  close(options?: { readonly checkpoint?: boolean }): Promise<void>;
}

/** One commit as {@link PageStore.commits} gives it. */
export interface CommittedDeltas {
  readonly epoch: number;
  /** One bound delta per page the commit changed, sorted by page id (owning their memory). */
  readonly deltas: readonly Delta[];
}

/** Called during long work (replay, checkpoint, verify) so a caller can draw a progress bar. */
export type ProgressCallback = (done: number, total: number, what: string) => void;

/** The state at an epoch, rebuilt read-only from checkpoints and the log. */
export interface ReplayResult {
  readonly epoch: number;
  /** Same definition as {@link PageStore.digest}; computed (SHA-256 of every page) on first read. */
  readonly digest: string;
  readonly pages: readonly PageInfo[];
  /** Page bytes by id (small pages may share an underlying buffer: use each view's byteOffset). */
  readonly bytes: ReadonlyMap<number, Uint8Array>;
  /** The checkpoint it started from (null: from an empty state) and how many records it applied. */
  readonly fromCheckpoint: number | null;
  readonly recordsApplied: number;
  /** Bytes read from disk: the checkpoint's manifest and images, and the log records' payloads as stored (compressed where they were). */
  readonly bytesRead: number;
  /** The applied log records' payloads once decompressed: the logical bytes replay decoded (equals their stored bytes when nothing was compressed). */
  readonly logicalBytes: number;
}

/** What an integrity check found. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly lastEpoch: number;
  readonly records: number;
  readonly checkpoints: readonly { readonly epoch: number; readonly ok: boolean; readonly problem: string | null }[];
  /** Every problem, each naming the file and offset or page. */
  readonly problems: readonly string[];
  /** What `repair` did (moved aside, truncated); empty without repair. */
  readonly repaired: readonly string[];
}

/** What is in a data directory, for `mmsb inspect`. */
export interface InspectReport {
  readonly dir: string;
  readonly lastEpoch: number;
  readonly firstLogEpoch: number | null;
  readonly pages: readonly PageInfo[];
  readonly segments: readonly { readonly name: string; readonly bytes: number; readonly firstEpoch: number | null; readonly lastEpoch: number }[];
  readonly checkpoints: readonly { readonly epoch: number; readonly pages: number; readonly bytes: number }[];
  /** Corruption the log scan met (each naming the file and offset); `verifyStore` checks everything. */
  readonly problems: readonly string[];
  readonly locked: boolean;
}
