import { PhysicalError } from './errors.js';
import { capabilities, describeError, mapFile, nativeErrorCode } from './internal/native.js';
import type { MappedFile } from './internal/native.js';

/** Options for {@link openMappedFile}. */
export interface MapOptions {
  /** Create the file (and size it) when missing; default true. */
  readonly create?: boolean;
}

/** True when the native module is loaded, so files can be memory-mapped. */
export function mappedSupported(): boolean {
  return capabilities().native;
}

/**
 * Maps `size` bytes of the file at `path`; two processes mapping one file see the same bytes.
 * Refuses with `MAPPED_UNAVAILABLE` on the pure-TS path (no native module: mmap needs it) and
 * `MAPPED_FAILED` when the native module could not map the file; the native error is the cause.
 */
export function openMappedFile(path: string, size: number, options: MapOptions = {}): MappedFile {
  if (typeof path !== 'string' || path.length === 0) {
    throw new PhysicalError('INVALID_OPTION', `mapped page path ${JSON.stringify(path)} is not a non-empty string`);
  }
  try {
    return mapFile(path, size, { create: options.create ?? true });
  } catch (error) {
    if (nativeErrorCode(error) === 'NATIVE_UNAVAILABLE') {
      throw new PhysicalError(
        'MAPPED_UNAVAILABLE',
        `cannot map ${path}: memory-mapped pages need the native module, which is not loaded (${describeError(error)})`,
        { cause: error },
      );
    }
    throw new PhysicalError('MAPPED_FAILED', `cannot map ${size} bytes of ${path}: ${describeError(error)}`, {
      cause: error,
    });
  }
}
