// Deltas from user input. Constructors validate everything, then return the canonical form
// (see `mergeDeltas`), so two deltas with the same effect are equal field by field.
import type { SparseRuns } from '@mmsb/native';
import { PageError } from '../errors.js';
import { toPlainDelta } from './plain.js';
import { deltaOf, normalizeRunSet } from './runs.js';
import type { Delta, PlainDelta, SparseDelta, SparseRunInput } from './types.js';
import { checkBytes, checkPlainDelta, checkU32 } from './validate.js';

const NO_RUNS = new Uint32Array(0);
const NO_BYTES = new Uint8Array(0);

/**
 * The delta that changes nothing on page `pageId` of `size` bytes. It is bound (its before-image
 * is empty), so merging it with any delta gives that delta back, bound or not.
 */
export function emptyDelta(pageId: number, size: number): SparseDelta & { readonly before: Uint8Array } {
  checkU32(pageId, 'emptyDelta', 'pageId');
  checkU32(size, 'emptyDelta', 'size');
  return { kind: 'sparse', pageId, size, runs: { offsets: NO_RUNS, lengths: NO_RUNS, data: NO_BYTES }, before: NO_BYTES };
}

/** True when `delta` writes no byte (a sparse delta with no non-empty run, or a dense one of 0 bytes). */
export function isEmptyDelta(delta: Delta): boolean {
  const plain = toPlainDelta(delta, 'isEmptyDelta');
  if (plain.kind === 'dense') return plain.size === 0;
  return plain.runs.data.length === 0;
}

function isRunArray(runs: readonly SparseRunInput[] | SparseRuns): runs is readonly SparseRunInput[] {
  return Array.isArray(runs);
}

/**
 * Checks runs `[{ offset, bytes }]` for page `pageId` of `size` bytes — the checks and messages
 * of `sparseDelta` — and returns how many bytes they carry. The store's staging checks with it
 * before anything is staged.
 */
export function checkRunInputs(pageId: number, size: number, runs: readonly SparseRunInput[]): number {
  let total = 0;
  for (let r = 0; r < runs.length; r++) {
    const run: unknown = runs[r];
    if (typeof run !== 'object' || run === null) {
      throw new PageError('INVALID_ARGUMENT', `sparseDelta: run ${r} must be an object { offset, bytes }`);
    }
    const { offset, bytes } = run as SparseRunInput;
    checkU32(offset, 'sparseDelta', `run ${r} offset`);
    checkBytes(bytes, 'sparseDelta', `run ${r} bytes`);
    if (offset + bytes.length > size) {
      throw new PageError('DELTA_OUT_OF_RANGE', `sparseDelta: run ${r} at offset ${offset} length ${bytes.length} exceeds page ${pageId} of ${size} bytes`);
    }
    total += bytes.length;
  }
  return total;
}

/**
 * A delta writing `runs` into page `pageId` of `size` bytes; later runs win where runs overlap.
 * `runs` is either `[{ offset, bytes }]` (copied) or `SparseRuns` (kept without a copy when
 * already normalized: do not mutate it afterwards). The result is normalized — runs sorted,
 * disjoint, touching runs joined — and is a dense delta when the runs cover the whole page.
 * Refuses a run past the page (DELTA_OUT_OF_RANGE) and malformed input (INVALID_ARGUMENT).
 */
export function sparseDelta(pageId: number, size: number, runs: readonly SparseRunInput[] | SparseRuns): PlainDelta {
  checkU32(pageId, 'sparseDelta', 'pageId');
  checkU32(size, 'sparseDelta', 'size');
  if (typeof runs !== 'object' || runs === null) {
    throw new PageError('INVALID_ARGUMENT', `sparseDelta: runs must be an array of { offset, bytes } or { offsets, lengths, data }, got ${runs === null ? 'null' : typeof runs}`);
  }
  let packed: SparseRuns;
  if (isRunArray(runs)) {
    const n = runs.length;
    const total = checkRunInputs(pageId, size, runs);
    const buffer = new ArrayBuffer(n * 8 + total);
    const offsets = new Uint32Array(buffer, 0, n);
    const lengths = new Uint32Array(buffer, n * 4, n);
    const data = new Uint8Array(buffer, n * 8, total);
    let cursor = 0;
    runs.forEach((run, r) => {
      offsets[r] = run.offset;
      lengths[r] = run.bytes.length;
      data.set(run.bytes, cursor);
      cursor += run.bytes.length;
    });
    packed = { offsets, lengths, data };
  } else {
    packed = runs;
    checkPlainDelta({ kind: 'sparse', pageId, size, runs: packed, before: null }, 'sparseDelta');
  }
  return deltaOf(pageId, size, normalizeRunSet({ ...packed, before: null }));
}

/**
 * A delta replacing the whole of page `pageId` with `bytes` (kept without a copy: do not mutate
 * it afterwards); the page size is `bytes.length`. A 0-byte page gives the empty delta.
 */
export function denseDelta(pageId: number, bytes: Uint8Array): PlainDelta {
  checkU32(pageId, 'denseDelta', 'pageId');
  checkBytes(bytes, 'denseDelta', 'bytes');
  checkU32(bytes.length, 'denseDelta', 'bytes.length');
  if (bytes.length === 0) {
    return { kind: 'sparse', pageId, size: 0, runs: { offsets: NO_RUNS, lengths: NO_RUNS, data: NO_BYTES }, before: null };
  }
  return { kind: 'dense', pageId, size: bytes.length, bytes, before: null };
}
