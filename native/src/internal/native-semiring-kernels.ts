// Adapts the binding's semiring entry points to SemiringKernels. The op name becomes its code here
// (an unknown op is refused with the twin's message); everything else is checked natively, with
// the twin's codes and messages (src/napi/semiring.cc).
import type { CsrArrays, SemiringKernels, SemiringOp } from '../api.js';
import type { NativeBinding } from './binding.js';
import { csrFields, semiringOpCode } from './ts-semiring-kernels.js';

/** Semiring kernels backed by the loaded binary. */
export function makeNativeSemiringKernels(b: NativeBinding): SemiringKernels {
  function spmv(op: SemiringOp, a: CsrArrays, x: Float64Array, y: Float64Array, mask?: Uint8Array | null, complementMask?: boolean): void {
    const code = semiringOpCode(op, 'spmv');
    const m = csrFields(a, 'spmv');
    b.semiringSpmv(code, m.nrows, m.ncols, m.rowPtr, m.colIdx, m.values, x, y, mask ?? null, complementMask ?? false);
  }

  function spmspvPush(
    op: SemiringOp,
    a: CsrArrays,
    xIndices: Int32Array,
    xValues: Float64Array,
    count: number,
    y: Float64Array,
    mark: Uint8Array,
    changed: Int32Array,
  ): number {
    const code = semiringOpCode(op, 'spmspvPush');
    const m = csrFields(a, 'spmspvPush');
    return b.semiringPush(code, m.nrows, m.ncols, m.rowPtr, m.colIdx, m.values, xIndices, xValues, count, y, mark, changed);
  }

  return Object.freeze({ spmv, spmspvPush });
}
