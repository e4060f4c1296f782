import { DagError } from '../errors.js';

/** Largest node id: ids are stored in Int32Arrays. */
export const MAX_NODE_ID = 0x7fffffff;

/** Throws INVALID_ID unless `id` is an integer in [0, MAX_NODE_ID]. */
export function checkId(id: unknown, what: string): asserts id is number {
  // (id | 0) === id holds exactly for numbers that are int32 integers; the sign test leaves [0, 2^31 - 1].
  if (typeof id !== 'number' || (id | 0) !== id || id < 0) {
    throw new DagError('INVALID_ID', `${what} ${String(id)} is not an integer in [0, ${MAX_NODE_ID}]`);
  }
}

/** Throws INVALID_WEIGHT unless `weight` is a number other than NaN (±Infinity are allowed: tropical zeros). */
export function checkWeight(weight: unknown, from: number, to: number): asserts weight is number {
  if (typeof weight !== 'number' || Number.isNaN(weight)) {
    throw new DagError('INVALID_WEIGHT', `weight ${String(weight)} of edge ${from} → ${to} is not a number (NaN is refused)`);
  }
}
