// Derived pages: pages computed from other pages, kept up to date by a propagation wave that rides
// in the source commit (docs/adr/0013). A transaction stages source changes in the store's own
// transaction and computes their new images here (the store applies changes only at commit); at
// commit the wave pops every derived page the changes reach from a topological worklist, at most
// once each, recomputes it from its inputs' new images, and stages its delta into the same store
// transaction — so sources and derived deltas are one TLog record under one epoch, and replay
// needs no user code. A recompute that throws aborts the store transaction: nothing is logged.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- node ids popped from the worklist are registered nodes */
import { DagCycleError, DagError, ShadowPageGraph } from '@mmsb/dag';
import type { TopologicalWorklist } from '@mmsb/dag';
import { denseDelta, diffDelta, isPageError } from '@mmsb/page';
import type { PageChange, PageInfo, PageStore, Transaction } from '@mmsb/page';
import { DerivedPageError } from './errors.js';
import { applyChange, bytesEqual, copyImage, IdList, ImageTable, imageOf } from './internal/images.js';
import {
  MAX_KEY_BYTES,
  NO_NEXT_PAGE,
  REGISTRY_HEADER_BYTES,
  encodeHeader,
  entryLength,
  findRegistry,
  keyBytes,
  writeEntry,
} from './internal/registry-format.js';
import { replayDerivedPages } from './replay.js';
import type {
  DerivedPageInfo,
  DerivedPagesOptions,
  DerivedRecompute,
  DerivedReplayOptions,
  DerivedReplayReport,
  DerivedTransaction,
  DeriveSpec,
  PropagationEvent,
  PropagationListener,
  SourceChange,
  WaveCommit,
  WaveReason,
} from './types.js';

/** Default size of a registry page. */
export const DEFAULT_REGISTRY_PAGE_SIZE = 16 * 1024;
/** Derived pages up to this size are staged whole; larger ones as the diff from their old bytes. */
const STAGE_WHOLE_BYTES = 256;
const MAX_U32 = 0xffff_ffff;

interface DerivedNode {
  readonly key: string;
  readonly pageId: number;
  readonly size: number;
  readonly inputs: readonly number[];
  recompute: DerivedRecompute | null;
  /** Reused for every call: the inputs' bytes of the current wave. */
  readonly views: Uint8Array[];
}

/** A registry page as the engine tracks it (mutable while a registration is planned). */
interface ChainPage {
  pageId: number;
  readonly index: number;
  readonly size: number;
  used: number;
  count: number;
  next: number;
}

/** A registration being added: validated, placed in the registry, waiting for its page id. */
interface Plan {
  readonly key: string;
  readonly keyBytes: Uint8Array;
  readonly inputs: readonly number[];
  readonly size: number;
  readonly location: DeriveSpec['location'];
  pageId: number;
  readonly fresh: boolean;
  readonly recompute: DerivedRecompute;
  readonly chainPage: ChainPage;
  /** Offset of its entry in that page. */
  readonly offset: number;
}

function invalid(message: string, cause?: unknown): DerivedPageError {
  return new DerivedPageError('INVALID_ARGUMENT', message, cause === undefined ? {} : { cause });
}

function infoOf(node: DerivedNode): DerivedPageInfo {
  return { key: node.key, pageId: node.pageId, size: node.size, inputs: node.inputs, attached: node.recompute !== null };
}

function sameInputs(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The telemetry clock: read only when someone listens, and never for state. */
const now = (): number => performance.now();

/**
 * Opens the derived pages of `store`: finds the persisted registry (if any), rebuilds the
 * dependency graph from it and attaches `options.functions` by key (UNKNOWN_KEY for a key no
 * registration has). Registrations left without a function can be attached later; a wave that
 * reaches one fails with NOT_ATTACHED. All writes to pages that derived pages read should go
 * through the returned engine; commits made behind its back are caught up by its next wave.
 */
export function openDerivedPages(store: PageStore, options: DerivedPagesOptions = {}): DerivedPages {
  if (typeof options !== 'object' || options === null) throw invalid('openDerivedPages: options must be an object');
  const pageSize = options.registryPageSize ?? DEFAULT_REGISTRY_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 64 || pageSize > MAX_U32) throw invalid(`openDerivedPages: registryPageSize must be an integer from 64 to ${MAX_U32}, got ${String(pageSize)}`);
  const functions = options.functions ?? {};
  if (typeof functions !== 'object' || functions === null) throw invalid('openDerivedPages: functions must be an object of key → recompute function');
  const engine = new DerivedPages(store, pageSize, options.onListenerError ?? null);
  for (const key of Object.keys(functions)) engine.attach(key, functions[key]!);
  return engine;
}

