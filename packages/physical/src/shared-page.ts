import { PhysicalError } from './errors.js';
import { checkRange } from './internal/range.js';
import { SEQLOCK_DEFAULT_RETRIES, seqlockRead, seqlockVersion, seqlockWrite } from './seqlock.js';

/**
 * Everything another thread needs to use a shared page: plain data, so it survives
 * `postMessage` to a `worker_threads` Worker (the buffers are shared, not copied).
 */
export interface SharedPageDescriptor {
  /** The slab or buffer holding the page's bytes. */
  readonly buffer: SharedArrayBuffer;
  /** Where the page starts in `buffer`; a multiple of 64. */
  readonly byteOffset: number;
  /** The page's size in bytes. */
  readonly byteLength: number;
  /** The buffer holding the page's Int32 sequence word. */
  readonly seqBuffer: SharedArrayBuffer;
  /** Index of the page's sequence word in `seqBuffer`, in Int32 units. */
  readonly seqIndex: number;
}

/**
 * A shared page seen from any thread. Reads never see a torn write: they copy under the page's
 * seqlock and retry while a write overlaps. Writes from several threads are serialized.
 */
export class SharedPageView {
  /** The page's size in bytes. */
  readonly size: number;
  private readonly bytes: Uint8Array;
  private readonly seq: Int32Array;
  private readonly seqIndex: number;
  private readonly maxRetries: number;

  /**
   * @param descriptor from `PageAllocator.sharedDescriptor`, possibly received by `postMessage`
   * @param maxRetries how many overlapped copies a read throws away before `SEQLOCK_CONTENDED`
   */
  constructor(descriptor: SharedPageDescriptor, maxRetries: number = SEQLOCK_DEFAULT_RETRIES) {
    const { buffer, byteOffset, byteLength, seqBuffer, seqIndex } = descriptor;
    if (!(buffer instanceof SharedArrayBuffer) || !(seqBuffer instanceof SharedArrayBuffer)) {
      throw new PhysicalError('INVALID_OPTION', 'shared page descriptor needs SharedArrayBuffers for buffer and seqBuffer');
    }
    if (
      !Number.isSafeInteger(byteOffset) ||
      !Number.isSafeInteger(byteLength) ||
      byteOffset < 0 ||
      byteLength <= 0 ||
      byteOffset + byteLength > buffer.byteLength
    ) {
      throw new PhysicalError(
        'OUT_OF_RANGE',
        `shared page at offset ${byteOffset} of ${byteLength} bytes does not fit its buffer of ${buffer.byteLength} bytes`,
      );
    }
    if (!Number.isSafeInteger(seqIndex) || seqIndex < 0 || (seqIndex + 1) * 4 > seqBuffer.byteLength) {
      throw new PhysicalError('OUT_OF_RANGE', `sequence word ${seqIndex} is outside its buffer of ${seqBuffer.byteLength} bytes`);
    }
    if (!Number.isSafeInteger(maxRetries) || maxRetries < 0) {
      throw new PhysicalError('INVALID_OPTION', `maxRetries ${String(maxRetries)} is not a non-negative integer`);
    }
    this.size = byteLength;
    this.bytes = new Uint8Array(buffer, byteOffset, byteLength);
    this.seq = new Int32Array(seqBuffer);
    this.seqIndex = seqIndex;
    this.maxRetries = maxRetries;
  }

  /** Copies `dst.length` bytes from `pageOffset` into `dst`, never a torn write. */
  read(dst: Uint8Array, pageOffset = 0): void {
    checkRange(pageOffset, dst.length, this.size);
    const source = this.bytes.subarray(pageOffset, pageOffset + dst.length);
    if (seqlockRead(this.seq, this.seqIndex, source, dst, this.maxRetries) < 0) {
      throw new PhysicalError(
        'SEQLOCK_CONTENDED',
        `read of ${dst.length} bytes gave up after ${this.maxRetries} retries: writers never paused`,
      );
    }
  }

  /** Writes all of `src` at `pageOffset`, atomically for readers. */
  write(src: Uint8Array, pageOffset = 0): void {
    checkRange(pageOffset, src.length, this.size);
    seqlockWrite(this.seq, this.seqIndex, this.bytes, src, pageOffset);
  }

  /** A consistent copy of the whole page. */
  snapshot(): Uint8Array {
    const copy = new Uint8Array(this.size);
    this.read(copy);
    return copy;
  }

  /** The write counter: even, +2 per completed write. */
  version(): number {
    return seqlockVersion(this.seq, this.seqIndex);
  }
}
