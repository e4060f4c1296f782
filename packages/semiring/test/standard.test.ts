import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  booleanSemiring,
  defineSemiring,
  logAddExp,
  logSemiring,
  maxMinSemiring,
  maxPlusSemiring,
  maxTimesSemiring,
  minPlusSemiring,
  plusTimesSemiring,
  standardSemiring,
  standardSemirings,
} from '../src/index.js';
import { semiringLaws, within } from './support/laws.js';

const exact = (a: number, b: number): boolean => a === b;
// Integers below 2^40 keep + exact in f64, so the selective semirings are checked exactly.
const int40 = fc.integer({ min: -(2 ** 40), max: 2 ** 40 });
const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true });

describe('boolean (or, and) over {0, 1}, exact', () => {
  semiringLaws(booleanSemiring, fc.constantFrom(0, 1), exact, 'or-and');
});

describe('min-plus over integers < 2^40 and +∞, exact', () => {
  semiringLaws(minPlusSemiring, fc.oneof(int40, fc.constant(Infinity)), exact, 'min-plus');
});

describe('max-plus over integers < 2^40 and −∞, exact', () => {
  semiringLaws(maxPlusSemiring, fc.oneof(int40, fc.constant(-Infinity)), exact, 'max-plus');
});

describe('max-min over every f64 but NaN, exact', () => {
  semiringLaws(maxMinSemiring, fc.double({ noNaN: true }), exact, 'max-min');
});

describe('max-times over [0, 1e6], tolerance 1e-12 relative (⊗ rounds)', () => {
  const nonNegative = fc.double({ min: 0, max: 1e6, noNaN: true });
  semiringLaws(maxTimesSemiring, nonNegative, within(1e-12), 'max-times');
});

describe('plus-times over integers < 2^15, exact', () => {
  semiringLaws(plusTimesSemiring, fc.integer({ min: -(2 ** 15), max: 2 ** 15 }), exact, 'plus-times (integers)');
});

describe('plus-times over f64 in [-1e6, 1e6], tolerance 1e-9 of the operands’ scale', () => {
  // Cancellation in a·b + a·c loses absolute, not relative, precision: compare on the scale of
  // the largest term (|a|·(|b| + |c|) ≤ 2e12, so 1e-9 relative to 1 + 2e12 is ≈ 2e3 ulp·1e-3).
  semiringLaws(plusTimesSemiring, finite, (a, b) => a === b || Math.abs(a - b) <= 1e-9 * (1 + 2e12), 'plus-times (f64)');
});

describe('log (logaddexp, +) over [-50, 50] and −∞, tolerance 1e-9 relative', () => {
  const logValue = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.constant(-Infinity));
  semiringLaws(logSemiring, logValue, within(1e-9), 'log-plus');
});

describe('user-defined semirings', () => {
  const gcdLcm = defineSemiring<bigint>({
    name: 'max-min-bigint',
    zero: -(2n ** 64n),
    one: 2n ** 64n,
    add: (a, b) => (a > b ? a : b),
    mul: (a, b) => (a < b ? a : b),
    mulCommutative: true,
    selective: true,
  });
  semiringLaws(gcdLcm, fc.bigInt({ min: -(2n ** 64n), max: 2n ** 64n }), (a, b) => a === b, 'max-min over bigint');

  it('defineSemiring has no op (generic path) and defaults its laws to the weakest', () => {
    const s = defineSemiring<number>({ name: 'plain', zero: 0, one: 1, add: (a, b) => a + b, mul: (a, b) => a * b });
    expect(s.op).toBeNull();
    expect(s.properties).toEqual({ addCommutative: true, mulCommutative: false, addIdempotent: false, selective: false });
    expect(s.equals(0, -0)).toBe(true);
    expect(s.equals(Number.NaN, Number.NaN)).toBe(true);
  });
});

describe('the standard table', () => {
  it('names each standard semiring by its op and finds it back', () => {
    expect(standardSemirings.map((s) => s.op)).toEqual([
      'or-and', 'plus-times', 'min-plus', 'max-plus', 'max-times', 'max-min', 'log-plus',
    ]);
    for (const s of standardSemirings) expect(standardSemiring(s.op)).toBe(s);
  });

  it('logAddExp adds probabilities kept as logarithms', () => {
    expect(logAddExp(Math.log(0.25), Math.log(0.5))).toBeCloseTo(Math.log(0.75), 14);
    expect(logAddExp(-Infinity, 3)).toBe(3);
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.LN2, 10);
  });
});
