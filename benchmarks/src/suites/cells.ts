// The reactive cells of @mmsb/propagation beside alien-signals and @preact/signals-core on the
// classic shapes of js-reactivity-benchmark (its "kairo" cases and cellx), each built the same way
// for the three libraries through one small adapter, as that benchmark does: every library is
// called through the same `read()` / `write()` wrappers, so none pays a call the others skip.
// One call of `run` is one iteration of the shape (as the reference benchmark times it); the
// ratio is taken against the faster peer.
import { batch as mmsbBatch, computed as mmsbComputed, effect as mmsbEffect, signal as mmsbSignal } from '@mmsb/propagation';
import { batch as preactBatch, computed as preactComputed, effect as preactEffect, signal as preactSignal } from '@preact/signals-core';
import { computed as alienComputed, effect as alienEffect, endBatch as alienEndBatch, signal as alienSignal, startBatch as alienStartBatch } from 'alien-signals';
import type { BenchCase, Contender } from '../harness.js';

/** A readable cell, as the shapes see it. */
interface Readable<T> {
  read(): T;
}

/** A writable cell. */
interface Writable<T> extends Readable<T> {
  write(value: T): void;
}

/** One library behind the adapter the shapes are written against. */
interface Framework {
  readonly name: string;
  signal<T>(value: T): Writable<T>;
  computed<T>(fn: () => T): Readable<T>;
  effect(fn: () => void): void;
  batch(fn: () => void): void;
}

const mmsb: Framework = {
  name: 'mmsb',
  signal: <T>(value: T) => {
    const s = mmsbSignal(value);
    return { read: () => s.read(), write: (v: T) => s.write(v) };
  },
  computed: <T>(fn: () => T) => {
    const c = mmsbComputed(fn);
    return { read: () => c.read() };
  },
  effect: (fn) => {
    mmsbEffect(fn);
  },
  batch: (fn) => mmsbBatch(fn),
};

const alien: Framework = {
  name: 'alien-signals',
  signal: <T>(value: T) => {
    const s = alienSignal(value);
    return { read: () => s(), write: (v: T) => s(v) };
  },
  computed: <T>(fn: () => T) => {
    const c = alienComputed(fn);
    return { read: () => c() };
  },
  effect: (fn) => {
    alienEffect(fn);
  },
  batch: (fn) => {
    alienStartBatch();
    try {
      fn();
    } finally {
      alienEndBatch();
    }
  },
};

const preact: Framework = {
  name: '@preact/signals-core',
  signal: <T>(value: T) => {
    const s = preactSignal(value);
    return {
      read: () => s.value,
      write: (v: T) => {
        s.value = v;
      },
    };
  },
  computed: <T>(fn: () => T) => {
    const c = preactComputed(fn);
    return { read: () => c.value };
  },
  effect: (fn) => {
    preactEffect(fn);
  },
  batch: (fn) => preactBatch(fn),
};

function check(actual: unknown, expected: unknown, shape: string): void {
  if (actual !== expected) throw new Error(`${shape}: expected ${String(expected)}, got ${String(actual)}`);
}

/** A little work the avoidable shape must not repeat. */
function busy(): void {
  let a = 0;
  for (let i = 0; i < 100; i++) a++;
  if (a !== 100) throw new Error('busy');
}

/** A shape: builds its graph on a framework and returns one iteration. */
type Shape = (f: Framework) => () => void;

/** Deep propagation: a chain of 50 computeds under one signal, one effect at the end. */
const deep: Shape = (f) => {
  const len = 50;
  const head = f.signal(0);
  let current: Readable<number> = head;
  for (let i = 0; i < len; i++) {
    const c = current;
    current = f.computed(() => c.read() + 1);
  }
  const tail = current;
  f.effect(() => {
    tail.read();
  });
  return () => {
    f.batch(() => head.write(1));
    for (let i = 0; i < 50; i++) {
      f.batch(() => head.write(i));
      check(tail.read(), len + i, 'deep');
    }
  };
};

/** Broad propagation: 50 branches of two computeds and an effect under one signal. */
const broad: Shape = (f) => {
  const head = f.signal(0);
  let last: Readable<number> = head;
  for (let i = 0; i < 50; i++) {
    const current = f.computed(() => head.read() + i);
    const current2 = f.computed(() => current.read() + 1);
    f.effect(() => {
      current2.read();
    });
    last = current2;
  }
  return () => {
    f.batch(() => head.write(1));
    for (let i = 0; i < 50; i++) {
      f.batch(() => head.write(i));
      check(last.read(), i + 50, 'broad');
    }
  };
};

