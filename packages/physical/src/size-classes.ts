import { PhysicalError } from './errors.js';

/** Every page starts on a multiple of this many bytes inside its buffer (a cache line). */
export const PAGE_ALIGNMENT = 64;

/** The largest class a {@link SizeClasses} table may have; bigger classes would make the lookup table large. */
export const MAX_SIZE_CLASS_LIMIT = 64 * 1024 * 1024;

/** Default largest size class: anything bigger is a large page with its own buffer. */
export const DEFAULT_MAX_CLASS_BYTES = 1024 * 1024;

/**
 * The size classes pages are rounded up to: every multiple of 64 up to 512, then four classes
 * per doubling (640, 768, 896, 1024, 1280, …) up to `maxClassBytes`. Four steps a doubling keep
 * the worst-case internal waste near 20% while the number of classes (and of free lists) stays
 * small. Lookup is one table read, so the allocator's fast path stays O(1).
 */
export class SizeClasses {
  /** The largest class; sizes above it are large pages. */
  readonly maxClassBytes: number;
  /** Number of classes. */
  readonly count: number;
  /** Bytes of each class, ascending. */
  readonly bytes: Uint32Array;
  // Indexed by ceil(size / 64): the class of every size in one read, no branches or logarithms.
  private readonly classOfUnits: Uint8Array;

  /**
   * @param maxClassBytes the largest class: a power of two from 512 to {@link MAX_SIZE_CLASS_LIMIT}
   */
  constructor(maxClassBytes: number = DEFAULT_MAX_CLASS_BYTES) {
    if (
      !Number.isSafeInteger(maxClassBytes) ||
      maxClassBytes < 512 ||
      maxClassBytes > MAX_SIZE_CLASS_LIMIT ||
      (maxClassBytes & (maxClassBytes - 1)) !== 0
    ) {
      throw new PhysicalError(
        'INVALID_OPTION',
        `maxClassBytes ${String(maxClassBytes)} is not a power of two from 512 to ${MAX_SIZE_CLASS_LIMIT}`,
      );
    }
    const sizes: number[] = [];
    for (let s = PAGE_ALIGNMENT; s <= 512; s += PAGE_ALIGNMENT) sizes.push(s);
    for (let base = 512; base < maxClassBytes; base *= 2) {
      const step = base / 4;
      for (let k = 1; k <= 4; k++) sizes.push(base + k * step);
    }
    this.maxClassBytes = maxClassBytes;
    this.count = sizes.length;
    this.bytes = Uint32Array.from(sizes);
    const units = maxClassBytes / PAGE_ALIGNMENT;
    this.classOfUnits = new Uint8Array(units + 1);
    let cls = 0;
    for (let u = 1; u <= units; u++) {
      while ((sizes[cls] ?? Infinity) < u * PAGE_ALIGNMENT) cls++;
      this.classOfUnits[u] = cls;
    }
  }

  /**
   * The class index of a size from 1 to `maxClassBytes`, or -1 when the size is a large page.
   * The caller validates the size; this is the hot path.
   */
  classOf(size: number): number {
    if (size > this.maxClassBytes) return -1;
    return this.classOfUnits[(size + PAGE_ALIGNMENT - 1) >>> 6] ?? -1;
  }

  /** Bytes of class `index`. */
  sizeOf(index: number): number {
    const size = this.bytes[index];
    if (size === undefined) {
      throw new PhysicalError('INVALID_OPTION', `size class ${index} does not exist (0..${this.count - 1})`);
    }
    return size;
  }
}

/** `size` rounded up to the next multiple of {@link PAGE_ALIGNMENT}. */
export function alignUp(size: number): number {
  return Math.ceil(size / PAGE_ALIGNMENT) * PAGE_ALIGNMENT;
}
