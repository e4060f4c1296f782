// The delta router: deltas from several writers, each tagged (writer, epoch), grouped by page and
// merged into one delta a page. Byte pages keep, per byte, the last writer in (epoch, writer)
// order; typed pages fold every writer's element values with a semiring's ⊕. Validation happens
// when a delta is submitted, and `route` builds everything before it drains anything, so a
// refused call leaves the router exactly as it was.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import { applySparseRuns } from '@mmsb/native';
import type { SparseRuns } from '@mmsb/native';
import { decompressDelta, denseDelta, sparseDelta } from '@mmsb/page';
import type { Delta, PlainDelta, Transaction } from '@mmsb/page';
import { SemiringError } from '../errors.js';
import type { Semiring } from '../semiring.js';
import { mergeByteRuns } from './internal/byte-sweep.js';
import type { FoldKernel } from './internal/fold.js';
import { foldKernelOf } from './internal/fold.js';
import { isSweepable, runsOfDelta } from './internal/runs.js';
import { mergeTypedRuns } from './internal/typed-sweep.js';
import type { ElementType } from './layout.js';
import { elementWidth, isElementType } from './layout.js';

const MAX_U32 = 0xffff_ffff;

/**
 * Who wrote a delta and when. Deltas to one page are ordered by `epoch`, then by `writer`: at
 * equal epochs the higher writer id counts as later (it wins a byte page, and is folded last on
 * a typed page). Two deltas to one page may not share both.
 */
export interface WriterTag {
  /** The writer's id: an integer from 0 to 2^53 − 1. */
  readonly writer: number;
  /** The epoch the writer wrote at: an integer from 0 to 2^53 − 1. */
  readonly epoch: number;
}

/** A delta with its {@link WriterTag}, as {@link DeltaRouter.submitAll} takes them. */
export interface TaggedDelta extends WriterTag {
  /** Dense, sparse or compressed; it names its page and that page's size. */
  readonly delta: Delta;
}

/** How a typed page merges: its size, element type and ⊕. */
export interface TypedPageOptions {
  /** The page's size in bytes: a whole number of elements. */
  readonly size: number;
  /** The element type; elements are little-endian and runs must cover whole elements. */
  readonly element: ElementType;
  /**
   * The ⊕ folded over the writers' values of each element. A standard semiring (`op` set) gets a
   * specialised loop; others call `add` per element.
   */
  readonly semiring: Semiring<number>;
  /**
   * Fold the page's current value in first (new = current ⊕ merged): the min-merge of distance
   * vectors. Needs `current` in {@link RouteOptions}. Default false: the writers' values alone.
   */
  readonly accumulate?: boolean;
}

/** Options of {@link DeltaRouter}. */
export interface DeltaRouterOptions {
  /**
   * What a delta to a page never registered does: `'bytes'` (default) merges it as a byte page
   * whose size is fixed by the first such delta waiting; `'refuse'` refuses it (UNKNOWN_PAGE).
   */
  readonly unregisteredPages?: 'bytes' | 'refuse';
}

/** Options of {@link DeltaRouter.route}. */
export interface RouteOptions {
  /**
   * The bytes of a page now (`size` bytes; read, never kept or written). Needed for accumulating
   * typed pages; when given, a merged delta is also written dense where that encodes smaller.
   * `store.view.bind(store)` or a snapshot's `read` fit.
   */
  readonly current?: (pageId: number) => Uint8Array;
}

/** One page's merged delta. */
export interface RoutedDelta {
  readonly pageId: number;
  /** Normalized: sparse runs sorted and disjoint, or dense. Unbound (no before-image). */
  readonly delta: PlainDelta;
  /** How many submitted deltas it merges. */
  readonly sources: number;
  /** The greatest tag among them, in (epoch, writer) order. */
  readonly last: WriterTag;
}

