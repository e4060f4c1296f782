import { MemoryBudget } from '../budget.js';
import { PhysicalError } from '../errors.js';
import { SizeClasses, alignUp } from '../size-classes.js';
import { checkRange } from './range.js';

/** Where a pool's blocks really are. */
export type BlockPlacement = 'device' | 'host';

/** How a pool reaches its memory; the host and CUDA pools differ only here. */
export interface BlockBackend<B> {
  readonly placement: BlockPlacement;
  readonly device: number;
  create(capacity: number): B;
  destroy(backing: B): void;
  zero(backing: B, length: number): void;
  upload(backing: B, src: Uint8Array, offset: number): void;
  download(backing: B, dst: Uint8Array, offset: number): void;
}

/** Counters of a block pool. */
export interface BlockPoolStats {
  readonly blocksLive: number;
  /** Capacity of live blocks (class sizes). */
  readonly bytesLive: number;
  /** Freed blocks kept for reuse. */
  readonly blocksCached: number;
  readonly bytesCached: number;
  /** bytesLive + bytesCached: what the pool holds on its memory. */
  readonly bytesReserved: number;
  readonly budgetBytes: number | null;
  /** Allocations served from the cache rather than new memory. */
  readonly reuses: number;
  readonly allocations: number;
}

/** A block handed out by a pool; dead (every method throws FREED_HANDLE) once freed. */
export class PooledBlock<B> {
  /** Unique within its pool. */
  readonly id: number;
  /** Bytes asked for. */
  readonly size: number;
  /** Bytes held (the size class). */
  readonly capacity: number;
  readonly device: number;
  readonly placement: BlockPlacement;
  /** @internal */
  backing: B | null;
  /** @internal */
  readonly owner: BlockPool<B>;

  /** Made by the pool only. */
  constructor(owner: BlockPool<B>, id: number, size: number, capacity: number, backing: B) {
    this.owner = owner;
    this.id = id;
    this.size = size;
    this.capacity = capacity;
    this.device = owner.backend.device;
    this.placement = owner.backend.placement;
    this.backing = backing;
  }

  /** Copies `src` into the block at `offset`. */
  upload(src: Uint8Array, offset = 0): void {
    checkRange(offset, src.length, this.size);
    this.owner.backend.upload(this.live(), src, offset);
  }

  /** Copies `dst.length` bytes from `offset` of the block into `dst`. */
  download(dst: Uint8Array, offset = 0): void {
    checkRange(offset, dst.length, this.size);
    this.owner.backend.download(this.live(), dst, offset);
  }

  private live(): B {
    if (this.backing === null) {
      throw new PhysicalError('FREED_HANDLE', `device block ${this.id} of ${this.size} bytes was freed`);
    }
    return this.backing;
  }
}

/** Size-classed caching pool of blocks from a backend: the engine of both device pools. */
export class BlockPool<B> {
  readonly backend: BlockBackend<B>;
  private readonly classes: SizeClasses;
  private readonly budget: MemoryBudget;
  // Freed blocks' memory per size class, reused LIFO so the most recently touched memory goes first.
  private readonly cache: B[][];
  private nextId = 1;
  private blocksLive = 0;
  private bytesLive = 0;
  private blocksCached = 0;
  private bytesCached = 0;
  private reuses = 0;
  private allocations = 0;
  private closed = false;

  /** @param budgetBytes most bytes held, live and cached; null for no limit */
  constructor(backend: BlockBackend<B>, classes: SizeClasses, budgetBytes: number | null) {
    this.backend = backend;
    this.classes = classes;
    this.budget = new MemoryBudget(budgetBytes);
    this.cache = Array.from({ length: classes.count }, () => []);
  }

  /** A zeroed block of at least `size` bytes: from the class cache, else new memory within the budget. */
  allocate(size: number): PooledBlock<B> {
    this.checkOpen();
    if (!Number.isSafeInteger(size) || size <= 0) {
      throw new PhysicalError('INVALID_SIZE', `device block size ${String(size)} is not a positive safe integer`);
    }
    const cls = this.classes.classOf(size);
    const capacity = cls < 0 ? alignUp(size) : this.classes.sizeOf(cls);
    let backing: B | undefined = cls < 0 ? undefined : this.cache[cls]?.pop();
    if (backing !== undefined) {
      this.blocksCached--;
      this.bytesCached -= capacity;
      this.reuses++;
    } else {
      if (this.budget.shortfall(capacity) > 0) this.trim();
      const shortfall = this.budget.shortfall(capacity);
      if (shortfall > 0) {
        throw new PhysicalError(
          'BUDGET_EXCEEDED',
          `device block of ${size} bytes (${capacity} reserved) exceeds the pool budget of ${String(this.budget.limitBytes)} bytes by ${shortfall}`,
        );
      }
      backing = this.backend.create(capacity);
      this.budget.charge(capacity);
    }
    this.backend.zero(backing, size);
    this.allocations++;
    this.blocksLive++;
    this.bytesLive += capacity;
    return new PooledBlock(this, this.nextId++, size, capacity, backing);
  }

  /** Kills the block object and caches its memory (destroys it for large blocks or a closed pool). */
  free(block: PooledBlock<B>): void {
    if (!(block instanceof PooledBlock) || block.owner !== this) {
      throw new PhysicalError('INVALID_HANDLE', `block ${describe(block)} was not allocated by this pool`);
    }
    const backing = block.backing;
    if (backing === null) {
      throw new PhysicalError('DOUBLE_FREE', `device block ${block.id} of ${block.size} bytes is already free`);
    }
    block.backing = null;
    this.blocksLive--;
    this.bytesLive -= block.capacity;
    const cls = this.classes.classOf(block.size);
    const list = cls < 0 || this.closed ? undefined : this.cache[cls];
    if (list === undefined) {
      this.backend.destroy(backing);
      this.budget.release(block.capacity);
      return;
    }
    list.push(backing);
    this.blocksCached++;
    this.bytesCached += block.capacity;
  }

  /** Releases every cached block; returns the bytes released. */
  trim(): number {
    let released = 0;
    for (let cls = 0; cls < this.cache.length; cls++) {
      const list = this.cache[cls];
      if (list === undefined) continue;
      const capacity = this.classes.sizeOf(cls);
      for (const backing of list) {
        this.backend.destroy(backing);
        released += capacity;
      }
      list.length = 0;
    }
    this.budget.release(released);
    this.blocksCached = 0;
    this.bytesCached = 0;
    return released;
  }

  /** A snapshot of the counters. */
  stats(): BlockPoolStats {
    return {
      blocksLive: this.blocksLive,
      bytesLive: this.bytesLive,
      blocksCached: this.blocksCached,
      bytesCached: this.bytesCached,
      bytesReserved: this.bytesLive + this.bytesCached,
      budgetBytes: this.budget.limitBytes,
      reuses: this.reuses,
      allocations: this.allocations,
    };
  }

  /** Trims the cache and refuses further allocation; live blocks stay valid until freed. */
  close(): void {
    this.trim();
    this.closed = true;
  }

  private checkOpen(): void {
    if (this.closed) throw new PhysicalError('ALLOCATOR_CLOSED', `the ${this.backend.placement} block pool is closed`);
  }
}

function describe(value: unknown): string {
  if (value instanceof PooledBlock) return `${String(value.id)} (from another pool)`;
  return typeof value === 'object' && value !== null ? 'object' : String(value);
}
