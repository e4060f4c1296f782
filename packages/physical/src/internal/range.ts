import { PhysicalError } from '../errors.js';

/** Throws OUT_OF_RANGE unless [offset, offset + length) lies within a page of `size` bytes. */
export function checkRange(offset: number, length: number, size: number): void {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset + length > size) {
    throw new PhysicalError(
      'OUT_OF_RANGE',
      `range at offset ${String(offset)} of length ${length} exceeds the page of ${size} bytes`,
    );
  }
}
