import { MemoryBudget } from './budget.js';
import type { MemoryPressure, SpillHook } from './budget.js';
import { CudaDeviceMemoryPool } from './device-pool.js';
import type { DeviceBlock, DeviceMemoryPool } from './device-pool.js';
import { PhysicalError, isPhysicalError } from './errors.js';
import type { MappedFile } from './internal/native.js';
import { checkRange } from './internal/range.js';
import { openMappedFile } from './mapped.js';
import type {
  AllocateOptions,
  DeviceFallback,
  PageAllocatorOptions,
  PageHandle,
  PageKind,
  PageLocation,
  PageMemory,
} from './page-memory.js';
import { SEQLOCK_DEFAULT_RETRIES, seqlockRead, seqlockWrite } from './seqlock.js';
import type { SharedPageDescriptor } from './shared-page.js';
import { SizeClasses } from './size-classes.js';

// Kinds and locations are small integers in the handle table; these arrays name them.
const KIND_HEAP = 0;
const KIND_SHARED = 1;
const KIND_MAPPED = 2;
const KIND_DEVICE = 3;
const KINDS: readonly PageKind[] = ['heap', 'shared', 'mapped', 'device'];
// LOC_CPU and LOC_SHARED double as the slab set index (0: ArrayBuffer slabs, 1: SharedArrayBuffer slabs).
const LOC_CPU = 0;
const LOC_SHARED = 1;
const LOC_MAPPED = 2;
const LOC_GPU = 3;
const LOCATIONS: readonly PageLocation[] = ['cpu', 'shared', 'mapped', 'gpu'];

// A handle is slot << 8 | generation: it stays a small integer (no boxing, no object per page)
// and a stale handle is caught unless its slot was reused exactly a multiple of 256 times since.
const GEN_BITS = 8;
const GEN_MASK = 0xff;
const MAX_SLOTS = 1 << 23;
// hPool value of a page that owns an entry in `owned` (large, mapped or device) instead of a slab slot.
const POOL_OWNED = 0xffff;
const NONE = -1;
const MIN_SLAB_BYTES = 4096;
const DEFAULT_MAX_PAGE_BYTES = 2 ** 30;
const DEFAULT_MAX_SLAB_BYTES = 2 ** 20;
const EMPTY_BYTES = new Uint8Array(0);
const EMPTY_SEQ = new Int32Array(0);

/** Memory a page owns outright rather than a slot of a slab. */
interface OwnedEntry {
  /** The page's bytes when JS can address them (large and mapped pages); null for device blocks. */
  readonly bytes: Uint8Array | null;
  /** Sequence word of a large shared page. */
  readonly seq: Int32Array | null;
  readonly mapped: MappedFile | null;
  readonly block: DeviceBlock | null;
  readonly pool: DeviceMemoryPool | null;
  /** Bytes charged to the budget. */
  readonly charged: number;
  /** Bytes this page holds, for the stats. */
  readonly reserved: number;
}

/** Counts by page kind. */
export type ByKind = Readonly<Record<PageKind, number>>;
/** Counts by page location. */
export type ByLocation = Readonly<Record<PageLocation, number>>;

/** A snapshot of a {@link PageAllocator}'s counters. */
export interface AllocatorStats {
  /** Pages allocated and not yet freed. */
  readonly pagesLive: number;
  readonly pagesLiveByKind: ByKind;
  /** Sum of the sizes asked for by live pages. */
  readonly bytesRequested: number;
  /** Bytes held by live pages: sizes rounded up to their class (large, mapped, device: as held). */
  readonly bytesLive: number;
  readonly bytesLiveByKind: ByKind;
  /** Bytes held in total: slabs (used or not), large pages, mapped files, device blocks. */
  readonly bytesReserved: number;
  readonly bytesReservedByLocation: ByLocation;
  /** Bytes in heap and shared slabs. */
  readonly slabBytesReserved: number;
  /** Slabs held now. */
  readonly slabs: number;
  /** Pages that own their memory (large, mapped, device). */
  readonly ownedPagesLive: number;
  /** Bytes charged to the budget (anonymous host memory). */
  readonly budgetBytesUsed: number;
  readonly budgetBytes: number | null;
  /** Reserved but unused over reserved (0 when nothing is reserved). */
  readonly fragmentation: number;
  /** Class rounding waste: (bytesLive - bytesRequested) / bytesLive (0 with no live pages). */
  readonly internalWaste: number;
  readonly allocations: number;
  readonly frees: number;
  /** Times the spill hook ran. */
  readonly spills: number;
  /** Empty slabs given back by `trim` or under budget pressure. */
  readonly slabsReleased: number;
}

/**
 * The page memory of one state: every page of every kind, its size classes, slabs, budget and
 * pressure. There is no global allocator; each state makes its own.
 *
 * Pages are named by integer {@link PageHandle}s and views are made on request, so allocating
 * and freeing a heap page allocates no JS object: both are a few typed-array reads and writes
 * (a free-list pop or push per size class). Small pages are carved from slabs that start at
 * 4 KiB and double up to `maxSlabBytes`; freed slots go back to their class's free list and are
 * reused LIFO; empty slabs are given back by {@link trim} or when the budget is short.
 *
 * An allocator belongs to one thread. Shared pages reach other threads as descriptors
 * ({@link sharedDescriptor}), whose bytes are guarded by the page's seqlock, not by the allocator.
 */
