import { describe, expect, test } from 'vitest';
import { MemoryBudget, PhysicalError, pressureLevel } from '../src/index.js';

describe('MemoryBudget', () => {
  test('shortfall is what must be released for a charge to fit', () => {
    const budget = new MemoryBudget(1000);
    expect(budget.shortfall(1000)).toBe(0);
    budget.charge(600);
    expect(budget.shortfall(400)).toBe(0);
    expect(budget.shortfall(500)).toBe(100);
    budget.release(600);
    expect(budget.usedBytes).toBe(0);
  });

  test('an unbounded budget never falls short and reports no pressure', () => {
    const budget = new MemoryBudget(null);
    budget.charge(2 ** 40);
    expect(budget.shortfall(2 ** 40)).toBe(0);
    expect(budget.pressure()).toEqual({ ratio: 0, level: 'low', usedBytes: 2 ** 40, budgetBytes: null });
  });

  test('pressure levels rise at 50%, 75% and 90% of the budget', () => {
    expect(pressureLevel(0)).toBe('low');
    expect(pressureLevel(0.49)).toBe('low');
    expect(pressureLevel(0.5)).toBe('moderate');
    expect(pressureLevel(0.75)).toBe('high');
    expect(pressureLevel(0.9)).toBe('critical');
    const budget = new MemoryBudget(100);
    budget.charge(80);
    expect(budget.pressure()).toEqual({ ratio: 0.8, level: 'high', usedBytes: 80, budgetBytes: 100 });
  });

  test('a budget that is not a positive safe integer is refused with INVALID_OPTION naming it', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      let caught: unknown;
      try {
        new MemoryBudget(bad);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(PhysicalError);
      expect((caught as PhysicalError).code).toBe('INVALID_OPTION');
      expect((caught as PhysicalError).message).toContain(String(bad));
    }
  });
});
