// The first step of every public operation: make sure the argument is a delta, decompress it if
// it is compressed, validate the plain result.
import { PageError } from '../errors.js';
import { decompressDelta } from './decompress.js';
import type { Delta, PlainDelta } from './types.js';
import { checkPlainDelta } from './validate.js';

/** The validated plain form of `delta`; throws PageError (INVALID_ARGUMENT, DELTA_OUT_OF_RANGE, DELTA_CORRUPT). */
export function toPlainDelta(delta: Delta, fn: string): PlainDelta {
  const kind: unknown = typeof delta === 'object' && delta !== null ? (delta as { kind?: unknown }).kind : undefined;
  if (kind === 'compressed') return decompressDelta(delta);
  if (kind !== 'sparse' && kind !== 'dense') {
    const got = typeof kind === 'string' ? `kind '${kind}'` : delta === null ? 'null' : typeof delta;
    throw new PageError('INVALID_ARGUMENT', `${fn}: expected a delta of kind 'sparse', 'dense' or 'compressed', got ${got}`);
  }
  checkPlainDelta(delta as PlainDelta, fn);
  return delta as PlainDelta;
}