export class PageAllocator {
  private readonly classes: SizeClasses;
  private readonly classCount: number;
  private readonly maxClassBytes: number;
  private readonly maxPageBytes: number;
  private readonly maxSlabBytes: number;
  private readonly zeroOnAllocate: boolean;
  private readonly budget: MemoryBudget;
  private readonly spillHook: SpillHook | null;
  private readonly devicePool: DeviceMemoryPool | null;
  private readonly ownedPools = new Map<number, DeviceMemoryPool>();

  // The handle table, one entry a slot; a slot carved from a slab keeps its slab memory for life.
  private capacity = 0;
  private slotCount = 0;
  private bareHead = NONE; // slots holding no memory, linked through hNext
  private hGen = new Uint8Array(0);
  private hLive = new Uint8Array(0);
  private hKind = new Uint8Array(0);
  private hLoc = new Uint8Array(0);
  private hPool = new Uint16Array(0);
  private hRef = new Int32Array(0); // slab id, or owned id when hPool is POOL_OWNED
  private hOffset = new Uint32Array(0);
  private hSize = new Float64Array(0);
  private hNext = new Int32Array(0);
  // 1 once a page's bytes were exposed (view, write, descriptor): only those slots need zeroing on reuse.
  private hDirty = new Uint8Array(0);

  // One pool per (slab set, size class): its free list and the slab it is carving.
  private readonly poolHead: Int32Array;
  private readonly poolCap: Uint32Array;
  private readonly poolBumpSlab: Int32Array;
  private readonly poolBumpOffset: Float64Array;
  private readonly poolBumpEnd: Float64Array;
  private readonly poolNextSlab: Float64Array;

  private slabCapacity = 0;
  private slabIdCount = 0;
  private readonly freeSlabIds: number[] = [];
  private slabViews: Uint8Array[] = [];
  private slabSeq: Int32Array[] = [];
  private slabPool = new Int32Array(0); // NONE once released
  private slabLive = new Int32Array(0);
  private slabBytes = new Float64Array(0);

  private readonly owned: (OwnedEntry | null)[] = [];
  private readonly freeOwnedIds: number[] = [];

  private livePages = 0;
  private requested = 0;
  private readonly livePagesByKind = new Float64Array(4);
  private readonly liveBytesByKind = new Float64Array(4);
  private readonly reservedByLoc = new Float64Array(4);
  private slabBytesReserved = 0;
  private slabsHeld = 0;
  private ownedLive = 0;
  private allocations = 0;
  private frees = 0;
  private spills = 0;
  private slabsReleased = 0;
  private closed = false;
  private inSpill = false;

  /** @param options budget, spill hook, size classes, slab and page limits, device pool */
  constructor(options: PageAllocatorOptions = {}) {
    this.classes = new SizeClasses(options.maxClassBytes);
    this.classCount = this.classes.count;
    this.maxClassBytes = this.classes.maxClassBytes;
    this.maxPageBytes = checkLimit('maxPageBytes', options.maxPageBytes ?? DEFAULT_MAX_PAGE_BYTES, 1, Number.MAX_SAFE_INTEGER);
    this.maxSlabBytes = checkLimit('maxSlabBytes', options.maxSlabBytes ?? DEFAULT_MAX_SLAB_BYTES, MIN_SLAB_BYTES, 2 ** 30);
    const zero = options.zeroOnAllocate ?? true;
    if (typeof zero !== 'boolean') {
      throw new PhysicalError('INVALID_OPTION', `zeroOnAllocate ${String(zero)} is not a boolean`);
    }
    this.zeroOnAllocate = zero;
    this.budget = new MemoryBudget(options.budgetBytes ?? null);
    const hook = options.onBudgetExceeded;
    if (hook !== undefined && typeof hook !== 'function') {
      throw new PhysicalError('INVALID_OPTION', `onBudgetExceeded is a ${typeof hook}, expected a function`);
    }
    this.spillHook = hook ?? null;
    this.devicePool = options.devicePool ?? null;

    const pools = 2 * this.classCount;
    this.poolHead = new Int32Array(pools).fill(NONE);
    this.poolCap = new Uint32Array(pools);
    this.poolBumpSlab = new Int32Array(pools).fill(NONE);
    this.poolBumpOffset = new Float64Array(pools);
    this.poolBumpEnd = new Float64Array(pools);
    this.poolNextSlab = new Float64Array(pools);
    for (let p = 0; p < pools; p++) {
      const cap = this.classes.sizeOf(p % this.classCount);
      this.poolCap[p] = cap;
      this.poolNextSlab[p] = this.slabSize(MIN_SLAB_BYTES, cap);
    }
    this.growSlots(1024);
  }

  /**
   * A new zeroed page of `size` bytes, heap unless `options.kind` says otherwise. Refuses bad
   * sizes (INVALID_SIZE), a spent budget (BUDGET_EXCEEDED, after the spill hook), a missing
   * device (DEVICE_UNAVAILABLE unless fallback is `host`) or mmap (MAPPED_UNAVAILABLE); a refusal
   * leaves every live page as it was.
   */
  allocate(size: number, options?: AllocateOptions): PageHandle {
    if (options === undefined) return this.allocateHost(size, KIND_HEAP, LOC_CPU);
    switch (options.kind) {
      case 'heap':
        return this.allocateHost(size, KIND_HEAP, LOC_CPU);
      case 'shared':
        return this.allocateHost(size, KIND_SHARED, LOC_SHARED);
      case 'mapped':
        return this.allocateMapped(size, options.path, options.create ?? true);
      case 'device':
        return this.allocateDevice(size, options.device ?? 0, options.fallback ?? 'refuse');
      default:
        throw new PhysicalError(
          'INVALID_OPTION',
          `page kind ${JSON.stringify((options as { kind: unknown }).kind)} is not one of heap, shared, mapped, device`,
        );
    }
  }

