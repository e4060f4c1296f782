// Per-byte last writer wins, as one sweep over the runs of every delta: no per-byte map. The
// deltas arrive in priority order (index = rank, the last wins). Two heaps drive the sweep: the
// deltas whose current run has not started yet, by its start (RunCursors); and the deltas whose
// current run may cover the sweep position, by rank. The top of the second owns the bytes up to
// the end of its run or the next start, whichever comes first. O(runs · log deltas), plus one
// copy of each byte that survives.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- heap slots stay below their counts */
import type { SparseRuns } from '@mmsb/native';
import { RunCursors } from './cursors.js';
import { runsOfPieces } from './runs.js';

/**
 * The runs of applying `deltas[0]`, `deltas[1]`, … in order (each sorted and disjoint), as sorted,
 * disjoint, non-touching runs.
 */
export function mergeByteRuns(deltas: readonly SparseRuns[]): SparseRuns {
  const cursors = new RunCursors(deltas);
  // Max-heap of deltas by rank, which is the delta's index.
  const active = new Int32Array(deltas.length);
  let activeSize = 0;
  const pushActive = (d: number): void => {
    let i = activeSize++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = active[parent]!;
      if (p >= d) break;
      active[i] = p;
      i = parent;
    }
    active[i] = d;
  };
  const popActive = (): void => {
    const size = --activeSize;
    if (size === 0) return;
    const last = active[size]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= size) break;
      if (child + 1 < size && active[child + 1]! > active[child]!) child++;
      if (active[child]! <= last) break;
      active[i] = active[child]!;
      i = child;
    }
    active[i] = last;
  };

  const pieces: number[] = [];
  let p = 0;
  for (;;) {
    while (cursors.pendingCount > 0 && cursors.nextStart() <= p) pushActive(cursors.popPending());
    // Retire runs that ended at or before p. A delta hidden under a higher rank is fixed up only
    // when it surfaces, which is all that matters: only the top owns bytes.
    while (activeSize > 0) {
      const d = active[0]!;
      if (cursors.endOf(d) > p) break;
      popActive();
      if (cursors.advancePast(d, p)) {
        if (cursors.startOf(d) <= p) pushActive(d);
        else cursors.pushPending(d);
      }
    }
    if (activeSize === 0) {
      if (cursors.pendingCount === 0) break;
      p = cursors.nextStart();
      continue;
    }
    const d = active[0]!;
    const runEnd = cursors.endOf(d);
    const nextStart = cursors.nextStart();
    const end = runEnd < nextStart ? runEnd : nextStart;
    pieces.push(p, end, d, cursors.sourceAt(d, p));
    p = end;
  }
  return runsOfPieces(pieces, deltas);
}
