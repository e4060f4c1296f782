import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Semiring } from '../../src/index.js';

/** How two values are compared by the laws (exact, or within a stated tolerance). */
export type Equality<T> = (a: T, b: T) => boolean;

/** |a − b| ≤ tol·(1 + |a| + |b|), with equal infinities equal. */
export function within(tol: number): Equality<number> {
  return (a, b) => a === b || Math.abs(a - b) <= tol * (1 + Math.abs(a) + Math.abs(b));
}

/** Registers one fast-check property per semiring axiom (and per declared law). */
export function semiringLaws<T>(s: Semiring<T>, value: fc.Arbitrary<T>, eq: Equality<T>, label: string): void {
  const runs = { numRuns: 300 };
  it(`${label}: ⊕ is associative`, () => {
    fc.assert(fc.property(value, value, value, (a, b, c) => eq(s.add(s.add(a, b), c), s.add(a, s.add(b, c)))), runs);
  });
  it(`${label}: ⊕ is commutative`, () => {
    fc.assert(fc.property(value, value, (a, b) => eq(s.add(a, b), s.add(b, a))), runs);
  });
  it(`${label}: ⊗ is associative`, () => {
    fc.assert(fc.property(value, value, value, (a, b, c) => eq(s.mul(s.mul(a, b), c), s.mul(a, s.mul(b, c)))), runs);
  });
  it(`${label}: ⊗ distributes over ⊕ on the left and on the right`, () => {
    fc.assert(
      fc.property(value, value, value, (a, b, c) => {
        const left = eq(s.mul(a, s.add(b, c)), s.add(s.mul(a, b), s.mul(a, c)));
        const right = eq(s.mul(s.add(b, c), a), s.add(s.mul(b, a), s.mul(c, a)));
        return left && right;
      }),
      runs,
    );
  });
  it(`${label}: zero is the identity of ⊕ and one the identity of ⊗`, () => {
    fc.assert(
      fc.property(value, (a) => eq(s.add(a, s.zero), a) && eq(s.add(s.zero, a), a) && eq(s.mul(a, s.one), a) && eq(s.mul(s.one, a), a)),
      runs,
    );
  });
  it(`${label}: zero annihilates under ⊗`, () => {
    fc.assert(fc.property(value, (a) => eq(s.mul(a, s.zero), s.zero) && eq(s.mul(s.zero, a), s.zero)), runs);
  });
  if (s.properties.mulCommutative) {
    it(`${label}: ⊗ is commutative (declared)`, () => {
      fc.assert(fc.property(value, value, (a, b) => eq(s.mul(a, b), s.mul(b, a))), runs);
    });
  }
  if (s.properties.addIdempotent) {
    it(`${label}: ⊕ is idempotent (declared)`, () => {
      fc.assert(fc.property(value, (a) => eq(s.add(a, a), a)), runs);
    });
  }
  if (s.properties.selective) {
    it(`${label}: ⊕ is selective (declared)`, () => {
      fc.assert(fc.property(value, value, (a, b) => {
        const r = s.add(a, b);
        return s.equals(r, a) || s.equals(r, b);
      }), runs);
    });
  }
  it(`${label}: equals is reflexive`, () => {
    fc.assert(fc.property(value, (a) => s.equals(a, a)), runs);
    expect(s.equals(s.zero, s.zero)).toBe(true);
  });
}
