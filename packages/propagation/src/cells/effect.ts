import { createEffect, disposeEffect } from './internal/graph.js';

/** What an effect's function returns: nothing, or a cleanup run before its next run and on disposal. */
export type EffectCleanup = () => void;

/** Stops an effect: it unsubscribes, its cleanup runs, and the effects it created are disposed. */
export type Dispose = () => void;

/**
 * Runs `fn` now and again after every change to what it read (once per batch). If `fn` returns a
 * function, that is its cleanup (any other return value is ignored, so `effect(() => s.read())`
 * is fine). An effect created
 * while another effect (or a computed) runs belongs to it and is disposed when its owner re-runs
 * or is disposed. If the first run throws, the effect is disposed and the error rethrown.
 */
export function effect(fn: () => unknown): Dispose {
  const node = createEffect(fn);
  return () => disposeEffect(node);
}