/** Diamond: 5 computeds of one signal, summed by one computed, one effect. */
const diamond: Shape = (f) => {
  const width = 5;
  const head = f.signal(0);
  const current: Readable<number>[] = [];
  for (let i = 0; i < width; i++) current.push(f.computed(() => head.read() + 1));
  const sum = f.computed(() => current.map((x) => x.read()).reduce((a, b) => a + b, 0));
  f.effect(() => {
    sum.read();
  });
  return () => {
    f.batch(() => head.write(1));
    for (let i = 0; i < 500; i++) {
      f.batch(() => head.write(i));
      check(sum.read(), (i + 1) * width, 'diamond');
    }
  };
};

/** Triangle: a chain of 10, every link of it summed by one computed, one effect. */
const triangle: Shape = (f) => {
  const width = 10;
  const head = f.signal(0);
  let current: Readable<number> = head;
  const list: Readable<number>[] = [];
  for (let i = 0; i < width; i++) {
    const c = current;
    list.push(current);
    current = f.computed(() => c.read() + 1);
  }
  const sum = f.computed(() => list.map((x) => x.read()).reduce((a, b) => a + b, 0));
  f.effect(() => {
    sum.read();
  });
  const constant = (width * (width + 1)) / 2;
  return () => {
    f.batch(() => {
      head.write(1);
      check(sum.read(), constant, 'triangle');
    });
    for (let i = 0; i < 100; i++) {
      f.batch(() => {
        head.write(i);
        check(sum.read(), constant - width + i * width, 'triangle');
      });
    }
  };
};

/** Mux: 100 signals gathered into one object and split again into 100 computeds with effects. */
const mux: Shape = (f) => {
  const heads = Array.from({ length: 100 }, () => f.signal(0));
  const gathered = f.computed(() => Object.fromEntries(heads.map((h) => h.read()).entries()));
  const split = heads.map((_, index) => f.computed(() => gathered.read()[index] as number)).map((x) => f.computed(() => x.read() + 1));
  for (const x of split) {
    f.effect(() => {
      x.read();
    });
  }
  return () => {
    for (let i = 0; i < 10; i++) {
      (heads[i] as Writable<number>).write(i);
      check((split[i] as Readable<number>).read(), i + 1, 'mux');
    }
    for (let i = 0; i < 10; i++) {
      (heads[i] as Writable<number>).write(i * 2);
      check((split[i] as Readable<number>).read(), i * 2 + 1, 'mux');
    }
  };
};

/** Repeated observers: one computed reading the same signal 30 times, one effect. */
const repeated: Shape = (f) => {
  const size = 30;
  const head = f.signal(0);
  const current = f.computed(() => {
    let result = 0;
    for (let i = 0; i < size; i++) result += head.read();
    return result;
  });
  f.effect(() => {
    current.read();
  });
  return () => {
    f.batch(() => head.write(1));
    for (let i = 0; i < 100; i++) {
      f.batch(() => head.write(i));
      check(current.read(), i * size, 'repeated');
    }
  };
};

/** Unstable dependencies: a computed switching between two branches on every write. */
const unstable: Shape = (f) => {
  const head = f.signal(0);
  const double = f.computed(() => head.read() * 2);
  const inverse = f.computed(() => -head.read());
  const current = f.computed(() => {
    let result = 0;
    for (let i = 0; i < 20; i++) result += head.read() % 2 ? double.read() : inverse.read();
    return result;
  });
  f.effect(() => {
    current.read();
  });
  return () => {
    f.batch(() => head.write(1));
    check(current.read(), 40, 'unstable');
    for (let i = 0; i < 100; i++) {
      f.batch(() => head.write(i));
      check(current.read(), i % 2 ? i * 2 * 20 : -i * 20, 'unstable');
    }
  };
};

