// The semiring kernel set this process uses: native when the binary loaded, the TS twin otherwise.
import type { SemiringKernels } from './api.js';
import { loaded } from './internal/loader.js';
import { makeNativeSemiringKernels } from './internal/native-semiring-kernels.js';
import { tsSemiringKernels } from './internal/ts-semiring-kernels.js';

export { SEMIRING_OPS, tsSemiringKernels } from './internal/ts-semiring-kernels.js';

/** The native semiring kernels, or null when the binary did not load (see `capabilities().reason`). */
export const nativeSemiringKernels: SemiringKernels | null = loaded.binding === null ? null : makeNativeSemiringKernels(loaded.binding);

/** The semiring kernels upper layers call: `nativeSemiringKernels` when loaded, else `tsSemiringKernels`. */
export const semiringKernels: SemiringKernels = nativeSemiringKernels ?? tsSemiringKernels;
