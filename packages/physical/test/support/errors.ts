import { PhysicalError } from '../../src/index.js';
import type { PhysicalErrorCode } from '../../src/index.js';

/** The PhysicalError `fn` throws; fails the test if it throws anything else or nothing. */
export function physicalErrorOf(fn: () => unknown): PhysicalError {
  try {
    fn();
  } catch (error) {
    if (error instanceof PhysicalError) return error;
    throw new Error(`expected a PhysicalError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected a PhysicalError, but nothing was thrown');
}

/** The code of the PhysicalError `fn` throws. */
export function codeOf(fn: () => unknown): PhysicalErrorCode {
  return physicalErrorOf(fn).code;
}