/** What one {@link DeltaRouter.route} did. */
export interface RouteStats {
  /** Deltas merged. */
  readonly deltasIn: number;
  /** Pages with a non-empty merged delta. */
  readonly pagesOut: number;
  /** Bytes the submitted deltas wrote, all together (a dense delta writes its whole page). */
  readonly bytesIn: number;
  /** Bytes the merged deltas write. */
  readonly bytesOut: number;
}

/** The merged deltas, ascending by page id, and what it took. */
export interface RouteResult {
  readonly deltas: readonly RoutedDelta[];
  readonly stats: RouteStats;
}

type PageSpec =
  | { readonly kind: 'bytes'; readonly size: number }
  | {
      readonly kind: 'typed';
      readonly size: number;
      readonly element: ElementType;
      readonly fold: FoldKernel;
      readonly accumulate: boolean;
      readonly semiringName: string;
    };

interface Entry {
  readonly pageId: number;
  readonly size: number;
  readonly writer: number;
  readonly epoch: number;
  readonly runs: SparseRuns;
}

interface PageQueue {
  readonly size: number;
  readonly entries: Entry[];
  /** `epoch:writer` of every entry, to refuse a tag given twice. */
  readonly tags: Set<string>;
}

const SEMIRING_OPS = new Set(['or-and', 'plus-times', 'min-plus', 'max-plus', 'max-times', 'max-min', 'log-plus']);

function checkPageId(pageId: unknown, fn: string): asserts pageId is number {
  if (typeof pageId !== 'number' || !Number.isInteger(pageId) || pageId < 0 || pageId > MAX_U32) {
    throw new SemiringError('INVALID_ARGUMENT', `${fn}: pageId must be an integer from 0 to ${MAX_U32}, got ${String(pageId)}`);
  }
}

function checkSize(size: unknown, fn: string): asserts size is number {
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_U32) {
    throw new SemiringError('INVALID_ARGUMENT', `${fn}: size must be an integer from 0 to ${MAX_U32}, got ${String(size)}`);
  }
}

function checkTag(value: unknown, what: string, fn: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new SemiringError('INVALID_ARGUMENT', `${fn}: ${what} must be an integer from 0 to 2^53 − 1, got ${String(value)}`);
  }
}

function compareEntries(a: Entry, b: Entry): number {
  return a.epoch - b.epoch || a.writer - b.writer;
}

/** Encoded length of a sparse record of `runs` runs and `bytes` bytes, and of a dense one (docs/formats/delta.md). */
function sparseIsLarger(runs: number, bytes: number, size: number): boolean {
  return 14 + 8 * runs + bytes > 10 + size;
}

/**
 * Routes deltas from many writers to their pages and merges them: `submit` each delta with its
 * (writer, epoch), then `route` once to get one delta a page, ascending by page id, independent
 * of the order of submission. Byte pages (the default) keep the last writer's byte; typed pages
 * (`registerTypedPage`) fold the writers' element values with a semiring's ⊕.
 */
export class DeltaRouter {
  private readonly specs = new Map<number, PageSpec>();
  private readonly queues = new Map<number, PageQueue>();
  private readonly refuseUnregistered: boolean;
  private pendingCount = 0;

  constructor(options: DeltaRouterOptions = {}) {
    const mode = options.unregisteredPages ?? 'bytes';
    if (mode !== 'bytes' && mode !== 'refuse') {
      throw new SemiringError('INVALID_ARGUMENT', `DeltaRouter: unregisteredPages must be 'bytes' or 'refuse', got ${String(mode)}`);
    }
    this.refuseUnregistered = mode === 'refuse';
  }

  /** Deltas submitted and not routed yet. */
  get pending(): number {
    return this.pendingCount;
  }

  /**
   * Declares page `pageId` a byte page of `size` bytes: per byte, the last writer wins. Replaces
   * an earlier registration unless deltas for the page wait (ROUTE_CONFLICT).
   */
  registerBytePage(pageId: number, size: number): void {
    checkPageId(pageId, 'registerBytePage');
    checkSize(size, 'registerBytePage');
    this.checkReplaceable(pageId, 'registerBytePage');
    this.specs.set(pageId, { kind: 'bytes', size });
  }

