import { growInt32 } from './internal/edge-arena.js';
import type { GraphCore } from './internal/graph-core.js';
import type { IdIndexMap } from './internal/id-index-map.js';

/**
 * A priority queue of nodes keyed by their position in the graph's topological order, for a
 * propagation wave: push the changed nodes, then `pop` hands them back earliest first, and a
 * recomputed node whose value changed pushes its dependents. Each node enters at most once a
 * wave (`reset` starts the next), so a node is popped only after every queued node it depends
 * on. If the graph's order changes mid-wave (an edge that reorders, a removed node) the queue
 * re-sorts itself on the next pop and drops removed nodes. Made by `ShadowPageGraph.createWorklist`.
 */
export class TopologicalWorklist {
  private heapSlots = new Int32Array(64);
  private heapIds = new Int32Array(64);
  private count = 0;
  private queued = new Int32Array(0);
  /** The id a slot held when it was queued: a slot freed and reused mid-wave is a new node. */
  private queuedId = new Int32Array(0);
  private wave = 1;
  private seenVersion: number;

  /** @internal Use `ShadowPageGraph.createWorklist`. */
  constructor(
    private readonly core: GraphCore,
    private readonly slotOf: IdIndexMap,
  ) {
    this.seenVersion = core.orderVersion;
  }

  /** Nodes waiting. */
  get size(): number {
    return this.count;
  }

  /** Starts a new wave: empties the queue and forgets which nodes were queued. */
  reset(): void {
    this.count = 0;
    if (++this.wave === 0x7fffffff) {
      this.queued.fill(0);
      this.wave = 1;
    }
  }

  /** Queues node `id` unless it was queued before in this wave (returns whether it was queued now). Unknown ids are ignored (false). */
  push(id: number): boolean {
    const slot = this.slotOf.get(id);
    return slot !== -1 && this.pushSlot(slot);
  }

  /** Queues every dependent of node `id` not yet queued in this wave. */
  pushDependents(id: number): void {
    const slot = this.slotOf.get(id);
    if (slot === -1) return;
    const out = this.core.out;
    const start = out.offsetOf(slot);
    const end = start + (out.lengthOf(slot));
    for (let i = start; i < end; i++) this.pushSlot(out.data[i] as number);
  }

  /** The queued node earliest in topological order, removed from the queue; undefined when empty. */
  pop(): number | undefined {
    if (this.core.orderVersion !== this.seenVersion) this.rebuild();
    if (this.count === 0) return undefined;
    const id = this.heapIds[0] as number;
    const last = --this.count;
    if (last > 0) {
      this.heapSlots[0] = this.heapSlots[last] as number;
      this.heapIds[0] = this.heapIds[last] as number;
      this.siftDown(0);
    }
    return id;
  }

  private pushSlot(slot: number): boolean {
    if (slot >= this.queued.length) {
      this.queued = growInt32(this.queued, this.core.slotCapacity);
      this.queuedId = growInt32(this.queuedId, this.queued.length);
    }
    const id = this.core.idOf(slot);
    if (this.queued[slot] === this.wave && this.queuedId[slot] === id) return false;
    this.queued[slot] = this.wave;
    this.queuedId[slot] = id;
    if (this.core.orderVersion !== this.seenVersion) this.rebuild();
    if (this.count === this.heapSlots.length) {
      this.heapSlots = growInt32(this.heapSlots, this.count + 1);
      this.heapIds = growInt32(this.heapIds, this.count + 1);
    }
    const at = this.count++;
    this.heapSlots[at] = slot;
    this.heapIds[at] = id;
    this.siftUp(at);
    return true;
  }

  /** Drops entries whose slot no longer holds their node, then restores the heap under the new order. */
  private rebuild(): void {
    const core = this.core;
    let k = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = this.heapSlots[i] as number;
      const id = this.heapIds[i] as number;
      if (core.idOf(slot) !== id) continue;
      this.heapSlots[k] = slot;
      this.heapIds[k++] = id;
    }
    this.count = k;
    for (let i = (k >> 1) - 1; i >= 0; i--) this.siftDown(i);
    this.seenVersion = this.core.orderVersion;
  }

  private siftUp(at: number): void {
    const core = this.core;
    const slots = this.heapSlots;
    const ids = this.heapIds;
    const slot = slots[at] as number;
    const id = ids[at] as number;
    const key = core.ordOf(slot);
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const p = slots[parent] as number;
      if (core.ordOf(p) <= key) break;
      slots[at] = p;
      ids[at] = ids[parent] as number;
      at = parent;
    }
    slots[at] = slot;
    ids[at] = id;
  }

  private siftDown(at: number): void {
    const core = this.core;
    const slots = this.heapSlots;
    const ids = this.heapIds;
    const n = this.count;
    const slot = slots[at] as number;
    const id = ids[at] as number;
    const key = core.ordOf(slot);
    for (;;) {
      let child = 2 * at + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n && core.ordOf(slots[right] as number) < core.ordOf(slots[child] as number)) child = right;
      const c = slots[child] as number;
      if (core.ordOf(c) >= key) break;
      slots[at] = c;
      ids[at] = ids[child] as number;
      at = child;
    }
    slots[at] = slot;
    ids[at] = id;
  }
}