  /** Frees a page. FREED_HANDLE, DOUBLE_FREE or INVALID_HANDLE for a handle that is not live. */
  free(handle: PageHandle): void {
    const slot = handle >>> GEN_BITS;
    // The fast path: a live slab page. Anything else (bad handle, owned memory) goes the slow way.
    if (
      (handle | 0) === handle &&
      handle >= 0 &&
      slot < this.slotCount &&
      this.hLive[slot] === 1 &&
      this.hGen[slot] === (handle & GEN_MASK) &&
      this.hPool[slot] !== POOL_OWNED &&
      !this.closed
    ) {
      const p = this.hPool[slot] as number;
      const kind = this.hKind[slot] as number;
      const cap = this.poolCap[p] as number;
      this.hLive[slot] = 0;
      this.hNext[slot] = this.poolHead[p] as number;
      this.poolHead[p] = slot;
      const slab = this.hRef[slot] as number;
      this.slabLive[slab] = (this.slabLive[slab] as number) - 1;
      this.livePages--;
      this.livePagesByKind[kind] = (this.livePagesByKind[kind] as number) - 1;
      this.liveBytesByKind[kind] = (this.liveBytesByKind[kind] as number) - cap;
      this.requested -= this.hSize[slot] as number;
      this.frees++;
      return;
    }
    this.freeSlow(handle);
  }

  /** True when `handle` names a live page of this allocator. */
  isLive(handle: PageHandle): boolean {
    if (typeof handle !== 'number' || (handle | 0) !== handle || handle < 0 || this.closed) return false;
    const slot = handle >>> GEN_BITS;
    return slot < this.slotCount && this.hLive[slot] === 1 && this.hGen[slot] === (handle & GEN_MASK);
  }

  /** The size asked for. */
  size(handle: PageHandle): number {
    return this.hSize[this.resolve(handle)] as number;
  }

  /** The kind asked for. */
  kindOf(handle: PageHandle): PageKind {
    return KINDS[this.hKind[this.resolve(handle)] as number] as PageKind;
  }

  /** Where the bytes really are: a `device` page that fell back to the host is at `cpu`. */
  location(handle: PageHandle): PageLocation {
    return LOCATIONS[this.hLoc[this.resolve(handle)] as number] as PageLocation;
  }

  /**
   * A zero-copy view of the page; its `byteOffset` is a multiple of 64. WRONG_KIND for device
   * memory. For shared pages the view bypasses the seqlock: use {@link read}/{@link write} when
   * other threads are involved.
   */
  view(handle: PageHandle): Uint8Array {
    const slot = this.resolve(handle);
    const bytes = this.bytesOf(slot, handle);
    this.hDirty[slot] = 1;
    return bytes;
  }

  /** Copies `dst.length` bytes at `pageOffset` into `dst`: under the seqlock for shared pages, downloaded for device pages. */
  read(handle: PageHandle, dst: Uint8Array, pageOffset = 0): void {
    const slot = this.resolve(handle);
    checkRange(pageOffset, dst.length, this.hSize[slot] as number);
    const entry = this.hPool[slot] === POOL_OWNED ? (this.owned[this.hRef[slot] as number] as OwnedEntry) : null;
    if (entry?.block) {
      entry.block.download(dst, pageOffset);
      return;
    }
    const source = this.bytesOf(slot, handle).subarray(pageOffset, pageOffset + dst.length);
    if (this.hLoc[slot] !== LOC_SHARED) {
      dst.set(source);
      return;
    }
    const { seq, index } = this.seqOf(slot);
    if (seqlockRead(seq, index, source, dst, SEQLOCK_DEFAULT_RETRIES) < 0) {
      throw new PhysicalError(
        'SEQLOCK_CONTENDED',
        `read of page ${handle} gave up after ${SEQLOCK_DEFAULT_RETRIES} retries: writers never paused`,
      );
    }
  }

  /** Copies `src` into the page at `pageOffset`: under the seqlock for shared pages, uploaded for device pages. */
  write(handle: PageHandle, src: Uint8Array, pageOffset = 0): void {
    const slot = this.resolve(handle);
    checkRange(pageOffset, src.length, this.hSize[slot] as number);
    const entry = this.hPool[slot] === POOL_OWNED ? (this.owned[this.hRef[slot] as number] as OwnedEntry) : null;
    if (entry?.block) {
      entry.block.upload(src, pageOffset);
      return;
    }
    const target = this.bytesOf(slot, handle);
    this.hDirty[slot] = 1;
    if (this.hLoc[slot] !== LOC_SHARED) {
      target.set(src, pageOffset);
      return;
    }
    const { seq, index } = this.seqOf(slot);
    seqlockWrite(seq, index, target, src, pageOffset);
  }

