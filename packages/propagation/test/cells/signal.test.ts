import { describe, expect, it, vi } from 'vitest';
import { computed, effect, PropagationError, signal } from '../../src/index.js';
import type { Signal } from '../../src/index.js';

describe('signal', () => {
  it('read returns the initial value and write replaces it', () => {
    const s = signal(1);
    expect(s.read()).toBe(1);
    s.write(2);
    expect(s.read()).toBe(2);
  });

  it('the value property reads and writes the same cell as read() and write()', () => {
    const s = signal('a');
    expect(s.value).toBe('a');
    s.value = 'b';
    expect(s.read()).toBe('b');
    s.write('c');
    expect(s.value).toBe('c');
  });

  it('peek reads the value without subscribing the running effect', () => {
    const s = signal(1);
    const seen: number[] = [];
    effect(() => {
      seen.push(s.peek());
    });
    s.write(2);
    expect(seen).toEqual([1]);
    expect(s.peek()).toBe(2);
  });

  it('writing an equal value (Object.is) notifies nobody', () => {
    const s = signal(Number.NaN);
    const run = vi.fn(() => s.read());
    effect(run);
    s.write(Number.NaN);
    expect(run).toHaveBeenCalledTimes(1);
    s.write(0);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('a custom equals decides what counts as a change and sees (previous, next)', () => {
    const calls: [number[], number[]][] = [];
    const s = signal([1, 2], {
      equals: (a, b) => {
        calls.push([a, b]);
        return a.length === b.length && a.every((x, i) => x === b[i]);
      },
    });
    const run = vi.fn(() => s.read());
    effect(run);
    s.write([1, 2]);
    expect(run).toHaveBeenCalledTimes(1);
    expect(calls).toEqual([[[1, 2], [1, 2]]]);
    s.write([1, 3]);
    expect(run).toHaveBeenCalledTimes(2);
    expect(s.read()).toEqual([1, 3]);
  });

  it('a computed cast to a signal refuses writes with NOT_WRITABLE', () => {
    const c = computed(() => 1) as unknown as Signal<number>;
    expect(() => c.write(2)).toThrow(PropagationError);
    try {
      c.write(2);
    } catch (error) {
      expect((error as PropagationError).code).toBe('NOT_WRITABLE');
    }
    expect(c.read()).toBe(1);
  });
});
