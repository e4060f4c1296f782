// The runs of one page's deltas as the sweeps read them: sorted, disjoint, non-empty, with their
// bytes concatenated in run order. A dense delta is the one run [0, size).
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import type { SparseRuns } from '@mmsb/native';
import type { PlainDelta } from '@mmsb/page';

const NO_RUNS = new Uint32Array(0);
const NO_BYTES = new Uint8Array(0);

/** The runs of a plain delta; a dense delta is one run over its page. */
export function runsOfDelta(delta: PlainDelta): SparseRuns {
  if (delta.kind === 'sparse') return delta.runs;
  if (delta.size === 0) return { offsets: NO_RUNS, lengths: NO_RUNS, data: NO_BYTES };
  return { offsets: Uint32Array.of(0), lengths: Uint32Array.of(delta.size), data: delta.bytes };
}

/** True when runs are sorted, non-empty and disjoint (touching is allowed): what the sweeps need. */
export function isSweepable(runs: SparseRuns): boolean {
  const { offsets, lengths } = runs;
  let end = -1;
  for (let r = 0; r < offsets.length; r++) {
    const off = offsets[r]!;
    const len = lengths[r]!;
    if (len === 0 || off < end) return false;
    end = off + len;
  }
  return true;
}

/** Bytes a delta writes. */
export function bytesWritten(runs: SparseRuns): number {
  return runs.data.length;
}

/**
 * Pieces of output, four numbers each (start, end, source, position of the first byte in the
 * source's data), in ascending start order and disjoint, joined into runs where they touch.
 */
export function runsOfPieces(pieces: readonly number[], sources: readonly SparseRuns[]): SparseRuns {
  let runs = 0;
  let total = 0;
  let lastEnd = -1;
  for (let k = 0; k < pieces.length; k += 4) {
    if (pieces[k]! !== lastEnd) runs++;
    lastEnd = pieces[k + 1]!;
    total += lastEnd - pieces[k]!;
  }
  const buffer = new ArrayBuffer(runs * 8 + total);
  const offsets = new Uint32Array(buffer, 0, runs);
  const lengths = new Uint32Array(buffer, runs * 4, runs);
  const data = new Uint8Array(buffer, runs * 8, total);
  let r = -1;
  let cursor = 0;
  lastEnd = -1;
  for (let k = 0; k < pieces.length; k += 4) {
    const start = pieces[k]!;
    const end = pieces[k + 1]!;
    if (start !== lastEnd) {
      r++;
      offsets[r] = start;
    }
    lengths[r] = end - offsets[r]!;
    lastEnd = end;
    const src = sources[pieces[k + 2]!]!.data;
    const at = pieces[k + 3]!;
    const len = end - start;
    if (len <= 16) {
      for (let b = 0; b < len; b++) data[cursor + b] = src[at + b]!;
    } else {
      data.set(src.subarray(at, at + len), cursor);
    }
    cursor += len;
  }
  return { offsets, lengths, data };
}
