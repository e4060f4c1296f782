// Page images in layer 4: the store stages changes but only applies them at commit, so the wave
// computes the new bytes of changed pages itself, from the committed bytes and the change.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import { compareBytes } from '@mmsb/native';
import { applyDelta, sparseDelta } from '@mmsb/page';
import type { Delta, PageChange, SparseRunInput } from '@mmsb/page';

/** Below this length a JS loop beats a call into the native module. */
const NATIVE_COMPARE_BYTES = 256;

/** Copies up to this size come from a shared slab; larger ones get a buffer of their own. */
const SLAB_COPY_MAX_BYTES = 4096;
const SLAB_BYTES = 256 * 1024;
let slab = new ArrayBuffer(0);
let slabUsed = 0;

/**
 * A copy of `bytes` that nothing else writes. A wave copies two images per derived page, and a
 * fresh ArrayBuffer (a backing store registered with the GC) costs more than copying a small page,
 * so small copies are carved out of shared slabs, handed out once each and freed with their last
 * view (Node's Buffer pool does the same). Callers must not reach past the view (`.buffer`).
 */
export function copyImage(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n > SLAB_COPY_MAX_BYTES) return bytes.slice();
  if (slabUsed + n > slab.byteLength) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, n);
  slabUsed += (n + 7) & ~7;
  out.set(bytes);
  return out;
}

/**
 * The new images of one wave, by page id. A Map would do, but `Map.clear` allocates a fresh table
 * and a one-hop wave clears after every commit; here clearing forgets only the ids it was given.
 * Page ids are small integers handed out in order, so the slots array stays dense.
 */
export class ImageTable {
  private readonly slots: (Uint8Array | undefined)[] = [];
  /** The ids set since the last clear. */
  private readonly ids = new IdList();

  /** How many pages have an image. */
  get size(): number {
    return this.ids.size;
  }

  get(pageId: number): Uint8Array | undefined {
    return this.slots[pageId];
  }

  has(pageId: number): boolean {
    return this.slots[pageId] !== undefined;
  }

  set(pageId: number, image: Uint8Array): void {
    if (this.slots[pageId] === undefined) this.ids.push(pageId);
    this.slots[pageId] = image;
  }

  clear(): void {
    const { slots, ids } = this;
    for (let i = 0; i < ids.size; i++) slots[ids.at(i)] = undefined;
    ids.clear();
  }
}

/**
 * A list of page ids emptied after every wave that keeps its array's room: emptying an array by
 * `length = 0` gives its memory back to V8, and the next wave's first push allocates again.
 */
export class IdList {
  private readonly items: number[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** The id at `index` (below `size`). */
  at(index: number): number {
    return this.items[index]!;
  }

  push(id: number): void {
    if (this.count < this.items.length) this.items[this.count] = id;
    else this.items.push(id);
    this.count++;
  }

  clear(): void {
    this.count = 0;
  }

  /** The ids as a fresh array (for events). */
  toArray(): number[] {
    return this.items.slice(0, this.count);
  }
}

/** Whether `a` and `b` hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  const n = a.length;
  if (n !== b.length) return false;
  if (n >= NATIVE_COMPARE_BYTES) return compareBytes(a, b) === 0;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isDelta(change: object): change is Delta {
  return 'kind' in change;
}

/**
 * Applies to `image` (page `pageId`'s bytes, changed in place) a change the store has already
 * accepted for that page, so it is known to fit.
 */
export function applyChange(image: Uint8Array, pageId: number, change: PageChange): void {
  if (change instanceof Uint8Array) {
    image.set(change);
    return;
  }
  if (Array.isArray(change)) {
    const runs = change as readonly SparseRunInput[];
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r]!;
      image.set(run.bytes, run.offset);
    }
    return;
  }
  const delta = isDelta(change) ? change : sparseDelta(pageId, image.length, change);
  applyDelta(image, delta);
}

/**
 * The new image of derived page `pageId` (`previous.length` bytes) that `result` — what its
 * recompute returned — describes; `previous` is the engine's private copy and may be written and
 * returned. Throws a plain Error saying what was wrong when `result` is not a change of the page.
 */
export function imageOf(pageId: number, result: unknown, previous: Uint8Array): Uint8Array {
  const size = previous.length;
  if (result === previous) return previous;
  if (result instanceof Uint8Array) {
    if (result.length !== size) throw new Error(`returned ${result.length} bytes for page ${pageId} of ${size} bytes`);
    // A copy: a function may hand back one buffer it reuses for several pages.
    return copyImage(result);
  }
  if (typeof result !== 'object' || result === null) throw new Error(`returned ${result === null ? 'null' : typeof result}, not bytes, runs or a delta`);
  if (Array.isArray(result)) {
    const runs = result as readonly unknown[];
    for (let r = 0; r < runs.length; r++) {
      const run = runs[r] as Partial<SparseRunInput> | null;
      const offset = run?.offset;
      const bytes = run?.bytes;
      if (!(bytes instanceof Uint8Array) || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset + bytes.length > size) {
        throw new Error(`run ${r} is not { offset, bytes } inside page ${pageId} of ${size} bytes`);
      }
      previous.set(bytes, offset);
    }
    return previous;
  }
  const change = result as Delta | { offsets?: unknown };
  if (isDelta(change)) {
    if (change.pageId !== pageId || change.size !== size) throw new Error(`returned a delta of page ${change.pageId} of ${change.size} bytes for page ${pageId} of ${size} bytes`);
    applyDelta(previous, change);
    return previous;
  }
  if (change.offsets instanceof Uint32Array) {
    applyDelta(previous, sparseDelta(pageId, size, result as Parameters<typeof sparseDelta>[2]));
    return previous;
  }
  throw new Error('returned an object that is neither runs, SparseRuns nor a Delta');
}
