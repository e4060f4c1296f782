// Small owned byte ranges carved out of shared slabs. `new ArrayBuffer` costs about a microsecond
// in V8 (a backing store, zero-filled, registered with the GC) — more than copying the 1 KiB it
// holds — and a 1000-update commit made three of them per page. A slab is never reused: ranges
// are handed out once, in order, so every range is zero-filled fresh memory that no one else
// writes, and the slab is freed when the last view of it is collected (Node's Buffer pool works
// the same way). The price: a long-lived small range keeps its whole slab alive.

/** Hands out owned byte ranges from slabs of `slabBytes`; ranges above `directAbove` get a buffer of their own. */
export class Slab {
  private slab: ArrayBuffer;
  private used = 0;

  constructor(
    private readonly slabBytes: number,
    private readonly directAbove: number,
  ) {
    this.slab = new ArrayBuffer(0);
    this.used = 0;
  }

  /**
   * `bytes` zero-filled bytes that no other range overlaps, starting at a multiple of 8 (so 32- and
   * 64-bit views of them are aligned). Their buffer may be shared with other ranges: views must use
   * the returned byteOffset, never offset 0 of the buffer.
   */
  take(bytes: number): Uint8Array {
    if (bytes > this.directAbove) return new Uint8Array(bytes);
    if (this.used + bytes > this.slab.byteLength) {
      this.slab = new ArrayBuffer(this.slabBytes);
      this.used = 0;
    }
    const out = new Uint8Array(this.slab, this.used, bytes);
    this.used += (bytes + 7) & ~7;
    return out;
  }
}

/** Deltas' runs and before-images: 64 KiB slabs, ranges up to 8 KiB. */
const deltaSlab = new Slab(64 * 1024, 8 * 1024);

/** `bytes` owned zero-filled bytes from the delta slab (see {@link Slab.take}). */
export function ownedBytes(bytes: number): Uint8Array {
  return deltaSlab.take(bytes);
}
