import { describe, expect, it, vi } from 'vitest';
import { batch, computed, effect, PropagationError, signal } from '../../src/index.js';

describe('effect: lifecycle', () => {
  it('runs at once and again after each change to what it read', () => {
    const a = signal(1);
    const seen: number[] = [];
    effect(() => {
      seen.push(a.read());
    });
    a.write(2);
    a.write(3);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('the disposer stops it; disposing twice is harmless', () => {
    const a = signal(1);
    const run = vi.fn(() => a.read());
    const dispose = effect(run);
    dispose();
    dispose();
    a.write(2);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('the cleanup it returns runs before its next run and on disposal, once each', () => {
    const a = signal(1);
    const log: string[] = [];
    const dispose = effect(() => {
      const value = a.read();
      log.push(`run ${value}`);
      return () => log.push(`cleanup ${value}`);
    });
    a.write(2);
    dispose();
    a.write(3);
    expect(log).toEqual(['run 1', 'cleanup 1', 'run 2', 'cleanup 2']);
  });

  it('a cleanup does not subscribe the effect to what it reads', () => {
    const a = signal(1);
    const b = signal(1);
    const run = vi.fn(() => {
      a.read();
      return () => {
        b.read();
      };
    });
    effect(run);
    a.write(2);
    b.write(2);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('an effect that disposes itself while running stops, and its returned cleanup runs at once', () => {
    const a = signal(0);
    const log: string[] = [];
    const holder: { dispose?: () => void } = {};
    holder.dispose = effect(() => {
      const value = a.read();
      log.push(`run ${value}`);
      if (value === 1) holder.dispose?.();
      a.read();
      return () => log.push(`cleanup ${value}`);
    });
    a.write(1);
    a.write(2);
    expect(log).toEqual(['run 0', 'cleanup 0', 'run 1', 'cleanup 1']);
  });

  it('an effect whose first run throws is disposed and the error reaches the caller', () => {
    const a = signal(0);
    const run = vi.fn(() => {
      a.read();
      throw new Error('first');
    });
    expect(() => effect(run)).toThrow('first');
    a.write(1);
    expect(run).toHaveBeenCalledTimes(1);
  });

  it('an effect that throws on a later run keeps running on later changes', () => {
    const a = signal(0);
    const seen: number[] = [];
    effect(() => {
      const value = a.read();
      if (value === 1) throw new Error('one');
      seen.push(value);
    });
    expect(() => a.write(1)).toThrow('one');
    a.write(2);
    expect(seen).toEqual([0, 2]);
  });

  it('sees a glitch-free state and runs once per batch', () => {
    const a = signal(1);
    const b = computed(() => a.read() * 2);
    const c = computed(() => a.read() * 3);
    const seen: [number, number, number][] = [];
    effect(() => {
      seen.push([a.read(), b.read(), c.read()]);
    });
    a.write(2);
    batch(() => {
      a.write(3);
      a.write(4);
    });
    expect(seen).toEqual([
      [1, 2, 3],
      [2, 4, 6],
      [4, 8, 12],
    ]);
  });
});

describe('effect: nesting', () => {
  it('an inner effect is disposed (cleanup run) when its outer effect re-runs', () => {
    const outer = signal(0);
    const inner = signal(0);
    const log: string[] = [];
    effect(() => {
      const o = outer.read();
      log.push(`outer ${o}`);
      effect(() => {
        const i = inner.read();
        log.push(`inner ${o}/${i}`);
        return () => log.push(`inner cleanup ${o}/${i}`);
      });
    });
    inner.write(1);
    outer.write(1);
    inner.write(2);
    expect(log).toEqual(['outer 0', 'inner 0/0', 'inner cleanup 0/0', 'inner 0/1', 'inner cleanup 0/1', 'outer 1', 'inner 1/1', 'inner cleanup 1/1', 'inner 1/2']);
  });

  it('disposing the outer effect disposes the inner ones, innermost cleanups first', () => {
    const a = signal(0);
    const log: string[] = [];
    const dispose = effect(() => {
      a.read();
      effect(() => {
        a.read();
        effect(() => () => log.push('grandchild'));
        return () => log.push('child');
      });
      return () => log.push('parent');
    });
    dispose();
    a.write(1);
    expect(log).toEqual(['grandchild', 'child', 'parent']);
  });

  it('when outer and inner read the same signal, the outer runs first and the stale inner never does', () => {
    const a = signal(0);
    const log: string[] = [];
    effect(() => {
      // The inner effect subscribes to `a` before the outer one does.
      effect(() => {
        log.push(`inner ${a.read()}`);
      });
      log.push(`outer ${a.read()}`);
    });
    log.length = 0;
    a.write(1);
    expect(log).toEqual(['inner 1', 'outer 1']);
  });

  it('an inner effect can be disposed on its own', () => {
    const a = signal(0);
    const seen: number[] = [];
    let disposeInner: (() => void) | undefined;
    effect(() => {
      disposeInner = effect(() => {
        seen.push(a.read());
      });
    });
    disposeInner?.();
    a.write(1);
    expect(seen).toEqual([0]);
  });
});

describe('effect: writes inside effects', () => {
  it('an effect may write a signal that other computeds and effects read; they converge', () => {
    const a = signal(1);
    const b = signal(0);
    const doubled = computed(() => b.read() * 2);
    const seen: number[] = [];
    effect(() => {
      b.write(a.read() + 1);
    });
    effect(() => {
      seen.push(doubled.read());
    });
    a.write(5);
    expect(seen).toEqual([4, 12]);
  });

  it('an effect writing a signal it read re-runs until the value settles', () => {
    const count = signal(0);
    const runs = vi.fn(() => {
      const value = count.read();
      if (value < 10) count.write(value + 1);
    });
    effect(runs);
    expect(count.read()).toBe(10);
    expect(runs).toHaveBeenCalledTimes(11);
  });

  it('an effect writing a signal before reading it does not re-run for that write', () => {
    const a = signal(0);
    const trigger = signal(0);
    const runs = vi.fn(() => {
      trigger.read();
      a.write(a.peek() + 1);
      a.read();
    });
    effect(runs);
    trigger.write(1);
    expect(runs).toHaveBeenCalledTimes(2);
    expect(a.read()).toBe(2);
  });

  it('effects that never settle raise EFFECT_LOOP after a bound instead of hanging', () => {
    const a = signal(0);
    const b = signal(0);
    const disposeA = effect(() => {
      b.write(a.read() + 1);
    });
    let error: unknown;
    try {
      effect(() => {
        a.write(b.read() + 1);
      });
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(PropagationError);
    expect((error as PropagationError).code).toBe('EFFECT_LOOP');
    disposeA();
    // The graph still works after the loop was broken.
    const c = signal(1);
    const seen: number[] = [];
    effect(() => {
      seen.push(c.read());
    });
    c.write(2);
    expect(seen).toEqual([1, 2]);
  });
});
