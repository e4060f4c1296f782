// The seqlock protocol over one Int32 sequence word per page. This file imports nothing, so a
// worker (or a test) can load it on its own, and every thread runs the very same protocol.
//
// Writers make the word odd (compare-and-swap from an even value, which also serializes
// writers), copy, then make it even again. Readers copy only between two equal even readings;
// anything else means a write overlapped the copy, and the copy is thrown away and retried.

/** How many times a reader retries by default before reporting contention. */
export const SEQLOCK_DEFAULT_RETRIES = 1_000_000;

/**
 * Writes `src` into `target` at `targetOffset` under the page's sequence word `seq[index]`.
 * Spins while another writer holds the word: a writer holds it only for one copy.
 */
export function seqlockWrite(
  seq: Int32Array,
  index: number,
  target: Uint8Array,
  src: Uint8Array,
  targetOffset: number,
): void {
  let s = Atomics.load(seq, index);
  // An odd word means a writer is copying; an even one is free if nobody takes it first.
  while ((s & 1) !== 0 || Atomics.compareExchange(seq, index, s, s + 1) !== s) {
    s = Atomics.load(seq, index);
  }
  target.set(src, targetOffset);
  // `| 0` keeps the counter a wrapping int32 so the parity rule survives overflow.
  Atomics.store(seq, index, (s + 2) | 0);
}

/**
 * Copies `source` (a view of the bytes to read) into the start of `dst`, retrying until no write
 * overlapped the copy. Returns how many copies were thrown away, or -1 after `maxRetries`.
 */
export function seqlockRead(
  seq: Int32Array,
  index: number,
  source: Uint8Array,
  dst: Uint8Array,
  maxRetries: number = SEQLOCK_DEFAULT_RETRIES,
): number {
  for (let attempt = 0; attempt <= maxRetries; attempt++) {
    const before = Atomics.load(seq, index);
    if ((before & 1) !== 0) continue;
    dst.set(source);
    if (Atomics.load(seq, index) === before) return attempt;
  }
  return -1;
}

/**
 * The page's write counter: even when no write is in progress, and it grows by 2 with every
 * completed write, so a reader can tell whether a page changed since it last looked.
 */
export function seqlockVersion(seq: Int32Array, index: number): number {
  return Atomics.load(seq, index);
}
