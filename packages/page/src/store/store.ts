// The live page store: one writer, many snapshot readers, over a data directory. Every mutation
// happens synchronously inside the call that asks for it — validate, apply to the pages, encode
// the record, hand it to the TLog — and only the acknowledgement waits, so commits issued
// back-to-back share fsyncs under `group` while memory always shows whole commits in epoch order.
// If the log refuses a record, every commit not yet acknowledged is undone with its before-images
// (newest first) so memory matches the log again, and the store refuses writes until reopened.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PageAllocator, isPhysicalError, mappedSupported } from '@mmsb/physical';
import type { PageHandle } from '@mmsb/physical';
import { ImageCompressor, PackBuffers, listCheckpoints, removeCheckpointTemps, retireCheckpoints, writeCheckpoint } from '../checkpoint/checkpoint.js';
import type { CheckpointPage } from '../checkpoint/checkpoint.js';
import type { Manifest } from '../checkpoint/format.js';
import { applyDelta } from '../delta/apply.js';
import { denseDelta, sparseDelta } from '../delta/construct.js';
import { invertDelta } from '../delta/invert.js';
import { mergeDeltas } from '../delta/merge.js';
import { toPlainDelta } from '../delta/plain.js';
import type { BoundDelta, Delta, PlainDelta } from '../delta/types.js';
import { MAX_U32 } from '../delta/validate.js';
import { PageError, isPageError } from '../errors.js';
import { nodeLogFileSystem } from '../internal/fs.js';
import type { LogFileSystem } from '../internal/fs.js';
import { ownedBytes } from '../internal/slab.js';
import { digestOf, rebuildState, storePaths } from '../replay/state.js';
import type { ReplayState, StateSource } from '../replay/state.js';
import { FORMAT_MAX_PAYLOAD_BYTES } from '../tlog/format.js';
import { TLog } from '../tlog/tlog.js';
import type { TLogRecord } from '../tlog/tlog.js';
import type {
  CheckpointInfo,
  CommitResult,
  CommittedDeltas,
  Durability,
  PageChange,
  PageInfo,
  PageLocation,
  PageStore,
  ProgressCallback,
  Snapshot,
  StoreOptions,
  StoreRecoveryReport,
  Transaction,
} from './api.js';
import { errnoOf, ioError } from './files.js';
import { classifyStoreDir, writeMarker } from './layout.js';
import { acquireStoreLock } from './lock.js';
import type { DirectoryLock } from './lock.js';
import { RecordCompression, decodeStoreRecord, encodeStoreRecord } from './record.js';
import { SHARED_CONTROL_BYTES } from './shared-reader.js';
import { PageStaging, StagedPages, checkRunInputs } from './staging.js';
import type { SharedStoreDescriptor } from './shared-reader.js';

const LOCATIONS: readonly PageLocation[] = ['cpu', 'shared', 'mapped', 'gpu'];

/** A commit's effect on one page, kept so the commit can be undone and old epochs read. */
interface Version {
  readonly epoch: number;
  readonly delta: BoundDelta;
  /** The page's `epoch` before this commit. */
  readonly prevEpoch: number;
}

interface Slot {
  readonly id: number;
  readonly size: number;
  readonly location: PageLocation;
  readonly createdEpoch: number;
  epoch: number;
  readonly handle: PageHandle;
  /** True when the bytes are in device memory, reachable only by copy. */
  readonly onDevice: boolean;
  /** The page's own seqlock word, for shared pages (SharedPageView readers of one page). */
  readonly seq: { readonly words: Int32Array; readonly index: number } | null;
  /** Versions newer than the oldest pinned snapshot, oldest first; empty when nothing is pinned. */
  chain: Version[];
  /**
   * The host view of the page, made on first use and kept: a page's memory never moves while its
   * slot lives (the handle is fixed), and a view per read or commit costs a typed-array object.
   */
  view: Uint8Array | null;
}

interface InFlight {
  readonly epoch: number;
  readonly applied: readonly { readonly slot: Slot; readonly delta: BoundDelta; readonly prevEpoch: number }[];
  readonly created: readonly Slot[];
  rolledBack: boolean;
  promise: Promise<void>;
}

/** Records of `none` commits handed to the log together, and their in-flight entries. */
interface RecordGroup {
  readonly records: TLogRecord[];
  readonly entries: InFlight[];
  promise: Promise<void>;
}

function invalid(message: string): PageError {
  return new PageError('INVALID_ARGUMENT', message);
}

function checkId(value: unknown, fn: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_U32) {
    throw invalid(`${fn}: page id must be an integer from 0 to ${MAX_U32}, got ${typeof value === 'number' ? String(value) : typeof value}`);
  }
}

function checkEpochArg(value: unknown, fn: string, what = 'epoch'): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw invalid(`${fn}: ${what} must be a non-negative integer, got ${typeof value === 'number' ? String(value) : typeof value}`);
  }
}

function checkOptionsObject(value: unknown, fn: string): void {
  if (value !== undefined && (typeof value !== 'object' || value === null)) throw invalid(`${fn}: options must be an object, got ${value === null ? 'null' : typeof value}`);
}

/** Validated options with defaults filled in. */
interface Settings {
  readonly dir: string;
  readonly durability: Durability;
  readonly repair: boolean;
  readonly segmentBytes: number | undefined;
  readonly compress: boolean;
  readonly keepCheckpoints: number;
  readonly allowDeviceFallback: boolean;
  readonly fs: LogFileSystem;
  readonly onProgress: ProgressCallback | undefined;
}