/**
 * The derived pages of one store: registration, waves, events and replay checks. Made by
 * {@link openDerivedPages}. One writer: the engine's transactions are the store's one write
 * transaction.
 */
export class DerivedPages {
  /** The store the pages live in. */
  readonly store: PageStore;
  private readonly graph = new ShadowPageGraph<never, never>();
  private readonly worklist: TopologicalWorklist;
  private readonly nodes = new Map<number, DerivedNode>();
  private readonly byKey = new Map<string, DerivedNode>();
  private chain: ChainPage[] = [];
  private readonly registryPages = new Set<number>();
  private readonly registryPageSize: number;
  private readonly onListenerError: ((error: unknown) => void) | null;
  private listeners: PropagationListener[] = [];
  /** The open transaction, if any; the wave state below belongs to it. */
  private open: EngineTransaction | null = null;
  /** New images of the pages changed in the current wave (sources staged, derived recomputed). */
  private readonly images = new ImageTable();
  /** The sources staged in the open transaction. */
  private readonly changedSources = new IdList();
  /** The last epoch the engine accounts for; a store epoch past it means commits behind its back. */
  private seenEpoch: number;
  /** Caught-up changes not yet propagated (commits made behind the engine's back). */
  private readonly pendingSources = new Set<number>();
  private readonly pendingSeeds = new Set<number>();
  private waves = 0;
  private registering = false;

  /** @internal Use {@link openDerivedPages}. */
  constructor(store: PageStore, registryPageSize: number, onListenerError: ((error: unknown) => void) | null) {
    this.store = store;
    this.registryPageSize = registryPageSize;
    this.onListenerError = onListenerError;
    this.worklist = this.graph.createWorklist();
    const found = findRegistry(
      store.pages().map((p) => p.id),
      (id) => this.bytesOf(id),
    );
    if (found !== null) this.load(found.chain, found.entries);
    this.seenEpoch = store.epoch;
  }

  /** How many derived pages are registered. */
  get size(): number {
    return this.nodes.size;
  }

  /** Whether page `pageId` is a registered derived page. */
  isDerived(pageId: number): boolean {
    return this.nodes.has(pageId);
  }

  /** The registration of a key or a derived page id; undefined when there is none. */
  info(keyOrPageId: string | number): DerivedPageInfo | undefined {
    const node = typeof keyOrPageId === 'string' ? this.byKey.get(keyOrPageId) : this.nodes.get(keyOrPageId);
    return node === undefined ? undefined : infoOf(node);
  }

  /** Every registration, in registration order. */
  registrations(): DerivedPageInfo[] {
    return [...this.byKey.values()].map(infoOf);
  }

  /** The pages holding the persisted registry, root first. */
  registryPageIds(): number[] {
    return this.chain.map((p) => p.pageId);
  }

  /**
   * Attaches (or replaces) the recompute function of the persisted registration `key` — how a
   * reopened store gets its functions back. UNKNOWN_KEY when no registration has that key.
   */
  attach(key: string, recompute: DerivedRecompute): DerivedPageInfo {
    if (typeof recompute !== 'function') throw invalid(`attach: the recompute function of ${JSON.stringify(key)} must be a function, got ${typeof recompute}`);
    const node = this.byKey.get(key);
    if (node === undefined) {
      throw new DerivedPageError('UNKNOWN_KEY', `attach: no derived page is registered under ${JSON.stringify(key)} (registered: ${this.byKey.size === 0 ? 'none' : [...this.byKey.keys()].slice(0, 8).map((k) => JSON.stringify(k)).join(', ')})`, { key });
    }
    node.recompute = recompute;
    return infoOf(node);
  }

  /** Registers one derived page; see {@link deriveMany}. */
  async derive(spec: DeriveSpec): Promise<DerivedPageInfo> {
    const [info] = await this.deriveMany([spec]);
    return info!;
  }

