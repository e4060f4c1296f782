import { createComputed } from './internal/graph.js';
import type { Equality } from './internal/graph.js';

/** Options of a computed. */
export interface ComputedOptions<T> {
  /**
   * Whether a recomputed value is the same as the previous one; when it is, the computed's
   * dependants are not re-run (cut-off). Defaults to `Object.is`.
   */
  readonly equals?: (previous: T, next: T) => boolean;
}

/**
 * A value derived from signals and other computeds: lazy (it runs on its first read, and again
 * only when something it read changed), cached, and glitch-free. If its function throws, the
 * error is cached and rethrown to every reader until an input changes.
 */
export interface Computed<T> {
  /** The current value; subscribes the running computed or effect. */
  read(): T;
  /** The current value without subscribing. */
  peek(): T;
  /** `read()` as a property. */
  readonly value: T;
}

/** A computed of `fn`, whose dependencies are whatever `fn` reads on each run. */
export function computed<T>(fn: () => T, options?: ComputedOptions<T>): Computed<T> {
  return createComputed(fn, options?.equals as Equality | undefined) as unknown as Computed<T>;
}