  /** What a worker thread needs to open a shared page with `SharedPageView`. WRONG_KIND for other kinds. */
  sharedDescriptor(handle: PageHandle): SharedPageDescriptor {
    const slot = this.resolve(handle);
    if (this.hLoc[slot] !== LOC_SHARED) {
      throw new PhysicalError(
        'WRONG_KIND',
        `page ${handle} is a ${this.kindOf(handle)} page at ${this.location(handle)}; only shared pages have a shared descriptor`,
      );
    }
    const bytes = this.bytesOf(slot, handle);
    this.hDirty[slot] = 1;
    const { seq, index } = this.seqOf(slot);
    return {
      buffer: bytes.buffer as SharedArrayBuffer,
      byteOffset: bytes.byteOffset,
      byteLength: bytes.byteLength,
      seqBuffer: seq.buffer as SharedArrayBuffer,
      seqIndex: index,
    };
  }

  /** Flushes a mapped page to its file (msync). WRONG_KIND for other kinds, which have no file to flush. */
  sync(handle: PageHandle): void {
    const slot = this.resolve(handle);
    const entry = this.hPool[slot] === POOL_OWNED ? this.owned[this.hRef[slot] as number] : null;
    if (!entry?.mapped) {
      throw new PhysicalError('WRONG_KIND', `page ${handle} is a ${this.kindOf(handle)} page; only mapped pages can be synced`);
    }
    entry.mapped.sync();
  }

  /** The page as an object (made on request, so handles stay cheap). */
  page(handle: PageHandle): PageMemory {
    this.resolve(handle);
    return new AllocatedPage(this, handle);
  }

  /** Every live handle, in slot order (deterministic). */
  liveHandles(): PageHandle[] {
    const out: PageHandle[] = [];
    if (this.closed) return out;
    for (let slot = 0; slot < this.slotCount; slot++) {
      if (this.hLive[slot] === 1) out.push(((slot << GEN_BITS) | (this.hGen[slot] as number)) as PageHandle);
    }
    return out;
  }

  /** Gives back empty slabs and cached device blocks; returns the bytes released. Live pages are untouched. */
  trim(): number {
    let released = this.trimSlabs();
    for (const pool of this.ownedPools.values()) released += pool.trim();
    return released;
  }

  /** Memory pressure against the budget. */
  pressure(): MemoryPressure {
    return this.budget.pressure();
  }

  /** A snapshot of the counters. */
  stats(): AllocatorStats {
    const byKind = (a: Float64Array): ByKind => ({
      heap: a[KIND_HEAP] as number,
      shared: a[KIND_SHARED] as number,
      mapped: a[KIND_MAPPED] as number,
      device: a[KIND_DEVICE] as number,
    });
    const r = this.reservedByLoc;
    const bytesReserved = (r[0] as number) + (r[1] as number) + (r[2] as number) + (r[3] as number);
    const l = this.liveBytesByKind;
    const bytesLive = (l[0] as number) + (l[1] as number) + (l[2] as number) + (l[3] as number);
    return {
      pagesLive: this.livePages,
      pagesLiveByKind: byKind(this.livePagesByKind),
      bytesRequested: this.requested,
      bytesLive,
      bytesLiveByKind: byKind(this.liveBytesByKind),
      bytesReserved,
      bytesReservedByLocation: {
        cpu: r[LOC_CPU] as number,
        shared: r[LOC_SHARED] as number,
        mapped: r[LOC_MAPPED] as number,
        gpu: r[LOC_GPU] as number,
      },
      slabBytesReserved: this.slabBytesReserved,
      slabs: this.slabsHeld,
      ownedPagesLive: this.ownedLive,
      budgetBytesUsed: this.budget.usedBytes,
      budgetBytes: this.budget.limitBytes,
      fragmentation: bytesReserved === 0 ? 0 : (bytesReserved - bytesLive) / bytesReserved,
      internalWaste: bytesLive === 0 ? 0 : (bytesLive - this.requested) / bytesLive,
      allocations: this.allocations,
      frees: this.frees,
      spills: this.spills,
      slabsReleased: this.slabsReleased,
    };
  }

  /**
   * Frees every page (closing mapped files, freeing device blocks), drops every slab and closes
   * the device pools it created. Every later call refuses with ALLOCATOR_CLOSED. Idempotent.
   */
  close(): void {
    if (this.closed) return;
    for (const entry of this.owned) {
      if (entry === null) continue;
      entry.mapped?.close();
      if (entry.block !== null && entry.pool !== null) entry.pool.free(entry.block);
    }
    for (const pool of this.ownedPools.values()) pool.close();
    this.ownedPools.clear();
    this.owned.length = 0;
    this.slabViews = [];
    this.slabSeq = [];
    this.budget.release(this.budget.usedBytes);
    this.livePages = 0;
    this.requested = 0;
    this.livePagesByKind.fill(0);
    this.liveBytesByKind.fill(0);
    this.reservedByLoc.fill(0);
    this.slabBytesReserved = 0;
    this.slabsHeld = 0;
    this.ownedLive = 0;
    this.closed = true;
  }

  // ---- allocation paths -------------------------------------------------------------------

  private allocateHost(size: number, kind: number, set: number): PageHandle {
    if (this.closed) throw closedError();
    if ((size | 0) === size && size > 0 && size <= this.maxClassBytes) {
      const p = set * this.classCount + this.classes.classOf(size);
      const slot = this.poolHead[p] as number;
      if (slot !== NONE) {
        this.poolHead[p] = this.hNext[slot] as number;
        this.zeroSlot(slot, size);
        return this.activate(slot, size, kind, set, this.poolCap[p] as number);
      }
      return this.carve(size, kind, set, p);
    }
    return this.allocateLarge(size, kind, set);
  }

