// acc[i] = acc[i] ⊕ src[i] over one segment of elements. The loop is compiled by the package's
// kernel generator: a standard semiring gets its ⊕ inlined as the same expression the matrix
// kernels use (no closure call per element, and the router agrees with the kernels to the bit);
// a user semiring gets the generic loop calling its `add`. The earlier value is always the left
// operand, so a fold in (epoch, writer) order is reproducible even where ⊕ is not exactly
// associative (floating-point sums, logaddexp).
import { binaryKernel } from '../../internal/codegen.js';
import type { KernelTemplate } from '../../internal/codegen.js';
import type { Semiring } from '../../semiring.js';
import type { ElementArray } from './elements.js';

/** Folds `src` into `acc` over their first `n` elements. */
export type FoldKernel = (acc: ElementArray, src: ElementArray, n: number) => void;

const FOLD_SEGMENT: KernelTemplate = {
  name: 'foldSegment',
  params: ['acc', 'src', 'n'],
  body: (add) => `for (let i = 0; i < n; i++) {\n  const x = acc[i];\n  const y = src[i];\n  acc[i] = ${add('x', 'y')};\n}`,
};

/** The fold loop of `semiring`'s ⊕: specialised for a standard semiring, generic otherwise. */
export function foldKernelOf(semiring: Semiring<number>): FoldKernel {
  return binaryKernel<FoldKernel, number>(FOLD_SEGMENT, semiring, 'add', true);
}
