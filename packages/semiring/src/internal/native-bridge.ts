// The one place this package touches @mmsb/native's semiring kernels. The contract types mirror
// native/src/api.ts (`SemiringOp`, `CsrArrays`, `SemiringKernels`) until @mmsb/native exports
// them; the kernels are taken from `semiringKernels` when the native package provides it and
// otherwise from this package's generated TS loops (same contract, same per-element code).
import * as native from '@mmsb/native';
import { tsSpmspvPush, tsSpmv } from './kernels.js';

/** The standard semirings the kernels specialise (mirrors `SemiringOp` in @mmsb/native). */
export type SemiringOp = 'or-and' | 'plus-times' | 'min-plus' | 'max-plus' | 'max-times' | 'max-min' | 'log-plus';

/** CSR arrays as the kernels read them (mirrors `CsrArrays` in @mmsb/native). */
export interface CsrArrays {
  readonly nrows: number;
  readonly ncols: number;
  readonly rowPtr: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array | null;
}

/** The kernel contract (mirrors `SemiringKernels` in @mmsb/native). */
export interface SemiringKernels {
  spmv(
    op: SemiringOp,
    a: CsrArrays,
    x: Float64Array,
    y: Float64Array,
    mask?: Uint8Array | null,
    complementMask?: boolean,
  ): void;
  spmspvPush(
    op: SemiringOp,
    a: CsrArrays,
    xIndices: Int32Array,
    xValues: Float64Array,
    count: number,
    y: Float64Array,
    mark: Uint8Array,
    changed: Int32Array,
  ): number;
}

/** This package's own TS loops for the contract (the fallback while native has none). */
export const localSemiringKernels: SemiringKernels = Object.freeze({
  spmv: tsSpmv,
  spmspvPush: tsSpmspvPush,
});

function pick(name: string): SemiringKernels | null {
  const found = (native as Readonly<Record<string, unknown>>)[name];
  if (typeof found === 'object' && found !== null && 'spmv' in found && 'spmspvPush' in found) {
    return found as SemiringKernels;
  }
  return null;
}

/** The kernels every f64 mxv/vxm and the algorithms call: native's choice, else the local loops. */
export const semiringKernels: SemiringKernels = pick('semiringKernels') ?? localSemiringKernels;

/** The pure-TS twin from @mmsb/native when it exists, else the local loops (benchmarks, tests). */
export const tsSemiringKernels: SemiringKernels = pick('tsSemiringKernels') ?? localSemiringKernels;