function settingsOf(options: StoreOptions | undefined): Settings {
  checkOptionsObject(options, 'openStore');
  const o = options ?? {};
  const fs = o.fs ?? nodeLogFileSystem;
  const raw = o.dir ?? '.mmsb';
  if (typeof raw !== 'string' || raw.length === 0) throw invalid(`openStore: dir must be a non-empty path, got ${JSON.stringify(raw)}`);
  const durability = o.durability ?? 'group';
  if (durability !== 'sync' && durability !== 'group' && durability !== 'none') {
    throw invalid(`openStore: durability must be 'sync', 'group' or 'none', got ${JSON.stringify(durability)}`);
  }
  const compression = o.compression ?? 'auto';
  if (compression !== 'auto' && compression !== 'none') throw invalid(`openStore: compression must be 'auto' or 'none', got ${JSON.stringify(compression)}`);
  const keep = o.keepCheckpoints ?? 2;
  if (!Number.isSafeInteger(keep) || keep < 1) throw invalid(`openStore: keepCheckpoints must be an integer ≥ 1, got ${String(keep)}`);
  for (const [name, value] of [['repair', o.repair], ['allowDeviceFallback', o.allowDeviceFallback]] as const) {
    if (value !== undefined && typeof value !== 'boolean') throw invalid(`openStore: ${name} must be a boolean, got ${typeof value}`);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw invalid('openStore: onProgress must be a function');
  return {
    // The real file system resolves against the working directory; a simulated one takes paths as given.
    dir: fs === nodeLogFileSystem ? resolve(raw) : raw,
    durability,
    repair: o.repair ?? false,
    segmentBytes: o.segmentBytes,
    compress: compression === 'auto',
    keepCheckpoints: keep,
    allowDeviceFallback: o.allowDeviceFallback ?? true,
    fs,
    onProgress: o.onProgress,
  };
}

/**
 * Opens the data directory `options.dir` (default `./.mmsb`) as its one writer, creating it when
 * missing or empty. Refuses a directory that is not an MMSB one (NOT_A_STORE) and one another
 * writer holds (STORE_LOCKED). Recovers: the TLog cuts a torn tail (LOG_CORRUPT on corruption
 * unless `repair`), then the state is rebuilt from the newest checkpoint that checksums and the
 * log after it — an older checkpoint when a newer one is corrupt (`recovery` says which), and
 * CHECKPOINT_CORRUPT when none with the log covers the state.
 */
export async function openStore(options?: StoreOptions): Promise<PageStore> {
  const s = settingsOf(options);
  const { fs, dir } = s;
  const durable = s.durability !== 'none';
  const isNode = fs === nodeLogFileSystem;
  const kind = await classifyStoreDir(fs, dir);
  try {
    const made = await fs.mkdir(dir);
    if (made && durable) await fs.syncDir(resolve(dir, '..'));
  } catch (error) {
    if (errnoOf(error) === 'EEXIST' || errnoOf(error) === 'ENOTDIR') throw new PageError('NOT_A_STORE', `${dir} is not a directory`, { cause: error });
    throw ioError(`store: cannot create ${dir}`, error);
  }
  const lock = acquireStoreLock(fs, dir, isNode);
  let log: TLog | null = null;
  try {
    if (kind === 'fresh') await writeMarker(fs, dir, durable);
    const paths = storePaths(dir);
    try {
      if ((await fs.mkdir(paths.checkpoints)) && durable) await fs.syncDir(dir);
    } catch (error) {
      throw ioError(`store: cannot create ${paths.checkpoints}`, error);
    }
    await removeCheckpointTemps(fs, paths.checkpoints, durable);
    const opened = await TLog.open({
      dir: paths.tlog,
      durability: s.durability,
      repair: s.repair,
      fs,
      maxRecordBytes: FORMAT_MAX_PAYLOAD_BYTES,
      ...(s.segmentBytes === undefined ? {} : { segmentBytes: s.segmentBytes }),
    });
    log = opened.log;
    const live = log;
    const source: StateSource = {
      fs,
      checkpointsDir: paths.checkpoints,
      records: (from, to) => live.scan(from, Math.min(to, Number.MAX_SAFE_INTEGER)),
    };
    const { state, report } = await rebuildState(source, Number.POSITIVE_INFINITY, { onProgress: s.onProgress });
    const recovery: StoreRecoveryReport = {
      fromCheckpoint: report.fromCheckpoint,
      skippedCheckpoints: report.skipped,
      recordsReplayed: report.recordsApplied,
      log: opened.recovery,
    };
    return new LivePageStore(s, lock, live, state, report.manifest, recovery);
  } catch (error) {
    await log?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}

class LivePageStore implements PageStore {
  readonly dir: string;
  readonly durability: Durability;
  readonly recovery: StoreRecoveryReport;
  private readonly fs: LogFileSystem;
  private readonly durable: boolean;
  private readonly compress: boolean;
  private readonly keepCheckpoints: number;
  private readonly allowDeviceFallback: boolean;
  private readonly checkpointsDir: string;
  private readonly mappedDir: string | null;
  private readonly allocator = new PageAllocator();
  private readonly slots = new Map<number, Slot>();
  /**
   * The slots of ids 0..n−1 by index, as long as ids stay dense from 0 (ids are handed out in
   * order unless a caller picks one): one array load per lookup where a map of 100k slots costs a
   * hash probe and its cache misses on every view, stage and commit of a page. Ids start at 1:
   * index 0 starts empty.
   */
  private readonly denseSlots: (Slot | undefined)[] = [undefined];
  /** Page ids in ascending order, for deterministic iteration. */
  private ids: number[] = [];
  private nextId = 1;
  private current = 0;
  private tx: StoreTransaction | null = null;
  private readonly inflight: InFlight[] = [];
  /** `none`: the records of this synchronous run, waiting for their one append (see appendToGroup). */
  private group: RecordGroup | null = null;
  private failure: PageError | null = null;
  /** Pinned epochs (snapshots, checkpoints in progress) and how many pins each has. */
  private readonly pins = new Map<number, number>();
  private readonly chained = new Set<Slot>();
  private readonly control = new SharedArrayBuffer(SHARED_CONTROL_BYTES);
  private readonly seqWord = new Int32Array(this.control, 0, 1);
  private readonly epochWord = new Float64Array(this.control, 8, 1);
  private lastManifest: Manifest | null;
  private checkpointQueue: Promise<unknown> = Promise.resolve();
  /** The pack writer's chunk buffers, reused by every checkpoint of this store (they run one at a time). */
  private readonly packBuffers = new PackBuffers();
  /** The checkpoint compressor's back-off, kept between checkpoints (they run one at a time). */
  private readonly imageCompressor = new ImageCompressor();
  /** Manifests this store wrote or opened from, newest few, so retention need not read them back. */
  private readonly recentManifests = new Map<number, Manifest>();
  /** Whether commits try to compress their record (a back-off over records that did not compress). */
  private readonly recordCompression = new RecordCompression();
  /** The last checkpoint's retention, running after it was acknowledged; resolves to its failure or null. */
  private retention: Promise<unknown> = Promise.resolve(null);
  private logClosed = false;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(
    s: Settings,
    private readonly lock: DirectoryLock,
    private readonly log: TLog,
    state: ReplayState,
    manifest: Manifest | null,
    recovery: StoreRecoveryReport,
  ) {
    this.dir = s.dir;
    this.durability = s.durability;
    this.recovery = recovery;
    this.fs = s.fs;
    this.durable = s.durability !== 'none';
    this.compress = s.compress;
    this.keepCheckpoints = s.keepCheckpoints;
    this.allowDeviceFallback = s.allowDeviceFallback;
    this.checkpointsDir = storePaths(s.dir).checkpoints;
    // Mapped pages need the real file system and the native module; elsewhere they live on the
    // heap — what is durable is the log and the checkpoints either way.
    this.mappedDir = s.fs === nodeLogFileSystem && mappedSupported() ? join(s.dir, 'mapped') : null;
    this.lastManifest = manifest;
    if (manifest !== null) this.rememberManifest(manifest);
    try {
      for (const page of [...state.pages.values()].sort((a, b) => a.id - b.id)) {
        const slot = this.allocateSlot(page.id, page.size, page.location, page.createdEpoch, 'openStore');
        slot.epoch = page.epoch;
        this.writeWhole(slot, page.bytes);
        this.insertSlot(slot);
      }
    } catch (error) {
      this.allocator.close();
      throw error;
    }
    this.current = state.epoch;
    this.epochWord[0] = state.epoch;
  }

  get epoch(): number {
    return this.current;
  }

  // ---- reading -------------------------------------------------------------------------------

  pages(): readonly PageInfo[] {
    this.checkOpen();
    return this.ids.map((id) => this.infoOf(this.slotAt(id)));
  }

  page(pageId: number): PageInfo {
    this.checkOpen();
    return this.infoOf(this.slotOf(pageId, 'page'));
  }

  async read(pageId: number, options?: { readonly epoch?: number }): Promise<Uint8Array> {
    this.checkOpen();
    checkId(pageId, 'read');
    checkOptionsObject(options, 'read');
    const epoch = options?.epoch;
    if (epoch === undefined || epoch === this.current) return this.copyOf(this.slotOf(pageId, 'read'));
    this.checkPastEpoch(epoch, 'read');
    if (this.coveredByChains(epoch)) {
      const slot = this.slots.get(pageId);
      if (slot === undefined || slot.createdEpoch > epoch) throw new PageError('PAGE_NOT_FOUND', `read: page ${pageId} did not exist at epoch ${epoch}`);
      return this.bytesAt(slot, epoch);
    }
    const state = await this.stateAt(epoch, pageId);
    const page = state.pages.get(pageId);
    if (page === undefined) throw new PageError('PAGE_NOT_FOUND', `read: page ${pageId} did not exist at epoch ${epoch}`);
    return page.bytes;
  }

  view(pageId: number): Uint8Array {
    this.checkOpen();
    const slot = this.slotOf(pageId, 'view');
    if (slot.onDevice) throw invalid(`view: page ${pageId} lives in device memory, which has no host view; use read()`);
    return this.hostView(slot);
  }

  snapshot(): Snapshot {
    this.checkOpen();
    return new StoreSnapshot(this, this.current, this.pin(this.current));
  }

  sharedState(): SharedStoreDescriptor {
    this.checkOpen();
    const pages = [];
    for (const id of this.ids) {
      const slot = this.slotAt(id);
      if (slot.seq === null) continue;
      const d = this.allocator.sharedDescriptor(slot.handle);
      pages.push({ id, buffer: d.buffer, byteOffset: d.byteOffset, byteLength: d.byteLength });
    }
    return { control: this.control, pages };
  }

  async digest(options?: { readonly epoch?: number }): Promise<string> {
    this.checkOpen();
    checkOptionsObject(options, 'digest');
    const epoch = options?.epoch;
    if (epoch === undefined || epoch === this.current) {
      const views = new Map<number, Uint8Array>();
      for (const id of this.ids) {
        const slot = this.slotAt(id);
        views.set(id, slot.onDevice ? this.copyOf(slot) : this.hostView(slot));
      }
      return digestOf(this.ids.map((id) => this.slotAt(id)), (id) => views.get(id) ?? new Uint8Array(0));
    }
    this.checkPastEpoch(epoch, 'digest');
    if (this.coveredByChains(epoch)) {
      const live = this.ids.map((id) => this.slotAt(id)).filter((s) => s.createdEpoch <= epoch);
      return digestOf(live, (id) => this.bytesAt(this.slotAt(id), epoch));
    }
    const state = await this.stateAt(epoch);
    return digestOf(state.pages.values(), (id) => state.pages.get(id)?.bytes ?? new Uint8Array(0));
  }

  async diff(fromEpoch: number, toEpoch: number): Promise<readonly Delta[]> {
    const merged = new Map<number, PlainDelta>();
    for await (const { deltas } of this.scanCommits('diff', fromEpoch, toEpoch)) {
      for (const d of deltas) {
        const prev = merged.get(d.pageId);
        merged.set(d.pageId, prev === undefined ? toPlainDelta(d, 'diff') : mergeDeltas(prev, d));
      }
    }
    return [...merged.keys()].sort((a, b) => a - b).map((id) => merged.get(id) as PlainDelta);
  }

  commits(fromEpoch: number, toEpoch: number): AsyncGenerator<CommittedDeltas> {
    return this.scanCommits('commits', fromEpoch, toEpoch);
  }

  /** The commits after `fromEpoch` up to `toEpoch` from the log, checked as `fn` documents. */
  private async *scanCommits(fn: string, fromEpoch: number, toEpoch: number): AsyncGenerator<CommittedDeltas> {
    this.checkOpen();
    checkEpochArg(fromEpoch, fn, 'fromEpoch');
    checkEpochArg(toEpoch, fn, 'toEpoch');
    if (fromEpoch > toEpoch) throw invalid(`${fn}: fromEpoch ${fromEpoch} is after toEpoch ${toEpoch}`);
    if (toEpoch > this.current) throw new PageError('EPOCH_FUTURE', `${fn}: epoch ${toEpoch} is after the last commit ${this.current}`);
    if (fromEpoch === toEpoch) return;
    await this.settled(toEpoch);
    let expect = fromEpoch + 1;
    for await (const r of this.log.scan(fromEpoch + 1, toEpoch)) {
      if (r.epoch !== expect) break;
      // Decoded as copies: the payload is a view of the scan's reused read buffer.
      yield { epoch: r.epoch, deltas: decodeStoreRecord(r.payload, r.epoch).deltas };
      expect++;
    }
    if (expect !== toEpoch + 1) {
      throw new PageError('EPOCH_STALE', `${fn}: the log no longer holds epoch ${expect} (it starts at ${String(this.log.firstEpoch)}); checkpoints keep states, not the deltas between them`);
    }
  }

  // ---- writing -------------------------------------------------------------------------------

  createPage(options: { readonly size: number; readonly location?: PageLocation; readonly id?: number }): Promise<PageInfo> {
    try {
      this.checkWritable();
      if (typeof options !== 'object' || options === null) throw invalid('createPage: options { size, location?, id? } are required');
      const { size, location = 'cpu', id } = options;
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_U32) {
        throw invalid(`createPage: size must be an integer from 1 to ${MAX_U32}, got ${typeof size === 'number' ? String(size) : typeof size}`);
      }
      if (!LOCATIONS.includes(location)) throw invalid(`createPage: location must be one of ${LOCATIONS.join(', ')}, got ${JSON.stringify(location)}`);
      let pageId = this.nextId;
      if (id !== undefined) {
        checkId(id, 'createPage');
        if (this.slots.has(id)) throw new PageError('PAGE_EXISTS', `createPage: page ${id} exists`);
        pageId = id;
      }
      if (pageId > MAX_U32) throw invalid(`createPage: page ids are used up to ${MAX_U32}; pass an unused id`);
      const epoch = this.current + 1;
      const payload = encodeStoreRecord([{ id: pageId, size, location }], [], this.compress);
      const slot = this.allocateSlot(pageId, size, location, epoch, 'createPage');
      this.insertSlot(slot);
      this.beginWrite();
      this.current = epoch;
      this.endWrite();
      const info = this.infoOf(slot);
      return this.append(epoch, payload, [], [slot]).then(() => info);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  begin(): Transaction {
    this.checkWritable();
    if (this.tx !== null) throw new PageError('TX_CONFLICT', `begin: a transaction from epoch ${this.tx.baseEpoch} is open; one writer at a time`);
    const tx = new StoreTransaction(this, this.current);
    this.tx = tx;
    return tx;
  }

  update(pageId: number, change: PageChange): Promise<CommitResult> {
    try {
      const tx = this.begin();
      try {
        tx.stage(pageId, change);
      } catch (error) {
        tx.abort();
        throw error;
      }
      return tx.commit();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** @internal The page `stage` changes, once the store is checked writable. */
  stageSlot(pageId: number): Slot {
    this.checkWritable();
    return this.slotOf(pageId, 'stage');
  }

  /** @internal Validates one change for `stage` and returns it as a plain delta of the page. */
  deltaFor(pageId: number, change: PageChange): PlainDelta {
    const slot = this.stageSlot(pageId);
    const { size } = slot;
    if (change instanceof Uint8Array) {
      if (change.length !== size) throw new PageError('DELTA_MISMATCH', `stage: ${change.length} bytes for page ${pageId} of ${size} bytes; whole-page bytes must match its size`);
      // A copy (from the delta slab: a fresh ArrayBuffer costs more than a small page): callers
      // reuse their buffers, and the bytes are applied only at commit.
      const copy = ownedBytes(size);
      copy.set(change);
      return denseDelta(pageId, copy);
    }
    if (Array.isArray(change)) return sparseDelta(pageId, size, change);
    if (typeof change !== 'object' || change === null) throw invalid(`stage: a change is bytes, runs or a delta, got ${change === null ? 'null' : typeof change}`);
    if ('kind' in change) {
      const plain = toPlainDelta(change, 'stage');
      if (plain.pageId !== pageId || plain.size !== size) {
        throw new PageError('DELTA_MISMATCH', `stage: a delta for page ${plain.pageId} of ${plain.size} bytes cannot change page ${pageId} of ${size} bytes`);
      }
      return plain;
    }
    return sparseDelta(pageId, size, change);
  }

  /** @internal */
  endTransaction(tx: StoreTransaction): void {
    if (this.tx === tx) this.tx = null;
  }

  /** @internal Applies the staged deltas as one commit; see the file comment. */
  commitStaged(staged: StagedPages<PlainDelta>): Promise<CommitResult> {
    try {
      this.checkWritable();
      const count = staged.size;
      if (count === 0) return Promise.resolve({ epoch: this.current, pagesChanged: 0, recordBytes: 0 });
      const epoch = this.current + 1;
      const order = staged.order();
      const entries = staged.entries;
      // Sized up front: `[]` grown by push starts with room for 17, which costs more than a
      // one-page commit's bookkeeping.
      const applied = new Array<{ slot: Slot; delta: BoundDelta; prevEpoch: number }>(count);
      const deltas = new Array<BoundDelta>(count);
      let done = 0;
      let payload: Uint8Array;
      this.beginWrite();
      try {
        for (; done < count; done++) {
          const at = order[done] as number;
          const slot = this.slotOf(staged.ids[at] as number, 'commit');
          const delta = this.applyTo(slot, entries[at] as PlainDelta);
          applied[done] = { slot, delta, prevEpoch: slot.epoch };
          deltas[done] = delta;
        }
        payload = encodeStoreRecord([], deltas, this.compress, this.recordCompression);
        if (payload.byteLength > FORMAT_MAX_PAYLOAD_BYTES) {
          throw invalid(`commit: the record is ${payload.byteLength} bytes, over the log's ${FORMAT_MAX_PAYLOAD_BYTES}; split the transaction`);
        }
      } catch (error) {
        for (let k = done - 1; k >= 0; k--) {
          const a = applied[k] as { slot: Slot; delta: BoundDelta };
          this.applyTo(a.slot, invertDelta(a.delta));
        }
        this.endWrite();
        throw error;
      }
      const keep = this.pins.size > 0;
      for (const a of applied) {
        a.slot.epoch = epoch;
        if (keep) {
          a.slot.chain.push({ epoch, delta: a.delta, prevEpoch: a.prevEpoch });
          this.chained.add(a.slot);
        }
      }
      this.current = epoch;
      this.endWrite();
      const result: CommitResult = { epoch, pagesChanged: applied.length, recordBytes: payload.byteLength };
      return this.append(epoch, payload, applied, []).then(() => result);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  checkpoint(options?: { readonly onProgress?: ProgressCallback }): Promise<CheckpointInfo> {
    try {
      this.checkWritable();
      checkOptionsObject(options, 'checkpoint');
      if (options?.onProgress !== undefined && typeof options.onProgress !== 'function') throw invalid('checkpoint: onProgress must be a function');
      return this.queueCheckpoint(options?.onProgress);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  close(options?: { readonly checkpoint?: boolean }): Promise<void> {
    if (this.closing !== null) return this.closing;
    this.closed = true;
    this.tx?.markDone();
    this.tx = null;
    this.closing = (async () => {
      let failure: unknown = null;
      try {
        await Promise.allSettled(this.inflight.map((f) => f.promise));
        await this.checkpointQueue.catch(() => undefined);
        if (options?.checkpoint === true && this.failure === null) await this.queueCheckpoint(undefined);
      } catch (error) {
        failure = error;
      }
      const retired = await this.retention;
      if (retired !== null) failure ??= retired;
      try {
        this.logClosed = true;
        await this.log.close();
      } catch (error) {
        failure ??= error;
      }
      this.allocator.close();
      this.pins.clear();
      this.lock.release();
      if (failure !== null) throw failure;
    })();
    return this.closing;
  }

  // ---- snapshots -----------------------------------------------------------------------------

  /** @internal Pins `epoch` so commits keep the versions a reader of it needs; returns the unpin. */
  pin(epoch: number): () => void {
    this.pins.set(epoch, (this.pins.get(epoch) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const n = (this.pins.get(epoch) ?? 1) - 1;
      if (n > 0) this.pins.set(epoch, n);
      else this.pins.delete(epoch);
      this.dropVersions();
    };
  }

  /** Drops versions no pinned reader needs: those at or below the oldest pin, or all of them. */
  private dropVersions(): void {
    const oldest = this.oldestPin();
    for (const slot of this.chained) {
      if (oldest === null) slot.chain = [];
      else {
        let k = 0;
        while (k < slot.chain.length && (slot.chain[k]?.epoch ?? Infinity) <= oldest) k++;
        if (k > 0) slot.chain = slot.chain.slice(k);
      }
      if (slot.chain.length === 0) this.chained.delete(slot);
    }
  }

  private oldestPin(): number | null {
    let oldest: number | null = null;
    for (const e of this.pins.keys()) if (oldest === null || e < oldest) oldest = e;
    return oldest;
  }

  private coveredByChains(epoch: number): boolean {
    const oldest = this.oldestPin();
    return oldest !== null && oldest <= epoch;
  }

  /** @internal The page as of `epoch` (which a pin at or below it covers): undo newer versions. */
  bytesAt(slot: Slot, epoch: number): Uint8Array {
    const bytes = this.copyOf(slot);
    for (let k = slot.chain.length - 1; k >= 0; k--) {
      const v = slot.chain[k];
      if (v === undefined || v.epoch <= epoch) break;
      applyDelta(bytes, invertDelta(v.delta));
    }
    return bytes;
  }

  /** @internal Copies the bytes of `slot` as of `epoch` into `target` (of the page's size), without a copy of its own when the page has not changed since. */
  bytesInto(slot: Slot, epoch: number, target: Uint8Array): void {
    const newest = slot.chain[slot.chain.length - 1];
    if (newest === undefined || newest.epoch <= epoch) this.allocator.read(slot.handle, target, 0);
    else target.set(this.bytesAt(slot, epoch));
  }

  /** @internal The table entry of `slot` as of `epoch`. */
  infoAt(slot: Slot, epoch: number): PageInfo {
    let e = slot.epoch;
    for (let k = slot.chain.length - 1; k >= 0; k--) {
      const v = slot.chain[k];
      if (v === undefined || v.epoch <= epoch) break;
      e = v.prevEpoch;
    }
    return { id: slot.id, size: slot.size, location: slot.location, epoch: e };
  }

  /** @internal The slots that existed at `epoch`, by id. */
  slotsAt(epoch: number): Slot[] {
    return this.ids.map((id) => this.slotAt(id)).filter((s) => s.createdEpoch <= epoch);
  }

  /** @internal */
  checkOpen(): void {
    if (this.closed) throw new PageError('STORE_CLOSED', `the store in ${this.dir} is closed`);
  }

  /** @internal */
  slotOf(pageId: number, fn: string): Slot {
    checkId(pageId, fn);
    const slot = pageId < this.denseSlots.length ? this.denseSlots[pageId] : this.slots.get(pageId);
    if (slot === undefined) throw new PageError('PAGE_NOT_FOUND', `${fn}: no page ${pageId} (pages: ${this.ids.length === 0 ? 'none' : `${this.ids.length}, ids ${this.ids[0]}..${this.ids.at(-1)}`})`);
    return slot;
  }

  // ---- internals -----------------------------------------------------------------------------

  private checkWritable(): void {
    this.checkOpen();
    if (this.failure !== null) throw this.failure;
  }

  private slotAt(id: number): Slot {
    const slot = this.slots.get(id);
    if (slot === undefined) throw new Error(`unreachable: page ${id} is in the id list but has no slot`);
    return slot;
  }

  private infoOf(slot: Slot): PageInfo {
    return { id: slot.id, size: slot.size, location: slot.location, epoch: slot.epoch };
  }

  private insertSlot(slot: Slot): void {
    this.slots.set(slot.id, slot);
    const dense = this.denseSlots;
    if (slot.id < dense.length) dense[slot.id] = slot;
    else if (slot.id === dense.length) {
      dense.push(slot);
      // Ids inserted out of order earlier (a caller's own) may now continue the dense run.
      for (let next = this.slots.get(dense.length); next !== undefined; next = this.slots.get(dense.length)) dense.push(next);
    }
    let lo = 0;
    let hi = this.ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.ids[mid] ?? 0) < slot.id) lo = mid + 1;
      else hi = mid;
    }
    this.ids.splice(lo, 0, slot.id);
    if (slot.id >= this.nextId) this.nextId = slot.id + 1;
  }

  private removeSlot(slot: Slot): void {
    this.slots.delete(slot.id);
    if (slot.id < this.denseSlots.length) this.denseSlots[slot.id] = undefined;
    this.ids = this.ids.filter((id) => id !== slot.id);
    this.chained.delete(slot);
    slot.view = null;
    this.allocator.free(slot.handle);
  }

  private allocateSlot(id: number, size: number, location: PageLocation, createdEpoch: number, fn: string): Slot {
    let handle: PageHandle;
    try {
      switch (location) {
        case 'shared':
          handle = this.allocator.allocate(size, { kind: 'shared' });
          break;
        case 'mapped':
          if (this.mappedDir === null) {
            handle = this.allocator.allocate(size);
          } else {
            mkdirSync(this.mappedDir, { recursive: true });
            const path = join(this.mappedDir, String(id));
            // The file may hold bytes of an earlier run; the log and checkpoints say what is true.
            rmSync(path, { force: true });
            handle = this.allocator.allocate(size, { kind: 'mapped', path });
          }
          break;
        case 'gpu':
          handle = this.allocator.allocate(size, { kind: 'device', fallback: this.allowDeviceFallback ? 'host' : 'refuse' });
          break;
        default:
          handle = this.allocator.allocate(size);
      }
    } catch (cause) {
      const code = isPhysicalError(cause) ? cause.code : null;
      const message = `${fn}: cannot place page ${id} of ${size} bytes at ${location}: ${(cause as Error).message}`;
      throw new PageError(code === 'INVALID_SIZE' || code === 'DEVICE_UNAVAILABLE' ? 'INVALID_ARGUMENT' : 'IO_ERROR', message, { cause });
    }
    const onDevice = this.allocator.location(handle) === 'gpu';
    let seq: Slot['seq'] = null;
    if (location === 'shared') {
      const d = this.allocator.sharedDescriptor(handle);
      seq = { words: new Int32Array(d.seqBuffer), index: d.seqIndex };
    }
    return { id, size, location, createdEpoch, epoch: createdEpoch, handle, onDevice, seq, chain: [], view: null };
  }

  private writeWhole(slot: Slot, bytes: Uint8Array): void {
    this.allocator.write(slot.handle, bytes, 0);
  }

  private copyOf(slot: Slot): Uint8Array {
    if (slot.onDevice) {
      const out = new Uint8Array(slot.size);
      this.allocator.read(slot.handle, out, 0);
      return out;
    }
    return this.hostView(slot).slice();
  }

  /** The page's host view (not for device pages), kept on the slot. */
  private hostView(slot: Slot): Uint8Array {
    return (slot.view ??= this.allocator.view(slot.handle));
  }

  /** Applies `delta` to the page, under its own seqlock word when shared; returns it bound. */
  private applyTo(slot: Slot, delta: Delta): BoundDelta {
    if (slot.onDevice) {
      const host = this.copyOf(slot);
      const bound = applyDelta(host, delta);
      this.allocator.write(slot.handle, host, 0);
      return bound;
    }
    const view = this.hostView(slot);
    const seq = slot.seq;
    if (seq === null) return applyDelta(view, delta);
    let s = Atomics.load(seq.words, seq.index);
    while ((s & 1) !== 0 || Atomics.compareExchange(seq.words, seq.index, s, s + 1) !== s) s = Atomics.load(seq.words, seq.index);
    try {
      return applyDelta(view, delta);
    } finally {
      Atomics.store(seq.words, seq.index, (s + 2) | 0);
    }
  }

  /** Opens the store-wide write window that worker readers retry across. */
  private beginWrite(): void {
    Atomics.add(this.seqWord, 0, 1);
  }

  private endWrite(): void {
    this.epochWord[0] = this.current;
    Atomics.add(this.seqWord, 0, 1);
  }

  /** Hands the record to the log; if the log refuses it, undoes every unacknowledged commit. */
  private append(epoch: number, payload: Uint8Array, applied: InFlight['applied'], created: readonly Slot[]): Promise<void> {
    if (!this.durable) return this.appendToGroup(epoch, payload, applied, created);
    const entry: InFlight = { epoch, applied, created, rolledBack: false, promise: Promise.resolve() };
    this.inflight.push(entry);
    entry.promise = this.log.append(epoch, payload).then(
      () => {
        const k = this.inflight.indexOf(entry);
        if (k >= 0) this.inflight.splice(k, 1);
      },
      (cause: unknown) => this.refused(epoch, cause),
    );
    return entry.promise;
  }

  /**
   * `none`: the records of the commits made in one synchronous run go to the log as one
   * `appendBatch`, issued in a microtask after the first of them — one log call, one promise and
   * one queue entry for the run instead of one each per commit (a commit of a small page costs
   * little more than those). What the commits promise is unchanged: each resolves once its record
   * was written to the OS, in epoch order; if the log refuses the batch, every commit in it (and
   * after it) is undone as before. `sync` and `group` append each record as it is made.
   */
  private appendToGroup(epoch: number, payload: Uint8Array, applied: InFlight['applied'], created: readonly Slot[]): Promise<void> {
    let group = this.group;
    if (group === null) {
      const opened: RecordGroup = { records: [], entries: [], promise: Promise.resolve() };
      opened.promise = Promise.resolve().then(() => this.flushGroup(opened));
      this.group = group = opened;
    }
    const entry: InFlight = { epoch, applied, created, rolledBack: false, promise: group.promise };
    this.inflight.push(entry);
    group.entries.push(entry);
    group.records.push({ epoch, payload });
    return group.promise;
  }

  private flushGroup(group: RecordGroup): Promise<void> {
    if (this.group === group) this.group = null;
    const first = group.records[0] as TLogRecord;
    return this.log.appendBatch(group.records).then(
      () => {
        // Groups are acknowledged in order and their entries pushed together: they lead the list.
        const k = this.inflight.indexOf(group.entries[0] as InFlight);
        if (k >= 0) this.inflight.splice(k, group.entries.length);
      },
      (cause: unknown) => this.refused(first.epoch, cause),
    );
  }

  private refused(epoch: number, cause: unknown): never {
    const error = ioError(`commit of epoch ${epoch}: the log refused the record; memory was rolled back to the last acknowledged commit and the store refuses writes until reopened`, cause);
    this.rollBackFrom(epoch, error);
    throw error;
  }

  private rollBackFrom(epoch: number, error: PageError): void {
    this.failure ??= error;
    const undo = this.inflight.filter((f) => f.epoch >= epoch && !f.rolledBack).sort((a, b) => b.epoch - a.epoch);
    if (undo.length === 0) return;
    this.beginWrite();
    for (const f of undo) {
      f.rolledBack = true;
      for (const a of [...f.applied].reverse()) {
        if (this.closed) break;
        this.applyTo(a.slot, invertDelta(a.delta));
        a.slot.epoch = a.prevEpoch;
        if (a.slot.chain.at(-1)?.epoch === f.epoch) a.slot.chain.pop();
      }
      if (!this.closed) for (const slot of f.created) this.removeSlot(slot);
      this.current = Math.min(this.current, f.epoch - 1);
    }
    this.endWrite();
    for (const f of undo) this.inflight.splice(this.inflight.indexOf(f), 1);
  }

  /** Waits until every commit up to `epoch` is acknowledged; IO_ERROR when one was rolled back. */
  private async settled(epoch: number): Promise<void> {
    await Promise.allSettled(this.inflight.filter((f) => f.epoch <= epoch).map((f) => f.promise));
    if (epoch > this.current) {
      throw this.failure ?? new PageError('IO_ERROR', `epoch ${epoch} was rolled back: the log refused it`);
    }
  }

  private checkPastEpoch(epoch: unknown, fn: string): asserts epoch is number {
    checkEpochArg(epoch, fn);
    if (epoch > this.current) throw new PageError('EPOCH_FUTURE', `${fn}: epoch ${epoch} is after the last commit ${this.current}`);
  }

  /** The state at a past epoch, replayed from a checkpoint and the log (with `page`, that page's bytes alone). */
  private async stateAt(epoch: number, page?: number): Promise<ReplayState> {
    await this.settled(epoch);
    const log = this.log;
    const source: StateSource = {
      fs: this.fs,
      checkpointsDir: this.checkpointsDir,
      records: (from: number, to: number): AsyncIterable<TLogRecord> => log.scan(from, to),
    };
    return (await rebuildState(source, epoch, { page })).state;
  }

  private queueCheckpoint(onProgress: ProgressCallback | undefined): Promise<CheckpointInfo> {
    const run = this.checkpointQueue.then(
      () => this.writeCheckpointNow(onProgress),
      () => this.writeCheckpointNow(onProgress),
    );
    this.checkpointQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Retention after a durable checkpoint: old manifests beyond `keepCheckpoints`, the packs only
   * they used, then the log segments before the oldest kept checkpoint — each step fsynced before
   * the next, as before; only no longer on the checkpoint's latency. Resolves to the failure, if
   * any (the next checkpoint's retention tries again; close() reports it).
   */
  /** Keeps `manifest` for retention, with the newest `keepCheckpoints` others at most. */
  private rememberManifest(manifest: Manifest): void {
    this.recentManifests.set(manifest.epoch, manifest);
    const epochs = [...this.recentManifests.keys()].sort((a, b) => b - a);
    for (const e of epochs.slice(this.keepCheckpoints + 1)) this.recentManifests.delete(e);
  }

  /** @internal Resolves once the last checkpoint's retention is done (tests check what it removed). */
  async retentionSettled(): Promise<void> {
    await this.retention;
  }

  private async retire(): Promise<unknown> {
    try {
      const { oldestKept } = await retireCheckpoints(this.fs, this.checkpointsDir, this.keepCheckpoints, this.durable, this.recentManifests);
      if (oldestKept !== null && this.failure === null && !this.logClosed) await this.log.retainFrom(oldestKept + 1);
      return null;
    } catch (error) {
      return error;
    }
  }

  private async writeCheckpointNow(onProgress: ProgressCallback | undefined): Promise<CheckpointInfo> {
    // The previous checkpoint's retention first: it may hand this one its spare pack.
    await this.retention;
    const epoch = this.current;
    const unpin = this.pin(epoch);
    try {
      await this.settled(epoch);
      const previous = this.lastManifest;
      if (previous !== null && previous.epoch === epoch) {
        const existing = (await listCheckpoints(this.fs, this.checkpointsDir)).includes(epoch);
        if (existing) return { epoch, path: join(this.checkpointsDir, `${epoch.toString(16).padStart(16, '0')}.ckpt`), pages: previous.entries.length, pagesWritten: 0, bytesWritten: 0 };
      }
      // One small object per page, no closures, spreads or intermediate arrays: a checkpoint of
      // thousands of pages builds this list on every call.
      const pages: CheckpointPage[] = [];
      for (const id of this.ids) {
        const slot = this.slotAt(id);
        if (slot.createdEpoch <= epoch) pages.push(new CheckpointSlot(this, slot, epoch));
      }
      const written = await writeCheckpoint({
        fs: this.fs,
        dir: this.checkpointsDir,
        epoch,
        pages,
        previous,
        durable: this.durable,
        compress: this.compress,
        onProgress,
        buffers: this.packBuffers,
        compressor: this.imageCompressor,
      });
      this.lastManifest = written.manifest;
      this.rememberManifest(written.manifest);
      // The checkpoint is durable: acknowledge it now and retire what it made obsolete afterwards
      // (docs/adr/0008). The next checkpoint and close() wait for that retention.
      this.retention = this.retire();
      return { epoch, path: written.path, pages: pages.length, pagesWritten: written.pagesWritten, bytesWritten: written.bytesWritten };
    } finally {
      unpin();
    }
  }

}

/**
 * Stagings of ended transactions, kept for the next ones so a commit allocates no staging buffers
 * (one writer at a time; enough for a commit touching a few hundred pages; several stores in a
 * process share them).
 */
const spareStagings: PageStaging[] = [];
const SPARE_STAGINGS = 256;
/** Of those, how many may hold buffers grown past the default sizes (the rest must be small). */
const SPARE_LARGE_STAGINGS = 16;
/**
 * Page lists of ended transactions, for the next ones (a transaction's two small arrays cost more
 * than a one-page commit's other bookkeeping). Lists that held more pages are dropped.
 */
const spareStagedPages: StagedPages<PageStaging | PlainDelta>[] = [];
const SPARE_STAGED_PAGES_MAX = 1024;

/** A page as a checkpoint at `at` sees it (see CheckpointPage); its epoch is the last change at or before `at`. */
class CheckpointSlot implements CheckpointPage {
  readonly id: number;
  readonly size: number;
  readonly location: PageLocation;
  readonly createdEpoch: number;
  readonly epoch: number;

  constructor(
    private readonly store: LivePageStore,
    private readonly slot: Slot,
    private readonly at: number,
  ) {
    this.id = slot.id;
    this.size = slot.size;
    this.location = slot.location;
    this.createdEpoch = slot.createdEpoch;
    this.epoch = slot.chain.length === 0 ? slot.epoch : store.infoAt(slot, at).epoch;
  }

  read(): Uint8Array {
    return this.store.bytesAt(this.slot, this.at);
  }

  readInto(target: Uint8Array): void {
    this.store.bytesInto(this.slot, this.at, target);
  }
}

class StoreTransaction implements Transaction {
  /**
   * What each page has staged: a page staged once with whole bytes or a delta holds that delta
   * itself (a wave stages one whole image per derived page, and a staging per page would cost
   * more than the page); runs, or a second stage, go through a {@link PageStaging}.
   */
  private readonly staged: StagedPages<PageStaging | PlainDelta> = spareStagedPages.pop() ?? new StagedPages();
  private done = false;

  constructor(
    private readonly store: LivePageStore,
    readonly baseEpoch: number,
  ) {}

  stage(pageId: number, change: PageChange): void {
    this.checkLive('stage');
    if (Array.isArray(change)) {
      // The common case, kept cheap: runs are checked and appended, and normalized at commit.
      const { size } = this.store.stageSlot(pageId);
      checkRunInputs(pageId, size, change);
      this.stagingOf(pageId, size).addRuns(change);
      return;
    }
    const delta = this.store.deltaFor(pageId, change);
    if (this.staged.find(pageId) >= 0) this.stagingOf(pageId, delta.size).addDelta(delta);
    else this.staged.add(pageId, delta);
  }

  private stagingOf(pageId: number, size: number): PageStaging {
    const at = this.staged.find(pageId);
    const had = at >= 0 ? this.staged.entries[at] : undefined;
    if (had instanceof PageStaging) return had;
    let staging = spareStagings.pop();
    if (staging === undefined) staging = new PageStaging(pageId, size);
    else staging.reset(pageId, size);
    if (had !== undefined) staging.addDelta(had);
    if (at >= 0) this.staged.entries[at] = staging;
    else this.staged.add(pageId, staging);
    return staging;
  }

  /** Hands the stagings back for reuse; the deltas they gave out own their memory. */
  private releaseStagings(): void {
    const { entries, size } = this.staged;
    for (let k = 0; k < size; k++) {
      const staging = entries[k];
      if (staging instanceof PageStaging) this.release(staging);
    }
    this.recycle();
  }

  /** Hands the page list back for the next transaction (this one has ended and holds nothing). */
  private recycle(): void {
    const staged = this.staged;
    if (staged.size > SPARE_STAGED_PAGES_MAX) return;
    staged.reset();
    if (spareStagedPages.length < 2) spareStagedPages.push(staged);
  }

  private release(staging: PageStaging): void {
    if (spareStagings.length >= SPARE_STAGINGS) return;
    // Up to 256 kept, so a commit touching a few hundred pages allocates none; only 16 of them
    // may hold grown buffers, so the kept memory stays a few MiB at most.
    if (spareStagings.length >= SPARE_LARGE_STAGINGS && !staging.small()) return;
    spareStagings.push(staging);
  }

  commit(): Promise<CommitResult> {
    try {
      this.checkLive('commit');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.markDone();
    // Each staging is replaced by its result in place: no second list of every page (a wave
    // commits 100k).
    const staged = this.staged;
    const entries = staged.entries;
    try {
      for (let k = 0; k < staged.size; k++) {
        const entry = entries[k];
        if (!(entry instanceof PageStaging)) continue;
        entries[k] = entry.result();
        this.release(entry);
      }
    } catch (error) {
      this.releaseStagings();
      return Promise.reject(error as Error);
    }
    const committed = this.store.commitStaged(staged as StagedPages<PlainDelta>);
    this.recycle();
    return committed;
  }

  abort(): void {
    if (this.done) return;
    this.markDone();
    this.releaseStagings();
  }

  /** @internal */
  markDone(): void {
    this.done = true;
    this.store.endTransaction(this);
  }

  private checkLive(fn: string): void {
    this.store.checkOpen();
    if (this.done) throw new PageError('TX_CLOSED', `${fn}: the transaction from epoch ${this.baseEpoch} has ended (committed or aborted)`);
  }
}

class StoreSnapshot implements Snapshot {
  private released = false;

  constructor(
    private readonly store: LivePageStore,
    readonly epoch: number,
    private readonly unpin: () => void,
  ) {}

  pages(): readonly PageInfo[] {
    this.check('pages');
    return this.store.slotsAt(this.epoch).map((s) => this.store.infoAt(s, this.epoch));
  }

  read(pageId: number): Uint8Array {
    this.check('read');
    let slot: Slot;
    try {
      slot = this.store.slotOf(pageId, 'snapshot.read');
    } catch (error) {
      if (isPageError(error, 'PAGE_NOT_FOUND')) throw new PageError('PAGE_NOT_FOUND', `snapshot.read: no page ${pageId} at epoch ${this.epoch}`);
      throw error;
    }
    if (slot.createdEpoch > this.epoch) throw new PageError('PAGE_NOT_FOUND', `snapshot.read: page ${pageId} was created after epoch ${this.epoch}`);
    return this.store.bytesAt(slot, this.epoch);
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.unpin();
  }

  private check(fn: string): void {
    this.store.checkOpen();
    if (this.released) throw invalid(`snapshot.${fn}: the snapshot of epoch ${this.epoch} was released`);
  }
}
