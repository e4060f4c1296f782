// acc[i] = acc[i] ⊕ src[i] over one segment of elements: one hand-specialised loop per standard
// ⊕ (the same expressions the matrix kernels inline, so the router and the kernels agree to the
// bit), and one generic loop calling a user semiring's `add`. The earlier value is always the
// left operand, so a fold in (epoch, writer) order is reproducible even where ⊕ is not exactly
// associative (floating-point sums, logaddexp).
/* eslint-disable @typescript-eslint/no-non-null-assertion -- indexes stay below n, which the caller bounds */
import type { SemiringOp } from '../../internal/native-bridge.js';
import type { ElementArray } from './elements.js';

/** The ⊕ loops the router specialises; several semirings share one (every max-⊕). */
export type FoldKernel = 'or' | 'sum' | 'min' | 'max' | 'logaddexp';

/** The ⊕ loop of a standard semiring. */
export function foldKernelOf(op: SemiringOp): FoldKernel {
  switch (op) {
    case 'or-and':
      return 'or';
    case 'plus-times':
      return 'sum';
    case 'min-plus':
      return 'min';
    case 'max-plus':
    case 'max-times':
    case 'max-min':
      return 'max';
    case 'log-plus':
      return 'logaddexp';
  }
}

/** acc[i] = acc[i] ⊕ src[i] for i < n, with the standard ⊕ named by `kernel`. */
export function foldStandard(kernel: FoldKernel, acc: ElementArray, src: ElementArray, n: number): void {
  switch (kernel) {
    case 'or':
      for (let i = 0; i < n; i++) acc[i] = acc[i]! !== 0 || src[i]! !== 0 ? 1 : 0;
      return;
    case 'sum':
      for (let i = 0; i < n; i++) acc[i] = acc[i]! + src[i]!;
      return;
    case 'min':
      for (let i = 0; i < n; i++) {
        const x = acc[i]!;
        const y = src[i]!;
        acc[i] = y < x ? y : x;
      }
      return;
    case 'max':
      for (let i = 0; i < n; i++) {
        const x = acc[i]!;
        const y = src[i]!;
        acc[i] = x > y ? x : y;
      }
      return;
    case 'logaddexp':
      for (let i = 0; i < n; i++) {
        const x = acc[i]!;
        const y = src[i]!;
        acc[i] =
          x === -Infinity ? y : y === -Infinity ? x : x >= y ? x + Math.log1p(Math.exp(y - x)) : y + Math.log1p(Math.exp(x - y));
      }
      return;
  }
}

/** acc[i] = add(acc[i], src[i]) for i < n: the generic path of user semirings. */
export function foldGeneric(add: (a: number, b: number) => number, acc: ElementArray, src: ElementArray, n: number): void {
  for (let i = 0; i < n; i++) acc[i] = add(acc[i]!, src[i]!);
}
