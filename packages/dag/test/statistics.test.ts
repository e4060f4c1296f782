import { describe, expect, test } from 'vitest';

import { summarize } from '../src/statistics.js';

describe('summarize', () => {
  test('max, mean, exact percentiles and power-of-two histogram buckets', () => {
    const values = Int32Array.from([0, 1, 1, 2, 3, 4, 7, 8, 100, 0]);
    const summary = summarize(values, values.length);
    expect(summary.max).toBe(100);
    expect(summary.mean).toBeCloseTo(12.6);
    expect(summary.p50).toBe(2);
    expect(summary.p90).toBe(8);
    expect(summary.p99).toBe(100);
    // buckets: 0 | 1 | 2-3 | 4-7 | 8-15 | 16-31 | 32-63 | 64-127
    expect(summary.histogram).toEqual([2, 2, 2, 2, 1, 0, 0, 1]);
  });

  test('an empty distribution is all zeros', () => {
    expect(summarize(new Int32Array(0), 0)).toEqual({ max: 0, mean: 0, p50: 0, p90: 0, p99: 0, histogram: [] });
  });
});