/** Avoidable propagation: a change cut off early must not re-run the costly computeds below it. */
const avoidable: Shape = (f) => {
  const head = f.signal(0);
  const computed1 = f.computed(() => head.read());
  const computed2 = f.computed(() => (computed1.read(), 0));
  const computed3 = f.computed(() => (busy(), computed2.read() + 1));
  const computed4 = f.computed(() => computed3.read() + 2);
  const computed5 = f.computed(() => computed4.read() + 3);
  f.effect(() => {
    computed5.read();
    busy();
  });
  return () => {
    head.write(1);
    check(computed5.read(), 6, 'avoidable');
    for (let i = 0; i < 1000; i++) {
      f.batch(() => {
        head.write(i);
        check(computed5.read(), 6, 'avoidable');
      });
    }
  };
};

/** cellx: 1000 layers of 4 computeds (each with an effect) over 4 signals; one batched write of all 4. */
const cellx: Shape = (f) => {
  const start = { prop1: f.signal(1), prop2: f.signal(2), prop3: f.signal(3), prop4: f.signal(4) };
  let layer: { prop1: Readable<number>; prop2: Readable<number>; prop3: Readable<number>; prop4: Readable<number> } = start;
  for (let i = 1000; i > 0; i--) {
    const m = layer;
    const s = {
      prop1: f.computed(() => m.prop2.read()),
      prop2: f.computed(() => m.prop1.read() - m.prop3.read()),
      prop3: f.computed(() => m.prop2.read() + m.prop4.read()),
      prop4: f.computed(() => m.prop3.read()),
    };
    f.effect(() => {
      s.prop1.read();
    });
    f.effect(() => {
      s.prop2.read();
    });
    f.effect(() => {
      s.prop3.read();
    });
    f.effect(() => {
      s.prop4.read();
    });
    s.prop1.read();
    s.prop2.read();
    s.prop3.read();
    s.prop4.read();
    layer = s;
  }
  const end = layer;
  let flip = false;
  return () => {
    flip = !flip;
    f.batch(() => {
      start.prop1.write(flip ? 4 : 1);
      start.prop2.write(flip ? 3 : 2);
      start.prop3.write(flip ? 2 : 3);
      start.prop4.write(flip ? 1 : 4);
    });
    // The reference's expected last layer after writing 4, 3, 2, 1 (and before, for 1, 2, 3, 4).
    check(end.prop1.read(), flip ? -2 : -3, 'cellx');
    check(end.prop2.read(), flip ? -4 : -6, 'cellx');
    check(end.prop3.read(), flip ? 2 : -2, 'cellx');
    check(end.prop4.read(), flip ? 3 : 2, 'cellx');
  };
};

function contender(f: Framework, shape: Shape): Contender {
  const run = shape(f);
  return { name: f.name, run };
}

function shapeCase(name: string, shape: Shape, description: string): BenchCase {
  return {
    name: `cells.${name}`,
    unit: 'ops',
    workPerCall: 1,
    mmsb: contender(mmsb, shape),
    peer: contender(alien, shape),
    otherPeers: [contender(preact, shape)],
    ratioAgainst: 'best',
    goal: { kind: 'ratio-at-least', value: 1 },
    note: `${description}; one op is one iteration of the js-reactivity-benchmark shape; ratio against the faster of alien-signals 3.2.1 and @preact/signals-core 1.14.5; goal ≥ 1.0×`,
  };
}

/** The cells suite. */
export function cellsCases(): BenchCase[] {
  return [
    shapeCase('deep-chain-50', deep, 'a chain of 50 computeds, 51 batched writes'),
    shapeCase('broad-50', broad, '50 branches of two computeds and an effect, 51 batched writes'),
    shapeCase('diamond-5', diamond, '5 computeds summed, 501 batched writes'),
    shapeCase('triangle-10', triangle, 'a chain of 10 summed link by link, 101 batched writes with a read inside'),
    shapeCase('mux-100', mux, '100 signals gathered and split, 20 writes each followed by a read'),
    shapeCase('repeated-observers-30', repeated, 'a computed reading one signal 30 times, 101 batched writes'),
    shapeCase('unstable-dependencies', unstable, 'a computed switching branches every write, 101 batched writes'),
    shapeCase('avoidable-propagation', avoidable, 'a change cut off after one computed, 1001 writes with reads'),
    shapeCase('cellx-1000-layers', cellx, '1000 layers of 4 computeds and 4 effects (4000 cells), one batched write of the 4 signals'),
  ];
}

/** What the suite ran on, for the results file. */
export function cellsContext(): Record<string, unknown> {
  return { peers: { 'alien-signals': '3.2.1', '@preact/signals-core': '1.14.5' } };
}