  /**
   * Declares page `pageId` a typed page: an array of `element`s merged with `semiring`'s ⊕.
   * Refuses an unknown element type (UNKNOWN_LAYOUT), a size that is not a whole number of
   * elements (SIZE_MISMATCH) and, while deltas for the page wait, any re-registration
   * (ROUTE_CONFLICT).
   */
  registerTypedPage(pageId: number, options: TypedPageOptions): void {
    checkPageId(pageId, 'registerTypedPage');
    if (typeof options !== 'object' || options === null) {
      throw new SemiringError('INVALID_ARGUMENT', 'registerTypedPage: options { size, element, semiring } are required');
    }
    const { size, element, semiring, accumulate = false } = options;
    checkSize(size, 'registerTypedPage');
    if (!isElementType(element)) {
      throw new SemiringError('UNKNOWN_LAYOUT', `registerTypedPage: page ${pageId}: unknown element type ${JSON.stringify(element)}; expected one of f64, f32, i32, u32, i16, u16, i8, u8`);
    }
    const width = elementWidth(element);
    if (size % width !== 0) {
      throw new SemiringError('SIZE_MISMATCH', `registerTypedPage: page ${pageId} of ${size} bytes is not a whole number of ${element} elements (${width} bytes each)`);
    }
    if (typeof semiring !== 'object' || semiring === null || typeof semiring.add !== 'function') {
      throw new SemiringError('INVALID_ARGUMENT', `registerTypedPage: page ${pageId}: semiring must be a Semiring<number> with an add function`);
    }
    const op: unknown = semiring.op;
    if (op !== null && !(typeof op === 'string' && SEMIRING_OPS.has(op))) {
      throw new SemiringError('INVALID_ARGUMENT', `registerTypedPage: page ${pageId}: semiring ${semiring.name} has unknown op ${JSON.stringify(op)}`);
    }
    if (typeof accumulate !== 'boolean') {
      throw new SemiringError('INVALID_ARGUMENT', `registerTypedPage: page ${pageId}: accumulate must be a boolean`);
    }
    this.checkReplaceable(pageId, 'registerTypedPage');
    this.specs.set(pageId, { kind: 'typed', size, element, fold: foldKernelOf(semiring), accumulate, semiringName: String(semiring.name) });
  }

  /** Forgets page `pageId`'s registration (ROUTE_CONFLICT while deltas for it wait). */
  unregisterPage(pageId: number): void {
    checkPageId(pageId, 'unregisterPage');
    this.checkReplaceable(pageId, 'unregisterPage');
    this.specs.delete(pageId);
  }

  /**
   * Queues `delta` from `tag.writer` at `tag.epoch`. Checks everything now: a malformed delta
   * (INVALID_ARGUMENT, with the page layer's error as `cause`), an unknown page under
   * `'refuse'` (UNKNOWN_PAGE), a size other than the page's (SIZE_MISMATCH), a run of a typed page
   * that splits an element (MISALIGNED_RUN), a tag already queued for the page (ROUTE_CONFLICT).
   * A refused delta is not queued. The router keeps `delta`'s arrays without a copy: do not mutate
   * them until routed.
   */
  submit(delta: Delta, tag: WriterTag): void {
    this.submitAll([{ delta, writer: tag.writer, epoch: tag.epoch }]);
  }

