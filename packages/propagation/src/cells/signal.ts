import { createSignal } from './internal/graph.js';
import type { Equality } from './internal/graph.js';

/** Options of a signal. */
export interface SignalOptions<T> {
  /**
   * Whether a written value is the same as the current one; when it is, nothing is notified.
   * Defaults to `Object.is`.
   */
  readonly equals?: (previous: T, next: T) => boolean;
}

/**
 * A writable reactive value. Two equivalent spellings:
 * - methods: `s.read()` / `s.write(v)`;
 * - a property: `s.value` / `s.value = v`.
 * Reading inside a computed or an effect subscribes it; `peek()` reads without subscribing.
 */
export interface Signal<T> {
  /** The current value; subscribes the running computed or effect. */
  read(): T;
  /** Sets the value; dependants are notified when `equals` says it changed. */
  write(value: T): void;
  /** The current value without subscribing. */
  peek(): T;
  /** `read()` and `write(v)` as a property. */
  value: T;
}

/** A signal holding `value`. */
export function signal<T>(value: T, options?: SignalOptions<T>): Signal<T> {
  return createSignal(value, options?.equals as Equality | undefined) as unknown as Signal<T>;
}
