import { EdgeArena, growInt32 } from './edge-arena.js';
import { ID, IN, LENGTH, OFFSET, ORD, OUT, STRIDE } from './node-record.js';

/** Weight of an edge added without one. */
export const DEFAULT_WEIGHT = 1;

/** What `tryAddEdge` returns for an edge that is already there. */
export const EDGE_PRESENT: readonly number[] = Object.freeze([]);

/**
 * The ShadowPageGraph's engine on dense slots (0 … highWater-1): adjacency both ways, the
 * Pearce–Kelly order, and scratch space for searches. It trusts its caller: ids are checked
 * and translated to slots by `ShadowPageGraph`.
 *
 * Order: a slot's ORD field is a position in `ordToSlot`, and every edge u → v has
 * ord(u) < ord(v). New nodes take the next position; removed nodes leave holes (-1) that a
 * compaction squeezes out when the position space would otherwise grow past twice the live nodes.
 */
export class GraphCore {
  /** Per slot, STRIDE fields: ORD, the OUT and IN list heads, ID (-1 for a free slot). */
  records: Int32Array;
  /** Per position: the slot there, or -1 for a hole. */
  ordToSlot: Int32Array;
  /** Dependents: u's list holds every v with an edge u → v, with the edge's weight. */
  readonly out: EdgeArena;
  /** Dependencies: v's list holds every u with an edge u → v, with the edge's weight. */
  readonly in: EdgeArena;
  /** Bumped whenever positions change relative to each other or a slot is freed. */
  orderVersion = 0;
  /** Slots ever handed out. */
  highWater = 0;
  /** Live nodes. */
  nodeCount = 0;
  /** Positions ever handed out since the last compaction. */
  nextOrd = 0;
  /** Where tryAddEdge leaves its early list reads, so that no compiler drops them. */
  touched = 0;

  private freeSlots: Int32Array;
  private freeCount = 0;
  private stamp: Int32Array;
  private stampValue = 0;
  private parent: Int32Array;
  private forward: Int32Array;
  private backward: Int32Array;
  private ordsF: Int32Array;
  private ordsB: Int32Array;
  private slots: Int32Array;

  constructor(nodeCapacity = 16, edgeCapacity = 16) {
    const n = Math.max(16, nodeCapacity);
    this.records = newRecords(n);
    this.ordToSlot = new Int32Array(n).fill(-1);
    this.freeSlots = new Int32Array(16);
    this.stamp = new Int32Array(n);
    this.parent = new Int32Array(n);
    this.out = new EdgeArena(this.records, OUT, edgeCapacity, DEFAULT_WEIGHT);
    this.in = new EdgeArena(this.records, IN, edgeCapacity, DEFAULT_WEIGHT);
    this.forward = new Int32Array(64);
    this.backward = new Int32Array(64);
    this.ordsF = new Int32Array(64);
    this.ordsB = new Int32Array(64);
    this.slots = new Int32Array(128);
  }

  /** Bytes held by the typed arrays (the id map is counted by the caller). */
  get byteLength(): number {
    return (
      this.records.byteLength +
      this.ordToSlot.byteLength +
      this.freeSlots.byteLength +
      this.stamp.byteLength +
      this.parent.byteLength +
      this.out.byteLength +
      this.in.byteLength +
      this.forward.byteLength +
      this.backward.byteLength +
      this.ordsF.byteLength +
      this.ordsB.byteLength +
      this.slots.byteLength
    );
  }

  /** Slots the records have room for. */
  get slotCapacity(): number {
    return this.records.length / STRIDE;
  }

  /** The position of `slot` in the order. */
  ordOf(slot: number): number {
    return this.records[slot * STRIDE + ORD] as number;
  }

  /** The node id in `slot`, or -1 when the slot is free. */
  idOf(slot: number): number {
    return this.records[slot * STRIDE + ID] as number;
  }