  /** Queues every delta of `deltas`, or — when any is refused, as in `submit` — none of them. */
  submitAll(deltas: readonly TaggedDelta[]): void {
    if (!Array.isArray(deltas)) {
      throw new SemiringError('INVALID_ARGUMENT', 'submitAll: deltas must be an array of { delta, writer, epoch }');
    }
    const accepted: Entry[] = [];
    // Sizes and tags this batch adds, checked against the queues and each other.
    const batchSizes = new Map<number, number>();
    const batchTags = new Set<string>();
    for (let i = 0; i < deltas.length; i++) {
      const item: unknown = deltas[i];
      if (typeof item !== 'object' || item === null) {
        throw new SemiringError('INVALID_ARGUMENT', `submit: delta ${i} must be an object { delta, writer, epoch }`);
      }
      const entry = this.check(item as TaggedDelta, batchSizes);
      const key = `${entry.pageId}:${entry.epoch}:${entry.writer}`;
      const queue = this.queues.get(entry.pageId);
      if (batchTags.has(key) || queue?.tags.has(`${entry.epoch}:${entry.writer}`) === true) {
        throw new SemiringError(
          'ROUTE_CONFLICT',
          `submit: page ${entry.pageId} already has a delta from writer ${entry.writer} at epoch ${entry.epoch}; their order would be undefined`,
        );
      }
      batchTags.add(key);
      accepted.push(entry);
    }
    for (const entry of accepted) {
      let queue = this.queues.get(entry.pageId);
      if (queue === undefined) {
        queue = { size: entry.size, entries: [], tags: new Set() };
        this.queues.set(entry.pageId, queue);
      }
      queue.entries.push(entry);
      queue.tags.add(`${entry.epoch}:${entry.writer}`);
    }
    this.pendingCount += accepted.length;
  }

  /**
   * Merges every queued delta: one delta a page, ascending by page id, pages whose merge writes
   * nothing left out. The result depends only on the set of (tag, delta) submitted, never on the
   * order. Drains the queue when it returns; a refusal (a missing or wrong-sized `current` page,
   * INVALID_ARGUMENT / SIZE_MISMATCH) drains nothing.
   */
  route(options: RouteOptions = {}): RouteResult {
    const current = options.current;
    if (current !== undefined && typeof current !== 'function') {
      throw new SemiringError('INVALID_ARGUMENT', 'route: current must be a function (pageId) => Uint8Array');
    }
    const pageIds = [...this.queues.keys()].sort((a, b) => a - b);
    const routed: RoutedDelta[] = [];
    let deltasIn = 0;
    let bytesIn = 0;
    let bytesOut = 0;
    for (const pageId of pageIds) {
      const queue = this.queues.get(pageId)!;
      const entries = queue.entries.slice().sort(compareEntries);
      const size = queue.size;
      deltasIn += entries.length;
      for (const entry of entries) bytesIn += entry.runs.data.length;
      const spec = this.specs.get(pageId);
      const runsList = entries.map((entry) => entry.runs);
      let currentBytes: Uint8Array | null = null;
      const readCurrent = (): Uint8Array | null => {
        if (currentBytes === null && current !== undefined) currentBytes = checkCurrent(current(pageId), pageId, size);
        return currentBytes;
      };
      let merged: SparseRuns;
      if (spec?.kind === 'typed') {
        let base: Uint8Array | null = null;
        if (spec.accumulate) {
          base = readCurrent();
          if (base === null) {
            throw new SemiringError('INVALID_ARGUMENT', `route: page ${pageId} accumulates (${spec.semiringName}) and needs the current page: pass options.current`);
          }
        }
        merged = base === null && runsList.length === 1 ? runsList[0]! : mergeTypedRuns(runsList, spec.element, spec.fold, base);
      } else {
        merged = runsList.length === 1 ? runsList[0]! : mergeByteRuns(runsList);
      }
      if (merged.data.length === 0) continue;
      let delta: PlainDelta;
      if (current !== undefined && merged.data.length < size && sparseIsLarger(merged.offsets.length, merged.data.length, size)) {
        const page = new Uint8Array(size);
        page.set(readCurrent()!);
        applySparseRuns(page, merged);
        delta = denseDelta(pageId, page);
      } else {
        delta = sparseDelta(pageId, size, merged);
      }
      bytesOut += delta.kind === 'dense' ? delta.size : delta.runs.data.length;
      const lastEntry = entries[entries.length - 1]!;
      routed.push({ pageId, delta, sources: entries.length, last: { writer: lastEntry.writer, epoch: lastEntry.epoch } });
    }
    this.clear();
    return { deltas: routed, stats: { deltasIn, pagesOut: routed.length, bytesIn, bytesOut } };
  }