  /** The slow path of a slab page: a fresh slot from the slab being carved, or a new slab. */
  private carve(size: number, kind: number, set: number, p: number): PageHandle {
    const cap = this.poolCap[p] as number;
    let hookUsed = false;
    for (;;) {
      // The spill hook or a trim may have changed the free list since the fast path looked.
      const recycled = this.poolHead[p] as number;
      if (recycled !== NONE) {
        this.poolHead[p] = this.hNext[recycled] as number;
        this.zeroSlot(recycled, size);
        return this.activate(recycled, size, kind, set, cap);
      }
      this.checkSlotAvailable();
      const slab = this.poolBumpSlab[p] as number;
      const offset = this.poolBumpOffset[p] as number;
      if (slab !== NONE && offset + cap <= (this.poolBumpEnd[p] as number)) {
        const slot = this.takeBareSlot();
        this.poolBumpOffset[p] = offset + cap;
        this.hPool[slot] = p;
        this.hRef[slot] = slab;
        this.hOffset[slot] = offset;
        this.hDirty[slot] = 0;
        return this.activate(slot, size, kind, set, cap);
      }
      const bytes = this.fittingSlabBytes(p, cap);
      if (bytes > 0) {
        this.newSlab(p, bytes, set);
        continue;
      }
      hookUsed = this.reclaim(cap, size, hookUsed);
    }
  }

  private allocateLarge(size: number, kind: number, set: number): PageHandle {
    this.checkSize(size, true);
    this.checkSlotAvailable();
    let hookUsed = false;
    while (this.budget.shortfall(size) > 0) hookUsed = this.reclaim(size, size, hookUsed);
    const shared = set === LOC_SHARED;
    let bytes: Uint8Array;
    let seq: Int32Array | null = null;
    try {
      bytes = new Uint8Array(shared ? new SharedArrayBuffer(size) : new ArrayBuffer(size));
      if (shared) seq = new Int32Array(new SharedArrayBuffer(4));
    } catch (error) {
      throw new PhysicalError('OUT_OF_MEMORY', `could not create a buffer of ${size} bytes for a large page`, {
        cause: error,
      });
    }
    this.budget.charge(size);
    this.reservedByLoc[set] = (this.reservedByLoc[set] as number) + size;
    return this.activateOwned({ bytes, seq, mapped: null, block: null, pool: null, charged: size, reserved: size }, size, kind, set);
  }

  private allocateMapped(size: number, path: string, create: boolean): PageHandle {
    if (this.closed) throw closedError();
    this.checkSize(size, false);
    if (typeof create !== 'boolean') {
      throw new PhysicalError('INVALID_OPTION', `mapped page option create ${String(create)} is not a boolean`);
    }
    this.checkSlotAvailable();
    const file = openMappedFile(path, size, { create });
    if (file.bytes.length < size) {
      file.close();
      throw new PhysicalError('MAPPED_FAILED', `mapping of ${path} has ${file.bytes.length} bytes, expected ${size}`);
    }
    const bytes = file.bytes.length === size ? file.bytes : file.bytes.subarray(0, size);
    this.reservedByLoc[LOC_MAPPED] = (this.reservedByLoc[LOC_MAPPED] as number) + size;
    return this.activateOwned(
      { bytes, seq: null, mapped: file, block: null, pool: null, charged: 0, reserved: size },
      size,
      KIND_MAPPED,
      LOC_MAPPED,
    );
  }

  private allocateDevice(size: number, device: number, fallback: DeviceFallback): PageHandle {
    if (this.closed) throw closedError();
    this.checkSize(size, false);
    if (!Number.isSafeInteger(device) || device < 0) {
      throw new PhysicalError('INVALID_OPTION', `device ${String(device)} is not a non-negative integer index`);
    }
    if (fallback !== 'refuse' && fallback !== 'host') {
      throw new PhysicalError('INVALID_OPTION', `device fallback ${JSON.stringify(fallback)} is not 'refuse' or 'host'`);
    }
    this.checkSlotAvailable();
    let pool: DeviceMemoryPool;
    let block: DeviceBlock;
    try {
      pool = this.poolFor(device);
      block = pool.allocate(size);
    } catch (error) {
      const deviceCannot =
        isPhysicalError(error, 'DEVICE_UNAVAILABLE') ||
        isPhysicalError(error, 'DEVICE_FAILED') ||
        isPhysicalError(error, 'BUDGET_EXCEEDED');
      if (fallback === 'host' && deviceCannot) return this.allocateHost(size, KIND_DEVICE, LOC_CPU);
      throw error;
    }
    const loc = block.placement === 'device' ? LOC_GPU : LOC_CPU;
    this.reservedByLoc[loc] = (this.reservedByLoc[loc] as number) + block.capacity;
    return this.activateOwned(
      { bytes: null, seq: null, mapped: null, block, pool, charged: 0, reserved: block.capacity },
      size,
      KIND_DEVICE,
      loc,
    );
  }

  private poolFor(device: number): DeviceMemoryPool {
    if (this.devicePool !== null) {
      if (this.devicePool.device !== device) {
        throw new PhysicalError(
          'DEVICE_UNAVAILABLE',
          `device ${device} requested, but this allocator's device pool serves device ${this.devicePool.device}`,
        );
      }
      return this.devicePool;
    }
    let pool = this.ownedPools.get(device);
    if (pool === undefined) {
      pool = new CudaDeviceMemoryPool({ device });
      this.ownedPools.set(device, pool);
    }
    return pool;
  }

