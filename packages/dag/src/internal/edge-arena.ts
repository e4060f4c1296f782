import { CAPACITY, LENGTH, OFFSET, STRIDE } from './node-record.js';

/**
 * One direction of adjacency for every node, in one growable Int32Array (and, once any edge
 * carries a weight other than the default, a parallel Float64Array). Each node owns a block
 * `[offset, offset + capacity)` whose first `length` entries are live; the three numbers sit
 * in the node's record (see node-record.ts) at `field`. A full block moves to the arena's top
 * with twice the room; the arena doubles, or compacts once abandoned blocks pass half of it.
 * Everything lives outside the V8 heap.
 */
export class EdgeArena {
  /** Neighbour slots, block by block. */
  data: Int32Array;
  /** Weights parallel to `data`; null while every edge has the default weight. */
  weights: Float64Array | null = null;
  /** The node records this arena's block heads live in; the owner swaps it when it grows. */
  records: Int32Array;
  private top = 0;
  private abandoned = 0;
  private live = 0;

  constructor(
    records: Int32Array,
    /** Which record field holds this arena's block offset (length and capacity follow). */
    readonly field: number,
    edgeCapacity: number,
    private readonly defaultWeight: number,
  ) {
    this.records = records;
    this.data = new Int32Array(Math.max(16, edgeCapacity));
  }

  /** Entries in use across all nodes. */
  get count(): number {
    return this.live;
  }

  /** Bytes held by the arena's arrays (the records are counted by their owner). */
  get byteLength(): number {
    return this.data.byteLength + (this.weights?.byteLength ?? 0);
  }

  /** Where `node`'s block starts in `data`. */
  offsetOf(node: number): number {
    return this.records[node * STRIDE + this.field + OFFSET] as number;
  }

  /** Live entries in `node`'s list. */
  lengthOf(node: number): number {
    return this.records[node * STRIDE + this.field + LENGTH] as number;
  }

  /** Switches on weight storage (every existing entry gets the default weight). */
  enableWeights(): Float64Array {
    if (this.weights === null) this.weights = new Float64Array(this.data.length).fill(this.defaultWeight);
    return this.weights;
  }

  /** Appends `value` (with `weight`, if weights are on) to `node`'s list. */
  push(node: number, value: number, weight: number): void {
    const head = node * STRIDE + this.field;
    const records = this.records;
    const len = records[head + LENGTH] as number;
    if (len === records[head + CAPACITY]) this.relocate(head, len === 0 ? 2 : len * 2);
    const at = (records[head + OFFSET] as number) + len;
    this.data[at] = value;
    if (this.weights !== null) this.weights[at] = weight;
    records[head + LENGTH] = len + 1;
    this.live++;
  }

  /** Position in `data` of `value` within `node`'s list, or -1. */
  indexOf(node: number, value: number): number {
    const head = node * STRIDE + this.field;
    const data = this.data;
    const start = this.records[head + OFFSET] as number;
    const end = start + (this.records[head + LENGTH] as number);
    for (let i = start; i < end; i++) if (data[i] === value) return i;
    return -1;
  }

  /** Removes the entry at `at` (a position inside `node`'s list) by moving the last one into it. */
  removeAt(node: number, at: number): void {
    const head = node * STRIDE + this.field;
    const len = (this.records[head + LENGTH] as number) - 1;
    const last = (this.records[head + OFFSET] as number) + len;
    this.data[at] = this.data[last] as number;
    if (this.weights !== null) this.weights[at] = this.weights[last] as number;
    this.records[head + LENGTH] = len;
    this.live--;
  }

  /** Drops `node`'s whole block. */
  clear(node: number): void {
    const head = node * STRIDE + this.field;
    this.live -= this.records[head + LENGTH] as number;
    this.abandoned += this.records[head + CAPACITY] as number;
    this.records[head + OFFSET] = 0;
    this.records[head + LENGTH] = 0;
    this.records[head + CAPACITY] = 0;
  }

  private relocate(head: number, newCapacity: number): void {
    if (this.top + newCapacity > this.data.length) this.makeRoom(newCapacity);
    const records = this.records;
    const from = records[head + OFFSET] as number;
    const len = records[head + LENGTH] as number;
    const to = this.top;
    this.data.copyWithin(to, from, from + len);
    if (this.weights !== null) this.weights.copyWithin(to, from, from + len);
    this.abandoned += records[head + CAPACITY] as number;
    records[head + OFFSET] = to;
    records[head + CAPACITY] = newCapacity;
    this.top += newCapacity;
  }

  /**
   * Room for `extra` more entries at the top: doubles the arrays while abandoned blocks are
   * under half of what was handed out (a plain copy), otherwise compacts into fresh arrays.
   */
  private makeRoom(extra: number): void {
    if (this.abandoned * 2 <= this.top) {
      const size = Math.max(this.data.length * 2, this.top + extra);
      const data = new Int32Array(size);
      data.set(this.data.subarray(0, this.top));
      this.data = data;
      if (this.weights !== null) {
        const weights = new Float64Array(size).fill(this.defaultWeight, this.top);
        weights.set(this.weights.subarray(0, this.top));
        this.weights = weights;
      }
      return;
    }
    this.compact(false, extra);
  }

  /**
   * Moves every block into fresh arrays with no abandoned space between them, sized for the
   * blocks plus `extra` and, unless `tight`, as much again for growth. A tight compaction also
   * shrinks each block to its live entries.
   */
  compact(tight: boolean, extra = 0): void {
    const records = this.records;
    const end = records.length;
    let used = 0;
    for (let head = this.field; head < end; head += STRIDE) {
      used += records[head + (tight ? LENGTH : CAPACITY)] as number;
    }
    const size = Math.max(16, tight ? used + extra : 2 * (used + extra));
    const data = new Int32Array(size);
    const weights = this.weights === null ? null : new Float64Array(size).fill(this.defaultWeight);
    let top = 0;
    for (let head = this.field; head < end; head += STRIDE) {
      const len = records[head + LENGTH] as number;
      const cap = tight ? len : (records[head + CAPACITY] as number);
      if (cap === 0) {
        records[head + OFFSET] = 0;
        records[head + CAPACITY] = 0;
        continue;
      }
      const from = records[head + OFFSET] as number;
      data.set(this.data.subarray(from, from + len), top);
      if (weights !== null && this.weights !== null) weights.set(this.weights.subarray(from, from + len), top);
      records[head + OFFSET] = top;
      records[head + CAPACITY] = cap;
      top += cap;
    }
    this.data = data;
    this.weights = weights;
    this.top = top;
    this.abandoned = 0;
  }
}

/** A copy of `array` with room for `minLength` entries (at least 1.5× the old length), zero-filled. */
export function growInt32(array: Int32Array, minLength: number): Int32Array<ArrayBuffer> {
  const next = new Int32Array(Math.max(minLength, Math.ceil(array.length * 1.5), 16));
  next.set(array);
  return next;
}
