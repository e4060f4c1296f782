// Adapts the raw binding to the Kernels interface. Arguments are checked natively, and native
// failures are already NativeErrors.
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below lengths checked just before */
import type { Kernels, SparseRuns } from '../api.js';
import { NativeError } from '../errors.js';
import { STAGE_DATA_OFFSET, STAGE_HEADER_BYTES, STAGE_HEADER_SLOTS, STAGE_RUNS, type NativeBinding } from './binding.js';
import { DEFAULT_MERGE_GAP, JS_CRC32C_BELOW, tsKernels } from './ts-kernels.js';

// %TypedArray%.prototype.length, which a subclass cannot override: the length that says whether a
// remembered page's buffer is still attached must be V8's own.
const typedArrayLength = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length')?.get as (
  this: Uint8Array,
) => number;

/** Kernels backed by the loaded binary; `stage` is the ArrayBuffer given to binding.init. */
export function makeNativeKernels(b: NativeBinding, stage: ArrayBuffer): Kernels {
  const header = new Float64Array(stage, 0, STAGE_HEADER_SLOTS);
  const stagedRuns = new Uint32Array(stage, STAGE_HEADER_BYTES, STAGE_RUNS * 2);
  const stagedData = new Uint8Array(stage, STAGE_DATA_OFFSET);
  const stageDataRoom = stagedData.length;

  // The page of the last staged apply and the call number native gave it (applySparseRunsAgain in
  // src/napi/kernels.cc): applying to the same page again skips inspecting it. Held only until the
  // current job ends, so the cache never keeps a buffer alive.
  let lastPage: Uint8Array | null = null;
  let lastCall = 0;
  let forgetQueued = false;
  const forget = (): void => {
    lastPage = null;
    forgetQueued = false;
  };

  function applySparseRuns(page: Uint8Array, runs: SparseRuns): void {
    if (typeof runs !== 'object' || runs === null) {
      throw new NativeError('INVALID_ARGUMENT', 'applySparseRuns: runs must be an object { offsets, lengths, data }');
    }
    const { offsets, lengths, data } = runs;
    const n = offsets.length;
    // Fast path (see applySparseRunsStaged in src/napi/kernels.cc): inspecting a typed array across
    // Node-API costs more than copying a small delta, so small deltas travel through the stage and
    // only the page crosses. The instanceof checks keep wrong types on the checked path (set() would
    // coerce them). Staging snapshots data first, which is the defined behaviour even when data
    // aliases the page. Native validates every run against the page before writing any.
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
      header[0] = n;
      header[1] = data.length;
      if (page === lastPage) {
        header[2] = lastCall;
        header[3] = typedArrayLength.call(page); // 0 once detached: a miss
        if (b.applySparseRunsAgain()) return;
      }
      lastPage = null;
      b.applySparseRunsStaged(page);
      lastPage = page; // only after a successful call
      lastCall = header[2]!;
      if (!forgetQueued) {
        forgetQueued = true;
        queueMicrotask(forget);
      }
      return;
    }
    b.applySparseRuns(page, offsets, lengths, data);
  }

  function diffPages(before: Uint8Array, after: Uint8Array, mergeGap: number = DEFAULT_MERGE_GAP): SparseRuns {
    // Native writes a result that fits into the stage, and it is copied from there into one fresh
    // ArrayBuffer (offsets, lengths and data sharing it, as diffPages returns them): cheaper than
    // building the buffer, three views and an object through Node-API. The copy is the caller's
    // own, so the next diff cannot overwrite it.
    const big = b.diffPagesStaged(before, after, mergeGap);
    if (big !== undefined) return big;
    const n = header[0]!;
    const dataLength = header[1]!;
    const buffer = stage.slice(STAGE_HEADER_BYTES, STAGE_HEADER_BYTES + n * 8 + dataLength);
    return {
      offsets: new Uint32Array(buffer, 0, n),
      lengths: new Uint32Array(buffer, n * 4, n),
      data: new Uint8Array(buffer, n * 8, dataLength),
    };
  }

  return {
    copyBytes: (dst, src) => b.copyBytes(dst, src),
    zeroBytes: (dst) => b.zeroBytes(dst),
    compareBytes: (x, y) => b.compareBytes(x, y),
    applySparseRuns,
    diffPages,
    xorInto: (dst, src) => b.xorInto(dst, src),
    crc32c: (data, seed = 0) => (data instanceof Uint8Array && data.length < JS_CRC32C_BELOW ? tsKernels.crc32c(data, seed) : b.crc32c(data, seed)),
  };
}