  private activate(slot: number, size: number, kind: number, loc: number, cap: number): PageHandle {
    const gen = ((this.hGen[slot] as number) + 1) & GEN_MASK;
    this.hGen[slot] = gen;
    this.hLive[slot] = 1;
    this.hKind[slot] = kind;
    this.hLoc[slot] = loc;
    this.hSize[slot] = size;
    if (this.hPool[slot] !== POOL_OWNED) {
      const slab = this.hRef[slot] as number;
      this.slabLive[slab] = (this.slabLive[slab] as number) + 1;
    }
    this.livePages++;
    this.livePagesByKind[kind] = (this.livePagesByKind[kind] as number) + 1;
    this.liveBytesByKind[kind] = (this.liveBytesByKind[kind] as number) + cap;
    this.requested += size;
    this.allocations++;
    return ((slot << GEN_BITS) | gen) as PageHandle;
  }

  private activateOwned(entry: OwnedEntry, size: number, kind: number, loc: number): PageHandle {
    const id = this.freeOwnedIds.pop() ?? this.owned.length;
    this.owned[id] = entry;
    const slot = this.takeBareSlot();
    this.hPool[slot] = POOL_OWNED;
    this.hRef[slot] = id;
    this.hOffset[slot] = 0;
    this.ownedLive++;
    return this.activate(slot, size, kind, loc, entry.reserved);
  }

  private zeroSlot(slot: number, size: number): void {
    if (this.hDirty[slot] === 0) return;
    this.hDirty[slot] = 0;
    if (!this.zeroOnAllocate) return;
    // Only the first `size` bytes were ever exposed through a view, so only they can be dirty.
    zeroRange(this.slabViews[this.hRef[slot] as number] as Uint8Array, this.hOffset[slot] as number, size);
  }

  // ---- free, validation --------------------------------------------------------------------

  private freeSlow(handle: PageHandle): void {
    if (this.closed) throw closedError();
    const slot = this.slotOf(handle);
    if (this.hLive[slot] !== 1) {
      throw new PhysicalError('DOUBLE_FREE', `page ${handle} is already free`);
    }
    if (this.hPool[slot] !== POOL_OWNED) {
      // A live slab page the fast path declined: cannot happen, but fail loudly rather than leak.
      throw new PhysicalError('INVALID_HANDLE', `page ${handle} is in an inconsistent state`);
    }
    const id = this.hRef[slot] as number;
    const entry = this.owned[id] as OwnedEntry;
    if (entry.block !== null && entry.pool !== null) entry.pool.free(entry.block);
    entry.mapped?.close();
    this.budget.release(entry.charged);
    const loc = this.hLoc[slot] as number;
    this.reservedByLoc[loc] = (this.reservedByLoc[loc] as number) - entry.reserved;
    this.owned[id] = null;
    this.freeOwnedIds.push(id);
    const kind = this.hKind[slot] as number;
    this.hLive[slot] = 0;
    this.hNext[slot] = this.bareHead;
    this.bareHead = slot;
    this.ownedLive--;
    this.livePages--;
    this.livePagesByKind[kind] = (this.livePagesByKind[kind] as number) - 1;
    this.liveBytesByKind[kind] = (this.liveBytesByKind[kind] as number) - entry.reserved;
    this.requested -= this.hSize[slot] as number;
    this.frees++;
  }

  /** The slot of a handle whose generation is current (live or just freed); throws otherwise. */
  private slotOf(handle: PageHandle): number {
    if (typeof handle === 'number' && (handle | 0) === handle && handle >= 0) {
      const slot = handle >>> GEN_BITS;
      if (slot < this.slotCount) {
        if (this.hGen[slot] === (handle & GEN_MASK)) return slot;
        throw new PhysicalError(
          'FREED_HANDLE',
          `page ${handle} was freed and its slot ${slot} reused (now generation ${String(this.hGen[slot])}, handle generation ${handle & GEN_MASK})`,
        );
      }
    }
    throw new PhysicalError(
      'INVALID_HANDLE',
      `${describeValue(handle)} is not a page handle of this allocator (expected an integer returned by allocate)`,
    );
  }

  /** The slot of a live handle; FREED_HANDLE, INVALID_HANDLE or ALLOCATOR_CLOSED otherwise. */
  private resolve(handle: PageHandle): number {
    if (this.closed) throw closedError();
    const slot = this.slotOf(handle);
    if (this.hLive[slot] !== 1) throw new PhysicalError('FREED_HANDLE', `page ${handle} was freed`);
    return slot;
  }

