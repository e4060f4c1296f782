// Consistent multi-page reads of a store's `shared` pages from worker_threads. The store brackets
// every commit's apply with one store-wide sequence word: odd while bytes are being written, +2
// per commit. A reader copies every page it wants between two equal even readings of the word and
// retries otherwise, so it sees all of a commit or none of it, across pages. This file imports
// nothing, so a worker can load it on its own (the tests transpile it alone).

/** One shared page as a worker sees it (the buffers are shared, not copied, by postMessage). */
export interface SharedStorePage {
  readonly id: number;
  readonly buffer: SharedArrayBuffer;
  readonly byteOffset: number;
  readonly byteLength: number;
}

/**
 * What a worker needs to read the store's shared pages consistently: plain data that survives
 * `postMessage`. `control` holds the sequence word (Int32 at index 0) and the epoch of the last
 * commit applied (Float64 at index 1).
 */
export interface SharedStoreDescriptor {
  readonly control: SharedArrayBuffer;
  /** The shared pages when the descriptor was made, sorted by id; pages made later need a new one. */
  readonly pages: readonly SharedStorePage[];
}

/** Bytes of the control buffer: the sequence word, padding, the epoch. */
export const SHARED_CONTROL_BYTES = 16;

/** How many overlapped copies a read throws away by default before giving up. */
export const SHARED_READ_DEFAULT_RETRIES = 1_000_000;

/** A consistent read: every page's bytes as of one epoch. */
export interface SharedStateRead {
  readonly epoch: number;
  /** Copies thrown away because a commit overlapped them. */
  readonly retries: number;
}

/**
 * Reads the shared pages of a store from any thread without ever seeing part of a commit. Keep one
 * per worker: it owns the destination buffers it fills.
 */
export class SharedStoreReader {
  private readonly seq: Int32Array;
  private readonly epochWord: Float64Array;
  private readonly sources: Uint8Array[];
  /** Page bytes by id, filled by {@link read}; overwritten by the next read. */
  readonly bytes: ReadonlyMap<number, Uint8Array>;

  /** @param descriptor from `PageStore.sharedState()`, possibly received through `postMessage` */
  constructor(descriptor: SharedStoreDescriptor) {
    if (!(descriptor.control instanceof SharedArrayBuffer) || descriptor.control.byteLength < SHARED_CONTROL_BYTES) {
      throw new TypeError('SharedStoreReader: descriptor.control must be the SharedArrayBuffer of PageStore.sharedState()');
    }
    this.seq = new Int32Array(descriptor.control, 0, 1);
    this.epochWord = new Float64Array(descriptor.control, 8, 1);
    this.sources = descriptor.pages.map((p) => new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
    const bytes = new Map<number, Uint8Array>();
    for (const p of descriptor.pages) bytes.set(p.id, new Uint8Array(p.byteLength));
    this.bytes = bytes;
  }

  /**
   * Copies every page into {@link bytes}, retrying while a commit overlaps; returns the epoch read,
   * or null after `maxRetries` overlapped copies (a writer that never pauses starves readers).
   */
  read(maxRetries: number = SHARED_READ_DEFAULT_RETRIES): SharedStateRead | null {
    const targets = [...this.bytes.values()];
    for (let attempt = 0; attempt <= maxRetries; attempt++) {
      const before = Atomics.load(this.seq, 0);
      if ((before & 1) !== 0) continue;
      const epoch = this.epochWord[0] ?? 0;
      for (let k = 0; k < targets.length; k++) {
        const dst = targets[k];
        const src = this.sources[k];
        if (dst !== undefined && src !== undefined) dst.set(src);
      }
      if (Atomics.load(this.seq, 0) === before) return { epoch, retries: attempt };
    }
    return null;
  }
}
