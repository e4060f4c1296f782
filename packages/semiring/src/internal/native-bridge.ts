// The one place this package touches @mmsb/native's semiring kernels: mxv/vxm on f64 dense
// vectors and the graph algorithms call `semiringKernels` (native when the binary loads, its
// TS twin otherwise; MMSB_NATIVE=0 forces the twin).
export { semiringKernels } from '@mmsb/native';
export type { CsrArrays, SemiringKernels, SemiringOp } from '@mmsb/native';