  private checkSize(size: number, charged: boolean): void {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0) {
      throw new PhysicalError('INVALID_SIZE', `page size ${describeValue(size)} is not a positive integer number of bytes`);
    }
    if (size > this.maxPageBytes) {
      throw new PhysicalError('INVALID_SIZE', `page size ${size} exceeds the largest page of ${this.maxPageBytes} bytes`);
    }
    const limit = this.budget.limitBytes;
    if (charged && limit !== null && size > limit) {
      throw new PhysicalError('BUDGET_EXCEEDED', `page of ${size} bytes can never fit the budget of ${limit} bytes`);
    }
  }

  /** The bytes of a live slot; WRONG_KIND for device memory. */
  private bytesOf(slot: number, handle: PageHandle): Uint8Array {
    const ref = this.hRef[slot] as number;
    if (this.hPool[slot] !== POOL_OWNED) {
      const slab = this.slabViews[ref] as Uint8Array;
      return new Uint8Array(slab.buffer, this.hOffset[slot], this.hSize[slot]);
    }
    const entry = this.owned[ref] as OwnedEntry;
    if (entry.bytes === null) {
      throw new PhysicalError(
        'WRONG_KIND',
        `page ${handle} is device memory on device ${entry.block?.device ?? 0}, which has no view; use read/write`,
      );
    }
    return entry.bytes;
  }

  private seqOf(slot: number): { seq: Int32Array; index: number } {
    const ref = this.hRef[slot] as number;
    if (this.hPool[slot] === POOL_OWNED) {
      return { seq: (this.owned[ref] as OwnedEntry).seq as Int32Array, index: 0 };
    }
    const cap = this.poolCap[this.hPool[slot] as number] as number;
    return { seq: this.slabSeq[ref] as Int32Array, index: (this.hOffset[slot] as number) / cap };
  }

  // ---- handle slots ------------------------------------------------------------------------

  private checkSlotAvailable(): void {
    if (this.bareHead === NONE && this.slotCount >= MAX_SLOTS) {
      throw new PhysicalError('TOO_MANY_PAGES', `${this.livePages} pages are live; a handle addresses at most ${MAX_SLOTS}`);
    }
  }

  /** A slot holding no memory; the caller has called checkSlotAvailable. */
  private takeBareSlot(): number {
    const bare = this.bareHead;
    if (bare !== NONE) {
      this.bareHead = this.hNext[bare] as number;
      return bare;
    }
    if (this.slotCount === this.capacity) this.growSlots(this.capacity * 2);
    return this.slotCount++;
  }

  private growSlots(capacity: number): void {
    const grow = <T extends Uint8Array | Uint16Array | Int32Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
      const next = make(capacity);
      next.set(old);
      return next;
    };
    this.hGen = grow(this.hGen, (n) => new Uint8Array(n));
    this.hLive = grow(this.hLive, (n) => new Uint8Array(n));
    this.hKind = grow(this.hKind, (n) => new Uint8Array(n));
    this.hLoc = grow(this.hLoc, (n) => new Uint8Array(n));
    this.hPool = grow(this.hPool, (n) => new Uint16Array(n));
    this.hRef = grow(this.hRef, (n) => new Int32Array(n));
    this.hOffset = grow(this.hOffset, (n) => new Uint32Array(n));
    this.hSize = grow(this.hSize, (n) => new Float64Array(n));
    this.hNext = grow(this.hNext, (n) => new Int32Array(n));
    this.hDirty = grow(this.hDirty, (n) => new Uint8Array(n));
    this.capacity = capacity;
  }

  // ---- slabs and budget --------------------------------------------------------------------

  /** `bytes` clamped to [cap, maxSlabBytes] and rounded down to whole slots. */
  private slabSize(bytes: number, cap: number): number {
    return Math.max(cap, Math.floor(Math.min(bytes, this.maxSlabBytes) / cap) * cap);
  }

  /** Bytes for the pool's next slab within the budget: the planned size, or as many slots as fit; 0 when not one fits. */
  private fittingSlabBytes(p: number, cap: number): number {
    const planned = this.poolNextSlab[p] as number;
    if (this.budget.shortfall(planned) === 0) return planned;
    const room = planned - this.budget.shortfall(planned);
    return room >= cap ? Math.floor(room / cap) * cap : 0;
  }

  private newSlab(p: number, bytes: number, set: number): void {
    const cap = this.poolCap[p] as number;
    const shared = set === LOC_SHARED;
    let view: Uint8Array;
    let seq: Int32Array = EMPTY_SEQ;
    try {
      view = new Uint8Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
      if (shared) seq = new Int32Array(new SharedArrayBuffer(4 * (bytes / cap)));
    } catch (error) {
      throw new PhysicalError('OUT_OF_MEMORY', `could not create a slab of ${bytes} bytes`, { cause: error });
    }
    let id = this.freeSlabIds.pop();
    if (id === undefined) {
      if (this.slabIdCount === this.slabCapacity) this.growSlabs(Math.max(64, this.slabCapacity * 2));
      id = this.slabIdCount++;
    }
    this.slabViews[id] = view;
    this.slabSeq[id] = seq;
    this.slabPool[id] = p;
    this.slabLive[id] = 0;
    this.slabBytes[id] = bytes;
    this.budget.charge(bytes);
    this.reservedByLoc[set] = (this.reservedByLoc[set] as number) + bytes;
    this.slabBytesReserved += bytes;
    this.slabsHeld++;
    this.poolBumpSlab[p] = id;
    this.poolBumpOffset[p] = 0;
    this.poolBumpEnd[p] = bytes;
    this.poolNextSlab[p] = this.slabSize(Math.max(bytes, this.poolNextSlab[p] as number) * 2, cap);
  }

  private growSlabs(capacity: number): void {
    const pool = new Int32Array(capacity);
    pool.set(this.slabPool);
    const live = new Int32Array(capacity);
    live.set(this.slabLive);
    const bytes = new Float64Array(capacity);
    bytes.set(this.slabBytes);
    this.slabPool = pool;
    this.slabLive = live;
    this.slabBytes = bytes;
    this.slabCapacity = capacity;
  }

  /**
   * Makes room for `bytes` more budgeted bytes: empty slabs first, then the spill hook, once per
   * allocation. Returns whether the hook has run; throws BUDGET_EXCEEDED when neither helped.
   */
  private reclaim(bytes: number, pageBytes: number, hookUsed: boolean): boolean {
    if (this.trimSlabs() > 0) return hookUsed;
    const limit = this.budget.limitBytes ?? 0;
    const shortfall = this.budget.shortfall(bytes);
    if (!hookUsed && this.spillHook !== null && !this.inSpill) {
      this.inSpill = true;
      this.spills++;
      try {
        this.spillHook({ bytesNeeded: shortfall, usedBytes: this.budget.usedBytes, budgetBytes: limit, pageBytes });
      } catch (error) {
        throw new PhysicalError('BUDGET_EXCEEDED', `the spill hook threw while freeing ${shortfall} bytes for a page of ${pageBytes} bytes`, {
          cause: error,
        });
      } finally {
        this.inSpill = false;
      }
      this.trimSlabs();
      return true;
    }
    const why = this.inSpill
      ? 'allocation inside the spill hook may not spill again'
      : hookUsed
        ? 'the spill hook did not free enough'
        : 'no spill hook is set';
    throw new PhysicalError(
      'BUDGET_EXCEEDED',
      `page of ${pageBytes} bytes needs ${bytes} more bytes; the budget of ${limit} bytes has ${limit - this.budget.usedBytes} left, short by ${shortfall} (${why})`,
    );
  }

  /** Releases every slab with no live page; their free slots become bare. Returns bytes released. */
  private trimSlabs(): number {
    let released = 0;
    const touched = new Set<number>();
    for (let id = 0; id < this.slabIdCount; id++) {
      const p = this.slabPool[id] as number;
      if (p === NONE || this.slabLive[id] !== 0) continue;
      const bytes = this.slabBytes[id] as number;
      this.slabPool[id] = NONE;
      this.slabViews[id] = EMPTY_BYTES;
      this.slabSeq[id] = EMPTY_SEQ;
      this.budget.release(bytes);
      const loc = p < this.classCount ? LOC_CPU : LOC_SHARED;
      this.reservedByLoc[loc] = (this.reservedByLoc[loc] as number) - bytes;
      this.slabBytesReserved -= bytes;
      this.slabsHeld--;
      this.slabsReleased++;
      this.freeSlabIds.push(id);
      if (this.poolBumpSlab[p] === id) this.poolBumpSlab[p] = NONE;
      touched.add(p);
      released += bytes;
    }
    // Drop the released slabs' slots from their free lists, keeping the others in order.
    for (const p of touched) {
      let kept = NONE;
      let tail = NONE;
      for (let slot = this.poolHead[p] as number; slot !== NONE; ) {
        const next = this.hNext[slot] as number;
        if (this.slabPool[this.hRef[slot] as number] === NONE) {
          this.hNext[slot] = this.bareHead;
          this.bareHead = slot;
        } else {
          if (tail === NONE) kept = slot;
          else this.hNext[tail] = slot;
          tail = slot;
        }
        slot = next;
      }
      if (tail !== NONE) this.hNext[tail] = NONE;
      this.poolHead[p] = kept;
    }
    return released;
  }
}

