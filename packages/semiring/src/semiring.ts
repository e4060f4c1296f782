import type { SemiringOp } from './internal/native-bridge.js';

/**
 * What a semiring promises beyond the axioms. ⊕ is always commutative (a semiring's ⊕ is a
 * commutative monoid), so only the optional laws are declared.
 */
export interface SemiringProperties {
  /** ⊕ is commutative: always true for a semiring. */
  readonly addCommutative: true;
  /** a ⊗ b = b ⊗ a. */
  readonly mulCommutative: boolean;
  /** a ⊕ a = a. */
  readonly addIdempotent: boolean;
  /** a ⊕ b is always a or b (min, max, or): implies idempotent. */
  readonly selective: boolean;
}

/**
 * A semiring (T, ⊕, ⊗, zero, one): ⊕ a commutative monoid with identity `zero`, ⊗ a monoid with
 * identity `one`, ⊗ distributing over ⊕ on both sides, and `zero` annihilating under ⊗.
 * `op` names one of the standard semirings whose kernels are specialised (native and TS); it
 * is null for user-defined semirings, which run through the generic path calling `add`/`mul`.
 */
export interface Semiring<T> {
  /** A short name for messages and benchmarks ("min-plus", "my-lattice"). */
  readonly name: string;
  /** Identity of ⊕ and annihilator of ⊗. */
  readonly zero: T;
  /** Identity of ⊗. */
  readonly one: T;
  /** ⊕. */
  add(a: T, b: T): T;
  /** ⊗. */
  mul(a: T, b: T): T;
  /** Equality of two values of the domain (used by fixpoint loops and by the laws). */
  equals(a: T, b: T): boolean;
  /** The declared laws beyond the axioms. */
  readonly properties: SemiringProperties;
  /** The standard semiring this is, selecting specialised kernels; null for user-defined ones. */
  readonly op: SemiringOp | null;
}

/** A standard semiring over f64: values live in Float64Arrays and kernels are specialised. */
export interface StandardSemiring extends Semiring<number> {
  readonly op: SemiringOp;
}

/**
 * A binary operator on T, as accumulators and element-wise operations take it: either a plain
 * function (called per element) or a semiring, which stands for its ⊕ (accumulators,
 * `ewiseAdd`, `reduce`) or its ⊗ (`ewiseMult`) and gets the specialised loop when it is standard.
 */
export type BinaryOp<T> = ((a: T, b: T) => T) | Semiring<T>;

/** What `defineSemiring` needs: the operations, identities and whichever laws hold. */
export interface SemiringDefinition<T> {
  readonly name: string;
  readonly zero: T;
  readonly one: T;
  add(a: T, b: T): T;
  mul(a: T, b: T): T;
  /** Defaults to `Object.is`-like equality that also equates +0 and −0. */
  equals?: (a: T, b: T) => boolean;
  /** Defaults to false. */
  readonly mulCommutative?: boolean;
  /** Defaults to `selective`. */
  readonly addIdempotent?: boolean;
  /** Defaults to false. */
  readonly selective?: boolean;
}

/** Value equality that treats NaN as equal to itself and +0 as equal to −0. */
export function sameValue<T>(a: T, b: T): boolean {
  return a === b || (a !== a && b !== b);
}

/**
 * A user-defined semiring. Operations on it run through the generic path, which calls `add` and
 * `mul` per element; the laws are the caller's to keep (test them as the standard ones are).
 */
export function defineSemiring<T>(definition: SemiringDefinition<T>): Semiring<T> {
  const selective = definition.selective ?? false;
  const add = definition.add;
  const mul = definition.mul;
  return Object.freeze({
    name: definition.name,
    zero: definition.zero,
    one: definition.one,
    add: (a: T, b: T) => add(a, b),
    mul: (a: T, b: T) => mul(a, b),
    equals: definition.equals ?? sameValue,
    properties: Object.freeze({
      addCommutative: true as const,
      mulCommutative: definition.mulCommutative ?? false,
      addIdempotent: definition.addIdempotent ?? selective,
      selective,
    }),
    op: null,
  });
}

/** True when `semiring` is one of the standard ones, whose values are stored as f64. */
export function isStandardSemiring<T>(semiring: Semiring<T>): semiring is Semiring<T> & StandardSemiring {
  return semiring.op !== null;
}