  /**
   * Registers derived pages, all in one registration commit: each new page is created (a commit
   * of its own, as every `createPage` is), then one commit writes the registry entries and the
   * pages' first bytes, computed by a wave seeded with them. A key registered before with the same
   * inputs, size (and page) just gets `recompute` attached — so code may call `derive` on every
   * start — and with anything else is REGISTRATION_MISMATCH. Inputs that would make a page reach
   * itself are DERIVED_CYCLE (naming the cycle). If the registration commit fails, nothing is
   * registered; pages it created stay behind as plain zero pages.
   */
  async deriveMany(specs: readonly DeriveSpec[]): Promise<DerivedPageInfo[]> {
    this.checkIdle('deriveMany');
    if (!Array.isArray(specs)) throw invalid('deriveMany: specs must be an array');
    const results: (DerivedPageInfo | Plan)[] = [];
    const raw: Omit<Plan, 'chainPage' | 'offset'>[] = [];
    const keys = new Set<string>();
    const pagesTaken = new Set<number>();
    for (const spec of specs) {
      const attached = this.checkSpec(spec, keys, pagesTaken);
      if (attached !== null) results.push(attached);
      else {
        const plan = this.planOf(spec);
        raw.push(plan);
        results.push(plan as Plan);
      }
    }
    if (raw.length === 0) return results as DerivedPageInfo[];
    this.registering = true;
    try {
      const { plans, chain, created } = this.placeInRegistry(raw);
      for (const [i, plan] of plans.entries()) results[results.indexOf(raw[i] as Plan)] = plan;
      this.noteExternalChanges();
      // createPage assigns ids in call order, so all can be in flight at once.
      const creations: Promise<PageInfo>[] = [];
      for (const plan of plans) if (plan.fresh) creations.push(this.store.createPage(plan.location === undefined ? { size: plan.size } : { size: plan.size, location: plan.location }));
      for (const page of created) creations.push(this.store.createPage({ size: page.size }));
      const infos = await Promise.all(creations);
      this.seenEpoch = this.store.epoch;
      let k = 0;
      for (const plan of plans) if (plan.fresh) plan.pageId = infos[k++]!.id;
      for (const page of created) page.pageId = infos[k++]!.id;
      for (let i = 0; i < chain.length - 1; i++) chain[i]!.next = chain[i + 1]!.pageId;
      await this.commitRegistration(plans, chain);
    } finally {
      this.registering = false;
    }
    return (results as (DerivedPageInfo | Plan)[]).map((r) => ('chainPage' in r ? infoOf(this.nodes.get(r.pageId)!) : r));
  }

  /** Starts the one write transaction over sources (the store's TX_CONFLICT when one is open). */
  begin(): DerivedTransaction {
    this.checkIdle('begin');
    this.noteExternalChanges();
    const storeTx = this.store.begin();
    const tx = new EngineTransaction(this, storeTx);
    this.open = tx;
    return tx;
  }

