// Semiring-valued merge of one typed page: per element written by any delta, the ⊕ of every
// delta's value for it, folded in priority order (optionally starting from the page's current
// value). A sweep cuts the page into segments on which the same deltas are active; on each, the
// first value is copied and the rest are folded in with a whole-segment loop, so ⊕ is never a
// closure call per element on the standard path (see fold.ts). Runs must be element-aligned (the caller checks).
/* eslint-disable @typescript-eslint/no-non-null-assertion -- cursor and active slots stay below their counts */
import type { SparseRuns } from '@mmsb/native';
import type { ElementType } from '../layout.js';
import { elementWidth } from '../layout.js';
import { RunCursors } from './cursors.js';
import type { ElementArray } from './elements.js';
import { elementView, HOST_LITTLE_ENDIAN, swapElementBytes } from './elements.js';
import type { FoldKernel } from './fold.js';

/** Called per segment [start, end) with the deltas active on it, ascending by rank. */
type SegmentVisitor = (start: number, end: number, active: Int32Array, count: number, cursors: RunCursors) => void;

/**
 * Cuts the union of the deltas' runs into maximal segments on which the set of active deltas is
 * constant, in ascending order. The active set is kept sorted by rank; maintaining it costs no
 * more than folding over it.
 */
function sweepSegments(deltas: readonly SparseRuns[], visit: SegmentVisitor): void {
  const cursors = new RunCursors(deltas);
  const active = new Int32Array(deltas.length);
  let count = 0;
  let p = 0;
  for (;;) {
    // Retire runs ending at p; a delta's next run starts after (runs are disjoint), so it waits.
    let kept = 0;
    for (let k = 0; k < count; k++) {
      const d = active[k]!;
      if (cursors.endOf(d) > p) active[kept++] = d;
      else if (cursors.advancePast(d, p)) cursors.pushPending(d);
    }
    count = kept;
    while (cursors.pendingCount > 0 && cursors.nextStart() <= p) {
      const d = cursors.popPending();
      let k = count++;
      while (k > 0 && active[k - 1]! > d) {
        active[k] = active[k - 1]!;
        k--;
      }
      active[k] = d;
    }
    if (count === 0) {
      if (cursors.pendingCount === 0) return;
      p = cursors.nextStart();
      continue;
    }
    let end = cursors.nextStart();
    for (let k = 0; k < count; k++) {
      const e = cursors.endOf(active[k]!);
      if (e < end) end = e;
    }
    visit(p, end, active, count, cursors);
    p = end;
  }
}

/**
 * The merged runs of a typed page: every element some delta writes gets the ⊕, in rank order, of
 * `current` (when given) and each writing delta's value. `deltas` are in priority order, sorted
 * and disjoint, with element-aligned runs.
 */
export function mergeTypedRuns(
  deltas: readonly SparseRuns[],
  type: ElementType,
  fold: FoldKernel,
  current: Uint8Array | null,
): SparseRuns {
  const width = elementWidth(type);
  // Pass 1: the union of the runs, to size the output once.
  let runs = 0;
  let total = 0;
  let widest = 0;
  let lastEnd = -1;
  sweepSegments(deltas, (start, end) => {
    if (start !== lastEnd) runs++;
    lastEnd = end;
    total += end - start;
    if (end - start > widest) widest = end - start;
  });
  // Offsets and lengths take 8 bytes a run, so the data starts 8-aligned and every segment in it
  // is element-aligned: the fold works on typed views of the output itself.
  const buffer = new ArrayBuffer(runs * 8 + total);
  const offsets = new Uint32Array(buffer, 0, runs);
  const lengths = new Uint32Array(buffer, runs * 4, runs);
  const dataStart = runs * 8;
  const data = new Uint8Array(buffer, dataStart, total);
  // For sources that are not element-aligned; allocated when the first one shows up.
  let scratchBytes: Uint8Array | null = null;

  let r = -1;
  let cursor = 0;
  lastEnd = -1;
  sweepSegments(deltas, (start, end, active, count, cursors) => {
    if (start !== lastEnd) {
      r++;
      offsets[r] = start;
    }
    lengths[r] = end - offsets[r]!;
    lastEnd = end;
    const len = end - start;
    const out = data.subarray(cursor, cursor + len);
    let first: number;
    if (current !== null) {
      out.set(current.subarray(start, end));
      first = 0;
    } else {
      const d = active[0]!;
      const at = cursors.sourceAt(d, start);
      out.set(deltas[d]!.data.subarray(at, at + len));
      first = 1;
    }
    if (first < count) {
      const n = len / width;
      if (!HOST_LITTLE_ENDIAN) swapElementBytes(out, width);
      const acc = elementView(type, buffer, dataStart + cursor, n);
      for (let k = first; k < count; k++) {
        const d = active[k]!;
        const source = deltas[d]!.data;
        const at = source.byteOffset + cursors.sourceAt(d, start);
        let src: ElementArray;
        if (HOST_LITTLE_ENDIAN && at % width === 0) {
          // Aligned already (a dense delta over a typed array's buffer): fold from it in place.
          src = elementView(type, source.buffer, at, n);
        } else {
          scratchBytes ??= new Uint8Array(widest);
          const incoming = scratchBytes.subarray(0, len);
          incoming.set(source.subarray(at - source.byteOffset, at - source.byteOffset + len));
          if (!HOST_LITTLE_ENDIAN) swapElementBytes(incoming, width);
          src = elementView(type, scratchBytes.buffer, 0, n);
        }
        fold(acc, src, n);
      }
      if (!HOST_LITTLE_ENDIAN) swapElementBytes(out, width);
    }
    cursor += len;
  });
  return { offsets, lengths, data };
}
