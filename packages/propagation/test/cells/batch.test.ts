import { describe, expect, it, vi } from 'vitest';
import { batch, computed, effect, signal, untracked } from '../../src/index.js';

describe('batch', () => {
  it('runs effects once after the batch, with every write applied', () => {
    const a = signal(1);
    const b = signal(2);
    const seen: number[] = [];
    effect(() => {
      seen.push(a.read() + b.read());
    });
    batch(() => {
      a.write(10);
      b.write(20);
      expect(seen).toEqual([3]);
    });
    expect(seen).toEqual([3, 30]);
  });

  it('nested batches run effects once, after the outermost', () => {
    const a = signal(0);
    const run = vi.fn(() => a.read());
    effect(run);
    batch(() => {
      batch(() => {
        a.write(1);
        batch(() => a.write(2));
      });
      expect(run).toHaveBeenCalledTimes(1);
      a.write(3);
    });
    expect(run).toHaveBeenCalledTimes(2);
    expect(run).toHaveLastReturnedWith(3);
  });

  it('returns what its function returns', () => {
    expect(batch(() => 42)).toBe(42);
  });

  it('an error inside a batch still flushes the writes made before it, then propagates', () => {
    const a = signal(0);
    const seen: number[] = [];
    effect(() => {
      seen.push(a.read());
    });
    expect(() =>
      batch(() => {
        a.write(1);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(seen).toEqual([0, 1]);
    a.write(2);
    expect(seen).toEqual([0, 1, 2]);
  });

  it('a computed read inside a batch after a write sees the new value (no stale read)', () => {
    const a = signal(1);
    const double = computed(() => a.read() * 2);
    effect(() => double.read());
    const unobserved = computed(() => a.read() + 1);
    expect(unobserved.read()).toBe(2);
    batch(() => {
      a.write(5);
      expect(double.read()).toBe(10);
      expect(unobserved.read()).toBe(6);
      expect(a.read()).toBe(5);
    });
  });

  it('an effect created inside a batch runs at once, and again after the batch if its inputs moved', () => {
    const a = signal(0);
    const seen: number[] = [];
    batch(() => {
      effect(() => {
        seen.push(a.read());
      });
      expect(seen).toEqual([0]);
      a.write(1);
      expect(seen).toEqual([0]);
    });
    expect(seen).toEqual([0, 1]);
  });

  it('writing a value and writing the old one back inside a batch re-runs no effect below a cut-off', () => {
    const a = signal(1);
    const parity = computed(() => a.read() % 2);
    const run = vi.fn(() => parity.read());
    effect(run);
    batch(() => {
      a.write(2);
      a.write(1);
    });
    expect(run).toHaveBeenCalledTimes(1);
  });
});

describe('untracked', () => {
  it('reads inside it do not subscribe the running effect', () => {
    const a = signal(1);
    const b = signal(1);
    const run = vi.fn(() => a.read() + untracked(() => b.read()));
    effect(run);
    b.write(2);
    expect(run).toHaveBeenCalledTimes(1);
    a.write(2);
    expect(run).toHaveBeenCalledTimes(2);
    expect(run).toHaveLastReturnedWith(4);
  });

  it('reads inside it do not subscribe the running computed', () => {
    const a = signal(1);
    const b = signal(10);
    const fn = vi.fn(() => a.read() + untracked(() => b.read()));
    const c = computed(fn);
    effect(() => c.read());
    b.write(20);
    expect(c.read()).toBe(11);
    expect(fn).toHaveBeenCalledTimes(1);
    a.write(2);
    expect(c.read()).toBe(22);
  });

  it('returns what its function returns and restores tracking after a throw', () => {
    const a = signal(1);
    const run = vi.fn(() => {
      try {
        untracked(() => {
          throw new Error('inside');
        });
      } catch {
        // tracking must be back on here
      }
      return a.read();
    });
    effect(run);
    a.write(2);
    expect(run).toHaveBeenCalledTimes(2);
    expect(untracked(() => 'x')).toBe('x');
  });
});
