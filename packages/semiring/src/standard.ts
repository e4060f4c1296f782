import type { SemiringOp } from './internal/native-bridge.js';
import { sameValue } from './semiring.js';
import type { SemiringProperties, StandardSemiring } from './semiring.js';

// The closures below compute exactly what the inline expressions in internal/codegen.ts do, so
// the generic and the specialised paths agree bit for bit.

function standard(
  op: SemiringOp,
  zero: number,
  one: number,
  add: (a: number, b: number) => number,
  mul: (a: number, b: number) => number,
  laws: Omit<SemiringProperties, 'addCommutative'>,
): StandardSemiring {
  return Object.freeze({
    name: op,
    zero,
    one,
    add,
    mul,
    equals: sameValue<number>,
    properties: Object.freeze({ addCommutative: true as const, ...laws }),
    op,
  });
}

const max = (a: number, b: number): number => Math.max(a, b);
const min = (a: number, b: number): number => Math.min(a, b);
const sum = (a: number, b: number): number => a + b;
const product = (a: number, b: number): number => a * b;

/** log(eˣ + eʸ) without overflow; −∞ is its identity (the native contract's definition). */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  if (a === b) return a + Math.LN2;
  return Math.max(a, b) + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** Boolean (∨, ∧) over {0, 1}: reachability and BFS. Any non-zero reads as 1. */
export const booleanSemiring: StandardSemiring = standard(
  'or-and',
  0,
  1,
  (a, b) => (a !== 0 || b !== 0 ? 1 : 0),
  (a, b) => (a !== 0 && b !== 0 ? 1 : 0),
  { mulCommutative: true, addIdempotent: true, selective: true },
);

/** Ordinary arithmetic (+, ×) over f64: linear algebra, path counting. */
export const plusTimesSemiring: StandardSemiring = standard('plus-times', 0, 1, sum, product, {
  mulCommutative: true,
  addIdempotent: false,
  selective: false,
});

/** Tropical (min, +) over ℝ ∪ {+∞}: shortest paths. */
export const minPlusSemiring: StandardSemiring = standard('min-plus', Infinity, 0, min, sum, {
  mulCommutative: true,
  addIdempotent: true,
  selective: true,
});

/** (max, +) over ℝ ∪ {−∞}: longest paths in DAGs, critical paths. */
export const maxPlusSemiring: StandardSemiring = standard('max-plus', -Infinity, 0, max, sum, {
  mulCommutative: true,
  addIdempotent: true,
  selective: true,
});

/** Viterbi (max, ×) over [0, ∞): most probable paths. */
export const maxTimesSemiring: StandardSemiring = standard('max-times', 0, 1, max, product, {
  mulCommutative: true,
  addIdempotent: true,
  selective: true,
});

/** (max, min) over [−∞, +∞]: widest (bottleneck) paths. */
export const maxMinSemiring: StandardSemiring = standard('max-min', -Infinity, Infinity, max, min, {
  mulCommutative: true,
  addIdempotent: true,
  selective: true,
});

/** The log semiring (logaddexp, +) over [−∞, +∞): sums of probabilities kept as logarithms. */
export const logSemiring: StandardSemiring = standard('log-plus', -Infinity, 0, logAddExp, sum, {
  mulCommutative: true,
  addIdempotent: false,
  selective: false,
});

const BY_OP: Readonly<Record<SemiringOp, StandardSemiring>> = {
  'or-and': booleanSemiring,
  'plus-times': plusTimesSemiring,
  'min-plus': minPlusSemiring,
  'max-plus': maxPlusSemiring,
  'max-times': maxTimesSemiring,
  'max-min': maxMinSemiring,
  'log-plus': logSemiring,
};

/** Every standard semiring, in `SemiringOp` order. */
export const standardSemirings: readonly StandardSemiring[] = Object.freeze(Object.values(BY_OP));

/** The standard semiring that `op` names. */
export function standardSemiring(op: SemiringOp): StandardSemiring {
  return BY_OP[op];
}
