// Adapts the raw binding to the Kernels interface. Arguments are checked natively, and native
// failures are already NativeErrors.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import type { Kernels, SparseRuns } from '../api.js';
import { NativeError } from '../errors.js';
import { STAGE_DATA_OFFSET, STAGE_RUNS, type NativeBinding } from './binding.js';
import { DEFAULT_MERGE_GAP } from './ts-kernels.js';

/** Kernels backed by the loaded binary; `stage` is the ArrayBuffer given to binding.init. */
export function makeNativeKernels(b: NativeBinding, stage: ArrayBuffer): Kernels {
  const stagedRuns = new Uint32Array(stage, 0, STAGE_RUNS * 2);
  const stagedData = new Uint8Array(stage, STAGE_DATA_OFFSET);
  const stageDataRoom = stagedData.length;

  function applySparseRuns(page: Uint8Array, runs: SparseRuns): void {
    if (typeof runs !== 'object' || runs === null) {
      throw new NativeError('INVALID_ARGUMENT', 'applySparseRuns: runs must be an object { offsets, lengths, data }');
    }
    const { offsets, lengths, data } = runs;
    const n = offsets.length;
    // Fast path (see applySparseRunsStaged in src/napi/kernels.cc): inspecting a typed array across
    // Node-API costs more than copying a small delta, so small deltas travel through the stage.
    // The instanceof checks keep wrong types on the checked path (set() would coerce them). Staging
    // snapshots data first, which is the defined behaviour even when data aliases the page.
    if (
      offsets instanceof Uint32Array &&
      lengths instanceof Uint32Array &&
      data instanceof Uint8Array &&
      lengths.length === n &&
      n <= STAGE_RUNS &&
      data.length <= stageDataRoom &&
      page instanceof Uint8Array
    ) {
      for (let r = 0; r < n; r++) {
        stagedRuns[r] = offsets[r]!;
        stagedRuns[STAGE_RUNS + r] = lengths[r]!;
      }
      stagedData.set(data);
      b.applySparseRunsStaged(page, n, data.length);
      return;
    }
    b.applySparseRuns(page, offsets, lengths, data);
  }

  return {
    copyBytes: (dst, src) => b.copyBytes(dst, src),
    zeroBytes: (dst) => b.zeroBytes(dst),
    compareBytes: (x, y) => b.compareBytes(x, y),
    applySparseRuns,
    diffPages: (before, after, mergeGap = DEFAULT_MERGE_GAP) => b.diffPages(before, after, mergeGap),
    xorInto: (dst, src) => b.xorInto(dst, src),
    crc32c: (data, seed = 0) => b.crc32c(data, seed),
  };
}
