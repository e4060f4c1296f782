// Per-delta run cursors and the heap of deltas waiting for their next run, by its start: the
// part of a sweep both merges share.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- heap slots and cursors stay below their counts */
import type { SparseRuns } from '@mmsb/native';

/** Where each delta's sweep stands, and the deltas whose current run has not started yet. */
export class RunCursors {
  /** Per delta: index of its current run. */
  readonly run: Int32Array;
  /** Per delta: position of its current run's first byte in its data. */
  readonly dataAt: Float64Array;
  private readonly heap: Int32Array;
  private heapSize = 0;

  constructor(private readonly deltas: readonly SparseRuns[]) {
    const n = deltas.length;
    this.run = new Int32Array(n);
    this.dataAt = new Float64Array(n);
    this.heap = new Int32Array(n);
    for (let d = 0; d < n; d++) if (deltas[d]!.offsets.length > 0) this.pushPending(d);
  }

  /** Start of delta `d`'s current run. */
  startOf(d: number): number {
    return this.deltas[d]!.offsets[this.run[d]!]!;
  }

  /** End (exclusive) of delta `d`'s current run. */
  endOf(d: number): number {
    const runs = this.deltas[d]!;
    const r = this.run[d]!;
    return runs.offsets[r]! + runs.lengths[r]!;
  }

  /** Where the byte at page offset `at` (inside the current run of `d`) sits in `d`'s data. */
  sourceAt(d: number, at: number): number {
    return this.dataAt[d]! + (at - this.startOf(d));
  }

  /** Moves `d` past every run ending at or before `p`; false when it has no run left. */
  advancePast(d: number, p: number): boolean {
    const runs = this.deltas[d]!;
    const count = runs.offsets.length;
    let r = this.run[d]!;
    let at = this.dataAt[d]!;
    while (r < count && runs.offsets[r]! + runs.lengths[r]! <= p) at += runs.lengths[r++]!;
    this.run[d] = r;
    this.dataAt[d] = at;
    return r < count;
  }

  /** How many deltas wait for their current run to start. */
  get pendingCount(): number {
    return this.heapSize;
  }

  /** The start of the earliest waiting run; Infinity when none waits. */
  nextStart(): number {
    return this.heapSize > 0 ? this.startOf(this.heap[0]!) : Infinity;
  }

  /** Queues `d`, whose current run starts after the sweep position. */
  pushPending(d: number): void {
    const heap = this.heap;
    let i = this.heapSize++;
    const key = this.startOf(d);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (this.startOf(p) <= key) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = d;
  }

  /** Takes the delta whose current run starts first. */
  popPending(): number {
    const heap = this.heap;
    const top = heap[0]!;
    const size = --this.heapSize;
    if (size === 0) return top;
    const last = heap[size]!;
    const key = this.startOf(last);
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && this.startOf(heap[child + 1]!) < this.startOf(heap[child]!)) child++;
      if (this.startOf(heap[child]!) >= key) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = last;
    return top;
  }
}
