// Checks shared by every public function of the delta module. They run before anything is
// written or allocated, so a refused call leaves pages and inputs exactly as they were.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import { PageError } from '../errors.js';
import type { PlainDelta } from './types.js';

/** Largest page id and page size: both are stored as u32 in the encoding. */
export const MAX_U32 = 0xffff_ffff;

function describe(value: unknown): string {
  return typeof value === 'number' ? String(value) : `a value of type ${typeof value}`;
}

/** Throws INVALID_ARGUMENT unless `value` is an integer from 0 to 2^32 − 1. */
export function checkU32(value: unknown, fn: string, what: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_U32) {
    throw new PageError('INVALID_ARGUMENT', `${fn}: ${what} must be an integer from 0 to ${MAX_U32}, got ${describe(value)}`);
  }
}

/** Throws INVALID_ARGUMENT unless `value` is a Uint8Array. */
export function checkBytes(value: unknown, fn: string, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new PageError('INVALID_ARGUMENT', `${fn}: ${what} must be a Uint8Array, got ${value === null ? 'null' : typeof value}`);
  }
}

/**
 * Validates every field of a plain delta: ids and sizes, array types, run bounds against the page
 * size (DELTA_OUT_OF_RANGE), data and before-image lengths. Returns nothing; throws PageError.
 */
export function checkPlainDelta(delta: PlainDelta, fn: string): void {
  checkU32(delta.pageId, fn, 'delta.pageId');
  checkU32(delta.size, fn, 'delta.size');
  const { pageId, size, before } = delta;
  if (delta.kind === 'dense') {
    checkBytes(delta.bytes, fn, 'delta.bytes');
    if (delta.bytes.length !== size) {
      throw new PageError('INVALID_ARGUMENT', `${fn}: dense delta for page ${pageId} has ${delta.bytes.length} bytes; expected its size ${size}`);
    }
    if (before !== null) {
      checkBytes(before, fn, 'delta.before');
      if (before.length !== size) {
        throw new PageError('INVALID_ARGUMENT', `${fn}: dense delta for page ${pageId} has a before-image of ${before.length} bytes; expected ${size}`);
      }
    }
    return;
  }
  const runs: unknown = delta.runs;
  if (typeof runs !== 'object' || runs === null) {
    throw new PageError('INVALID_ARGUMENT', `${fn}: sparse delta for page ${pageId} needs runs { offsets, lengths, data }`);
  }
  const { offsets, lengths, data } = delta.runs;
  if (!(offsets instanceof Uint32Array) || !(lengths instanceof Uint32Array)) {
    throw new PageError('INVALID_ARGUMENT', `${fn}: sparse delta for page ${pageId}: runs.offsets and runs.lengths must be Uint32Arrays`);
  }
  checkBytes(data, fn, 'delta.runs.data');
  const n = offsets.length;
  if (lengths.length !== n) {
    throw new PageError('INVALID_ARGUMENT', `${fn}: sparse delta for page ${pageId} has ${n} offsets but ${lengths.length} lengths; expected one length per offset`);
  }
  let total = 0;
  for (let r = 0; r < n; r++) {
    const off = offsets[r]!;
    const len = lengths[r]!;
    if (off + len > size) {
      throw new PageError('DELTA_OUT_OF_RANGE', `${fn}: run ${r} at offset ${off} length ${len} exceeds page ${pageId} of ${size} bytes`);
    }
    total += len;
  }
  if (total !== data.length) {
    throw new PageError('INVALID_ARGUMENT', `${fn}: sparse delta for page ${pageId}: runs cover ${total} bytes but data has ${data.length}; expected equal`);
  }
  if (before !== null) {
    checkBytes(before, fn, 'delta.before');
    if (before.length !== total) {
      throw new PageError('INVALID_ARGUMENT', `${fn}: sparse delta for page ${pageId} has a before-image of ${before.length} bytes; expected ${total}`);
    }
  }
}