/** A page as an object, bound to its allocator and handle. */
class AllocatedPage implements PageMemory {
  readonly handle: PageHandle;
  private readonly allocator: PageAllocator;

  constructor(allocator: PageAllocator, handle: PageHandle) {
    this.allocator = allocator;
    this.handle = handle;
  }

  get kind(): PageKind {
    return this.allocator.kindOf(this.handle);
  }

  get location(): PageLocation {
    return this.allocator.location(this.handle);
  }

  get size(): number {
    return this.allocator.size(this.handle);
  }

  view(): Uint8Array {
    return this.allocator.view(this.handle);
  }

  read(dst: Uint8Array, pageOffset = 0): void {
    this.allocator.read(this.handle, dst, pageOffset);
  }

  write(src: Uint8Array, pageOffset = 0): void {
    this.allocator.write(this.handle, src, pageOffset);
  }

  sharedDescriptor(): SharedPageDescriptor {
    return this.allocator.sharedDescriptor(this.handle);
  }

  free(): void {
    this.allocator.free(this.handle);
  }
}

// TypedArray.fill on SharedArrayBuffer memory takes a slow per-element path in V8 (about 20x
// slower than on an ArrayBuffer at 4 KiB); copying from a zero buffer is a plain memmove.
const ZEROS = new Uint8Array(64 * 1024);

function zeroRange(bytes: Uint8Array, offset: number, length: number): void {
  if (!(bytes.buffer instanceof SharedArrayBuffer)) {
    bytes.fill(0, offset, offset + length);
    return;
  }
  for (let done = 0; done < length; done += ZEROS.length) {
    const n = Math.min(ZEROS.length, length - done);
    bytes.set(n === ZEROS.length ? ZEROS : ZEROS.subarray(0, n), offset + done);
  }
}

function closedError(): PhysicalError {
  return new PhysicalError('ALLOCATOR_CLOSED', 'the page allocator is closed');
}

function checkLimit(name: string, value: number, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new PhysicalError('INVALID_OPTION', `${name} ${String(value)} is not an integer from ${min} to ${max}`);
  }
  return value;
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? typeof value : String(value);
}
