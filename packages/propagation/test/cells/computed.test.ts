import { describe, expect, it, vi } from 'vitest';
import { batch, computed, effect, PropagationError, signal } from '../../src/index.js';
import type { Computed } from '../../src/index.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof PropagationError ? error.code : `not a PropagationError: ${String(error)}`;
  }
  return undefined;
}

describe('computed: laziness', () => {
  it('never runs until read', () => {
    const a = signal(1);
    const fn = vi.fn(() => a.read() * 2);
    const c = computed(fn);
    a.write(2);
    expect(fn).not.toHaveBeenCalled();
    expect(c.read()).toBe(4);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('an unobserved computed runs at most once per change, however often it is read', () => {
    const a = signal(1);
    const fn = vi.fn(() => a.read() + 1);
    const c = computed(fn);
    expect(c.read()).toBe(2);
    expect(c.read()).toBe(2);
    expect(c.value).toBe(2);
    expect(fn).toHaveBeenCalledTimes(1);
    a.write(5);
    a.write(6);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(c.read()).toBe(7);
    expect(c.read()).toBe(7);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('an unobserved computed does not re-run when an unrelated signal changes', () => {
    const a = signal(1);
    const other = signal(1);
    const fn = vi.fn(() => a.read());
    const c = computed(fn);
    c.read();
    other.write(2);
    c.read();
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('an observed computed is not recomputed on write, only when pulled', () => {
    const a = signal(1);
    const fn = vi.fn(() => a.read() * 10);
    const c = computed(fn);
    const seen: number[] = [];
    effect(() => {
      seen.push(c.read());
    });
    batch(() => {
      a.write(2);
      a.write(3);
      expect(fn).toHaveBeenCalledTimes(1);
    });
    expect(fn).toHaveBeenCalledTimes(2);
    expect(seen).toEqual([10, 30]);
  });

  it('peek returns the current value without subscribing', () => {
    const a = signal(1);
    const c = computed(() => a.read() + 1);
    const run = vi.fn(() => c.peek());
    effect(run);
    a.write(2);
    expect(run).toHaveBeenCalledTimes(1);
    expect(c.peek()).toBe(3);
  });
});

describe('computed: propagation shapes', () => {
  it('a chain recomputes each link once per change', () => {
    const head = signal(0);
    const fns: ReturnType<typeof vi.fn>[] = [];
    let current: Computed<number> = head;
    for (let i = 0; i < 10; i++) {
      const previous = current;
      const fn = vi.fn(() => previous.read() + 1);
      fns.push(fn);
      current = computed(fn);
    }
    const tail = current;
    const seen: number[] = [];
    effect(() => {
      seen.push(tail.read());
    });
    head.write(5);
    expect(seen).toEqual([10, 15]);
    for (const fn of fns) expect(fn).toHaveBeenCalledTimes(2);
  });

  it('a diamond is glitch-free: its bottom never sees one side new and the other old, and runs once', () => {
    const a = signal(1);
    const b = computed(() => a.read() + 1);
    const c = computed(() => a.read() * 2);
    const seen: [number, number][] = [];
    const d = computed(() => {
      seen.push([b.read(), c.read()]);
      return b.read() + c.read();
    });
    const results: number[] = [];
    effect(() => {
      results.push(d.read());
    });
    a.write(10);
    expect(seen).toEqual([
      [2, 2],
      [11, 20],
    ]);
    expect(results).toEqual([4, 31]);
  });

  it('a triangle (a chain whose every link is also read by the bottom) runs the bottom once per change', () => {
    const head = signal(0);
    const list: Computed<number>[] = [head];
    for (let i = 0; i < 5; i++) {
      const previous = list[list.length - 1] as Computed<number>;
      list.push(computed(() => previous.read() + 1));
    }
    const fn = vi.fn(() => list.reduce((sum, x) => sum + x.read(), 0));
    const sum = computed(fn);
    const seen: number[] = [];
    effect(() => {
      seen.push(sum.read());
    });
    head.write(1);
    expect(seen).toEqual([15, 21]);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('a broad fan-out updates every branch and each effect once', () => {
    const head = signal(0);
    const runs = new Array<number>(20).fill(0);
    const branches = runs.map((_, i) => computed(() => head.read() + i));
    branches.forEach((branch, i) => {
      effect(() => {
        branch.read();
        runs[i] = (runs[i] ?? 0) + 1;
      });
    });
    head.write(100);
    expect(runs).toEqual(new Array<number>(20).fill(2));
    expect(branches.map((b) => b.read())).toEqual(runs.map((_, i) => 100 + i));
  });

  it('a mux (many signals gathered, split again) re-runs only the split whose value moved', () => {
    const heads = [signal(0), signal(0), signal(0)];
    const gathered = computed(() => heads.map((h) => h.read()));
    const splitRuns = [0, 0, 0];
    const split = heads.map((_, i) =>
      computed(() => {
        splitRuns[i] = (splitRuns[i] ?? 0) + 1;
        return gathered.read()[i] as number;
      }),
    );
    const effectRuns = [0, 0, 0];
    split.forEach((s, i) => {
      effect(() => {
        s.read();
        effectRuns[i] = (effectRuns[i] ?? 0) + 1;
      });
    });
    (heads[1] as ReturnType<typeof signal<number>>).write(7);
    expect(split.map((s) => s.read())).toEqual([0, 7, 0]);
    expect(splitRuns).toEqual([2, 2, 2]);
    expect(effectRuns).toEqual([1, 2, 1]);
  });
});

describe('computed: dynamic dependencies', () => {
  it('a branch switch unsubscribes the abandoned branch (observed)', () => {
    const cond = signal(true);
    const a = signal('a');
    const b = signal('b');
    const fn = vi.fn(() => (cond.read() ? a.read() : b.read()));
    const c = computed(fn);
    const seen: string[] = [];
    effect(() => {
      seen.push(c.read());
    });
    b.write('b2');
    expect(fn).toHaveBeenCalledTimes(1);
    cond.write(false);
    expect(seen).toEqual(['a', 'b2']);
    a.write('a2');
    expect(fn).toHaveBeenCalledTimes(2);
    expect(seen).toEqual(['a', 'b2']);
    b.write('b3');
    expect(seen).toEqual(['a', 'b2', 'b3']);
  });

  it('a branch switch unsubscribes the abandoned branch (unobserved)', () => {
    const cond = signal(true);
    const a = signal(1);
    const b = signal(2);
    const fn = vi.fn(() => (cond.read() ? a.read() : b.read()));
    const c = computed(fn);
    expect(c.read()).toBe(1);
    cond.write(false);
    expect(c.read()).toBe(2);
    a.write(10);
    expect(c.read()).toBe(2);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('an abandoned computed branch is not recomputed any more', () => {
    const cond = signal(true);
    const a = signal(1);
    const expensive = vi.fn(() => a.read() * 100);
    const branch = computed(expensive);
    const c = computed(() => (cond.read() ? branch.read() : 0));
    effect(() => c.read());
    expect(expensive).toHaveBeenCalledTimes(1);
    cond.write(false);
    a.write(2);
    a.write(3);
    expect(c.read()).toBe(0);
    expect(expensive).toHaveBeenCalledTimes(1);
    cond.write(true);
    expect(c.read()).toBe(300);
    expect(expensive).toHaveBeenCalledTimes(2);
  });

  it('dependencies read in a new order are all tracked', () => {
    const flip = signal(false);
    const a = signal(1);
    const b = signal(2);
    const c = computed(() => (flip.read() ? [b.read(), a.read()] : [a.read(), b.read()]));
    const seen: number[][] = [];
    effect(() => {
      seen.push(c.read());
    });
    flip.write(true);
    a.write(3);
    b.write(4);
    expect(seen).toEqual([
      [1, 2],
      [2, 1],
      [2, 3],
      [4, 3],
    ]);
  });
});

describe('computed: equality cut-off', () => {
  it('a computed whose value did not change does not re-run its dependants', () => {
    const a = signal(1);
    const parity = computed(() => a.read() % 2);
    const below = vi.fn(() => parity.read() * 10);
    const c = computed(below);
    const run = vi.fn(() => c.read());
    effect(run);
    a.write(3);
    a.write(5);
    expect(below).toHaveBeenCalledTimes(1);
    expect(run).toHaveBeenCalledTimes(1);
    a.write(6);
    expect(below).toHaveBeenCalledTimes(2);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('a custom equals cuts off values it calls equal', () => {
    const a = signal(1);
    const pair = computed(() => ({ sign: Math.sign(a.read()) }), { equals: (x, y) => x.sign === y.sign });
    const run = vi.fn(() => pair.read());
    effect(run);
    const first = pair.read();
    a.write(5);
    expect(run).toHaveBeenCalledTimes(1);
    expect(pair.read()).toBe(first);
    a.write(-1);
    expect(run).toHaveBeenCalledTimes(2);
    expect(pair.read()).toEqual({ sign: -1 });
  });

  it('equals is not called for the first value', () => {
    const equals = vi.fn((x: number, y: number) => x === y);
    const c = computed(() => 1, { equals });
    expect(c.read()).toBe(1);
    expect(equals).not.toHaveBeenCalled();
  });
});

describe('computed: errors', () => {
  it('an error is cached and rethrown to every reader without re-running', () => {
    const a = signal(0);
    const fn = vi.fn(() => {
      if (a.read() === 0) throw new Error('zero');
      return a.read();
    });
    const c = computed(fn);
    let first: unknown;
    try {
      c.read();
    } catch (error) {
      first = error;
    }
    expect(first).toBeInstanceOf(Error);
    expect(() => c.read()).toThrow(first as Error);
    const reader = computed(() => c.read() + 1);
    expect(() => reader.read()).toThrow('zero');
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('recovers when the input changes, and readers recover with it', () => {
    const a = signal(0);
    const c = computed(() => {
      if (a.read() === 0) throw new Error('zero');
      return a.read() * 2;
    });
    const reader = computed(() => c.read() + 1);
    const seen: (number | string)[] = [];
    effect(() => {
      try {
        seen.push(reader.read());
      } catch (error) {
        seen.push((error as Error).message);
      }
    });
    a.write(2);
    a.write(0);
    a.write(3);
    expect(seen).toEqual(['zero', 5, 'zero', 7]);
  });

  it('an error in one computed leaves the rest of the graph working', () => {
    const a = signal(1);
    const bad = computed(() => {
      throw new Error(`bad ${a.read()}`);
    });
    const good = computed(() => a.read() + 1);
    const seen: number[] = [];
    effect(() => {
      seen.push(good.read());
    });
    expect(() => bad.read()).toThrow('bad 1');
    a.write(2);
    expect(() => bad.read()).toThrow('bad 2');
    expect(seen).toEqual([2, 3]);
  });

  it('an effect that reads a failing computed surfaces the error from the write, and other effects still run', () => {
    const a = signal(1);
    const bad = computed(() => {
      if (a.read() === 2) throw new Error('two');
      return a.read();
    });
    const other: number[] = [];
    effect(() => {
      bad.read();
    });
    effect(() => {
      other.push(a.read());
    });
    expect(() => a.write(2)).toThrow('two');
    expect(other).toEqual([1, 2]);
    a.write(3);
    expect(other).toEqual([1, 2, 3]);
    expect(bad.read()).toBe(3);
  });
});

describe('computed: cycles', () => {
  it('a computed that reads itself raises CYCLE instead of overflowing the stack', () => {
    const holder: { self?: Computed<number> } = {};
    const self = computed((): number => (holder.self as Computed<number>).read() + 1);
    holder.self = self;
    expect(codeOf(() => self.read())).toBe('CYCLE');
    expect(codeOf(() => self.read())).toBe('CYCLE');
  });

  it('mutually dependent computeds raise CYCLE', () => {
    const holder: { b?: Computed<number> } = {};
    const a = computed((): number => (holder.b as Computed<number>).read() + 1);
    const b = computed(() => a.read() + 1);
    holder.b = b;
    expect(codeOf(() => a.read())).toBe('CYCLE');
    expect(codeOf(() => b.read())).toBe('CYCLE');
  });

  it('a cycle that exists only on one branch goes away when the branch does', () => {
    const closeLoop = signal(true);
    const holder: { b?: Computed<number> } = {};
    const a = computed((): number => (closeLoop.read() ? (holder.b as Computed<number>).read() : 0));
    const b = computed(() => a.read() + 1);
    holder.b = b;
    expect(codeOf(() => b.read())).toBe('CYCLE');
    closeLoop.write(false);
    expect(a.read()).toBe(0);
    expect(b.read()).toBe(1);
  });

  it('a cycle under an effect raises CYCLE from the effect and leaves the graph usable', () => {
    const closeLoop = signal(false);
    const holder: { b?: Computed<number> } = {};
    const a = computed((): number => (closeLoop.read() ? (holder.b as Computed<number>).read() : 0));
    const b = computed(() => a.read() + 1);
    holder.b = b;
    const seen: (number | string)[] = [];
    effect(() => {
      try {
        seen.push(b.read());
      } catch (error) {
        seen.push((error as PropagationError).code);
      }
    });
    closeLoop.write(true);
    closeLoop.write(false);
    expect(seen).toEqual([1, 'CYCLE', 1]);
  });

  it('a computed that writes a signal raises WRITE_IN_COMPUTED (computeds are pure)', () => {
    const a = signal(0);
    const c = computed(() => {
      a.write(1);
      return 1;
    });
    expect(codeOf(() => c.read())).toBe('WRITE_IN_COMPUTED');
    expect(a.read()).toBe(0);
  });
});