  /** A fresh slot for node `id`, placed last in the order. */
  addNode(id: number): number {
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount] as number;
    } else {
      slot = this.highWater++;
      if (slot >= this.slotCapacity) this.growSlots(slot + 1);
    }
    if (this.nextOrd >= this.ordToSlot.length) {
      if (this.nodeCount * 2 < this.ordToSlot.length) this.compactOrder();
      else this.ordToSlot = growFilled(this.ordToSlot, this.nextOrd + 1);
    }
    const r = slot * STRIDE;
    this.records[r + ID] = id;
    this.records[r + ORD] = this.nextOrd;
    this.ordToSlot[this.nextOrd++] = slot;
    this.nodeCount++;
    return slot;
  }

  /** Removes `slot` and every edge touching it. */
  removeNode(slot: number): void {
    const out = this.out;
    const inn = this.in;
    for (let i = out.offsetOf(slot), end = i + out.lengthOf(slot); i < end; i++) {
      const v = out.data[i] as number;
      inn.removeAt(v, inn.indexOf(v, slot));
    }
    for (let i = inn.offsetOf(slot), end = i + inn.lengthOf(slot); i < end; i++) {
      const u = inn.data[i] as number;
      out.removeAt(u, out.indexOf(u, slot));
    }
    out.clear(slot);
    inn.clear(slot);
    const r = slot * STRIDE;
    this.ordToSlot[this.records[r + ORD] as number] = -1;
    this.records[r + ID] = -1;
    if (this.freeCount === this.freeSlots.length) this.freeSlots = growInt32(this.freeSlots, this.freeCount + 1);
    this.freeSlots[this.freeCount++] = slot;
    this.nodeCount--;
    this.orderVersion++;
  }

  /** Whether u → v exists, scanning whichever of u's dependents and v's dependencies is shorter. */
  hasEdge(u: number, v: number): boolean {
    return this.out.lengthOf(u) <= this.in.lengthOf(v) ? this.out.indexOf(u, v) !== -1 : this.in.indexOf(v, u) !== -1;
  }

  /**
   * Adds u → v (u ≠ v) unless it is there: null when added, EDGE_PRESENT when it was already
   * there, else the slots along the cycle it would close (u, v, …), the graph unchanged.
   *
   * On a big graph an insertion is bound by cache misses, not arithmetic: u's and v's records,
   * then u's dependents and v's dependencies (one is scanned for the duplicate, both get the new
   * entry). Reading one entry of each list as soon as the records give their offsets starts
   * both list misses together instead of one after the other.
   */
  tryAddEdge(u: number, v: number, weight: number): readonly number[] | null {
    const records = this.records;
    const ru = u * STRIDE;
    const rv = v * STRIDE;
    const outStart = records[ru + OUT + OFFSET] as number;
    const outLength = records[ru + OUT + LENGTH] as number;
    const inStart = records[rv + IN + OFFSET] as number;
    const inLength = records[rv + IN + LENGTH] as number;
    const outData = this.out.data;
    const inData = this.in.data;
    // The last entry, or the block's start when empty (offset 0 for a node without a block):
    // inside the arrays either way.
    this.touched = (outData[outStart + outLength - (outLength > 0 ? 1 : 0)] as number) ^ (inData[inStart + inLength - (inLength > 0 ? 1 : 0)] as number);
    if (outLength <= inLength) {
      for (let i = outStart, end = outStart + outLength; i < end; i++) if (outData[i] === v) return EDGE_PRESENT;
    } else {
      for (let i = inStart, end = inStart + inLength; i < end; i++) if (inData[i] === u) return EDGE_PRESENT;
    }
    const ordU = records[ru + ORD] as number;
    const ordV = records[rv + ORD] as number;
    if (ordU > ordV) {
      const cycle = this.reorder(u, v, ordV, ordU);
      if (cycle !== null) return cycle;
    }
    this.pushEdge(u, v, weight);
    return null;
  }

  /** Stores u → v without looking at the order (bulk loads re-sort afterwards). */
  pushEdge(u: number, v: number, weight: number): void {
    if (weight !== DEFAULT_WEIGHT && this.out.weights === null) {
      this.out.enableWeights();
      this.in.enableWeights();
    }
    this.out.push(u, v, weight);
    this.in.push(v, u, weight);
  }

  /**
   * Recomputes the whole order by Kahn's algorithm, always taking the ready node that came
   * first in the old order (so the new order stays as close to the old one as the edges
   * allow). Returns the slots left on cycles, or null once the new order is in place; on a
   * cycle the old order is kept. O((V + E) log V).
   */
  resortStable(): number[] | null {
    const records = this.records;
    const highWater = this.highWater;
    const pending = new Int32Array(highWater);
    const heap = new Int32Array(this.nodeCount);
    let size = 0;
    const less = (a: number, b: number): boolean =>
      (records[a * STRIDE + ORD] as number) < (records[b * STRIDE + ORD] as number);
    const pushHeap = (slot: number): void => {
      let at = size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        const p = heap[parent] as number;
        if (!less(slot, p)) break;
        heap[at] = p;
        at = parent;
      }
      heap[at] = slot;
    };
    const popHeap = (): number => {
      const top = heap[0] as number;
      const last = heap[--size] as number;
      let at = 0;
      for (;;) {
        let child = 2 * at + 1;
        if (child >= size) break;
        if (child + 1 < size && less(heap[child + 1] as number, heap[child] as number)) child++;
        const c = heap[child] as number;
        if (!less(c, last)) break;
        heap[at] = c;
        at = child;
      }
      heap[at] = last;
      return top;
    };
    for (let slot = 0; slot < highWater; slot++) {
      if (records[slot * STRIDE + ID] === -1) continue;
      const fanIn = records[slot * STRIDE + IN + LENGTH] as number;
      pending[slot] = fanIn;
      if (fanIn === 0) pushHeap(slot);
    }
    const order = new Int32Array(this.nodeCount);
    let k = 0;
    const outData = this.out.data;
    while (size > 0) {
      const slot = popHeap();
      order[k++] = slot;
      const r = slot * STRIDE + OUT;
      for (let i = records[r + OFFSET] as number, end = i + (records[r + LENGTH] as number); i < end; i++) {
        const w = outData[i] as number;
        const left = (pending[w] as number) - 1;
        pending[w] = left;
        if (left === 0) pushHeap(w);
      }
    }
    if (k < this.nodeCount) {
      const stuck: number[] = [];
      for (let slot = 0; slot < highWater; slot++) if ((pending[slot] as number) > 0) stuck.push(slot);
      return stuck;
    }
    if (this.ordToSlot.length < k) this.ordToSlot = new Int32Array(k);
    this.ordToSlot.fill(-1);
    for (let p = 0; p < k; p++) {
      const slot = order[p] as number;
      this.ordToSlot[p] = slot;
      records[slot * STRIDE + ORD] = p;
    }
    this.nextOrd = k;
    this.orderVersion++;
    return null;
  }

  /** Removes u → v if present; the order stays valid without repair. */
  removeEdge(u: number, v: number): boolean {
    const at = this.out.indexOf(u, v);
    if (at === -1) return false;
    this.out.removeAt(u, at);
    this.in.removeAt(v, this.in.indexOf(v, u));
    return true;
  }

  /** A new stamp value for a search; marks left by earlier searches stop counting. */
  nextStamp(): number {
    if (this.stampValue === 0x7fffffff) {
      this.stamp.fill(0);
      this.stampValue = 0;
    }
    return ++this.stampValue;
  }

  /** The per-slot stamp array (valid until the next slot growth). */
  get stamps(): Int32Array {
    return this.stamp;
  }

  /**
   * Pearce–Kelly for a new edge x → y with lb = ord(y) < ub = ord(x). Forward from y over
   * nodes positioned before ub, backward from x over nodes positioned after lb; meeting x on
   * the way forward is a cycle. Otherwise the backward set, then the forward set, each in its
   * old relative order, take the union of their positions.
   */
  private reorder(x: number, y: number, lb: number, ub: number): number[] | null {
    const records = this.records;
    const stamp = this.stamp;
    const s = this.nextStamp();

    const outData = this.out.data;
    let forward = this.forward;
    stamp[y] = s;
    forward[0] = y;
    let nf = 1;
    for (let head = 0; head < nf; head++) {
      const n = forward[head] as number;
      const r = n * STRIDE + OUT;
      for (let i = records[r + OFFSET] as number, end = i + (records[r + LENGTH] as number); i < end; i++) {
        const w = outData[i] as number;
        if (w === x) return this.cyclePath(x, y, ub);
        if (stamp[w] !== s && (records[w * STRIDE + ORD] as number) < ub) {
          stamp[w] = s;
          if (nf === forward.length) forward = this.forward = growInt32(forward, nf + 1);
          forward[nf++] = w;
        }
      }
    }

    const inData = this.in.data;
    let backward = this.backward;
    stamp[x] = s;
    backward[0] = x;
    let nb = 1;
    for (let head = 0; head < nb; head++) {
      const n = backward[head] as number;
      const r = n * STRIDE + IN;
      for (let i = records[r + OFFSET] as number, end = i + (records[r + LENGTH] as number); i < end; i++) {
        const w = inData[i] as number;
        if (stamp[w] !== s && (records[w * STRIDE + ORD] as number) > lb) {
          stamp[w] = s;
          if (nb === backward.length) backward = this.backward = growInt32(backward, nb + 1);
          backward[nb++] = w;
        }
      }
    }

    // Sorting positions rather than slots: positions are unique and map back through ordToSlot.
    if (this.ordsF.length < nf) this.ordsF = new Int32Array(Math.max(nf, this.ordsF.length * 2));
    if (this.ordsB.length < nb) this.ordsB = new Int32Array(Math.max(nb, this.ordsB.length * 2));
    if (this.slots.length < nf + nb) this.slots = new Int32Array(Math.max(nf + nb, this.slots.length * 2));
    const ordsF = this.ordsF;
    const ordsB = this.ordsB;
    for (let i = 0; i < nf; i++) ordsF[i] = records[(forward[i] as number) * STRIDE + ORD] as number;
    for (let i = 0; i < nb; i++) ordsB[i] = records[(backward[i] as number) * STRIDE + ORD] as number;
    if (nf > 1) sortPrefix(ordsF, nf);
    if (nb > 1) sortPrefix(ordsB, nb);
    const ordToSlot = this.ordToSlot;
    for (let i = 0; i < nf; i++) forward[i] = ordToSlot[ordsF[i] as number] as number;
    for (let i = 0; i < nb; i++) backward[i] = ordToSlot[ordsB[i] as number] as number;

    // The pooled positions, ascending: a merge of the two sorted runs.
    const slots = this.slots;
    let a = 0;
    let b = 0;
    let k = 0;
    while (a < nb && b < nf) {
      const pa = ordsB[a] as number;
      const pb = ordsF[b] as number;
      if (pa < pb) {
        slots[k++] = pa;
        a++;
      } else {
        slots[k++] = pb;
        b++;
      }
    }
    while (a < nb) slots[k++] = ordsB[a++] as number;
    while (b < nf) slots[k++] = ordsF[b++] as number;

    k = 0;
    for (let i = 0; i < nb; i++) {
      const node = backward[i] as number;
      const p = slots[k++] as number;
      records[node * STRIDE + ORD] = p;
      ordToSlot[p] = node;
    }
    for (let i = 0; i < nf; i++) {
      const node = forward[i] as number;
      const p = slots[k++] as number;
      records[node * STRIDE + ORD] = p;
      ordToSlot[p] = node;
    }
    this.orderVersion++;
    return null;
  }

  /**
   * The cycle x → y → … → x once the forward search met x: a second breadth-first search over
   * the same region, this time with parent links (kept out of the hot search, which rarely
   * finds a cycle), so the path is a shortest one.
   */
  private cyclePath(x: number, y: number, ub: number): number[] {
    const records = this.records;
    const stamp = this.stamp;
    const parent = this.parent;
    const outData = this.out.data;
    const s = this.nextStamp();
    let queue = this.forward;
    stamp[y] = s;
    queue[0] = y;
    let n = 1;
    for (let head = 0; head < n; head++) {
      const v = queue[head] as number;
      const r = v * STRIDE + OUT;
      for (let i = records[r + OFFSET] as number, end = i + (records[r + LENGTH] as number); i < end; i++) {
        const w = outData[i] as number;
        if (w === x) {
          const tail: number[] = [];
          for (let p = v; p !== y; p = parent[p] as number) tail.push(p);
          tail.push(y, x);
          return tail.reverse();
        }
        if (stamp[w] !== s && (records[w * STRIDE + ORD] as number) < ub) {
          stamp[w] = s;
          parent[w] = v;
          if (n === queue.length) queue = this.forward = growInt32(queue, n + 1);
          queue[n++] = w;
        }
      }
    }
    throw new Error('unreachable: the forward search reached x within this region');
  }

  /** Renumbers positions 0 … nodeCount-1 in the same relative order. */
  private compactOrder(): void {
    const ordToSlot = this.ordToSlot;
    let k = 0;
    for (let p = 0; p < this.nextOrd; p++) {
      const slot = ordToSlot[p] as number;
      if (slot === -1) continue;
      ordToSlot[k] = slot;
      this.records[slot * STRIDE + ORD] = k++;
    }
    ordToSlot.fill(-1, k);
    this.nextOrd = k;
  }

  private growSlots(min: number): void {
    const n = Math.max(min, Math.ceil(this.slotCapacity * 1.5));
    const records = newRecords(n);
    records.set(this.records);
    this.records = records;
    this.out.records = records;
    this.in.records = records;
    this.stamp = growInt32(this.stamp, n);
    this.parent = growInt32(this.parent, n);
  }
}

/** Records for `n` free slots. */
function newRecords(n: number): Int32Array<ArrayBuffer> {
  const records = new Int32Array(n * STRIDE);
  for (let r = ID; r < records.length; r += STRIDE) records[r] = -1;
  return records;
}

/** Sorts `array[0 … n)` ascending: insertion sort for the small regions most reorders touch. */
function sortPrefix(array: Int32Array, n: number): void {
  if (n > 32) {
    array.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const x = array[i] as number;
    let j = i - 1;
    while (j >= 0 && (array[j] as number) > x) {
      array[j + 1] = array[j] as number;
      j--;
    }
    array[j + 1] = x;
  }
}

/** `growInt32` with the new tail set to -1. */
function growFilled(array: Int32Array, minLength: number): Int32Array<ArrayBuffer> {
  const next = growInt32(array, minLength);
  next.fill(-1, array.length);
  return next;
}

