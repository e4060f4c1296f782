// What each standard semiring allows as a seed value and as an edge weight, and which order
// "better" means for the selective ones. Values and weights are checked once at the boundary so
// the loops never meet NaN, −0 or an ∞ − ∞.
import type { SemiringOp } from '@mmsb/native';

/** The ops whose ⊕ picks one operand (min or max); only these may run on cyclic graphs. */
export type SelectiveOp = 'min-plus' | 'max-plus' | 'max-times' | 'max-min' | 'or-and';

/** Whether `op`'s ⊕ is selective. */
export function isSelectiveOp(op: SemiringOp): op is SelectiveOp {
  return op === 'min-plus' || op === 'max-plus' || op === 'max-times' || op === 'max-min' || op === 'or-and';
}

/** The semiring's zero: an absent edge, an unreached node. */
export function zeroOf(op: SemiringOp): number {
  switch (op) {
    case 'min-plus':
      return Infinity;
    case 'max-plus':
    case 'max-min':
    case 'log-plus':
      return -Infinity;
    default:
      return 0;
  }
}

/**
 * A closed interval a value must lie in: [lo, hi], with `loOpen`/`hiOpen` excluding the end.
 * NaN is never allowed.
 */
export interface Interval {
  readonly lo: number;
  readonly hi: number;
  readonly loOpen: boolean;
  readonly hiOpen: boolean;
}

const ALL: Interval = { lo: -Infinity, hi: Infinity, loOpen: false, hiOpen: false };
const FINITE: Interval = { lo: -Infinity, hi: Infinity, loOpen: true, hiOpen: true };
const ABOVE_MINUS_INF: Interval = { lo: -Infinity, hi: Infinity, loOpen: true, hiOpen: false };
const BELOW_PLUS_INF: Interval = { lo: -Infinity, hi: Infinity, loOpen: false, hiOpen: true };

/**
 * Weights a cyclic system accepts: those for which going round a cycle never improves a value
 * (x ⊗ w is never better than x), so the fixpoint exists and the best path is a simple one.
 */
export function cyclicWeightDomain(op: SelectiveOp): Interval {
  switch (op) {
    case 'min-plus':
      return { lo: 0, hi: Infinity, loOpen: false, hiOpen: false };
    case 'max-plus':
      return { lo: -Infinity, hi: 0, loOpen: false, hiOpen: false };
    case 'max-times':
      return { lo: 0, hi: 1, loOpen: false, hiOpen: false };
    default:
      return ALL;
  }
}

/** Seed values a cyclic system accepts: the monotone part of ⊗'s domain (no ∞ − ∞, no ∞ · 0). */
export function cyclicSeedDomain(op: SelectiveOp): Interval {
  switch (op) {
    case 'min-plus':
      return ABOVE_MINUS_INF;
    case 'max-plus':
      return BELOW_PLUS_INF;
    case 'max-times':
      return { lo: 0, hi: Infinity, loOpen: false, hiOpen: true };
    default:
      return ALL;
  }
}

/** Values and weights an acyclic system accepts (one domain for both: whatever avoids NaN). */
export function acyclicDomain(op: SemiringOp): Interval {
  switch (op) {
    case 'min-plus':
      return ABOVE_MINUS_INF;
    case 'max-plus':
    case 'log-plus':
      return BELOW_PLUS_INF;
    case 'plus-times':
    case 'max-times':
      return FINITE;
    default:
      return ALL;
  }
}

/** Whether `v` lies in `d` (never for NaN). */
export function inInterval(v: number, d: Interval): boolean {
  if (Number.isNaN(v)) return false;
  if (d.loOpen ? v <= d.lo : v < d.lo) return false;
  return d.hiOpen ? v < d.hi : v <= d.hi;
}

/** `d` as a message fragment: "[0, 1]", "(−∞, +∞]". */
export function describeInterval(d: Interval): string {
  const show = (v: number): string => (v === Infinity ? '+∞' : v === -Infinity ? '−∞' : String(v));
  return `${d.loOpen ? '(' : '['}${show(d.lo)}, ${show(d.hi)}${d.hiOpen ? ')' : ']'}`;
}

/** a is strictly better than c under op's ⊕ order (min-plus: smaller; the rest: larger). */
export function isBetter(op: SelectiveOp, a: number, c: number): boolean {
  return op === 'min-plus' ? a < c : a > c;
}

/** a ⊗ w for one pair (outside hot loops). */
export function mulOne(op: SemiringOp, a: number, w: number): number {
  switch (op) {
    case 'min-plus':
    case 'max-plus':
    case 'log-plus':
      return a + w;
    case 'max-times':
    case 'plus-times':
      return a * w;
    case 'max-min':
      return Math.min(a, w);
    case 'or-and':
      return a !== 0 && w !== 0 ? 1 : 0;
  }
}

/** Normalises an accepted value: −0 becomes +0, a boolean reads as 0 or 1. */
export function normalise(op: SemiringOp, v: number): number {
  if (op === 'or-and') return v !== 0 ? 1 : 0;
  return v === 0 ? 0 : v;
}
