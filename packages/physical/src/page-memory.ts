import type { SpillHook } from './budget.js';
import type { DeviceMemoryPool } from './device-pool.js';
import type { SharedPageDescriptor } from './shared-page.js';

/**
 * What kind of memory a page was asked for:
 * - `heap`: an `ArrayBuffer` slab, this thread only;
 * - `shared`: a `SharedArrayBuffer` slab, usable from `worker_threads`, read under a seqlock;
 * - `mapped`: a memory-mapped file (native module), seen by every process that maps it;
 * - `device`: CUDA memory, or host memory when the caller allowed fallback.
 */
export type PageKind = 'heap' | 'shared' | 'mapped' | 'device';

/**
 * Where a page's bytes really live (DESIGN.md's `Page.location`): a `device` page that fell back
 * to the host is at `cpu`, not `gpu`.
 */
export type PageLocation = 'cpu' | 'shared' | 'mapped' | 'gpu';

/**
 * An integer naming one allocation in one allocator. It stays cheap to pass and store (no object
 * per page); a freed handle is detected (FREED_HANDLE) until its slot has been reused 256 times.
 */
export type PageHandle = number & { readonly __pageHandle: 'PageHandle' };

/** What to do when a `device` page cannot be placed on a device. */
export type DeviceFallback = 'refuse' | 'host';

/** Options of one allocation: its kind, and what that kind needs. Absent means `heap`. */
export type AllocateOptions =
  | { readonly kind: 'heap' }
  | { readonly kind: 'shared' }
  | {
      readonly kind: 'mapped';
      /** The file to map; created (and sized) when missing unless `create` is false. */
      readonly path: string;
      readonly create?: boolean;
    }
  | {
      readonly kind: 'device';
      /** CUDA device index; default 0. */
      readonly device?: number;
      /** `refuse` (default): DEVICE_UNAVAILABLE without a device; `host`: a heap page at location `cpu`. */
      readonly fallback?: DeviceFallback;
    };

/**
 * One page's memory, whatever its kind. `read` and `write` work for every kind (under the
 * seqlock for shared pages, by copy for device pages); `view` is zero-copy where the bytes are
 * addressable from JS and refuses (WRONG_KIND) for device memory.
 */
export interface PageMemory {
  readonly handle: PageHandle;
  readonly kind: PageKind;
  readonly location: PageLocation;
  /** Bytes asked for. */
  readonly size: number;
  /** A zero-copy view of the page (not for device memory). For shared pages it bypasses the seqlock. */
  view(): Uint8Array;
  /** Copies `dst.length` bytes from `pageOffset` into `dst`. */
  read(dst: Uint8Array, pageOffset?: number): void;
  /** Copies `src` into the page at `pageOffset`. */
  write(src: Uint8Array, pageOffset?: number): void;
  /** For shared pages: what a worker needs to open the page (see `SharedPageView`). */
  sharedDescriptor(): SharedPageDescriptor;
  /** Returns the page to its allocator; the handle is dead afterwards. */
  free(): void;
}

/** Options of a `PageAllocator`. */
export interface PageAllocatorOptions {
  /**
   * Most bytes of anonymous host memory (heap and shared slabs, large pages, host-fallback
   * device pages) the allocator may reserve; absent or null for no limit. Mapped pages are backed
   * by their files and device pages by their device pool, so neither is charged.
   */
  readonly budgetBytes?: number | null;
  /** Called when an allocation would exceed the budget; see `SpillHook`. */
  readonly onBudgetExceeded?: SpillHook;
  /** Largest size class (a power of two, 512 B to 64 MiB); bigger pages get their own buffer. Default 1 MiB. */
  readonly maxClassBytes?: number;
  /** Largest page of any kind; default 1 GiB. */
  readonly maxPageBytes?: number;
  /** Largest slab a size class grows to; slabs start at 4 KiB (or one page) and double. Default 1 MiB. */
  readonly maxSlabBytes?: number;
  /** Zero a recycled slot before handing it out again (fresh slabs are zero). Default true: same inputs, same bytes. */
  readonly zeroOnAllocate?: boolean;
  /** Pool for `device` pages; default a `CudaDeviceMemoryPool` per device, created when first needed. */
  readonly devicePool?: DeviceMemoryPool;
}
