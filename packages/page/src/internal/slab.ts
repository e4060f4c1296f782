// Small owned byte ranges carved out of shared slabs. `new ArrayBuffer` costs about a microsecond
// in V8 (a backing store, zero-filled, registered with the GC) — more than copying the 1 KiB it
// holds — and a 1000-update commit made three of them per page. A slab is never reused: ranges
// are handed out once, in order, so every range is zero-filled fresh memory that no one else
// writes, and the slab is freed when the last view of it is collected (Node's Buffer pool works
// the same way). The price: a long-lived small range keeps its whole slab alive.

/** Bytes of one slab. */
const SLAB_BYTES = 64 * 1024;
/** Ranges above this get a buffer of their own. */
const DIRECT_ABOVE = 8 * 1024;

let slab = new ArrayBuffer(SLAB_BYTES);
let used = 0;

/**
 * `bytes` zero-filled bytes that no other range overlaps, starting at a multiple of 8 (so 32- and
 * 64-bit views of them are aligned). Their buffer may be shared with other ranges: views must use
 * the returned byteOffset, never offset 0 of the buffer.
 */
export function ownedBytes(bytes: number): Uint8Array {
  if (bytes > DIRECT_ABOVE) return new Uint8Array(bytes);
  if (used + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    used = 0;
  }
  const out = new Uint8Array(slab, used, bytes);
  used += (bytes + 7) & ~7;
  return out;
}
