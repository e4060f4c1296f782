// The per-node loops the kernels do not cover, one specialised loop per op (the switch is
// outside the loop, so no ⊕/⊗ closure runs per element): pulling one node's value from its
// in-edges, and finding which in-neighbour supports a value.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- hot loops index typed arrays below lengths checked by their callers */
import type { SemiringOp } from '@mmsb/native';
import { logAddExp } from '@mmsb/semiring';
import type { SelectiveOp } from './domain.js';
import type { SlackRows } from './adjacency.js';

/** Where {@link pullBest} leaves the in-neighbour that gave the best value (−1: the start). */
export const pulledFrom = new Int32Array(1);

/**
 * start ⊕ (⊕ over in-edges u → v of x[u] ⊗ w) for a selective op, and in `pulledFrom[0]` the
 * first u that strictly beat everything before it (`startFrom` when nothing did).
 */
export function pullBest(op: SelectiveOp, rows: SlackRows, v: number, x: Float64Array, start: number, startFrom: number): number {
  const { rowPtr, colIdx, values } = rows;
  const end = rowPtr[v + 1]!;
  let best = start;
  let from = startFrom;
  let p = rowPtr[v]!;
  switch (op) {
    case 'min-plus':
      for (; p < end; p++) {
        const c = x[colIdx[p]!]! + values[p]!;
        if (c < best) {
          best = c;
          from = colIdx[p]!;
        }
      }
      break;
    case 'max-plus':
      for (; p < end; p++) {
        const c = x[colIdx[p]!]! + values[p]!;
        if (c > best) {
          best = c;
          from = colIdx[p]!;
        }
      }
      break;
    case 'max-times':
      for (; p < end; p++) {
        const c = x[colIdx[p]!]! * values[p]!;
        if (c > best) {
          best = c;
          from = colIdx[p]!;
        }
      }
      break;
    case 'max-min':
      for (; p < end; p++) {
        const c = Math.min(x[colIdx[p]!]!, values[p]!);
        if (c > best) {
          best = c;
          from = colIdx[p]!;
        }
      }
      break;
    case 'or-and':
      if (best !== 0) break;
      for (; p < end; p++) {
        if (values[p] !== 0 && x[colIdx[p]!] !== 0) {
          best = 1;
          from = colIdx[p]!;
          break;
        }
      }
      break;
  }
  pulledFrom[0] = from;
  return best;
}

/**
 * An in-neighbour u of v with snap[u] ⊗ w(u, v) = target, among those with stamp[u] = round
 * (every u when `stamp` is null), or −1. Empty slots (weight `zero`) are skipped.
 */
export function findSupport(
  op: SelectiveOp,
  rows: SlackRows,
  v: number,
  target: number,
  snap: Float64Array,
  stamp: Int32Array | null,
  round: number,
  zero: number,
): number {
  const { rowPtr, colIdx, values } = rows;
  const end = rowPtr[v + 1]!;
  for (let p = rowPtr[v]!; p < end; p++) {
    const u = colIdx[p]!;
    if (stamp !== null && stamp[u] !== round) continue;
    const w = values[p]!;
    if (w === zero) continue;
    const a = snap[u]!;
    let c: number;
    switch (op) {
      case 'min-plus':
      case 'max-plus':
        c = a + w;
        break;
      case 'max-times':
        c = a * w;
        break;
      case 'max-min':
        c = Math.min(a, w);
        break;
      case 'or-and':
        c = a !== 0 && w !== 0 ? 1 : 0;
        break;
    }
    if (c === target) return u;
  }
  return -1;
}

/**
 * b ⊕ (⊕ over live in-edges u → v of x[u] ⊗ w), in slot order, for any op: the value of v on a
 * DAG once its in-neighbours are final. Empty slots are skipped (plus-times would turn −0 into +0).
 */
export function pullAll(op: SemiringOp, rows: SlackRows, v: number, x: Float64Array, b: number, zero: number): number {
  const { rowPtr, colIdx, values } = rows;
  const end = rowPtr[v + 1]!;
  let acc = b;
  let p = rowPtr[v]!;
  switch (op) {
    case 'plus-times':
      for (; p < end; p++) {
        const w = values[p]!;
        if (w !== zero) acc += x[colIdx[p]!]! * w;
      }
      return acc;
    case 'log-plus':
      for (; p < end; p++) {
        const w = values[p]!;
        if (w !== zero) acc = logAddExp(acc, x[colIdx[p]!]! + w);
      }
      return acc;
    case 'min-plus':
      for (; p < end; p++) {
        const w = values[p]!;
        if (w !== zero) acc = Math.min(acc, x[colIdx[p]!]! + w);
      }
      return acc;
    case 'max-plus':
      for (; p < end; p++) {
        const w = values[p]!;
        if (w !== zero) acc = Math.max(acc, x[colIdx[p]!]! + w);
      }
      return acc;
    case 'max-times':
      for (; p < end; p++) {
        const w = values[p]!;
        if (w !== zero) acc = Math.max(acc, x[colIdx[p]!]! * w);
      }
      return acc;
    case 'max-min':
      for (; p < end; p++) {
        const w = values[p]!;
        if (w !== zero) acc = Math.max(acc, Math.min(x[colIdx[p]!]!, w));
      }
      return acc;
    case 'or-and':
      if (acc !== 0) return acc;
      for (; p < end; p++) if (values[p] !== 0 && x[colIdx[p]!] !== 0) return 1;
      return 0;
  }
}
