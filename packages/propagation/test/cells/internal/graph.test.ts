// The graph's structural promises: walks of any depth without recursion, garbage collection of
// what nobody observes, and moving computeds between watched and unwatched without losing changes.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it, vi } from 'vitest';
import { computed, effect, signal } from '../../../src/index.js';
import type { Computed, Signal } from '../../../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Collects garbage after the current job (WeakRef targets live until the job ends). */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    gc();
  }
}

function chain(head: Computed<number>, length: number): Computed<number> {
  let current = head;
  for (let i = 0; i < length; i++) {
    const previous = current;
    current = computed(() => previous.read() + 1);
  }
  return current;
}

describe('graph: depth', () => {
  it('a chain of 10,000 computeds builds, runs under an effect and propagates writes', () => {
    const head = signal(0);
    const tail = chain(head, 10_000);
    const seen: number[] = [];
    const dispose = effect(() => {
      seen.push(tail.read());
    });
    head.write(1);
    head.write(2);
    expect(seen).toEqual([10_000, 10_001, 10_002]);
    dispose();
    head.write(3);
    expect(tail.read()).toBe(10_003);
  });

  it('an unobserved chain of 10,000 is read first, then re-validated after a write', () => {
    const head = signal(0);
    const tail = chain(head, 10_000);
    expect(tail.read()).toBe(10_000);
    head.write(5);
    expect(tail.read()).toBe(10_005);
  });

  it('10,000 effects on one signal all run, and a chain of 10,000 is disposed without recursion', () => {
    const head = signal(0);
    let total = 0;
    const disposers: (() => void)[] = [];
    for (let i = 0; i < 10_000; i++) {
      disposers.push(
        effect(() => {
          total += head.read();
        }),
      );
    }
    head.write(1);
    expect(total).toBe(10_000);
    for (const dispose of disposers) dispose();
    const tail = chain(head, 10_000);
    const disposeTail = effect(() => tail.read());
    disposeTail();
    head.write(2);
    expect(total).toBe(10_000);
    expect(tail.read()).toBe(10_002);
  });
});

describe('graph: watched and unwatched', () => {
  it('a computed keeps its value and dependencies when its last effect goes, and re-validates on read', () => {
    const a = signal(1);
    const fn = vi.fn(() => a.read() * 2);
    const c = computed(fn);
    const dispose = effect(() => c.read());
    dispose();
    expect(c.read()).toBe(2);
    expect(fn).toHaveBeenCalledTimes(1);
    a.write(2);
    expect(c.read()).toBe(4);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('a computed made stale while unwatched is checked when an effect subscribes again', () => {
    const a = signal(1);
    const inner = computed(() => a.read() + 1);
    const outer = computed(() => inner.read() * 10);
    expect(outer.read()).toBe(20);
    a.write(2);
    const seen: number[] = [];
    effect(() => {
      seen.push(outer.read());
    });
    a.write(3);
    expect(seen).toEqual([30, 40]);
  });

  it('a computed dropped while PENDING is recomputed when read later', () => {
    const a = signal(1);
    const c = computed(() => a.read() + 100);
    const dispose = effect(() => c.read());
    a.write(2);
    dispose();
    a.write(3);
    expect(c.read()).toBe(103);
  });

  it('an unwatched computed reading a watched one sees its updates', () => {
    const a = signal(1);
    const watched = computed(() => a.read() * 2);
    effect(() => watched.read());
    const unwatched = computed(() => watched.read() + 1);
    expect(unwatched.read()).toBe(3);
    a.write(5);
    expect(unwatched.read()).toBe(11);
  });
});

describe('graph: memory', () => {
  it('a disposed effect is garbage-collected while the signal it read lives', async () => {
    const a = signal(0);
    const ref = ((): WeakRef<object> => {
      const fn = (): void => {
        a.read();
      };
      const dispose = effect(fn);
      dispose();
      return new WeakRef(fn);
    })();
    await collect();
    expect(ref.deref()).toBeUndefined();
    a.write(1);
  });

  it('an unobserved computed that was read is garbage-collected while its signal lives', async () => {
    const a = signal(1);
    const ref = ((): WeakRef<Computed<number>> => {
      const c = computed(() => a.read() + 1);
      expect(c.read()).toBe(2);
      return new WeakRef(c);
    })();
    await collect();
    expect(ref.deref()).toBeUndefined();
    expect(a.read()).toBe(1);
  });

  it('a computed whose only effect was disposed is garbage-collected', async () => {
    const a = signal(1);
    const ref = ((): WeakRef<Computed<number>> => {
      const c = computed(() => a.read() + 1);
      const dispose = effect(() => c.read());
      a.write(2);
      dispose();
      return new WeakRef(c);
    })();
    await collect();
    expect(ref.deref()).toBeUndefined();
  });

  it('a computed branch abandoned by a dynamic dependency is garbage-collected', async () => {
    const a = signal(1);
    const cond = signal(true);
    const holder: { branch?: Computed<number> } = {};
    const ref = ((): WeakRef<Computed<number>> => {
      const branch = computed(() => a.read() * 2);
      holder.branch = branch;
      return new WeakRef(branch);
    })();
    const c = computed(() => (cond.read() ? (holder.branch as Computed<number>).read() : 0));
    effect(() => c.read());
    cond.write(false);
    delete holder.branch;
    await collect();
    expect(ref.deref()).toBeUndefined();
    a.write(2);
    expect(c.read()).toBe(0);
  });

  it('a live effect is not collected: it keeps running', async () => {
    const a: Signal<number> = signal(0);
    let runs = 0;
    ((): void => {
      effect(() => {
        a.read();
        runs++;
      });
    })();
    await collect();
    a.write(1);
    expect(runs).toBe(2);
  });
});