  /** Drops every queued delta; registrations stay. */
  clear(): void {
    this.queues.clear();
    this.pendingCount = 0;
  }

  private checkReplaceable(pageId: number, fn: string): void {
    const queue = this.queues.get(pageId);
    if (queue !== undefined && queue.entries.length > 0) {
      throw new SemiringError('ROUTE_CONFLICT', `${fn}: page ${pageId} has ${queue.entries.length} deltas waiting to be routed; route or clear them first`);
    }
  }

  /** Validates one submission into an entry (normalized runs), or throws. */
  private check(item: TaggedDelta, batchSizes: Map<number, number>): Entry {
    checkTag(item.writer, 'writer', 'submit');
    checkTag(item.epoch, 'epoch', 'submit');
    let plain: PlainDelta;
    try {
      plain = decompressDelta(item.delta);
    } catch (error) {
      throw new SemiringError('INVALID_ARGUMENT', `submit: the delta from writer ${item.writer} at epoch ${item.epoch} is not a valid delta: ${(error as Error).message}`, { cause: error });
    }
    const { pageId, size } = plain;
    const spec = this.specs.get(pageId);
    if (spec === undefined && this.refuseUnregistered) {
      throw new SemiringError('UNKNOWN_PAGE', `submit: page ${pageId} is not registered with the router`);
    }
    const expected = spec?.size ?? this.queues.get(pageId)?.size ?? batchSizes.get(pageId);
    if (expected !== undefined && expected !== size) {
      throw new SemiringError(
        'SIZE_MISMATCH',
        `submit: the delta from writer ${item.writer} at epoch ${item.epoch} is for page ${pageId} of ${size} bytes; the page has ${expected}`,
      );
    }
    batchSizes.set(pageId, size);
    let runs = runsOfDelta(plain);
    if (!isSweepable(runs)) runs = runsOfDelta(sparseDelta(pageId, size, runs));
    if (spec?.kind === 'typed') {
      const width = elementWidth(spec.element);
      for (let r = 0; r < runs.offsets.length; r++) {
        const offset = runs.offsets[r]!;
        const length = runs.lengths[r]!;
        if (offset % width !== 0 || length % width !== 0) {
          throw new SemiringError(
            'MISALIGNED_RUN',
            `submit: the delta from writer ${item.writer} at epoch ${item.epoch} writes bytes [${offset}, ${offset + length}) of page ${pageId}, which split its ${spec.element} elements (${width} bytes each)`,
          );
        }
      }
    }
    return { pageId, size, writer: item.writer, epoch: item.epoch, runs };
  }
}

function checkCurrent(bytes: unknown, pageId: number, size: number): Uint8Array {
  if (!(bytes instanceof Uint8Array)) {
    throw new SemiringError('INVALID_ARGUMENT', `route: current(${pageId}) must return a Uint8Array`);
  }
  if (bytes.length !== size) {
    throw new SemiringError('SIZE_MISMATCH', `route: current(${pageId}) returned ${bytes.length} bytes; the page has ${size}`);
  }
  return bytes;
}

/**
 * Stages every merged delta of `routed` into `tx` (one `stage` a page). The transaction checks
 * each at once; on a refusal the pages before it stay staged, so abort the transaction.
 */
export function stageRouted(tx: Pick<Transaction, 'stage'>, routed: RouteResult | readonly RoutedDelta[]): void {
  const list = Array.isArray(routed) ? (routed as readonly RoutedDelta[]) : (routed as RouteResult).deltas;
  for (const { pageId, delta } of list) tx.stage(pageId, delta);
}
