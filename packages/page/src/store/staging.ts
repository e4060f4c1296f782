// What a transaction has staged for one page. Merging every stage into the page's delta as it
// arrives costs a merge sweep and fresh arrays per call; instead runs given as `{ offset, bytes }`
// are appended to growable buffers and normalized once, at commit (`normalizeRunList`), which
// gives the delta the merges would have: runs sorted, disjoint, touching runs joined, later runs
// winning, dense when they cover the page. Other changes (whole pages, deltas) fold the runs
// staged so far into a delta and merge as before, so the order of stages is kept.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import { checkRunInputs } from '../delta/construct.js';
import { mergeDeltas } from '../delta/merge.js';
import { deltaOf, normalizeRunList } from '../delta/runs.js';
import type { RunSet } from '../delta/runs.js';
import type { PlainDelta, SparseRunInput } from '../delta/types.js';
import { ownedBytes } from '../internal/slab.js';

// The store checks runs before staging them, with the same checks as `sparseDelta`.
export { checkRunInputs };

/** Buffers larger than this are dropped rather than kept for the next transaction. */
const KEEP_BYTES = 64 * 1024;
const FIRST_RUNS = 16;
const FIRST_DATA_BYTES = 1024;
const NO_OFFSETS = new Uint32Array(0);
const NO_DATA = new Uint8Array(0);

/**
 * The stages of one page in one transaction. A staging can be `reset` and reused by a later
 * transaction (the store keeps a few, so a commit allocates no staging buffers): every delta it
 * hands out owns its memory, never a view of the reused buffers.
 */
export class PageStaging {
  /** Everything staged before the pending runs, merged; null when only runs were staged. */
  private base: PlainDelta | null = null;
  private count = 0;
  // Allocated on the first `addRuns`: a staging of whole pages or deltas (a wave stages one per
  // derived page) needs none of them, and ~1 KiB of buffers per staged page cost more than the page.
  private offsets = NO_OFFSETS;
  private lengths = NO_OFFSETS;
  private data = NO_DATA;
  private bytes = 0;
  /** True while runs (possibly none) were staged after the base. */
  private runsStaged = false;

  constructor(
    public pageId: number,
    public size: number,
  ) {}

  /** Empties the staging for page `pageId` of `size` bytes, keeping its buffers unless they grew large. */
  reset(pageId: number, size: number): void {
    this.pageId = pageId;
    this.size = size;
    this.base = null;
    this.count = 0;
    this.bytes = 0;
    this.runsStaged = false;
    if (this.data.length > KEEP_BYTES) this.data = new Uint8Array(FIRST_DATA_BYTES);
    if (this.offsets.length > KEEP_BYTES / 4) {
      this.offsets = new Uint32Array(FIRST_RUNS);
      this.lengths = new Uint32Array(FIRST_RUNS);
    }
  }

  /** Whether its buffers are still about their initial sizes (cheap to keep around). */
  small(): boolean {
    return this.data.length <= 4096 && this.offsets.length <= 256;
  }

  /** Whether it holds no buffers at all (only whole pages or deltas were ever staged in it). */
  bare(): boolean {
    return this.data.length === 0 && this.offsets.length === 0;
  }

  /** Appends runs already checked with `checkRunInputs` (delta/construct.ts); copies their bytes. */
  addRuns(runs: readonly SparseRunInput[]): void {
    const n = runs.length;
    if (this.count + n > this.offsets.length) {
      let room = Math.max(FIRST_RUNS, this.offsets.length * 2);
      while (room < this.count + n) room *= 2;
      const offsets = new Uint32Array(room);
      offsets.set(this.offsets.subarray(0, this.count));
      const lengths = new Uint32Array(room);
      lengths.set(this.lengths.subarray(0, this.count));
      this.offsets = offsets;
      this.lengths = lengths;
    }
    let total = this.bytes;
    for (let r = 0; r < n; r++) total += runs[r]!.bytes.length;
    if (total > this.data.length) {
      let room = Math.max(FIRST_DATA_BYTES, this.data.length * 2);
      while (room < total) room *= 2;
      const data = new Uint8Array(room);
      data.set(this.data.subarray(0, this.bytes));
      this.data = data;
    }
    const { offsets, lengths, data } = this;
    let c = this.count;
    let at = this.bytes;
    for (let r = 0; r < n; r++, c++) {
      const { offset, bytes } = runs[r]!;
      const len = bytes.length;
      offsets[c] = offset;
      lengths[c] = len;
      if (len <= 32) {
        for (let k = 0; k < len; k++) data[at + k] = bytes[k]!;
      } else {
        data.set(bytes, at);
      }
      at += len;
    }
    this.count = c;
    this.bytes = at;
    this.runsStaged = true;
  }