  /** A transaction of one source change, committed with its wave. */
  update(pageId: number, change: PageChange): Promise<WaveCommit> {
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

  /** Many source changes, one wave, one commit: each derived page they reach recomputes once. */
  batch(changes: readonly SourceChange[]): Promise<WaveCommit> {
    try {
      if (!Array.isArray(changes)) throw invalid('batch: changes must be an array of { pageId, change }');
      const tx = this.begin();
      try {
        for (const c of changes) tx.stage(c.pageId, c.change);
      } catch (error) {
        tx.abort();
        throw error;
      }
      return tx.commit();
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Recomputes every derived page (each once, in order) and commits what changed: a repair after writes behind the engine's back, or a check after attaching functions. */
  refresh(): Promise<WaveCommit> {
    try {
      const tx = this.begin() as EngineTransaction;
      return this.commitWave(tx, 'refresh', [...this.nodes.keys()]);
    } catch (error) {
      return Promise.reject(error as Error);
    }
  }

  /** Subscribes to propagation events; returns the unsubscribe (idempotent). */
  subscribe(listener: PropagationListener): () => void {
    if (typeof listener !== 'function') throw invalid(`subscribe: the listener must be a function, got ${typeof listener}`);
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Replays the store's log re-running the attached recompute functions and compares with the
   * logged derived pages; see {@link replayDerivedPages}. Every registration met needs a function.
   */
  verifyReplay(options: Omit<DerivedReplayOptions, 'functions'> = {}): Promise<DerivedReplayReport> {
    const functions: Record<string, DerivedRecompute> = {};
    for (const node of this.byKey.values()) if (node.recompute !== null) functions[node.key] = node.recompute;
    return replayDerivedPages(this.store, { ...options, functions });
  }

  // ---- transactions (called by EngineTransaction) ---------------------------------------------

  /** @internal */
  stageSource(storeTx: Transaction, pageId: number, change: PageChange): void {
    if (this.nodes.has(pageId)) {
      const node = this.nodes.get(pageId)!;
      throw new DerivedPageError('DERIVED_WRITE', `stage: page ${pageId} is derived (${JSON.stringify(node.key)}); only its wave writes it — change its inputs instead`, { pageId, key: node.key });
    }
    storeTx.stage(pageId, change);
    // Only pages that derived pages read need their new image.
    if (!this.graph.hasNode(pageId)) return;
    let image = this.images.get(pageId);
    if (image === undefined) {
      image = copyImage(this.bytesOf(pageId)!);
      this.images.set(pageId, image);
      this.changedSources.push(pageId);
    }
    applyChange(image, pageId, change);
  }

  /** @internal Runs the wave of `tx` and commits it; the store's pages hold the result on return. */
  commitWave(tx: EngineTransaction, reason: WaveReason, seeds: readonly number[]): Promise<WaveCommit> {
    const storeTx = tx.storeTx;
    const baseEpoch = tx.baseEpoch;
    let wave: WaveOutcome;
    try {
      wave = this.runWave(storeTx, reason, baseEpoch, seeds);
    } catch (error) {
      storeTx.abort();
      this.endTransaction(tx);
      return Promise.reject(error as Error);
    }
    const committed = storeTx.commit();
    const epoch = this.store.epoch;
    // Nothing staged: the store writes no record and takes no epoch, which is no failure.
    const outcome = epoch === baseEpoch + 1 || (tx.staged === 0 && wave.recomputed === 0) ? 'committed' : 'aborted';
    if (outcome === 'committed') {
      // Set.clear allocates a fresh table: only when there is something to forget.
      if (this.pendingSources.size > 0) this.pendingSources.clear();
      if (this.pendingSeeds.size > 0) this.pendingSeeds.clear();
    }
    this.seenEpoch = epoch;
    this.endTransaction(tx);
    this.endWave(wave, outcome, epoch, outcome === 'aborted' ? new Error('the store refused the commit') : undefined);
    const { id, recomputed, cutoffs } = wave;
    return committed.then((result) => ({ epoch: result.epoch, pagesChanged: result.pagesChanged, recordBytes: result.recordBytes, wave: id, recomputed, cutoffs }));
  }

  /** @internal */
  endTransaction(tx: EngineTransaction): void {
    if (this.open === tx) this.open = null;
    this.images.clear();
    this.changedSources.clear();
  }

  // ---- the wave -------------------------------------------------------------------------------

  /** Recomputes what the changed sources and `seeds` reach, staging derived deltas into `storeTx`. */
  private runWave(storeTx: Transaction, reason: WaveReason, baseEpoch: number, extraSeeds: readonly number[]): WaveOutcome {
    const id = ++this.waves;
    const listening = this.listeners.length > 0;
    const start = listening ? now() : 0;
    const worklist = this.worklist;
    const images = this.images;
    worklist.reset();
    const sources = this.changedSources;
    if (this.pendingSources.size > 0) {
      for (const s of this.pendingSources) if (!images.has(s)) sources.push(s);
    }
    for (let i = 0; i < sources.size; i++) worklist.pushDependents(sources.at(i));
    if (this.pendingSeeds.size > 0) for (const s of this.pendingSeeds) worklist.push(s);
    for (let i = 0; i < extraSeeds.length; i++) worklist.push(extraSeeds[i]!);
    if (listening) {
      const seeds = [...new Set([...this.pendingSeeds, ...extraSeeds])];
      this.emit({ type: 'wave-start', wave: id, reason, baseEpoch, sources: sources.toArray(), seeds });
    }
    let recomputed = 0;
    let cutoffs = 0;
    let pageId: number | undefined;
    const wave: WaveOutcome = { id, start, recomputed: 0, cutoffs: 0, baseEpoch };
    try {
      while ((pageId = worklist.pop()) !== undefined) {
        const node = this.nodes.get(pageId)!;
        const recompute = node.recompute;
        if (recompute === null) {
          throw new DerivedPageError('NOT_ATTACHED', `wave: derived page ${pageId} (${JSON.stringify(node.key)}) has no recompute function; attach one with attach(${JSON.stringify(node.key)}, fn) or the functions option`, { pageId, key: node.key });
        }
        const { inputs, views } = node;
        for (let k = 0; k < inputs.length; k++) {
          const input = inputs[k]!;
          views[k] = images.get(input) ?? this.bytesOf(input)!;
        }
        const current = this.bytesOf(pageId)!;
        const previous = copyImage(current);
        const t0 = listening ? now() : 0;
        let result: PageChange;
        try {
          result = recompute(views, previous);
        } catch (cause) {
          throw new DerivedPageError('RECOMPUTE_FAILED', `wave: the recompute of derived page ${pageId} (${JSON.stringify(node.key)}) threw: ${cause instanceof Error ? cause.message : String(cause)}`, { pageId, key: node.key, cause });
        }
        let next: Uint8Array;
        try {
          next = imageOf(pageId, result, previous);
        } catch (cause) {
          throw new DerivedPageError('RECOMPUTE_RESULT_INVALID', `wave: the recompute of derived page ${pageId} (${JSON.stringify(node.key)}) ${(cause as Error).message}`, { pageId, key: node.key, cause });
        }
        if (bytesEqual(next, current)) {
          cutoffs++;
          if (listening) this.emit({ type: 'cutoff', wave: id, pageId, key: node.key, durationMs: now() - t0 });
          continue;
        }
        images.set(pageId, next);
        // `next` is the engine's own copy, never written again: staged as a delta, it is handed to
        // the store as is (whole bytes would be copied once more).
        storeTx.stage(pageId, next.length <= STAGE_WHOLE_BYTES ? denseDelta(pageId, next) : diffDelta(pageId, current, next));
        recomputed++;
        if (listening) this.emit({ type: 'node-recomputed', wave: id, pageId, key: node.key, durationMs: now() - t0 });
        worklist.pushDependents(pageId);
      }
    } catch (error) {
      wave.recomputed = recomputed;
      wave.cutoffs = cutoffs;
      this.endWave(wave, 'aborted', baseEpoch, error as Error);
      throw error;
    }
    wave.recomputed = recomputed;
    wave.cutoffs = cutoffs;
    return wave;
  }

  private endWave(wave: WaveOutcome, outcome: 'committed' | 'aborted', epoch: number, error?: Error): void {
    if (this.listeners.length === 0) return;
    const base = { type: 'wave-end' as const, wave: wave.id, outcome, epoch: outcome === 'committed' ? epoch : wave.baseEpoch, recomputed: wave.recomputed, cutoffs: wave.cutoffs, durationMs: now() - wave.start };
    this.emit(error === undefined ? base : { ...base, error });
  }

  private emit(event: PropagationEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (error) {
        if (this.onListenerError !== null) this.onListenerError(error);
        else
          queueMicrotask(() => {
            throw error;
          });
      }
    }
  }

  // ---- registration ---------------------------------------------------------------------------

  /** Validates `spec`; returns the registration it re-attaches to, or null for a new one. */
  private checkSpec(spec: DeriveSpec, keys: Set<string>, pagesTaken: Set<number>): DerivedPageInfo | null {
    if (typeof spec !== 'object' || spec === null) throw invalid('derive: a spec { key, inputs, size?, page?, location?, recompute } is required');
    const { key, inputs, recompute } = spec;
    if (typeof key !== 'string' || key.length === 0) throw invalid(`derive: key must be a non-empty string, got ${typeof key === 'string' ? '""' : typeof key}`);
    const length = keyBytes(key).length;
    if (length > MAX_KEY_BYTES) throw invalid(`derive: key ${JSON.stringify(key.slice(0, 32))}… is ${length} UTF-8 bytes, over ${MAX_KEY_BYTES}`, undefined);
    if (keys.has(key)) throw invalid(`derive: key ${JSON.stringify(key)} appears twice in one call`);
    keys.add(key);
    if (typeof recompute !== 'function') throw invalid(`derive ${JSON.stringify(key)}: recompute must be a function, got ${typeof recompute}`);
    if (!Array.isArray(inputs)) throw invalid(`derive ${JSON.stringify(key)}: inputs must be an array of page ids`);
    if (spec.size !== undefined && (!Number.isInteger(spec.size) || spec.size < 1 || spec.size > MAX_U32)) throw invalid(`derive ${JSON.stringify(key)}: size must be an integer from 1 to ${MAX_U32}, got ${String(spec.size)}`);
    if (spec.page !== undefined && (!Number.isInteger(spec.page) || spec.page < 0 || spec.page > MAX_U32)) throw invalid(`derive ${JSON.stringify(key)}: page must be a page id, got ${String(spec.page)}`);
    const existing = this.byKey.get(key);
    if (existing !== undefined) {
      const mismatch: string[] = [];
      if (!sameInputs(existing.inputs, inputs)) mismatch.push(`inputs [${inputs.join(', ')}] (registered [${existing.inputs.join(', ')}])`);
      if (spec.size !== undefined && spec.size !== existing.size) mismatch.push(`size ${spec.size} (registered ${existing.size})`);
      if (spec.page !== undefined && spec.page !== existing.pageId) mismatch.push(`page ${spec.page} (registered ${existing.pageId})`);
      if (mismatch.length > 0) {
        throw new DerivedPageError('REGISTRATION_MISMATCH', `derive ${JSON.stringify(key)}: registered before with other ${mismatch.join(', ')}`, { key, pageId: existing.pageId });
      }
      existing.recompute = recompute;
      return infoOf(existing);
    }
    for (const input of inputs) {
      if (!Number.isInteger(input) || input < 0 || input > MAX_U32) throw invalid(`derive ${JSON.stringify(key)}: input ${String(input)} is not a page id`);
      if (input !== spec.page) this.checkPage(input, `derive ${JSON.stringify(key)}: input`);
      if (this.registryPages.has(input)) throw invalid(`derive ${JSON.stringify(key)}: input ${input} is a page of the derived-page registry`);
    }
    if (spec.page !== undefined) {
      const info = this.checkPage(spec.page, `derive ${JSON.stringify(key)}: page`);
      const owner = this.nodes.get(spec.page);
      if (owner !== undefined || pagesTaken.has(spec.page)) {
        throw new DerivedPageError('ALREADY_DERIVED', `derive ${JSON.stringify(key)}: page ${spec.page} is already derived${owner === undefined ? ' in this call' : ` (${JSON.stringify(owner.key)})`}`, { key, pageId: spec.page });
      }
      if (this.registryPages.has(spec.page)) throw invalid(`derive ${JSON.stringify(key)}: page ${spec.page} is a page of the derived-page registry`);
      if (spec.size !== undefined && spec.size !== info.size) throw invalid(`derive ${JSON.stringify(key)}: size ${spec.size} but page ${spec.page} has ${info.size} bytes`);
      pagesTaken.add(spec.page);
    } else if (spec.size === undefined) {
      throw invalid(`derive ${JSON.stringify(key)}: size is required for a new page`);
    }
    return null;
  }

  private checkPage(pageId: number, what: string): PageInfo {
    try {
      return this.store.page(pageId);
    } catch (cause) {
      if (isPageError(cause, 'PAGE_NOT_FOUND')) throw invalid(`${what} ${pageId} is not a page of the store`, cause);
      throw cause;
    }
  }

  private planOf(spec: DeriveSpec): Omit<Plan, 'chainPage' | 'offset'> {
    const fresh = spec.page === undefined;
    const size = fresh ? spec.size! : this.store.page(spec.page!).size;
    return { key: spec.key, keyBytes: keyBytes(spec.key), inputs: [...spec.inputs], size, location: spec.location, pageId: spec.page ?? -1, fresh, recompute: spec.recompute };
  }

  /** Places each entry in the registry chain (a copy), adding chain pages where the tail is full. */
  private placeInRegistry(raw: readonly Omit<Plan, 'chainPage' | 'offset'>[]): { plans: Plan[]; chain: ChainPage[]; created: ChainPage[] } {
    const chain = this.chain.map((p) => ({ ...p }));
    const created: ChainPage[] = [];
    const plans: Plan[] = [];
    for (const r of raw) {
      const length = entryLength(r.keyBytes.length, r.inputs.length);
      let tail = chain.at(-1);
      if (tail === undefined || REGISTRY_HEADER_BYTES + tail.used + length > tail.size) {
        tail = { pageId: -1, index: chain.length, size: Math.max(this.registryPageSize, REGISTRY_HEADER_BYTES + length), used: 0, count: 0, next: NO_NEXT_PAGE };
        if (tail.index > 0xffff) throw invalid('derive: the registry has 65,536 pages; register with a larger registryPageSize');
        chain.push(tail);
        created.push(tail);
      }
      plans.push({ ...r, chainPage: tail, offset: REGISTRY_HEADER_BYTES + tail.used });
      tail.used += length;
      tail.count++;
    }
    return { plans, chain, created };
  }

  /** The registration commit: graph edges, registry bytes and the seeded wave, all or nothing. */
  private commitRegistration(plans: readonly Plan[], chain: readonly ChainPage[]): Promise<WaveCommit> {
    const storeTx = this.store.begin();
    const tx = new EngineTransaction(this, storeTx);
    this.open = tx;
    let added: number[];
    try {
      added = this.addToGraph(plans);
    } catch (error) {
      storeTx.abort();
      this.endTransaction(tx);
      throw error;
    }
    try {
      this.stageRegistry(storeTx, plans, chain);
      tx.staged++;
    } catch (error) {
      this.removeFromGraph(plans, added);
      storeTx.abort();
      this.endTransaction(tx);
      throw error;
    }
    const promise = this.commitWave(
      tx,
      'registration',
      plans.map((p) => p.pageId),
    );
    if (this.store.epoch !== tx.baseEpoch + 1) {
      // The wave threw (or the store refused the commit): nothing was registered.
      this.removeFromGraph(plans, added);
      return promise;
    }
    this.chain = chain.map((p) => ({ ...p }));
    for (const p of chain) this.registryPages.add(p.pageId);
    return promise;
  }

  /** Adds the plans' nodes, edges and registrations; refuses (changing nothing) an edge set that closes a cycle. */
  private addToGraph(plans: readonly Plan[]): number[] {
    const graph = this.graph;
    const addedNodes: number[] = [];
    const from: number[] = [];
    const to: number[] = [];
    for (const plan of plans) {
      for (const id of [plan.pageId, ...plan.inputs]) {
        if (!graph.hasNode(id)) {
          graph.addNode(id);
          addedNodes.push(id);
        }
      }
      for (const input of new Set(plan.inputs)) {
        from.push(input);
        to.push(plan.pageId);
      }
    }
    try {
      graph.addEdges(from, to);
    } catch (error) {
      for (const id of addedNodes) graph.removeNode(id);
      if (error instanceof DagCycleError || (error instanceof DagError && error.code === 'SELF_LOOP')) {
        const cycle = error instanceof DagCycleError ? error.cycle : [from[to.findIndex((t, i) => t === from[i])]!];
        const owner = plans.find((p) => cycle.includes(p.pageId));
        throw new DerivedPageError('DERIVED_CYCLE', `derive${owner === undefined ? '' : ` ${JSON.stringify(owner.key)}`}: its inputs would close the cycle ${[...cycle, cycle[0]].join(' → ')} (each page feeding the next)`, {
          cause: error,
          cycle,
          ...(owner === undefined ? {} : { pageId: owner.pageId, key: owner.key }),
        });
      }
      throw error;
    }
    for (const plan of plans) {
      const node: DerivedNode = { key: plan.key, pageId: plan.pageId, size: plan.size, inputs: plan.inputs, recompute: plan.recompute, views: new Array<Uint8Array>(plan.inputs.length) };
      this.nodes.set(plan.pageId, node);
      this.byKey.set(plan.key, node);
    }
    return addedNodes;
  }

  private removeFromGraph(plans: readonly Plan[], addedNodes: readonly number[]): void {
    for (const plan of plans) {
      this.nodes.delete(plan.pageId);
      this.byKey.delete(plan.key);
      for (const input of new Set(plan.inputs)) if (this.graph.hasEdge(input, plan.pageId)) this.graph.removeEdge(input, plan.pageId);
    }
    for (const id of addedNodes) if (this.graph.hasNode(id)) this.graph.removeNode(id);
  }

  /** Stages the new entries and headers of every chain page the plans touch. */
  private stageRegistry(storeTx: Transaction, plans: readonly Plan[], chain: readonly ChainPage[]): void {
    const touched = new Map<ChainPage, Plan[]>();
    for (const plan of plans) {
      const list = touched.get(plan.chainPage);
      if (list === undefined) touched.set(plan.chainPage, [plan]);
      else list.push(plan);
    }
    // A page whose `next` changed (the old tail) is touched too.
    const old = this.chain.at(-1);
    for (const page of chain) {
      const list = touched.get(page);
      const headerChanged = list !== undefined || (old !== undefined && page.index === old.index && page.next !== old.next);
      if (!headerChanged) continue;
      const runs = [{ offset: 0, bytes: encodeHeader(page) }];
      if (list !== undefined) {
        const first = list[0]!.offset;
        const bytes = new Uint8Array(REGISTRY_HEADER_BYTES + page.used - first);
        for (const plan of list) writeEntry(bytes, plan.offset - first, plan.pageId, plan.size, plan.keyBytes, plan.inputs);
        runs.push({ offset: first, bytes });
      }
      storeTx.stage(page.pageId, runs);
    }
  }

  /** Rebuilds the registrations from a persisted registry. */
  private load(chain: readonly { readonly pageId: number; readonly index: number; readonly used: number; readonly count: number; readonly next: number }[], entries: readonly { readonly key: string; readonly pageId: number; readonly size: number; readonly inputs: readonly number[] }[]): void {
    const corrupt = (message: string, cause?: unknown): DerivedPageError => new DerivedPageError('REGISTRY_CORRUPT', `registry of derived pages (root page ${chain[0]?.pageId ?? '?'}): ${message}`, cause === undefined ? {} : { cause });
    this.chain = chain.map((p) => ({ pageId: p.pageId, index: p.index, size: this.store.page(p.pageId).size, used: p.used, count: p.count, next: p.next }));
    for (const p of chain) this.registryPages.add(p.pageId);
    const from: number[] = [];
    const to: number[] = [];
    for (const entry of entries) {
      if (this.byKey.has(entry.key)) throw corrupt(`key ${JSON.stringify(entry.key)} is registered twice`);
      if (this.nodes.has(entry.pageId)) throw corrupt(`page ${entry.pageId} is registered twice`);
      let size: number;
      try {
        size = this.store.page(entry.pageId).size;
        for (const input of entry.inputs) this.store.page(input);
      } catch (cause) {
        throw corrupt(`entry ${JSON.stringify(entry.key)} names a page the store does not have`, cause);
      }
      if (size !== entry.size) throw corrupt(`entry ${JSON.stringify(entry.key)} says page ${entry.pageId} has ${entry.size} bytes; it has ${size}`);
      const node: DerivedNode = { key: entry.key, pageId: entry.pageId, size, inputs: entry.inputs, recompute: null, views: new Array<Uint8Array>(entry.inputs.length) };
      this.nodes.set(entry.pageId, node);
      this.byKey.set(entry.key, node);
      for (const id of [entry.pageId, ...entry.inputs]) if (!this.graph.hasNode(id)) this.graph.addNode(id);
      for (const input of new Set(entry.inputs)) {
        from.push(input);
        to.push(entry.pageId);
      }
    }
    try {
      this.graph.addEdges(from, to);
    } catch (cause) {
      throw corrupt('its registrations form a cycle', cause);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------

  /** The committed bytes of a page, zero-copy where the store has a host view. */
  private bytesOf(pageId: number): Uint8Array | undefined {
    try {
      return this.store.view(pageId);
    } catch (error) {
      if (isPageError(error, 'PAGE_NOT_FOUND')) return undefined;
      if (!isPageError(error, 'INVALID_ARGUMENT')) throw error;
      // A page in device memory has no host view: read a copy through a snapshot.
      const snapshot = this.store.snapshot();
      try {
        return snapshot.read(pageId);
      } finally {
        snapshot.release();
      }
    }
  }

  /** Finds pages changed by commits the engine did not make, to be propagated by its next wave. */
  private noteExternalChanges(): void {
    const epoch = this.store.epoch;
    if (epoch === this.seenEpoch) return;
    for (const id of this.graph.topologicalOrder()) {
      let changedAt: number;
      try {
        changedAt = this.store.page(id).epoch;
      } catch {
        continue;
      }
      if (changedAt <= this.seenEpoch) continue;
      if (this.nodes.has(id)) this.pendingSeeds.add(id);
      else this.pendingSources.add(id);
    }
    this.seenEpoch = epoch;
  }

  private checkIdle(fn: string): void {
    if (this.registering) throw invalid(`${fn}: a registration is in flight; await it first`);
    if (this.open !== null) throw invalid(`${fn}: a derived-page transaction from epoch ${this.open.baseEpoch} is open; commit or abort it first`);
  }
}

interface WaveOutcome {
  readonly id: number;
  readonly start: number;
  readonly baseEpoch: number;
  recomputed: number;
  cutoffs: number;
}

class EngineTransaction implements DerivedTransaction {
  readonly baseEpoch: number;
  private done = false;

  constructor(
    private readonly engine: DerivedPages,
    readonly storeTx: Transaction,
  ) {
    this.baseEpoch = storeTx.baseEpoch;
  }

  /** Changes staged by the caller or the registration (the wave's own are counted apart). */
  staged = 0;

  stage(pageId: number, change: PageChange): void {
    this.check('stage');
    this.engine.stageSource(this.storeTx, pageId, change);
    this.staged++;
  }

  commit(): Promise<WaveCommit> {
    try {
      this.check('commit');
    } catch (error) {
      return Promise.reject(error as Error);
    }
    this.done = true;
    return this.engine.commitWave(this, 'commit', []);
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    this.storeTx.abort();
    this.engine.endTransaction(this);
  }

  private check(fn: string): void {
    if (this.done) throw invalid(`${fn}: the derived-page transaction from epoch ${this.baseEpoch} has ended (committed or aborted)`);
  }
}
