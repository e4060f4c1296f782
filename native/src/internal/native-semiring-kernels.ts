// Adapts the binding's semiring entry points to SemiringKernels. The op name becomes its code here
// (an unknown op is refused with the twin's message); everything else is checked natively, with
// the twin's codes and messages (src/napi/semiring.cc).
import type { SemiringKernels } from '../api.js';
import type { NativeBinding } from './binding.js';
import { csrFields, semiringOpCode } from './ts-semiring-kernels.js';

/** Semiring kernels backed by the loaded binary. */
export function makeNativeSemiringKernels(b: NativeBinding): SemiringKernels {
  const spmv: SemiringKernels['spmv'] = (op, a, x, y, mask, complementMask) => {
    const code = semiringOpCode(op, 'spmv');
    const m = csrFields(a, 'spmv');
    b.semiringSpmv(code, m.nrows, m.ncols, m.rowPtr, m.colIdx, m.values, x, y, mask ?? null, complementMask ?? false);
  };

  const spmspvPush: SemiringKernels['spmspvPush'] = (op, a, xIndices, xValues, count, y, mark, changed) => {
    const code = semiringOpCode(op, 'spmspvPush');
    const m = csrFields(a, 'spmspvPush');
    return b.semiringPush(code, m.nrows, m.ncols, m.rowPtr, m.colIdx, m.values, xIndices, xValues, count, y, mark, changed);
  };

  return Object.freeze({ spmv, spmspvPush });
}