  /** Stages a validated delta of this page after everything staged so far. */
  addDelta(delta: PlainDelta): void {
    const before = this.pending();
    this.base = before === null ? delta : mergeDeltas(before, delta);
  }

  /** The one delta with the effect of every stage, in order, normalized as merging gives it. */
  result(): PlainDelta {
    return this.pending() ?? deltaOf(this.pageId, this.size, this.owned(normalizeRunList(this.offsets, this.lengths, this.data, 0)));
  }

  /**
   * `set` with memory of its own: runs already in order come back from `normalizeRunList` as views
   * of the staging buffers, which the next transaction reuses; they are copied into one buffer.
   */
  private owned(set: RunSet): RunSet {
    if (set.data.buffer !== this.data.buffer && set.offsets.buffer !== this.offsets.buffer && set.lengths.buffer !== this.lengths.buffer) return set;
    const n = set.offsets.length;
    const owned = ownedBytes(n * 8 + set.data.length);
    const { buffer, byteOffset } = owned;
    const offsets = new Uint32Array(buffer, byteOffset, n);
    const lengths = new Uint32Array(buffer, byteOffset + n * 4, n);
    const data = owned.subarray(n * 8);
    offsets.set(set.offsets);
    lengths.set(set.lengths);
    data.set(set.data);
    return { offsets, lengths, data, before: set.before };
  }

  /** Folds the pending runs into the base; returns it (null when nothing was staged). */
  private pending(): PlainDelta | null {
    if (this.runsStaged) {
      const runs = deltaOf(this.pageId, this.size, this.owned(normalizeRunList(this.offsets, this.lengths, this.data, this.count, true)));
      this.base = this.base === null ? runs : mergeDeltas(this.base, runs);
      this.runsStaged = false;
      this.count = 0;
      this.bytes = 0;
    }
    return this.base;
  }
}

/** From this many staged pages on, a transaction finds a page through a Map instead of a scan. */
const INDEX_FROM = 16;

/**
 * What one transaction staged, page by page, in staging order. Most transactions stage one or two
 * pages (a commit, a one-hop wave), and a Map per transaction — plus the fresh table `Map.clear`
 * allocates — cost more than such a commit's other bookkeeping: up to INDEX_FROM pages are found
 * by a scan of a short array, and only larger transactions build an index. The store reuses these
 * lists, so the arrays keep their room: `size` says how much of them is in use (setting an array's
 * length to 0 would give its memory back to V8 and make the next push allocate again).
 */
export class StagedPages<T> {
  /** Page ids in staging order; the first `size` are live. */
  readonly ids: number[] = [];
  /** What each page staged, beside its id. */
  readonly entries: (T | undefined)[] = [];
  private count = 0;
  private index: Map<number, number> | null = null;
  /** order()'s result for short lists, reused. */
  private readonly sorted: number[] = [];

  get size(): number {
    return this.count;
  }

  /** Forgets every page (dropping the references), keeping the arrays' room. */
  reset(): void {
    const { entries } = this;
    for (let k = 0; k < this.count; k++) entries[k] = undefined;
    this.count = 0;
    this.index = null;
  }

  /** The position of `pageId`, or -1. */
  find(pageId: number): number {
    if (this.index !== null) return this.index.get(pageId) ?? -1;
    const ids = this.ids;
    for (let k = 0; k < this.count; k++) if (ids[k] === pageId) return k;
    return -1;
  }

  /** Stages a page not staged yet (see {@link find}). */
  add(pageId: number, entry: T): void {
    const k = this.count++;
    if (k < this.ids.length) {
      this.ids[k] = pageId;
      this.entries[k] = entry;
    } else {
      this.ids.push(pageId);
      this.entries.push(entry);
    }
    if (this.index !== null) this.index.set(pageId, k);
    else if (k + 1 === INDEX_FROM) {
      this.index = new Map();
      for (let i = 0; i <= k; i++) this.index.set(this.ids[i]!, i);
    }
  }

  /**
   * The positions in ascending page-id order: the order the store applies and logs them in. Short
   * lists are insertion-sorted (into a reused array); long ones sort their ids as a Uint32Array
   * (numeric without a comparator call per step: a wave stages 100k pages) and map them back
   * through the index.
   */
  order(): ArrayLike<number> {
    const ids = this.ids;
    const n = this.count;
    if (this.index === null) {
      const order = this.sorted;
      for (let k = 0; k < n; k++) {
        const id = ids[k]!;
        let at = k;
        while (at > 0 && ids[order[at - 1]!]! > id) {
          order[at] = order[at - 1]!;
          at--;
        }
        order[at] = k;
      }
      return order;
    }
    const sorted = Uint32Array.from(ids.slice(0, n)).sort();
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = this.index.get(sorted[i]!)!;
    return order;
  }
}
