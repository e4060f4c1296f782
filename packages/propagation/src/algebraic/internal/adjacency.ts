// A mutable weighted graph kept as two CSR arrays with slack (out-edges by source, in-edges by
// target), so the semiring kernels read it directly. A slot whose weight is the semiring's zero
// is empty: the kernels pass over it without effect (x ⊗ zero = zero, y ⊕ zero = y on the
// checked domains), so removing an edge is writing zero and inserting one fills an empty slot.
// A row with no empty slot left forces a rebuild with fresh slack, O(n + m); `apply` batches
// insertions and reserves room first, so a batch pays it at most once.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops index typed arrays below lengths fixed when the adjacency was built */
import type { CsrArrays } from '@mmsb/native';

/** Slack given to a row of `live` edges on a rebuild: a quarter more, and at least one. */
function capacityFor(live: number): number {
  return live + 1 + (live >> 2);
}

/** One direction of the graph: rows with slack, empty slots holding `zero`. */
export interface SlackRows extends CsrArrays {
  readonly values: Float64Array;
}

/** An edge list as plain arrays. */
export interface EdgeArrays {
  readonly from: Int32Array;
  readonly to: Int32Array;
  readonly weights: Float64Array;
  readonly count: number;
}

function buildRows(
  rows: number,
  rowOf: Int32Array,
  colOf: Int32Array,
  weights: Float64Array,
  count: number,
  zero: number,
  extra?: ReadonlyMap<number, number>,
): SlackRows {
  const live = new Int32Array(rows);
  for (let e = 0; e < count; e++) live[rowOf[e]!]!++;
  if (extra !== undefined) for (const [row, more] of extra) live[row]! += more;
  const rowPtr = new Int32Array(rows + 1);
  for (let r = 0; r < rows; r++) rowPtr[r + 1] = rowPtr[r]! + capacityFor(live[r]!);
  const slots = rowPtr[rows]!;
  const colIdx = new Int32Array(slots);
  const values = new Float64Array(slots).fill(zero);
  // Empty slots point at their own row: a valid column that the zero weight makes inert.
  for (let r = 0; r < rows; r++) colIdx.fill(r, rowPtr[r]!, rowPtr[r + 1]!);
  const next = rowPtr.slice(0, rows);
  for (let e = 0; e < count; e++) {
    const at = next[rowOf[e]!]!++;
    colIdx[at] = colOf[e]!;
    values[at] = weights[e]!;
  }
  return { nrows: rows, ncols: rows, rowPtr, colIdx, values };
}

/** What {@link Adjacency.set} returns when a new edge does not fit (call `reserve` first). */
export const NO_ROOM = Symbol('no room');

/** A square weighted graph of `capacity` nodes, out- and in-rows kept in step. */
export class Adjacency {
  out: SlackRows;
  in: SlackRows;
  /** Live (non-zero) edges. */
  edgeCount = 0;

  constructor(
    readonly zero: number,
    public capacity: number,
    edges: EdgeArrays,
  ) {
    this.out = buildRows(capacity, edges.from, edges.to, edges.weights, edges.count, zero);
    this.in = buildRows(capacity, edges.to, edges.from, edges.weights, edges.count, zero);
    this.edgeCount = edges.count;
  }

  /** The slot of live edge (from, to) in `rows` (row `from`, column `to`), or −1. */
  static find(rows: SlackRows, zero: number, from: number, to: number): number {
    const { colIdx, values } = rows;
    for (let p = rows.rowPtr[from]!, end = rows.rowPtr[from + 1]!; p < end; p++) {
      if (colIdx[p] === to && values[p] !== zero) return p;
    }
    return -1;
  }

  /** The weight of from → to, the zero when absent. */
  weight(from: number, to: number): number {
    const p = Adjacency.find(this.out, this.zero, from, to);
    return p === -1 ? this.zero : this.out.values[p]!;
  }

  /**
   * Sets the weight of from → to (zero removes it) and returns the weight it had, or NO_ROOM
   * (changing nothing) when the edge is new and a row is full.
   */
  set(from: number, to: number, weight: number): number | typeof NO_ROOM {
    const zero = this.zero;
    const p = Adjacency.find(this.out, zero, from, to);
    if (p !== -1) {
      const q = Adjacency.find(this.in, zero, to, from);
      const old = this.out.values[p]!;
      this.out.values[p] = weight;
      this.in.values[q] = weight;
      if (weight === zero) this.edgeCount--;
      return old;
    }
    if (weight === zero) return zero;
    const p2 = Adjacency.emptySlot(this.out, zero, from);
    const q2 = Adjacency.emptySlot(this.in, zero, to);
    if (p2 === -1 || q2 === -1) return NO_ROOM;
    this.out.colIdx[p2] = to;
    this.out.values[p2] = weight;
    this.in.colIdx[q2] = from;
    this.in.values[q2] = weight;
    this.edgeCount++;
    return zero;
  }

  private static emptySlot(rows: SlackRows, zero: number, row: number): number {
    const values = rows.values;
    for (let p = rows.rowPtr[row]!, end = rows.rowPtr[row + 1]!; p < end; p++) if (values[p] === zero) return p;
    return -1;
  }

  /** Every live edge, by source. */
  liveEdges(): EdgeArrays {
    const total = this.edgeCount;
    const from = new Int32Array(total);
    const to = new Int32Array(total);
    const weights = new Float64Array(total);
    const { rowPtr, colIdx, values } = this.out;
    let k = 0;
    for (let r = 0; r < this.capacity; r++) {
      for (let p = rowPtr[r]!, end = rowPtr[r + 1]!; p < end; p++) {
        if (values[p] === this.zero) continue;
        from[k] = r;
        to[k] = colIdx[p]!;
        weights[k++] = values[p]!;
      }
    }
    return { from, to, weights, count: k };
  }

  /**
   * Makes room for new edges: `demand` lists (from, to) pairs that may be inserted. When some
   * row has fewer empty slots than asked, rebuilds both directions once, for `capacity` nodes,
   * with that many more slots in the rows that need them. Returns whether it rebuilt.
   */
  reserve(capacity: number, demand: readonly (readonly [number, number])[]): boolean {
    const needOut = new Map<number, number>();
    const needIn = new Map<number, number>();
    for (const [f, t] of demand) {
      needOut.set(f, (needOut.get(f) ?? 0) + 1);
      needIn.set(t, (needIn.get(t) ?? 0) + 1);
    }
    const short = (rows: SlackRows, need: Map<number, number>): boolean => {
      for (const [row, count] of need) {
        if (row >= this.capacity) return true;
        let empty = 0;
        for (let p = rows.rowPtr[row]!, end = rows.rowPtr[row + 1]!; p < end; p++) if (rows.values[p] === this.zero) empty++;
        if (empty < count) return true;
      }
      return false;
    };
    if (capacity === this.capacity && !short(this.out, needOut) && !short(this.in, needIn)) return false;
    const edges = this.liveEdges();
    this.capacity = capacity;
    this.out = buildRows(capacity, edges.from, edges.to, edges.weights, edges.count, this.zero, needOut);
    this.in = buildRows(capacity, edges.to, edges.from, edges.weights, edges.count, this.zero, needIn);
    return true;
  }
}
